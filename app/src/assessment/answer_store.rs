//! SQL for answers: reading them, saving them, submitting a response, and the answers a
//! round's results are made of. Every write checks, inside its transaction, that the round is
//! open and the response not submitted.

use super::access::{Facilitator, Respondent};
use super::model::{Answer, Answers};
use super::round::Entry;
use super::round_store::{response_row, ResponseRow, RESPONSE_COLUMNS};
use crate::db::{bad_value, new_id, now_ms, Db, Engine, Outcome};
use crate::error::AppError;
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashMap;

const ANSWERS: &str = "select item_id, answer from assessment_answer where response_id = $1";

/// A response's answers, by item.
#[tracing::instrument(skip_all)]
pub async fn answers(db: &Db, response_id: &str) -> Result<Answers, AppError> {
    let rows = sqlx::query(ANSWERS)
        .bind(response_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(item_answer).collect()
}

fn item_answer(r: &AnyRow) -> Result<(String, Answer), AppError> {
    let raw: String = r.try_get("answer")?;
    // The answer's text is the respondent's: the log names the item, never what they wrote.
    let item_id: String = r.try_get("item_id")?;
    let answer = serde_json::from_str(&raw).map_err(|_| bad_value("answer of item", &item_id))?;
    Ok((item_id, answer))
}

/// Why a respondent's write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    RoundClosed,
    Submitted,
    Withdrawn,
}

/// What a write on a response needs to know of it, owned: the write may run on the task that
/// commits SQLite's writes.
struct Target {
    engine: Engine,
    round_id: String,
    response_id: String,
}

impl Target {
    fn of(db: &Db, who: &Respondent) -> Target {
        Target {
            engine: db.engine,
            round_id: who.round.round_id.clone(),
            response_id: who.response_id.clone(),
        }
    }

    /// Reads, inside the write, what decides whether it may go on: the round open, the response
    /// neither submitted nor withdrawn. Touching the response row first takes its write lock
    /// (on SQLite the write holds the database's), so a submit, reopen or withdrawal of this
    /// response waits for the write; on PostgreSQL the round row is share-locked too, so a
    /// close waits as well, and a close committed first is seen.
    async fn refusal(&self, conn: &mut AnyConnection) -> Result<Option<Refusal>, AppError> {
        sqlx::query("update assessment_response set updated_at = $1 where response_id = $2")
            .bind(now_ms())
            .bind(&self.response_id)
            .execute(&mut *conn)
            .await?;
        let round = sqlx::query(&format!(
            "select closed_at, closes_at from assessment_round where round_id = $1{}",
            self.engine.share_lock()
        ))
        .bind(&self.round_id)
        .fetch_one(&mut *conn)
        .await?;
        let response = sqlx::query(
            "select submitted_at, revoked_at from assessment_response where response_id = $1",
        )
        .bind(&self.response_id)
        .fetch_one(&mut *conn)
        .await?;
        let now = now_ms();
        let closed_at: Option<i64> = round.try_get("closed_at")?;
        let closes_at: Option<i64> = round.try_get("closes_at")?;
        Ok(
            if response.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
                Some(Refusal::Withdrawn)
            } else if closed_at.is_some() || closes_at.is_some_and(|c| now >= c) {
                Some(Refusal::RoundClosed)
            } else if response
                .try_get::<Option<i64>, _>("submitted_at")?
                .is_some()
            {
                Some(Refusal::Submitted)
            } else {
                None
            },
        )
    }

    async fn answers(&self, conn: &mut AnyConnection) -> Result<Answers, AppError> {
        sqlx::query(ANSWERS)
            .bind(&self.response_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(item_answer)
            .collect()
    }
}

