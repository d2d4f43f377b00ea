//! Policy assessment: questionnaire templates, rounds that a region's stakeholders answer,
//! and the results merged from their answers.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod answer_store;
pub mod api;
mod autosave;
mod check;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod compare;
pub mod export;
pub mod model;
pub mod pages;
pub mod remind;
#[cfg(feature = "ssr")]
pub mod remind_store;
pub mod respond;
pub mod respond_api;
#[cfg(feature = "ssr")]
mod respond_form;
#[cfg(feature = "ssr")]
pub mod response_store;
pub mod results;
pub mod review;
pub mod review_api;
pub mod review_pages;
#[cfg(feature = "ssr")]
pub mod review_store;
pub mod round;
pub mod round_api;
pub mod round_pages;
#[cfg(feature = "ssr")]
pub mod round_store;
pub mod score;
#[cfg(feature = "ssr")]
pub mod store;
