//! SQL for rounds and responses (answers are in `answer_store.rs`). Every function that acts
//! on a round or a response takes the proof of who may (see `access.rs`).

use super::access::Facilitator;
use super::round::{format_code, Entry, Progress, ResponseSummary, Round};
use crate::args;
use crate::db::{bad_value, new_id, now_ms, Db, Outcome};
use crate::error::AppError;
use crate::identity::session::SignedIn;
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::Row;

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

pub(super) const ROUND_COLUMNS: &str =
    "round_id, version_id, region_id, name, facilitator_id, closes_at, \
                             closed_at, link_code, created_at";

pub(super) fn round_row(r: &AnyRow) -> Result<RoundRow, AppError> {
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
    pub reopened_at: Option<i64>,
    pub reopened_by: Option<String>,
    pub reminded_at: Option<i64>,
    pub reminders: i64,
    pub invited_at: Option<i64>,
    /// A personal link's address, when the facilitator gave one.
    pub email: Option<String>,
}

pub(super) const RESPONSE_COLUMNS: &str =
    "response_id, round_id, entry, label, user_id, code, revoked_at, \
                                submitted_at, started_at, updated_at, reopened_at, reopened_by, \
                                reminded_at, reminders, invited_at, email";

pub(super) fn response_row(r: &AnyRow) -> Result<ResponseRow, AppError> {
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
        reopened_at: r.try_get("reopened_at")?,
        reopened_by: r.try_get("reopened_by")?,
        reminded_at: r.try_get("reminded_at")?,
        reminders: r.try_get("reminders")?,
        invited_at: r.try_get("invited_at")?,
        email: r.try_get("email")?,
    })
}

/// A respondent the facilitator invites: by account (`user_id`), or by personal link (`code`,
/// and an `email` to send it to, if given; its e-mail goes out in the facilitator's language).
pub struct NewResponse<'a> {
    pub entry: Entry,
    pub label: &'a str,
    pub user_id: Option<&'a str>,
    pub code: Option<&'a str>,
    pub email: Option<&'a str>,
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
    db.run(
        "insert into assessment_round (round_id, version_id, region_id, name, facilitator_id, closes_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        args![
            &id,
            round.version_id,
            round.region_id,
            round.name,
            &by.user_id,
            round.closes_at,
            now_ms()
        ],
    )
    .await?;
    Ok(id)
}

/// The row a query for one value finds, if any, decoded by `decode`.
pub(super) async fn one<T>(
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
    let rounds = sqlx::query(&format!(
        "select {ROUND_COLUMNS} from assessment_round where round_id in
         (select round_id from assessment_response where user_id = $1 and revoked_at is null)"
    ))
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| round_row(r).map(|round| (round.round_id.clone(), round)))
    .collect::<Result<std::collections::HashMap<_, _>, AppError>>()?;
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        let response = response_row(row)?;
        if let Some(round) = rounds.get(&response.round_id) {
            found.push((round.clone(), response));
        }
    }
    Ok(found)
}

