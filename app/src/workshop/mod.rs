//! Live workshops: a facilitator prepares a workshop's agenda of activities; participants
//! join it from their phones by its six-letter code, with no account.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
