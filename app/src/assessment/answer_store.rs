//! SQL for answers: reading them, saving them, submitting a response, and the answers a
//! round's results are made of. Every write checks, inside its transaction, that the round is
//! open and the response not submitted.

use super::access::Respondent;
use super::model::{Answer, Answers};
use super::round::Entry;
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A response's answers, by item.
#[tracing::instrument(skip_all)]
pub async fn answers(db: &Db, response_id: &str) -> Result<Answers, AppError> {
    let rows = sqlx::query("select item_id, answer from assessment_answer where response_id = $1")
        .bind(response_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(item_answer).collect()
}

fn item_answer(r: &AnyRow) -> Result<(String, Answer), AppError> {
    let raw: String = r.try_get("answer")?;
    let answer = serde_json::from_str(&raw).map_err(|_| bad_value("answer", &raw))?;
    Ok((r.try_get("item_id")?, answer))
}

/// Why a respondent's write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    RoundClosed,
    Submitted,
}

/// Begins a write on a response: inside the transaction, the round must be open and the
/// response not submitted. On SQLite the first write takes the database lock, so a close wins;
/// on PostgreSQL only the response row is locked (a close committed meanwhile does not stop
/// this write: the round row should be locked too, not done yet).
async fn begin_write(
    db: &Db,
    who: &Respondent,
) -> Result<Result<Transaction<'static, Any>, Refusal>, AppError> {
    let mut tx = db.pool.begin().await?;
    // Touching the row first takes its write lock, so a submit or reopen of this response
    // waits for us and the checks below read what the commit will see.
    sqlx::query("update assessment_response set updated_at = $1 where response_id = $2")
        .bind(now_ms())
        .bind(&who.response_id)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(
        "select r.submitted_at, o.closed_at, o.closes_at from assessment_response r
         join assessment_round o on o.round_id = r.round_id where r.response_id = $1",
    )
    .bind(&who.response_id)
    .fetch_one(&mut *tx)
    .await?;
    let now = now_ms();
    let closed_at: Option<i64> = row.try_get("closed_at")?;
    let closes_at: Option<i64> = row.try_get("closes_at")?;
    if closed_at.is_some() || closes_at.is_some_and(|c| now >= c) {
        return Ok(Err(Refusal::RoundClosed));
    }
    if row.try_get::<Option<i64>, _>("submitted_at")?.is_some() {
        return Ok(Err(Refusal::Submitted));
    }
    Ok(Ok(tx))
}

/// Saves answers (`None` removes one) in one transaction.
#[tracing::instrument(skip_all, fields(response = %who.response_id, count = changes.len()))]
pub async fn save_answers(
    db: &Db,
    who: &Respondent,
    changes: &[(String, Option<Answer>)],
) -> Result<Result<(), Refusal>, AppError> {
    let mut tx = match begin_write(db, who).await? {
        Ok(tx) => tx,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let now = now_ms();
    for (item_id, answer) in changes {
        match answer {
            Some(answer) => {
                let json = serde_json::to_string(answer).map_err(|e| {
                    tracing::error!(error = %e, "an answer could not be written as JSON");
                    AppError::Internal
                })?;
                sqlx::query(
                    "insert into assessment_answer (response_id, item_id, answer, updated_at)
                     values ($1, $2, $3, $4)
                     on conflict (response_id, item_id) do update set answer = $3, updated_at = $4",
                )
                .bind(&who.response_id)
                .bind(item_id)
                .bind(json)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "delete from assessment_answer where response_id = $1 and item_id = $2",
                )
                .bind(&who.response_id)
                .bind(item_id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    sqlx::query(
        "update assessment_response set started_at = coalesce(started_at, $1) where response_id = $2",
    )
    .bind(now)
    .bind(&who.response_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Submits a response when `complete` holds for its answers as stored in the transaction.
#[tracing::instrument(skip_all, fields(response = %who.response_id))]
pub async fn submit(
    db: &Db,
    who: &Respondent,
    complete: impl FnOnce(&Answers) -> bool,
) -> Result<Result<bool, Refusal>, AppError> {
    let mut tx = match begin_write(db, who).await? {
        Ok(tx) => tx,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let rows = sqlx::query("select item_id, answer from assessment_answer where response_id = $1")
        .bind(&who.response_id)
        .fetch_all(&mut *tx)
        .await?;
    let answers = rows
        .iter()
        .map(item_answer)
        .collect::<Result<Answers, _>>()?;
    if !complete(&answers) {
        return Ok(Ok(false));
    }
    let now = now_ms();
    sqlx::query(
        "update assessment_response set submitted_at = $1, started_at = coalesce(started_at, $1)
         where response_id = $2",
    )
    .bind(now)
    .bind(&who.response_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(true))
}

/// The answers of a round's submitted, not withdrawn responses: what its results are made of.
#[tracing::instrument(skip_all, fields(round = %round_id))]
pub async fn submitted_answers(db: &Db, round_id: &str) -> Result<Vec<Answers>, AppError> {
    let rows = sqlx::query(
        "select a.response_id, a.item_id, a.answer from assessment_answer a
         join assessment_response r on r.response_id = a.response_id
         where r.round_id = $1 and r.submitted_at is not null and r.revoked_at is null
         order by a.response_id",
    )
    .bind(round_id)
    .fetch_all(&db.pool)
    .await?;
    let mut responses: Vec<Answers> = Vec::new();
    let mut current: Option<String> = None;
    for r in &rows {
        let response_id: String = r.try_get("response_id")?;
        if current.as_deref() != Some(response_id.as_str()) {
            responses.push(Answers::new());
            current = Some(response_id);
        }
        let (item_id, answer) = item_answer(r)?;
        if let Some(last) = responses.last_mut() {
            last.insert(item_id, answer);
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
}

/// Writes a round whose respondents (by personal link) have all submitted these answers: the
/// demo's finished rounds, so that a newcomer sees results at once.
pub(crate) async fn insert_finished_round(
    tx: &mut Transaction<'_, Any>,
    round: DemoRound<'_>,
    responses: &[(&str, Answers)],
) -> Result<String, AppError> {
    let round_id = new_id();
    let now = now_ms();
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
