//! SQL for invitations and reminders by e-mail: who may get one, and the claim that keeps
//! anyone from getting two within [`REMIND_AGAIN_AFTER_MS`], also when two presses come at once.

use super::access::Facilitator;
use super::remind::REMIND_AGAIN_AFTER_MS;
use super::round::{format_code, Entry};
use crate::args;
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

/// A respondent with an address who has not submitted and whose access stands: invited by
/// account, or by a personal link the facilitator gave an address for.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub response_id: String,
    pub email: String,
    /// The account's name, or whom the personal link is for.
    pub name: String,
    pub locale: String,
    /// A personal link's code: the e-mail carries it, as the respondent has no account.
    pub code: Option<String>,
    pub reminded_at: Option<i64>,
}

impl Recipient {
    /// Where the e-mail sends them: their personal link, or their response behind sign-in.
    pub fn link(&self, base: &str) -> String {
        match &self.code {
            Some(code) => format!("{base}/respond/{}", format_code(code)),
            None => format!("{base}/respond/{}", self.response_id),
        }
    }
}

/// The round's respondents an e-mail can go to (only `response_id`'s, when given): not
/// submitted, not withdrawn, and either invited by an enabled account or by a personal link
/// with an address.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn recipients(
    db: &Db,
    round: &Facilitator,
    response_id: Option<&str>,
) -> Result<Vec<Recipient>, AppError> {
    let rows = sqlx::query(
        "select r.response_id, r.reminded_at, r.code,
                coalesce(u.email, r.email) as email,
                coalesce(u.display_name, r.label) as name,
                coalesce(u.preferred_locale, r.locale) as locale
         from assessment_response r left join app_user u on u.user_id = r.user_id
         where r.round_id = $1 and r.submitted_at is null and r.revoked_at is null
           and ((r.entry = $3 and u.disabled = 0) or (r.entry = $4 and r.email is not null))
           and ($2 = '' or r.response_id = $2)
         order by r.created_at",
    )
    .bind(&round.round().round_id)
    .bind(response_id.unwrap_or_default())
    .bind(Entry::Account.as_str())
    .bind(Entry::PersonalLink.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Recipient {
                response_id: r.try_get("response_id")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                locale: r.try_get("locale")?,
                code: r.try_get("code")?,
                reminded_at: r.try_get("reminded_at")?,
            })
        })
        .collect()
}

/// What a message claims: a reminder, or the invitation's e-mail.
#[derive(Debug, Clone, Copy)]
pub enum Claim {
    Reminder,
    Invitation,
}

/// Marks `person` reminded (or invited by e-mail) now, unless they got a reminder or an
/// invitation within the hour, in this round or any other, at the same address (a person gets
/// at most one e-mail an hour from the platform, whoever asks; personal links included): `false`
/// then, and nothing is sent. One conditional statement, so of two presses at once only one
/// wins, and it is written before the message goes out.
pub async fn claim(
    db: &Db,
    round: &Facilitator,
    person: &Recipient,
    now: i64,
    what: Claim,
) -> Result<bool, AppError> {
    // One statement for both, differing in what it sets (`Db::run` takes SQL known at build).
    macro_rules! claim_sql {
        ($set:literal) => {
            concat!(
                "update assessment_response set ",
                $set,
                " where response_id = $2 and round_id = $3
                   and (reminded_at is null or reminded_at <= $4)
                   and (invited_at is null or invited_at <= $4)
                   and not exists (
                       select 1 from assessment_response o
                       left join app_user ou on ou.user_id = o.user_id
                       where o.response_id <> $2 and coalesce(ou.email, o.email) = $5
                         and (o.reminded_at > $4 or o.invited_at > $4))"
            )
        };
    }
    let sql = match what {
        Claim::Reminder => claim_sql!("reminded_at = $1, reminders = reminders + 1"),
        Claim::Invitation => claim_sql!("invited_at = $1"),
    };
    let done = db
        .run(
            sql,
            args![
                now,
                &person.response_id,
                &round.round().round_id,
                now - REMIND_AGAIN_AFTER_MS,
                &person.email
            ],
        )
        .await?;
    Ok(done.rows == 1)
}

/// Undoes an invitation's claim whose message did not leave.
pub async fn unclaim_invitation(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
    now: i64,
) -> Result<(), AppError> {
    db.run(
        "update assessment_response set invited_at = null
         where response_id = $1 and round_id = $2 and invited_at = $3",
        args![response_id, &round.round().round_id, now],
    )
    .await?;
    Ok(())
}

/// Undoes a claim whose message did not leave: the respondent was not reminded.
pub async fn unclaim(
    db: &Db,
    round: &Facilitator,
    claimed: &Recipient,
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
