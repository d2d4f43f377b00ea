//! Cooperative learning workspaces: the partnership's working groups, each with its thematic
//! areas, its visibility, and its members by role (owner, facilitator, member, observer), who
//! come in by invitation link, by invitation of their account, or by asking to join.

pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
