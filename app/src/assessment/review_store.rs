//! SQL for peer reviews and the feedback report. Every function takes the proof of who may:
//! the round's facilitator ([`Facilitator`]) or the review's reviewer ([`Reviewer`]).

use super::access::{Facilitator, Reviewer};
use super::review::{Action, ActionStatus, ReviewScores, ReviewSummary};
use super::round_store::{RoundRow, ROUND_COLUMNS};
use crate::args;
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::{AppError, Problem};
use crate::identity::session::SignedIn;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A review as stored.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub review_id: String,
    pub round_id: String,
    pub reviewer_id: String,
    pub label: String,
    pub scores: ReviewScores,
    pub comment: String,
    pub submitted_at: Option<i64>,
}

const REVIEW_COLUMNS: &str =
    "review_id, round_id, reviewer_id, label, scores, comment, submitted_at";

fn review_row(r: &AnyRow) -> Result<ReviewRow, AppError> {
    let review_id: String = r.try_get("review_id")?;
    let raw: String = r.try_get("scores")?;
    Ok(ReviewRow {
        scores: serde_json::from_str(&raw)
            .map_err(|_| bad_value("scores of review", &review_id))?,
        review_id,
        round_id: r.try_get("round_id")?,
        reviewer_id: r.try_get("reviewer_id")?,
        label: r.try_get("label")?,
        comment: r.try_get("comment")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

#[tracing::instrument(skip(db))]
pub async fn find_review(db: &Db, review_id: &str) -> Result<Option<ReviewRow>, AppError> {
    sqlx::query(&format!(
        "select {REVIEW_COLUMNS} from assessment_review where review_id = $1"
    ))
    .bind(review_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(review_row)
    .transpose()
}

/// Asks a person (by account) to review the facilitator's round. Asked twice is one review.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn add_review(
    db: &Db,
    round: &Facilitator,
    reviewer_id: &str,
    label: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    let inserted = db
        .run(
            "insert into assessment_review
                 (review_id, round_id, reviewer_id, label, scores, comment, created_at, updated_at)
             values ($1, $2, $3, $4, '{}', '', $5, $5)",
            args![new_id(), &round.round().round_id, reviewer_id, label, now],
        )
        .await?;
    if inserted.duplicate {
        Err(AppError::field("email", Problem::AlreadyInvited))
    } else {
        Ok(())
    }
}

/// The region of the organisation a person works for, when they named one.
pub async fn region_of_person(db: &Db, user_id: &str) -> Result<Option<String>, AppError> {
    let region: Option<Option<String>> = sqlx::query_scalar(
        "select o.region_id from app_user u join organisation o on o.organisation_id = u.organisation_id
         where u.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(region.flatten())
}

/// The round's reviews, in the order they were asked for.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn reviews(db: &Db, round: &Facilitator) -> Result<Vec<ReviewSummary>, AppError> {
    sqlx::query(&format!(
        "select {REVIEW_COLUMNS} from assessment_review where round_id = $1
         order by created_at, review_id"
    ))
    .bind(&round.round().round_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let row = review_row(r)?;
        Ok(ReviewSummary {
            submitted: row.submitted_at.is_some(),
            review_id: row.review_id,
            label: row.label,
            scores: row.scores,
            comment: row.comment,
        })
    })
    .collect()
}

/// The reviews asked of a person, with their rounds, newest first.
#[tracing::instrument(skip_all, fields(user = %me.user_id))]
pub async fn reviews_of(db: &Db, me: &SignedIn) -> Result<Vec<(RoundRow, String, bool)>, AppError> {
    let reviews = sqlx::query(&format!(
        "select {REVIEW_COLUMNS} from assessment_review where reviewer_id = $1
         order by created_at desc"
    ))
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(review_row)
    .collect::<Result<Vec<_>, _>>()?;
    let rounds: std::collections::HashMap<String, RoundRow> = sqlx::query(&format!(
        "select {ROUND_COLUMNS} from assessment_round where round_id in
         (select round_id from assessment_review where reviewer_id = $1)"
    ))
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| super::round_store::round_row(r).map(|row| (row.round_id.clone(), row)))
    .collect::<Result<_, AppError>>()?;
    Ok(reviews
        .into_iter()
        .filter_map(|r| {
            let round = rounds.get(&r.round_id)?.clone();
            Some((round, r.review_id, r.submitted_at.is_some()))
        })
        .collect())
}

/// Saves the reviewer's scores and comment, and submits them when `submit`: one conditional
/// statement, so a submitted review is never changed, also by two saves at once.
#[tracing::instrument(skip_all, fields(review = %who.review.review_id))]
pub async fn save_review(
    db: &Db,
    who: &Reviewer,
    scores: &ReviewScores,
    comment: &str,
    submit: bool,
) -> Result<(), AppError> {
    let json = serde_json::to_string(scores).map_err(|_| AppError::Internal)?;
    let now = now_ms();
    let done = db
        .run(
            "update assessment_review set scores = $1, comment = $2, updated_at = $3,
                    submitted_at = case when $4 = 1 then $3 else null end
             where review_id = $5 and submitted_at is null",
            args![json, comment, now, i64::from(submit), &who.review.review_id],
        )
        .await?;
    if done.rows == 1 {
        Ok(())
    } else {
        Err(AppError::field("review", Problem::AlreadySubmitted))
    }
}

/// Deletes one of the round's reviews; `NotFound` unless it is one of this round's.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn delete_review(db: &Db, round: &Facilitator, review_id: &str) -> Result<(), AppError> {
    let done = db
        .run(
            "delete from assessment_review where review_id = $1 and round_id = $2",
            args![review_id, &round.round().round_id],
        )
        .await?;
    if done.rows == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn feedback(db: &Db, round: &Facilitator) -> Result<String, AppError> {
    let row = sqlx::query("select feedback from assessment_round where round_id = $1")
        .bind(&round.round().round_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("feedback")?)
}

#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_feedback(db: &Db, round: &Facilitator, feedback: &str) -> Result<(), AppError> {
    db.run(
        "update assessment_round set feedback = $1 where round_id = $2",
        args![feedback, &round.round().round_id],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn actions(db: &Db, round: &Facilitator) -> Result<Vec<Action>, AppError> {
    sqlx::query(
        "select action_id, action, owner, due_on, status from assessment_action
         where round_id = $1 order by created_at, action_id",
    )
    .bind(&round.round().round_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let status: String = r.try_get("status")?;
        Ok(Action {
            action_id: r.try_get("action_id")?,
            action: r.try_get("action")?,
            owner: r.try_get("owner")?,
            due_on: r.try_get("due_on")?,
            status: ActionStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        })
    })
    .collect()
}

#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn add_action(
    db: &Db,
    round: &Facilitator,
    action: &str,
    owner: &str,
    due_on: &str,
) -> Result<(), AppError> {
    db.run(
        "insert into assessment_action (action_id, round_id, action, owner, due_on, status, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        args![
            new_id(),
            &round.round().round_id,
            action,
            owner,
            due_on,
            ActionStatus::Open.as_str(),
            now_ms()
        ],
    )
    .await?;
    Ok(())
}