/// Saves the changes (`None` removes an answer) that `plan` makes of the answers as stored in
/// the write, so that rules between answers (what an answer shows or hides) are checked
/// against what the commit will see. Returns the answers after the save, and what `plan` found
/// besides its changes.
#[tracing::instrument(skip_all, fields(response = %who.response_id))]
pub async fn save_answers<Found: Send + 'static>(
    db: &Db,
    who: &Respondent,
    plan: impl FnOnce(&Answers) -> (Vec<(String, Option<Answer>)>, Found) + Send + 'static,
) -> Result<Result<(Answers, Found), Refusal>, AppError> {
    let target = Target::of(db, who);
    db.write(move |conn| {
        async move {
            if let Some(refusal) = target.refusal(conn).await? {
                return Ok(Outcome::Undo(Err(refusal)));
            }
            let mut answers = target.answers(conn).await?;
            let (changes, found) = plan(&answers);
            let now = now_ms();
            for (item_id, answer) in changes {
                match answer {
                    Some(answer) => {
                        let json = serde_json::to_string(&answer).map_err(|e| {
                            tracing::error!(error = %e, "an answer could not be written as JSON");
                            AppError::Internal
                        })?;
                        sqlx::query(
                            "insert into assessment_answer (response_id, item_id, answer, updated_at)
                             values ($1, $2, $3, $4)
                             on conflict (response_id, item_id) do update set answer = $3, updated_at = $4",
                        )
                        .bind(&target.response_id)
                        .bind(&item_id)
                        .bind(json)
                        .bind(now)
                        .execute(&mut *conn)
                        .await?;
                        answers.insert(item_id, answer);
                    }
                    None => {
                        sqlx::query(
                            "delete from assessment_answer where response_id = $1 and item_id = $2",
                        )
                        .bind(&target.response_id)
                        .bind(&item_id)
                        .execute(&mut *conn)
                        .await?;
                        answers.remove(&item_id);
                    }
                }
            }
            sqlx::query(
                "update assessment_response set started_at = coalesce(started_at, $1) where response_id = $2",
            )
            .bind(now)
            .bind(&target.response_id)
            .execute(&mut *conn)
            .await?;
            Ok(Outcome::Keep(Ok((answers, found))))
        }
        .boxed()
    })
    .await
}

/// Submits a response when `missing` finds nothing missing in its answers as stored in the
/// write. Returns what is missing (empty when the response was submitted).
#[tracing::instrument(skip_all, fields(response = %who.response_id))]
pub async fn submit<Missing: Send + 'static>(
    db: &Db,
    who: &Respondent,
    missing: impl FnOnce(&Answers) -> Vec<Missing> + Send + 'static,
) -> Result<Result<Vec<Missing>, Refusal>, AppError> {
    let target = Target::of(db, who);
    db.write(move |conn| {
        async move {
            if let Some(refusal) = target.refusal(conn).await? {
                return Ok(Outcome::Undo(Err(refusal)));
            }
            let missing = missing(&target.answers(conn).await?);
            if !missing.is_empty() {
                return Ok(Outcome::Undo(Ok(missing)));
            }
            sqlx::query(
                "update assessment_response set submitted_at = $1, started_at = coalesce(started_at, $1)
                 where response_id = $2",
            )
            .bind(now_ms())
            .bind(&target.response_id)
            .execute(&mut *conn)
            .await?;
            Ok(Outcome::Keep(Ok(missing)))
        }
        .boxed()
    })
    .await
}

/// The answers of a round's submitted, not withdrawn responses: what its results are made of.
pub async fn submitted_answers(db: &Db, round_id: &str) -> Result<Vec<Answers>, AppError> {
    Ok(submitted_answers_of(db, &[round_id])
        .await?
        .remove(round_id)
        .map(|s| s.answers)
        .unwrap_or_default())
}

/// A round's submitted, not withdrawn responses, by id, with the time each was submitted.
/// While this stays the same, so do the round's results: a submitted response cannot change,
/// reopening it clears its time and submitting it again sets a new one.
pub type SubmittedSet = Vec<(String, i64)>;

/// The responses a round's results are made of: which ones, and their answers.
#[derive(Debug, Default)]
pub struct Submitted {
    pub set: SubmittedSet,
    /// The answers of the responses in the set that have any.
    pub answers: Vec<Answers>,
}

/// `select <what>` over the submitted, not withdrawn responses `r` of these rounds, by round
/// and response.
async fn of_submitted(db: &Db, what: &str, round_ids: &[&str]) -> Result<Vec<AnyRow>, AppError> {
    let sql = format!(
        "select {what} where r.round_id in ($in)
         and r.submitted_at is not null and r.revoked_at is null
         order by r.round_id, r.response_id"
    );
    Ok(crate::db::fetch_in(db, &sql, round_ids).await?)
}

/// The [`SubmittedSet`] of each of these rounds (none for a round without one), in one query.
#[tracing::instrument(skip_all, fields(rounds = round_ids.len()))]
pub async fn submitted_sets(
    db: &Db,
    round_ids: &[&str],
) -> Result<HashMap<String, SubmittedSet>, AppError> {
    let mut sets: HashMap<String, SubmittedSet> = HashMap::new();
    let rows = of_submitted(
        db,
        "r.round_id, r.response_id, r.submitted_at from assessment_response r",
        round_ids,
    )
    .await?;
    for r in &rows {
        sets.entry(r.try_get("round_id")?)
            .or_default()
            .push((r.try_get("response_id")?, r.try_get("submitted_at")?));
    }
    Ok(sets)
}

