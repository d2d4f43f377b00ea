//! SQL for rounds, responses and answers. Every function that acts on a round or a response
//! takes the proof of who may (see `access.rs`); the rules that must hold while writing (the
//! round is open, the response is not submitted) are checked inside the writing transaction.

use super::access::{Facilitator, Respondent};
use super::model::{Answer, Answers};
use super::round::{format_code, Entry, Progress, ResponseSummary, Round};
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::AppError;
use crate::identity::session::SignedIn;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A round as stored; [`Round`] adds the names that other rooms own.
#[derive(Debug, Clone)]
pub struct RoundRow {
    pub round_id: String,
    pub version_id: String,
    pub region_id: String,
    pub name: String,
    pub facilitator_id: String,
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub link_code: Option<String>,
    pub created_at: i64,
}

impl RoundRow {
    pub fn is_open(&self, now: i64) -> bool {
        self.closed_at.is_none() && self.closes_at.is_none_or(|c| now < c)
    }
}

const ROUND_COLUMNS: &str = "round_id, version_id, region_id, name, facilitator_id, closes_at, \
                             closed_at, link_code, created_at";

fn round_row(r: &AnyRow) -> Result<RoundRow, AppError> {
    Ok(RoundRow {
        round_id: r.try_get("round_id")?,
        version_id: r.try_get("version_id")?,
        region_id: r.try_get("region_id")?,
        name: r.try_get("name")?,
        facilitator_id: r.try_get("facilitator_id")?,
        closes_at: r.try_get("closes_at")?,
        closed_at: r.try_get("closed_at")?,
        link_code: r.try_get("link_code")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A response as stored.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub response_id: String,
    pub round_id: String,
    pub entry: Entry,
    pub label: String,
    pub user_id: Option<String>,
    pub code: Option<String>,
    pub revoked_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub started_at: Option<i64>,
    pub updated_at: i64,
}

const RESPONSE_COLUMNS: &str = "response_id, round_id, entry, label, user_id, code, revoked_at, \
                                submitted_at, started_at, updated_at";

fn response_row(r: &AnyRow) -> Result<ResponseRow, AppError> {
    let entry: String = r.try_get("entry")?;
    Ok(ResponseRow {
        response_id: r.try_get("response_id")?,
        round_id: r.try_get("round_id")?,
        entry: Entry::parse(&entry).ok_or_else(|| bad_value("entry", &entry))?,
        label: r.try_get("label")?,
        user_id: r.try_get("user_id")?,
        code: r.try_get("code")?,
        revoked_at: r.try_get("revoked_at")?,
        submitted_at: r.try_get("submitted_at")?,
        started_at: r.try_get("started_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub struct NewRound<'a> {
    pub version_id: &'a str,
    pub region_id: &'a str,
    pub name: &'a str,
    pub closes_at: Option<i64>,
}

/// A signed-in person starts a round and becomes its facilitator.
#[tracing::instrument(skip_all, fields(by = %by.user_id))]
pub async fn create_round(db: &Db, by: &SignedIn, round: NewRound<'_>) -> Result<String, AppError> {
    let id = new_id();
    sqlx::query(
        "insert into assessment_round (round_id, version_id, region_id, name, facilitator_id, closes_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(round.version_id)
    .bind(round.region_id)
    .bind(round.name)
    .bind(&by.user_id)
    .bind(round.closes_at)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(id)
}

/// The row a query for one value finds, if any, decoded by `decode`.
async fn one<T>(
    db: &Db,
    sql: &str,
    value: &str,
    decode: fn(&AnyRow) -> Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    let row = sqlx::query(sql)
        .bind(value)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(decode).transpose()
}

#[tracing::instrument(skip(db))]
pub async fn find_round(db: &Db, round_id: &str) -> Result<Option<RoundRow>, AppError> {
    one(
        db,
        &format!("select {ROUND_COLUMNS} from assessment_round where round_id = $1"),
        round_id,
        round_row,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn round_by_link(db: &Db, code: &str) -> Result<Option<RoundRow>, AppError> {
    one(
        db,
        &format!("select {ROUND_COLUMNS} from assessment_round where link_code = $1"),
        code,
        round_row,
    )
    .await
}

/// The rounds a person facilitates (all of them for an administrator), newest first.
#[tracing::instrument(skip_all, fields(user = %me.user_id))]
pub async fn rounds_facilitated(db: &Db, me: &SignedIn) -> Result<Vec<RoundRow>, AppError> {
    let rows = if me.is_admin() {
        sqlx::query(&format!(
            "select {ROUND_COLUMNS} from assessment_round order by created_at desc"
        ))
        .fetch_all(&db.pool)
        .await?
    } else {
        sqlx::query(&format!(
            "select {ROUND_COLUMNS} from assessment_round where facilitator_id = $1 order by created_at desc"
        ))
        .bind(&me.user_id)
        .fetch_all(&db.pool)
        .await?
    };
    rows.iter().map(round_row).collect()
}

/// The rounds a person was invited to answer by their account, with their response's id.
#[tracing::instrument(skip_all, fields(user = %me.user_id))]
pub async fn rounds_answering(
    db: &Db,
    me: &SignedIn,
) -> Result<Vec<(RoundRow, ResponseRow)>, AppError> {
    let rows = sqlx::query(&format!(
        "select {RESPONSE_COLUMNS} from assessment_response
         where user_id = $1 and revoked_at is null order by created_at desc"
    ))
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut found = Vec::new();
    for row in &rows {
        let response = response_row(row)?;
        if let Some(round) = find_round(db, &response.round_id).await? {
            found.push((round, response));
        }
    }
    Ok(found)
}

/// Adds a respondent to the facilitator's round. An account invited twice is one respondent.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn add_response(
    db: &Db,
    round: &Facilitator,
    entry: Entry,
    label: &str,
    user_id: Option<&str>,
    code: Option<&str>,
) -> Result<String, AppError> {
    let id = new_id();
    let now = now_ms();
    let inserted = sqlx::query(
        "insert into assessment_response (response_id, round_id, entry, label, user_id, code, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&round.round().round_id)
    .bind(entry.as_str())
    .bind(label)
    .bind(user_id)
    .bind(code)
    .bind(now)
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => Ok(id),
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            Err(AppError::field(
                "email",
                crate::error::Problem::AlreadyInvited,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Someone opened the round's shared link and asked to start: a response of their own.
#[tracing::instrument(skip_all)]
pub async fn add_link_response(db: &Db, round: &RoundRow, code: &str) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "insert into assessment_response (response_id, round_id, entry, label, code, created_at, updated_at)
         values ($1, $2, $3, '', $4, $5, $5)",
    )
    .bind(new_id())
    .bind(&round.round_id)
    .bind(Entry::RoundLink.as_str())
    .bind(code)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The round's respondents with their progress, for its facilitator.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn responses(db: &Db, round: &Facilitator) -> Result<Vec<ResponseSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "select {RESPONSE_COLUMNS},
                (select count(*) from assessment_answer a where a.response_id = r.response_id) as answered
         from assessment_response r where round_id = $1 order by created_at"
    ))
    .bind(&round.round().round_id)
    .fetch_all(&db.pool)
    .await?;
    let mut summaries = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = response_row(row)?;
        summaries.push(ResponseSummary {
            progress: progress(&r),
            code: (r.entry == Entry::PersonalLink)
                .then(|| r.code.as_deref().map(format_code))
                .flatten(),
            answered: row.try_get("answered")?,
            response_id: r.response_id,
            entry: r.entry,
            label: r.label,
            updated_at: r.updated_at,
        });
    }
    Ok(summaries)
}

fn progress(r: &ResponseRow) -> Progress {
    if r.revoked_at.is_some() {
        Progress::Revoked
    } else if r.submitted_at.is_some() {
        Progress::Submitted
    } else if r.started_at.is_some() {
        Progress::Started
    } else {
        Progress::NotStarted
    }
}

#[tracing::instrument(skip(db))]
pub async fn find_response(db: &Db, response_id: &str) -> Result<Option<ResponseRow>, AppError> {
    one(
        db,
        &format!("select {RESPONSE_COLUMNS} from assessment_response where response_id = $1"),
        response_id,
        response_row,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn response_by_code(db: &Db, code: &str) -> Result<Option<ResponseRow>, AppError> {
    one(
        db,
        &format!("select {RESPONSE_COLUMNS} from assessment_response where code = $1"),
        code,
        response_row,
    )
    .await
}

/// Withdraws a respondent's access (their answers stay, and stop counting), or gives it back.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_revoked(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
    revoked: bool,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "update assessment_response set revoked_at = $1, updated_at = $2
         where response_id = $3 and round_id = $4",
    )
    .bind(revoked.then(now_ms))
    .bind(now_ms())
    .bind(response_id)
    .bind(&round.round().round_id)
    .execute(&db.pool)
    .await?;
    found(done.rows_affected())
}

/// The facilitator reopens a submitted response so that its respondent can change it.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn reopen_response(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "update assessment_response set submitted_at = null, updated_at = $1
         where response_id = $2 and round_id = $3",
    )
    .bind(now_ms())
    .bind(response_id)
    .bind(&round.round().round_id)
    .execute(&db.pool)
    .await?;
    found(done.rows_affected())
}

fn found(rows: u64) -> Result<(), AppError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Switches the round's shared link on (with a new code) or off.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_link(db: &Db, round: &Facilitator, code: Option<&str>) -> Result<(), AppError> {
    sqlx::query("update assessment_round set link_code = $1 where round_id = $2")
        .bind(code)
        .bind(&round.round().round_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Closes the round now, or reopens it (which also clears a closing time that has passed).
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_closed(db: &Db, round: &Facilitator, closed: bool) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "update assessment_round set closed_at = $1,
                closes_at = case when $2 = 0 and closes_at <= $3 then null else closes_at end
         where round_id = $4",
    )
    .bind(closed.then_some(now))
    .bind(i64::from(closed))
    .bind(now)
    .bind(&round.round().round_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

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
/// response not submitted (a facilitator closing the round meanwhile wins).
async fn begin_write(
    db: &Db,
    who: &Respondent,
) -> Result<Result<Transaction<'static, Any>, Refusal>, AppError> {
    let mut tx = db.pool.begin().await?;
    // Touching the row first takes its write lock on both engines, so the checks below read
    // what the commit will see.
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

/// Assembles what a [`Round`] shows from its row and the names other rooms own.
pub async fn round_view(db: &Db, row: RoundRow) -> Result<Round, AppError> {
    let region_name = crate::registry::store::regions(db)
        .await?
        .into_iter()
        .find(|r| r.region_id == row.region_id)
        .map(|r| r.name)
        .unwrap_or_else(|| row.region_id.clone());
    let facilitator_name = crate::identity::store::display_names(db, &[&row.facilitator_id])
        .await?
        .remove(&row.facilitator_id)
        .unwrap_or_default();
    let template = super::store::template_version(db, &row.version_id).await?;
    Ok(Round {
        open: row.is_open(now_ms()),
        round_id: row.round_id,
        name: row.name,
        region_id: row.region_id,
        region_name,
        version_id: row.version_id,
        template_title: template.definition.title,
        facilitator_id: row.facilitator_id,
        facilitator_name,
        closes_at: row.closes_at,
        closed_at: row.closed_at,
        link_code: row.link_code.as_deref().map(format_code),
        created_at: row.created_at,
    })
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
