//! Server functions for discussions: a workspace's threads, a thread's posts, starting a
//! thread, replying, editing and deleting a post, pinning a thread. Each makes its proof
//! before it reads anything.

use super::discussion::{ThreadPage, ThreadView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::discussion::{Cursor, POST_MAX, TITLE_MAX},
    super::discussion_store::{self as store, require_thread},
    super::store::{require_facilitator, require_reader, require_writer},
    crate::error::{Checks, Problem},
    crate::ssr,
    crate::text::{bounded_text, long_text},
};

/// A post's Markdown as the form sends it: required, at most [`POST_MAX`] characters.
#[cfg(feature = "ssr")]
fn post_body(raw: &str) -> Result<String, Problem> {
    match long_text(raw, POST_MAX)? {
        body if body.is_empty() => Err(Problem::Required),
        body => Ok(body),
    }
}

/// A cursor from a page's address, or `BadRequest`: only an outdated or made-up address has a
/// malformed one.
#[cfg(feature = "ssr")]
fn cursor(raw: &str) -> Result<Option<Cursor>, AppError> {
    Cursor::parse(raw).map_err(|_| AppError::BadRequest)
}

/// A page of the workspace's threads for whoever may read it (`before`: where it starts).
#[server(endpoint = "workspace/threads", input = server_fn::codec::GetUrl)]
pub async fn list_threads(
    workspace_id: String,
    #[server(default)] before: String,
) -> Result<ThreadPage, AppError> {
    let db = ssr::db()?;
    let reader = require_reader(&db, &workspace_id).await?;
    store::threads(&db, &reader, cursor(&before)?).await
}

/// A page of a thread's posts for whoever may read its workspace (`after`: where it starts).
#[server(endpoint = "workspace/thread", input = server_fn::codec::GetUrl)]
pub async fn get_thread(
    thread_id: String,
    #[server(default)] after: String,
) -> Result<ThreadView, AppError> {
    let db = ssr::db()?;
    let thread = require_thread(&db, &thread_id).await?;
    store::thread(&db, &thread, cursor(&after)?).await
}

/// A member who writes starts a thread with its opening post, and is taken to it.
#[server(endpoint = "workspace/start_thread")]
pub async fn start_thread(
    workspace_id: String,
    title: String,
    body: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let writer = require_writer(&db, &workspace_id).await?;
    let mut checks = Checks::default();
    checks.keep("title", &title);
    checks.keep("body", &body);
    let title_ok = checks.check("title", bounded_text(&title, TITLE_MAX));
    let body_ok = checks.check("body", post_body(&body));
    checks.finish()?;
    let (Some(title), Some(body)) = (title_ok, body_ok) else {
        return Err(AppError::Internal);
    };
    let id = store::start_thread(&db, &writer, &title, &body).await?;
    leptos_axum::redirect(&format!("/workspaces/{workspace_id}/threads/{id}"));
    Ok(())
}

/// A member who writes replies at the end of a thread.
#[server(endpoint = "workspace/reply")]
pub async fn reply(thread_id: String, body: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let thread = require_thread(&db, &thread_id).await?;
    let writer = require_writer(&db, &thread.thread.workspace_id).await?;
    let body = post_body(&body).map_err(|p| AppError::field("body", p).keeping("body", &body))?;
    store::reply(&db, &writer, &thread.thread, &body).await?;
    Ok(())
}

/// A post's author (while they write in the workspace) or a facilitator changes its text.
#[server(endpoint = "workspace/edit_post")]
pub async fn edit_post(thread_id: String, post_id: String, body: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let thread = require_thread(&db, &thread_id).await?;
    if thread.reader.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    let text = post_body(&body).map_err(|p| AppError::field("body", p).keeping("body", &body))?;
    store::edit_post(&db, &thread, &post_id, &text).await
}

/// A post's author (while they write in the workspace) or a facilitator deletes it.
#[server(endpoint = "workspace/delete_post")]
pub async fn delete_post(thread_id: String, post_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let thread = require_thread(&db, &thread_id).await?;
    if thread.reader.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    store::delete_post(&db, &thread, &post_id).await
}

/// A facilitator pins a thread to the top of its workspace's list (`pinned` = `1`) or unpins it.
#[server(endpoint = "workspace/pin")]
pub async fn pin_thread(
    workspace_id: String,
    thread_id: String,
    pinned: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    let pinned = match pinned.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::field("pinned", Problem::UnknownChoice)),
    };
    store::pin(&db, &by, &thread_id, pinned).await
}
