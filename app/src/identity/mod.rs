//! Accounts, sessions, roles and personal data.

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
