//! Server functions for peer review and the feedback report (see `review.rs`).

use super::review::{Feedback, ReviewView};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use {
    super::access::{require_facilitator, require_reviewer, Reviewer},
    super::compare::{means_by_dimension, present_by_dimension},
    super::review::{
        missing_scores, review_from_form, score_field, ActionStatus, ACTION_MAX, COMMENT_MAX,
        FEEDBACK_MAX, OWNER_MAX,
    },
    super::review_store as store,
    super::score::{Results, MIN_RESPONDENTS_TO_SHARE},
    crate::db::Db,
    crate::error::{Checks, Problem},
    crate::identity::model::Email,
    crate::registry::model::Translated,
    crate::ssr,
    crate::text::{bounded_text, long_text},
};

/// A round's dimensions (id, name) and its merged results.
#[cfg(feature = "ssr")]
async fn round_results(
    db: &Db,
    round: &super::round_store::RoundRow,
) -> Result<(Vec<(String, Translated)>, Results), AppError> {
    let template = super::store::template_version(db, &round.version_id)
        .await?
        .definition;
    let answers = super::answer_store::submitted_answers(db, &round.round_id).await?;
    Ok((template.dimension_names(), Results::of(&template, &answers)))
}

/// Asks a person, by the e-mail of their account, to review the round. The round needs at
/// least 3 submitted responses: a reviewer sees its merged results.
#[server(endpoint = "assessment/invite_reviewer")]
pub async fn invite_reviewer(round_id: String, email: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let typed = email.clone();
    let fail = |p: Problem| AppError::field("email", p).keeping("email", &typed);
    let email = Email::parse(&email).map_err(fail)?;
    let (_, results) = round_results(&db, round.round()).await?;
    if results.respondents < MIN_RESPONDENTS_TO_SHARE {
        return Err(fail(Problem::TooFewRespondents));
    }
    ssr::context()?.limits.attempt(ssr::client_ip(), None)?;
    let reviewer = crate::identity::store::find_active_person(&db, &email)
        .await?
        .ok_or_else(|| fail(Problem::NoSuchAccount))?;
    if reviewer == round.round().facilitator_id {
        return Err(fail(Problem::OwnRound));
    }
    // A peer looks from elsewhere: someone whose organisation lies in the region is not one.
    if store::region_of_person(&db, &reviewer).await?.as_deref()
        == Some(round.round().region_id.as_str())
    {
        return Err(fail(Problem::SameRegion));
    }
    store::add_review(&db, &round, &reviewer, email.as_str())
        .await
        .map_err(|e| e.keeping("email", &typed))
}

/// The round's reviews, feedback summary and to-do list, for its facilitator.
#[server(endpoint = "assessment/feedback")]
pub async fn round_feedback(round_id: String) -> Result<Feedback, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    Ok(Feedback {
        reviews: store::reviews(&db, &round).await?,
        feedback: store::feedback(&db, &round).await?,
        actions: store::actions(&db, &round).await?,
    })
}

/// The self-assessment's present and target means as a reviewer may see them: of each
/// dimension only what at least 3 respondents answered (so nothing once withdrawals leave the
/// round with fewer than 3).
#[cfg(feature = "ssr")]
fn shown_to_reviewer(
    dimensions: &[(String, Translated)],
    results: &Results,
) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    (
        present_by_dimension(dimensions, results, MIN_RESPONDENTS_TO_SHARE),
        means_by_dimension(dimensions, results, MIN_RESPONDENTS_TO_SHARE, |d| d.target),
    )
}

#[cfg(feature = "ssr")]
async fn review_view(db: &Db, who: Reviewer) -> Result<ReviewView, AppError> {
    let (dimensions, results) = round_results(db, &who.round).await?;
    let (present, target) = shown_to_reviewer(&dimensions, &results);
    Ok(ReviewView {
        review_id: who.review.review_id,
        round: super::round_store::round_view(db, who.round)
            .await?
            .for_outsider(),
        respondents: results.respondents,
        dimensions,
        present,
        target,
        scores: who.review.scores,
        comment: who.review.comment,
        submitted: who.review.submitted_at.is_some(),
    })
}