/// Changes an action's status (`Some`) or deletes it (`None`); `NotFound` unless it is one of
/// this round's actions.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn change_action(
    db: &Db,
    round: &Facilitator,
    action_id: &str,
    status: Option<ActionStatus>,
) -> Result<(), AppError> {
    let round_id = &round.round().round_id;
    let done = match status {
        Some(status) => {
            db.run(
                "update assessment_action set status = $3 where action_id = $1 and round_id = $2",
                args![action_id, round_id, status.as_str()],
            )
            .await?
        }
        None => {
            db.run(
                "delete from assessment_action where action_id = $1 and round_id = $2",
                args![action_id, round_id],
            )
            .await?
        }
    };
    if done.rows == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A submitted review written by the demo seeding, inside its transaction.
pub(crate) async fn insert_demo_review(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    round_id: &str,
    reviewer_id: &str,
    label: &str,
    review: (&ReviewScores, &str),
    at: i64,
) -> Result<(), AppError> {
    let (scores, comment) = review;
    sqlx::query(
        "insert into assessment_review
             (review_id, round_id, reviewer_id, label, scores, comment, submitted_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7, $7)",
    )
    .bind(new_id())
    .bind(round_id)
    .bind(reviewer_id)
    .bind(label)
    .bind(serde_json::to_string(scores).map_err(|_| AppError::Internal)?)
    .bind(comment)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A feedback report and its to-do list (action, owner, due date, status) written by the demo
/// seeding, inside its transaction.
pub(crate) async fn insert_demo_feedback(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    round_id: &str,
    feedback: &str,
    actions: &[(&str, &str, &str, ActionStatus)],
    at: i64,
) -> Result<(), AppError> {
    sqlx::query("update assessment_round set feedback = $1 where round_id = $2")
        .bind(feedback)
        .bind(round_id)
        .execute(&mut **tx)
        .await?;
    for (n, (action, owner, due_on, status)) in (0i64..).zip(actions) {
        sqlx::query(
            "insert into assessment_action (action_id, round_id, action, owner, due_on, status, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(round_id)
        .bind(*action)
        .bind(*owner)
        .bind(*due_on)
        .bind(status.as_str())
        .bind(at + n)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
