//! Countries, NUTS-2 regions, organisations and the thematic taxonomy.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
