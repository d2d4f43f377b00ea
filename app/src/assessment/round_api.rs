//! Server functions for rounds: facilitators start them and invite respondents; respondents
//! answer section by section, with or without JavaScript, and submit.

use super::remind::Invitation;
use super::round::{LinkInfo, MyAssessments, ResponseSummary, Round};
use crate::error::AppError;
use crate::registry::model::Translated;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::access::require_facilitator,
    super::remind::invite_by_mail,
    super::round::{closing_time, format_code, new_code, Entry, LABEL_MAX, ROUND_NAME_MAX},
    super::round_store::{self as store, NewResponse, NewRound},
    crate::db::{now_ms, Db},
    crate::error::{Checks, Problem},
    crate::identity::model::Email,
    crate::identity::session::require_user,
    crate::ssr,
    crate::text::bounded_text,
};

/// The templates a round can be started with: the latest version of each, with its title.
#[server(endpoint = "assessment/template_choices")]
pub async fn template_choices() -> Result<Vec<(String, Translated)>, AppError> {
    require_user().await?;
    let db = ssr::db()?;
    Ok(super::store::latest_versions(&db)
        .await?
        .into_iter()
        .map(|v| (v.version_id, v.definition.title))
        .collect())
}

/// A signed-in person starts a round for a region and becomes its facilitator.
#[server(endpoint = "assessment/start_round")]
pub async fn start_round(
    version_id: String,
    region_id: String,
    name: String,
    closes_on: String,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let db = ssr::db()?;
    let mut checks = Checks::default();
    checks.keep("name", &name);
    checks.keep("closes_on", &closes_on);
    let name = checks.check("name", bounded_text(&name, ROUND_NAME_MAX));
    let closes_at = checks.check("closes_on", closing_time(&closes_on, now_ms()));
    let version = super::store::latest_versions(&db)
        .await?
        .into_iter()
        .find(|v| v.version_id == version_id);
    if version.is_none() {
        checks.fail("version_id", Problem::UnknownChoice);
    }
    let region_known = crate::registry::store::regions(&db)
        .await?
        .iter()
        .any(|r| r.region_id == region_id);
    if !region_known {
        checks.fail("region_id", Problem::UnknownChoice);
    }
    checks.finish()?;
    let (Some(name), Some(closes_at)) = (name, closes_at) else {
        return Err(AppError::Internal);
    };
    let round_id = store::create_round(
        &db,
        &me,
        NewRound {
            version_id: &version_id,
            region_id: &region_id,
            name: &name,
            closes_at,
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/assessments/{round_id}"));
    Ok(())
}

/// The rounds the caller facilitates and the ones they were invited to answer.
#[server(endpoint = "assessment/mine")]
pub async fn list_my_assessments() -> Result<MyAssessments, AppError> {
    let me = require_user().await?;
    let db = ssr::db()?;
    let facilitating = store::round_views(&db, store::rounds_facilitated(&db, &me).await?).await?;
    let (rounds, responses): (Vec<_>, Vec<_>) =
        store::rounds_answering(&db, &me).await?.into_iter().unzip();
    let answering = store::round_views(&db, rounds)
        .await?
        .into_iter()
        .zip(responses)
        .map(|(round, response)| {
            let submitted = response.submitted_at.is_some();
            (round.for_outsider(), response.response_id, submitted)
        })
        .collect();
    let (rounds, reviews): (Vec<_>, Vec<_>) = super::review_store::reviews_of(&db, &me)
        .await?
        .into_iter()
        .map(|(round, id, submitted)| (round, (id, submitted)))
        .unzip();
    let reviewing = store::round_views(&db, rounds)
        .await?
        .into_iter()
        .zip(reviews)
        .map(|(round, (id, submitted))| (round.for_outsider(), id, submitted))
        .collect();
    Ok(MyAssessments {
        facilitating,
        answering,
        reviewing,
    })
}

/// A round and its respondents, for its facilitator.
#[server(endpoint = "assessment/round")]
pub async fn get_round(round_id: String) -> Result<(Round, Vec<ResponseSummary>), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let responses = store::responses(&db, &round).await?;
    let mut view = store::round_view(&db, round.round().clone()).await?;
    view.email_reminders = ssr::context()?.mailer.is_some();
    Ok((view, responses))
}

/// Invites someone with an account on the platform, by the e-mail of that account. When the
/// platform sends e-mail, the invitation goes to them at once, in their language.
#[server(endpoint = "assessment/invite_account")]
pub async fn invite_account(round_id: String, email: String) -> Result<Invitation, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let email =
        Email::parse(&email).map_err(|p| AppError::field("email", p).keeping("email", &email))?;
    // Each look-up tells whether an account exists, and each invitation may send an e-mail the
    // facilitator words in part: bounded per client address and per facilitator, like
    // reminders.
    let key = format!("remind:{}", round.user.user_id);
    ssr::context()?
        .limits
        .attempt(ssr::client_ip(), Some(&key))?;
    let user_id = crate::identity::store::find_active_person(&db, &email)
        .await?
        .ok_or_else(|| {
            AppError::field("email", Problem::NoSuchAccount).keeping("email", email.as_str())
        })?;
    // Labelled with the e-mail as typed: inviting someone does not reveal their account's name.
    let new = NewResponse {
        entry: Entry::Account,
        label: email.as_str(),
        user_id: Some(&user_id),
        code: None,
        email: None,
    };
    let response_id = store::add_response(&db, &round, new).await?;
    invite_by_mail(db, round, response_id).await
}

