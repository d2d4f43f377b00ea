//! Server functions for notifications: a person's list, marking read, and which kinds they
//! receive, only ever the caller's own; and the link that confirms an address for e-mail,
//! which its token alone opens (it is followed from a mailbox, maybe on another device).

use super::notice::{AddressLink, Notices};
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
/// how often by e-mail (`email`: `never`, `each`, `daily`; left out: as it was). Choosing
/// e-mail for an address not yet confirmed sends it a link to confirm it.
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
    let context = ssr::context()?;
    store::set_off(&context.db, &me, off).await?;
    if let Some(cadence) = cadence {
        let base = context.public_origin.base();
        notice_mail::set_cadence(&context.db, &me, cadence, context.mailer.as_ref(), &base).await?;
    }
    Ok(())
}

/// The address a link to confirm it went to, and whether it is confirmed.
#[server(endpoint = "notices/address_link")]
pub async fn preview_address_link(token: String) -> Result<AddressLink, AppError> {
    notice_mail::address_link(&ssr::db()?, &token).await
}

/// Confirms the address the link went to: notifications may be mailed to it from now on.
#[server(endpoint = "notices/confirm_address")]
pub async fn confirm_address(token: String) -> Result<(), AppError> {
    notice_mail::confirm(&ssr::db()?, &token).await
}
