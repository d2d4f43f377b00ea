//! The events of running workshops: numbered by the workshop's sequence in the statement that
//! checks them, stored, and read back in order to fold (see [`super::run`]).

use super::activities::delphi::Panel;
use super::activities::ideas::Wall;
use super::activities::questions::Board;
use super::run::{Answer, Event, Live};
use crate::db::{bad_value, now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use futures::FutureExt;
use sqlx::Row;

const INSERT_EVENT: &str = "insert into workshop_event
     (workshop_id, seq, command_id, participant_id, activity_id, body, at)
     values ($1, $2, $3, $4, $5, $6, $7)";

/// The statement that numbers an event, and checks it against the workshop's row: `$1` the
/// workshop, then the event's own values.
fn numbering(event: &Event) -> &'static str {
    match event {
        Event::Show { .. } => {
            "update workshop set last_seq = last_seq + 1, current_activity = $2, timer_ends = null,
               answers_open = coalesce(
                 (select 1 - revealed from workshop_activity where activity_id = $2), 0)
             where workshop_id = $1 returning last_seq"
        }
        Event::SetOpen { .. } => {
            "update workshop set last_seq = last_seq + 1, answers_open = $2
             where workshop_id = $1 and current_activity is not null returning last_seq"
        }
        Event::Reveal { .. } => {
            "update workshop set last_seq = last_seq + 1, answers_open = 0
             where workshop_id = $1 and current_activity = $2 returning last_seq"
        }
        Event::Remove { .. } => {
            "update workshop set last_seq = last_seq + 1 where workshop_id = $1 returning last_seq"
        }
        Event::Timer { .. } => {
            "update workshop set last_seq = last_seq + 1, timer_ends = $2
             where workshop_id = $1 and current_activity = $3 returning last_seq"
        }
        // A new round opens the shown Delphi activity for ratings.
        Event::Round { .. } => {
            "update workshop set last_seq = last_seq + 1, answers_open = 1
             where workshop_id = $1 and current_activity = $2 returning last_seq"
        }
        Event::Answer { .. }
        | Event::Ask { .. }
        | Event::Vote { .. }
        | Event::Post { .. }
        | Event::Dot { .. } => {
            "update workshop set last_seq = last_seq + 1
             where workshop_id = $1 and current_activity = $2 and answers_open = 1
             returning last_seq"
        }
        Event::Moderate { .. }
        | Event::Voting { .. }
        | Event::Cluster { .. }
        | Event::Group { .. }
        | Event::Merge { .. }
        | Event::Hide { .. }
        | Event::Seat { .. }
        | Event::Rotate { .. }
        | Event::Harvest { .. } => {
            "update workshop set last_seq = last_seq + 1 where workshop_id = $1 returning last_seq"
        }
    }
}

/// Whom an event is about, as stored beside it: the participant who answered, and the
/// activity.
fn subjects(event: &Event) -> (Option<String>, Option<String>) {
    match event {
        // A dot, like an answer, changes only its sender's screen until the reveal.
        Event::Answer {
            participant,
            activity,
            ..
        }
        | Event::Dot {
            participant,
            activity,
            ..
        } => (Some(participant.clone()), Some(activity.clone())),
        Event::Show { activity } => (None, activity.clone()),
        Event::Reveal { activity } | Event::Round { activity, .. } => {
            (None, Some(activity.clone()))
        }
        // Stored as a facilitator's command (no participant): it changes the screens, and the
        // one sent out learns of it.
        Event::Timer { activity, .. } => (None, Some(activity.clone())),
        Event::SetOpen { .. } | Event::Remove { .. } => (None, None),
        // Questions, upvotes and their moderation change every screen, so they are stored as
        // the screens' changes are (no participant beside them; the event names the asker).
        Event::Ask { activity, .. }
        | Event::Vote { activity, .. }
        | Event::Moderate { activity, .. }
        | Event::Post { activity, .. }
        | Event::Voting { activity, .. }
        | Event::Cluster { activity, .. }
        | Event::Group { activity, .. }
        | Event::Merge { activity, .. }
        | Event::Hide { activity, .. }
        | Event::Seat { activity, .. }
        | Event::Rotate { activity }
        | Event::Harvest { activity } => (None, Some(activity.clone())),
    }
}

/// Where an event was numbered.
pub struct Appended {
    pub seq: i64,
    /// The command id had been counted already: nothing new was stored.
    pub repeated: bool,
}

