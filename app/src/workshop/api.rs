//! Server functions for workshops: a facilitator prepares one (title, language, agenda) and
//! decides who may join; participants join by its code, with no account.

// `add_activity` takes one argument per field of the agenda form, which posts as it is
// without JavaScript; the lint cannot be allowed on the items its macro generates alone.
#![allow(clippy::too_many_arguments)]

use super::model::{Room, Workshop, WorkshopSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::{is_join_code, parse_activity, ActivityForm, TITLE_MAX},
    super::store::{self, require_owner, Seat},
    crate::assessment::round::normalise_code,
    crate::error::{Checks, Problem},
    crate::identity::session::{new_token, require_user, token_hash},
    crate::ssr,
    crate::text::bounded_text,
    crate::ui::parse_locale,
    leptos_i18n::Locale as _,
};

/// How long a participant's cookie keeps them in a workshop: long enough to come back to a
/// workshop reopened weeks later.
#[cfg(feature = "ssr")]
const SEAT_SECONDS: i64 = 60 * 24 * 60 * 60;

/// The cookie that holds a participant's token for the workshop with this join code: one per
/// workshop, so that joining another one keeps the first.
#[cfg(feature = "ssr")]
fn seat_cookie(code: &str) -> String {
    format!("cp_seat_{code}")
}

/// The workshops the caller runs.
#[server(endpoint = "workshop/mine")]
pub async fn list_my_workshops() -> Result<Vec<WorkshopSummary>, AppError> {
    let me = require_user().await?;
    store::owned(&ssr::db()?, &me).await
}

/// Any signed-in person creates a workshop and runs it.
#[server(endpoint = "workshop/create")]
pub async fn create_workshop(title: String, language: String) -> Result<(), AppError> {
    let me = require_user().await?;
    let mut checks = Checks::default();
    checks.keep("title", &title);
    let title = checks.check("title", bounded_text(&title, TITLE_MAX));
    let language = checks.check("language", parse_locale(&language));
    checks.finish()?;
    let (Some(title), Some(language)) = (title, language) else {
        return Err(AppError::Internal);
    };
    let id = store::create(&ssr::db()?, &me, &title, language.as_str()).await?;
    leptos_axum::redirect(&format!("/workshops/{id}"));
    Ok(())
}

/// The workshop with its agenda and participants, for whoever runs it.
#[server(endpoint = "workshop/get")]
pub async fn get_workshop(workshop_id: String) -> Result<Workshop, AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::workshop(&db, &owner).await
}

/// Adds an activity at the end of the agenda. The fields that count depend on `kind`
/// (see [`super::model::parse_activity`]).
#[server(endpoint = "workshop/add_activity")]
pub async fn add_activity(
    workshop_id: String,
    kind: String,
    prompt: String,
    #[server(default)] lines: String,
    #[server(default)] multiple: Option<String>,
    #[server(default)] anonymous: Option<String>,
    #[server(default)] correct: String,
    #[server(default)] scale: String,
    #[server(default)] per_person: String,
    #[server(default)] minutes: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let mut checks = Checks::default();
    for (name, typed) in [
        ("prompt", &prompt),
        ("lines", &lines),
        ("correct", &correct),
        ("per_person", &per_person),
        ("minutes", &minutes),
    ] {
        checks.keep(name, typed);
    }
    let form = ActivityForm {
        kind: &kind,
        prompt: &prompt,
        lines: &lines,
        multiple: multiple.is_some(),
        anonymous: anonymous.is_some(),
        correct: &correct,
        scale: &scale,
        per_person: &per_person,
        minutes: &minutes,
    };
    let activity = parse_activity(&form, &mut checks);
    checks.finish()?;
    let (prompt, settings) = activity.ok_or(AppError::Internal)?;
    store::add_activity(&db, &owner, prompt, &settings).await
}

/// Moves an activity one place earlier (`direction` = `up`) or later (`down`).
#[server(endpoint = "workshop/move_activity")]
pub async fn move_activity(
    workshop_id: String,
    activity_id: String,
    direction: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::field("direction", Problem::UnknownChoice)),
    };
    store::move_activity(&db, &owner, &activity_id, up).await
}

