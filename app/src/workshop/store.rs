//! SQL for workshops, their agendas and their participants, and the proofs of who may act on
//! a workshop ([`Owner`]) that the functions changing one demand.

use super::model::{
    new_join_code, Activity, Participant, Settings, Workshop, WorkshopSummary, ACTIVITIES_MAX,
};
use crate::args;
use crate::db::{bad_value, new_id, now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use crate::identity::session::{require_user, SignedIn};
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A workshop as stored, without its agenda and participants.
#[derive(Debug, Clone)]
pub struct WorkshopRow {
    pub workshop_id: String,
    pub owner_id: String,
    pub title: String,
    pub language: String,
    pub code: String,
    pub joining_locked: bool,
    pub anonymous_allowed: bool,
    /// The activity on every screen, if any, and whether it takes answers.
    pub current_activity: Option<String>,
    pub answers_open: bool,
    /// The sequence number of its last event, read with the rest of the row.
    pub last_seq: i64,
    /// A template: never run, its code opens no room.
    pub template: bool,
    /// When the shown activity's timer ends, if one runs.
    pub timer_ends: Option<i64>,
}

const WORKSHOP_COLUMNS: &str = "workshop_id, owner_id, title, language, code, joining_locked, \
     anonymous_allowed, current_activity, answers_open, last_seq, template, timer_ends";

fn workshop_row(r: &AnyRow) -> Result<WorkshopRow, AppError> {
    Ok(WorkshopRow {
        workshop_id: r.try_get("workshop_id")?,
        owner_id: r.try_get("owner_id")?,
        title: r.try_get("title")?,
        language: r.try_get("language")?,
        code: r.try_get("code")?,
        joining_locked: r.try_get::<i64, _>("joining_locked")? != 0,
        anonymous_allowed: r.try_get::<i64, _>("anonymous_allowed")? != 0,
        current_activity: r.try_get("current_activity")?,
        answers_open: r.try_get::<i64, _>("answers_open")? != 0,
        last_seq: r.try_get("last_seq")?,
        template: r.try_get::<i64, _>("template")? != 0,
        timer_ends: r.try_get("timer_ends")?,
    })
}

/// Proof that the caller runs this workshop: its owner, or an administrator. Only
/// [`require_owner`] makes one.
#[derive(Debug)]
pub struct Owner {
    workshop: WorkshopRow,
}

impl Owner {
    pub fn workshop(&self) -> &WorkshopRow {
        &self.workshop
    }
}

/// The workshop's owner (or an administrator): `Unauthorized` for a visitor (before any
/// lookup), `NotFound` for no such workshop, `Forbidden` for anyone else.
pub async fn require_owner(db: &Db, workshop_id: &str) -> Result<Owner, AppError> {
    let user = require_user().await?;
    let workshop = find_by_id(db, workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if workshop.owner_id == user.user_id || user.is_admin() {
        Ok(Owner { workshop })
    } else {
        Err(AppError::Forbidden)
    }
}

/// The workshop that `condition` (on `$1`) finds.
async fn find(db: &Db, condition: &str, value: &str) -> Result<Option<WorkshopRow>, AppError> {
    let row = sqlx::query(&format!(
        "select {WORKSHOP_COLUMNS} from workshop where {condition}"
    ))
    .bind(value)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(workshop_row).transpose()
}

pub async fn find_by_id(db: &Db, workshop_id: &str) -> Result<Option<WorkshopRow>, AppError> {
    find(db, "workshop_id = $1", workshop_id).await
}

/// How many are in the room.
pub async fn participant_count(db: &Db, workshop_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "select count(*) from workshop_participant where workshop_id = $1 and removed_at is null",
    )
    .bind(workshop_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The workshop a (normalised) join code opens, if any: never a template.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<WorkshopRow>, AppError> {
    find(db, "code = $1 and template = 0", code).await
}

const INSERT_WORKSHOP: &str =
    "insert into workshop (workshop_id, owner_id, title, language, code, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $6)";

/// Creates a workshop with a fresh join code; answers its id.
#[tracing::instrument(skip_all, fields(user = %by.user_id))]
pub async fn create(
    db: &Db,
    by: &SignedIn,
    title: &str,
    language: &str,
) -> Result<String, AppError> {
    let id = new_id();
    // Codes are short, so one may already be taken: draw again. Ten misses in a row would mean
    // the code space is nearly full, which is an operator's problem, not the user's.
    for _ in 0..10 {
        let now = now_ms();
        let written = db
            .run(
                INSERT_WORKSHOP,
                args![&id, &by.user_id, title, language, new_join_code(), now],
            )
            .await?;
        if !written.duplicate {
            return Ok(id);
        }
    }
    tracing::error!("no free workshop code after ten tries");
    Err(AppError::Internal)
}

/// A new workshop of `by` with the title, language, joining rules and agenda of the owner's
/// workshop, and a fresh code; nobody in it and nothing run. `template`: the copy is a
/// template. Answers its id.
#[tracing::instrument(skip_all, fields(user = %by.user_id))]
pub async fn copy(
    db: &Db,
    owner: &Owner,
    by: &SignedIn,
    template: bool,
) -> Result<String, AppError> {
    let w = owner.workshop();
    let agenda = activities(db, &w.workshop_id).await?;
    // As in `create`: a code already taken undoes the copy, which then draws again.
    for _ in 0..10 {
        let id = new_id();
        let row = args![
            &id,
            &by.user_id,
            &w.title,
            &w.language,
            new_join_code(),
            now_ms(),
            i64::from(w.joining_locked),
            i64::from(w.anonymous_allowed),
            i64::from(template)
        ];
        let agenda = agenda.clone();
        let copied = db
            .write(move |conn| {
                async move {
                    let mut insert = sqlx::query(
                        "insert into workshop (workshop_id, owner_id, title, language, code,
                            created_at, updated_at, joining_locked, anonymous_allowed, template)
                         values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
                    );
                    for arg in row {
                        insert = arg.bind_to(insert);
                    }
                    match insert.execute(&mut *conn).await {
                        Err(e)
                            if e.as_database_error()
                                .is_some_and(|d| d.is_unique_violation()) =>
                        {
                            return Ok(Outcome::Undo(None));
                        }
                        done => done?,
                    };
                    for (position, a) in (0i64..).zip(&agenda) {
                        insert_activity(conn, &id, position, &a.prompt, &a.settings).await?;
                    }
                    Ok(Outcome::Keep(Some(id)))
                }
                .boxed()
            })
            .await?;
        if let Some(id) = copied {
            return Ok(id);
        }
    }
    tracing::error!("no free workshop code after ten tries");
    Err(AppError::Internal)
}

/// A workshop inserted whole (the demo's).
pub struct Prepared {
    pub workshop_id: String,
    pub code: String,
    /// Its activities' ids, in the agenda's order.
    pub activities: Vec<String>,
}

/// Inserts a prepared workshop with its agenda through `conn` (the demo's transaction);
/// `template`: as a template.
pub async fn insert_prepared(
    conn: &mut sqlx::AnyConnection,
    owner_id: &str,
    title: &str,
    language: &str,
    agenda: &[(&str, Settings)],
    template: bool,
) -> Result<Prepared, AppError> {
    let (id, code, now) = (new_id(), new_join_code(), now_ms());
    sqlx::query(INSERT_WORKSHOP)
        .bind(&id)
        .bind(owner_id)
        .bind(title)
        .bind(language)
        .bind(&code)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if template {
        sqlx::query("update workshop set template = 1 where workshop_id = $1")
            .bind(&id)
            .execute(&mut *conn)
            .await?;
    }
    let mut activities = Vec::new();
    for (position, (prompt, settings)) in agenda.iter().enumerate() {
        activities.push(insert_activity(conn, &id, position as i64, prompt, settings).await?);
    }
    Ok(Prepared {
        workshop_id: id,
        code,
        activities,
    })
}

/// Seats a participant through `conn` (the demo's transaction); answers their id. Their token
/// is thrown away: nobody holds their seat.
pub async fn insert_participant(
    conn: &mut sqlx::AnyConnection,
    workshop_id: &str,
    nickname: Option<&str>,
) -> Result<String, AppError> {
    let id = new_id();
    sqlx::query(
        "insert into workshop_participant (participant_id, workshop_id, token_hash, nickname, joined_at)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(workshop_id)
    .bind(crate::identity::session::token_hash(&crate::identity::session::new_token()))
    .bind(nickname)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

/// The workshops a person runs (all of them for an administrator), newest first.
pub async fn owned(db: &Db, me: &SignedIn) -> Result<Vec<WorkshopSummary>, AppError> {
    let rows = sqlx::query(
        "select w.workshop_id, w.title, w.code, w.template,
                (select count(*) from workshop_activity a where a.workshop_id = w.workshop_id) as activities,
                (select count(*) from workshop_participant p
                  where p.workshop_id = w.workshop_id and p.removed_at is null) as participants
         from workshop w where w.owner_id = $1 or $2 = 1 order by w.created_at desc",
    )
    .bind(&me.user_id)
    .bind(i64::from(me.is_admin()))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(WorkshopSummary {
                workshop_id: r.try_get("workshop_id")?,
                title: r.try_get("title")?,
                code: r.try_get("code")?,
                activities: r.try_get("activities")?,
                participants: r.try_get("participants")?,
                template: r.try_get::<i64, _>("template")? != 0,
            })
        })
        .collect()
}

/// The whole workshop, for its owner: agenda in order, and who is in the room.
pub async fn workshop(db: &Db, owner: &Owner, join_url: String) -> Result<Workshop, AppError> {
    let w = owner.workshop();
    let participants = participants(db, &w.workshop_id).await?;
    let activities = activities(db, &w.workshop_id).await?;
    Ok(Workshop {
        workshop_id: w.workshop_id.clone(),
        title: w.title.clone(),
        language: w.language.clone(),
        code: w.code.clone(),
        joining_locked: w.joining_locked,
        anonymous_allowed: w.anonymous_allowed,
        template: w.template,
        stage: super::stage::Stage::new(
            &w.title,
            &w.code,
            join_url,
            participants.len() as i64,
            &activities,
            &super::event_store::live(db, &w.workshop_id).await?,
            now_ms(),
        ),
        activities,
        participants,
    })
}

/// Who is in the workshop (not who was sent out), in the order they joined.
pub async fn participants(db: &Db, workshop_id: &str) -> Result<Vec<Participant>, AppError> {
    sqlx::query(
        "select participant_id, nickname, joined_at from workshop_participant
         where workshop_id = $1 and removed_at is null order by joined_at",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Participant {
            participant_id: r.try_get("participant_id")?,
            nickname: r.try_get("nickname")?,
            joined_at: r.try_get("joined_at")?,
        })
    })
    .collect()
}