/// Adds a respondent to the facilitator's round. An account invited twice is one respondent.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn add_response(
    db: &Db,
    round: &Facilitator,
    new: NewResponse<'_>,
) -> Result<String, AppError> {
    let id = new_id();
    let now = now_ms();
    let inserted = db
        .run(
            "insert into assessment_response
                 (response_id, round_id, entry, label, user_id, code, email, locale, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            args![
                &id,
                &round.round().round_id,
                new.entry.as_str(),
                new.label,
                new.user_id,
                new.code,
                new.email,
                new.email.map(|_| round.user.preferred_locale.as_str()),
                now
            ],
        )
        .await?;
    match (inserted.duplicate, new.entry, new.email) {
        (false, ..) => Ok(id),
        // Codes are 16 random letters: only an account invited twice, or an address that a
        // personal link of the round with access has already, can collide.
        (true, Entry::Account, _) | (true, Entry::PersonalLink, Some(_)) => Err(AppError::field(
            "email",
            crate::error::Problem::AlreadyInvited,
        )),
        (true, ..) => {
            tracing::error!("a new response's code was already taken");
            Err(AppError::Internal)
        }
    }
}

/// Someone opened the round's shared link and asked to start: a response of their own.
#[tracing::instrument(skip_all)]
pub async fn add_link_response(db: &Db, round: &RoundRow, code: &str) -> Result<(), AppError> {
    let (round_id, code) = (round.round_id.clone(), code.to_owned());
    // Through the writer that answers go through: on SQLite a write from the pool would wait
    // for the lock that writer keeps busy under load, and time out.
    db.write(move |conn| {
        async move {
            let now = now_ms();
            sqlx::query(
                "insert into assessment_response (response_id, round_id, entry, label, code, created_at, updated_at)
                 values ($1, $2, $3, '', $4, $5, $5)",
            )
            .bind(new_id())
            .bind(&round_id)
            .bind(Entry::RoundLink.as_str())
            .bind(&code)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
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
    let responses = rows
        .iter()
        .map(|row| Ok((response_row(row)?, row.try_get::<i64, _>("answered")?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let reopeners: Vec<&str> = responses
        .iter()
        .filter_map(|(r, _)| r.reopened_by.as_deref())
        .collect();
    let names = crate::identity::store::display_names(db, &reopeners).await?;
    Ok(responses
        .into_iter()
        .map(|(r, answered)| ResponseSummary {
            progress: progress(&r),
            // A personal link is shown until its respondent starts: from then on the code is
            // theirs, and nobody else (not the facilitator either) can read it again.
            code: (r.entry == Entry::PersonalLink && r.started_at.is_none())
                .then(|| r.code.as_deref().map(format_code))
                .flatten(),
            answered,
            reopened: r.reopened_at.map(|at| {
                let by = r.reopened_by.as_ref().and_then(|id| names.get(id));
                (by.cloned().unwrap_or_default(), at)
            }),
            reminded: r.reminded_at.map(|at| (at, r.reminders)),
            invited: r.invited_at,
            email: r.email,
            response_id: r.response_id,
            entry: r.entry,
            label: r.label,
            updated_at: r.updated_at,
        })
        .collect())
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

/// Withdraws a respondent's access (their answers stay, and stop counting), or gives it back:
/// not to a personal link whose address another link of the round has been given meanwhile.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_revoked(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
    revoked: bool,
) -> Result<(), AppError> {
    let done = db
        .run(
            "update assessment_response set revoked_at = $1, updated_at = $2
             where response_id = $3 and round_id = $4",
            args![
                revoked.then(now_ms),
                now_ms(),
                response_id,
                &round.round().round_id
            ],
        )
        .await?;
    if done.duplicate {
        return Err(AppError::field(
            "revoked",
            crate::error::Problem::AlreadyInvited,
        ));
    }
    found(done.rows)
}

/// The facilitator reopens a submitted response so that its respondent can change it.
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn reopen_response(
    db: &Db,
    round: &Facilitator,
    response_id: &str,
) -> Result<(), AppError> {
    let done = db
        .run(
            "update assessment_response set submitted_at = null, updated_at = $1, reopened_at = $1,
                    reopened_by = $4
             where response_id = $2 and round_id = $3 and submitted_at is not null",
            args![
                now_ms(),
                response_id,
                &round.round().round_id,
                &round.user.user_id
            ],
        )
        .await?;
    if done.rows == 1 {
        return Ok(());
    }
    let exists = super::response_store::find_response(db, response_id)
        .await?
        .is_some_and(|r| r.round_id == round.round().round_id);
    if exists {
        Err(AppError::field(
            "response",
            crate::error::Problem::NotSubmitted,
        ))
    } else {
        Err(AppError::NotFound)
    }
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
    db.run(
        "update assessment_round set link_code = $1 where round_id = $2",
        args![code, &round.round().round_id],
    )
    .await?;
    Ok(())
}

/// Closes the round now, or reopens it (which also clears a closing time that has passed).
#[tracing::instrument(skip_all, fields(round = %round.round().round_id))]
pub async fn set_closed(db: &Db, round: &Facilitator, closed: bool) -> Result<(), AppError> {
    let now = now_ms();
    db.run(
        "update assessment_round set closed_at = $1,
                closes_at = case when $2 = 0 and closes_at <= $3 then null else closes_at end
         where round_id = $4",
        args![
            closed.then_some(now),
            i64::from(closed),
            now,
            &round.round().round_id
        ],
    )
    .await?;
    Ok(())
}

/// Every round on any version of a template, with its number of submitted, not withdrawn
/// responses: what a comparison chooses from.
#[tracing::instrument(skip(db))]
pub async fn rounds_of_template(
    db: &Db,
    template_id: &str,
) -> Result<Vec<(RoundRow, i64)>, AppError> {
    let rows = sqlx::query(&format!(
        "select {ROUND_COLUMNS},
                (select count(*) from assessment_response s where s.round_id = o.round_id
                 and s.submitted_at is not null and s.revoked_at is null) as submitted
         from assessment_round o
         where o.version_id in
               (select version_id from assessment_template_version where template_id = $1)
         order by o.created_at desc, o.round_id"
    ))
    .bind(template_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((round_row(r)?, r.try_get("submitted")?)))
        .collect()
}

/// Assembles what a [`Round`] shows from its row and the names other rooms own.
pub async fn round_view(db: &Db, row: RoundRow) -> Result<Round, AppError> {
    round_views(db, vec![row])
        .await?
        .pop()
        .ok_or(AppError::Internal)
}

/// [`round_view`] for many rounds, with one query for each kind of name, whatever their number.
pub async fn round_views(db: &Db, rows: Vec<RoundRow>) -> Result<Vec<Round>, AppError> {
    // Each id once: an administrator's list holds every round, and a query has a limit of
    // parameters.
    fn distinct(ids: Vec<&str>) -> Vec<&str> {
        ids.into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }
    let region_ids = distinct(rows.iter().map(|r| r.region_id.as_str()).collect());
    let regions = crate::registry::store::region_names(db, &region_ids).await?;
    let people = distinct(rows.iter().map(|r| r.facilitator_id.as_str()).collect());
    let names = crate::identity::store::display_names(db, &people).await?;
    let mut titles = std::collections::HashMap::new();
    for row in &rows {
        if !titles.contains_key(&row.version_id) {
            let template = super::store::template_version(db, &row.version_id).await?;
            titles.insert(row.version_id.clone(), template.definition.title);
        }
    }
    let now = now_ms();
    Ok(rows
        .into_iter()
        .map(|row| Round {
            open: row.is_open(now),
            region_name: regions
                .get(&row.region_id)
                .cloned()
                .unwrap_or_else(|| row.region_id.clone()),
            facilitator_name: names.get(&row.facilitator_id).cloned().unwrap_or_default(),
            template_title: titles.get(&row.version_id).cloned().unwrap_or_default(),
            round_id: row.round_id,
            name: row.name,
            region_id: row.region_id,
            version_id: row.version_id,
            facilitator_id: row.facilitator_id,
            closes_at: row.closes_at,
            closed_at: row.closed_at,
            link_code: row.link_code.as_deref().map(format_code),
            created_at: row.created_at,
            email_reminders: false,
        })
        .collect())
}
