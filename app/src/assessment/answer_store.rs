//! SQL for answers: reading them, saving them, submitting a response, and the answers a
//! round's results are made of. Every write checks, inside its transaction, that the round is
//! open and the response not submitted.

use super::access::{Facilitator, Respondent};
use super::model::{Answer, Answers};
use super::round::Entry;
use super::round_store::{response_row, ResponseRow, RESPONSE_COLUMNS};
use super::score::ResponseScore;
use crate::db::{bad_value, new_id, now_ms, Db, Engine, Outcome};
use crate::error::AppError;
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashMap;

/// A response's answers as one JSON object (item → answer), an aggregate over
/// `assessment_answer`: one row, where one row per answer would each be a message from SQLite's
/// thread, and a section page reads these on every view.
pub(super) fn answers_object(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "json_group_object(item_id, json(answer))",
        Engine::Postgres => "coalesce(json_object_agg(item_id, answer::json), '{}')::text",
    }
}

/// The answers that [`answers_object`] gathered.
pub(super) fn answers_from_json(raw: &str, response_id: &str) -> Result<Answers, AppError> {
    // The answers' text is the respondent's: the log names the response, never what they wrote.
    serde_json::from_str(raw).map_err(|_| bad_value("answers of response", response_id))
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

    /// Reads, inside the write, what decides whether it may go on (the round open, the
    /// response neither submitted nor withdrawn) and, when it may, the response's answers.
    /// Touching the response row first (marking it started, which a refused write undoes)
    /// takes its write lock (on SQLite the write holds the database's), so a submit, reopen or
    /// withdrawal of this response waits for the write; on PostgreSQL the round row is
    /// share-locked too, so a close waits as well, and a close committed first is seen. One
    /// statement: on SQLite it is a round trip to the connection's thread on the task that
    /// commits every write.
    async fn begin(&self, conn: &mut AnyConnection) -> Result<Result<Answers, Refusal>, AppError> {
        let lock = self.engine.share_lock();
        let object = answers_object(self.engine);
        let row = sqlx::query(&format!(
            "update assessment_response set updated_at = $1, started_at = coalesce(started_at, $1)
             where response_id = $2
             returning submitted_at, revoked_at,
               (select closed_at from assessment_round where round_id = $3{lock}) as closed_at,
               (select closes_at from assessment_round where round_id = $3{lock}) as closes_at,
               (select {object} from assessment_answer where response_id = $2) as answers"
        ))
        .bind(now_ms())
        .bind(&self.response_id)
        .bind(&self.round_id)
        .fetch_one(&mut *conn)
        .await?;
        let now = now_ms();
        let closed_at: Option<i64> = row.try_get("closed_at")?;
        let closes_at: Option<i64> = row.try_get("closes_at")?;
        Ok(if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            Err(Refusal::Withdrawn)
        } else if closed_at.is_some() || closes_at.is_some_and(|c| now >= c) {
            Err(Refusal::RoundClosed)
        } else if row.try_get::<Option<i64>, _>("submitted_at")?.is_some() {
            Err(Refusal::Submitted)
        } else {
            Ok(answers_from_json(
                &row.try_get::<String, _>("answers")?,
                &self.response_id,
            )?)
        })
    }

    /// Writes answers (item, JSON) in one statement, replacing those stored for the same items.
    async fn write_answers(
        &self,
        conn: &mut AnyConnection,
        written: &[(String, String)],
    ) -> Result<(), AppError> {
        if written.is_empty() {
            return Ok(());
        }
        // A section has at most a few dozen items, far below SQLite's bind limit.
        let values = (0..written.len())
            .map(|k| format!("($1, ${}, ${}, $2)", 2 * k + 3, 2 * k + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "insert into assessment_answer (response_id, item_id, answer, updated_at) values {values}
             on conflict (response_id, item_id)
             do update set answer = excluded.answer, updated_at = excluded.updated_at"
        );
        let mut query = sqlx::query(&sql).bind(&self.response_id).bind(now_ms());
        for (item_id, json) in written {
            query = query.bind(item_id).bind(json);
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }

    /// Removes the stored answers of some items, in one statement.
    async fn remove_answers(
        &self,
        conn: &mut AnyConnection,
        removed: &[String],
    ) -> Result<(), AppError> {
        if removed.is_empty() {
            return Ok(());
        }
        let list = (0..removed.len())
            .map(|k| format!("${}", k + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql =
            format!("delete from assessment_answer where response_id = $1 and item_id in ({list})");
        let mut query = sqlx::query(&sql).bind(&self.response_id);
        for item_id in removed {
            query = query.bind(item_id);
        }
        query.execute(&mut *conn).await?;
        Ok(())
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
            let mut answers = match target.begin(conn).await? {
                Ok(answers) => answers,
                Err(refusal) => return Ok(Outcome::Undo(Err(refusal))),
            };
            let (changes, found) = plan(&answers);
            // Each statement is a round trip to SQLite's thread on the one task that commits
            // every write: what did not change is not written, the rest in two statements.
            let mut written = Vec::new();
            let mut removed = Vec::new();
            for (item_id, answer) in changes {
                match answer {
                    Some(answer) if answers.get(&item_id) != Some(&answer) => {
                        let json = serde_json::to_string(&answer).map_err(|e| {
                            tracing::error!(error = %e, "an answer could not be written as JSON");
                            AppError::Internal
                        })?;
                        written.push((item_id.clone(), json));
                        answers.insert(item_id, answer);
                    }
                    Some(_) => {}
                    None => {
                        if answers.remove(&item_id).is_some() {
                            removed.push(item_id);
                        }
                    }
                }
            }
            target.write_answers(conn, &written).await?;
            target.remove_answers(conn, &removed).await?;
            Ok(Outcome::Keep(Ok((answers, found))))
        }
        .boxed()
    })
    .await
}

/// Submits the response when `judge` finds nothing missing in its answers as the write sees
/// them: stores the response's dimension scores that `judge` gives (see [`ResponseScore`]) with
/// the submit, replacing those of an earlier submit. Returns what is missing, if anything.
#[tracing::instrument(skip_all, fields(response = %who.response_id))]
pub async fn submit<Missing: Send + 'static>(
    db: &Db,
    who: &Respondent,
    judge: impl FnOnce(&Answers) -> Result<Vec<ResponseScore>, Vec<Missing>> + Send + 'static,
) -> Result<Result<Vec<Missing>, Refusal>, AppError> {
    let target = Target::of(db, who);
    db.write(move |conn| {
        async move {
            let answers = match target.begin(conn).await? {
                Ok(answers) => answers,
                Err(refusal) => return Ok(Outcome::Undo(Err(refusal))),
            };
            let scores = match judge(&answers) {
                Ok(scores) => scores,
                Err(missing) => return Ok(Outcome::Undo(Ok(missing))),
            };
            sqlx::query(
                "update assessment_response set submitted_at = $1, started_at = coalesce(started_at, $1)
                 where response_id = $2",
            )
            .bind(now_ms())
            .bind(&target.response_id)
            .execute(&mut *conn)
            .await?;
            sqlx::query("delete from assessment_response_score where response_id = $1")
                .bind(&target.response_id)
                .execute(&mut *conn)
                .await?;
            // A response without answers counts in no score, as in the merged results.
            if !answers.is_empty() {
                insert_scores(conn, &[(target.response_id.clone(), scores)]).await?;
            }
            Ok(Outcome::Keep(Ok(Vec::new())))
        }
        .boxed()
    })
    .await
}