fn activity_row(r: &AnyRow) -> Result<Activity, AppError> {
    let settings: String = r.try_get("settings")?;
    Ok(Activity {
        activity_id: r.try_get("activity_id")?,
        prompt: r.try_get("prompt")?,
        settings: serde_json::from_str(&settings)
            .map_err(|_| bad_value("workshop_activity.settings", &settings))?,
    })
}

pub async fn activities(db: &Db, workshop_id: &str) -> Result<Vec<Activity>, AppError> {
    sqlx::query(
        "select activity_id, prompt, settings from workshop_activity
         where workshop_id = $1 order by position",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(activity_row)
    .collect()
}

/// The activity with this id in the workshop's agenda, if there is one.
pub async fn activity(
    db: &Db,
    workshop_id: &str,
    activity_id: &str,
) -> Result<Option<Activity>, AppError> {
    sqlx::query(
        "select activity_id, prompt, settings from workshop_activity
         where workshop_id = $1 and activity_id = $2",
    )
    .bind(workshop_id)
    .bind(activity_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(activity_row)
    .transpose()
}

/// Adds an activity at the end of the agenda; refused once the agenda holds
/// [`ACTIVITIES_MAX`].
pub async fn add_activity(
    db: &Db,
    owner: &Owner,
    prompt: String,
    settings: &Settings,
) -> Result<(), AppError> {
    let workshop_id = owner.workshop().workshop_id.clone();
    let settings = settings.clone();
    db.write(move |conn| {
        async move {
            let (count, last): (i64, Option<i64>) = sqlx::query_as(
                "select count(*), max(position) from workshop_activity where workshop_id = $1",
            )
            .bind(&workshop_id)
            .fetch_one(&mut *conn)
            .await?;
            if count >= ACTIVITIES_MAX as i64 {
                return Err(AppError::field(
                    "kind",
                    Problem::TooManyChoices {
                        max: ACTIVITIES_MAX,
                    },
                ));
            }
            let position = last.map_or(0, |p| p + 1);
            insert_activity(conn, &workshop_id, position, &prompt, &settings).await?;
            touch(conn, &workshop_id).await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}

/// Stores an activity at `position`; the `kind` column repeats the settings' tag, so that SQL
/// can count activities by kind. Answers its id.
async fn insert_activity(
    conn: &mut sqlx::AnyConnection,
    workshop_id: &str,
    position: i64,
    prompt: &str,
    settings: &Settings,
) -> Result<String, AppError> {
    let id = new_id();
    sqlx::query(
        "insert into workshop_activity (activity_id, workshop_id, position, kind, prompt, settings)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(workshop_id)
    .bind(position)
    .bind(settings.kind())
    .bind(prompt)
    .bind(serde_json::to_string(settings).map_err(|_| AppError::Internal)?)
    .execute(conn)
    .await?;
    Ok(id)
}

async fn touch(conn: &mut sqlx::AnyConnection, workshop_id: &str) -> Result<(), AppError> {
    sqlx::query("update workshop set updated_at = $1 where workshop_id = $2")
        .bind(now_ms())
        .bind(workshop_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Swaps an activity with its neighbour before (`up`) or after it. At either end of the
/// agenda it stays where it is. `NotFound` when the activity is not in this workshop.
pub async fn move_activity(
    db: &Db,
    owner: &Owner,
    activity_id: &str,
    up: bool,
) -> Result<(), AppError> {
    let workshop_id = owner.workshop().workshop_id.clone();
    let activity_id = activity_id.to_owned();
    db.write(move |conn| {
        async move {
            let position: Option<i64> = sqlx::query_scalar(
                "select position from workshop_activity where activity_id = $1 and workshop_id = $2",
            )
            .bind(&activity_id)
            .bind(&workshop_id)
            .fetch_optional(&mut *conn)
            .await?;
            let position = position.ok_or(AppError::NotFound)?;
            let neighbour = if up {
                "select activity_id, position from workshop_activity
                 where workshop_id = $1 and position < $2 order by position desc limit 1"
            } else {
                "select activity_id, position from workshop_activity
                 where workshop_id = $1 and position > $2 order by position limit 1"
            };
            let neighbour: Option<(String, i64)> = sqlx::query_as(neighbour)
                .bind(&workshop_id)
                .bind(position)
                .fetch_optional(&mut *conn)
                .await?;
            let Some((other_id, other_position)) = neighbour else {
                return Ok(Outcome::Keep(()));
            };
            for (id, to) in [(&activity_id, other_position), (&other_id, position)] {
                sqlx::query("update workshop_activity set position = $1 where activity_id = $2")
                    .bind(to)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            touch(conn, &workshop_id).await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}

/// Takes an activity off the agenda. `NotFound` when it is not in this workshop.
pub async fn remove_activity(db: &Db, owner: &Owner, activity_id: &str) -> Result<(), AppError> {
    let written = db
        .run(
            "delete from workshop_activity where activity_id = $1 and workshop_id = $2",
            args![activity_id, &owner.workshop().workshop_id],
        )
        .await?;
    if written.rows == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Who may join: `locked` closes the workshop to newcomers (who joined stays in);
/// `anonymous` lets people join without a nickname.
pub async fn set_joining(
    db: &Db,
    owner: &Owner,
    locked: bool,
    anonymous: bool,
) -> Result<(), AppError> {
    db.run(
        "update workshop set joining_locked = $1, anonymous_allowed = $2, updated_at = $3
         where workshop_id = $4",
        args![
            i64::from(locked),
            i64::from(anonymous),
            now_ms(),
            &owner.workshop().workshop_id
        ],
    )
    .await?;
    Ok(())
}

/// What a participant's token says about them in one workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seat {
    /// In the room, with their nickname (`None`: anonymous).
    In {
        participant_id: String,
        nickname: Option<String>,
    },
    /// The facilitator removed them.
    Removed,
}

/// The seat a token's hash holds in a workshop, if any.
pub async fn seat(db: &Db, workshop_id: &str, token_hash: &str) -> Result<Option<Seat>, AppError> {
    let row = sqlx::query(
        "select participant_id, nickname, removed_at from workshop_participant
         where token_hash = $1 and workshop_id = $2",
    )
    .bind(token_hash)
    .bind(workshop_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let removed: Option<i64> = r.try_get("removed_at")?;
        Ok(match removed {
            Some(_) => Seat::Removed,
            None => Seat::In {
                participant_id: r.try_get("participant_id")?,
                nickname: r.try_get("nickname")?,
            },
        })
    })
    .transpose()
}

/// Seats a newcomer, or renames who holds the token already.
pub async fn join(
    db: &Db,
    workshop_id: &str,
    token_hash: &str,
    nickname: Option<&str>,
) -> Result<(), AppError> {
    db.run(
        "insert into workshop_participant (participant_id, workshop_id, token_hash, nickname, joined_at)
         values ($1, $2, $3, $4, $5)
         on conflict (token_hash) do update set nickname = excluded.nickname
         where workshop_participant.workshop_id = excluded.workshop_id
           and workshop_participant.removed_at is null",
        args![new_id(), workshop_id, token_hash, nickname, now_ms()],
    )
    .await?;
    Ok(())
}