#[server(endpoint = "workshop/remove_activity")]
pub async fn remove_activity(workshop_id: String, activity_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::remove_activity(&db, &owner, &activity_id).await
}

/// Locks or unlocks joining, and allows or forbids joining without a nickname (checkboxes:
/// present means on).
#[server(endpoint = "workshop/set_joining")]
pub async fn set_joining(
    workshop_id: String,
    #[server(default)] locked: Option<String>,
    #[server(default)] anonymous: Option<String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::set_joining(&db, &owner, locked.is_some(), anonymous.is_some()).await
}

#[server(endpoint = "workshop/remove_participant")]
pub async fn remove_participant(
    workshop_id: String,
    participant_id: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::remove_participant(&db, &owner, &participant_id).await
}

/// The workshop a code as typed opens, if any.
#[cfg(feature = "ssr")]
async fn by_typed_code(
    db: &crate::db::Db,
    typed: &str,
) -> Result<Option<store::WorkshopRow>, AppError> {
    let code = normalise_code(typed);
    if !is_join_code(&code) {
        return Ok(None);
    }
    store::by_code(db, &code).await
}

/// The token this browser holds for a workshop, and the seat it holds (none when it holds no
/// token, or one the workshop does not know).
#[cfg(feature = "ssr")]
async fn held_seat(
    db: &crate::db::Db,
    workshop: &store::WorkshopRow,
) -> Result<(Option<String>, Option<Seat>), AppError> {
    let Some(token) = ssr::cookie_value(&seat_cookie(&workshop.code)) else {
        return Ok((None, None));
    };
    let seat = store::seat(db, &workshop.workshop_id, &token_hash(&token)).await?;
    Ok((Some(token), seat))
}

/// The workshop a join code opens, and whether the visitor is in it. `NotFound` for a code
/// that opens nothing; a removed participant is `Forbidden`.
#[server(endpoint = "workshop/room")]
pub async fn open_room(code: String) -> Result<Room, AppError> {
    let db = ssr::db()?;
    let workshop = by_typed_code(&db, &code).await?.ok_or(AppError::NotFound)?;
    let (joined, nickname) = match held_seat(&db, &workshop).await?.1 {
        Some(Seat::Removed) => return Err(AppError::Forbidden),
        Some(Seat::In(nickname)) => (true, nickname),
        None => (false, None),
    };
    Ok(Room {
        title: workshop.title,
        code: workshop.code,
        joining_locked: workshop.joining_locked,
        anonymous_allowed: workshop.anonymous_allowed,
        joined,
        nickname,
    })
}

/// Joins the workshop with this code under a nickname (empty: anonymously, where allowed),
/// or changes the nickname of who joined already. The participant's token stays in a cookie
/// of this browser, so a reload or a lost connection keeps who they are. Joining counts
/// against the client address's limit, so codes cannot be tried one after another.
#[server(endpoint = "workshop/join")]
pub async fn join_workshop(
    code: String,
    #[server(default)] nickname: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    ssr::context()?.limits.attempt(ssr::client_ip(), None)?;
    let typed = (code.clone(), nickname.clone());
    let keep = |e: AppError| e.keeping("code", &typed.0).keeping("nickname", &typed.1);
    let Some(workshop) = by_typed_code(&db, &code).await? else {
        return Err(keep(AppError::field("code", Problem::WrongCode)));
    };
    let (held, seat) = held_seat(&db, &workshop).await?;
    if seat == Some(Seat::Removed) {
        return Err(AppError::Forbidden);
    }
    if seat.is_none() && workshop.joining_locked {
        return Err(keep(AppError::field("code", Problem::JoiningLocked)));
    }
    let name = super::model::nickname(&nickname, workshop.anonymous_allowed)
        .map_err(|p| keep(AppError::field("nickname", p)))?;
    let token = match (held, seat) {
        (Some(token), Some(_)) => token,
        _ => new_token(),
    };
    store::join(
        &db,
        &workshop.workshop_id,
        &token_hash(&token),
        name.as_deref(),
    )
    .await?;
    ssr::set_cookie(&seat_cookie(&workshop.code), &token, SEAT_SECONDS, true);
    leptos_axum::redirect(&format!("/live/{}", workshop.code));
    Ok(())
}
