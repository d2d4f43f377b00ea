//! Who may act on a round or a response, as proofs that the store's functions demand (the
//! pattern of `identity::session`'s `SignedIn` and `Admin`).
//!
//! - [`Facilitator`]: the signed-in person who started the round, or an administrator.
//! - [`Respondent`]: whoever holds a response's code (a personal link or the round link; no
//!   account needed), or the signed-in person it was given to by account.
//! - [`Reviewer`]: the signed-in person a peer review was asked of.

use super::model::Answers;
use super::response_store::{self, ResponseKey};
use super::review_store::{self, ReviewRow};
use super::round::{is_code, normalise_code};
use super::round_store::{self, ResponseRow, RoundRow};
use crate::db::Db;
use crate::error::AppError;
use crate::identity::session::{require_user, signed_in, SignedIn};

/// Proof that the caller facilitates this round. Only [`require_facilitator`] makes one.
#[derive(Debug)]
pub struct Facilitator {
    round: RoundRow,
    pub user: SignedIn,
}

impl Facilitator {
    pub fn round(&self) -> &RoundRow {
        &self.round
    }
}

/// The round's facilitator (or an administrator): `Unauthorized` for a visitor (before any
/// lookup), `NotFound` for no such round, `Forbidden` for anyone else.
pub async fn require_facilitator(db: &Db, round_id: &str) -> Result<Facilitator, AppError> {
    let user = require_user().await?;
    let round = round_store::find_round(db, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if round.facilitator_id == user.user_id || user.is_admin() {
        Ok(Facilitator { round, user })
    } else {
        Err(AppError::Forbidden)
    }
}

/// Proof that the caller may answer this response. Only [`require_respondent`] makes one.
#[derive(Debug)]
pub struct Respondent {
    pub response_id: String,
    pub round: RoundRow,
    pub response: ResponseRow,
}

/// The response a key opens. A key is a response's code (as typed: any case, dashes or not)
/// or, for people invited by account, the response's id, which opens only for that account.
/// A withdrawn response is `Forbidden`; an unknown code or id is `NotFound`.
pub async fn require_respondent(db: &Db, key: &str) -> Result<Respondent, AppError> {
    Ok(find_respondent(db, key, false).await?.0)
}

/// [`require_respondent`], with the response's answers read in the same statement.
pub async fn require_respondent_with_answers(
    db: &Db,
    key: &str,
) -> Result<(Respondent, Answers), AppError> {
    let (who, answers) = find_respondent(db, key, true).await?;
    Ok((who, answers.unwrap_or_default()))
}

async fn find_respondent(
    db: &Db,
    key: &str,
    answers: bool,
) -> Result<(Respondent, Option<Answers>), AppError> {
    let code = normalise_code(key);
    let found = if is_code(&code) {
        response_store::response_with_round(db, ResponseKey::Code(&code), answers).await?
    } else {
        let user = signed_in().await?.ok_or(AppError::Unauthorized)?;
        response_store::response_with_round(db, ResponseKey::Id(key), answers)
            .await?
            .filter(|(r, _, _)| r.user_id.as_deref() == Some(user.user_id.as_str()))
    };
    let (response, round, answers) = found.ok_or(AppError::NotFound)?;
    if response.revoked_at.is_some() {
        return Err(AppError::Forbidden);
    }
    let who = Respondent {
        response_id: response.response_id.clone(),
        round,
        response,
    };
    Ok((who, answers))
}

/// Proof that the caller is the reviewer of this review. Only [`require_reviewer`] makes one.
#[derive(Debug)]
pub struct Reviewer {
    pub review: ReviewRow,
    pub round: RoundRow,
}

/// The person the review was asked of: `Unauthorized` for a visitor (before any lookup),
/// `NotFound` for anyone else, who does not learn that the review exists.
pub async fn require_reviewer(db: &Db, review_id: &str) -> Result<Reviewer, AppError> {
    let user = require_user().await?;
    let review = review_store::find_review(db, review_id)
        .await?
        .filter(|r| r.reviewer_id == user.user_id)
        .ok_or(AppError::NotFound)?;
    let round = round_store::find_round(db, &review.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Reviewer { review, round })
}
