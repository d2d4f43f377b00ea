//! SQL for reminders: who may get one, and the claim that keeps anyone from getting two
//! within [`REMIND_AGAIN_AFTER_MS`], also when two presses come at once.

use super::access::Facilitator;
use super::remind::REMIND_AGAIN_AFTER_MS;
use super::round::Entry;
use crate::args;
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

/// A respondent invited by account who has not submitted and whose access stands.
#[derive(Debug, Clone)]
pub struct Remindable {
    pub response_id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub reminded_at: Option<i64>,
}

/// The round's respondents a reminder can go to (only `response_id`'s, when given): invited by
/// account, not submitted, not withdrawn, their account enabled.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn remindable(
    db: &Db,
    round: &Facilitator,
    response_id: Option<&str>,
) -> Result<Vec<Remindable>, AppError> {
    let rows = sqlx::query(
        "select r.response_id, r.reminded_at, u.email, u.display_name, u.preferred_locale
         from assessment_response r join app_user u on u.user_id = r.user_id
         where r.round_id = $1 and r.entry = $3 and r.submitted_at is null
           and r.revoked_at is null and u.disabled = 0
           and ($2 = '' or r.response_id = $2)
         order by r.created_at",
    )
    .bind(&round.round().round_id)
    .bind(response_id.unwrap_or_default())
    .bind(Entry::Account.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Remindable {
                response_id: r.try_get("response_id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                locale: r.try_get("preferred_locale")?,
                reminded_at: r.try_get("reminded_at")?,
            })
        })
        .collect()
}

/// Marks a respondent reminded now, unless they were reminded within the hour, for this round
/// or any other (a person gets at most one reminder an hour from the platform, whoever asks):
/// `false` then, and nothing is sent. One conditional statement, so of two presses for the
/// same response at once only one wins.
pub async fn claim(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = db
        .run(
            "update assessment_response set reminded_at = $1, reminders = reminders + 1
             where response_id = $2 and round_id = $3
               and (reminded_at is null or reminded_at <= $4)
               and not exists (
                   select 1 from assessment_response o
                   where o.user_id = assessment_response.user_id and o.response_id <> $2
                     and o.reminded_at > $4)",
            args![
                now,
                response_id,
                &round.round().round_id,
                now - REMIND_AGAIN_AFTER_MS
            ],
        )
        .await?;
    Ok(done.rows == 1)
}

/// Undoes a claim whose message did not leave: the respondent was not reminded.
pub async fn unclaim(
    db: &Db,
    round: &Facilitator,
    claimed: &Remindable,
    now: i64,
) -> Result<(), AppError> {
    db.run(
        "update assessment_response set reminded_at = $1, reminders = reminders - 1
         where response_id = $2 and round_id = $3 and reminded_at = $4",
        args![
            claimed.reminded_at,
            &claimed.response_id,
            &round.round().round_id,
            now
        ],
    )
    .await?;
    Ok(())
}
