//! Cooperative learning workspaces: the partnership's working groups, each with its thematic
//! areas, its visibility, and its members by role (owner, facilitator, member, observer), who
//! come in by invitation link, by invitation of their account, or by asking to join; and
//! their discussions, threads of posts in Markdown; their documents; the notifications of
//! what concerns a member; and each home's recent activity and what needs a member's
//! attention there.

pub mod activity;
pub mod activity_api;
pub mod activity_pages;
#[cfg(feature = "ssr")]
pub mod activity_store;
pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod discussion;
pub mod discussion_api;
pub mod discussion_pages;
#[cfg(feature = "ssr")]
pub mod discussion_store;
pub mod document;
pub mod document_api;
#[cfg(feature = "ssr")]
pub mod document_http;
pub mod document_pages;
#[cfg(feature = "ssr")]
pub mod document_store;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod member_pages;
#[cfg(feature = "ssr")]
pub mod members_store;
pub mod model;
pub mod notice;
pub mod notice_api;
#[cfg(feature = "ssr")]
pub mod notice_mail;
pub mod notice_pages;
#[cfg(feature = "ssr")]
pub mod notice_store;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod personal_store;
#[cfg(feature = "ssr")]
pub mod store;
