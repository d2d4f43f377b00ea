//! Server functions for notifications: a person's list, marking read, and which kinds they
//! receive. Only ever the caller's own.

use super::notice::Notices;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::notice::{MailCadence, NoticeKind},
    super::notice_mail,
    super::notice_store as store,
    crate::identity::session::require_user,
    crate::ssr,
};

/// The caller's latest notifications and settings.
#[server(endpoint = "notices/list")]
pub async fn list_notices() -> Result<Notices, AppError> {
    let me = require_user().await?;
    let context = ssr::context()?;
    store::notices(&context.db, &me, context.mailer.is_some()).await
}

/// Marks one of the caller's notifications read (`notice_id`), or all of them (`all`).
#[server(endpoint = "notices/read")]
pub async fn mark_read(notice_id: String) -> Result<(), AppError> {
    let me = require_user().await?;
    let one = (notice_id != "all").then_some(notice_id.as_str());
    store::mark_read(&ssr::db()?, &me, one).await
}

/// The kinds of notification the caller receives: the form's checked boxes (`kinds[]`); and
/// how often by e-mail (`email`: `never`, `each`, `daily`; left out: as it was).
#[server(endpoint = "notices/settings")]
pub async fn set_notice_kinds(
    #[server(default)] kinds: Vec<String>,
    #[server(default)] email: String,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let cadence = match email.as_str() {
        "" => None,
        raw => Some(
            MailCadence::parse(raw)
                .ok_or_else(|| AppError::field("email", crate::error::Problem::UnknownChoice))?,
        ),
    };
    let mut on = Vec::new();
    for raw in &kinds {
        let kind = NoticeKind::parse(raw)
            .ok_or_else(|| AppError::field("kinds", crate::error::Problem::UnknownChoice))?;
        on.push(kind);
    }
    let off = NoticeKind::ALL
        .into_iter()
        .filter(|k| !on.contains(k))
        .collect();
    let db = ssr::db()?;
    store::set_off(&db, &me, off).await?;
    if let Some(cadence) = cadence {
        notice_mail::set_cadence(&db, &me, cadence).await?;
    }
    Ok(())
}