/// A review and the round's merged results, for its reviewer.
#[server(endpoint = "assessment/review")]
pub async fn get_review(review_id: String) -> Result<ReviewView, AppError> {
    let db = ssr::db()?;
    let who = require_reviewer(&db, &review_id).await?;
    review_view(&db, who).await
}

/// Saves a review (`go` = `save`) or submits it (`submit`: every dimension the region scored
/// needs a score). Scores are `scores[<dimension>]`, comments `comments[<dimension>]`.
#[server(endpoint = "assessment/save_review")]
pub async fn save_review(
    review_id: String,
    #[server(default)] scores: BTreeMap<String, String>,
    #[server(default)] comments: BTreeMap<String, String>,
    #[server(default)] comment: String,
    go: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let who = require_reviewer(&db, &review_id).await?;
    let (dimensions, results) = round_results(&db, &who.round).await?;
    let mut checks = Checks::default();
    checks.keep("comment", &comment);
    let review = match review_from_form(&dimensions, &scores, &comments) {
        Ok(review) => Some(review),
        Err(None) => return Err(AppError::BadRequest),
        Err(Some(problems)) => {
            for (field, problem) in problems {
                checks.fail(&field, problem);
            }
            None
        }
    };
    let comment = checks.check("comment", long_text(&comment, COMMENT_MAX));
    let submit = go == "submit";
    if let (true, Some(review)) = (submit, &review) {
        let (present, _) = shown_to_reviewer(&dimensions, &results);
        for id in missing_scores(&dimensions, &present, review) {
            checks.fail(&score_field(id), Problem::Required);
        }
    }
    checks.finish()?;
    let (Some(review), Some(comment)) = (review, comment) else {
        return Err(AppError::Internal);
    };
    store::save_review(&db, &who, &review, &comment, submit).await?;
    leptos_axum::redirect(&format!("/reviews/{review_id}"));
    Ok(())
}

/// Saves the region's feedback summary on the round.
#[server(endpoint = "assessment/set_feedback")]
pub async fn set_feedback(round_id: String, feedback: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let text = long_text(&feedback, FEEDBACK_MAX)
        .map_err(|p| AppError::field("feedback", p).keeping("feedback", &feedback))?;
    store::set_feedback(&db, &round, &text).await
}

/// Adds an action to the round's to-do list: what, who, and by when (`2027-03-31` or empty).
#[server(endpoint = "assessment/add_action")]
pub async fn add_action(
    round_id: String,
    action: String,
    owner: String,
    due_on: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let mut checks = Checks::default();
    checks.keep("action", &action);
    checks.keep("owner", &owner);
    checks.keep("due_on", &due_on);
    let action = checks.check("action", bounded_text(&action, ACTION_MAX));
    let owner = checks.check("owner", bounded_text(&owner, OWNER_MAX));
    let due = checks.check("due_on", super::round::day_end(&due_on));
    checks.finish()?;
    let (Some(action), Some(owner), Some(due)) = (action, owner, due) else {
        return Err(AppError::Internal);
    };
    let due_on = due.map(super::round::last_day).unwrap_or_default();
    store::add_action(&db, &round, &action, &owner, &due_on).await
}

/// Moves an action to another status (`open`, `doing`, `done`).
#[server(endpoint = "assessment/action_status")]
pub async fn set_action_status(
    round_id: String,
    action_id: String,
    status: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let status = ActionStatus::parse(&status)
        .ok_or_else(|| AppError::field("status", Problem::UnknownChoice))?;
    store::change_action(&db, &round, &action_id, Some(status)).await
}

#[server(endpoint = "assessment/delete_action")]
pub async fn delete_action(round_id: String, action_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    store::change_action(&db, &round, &action_id, None).await
}

/// Withdraws a review that was asked for (a mistyped e-mail, a reviewer who cannot): the
/// person no longer sees the round's results, and a submitted review stops counting.
#[server(endpoint = "assessment/withdraw_review")]
pub async fn withdraw_review(round_id: String, review_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    store::delete_review(&db, &round, &review_id).await
}