/// Numbers and stores an event in one transaction. The workshop's row is updated first, in the
/// statement that checks the event against it: an answer is refused (`ActivityClosed`) unless
/// its activity is the one shown and open; showing an activity opens it; closing or opening
/// needs an activity shown. A command id seen before answers the event it was counted as.
pub async fn append(
    db: &Db,
    workshop_id: &str,
    command_id: &str,
    event: Event,
) -> Result<Appended, AppError> {
    let (workshop_id, command_id) = (workshop_id.to_owned(), command_id.to_owned());
    let engine = db.engine;
    db.write(move |conn| {
        async move {
            let (participant, activity) = subjects(&event);
            let query = sqlx::query_scalar(numbering(&event)).bind(&workshop_id);
            let numbered: Option<i64> = match &event {
                Event::Show { activity } => query.bind(activity.clone()),
                Event::SetOpen { open } => query.bind(i64::from(*open)),
                Event::Reveal { activity }
                | Event::Answer { activity, .. }
                | Event::Ask { activity, .. }
                | Event::Vote { activity, .. }
                | Event::Post { activity, .. }
                | Event::Dot { activity, .. }
                | Event::Round { activity, .. } => query.bind(activity.clone()),
                Event::Moderate { .. }
                | Event::Remove { .. }
                | Event::Voting { .. }
                | Event::Cluster { .. }
                | Event::Group { .. }
                | Event::Merge { .. }
                | Event::Hide { .. }
                | Event::Seat { .. }
                | Event::Rotate { .. }
                | Event::Harvest { .. } => query,
                Event::Timer { activity, ends_at } => query.bind(*ends_at).bind(activity.clone()),
            }
            .fetch_optional(&mut *conn)
            .await?;
            let Some(seq) = numbered else {
                return match counted(conn, &workshop_id, &command_id).await? {
                    Some(seq) => Ok(Outcome::Undo(Appended {
                        seq,
                        repeated: true,
                    })),
                    None => Err(AppError::field("activity", Problem::ActivityClosed)),
                };
            };
            let body = serde_json::to_string(&event).map_err(|_| AppError::Internal)?;
            let stored = sqlx::query(&format!(
                "{INSERT_EVENT} on conflict (workshop_id, command_id) do nothing"
            ))
            .bind(&workshop_id)
            .bind(seq)
            .bind(&command_id)
            .bind(participant)
            .bind(activity)
            .bind(body)
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
            // Sent out in the transaction of the event that drops their answers: the seat and
            // the results never disagree.
            if let Event::Remove { participant } = &event {
                let sent_out = sqlx::query(
                    "update workshop_participant set removed_at = $1
                     where participant_id = $2 and workshop_id = $3 and removed_at is null",
                )
                .bind(now_ms())
                .bind(participant)
                .bind(&workshop_id)
                .execute(&mut *conn)
                .await?;
                if sent_out.rows_affected() == 0 {
                    return Err(AppError::NotFound);
                }
            }
            if let Event::Reveal { activity } = &event {
                sqlx::query(
                    "update workshop_activity set revealed = 1
                     where activity_id = $1 and workshop_id = $2",
                )
                .bind(activity)
                .bind(&workshop_id)
                .execute(&mut *conn)
                .await?;
            }
            if stored.rows_affected() == 0 {
                let seq = counted(conn, &workshop_id, &command_id)
                    .await?
                    .ok_or(AppError::Internal)?;
                return Ok(Outcome::Undo(Appended {
                    seq,
                    repeated: true,
                }));
            }
            let notice = format!("{workshop_id} {seq} {}", u8::from(event.changes_screens()));
            super::live::announce(conn, engine, &notice).await?;
            Ok(Outcome::Keep(Appended {
                seq,
                repeated: false,
            }))
        }
        .boxed()
    })
    .await
}

/// Numbers and stores an event (see [`append`]), then beats the screens of this process it
/// changes.
pub async fn record(
    db: &Db,
    workshop_id: &str,
    command_id: &str,
    event: Event,
) -> Result<Appended, AppError> {
    let screens = event.changes_screens();
    let stored = append(db, workshop_id, command_id, event).await?;
    if !stored.repeated {
        crate::ssr::context()?
            .hub
            .event(workshop_id, stored.seq, screens);
    }
    Ok(stored)
}

async fn counted(
    conn: &mut sqlx::AnyConnection,
    workshop_id: &str,
    command_id: &str,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "select seq from workshop_event where workshop_id = $1 and command_id = $2",
    )
    .bind(workshop_id)
    .bind(command_id)
    .fetch_optional(&mut *conn)
    .await?)
}

fn event_of(body: &str) -> Result<Event, AppError> {
    serde_json::from_str(body).map_err(|_| bad_value("workshop_event.body", body))
}

/// The events after `seq`, in order, at most `limit`.
pub async fn since(
    db: &Db,
    workshop_id: &str,
    seq: i64,
    limit: i64,
) -> Result<Vec<(i64, Event)>, AppError> {
    sqlx::query(
        "select seq, body from workshop_event where workshop_id = $1 and seq > $2
         order by seq limit $3",
    )
    .bind(workshop_id)
    .bind(seq)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("seq")?,
            event_of(&r.try_get::<String, _>("body")?)?,
        ))
    })
    .collect()
}

/// The workshop's state after all its events.
pub async fn live(db: &Db, workshop_id: &str) -> Result<Live, AppError> {
    let mut live = Live::default();
    for (seq, event) in since(db, workshop_id, 0, i64::MAX).await? {
        live.apply(seq, &event);
    }
    Ok(live)
}