/// [`Submitted`] of many rounds in one query, by round; the set and the answers are read
/// together, so that they always belong to each other.
#[tracing::instrument(skip_all, fields(rounds = round_ids.len()))]
pub async fn submitted_answers_of(
    db: &Db,
    round_ids: &[&str],
) -> Result<HashMap<String, Submitted>, AppError> {
    let mut by_round: HashMap<String, Submitted> = HashMap::new();
    let rows = of_submitted(
        db,
        "r.round_id, r.response_id, r.submitted_at, a.item_id, a.answer
         from assessment_response r left join assessment_answer a on a.response_id = r.response_id",
        round_ids,
    )
    .await?;
    for r in &rows {
        let response_id: String = r.try_get("response_id")?;
        let round = by_round.entry(r.try_get("round_id")?).or_default();
        if round.set.last().map(|(id, _)| id) != Some(&response_id) {
            round.set.push((response_id, r.try_get("submitted_at")?));
            round.answers.push(Answers::new());
        }
        if r.try_get::<Option<String>, _>("item_id")?.is_some() {
            let (item_id, answer) = item_answer(r)?;
            if let Some(last) = round.answers.last_mut() {
                last.insert(item_id, answer);
            }
        }
    }
    // A response without answers counts in the set, not among the answers.
    for round in by_round.values_mut() {
        round.answers.retain(|a| !a.is_empty());
    }
    Ok(by_round)
}

/// Every response of the facilitator's round that was not withdrawn, in the order they came,
/// with its answers: what the raw-answers export is made of.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn round_answers(
    db: &Db,
    round: &Facilitator,
) -> Result<Vec<(ResponseRow, Answers)>, AppError> {
    let round_id = &round.round().round_id;
    let rows = sqlx::query(&format!(
        "select {RESPONSE_COLUMNS} from assessment_response
         where round_id = $1 and revoked_at is null order by created_at, response_id"
    ))
    .bind(round_id)
    .fetch_all(&db.pool)
    .await?;
    let mut responses: Vec<(ResponseRow, Answers)> = rows
        .iter()
        .map(|r| Ok((response_row(r)?, Answers::new())))
        .collect::<Result<_, AppError>>()?;
    let answers = sqlx::query(
        "select a.response_id, a.item_id, a.answer from assessment_answer a
         join assessment_response r on r.response_id = a.response_id
         where r.round_id = $1 and r.revoked_at is null",
    )
    .bind(round_id)
    .fetch_all(&db.pool)
    .await?;
    let position: HashMap<String, usize> = responses
        .iter()
        .enumerate()
        .map(|(n, (r, _))| (r.response_id.clone(), n))
        .collect();
    for row in &answers {
        let response_id: String = row.try_get("response_id")?;
        if let Some(&n) = position.get(&response_id) {
            let (item_id, answer) = item_answer(row)?;
            responses[n].1.insert(item_id, answer);
        }
    }
    Ok(responses)
}

/// A round written by the demo seeding, inside its transaction.
pub struct DemoRound<'a> {
    pub version_id: &'a str,
    pub region_id: &'a str,
    pub name: &'a str,
    pub facilitator_id: &'a str,
    /// When it started and its responses were submitted.
    pub created_at: i64,
}

/// Writes a round whose respondents (by personal link) have all submitted these answers: the
/// demo's finished rounds, so that a newcomer sees results at once.
pub(crate) async fn insert_finished_round(
    tx: &mut Transaction<'_, Any>,
    round: DemoRound<'_>,
    responses: &[(&str, Answers)],
) -> Result<String, AppError> {
    let round_id = new_id();
    let now = round.created_at;
    sqlx::query(
        "insert into assessment_round (round_id, version_id, region_id, name, facilitator_id, created_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&round_id)
    .bind(round.version_id)
    .bind(round.region_id)
    .bind(round.name)
    .bind(round.facilitator_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for (label, answers) in responses {
        let response_id = new_id();
        sqlx::query(
            "insert into assessment_response (response_id, round_id, entry, label, code, submitted_at, started_at, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6, $6, $6)",
        )
        .bind(&response_id)
        .bind(&round_id)
        .bind(Entry::PersonalLink.as_str())
        .bind(*label)
        .bind(super::round::new_code())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        for (item_id, answer) in answers {
            sqlx::query(
                "insert into assessment_answer (response_id, item_id, answer, updated_at) values ($1, $2, $3, $4)",
            )
            .bind(&response_id)
            .bind(item_id)
            .bind(serde_json::to_string(answer).map_err(|_| AppError::Internal)?)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(round_id)
}