/// Inserts responses' dimension scores in one statement; rows already there stay (a score
/// computed late for a response cannot overwrite the one its newer submit wrote).
async fn insert_scores(
    conn: &mut AnyConnection,
    scores: &[(String, Vec<ResponseScore>)],
) -> Result<(), AppError> {
    let rows: Vec<(&str, &ResponseScore)> = scores
        .iter()
        .flat_map(|(id, s)| s.iter().map(move |score| (id.as_str(), score)))
        .collect();
    // Bind parameters are limited (SQLite: 32,766), so many rows go in chunks.
    for chunk in rows.chunks(1_000) {
        let values = (0..chunk.len())
            .map(|k| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * k + 1,
                    4 * k + 2,
                    4 * k + 3,
                    4 * k + 4
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "insert into assessment_response_score (response_id, dimension_id, present, target)
             values {values} on conflict (response_id, dimension_id) do nothing"
        );
        // Not kept as a prepared statement: sqlx's Any driver declares a missing f64 as a
        // PostgreSQL float4, and a statement prepared with that declaration then refuses the
        // float8 of a later row in the same place ("incorrect binary data format").
        let mut query = sqlx::query(&sql).persistent(false);
        for (id, score) in chunk {
            query = query
                .bind(*id)
                .bind(&score.dimension_id)
                .bind(score.present)
                .bind(score.target);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `where` over the submitted, not withdrawn responses `r` of the rounds `$in`.
const SUBMITTED_IN: &str =
    "r.round_id in ($in) and r.submitted_at is not null and r.revoked_at is null";

/// The answers of a round's submitted, not withdrawn responses that have any: what its results
/// are made of.
#[tracing::instrument(skip_all)]
pub async fn submitted_answers(db: &Db, round_id: &str) -> Result<Vec<Answers>, AppError> {
    let sql = format!(
        "select r.response_id, a.item_id, a.answer
         from assessment_response r join assessment_answer a on a.response_id = r.response_id
         where {SUBMITTED_IN} order by r.response_id"
    );
    let rows = crate::db::fetch_in(db, &sql, &[round_id]).await?;
    Ok(by_response(&rows)?.into_iter().map(|(_, a)| a).collect())
}

/// Rows of `response_id`, `item_id` and `answer`, ordered by response, as each response's
/// answers, in that order.
fn by_response(rows: &[AnyRow]) -> Result<Vec<(String, Answers)>, AppError> {
    let mut responses: Vec<(String, Answers)> = Vec::new();
    for r in rows {
        let response_id: String = r.try_get("response_id")?;
        if responses.last().map(|(id, _)| id) != Some(&response_id) {
            responses.push((response_id, Answers::new()));
        }
        let (item_id, answer) = item_answer(r)?;
        if let Some((_, last)) = responses.last_mut() {
            last.insert(item_id, answer);
        }
    }
    Ok(responses)
}

/// The submitted responses of these rounds that have answers but no stored dimension scores
/// (submitted before scores were stored), each with its template version's id and its answers.
/// A response whose template has no dimensions is found again each time, with nothing to store.
#[tracing::instrument(skip_all, fields(rounds = round_ids.len()))]
pub async fn unscored(
    db: &Db,
    round_ids: &[&str],
) -> Result<Vec<(String, String, Answers)>, AppError> {
    let sql = format!(
        "select r.response_id, d.version_id, a.item_id, a.answer
         from assessment_response r
         join assessment_round d on d.round_id = r.round_id
         join assessment_answer a on a.response_id = r.response_id
         where {SUBMITTED_IN} and not exists
           (select 1 from assessment_response_score s where s.response_id = r.response_id)
         order by r.response_id"
    );
    let rows = crate::db::fetch_in(db, &sql, round_ids).await?;
    let mut versions: HashMap<String, String> = HashMap::new();
    for r in &rows {
        versions.insert(r.try_get("response_id")?, r.try_get("version_id")?);
    }
    by_response(&rows)?
        .into_iter()
        .map(|(id, answers)| {
            let version_id = versions.remove(&id).ok_or(AppError::Internal)?;
            Ok((id, version_id, answers))
        })
        .collect()
}

/// Stores dimension scores of responses found [`unscored`].
pub async fn add_scores(
    db: &Db,
    scores: Vec<(String, Vec<ResponseScore>)>,
) -> Result<(), AppError> {
    db.write(move |conn| {
        async move {
            insert_scores(conn, &scores).await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}

/// A round's stored dimension scores, merged: how many responses have scores, and for each
/// dimension the mean of the present scores and how many there are.
#[derive(Debug, Default)]
pub struct RoundScores {
    pub respondents: usize,
    pub present: HashMap<String, (f64, usize)>,
}

/// The [`RoundScores`] of each of these rounds that has any, in one query.
#[tracing::instrument(skip_all, fields(rounds = round_ids.len()))]
pub async fn round_scores(
    db: &Db,
    round_ids: &[&str],
) -> Result<HashMap<String, RoundScores>, AppError> {
    let sql = format!(
        "select r.round_id, s.dimension_id, count(*) as scored, count(s.present) as answered,
                avg(s.present) as mean
         from assessment_response r
         join assessment_response_score s on s.response_id = r.response_id
         where {SUBMITTED_IN}
         group by r.round_id, s.dimension_id"
    );
    let mut by_round: HashMap<String, RoundScores> = HashMap::new();
    for r in crate::db::fetch_in(db, &sql, round_ids).await? {
        let round = by_round.entry(r.try_get("round_id")?).or_default();
        // Every scored response has a row for each dimension of its template version.
        let scored: i64 = r.try_get("scored")?;
        round.respondents = round.respondents.max(count(scored)?);
        if let Some(mean) = r.try_get::<Option<f64>, _>("mean")? {
            let answered: i64 = r.try_get("answered")?;
            round
                .present
                .insert(r.try_get("dimension_id")?, (mean, count(answered)?));
        }
    }
    Ok(by_round)
}

fn count(n: i64) -> Result<usize, AppError> {
    usize::try_from(n).map_err(|_| bad_value("count", &n.to_string()))
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