/// The latest answer of `participant` to an activity.
pub async fn answer_of(
    db: &Db,
    workshop_id: &str,
    activity_id: &str,
    participant: &str,
) -> Result<Option<Answer>, AppError> {
    let body: Option<String> = sqlx::query_scalar(
        "select body from workshop_event
         where workshop_id = $1 and activity_id = $2 and participant_id = $3
         order by seq desc limit 1",
    )
    .bind(workshop_id)
    .bind(activity_id)
    .bind(participant)
    .fetch_optional(&db.pool)
    .await?;
    Ok(match body.as_deref().map(event_of).transpose()? {
        Some(Event::Answer { answer, .. }) => Some(answer),
        _ => None,
    })
}

/// Everyone's latest answer to one activity, but theirs who were sent out.
pub async fn answers(
    db: &Db,
    workshop_id: &str,
    activity_id: &str,
) -> Result<Vec<Answer>, AppError> {
    let rows = sqlx::query(
        "select e.participant_id, e.body from workshop_event e
         join workshop_participant p on p.participant_id = e.participant_id
         where e.workshop_id = $1 and e.activity_id = $2 and p.removed_at is null
         order by e.seq",
    )
    .bind(workshop_id)
    .bind(activity_id)
    .fetch_all(&db.pool)
    .await?;
    let mut latest = std::collections::BTreeMap::new();
    for r in &rows {
        let who: String = r.try_get("participant_id")?;
        if let Event::Answer { answer, .. } = event_of(&r.try_get::<String, _>("body")?)? {
            latest.insert(who, answer);
        }
    }
    Ok(latest.into_values().collect())
}

/// The events of one activity of questions and answers, or of one board of notes, and the
/// workshop's removals, in order.
async fn board_events(
    db: &Db,
    workshop_id: &str,
    activity_id: &str,
) -> Result<Vec<Event>, AppError> {
    sqlx::query(
        "select body from workshop_event
         where workshop_id = $1
           and (activity_id = $2 or (activity_id is null and participant_id is null))
         order by seq",
    )
    .bind(workshop_id)
    .bind(activity_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| event_of(&r.try_get::<String, _>("body")?))
    .collect()
}

/// The questions of one activity of questions and answers.
pub async fn board(db: &Db, workshop_id: &str, activity_id: &str) -> Result<Board, AppError> {
    let mut board = Board::default();
    for event in board_events(db, workshop_id, activity_id).await? {
        board.apply(&event);
    }
    Ok(board)
}

/// The rounds of one Delphi activity.
pub async fn panel(db: &Db, workshop_id: &str, activity_id: &str) -> Result<Panel, AppError> {
    let mut panel = Panel::default();
    for event in board_events(db, workshop_id, activity_id).await? {
        panel.apply(&event);
    }
    Ok(panel)
}

/// The notes of one ideas or SWOT board.
pub async fn wall(db: &Db, workshop_id: &str, activity_id: &str) -> Result<Wall, AppError> {
    let mut wall = Wall::default();
    for event in board_events(db, workshop_id, activity_id).await? {
        wall.apply(&event);
    }
    Ok(wall)
}

/// Whether the facilitator revealed the results of this activity.
pub async fn revealed(db: &Db, activity_id: &str) -> Result<bool, AppError> {
    let revealed: Option<i64> =
        sqlx::query_scalar("select revealed from workshop_activity where activity_id = $1")
            .bind(activity_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(revealed.unwrap_or(0) != 0)
}

/// The workshop's last sequence number, and the last that changed what participants see (a
/// facilitator's command).
pub async fn heads(db: &Db, workshop_id: &str) -> Result<(i64, i64), AppError> {
    let row = sqlx::query(
        "select w.last_seq,
                (select max(e.seq) from workshop_event e
                  where e.workshop_id = w.workshop_id and e.participant_id is null) as screen_seq
         from workshop w where w.workshop_id = $1",
    )
    .bind(workshop_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        row.try_get("last_seq")?,
        row.try_get::<Option<i64>, _>("screen_seq")?.unwrap_or(0),
    ))
}

/// Stores a whole run through `conn` (the demo's transaction): the events numbered from 1, and
/// the workshop's row and revealed activities as the events leave them.
pub async fn insert_history(
    conn: &mut sqlx::AnyConnection,
    workshop_id: &str,
    events: &[Event],
) -> Result<(), AppError> {
    let mut live = Live::default();
    for (seq, event) in (1i64..).zip(events) {
        let (participant, activity) = subjects(event);
        sqlx::query(INSERT_EVENT)
            .bind(workshop_id)
            .bind(seq)
            .bind(crate::db::new_id())
            .bind(participant)
            .bind(activity)
            .bind(serde_json::to_string(event).map_err(|_| AppError::Internal)?)
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
        live.apply(seq, event);
    }
    sqlx::query(
        "update workshop set last_seq = $1, current_activity = $2, answers_open = $3,
           timer_ends = $4
         where workshop_id = $5",
    )
    .bind(live.seq)
    .bind(live.current.clone())
    .bind(i64::from(live.open))
    .bind(live.timer_ends)
    .bind(workshop_id)
    .execute(&mut *conn)
    .await?;
    for activity in &live.revealed {
        sqlx::query("update workshop_activity set revealed = 1 where activity_id = $1")
            .bind(activity)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