/// Creates a personal link for someone without an account; `label` says whom it is for. With
/// an `email`, the link also goes to them by e-mail (when the platform sends e-mail), in the
/// facilitator's language, and reminders can reach them.
#[server(endpoint = "assessment/invite_link")]
pub async fn invite_link(
    round_id: String,
    label: String,
    #[server(default)] email: String,
) -> Result<Invitation, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let mut checks = Checks::default();
    checks.keep("label", &label);
    checks.keep("email", &email);
    let label = checks.check("label", bounded_text(&label, LABEL_MAX));
    let email = checks.check(
        "email",
        match email.trim() {
            "" => Ok(None),
            typed => Email::parse(typed).map(Some),
        },
    );
    checks.finish()?;
    let (Some(label), Some(email)) = (label, email) else {
        return Err(AppError::Internal);
    };
    if email.is_some() {
        // Each address given sends a message the facilitator words in part: bounded like
        // reminders.
        let key = format!("remind:{}", round.user.user_id);
        ssr::context()?
            .limits
            .attempt(ssr::client_ip(), Some(&key))?;
    }
    let code = new_code();
    let email = email.as_ref().map(Email::as_str);
    let new = NewResponse {
        entry: Entry::PersonalLink,
        label: &label,
        user_id: None,
        code: Some(&code),
        email,
    };
    let response_id = store::add_response(&db, &round, new).await.map_err(|e| {
        e.keeping("label", &label)
            .keeping("email", email.unwrap_or_default())
    })?;
    invite_by_mail(db, round, response_id).await
}

/// Withdraws a respondent's access, or gives it back.
#[server(endpoint = "assessment/revoke")]
pub async fn set_response_revoked(
    round_id: String,
    response_id: String,
    revoked: bool,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    store::set_revoked(&db, &round, &response_id, revoked).await
}

/// Reopens a submitted response so that its respondent can change it.
#[server(endpoint = "assessment/reopen_response")]
pub async fn reopen_response(round_id: String, response_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    store::reopen_response(&db, &round, &response_id).await
}

/// Switches the round's shared link on (with a fresh code) or off.
#[server(endpoint = "assessment/round_link")]
pub async fn set_round_link(round_id: String, on: bool) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let code = on.then(new_code);
    store::set_link(&db, &round, code.as_deref()).await
}

