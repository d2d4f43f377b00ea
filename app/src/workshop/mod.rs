//! Live workshops: a facilitator prepares a workshop's agenda of activities; participants
//! join it from their phones by its six-letter code, with no account, and answer the activity
//! the facilitator shows while the presenter's screen follows the results live.

pub mod activities;
pub mod agenda_form;
pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod event_store;
pub mod ideas_api;
#[cfg(feature = "ssr")]
pub mod live;
pub mod model;
pub mod pages;
pub mod questions_api;
pub mod results;
pub mod results_page;
pub mod room_api;
pub mod room_pages;
pub mod run;
pub mod run_pages;
pub mod screen_dom;
#[cfg(feature = "ssr")]
pub mod screen_pages;
pub mod socket;
pub mod stage;
#[cfg(feature = "ssr")]
pub mod store;
pub mod tally;