/// Closes the round to further answers, or reopens it.
#[server(endpoint = "assessment/close_round")]
pub async fn set_round_closed(round_id: String, closed: bool) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    store::set_closed(&db, &round, closed).await
}

/// What the round's shared link shows before someone starts: the round, its region, its
/// questionnaire, whether it still takes answers, and whether this browser began a response.
#[server(endpoint = "assessment/link")]
pub async fn round_link_info(code: String) -> Result<LinkInfo, AppError> {
    let db = ssr::db()?;
    let code = super::round::normalise_code(&code);
    let row = store::round_by_link(&db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = row.is_open(now_ms());
    let began = unfinished_here(&db, &row.round_id).await?.is_some();
    // A visitor learns what they are asked to answer, not who runs the round or its link.
    Ok(LinkInfo {
        round: store::round_view(&db, row).await?.for_outsider(),
        open,
        began,
    })
}

/// The cookie that remembers, in one browser, the response it began through a round's link.
#[cfg(feature = "ssr")]
fn started_cookie(round_id: &str) -> String {
    format!("cp_round_{round_id}")
}

/// How long a browser remembers the response it began through a round's link: 180 days.
#[cfg(feature = "ssr")]
const STARTED_COOKIE_SECONDS: i64 = 180 * 24 * 3600;

/// The code of the response this browser began through the round's link, when it is still
/// unfinished (neither submitted nor withdrawn).
#[cfg(feature = "ssr")]
async fn unfinished_here(db: &Db, round_id: &str) -> Result<Option<String>, AppError> {
    let Some(earlier) =
        ssr::cookie_value(&started_cookie(round_id)).map(|c| super::round::normalise_code(&c))
    else {
        return Ok(None);
    };
    let unfinished = super::round::is_code(&earlier)
        && super::response_store::response_by_code(db, &earlier)
            .await?
            .is_some_and(|r| {
                r.round_id == round_id && r.submitted_at.is_none() && r.revoked_at.is_none()
            });
    Ok(unfinished.then_some(earlier))
}

/// Someone who opened the round's shared link starts a response of their own, and goes to it.
/// A browser that began one and has not submitted it goes back to it instead, so a second tap
/// or a reopened link does not make a second respondent, unless the person says they are
/// someone else (`fresh`: a device passed around a room). New responses count against the
/// client address's limit. An open link cannot tell people apart beyond that: the facilitator
/// sees each response it made and can withdraw one.
#[server(endpoint = "assessment/start_response")]
pub async fn start_response(code: String, #[server(default)] fresh: bool) -> Result<(), AppError> {
    let db = ssr::db()?;
    let code = super::round::normalise_code(&code);
    let round = store::round_by_link(&db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !round.is_open(now_ms()) {
        return Err(AppError::field("code", Problem::RoundClosed));
    }
    if !fresh {
        if let Some(earlier) = unfinished_here(&db, &round.round_id).await? {
            leptos_axum::redirect(&format!("/respond/{}", format_code(&earlier)));
            return Ok(());
        }
    }
    ssr::context()?.limits.attempt(ssr::client_ip(), None)?;
    let own = new_code();
    store::add_link_response(&db, &round, &own).await?;
    ssr::set_cookie(
        &started_cookie(&round.round_id),
        &own,
        STARTED_COOKIE_SECONDS,
        true,
    );
    leptos_axum::redirect(&format!("/respond/{}", format_code(&own)));
    Ok(())
}

/// A respondent types their code (from another device) and goes back to their response.
#[server(endpoint = "assessment/continue")]
pub async fn continue_response(code: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let typed = code.clone();
    let code = super::round::normalise_code(&code);
    let known = super::round::is_code(&code)
        && super::response_store::response_by_code(&db, &code)
            .await?
            .is_some_and(|r| r.revoked_at.is_none());
    if !known {
        return Err(AppError::field("code", Problem::WrongCode).keeping("code", &typed));
    }
    leptos_axum::redirect(&format!("/respond/{}", format_code(&code)));
    Ok(())
}
