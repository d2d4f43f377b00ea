//! Server functions for workshops: a facilitator prepares one (title, language, agenda) and
//! decides who may join; participants join by its code, with no account.

// `add_activity` takes one argument per field of the agenda form, which posts as it is
// without JavaScript; the lint cannot be allowed on the items its macro generates alone.
#![allow(clippy::too_many_arguments)]

use super::model::{Room, Workshop, WorkshopSummary};
use super::stage::Stage;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use {
    super::activities::delphi::ROUNDS_MAX,
    super::agenda_form::{parse_activity, timer_seconds, ActivityForm},
    super::event_store,
    super::model::{is_join_code, Settings, CHOICES_MAX, TITLE_MAX},
    super::run::{Answer, Event, Results},
    super::stage::{shown_from, Row, Screen},
    super::store::{self, require_owner, Seat},
    super::tally::check_answer,
    crate::assessment::round::normalise_code,
    crate::db::new_id,
    crate::error::{Checks, Problem},
    crate::identity::session::{new_token, require_user, token_hash},
    crate::ssr,
    crate::text::bounded_text,
    crate::ui::parse_locale,
    leptos_i18n::Locale as _,
};

/// The most an answer's values may hold together, in bytes: a Delphi round's twelve reasons of
/// 200 letters fit, in any script.
#[cfg(feature = "ssr")]
const ANSWER_MAX: usize = 10_000;

/// How long a participant's cookie keeps them in a workshop: long enough to come back to a
/// workshop reopened weeks later.
#[cfg(feature = "ssr")]
const SEAT_SECONDS: i64 = 60 * 24 * 60 * 60;

/// The cookie that holds a participant's token for the workshop with this join code: one per
/// workshop, so that joining another one keeps the first.
#[cfg(feature = "ssr")]
pub(crate) fn seat_cookie(code: &str) -> String {
    format!("cp_seat_{code}")
}

/// The workshops the caller runs.
#[server(endpoint = "workshop/mine")]
pub async fn list_my_workshops() -> Result<Vec<WorkshopSummary>, AppError> {
    let me = require_user().await?;
    store::owned(&ssr::db()?, &me).await
}

/// Any signed-in person creates a workshop and runs it.
#[server(endpoint = "workshop/create")]
pub async fn create_workshop(title: String, language: String) -> Result<(), AppError> {
    let me = require_user().await?;
    let mut checks = Checks::default();
    checks.keep("title", &title);
    let title = checks.check("title", bounded_text(&title, TITLE_MAX));
    let language = checks.check("language", parse_locale(&language));
    checks.finish()?;
    let (Some(title), Some(language)) = (title, language) else {
        return Err(AppError::Internal);
    };
    let id = store::create(&ssr::db()?, &me, &title, language.as_str()).await?;
    leptos_axum::redirect(&format!("/workshops/{id}"));
    Ok(())
}

/// Starts a new workshop of the caller's from one they run (a past workshop, or a template):
/// the same title, language, joining rules and agenda, with a fresh code and nobody in it.
/// `template`: the copy is kept as a template instead, to start workshops from later.
#[server(endpoint = "workshop/copy")]
pub async fn copy_workshop(
    workshop_id: String,
    #[server(default)] template: Option<String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let me = require_user().await?;
    let id = store::copy(&db, &owner, &me, template.is_some()).await?;
    leptos_axum::redirect(&format!("/workshops/{id}"));
    Ok(())
}

/// The workshop with its agenda and participants, for whoever runs it.
#[server(endpoint = "workshop/get")]
pub async fn get_workshop(workshop_id: String) -> Result<Workshop, AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let join_url = super::live::join_url(&ssr::context()?, &owner.workshop().code);
    store::workshop(&db, &owner, join_url).await
}

/// What the presenter's screen shows now, for whoever runs the workshop.
#[server(endpoint = "workshop/stage")]
pub async fn get_stage(workshop_id: String) -> Result<Stage, AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let w = owner.workshop();
    let join_url = super::live::join_url(&ssr::context()?, &w.code);
    Ok(Stage::new(
        &w.title,
        &w.code,
        join_url,
        store::participant_count(&db, &w.workshop_id).await?,
        &store::activities(&db, &w.workshop_id).await?,
        &event_store::live(&db, &w.workshop_id).await?,
        crate::db::now_ms(),
    ))
}

/// Adds an activity at the end of the agenda. The fields that count depend on `kind`
/// (see [`super::agenda_form::parse_activity`]).
#[server(endpoint = "workshop/add_activity")]
pub async fn add_activity(
    workshop_id: String,
    kind: String,
    prompt: String,
    #[server(default)] lines: String,
    #[server(default)] multiple: Option<String>,
    #[server(default)] anonymous: Option<String>,
    #[server(default)] moderated: Option<String>,
    #[server(default)] correct: String,
    #[server(default)] scale: String,
    #[server(default)] per_person: String,
    #[server(default)] minutes: String,
    #[server(default)] dots: String,
    #[server(default)] stacking: Option<String>,
    #[server(default)] x_axis: String,
    #[server(default)] y_axis: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let mut checks = Checks::default();
    for (name, typed) in [
        ("prompt", &prompt),
        ("lines", &lines),
        ("correct", &correct),
        ("per_person", &per_person),
        ("minutes", &minutes),
        ("dots", &dots),
        ("x_axis", &x_axis),
        ("y_axis", &y_axis),
    ] {
        checks.keep(name, typed);
    }
    let form = ActivityForm {
        kind: &kind,
        prompt: &prompt,
        lines: &lines,
        multiple: multiple.is_some(),
        anonymous: anonymous.is_some(),
        moderated: moderated.is_some(),
        correct: &correct,
        scale: &scale,
        per_person: &per_person,
        minutes: &minutes,
        dots: &dots,
        stacking: stacking.is_some(),
        x_axis: &x_axis,
        y_axis: &y_axis,
    };
    let activity = parse_activity(&form, &mut checks);
    checks.finish()?;
    let (prompt, settings) = activity.ok_or(AppError::Internal)?;
    store::add_activity(&db, &owner, prompt, &settings).await
}

/// Moves an activity one place earlier (`direction` = `up`) or later (`down`).
#[server(endpoint = "workshop/move_activity")]
pub async fn move_activity(
    workshop_id: String,
    activity_id: String,
    direction: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::field("direction", Problem::UnknownChoice)),
    };
    store::move_activity(&db, &owner, &activity_id, up).await
}

#[server(endpoint = "workshop/remove_activity")]
pub async fn remove_activity(workshop_id: String, activity_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::remove_activity(&db, &owner, &activity_id).await
}

/// Locks or unlocks joining, and allows or forbids joining without a nickname (checkboxes:
/// present means on).
#[server(endpoint = "workshop/set_joining")]
pub async fn set_joining(
    workshop_id: String,
    #[server(default)] locked: Option<String>,
    #[server(default)] anonymous: Option<String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    store::set_joining(&db, &owner, locked.is_some(), anonymous.is_some()).await
}

#[server(endpoint = "workshop/remove_participant")]
pub async fn remove_participant(
    workshop_id: String,
    participant_id: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    // One event sends them out (their cookie no longer opens the room) and drops their answers
    // from the presenters' fold; their own screen learns of it. `NotFound` when they are not
    // in this workshop.
    let event = Event::Remove {
        participant: participant_id,
    };
    let stored = event_store::append(&db, &owner.workshop().workshop_id, &new_id(), event).await?;
    let context = ssr::context()?;
    context.hub.event(&workshop_id, stored.seq, true);
    context.hub.people_changed(&db, &workshop_id).await?;
    Ok(())
}

/// Who sends a command from their screen: the workshop, their seat, and the command's id as
/// stored.
#[cfg(feature = "ssr")]
pub(super) struct Participant {
    pub workshop: store::WorkshopRow,
    pub participant_id: String,
    pub nickname: Option<String>,
    /// The screen's command id, prefixed with the participant's: nobody can spend another's.
    pub command_id: String,
}

/// The participant this browser is in the workshop of `code`, once their command is within
/// their limit and its id (`command_id`, the screen's) well formed.
#[cfg(feature = "ssr")]
pub(super) async fn participant(
    db: &crate::db::Db,
    context: &ssr::ServerContext,
    code: &str,
    command_id: &str,
) -> Result<Participant, AppError> {
    let workshop = by_typed_code(db, code).await?.ok_or(AppError::NotFound)?;
    let Some(Seat::In {
        participant_id,
        nickname,
    }) = held_seat(db, &workshop).await?.1
    else {
        return Err(AppError::Forbidden);
    };
    if !context.hub.answer_allowed(&participant_id) {
        return Err(AppError::RateLimited);
    }
    if command_id.is_empty()
        || command_id.len() > 64
        || !command_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(AppError::field("command_id", Problem::UnknownChoice));
    }
    Ok(Participant {
        command_id: format!("{participant_id}:{command_id}"),
        workshop,
        participant_id,
        nickname,
    })
}

/// The workshop a code as typed opens, if any.
#[cfg(feature = "ssr")]
async fn by_typed_code(
    db: &crate::db::Db,
    typed: &str,
) -> Result<Option<store::WorkshopRow>, AppError> {
    let code = normalise_code(typed);
    if !is_join_code(&code) {
        return Ok(None);
    }
    store::by_code(db, &code).await
}

/// The token this browser holds for a workshop, and the seat it holds (none when it holds no
/// token, or one the workshop does not know).
#[cfg(feature = "ssr")]
async fn held_seat(
    db: &crate::db::Db,
    workshop: &store::WorkshopRow,
) -> Result<(Option<String>, Option<Seat>), AppError> {
    let Some(token) = ssr::cookie_value(&seat_cookie(&workshop.code)) else {
        return Ok((None, None));
    };
    let seat = store::seat(db, &workshop.workshop_id, &token_hash(&token)).await?;
    Ok((Some(token), seat))
}

/// The workshop a join code opens, and whether the visitor is in it. `NotFound` for a code
/// that opens nothing; a removed participant is `Forbidden`.
#[server(endpoint = "workshop/room")]
pub async fn open_room(code: String) -> Result<Room, AppError> {
    let db = ssr::db()?;
    let workshop = by_typed_code(&db, &code).await?.ok_or(AppError::NotFound)?;
    let (screen, nickname) = match held_seat(&db, &workshop).await?.1 {
        Some(Seat::Removed) => return Err(AppError::Forbidden),
        Some(Seat::In {
            participant_id,
            nickname,
        }) => (
            Some(screen(&db, &workshop, &participant_id).await?),
            nickname,
        ),
        None => (None, None),
    };
    Ok(Room {
        title: workshop.title,
        code: workshop.code,
        joining_locked: workshop.joining_locked,
        anonymous_allowed: workshop.anonymous_allowed,
        joined: screen.is_some(),
        nickname,
        screen,
    })
}

/// Joins the workshop with this code under a nickname (empty: anonymously, where allowed),
/// or changes the nickname of who joined already. The participant's token stays in a cookie
/// of this browser, so a reload or a lost connection keeps who they are. Joining counts
/// against the client address's limit, so codes cannot be tried one after another.
#[server(endpoint = "workshop/join")]
pub async fn join_workshop(
    code: String,
    #[server(default)] nickname: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    ssr::context()?.limits.attempt(ssr::client_ip(), None)?;
    let typed = (code.clone(), nickname.clone());
    let keep = |e: AppError| e.keeping("code", &typed.0).keeping("nickname", &typed.1);
    let Some(workshop) = by_typed_code(&db, &code).await? else {
        return Err(keep(AppError::field("code", Problem::WrongCode)));
    };
    let (held, seat) = held_seat(&db, &workshop).await?;
    if seat == Some(Seat::Removed) {
        return Err(AppError::Forbidden);
    }
    if seat.is_none() && workshop.joining_locked {
        return Err(keep(AppError::field("code", Problem::JoiningLocked)));
    }
    let name = super::model::nickname(&nickname, workshop.anonymous_allowed)
        .map_err(|p| keep(AppError::field("nickname", p)))?;
    let token = match (held, seat) {
        (Some(token), Some(_)) => token,
        _ => new_token(),
    };
    store::join(
        &db,
        &workshop.workshop_id,
        &token_hash(&token),
        name.as_deref(),
    )
    .await?;
    ssr::set_cookie(&seat_cookie(&workshop.code), &token, SEAT_SECONDS, true);
    ssr::context()?
        .hub
        .people_changed(&db, &workshop.workshop_id)
        .await?;
    leptos_axum::redirect(&format!("/live/{}", workshop.code));
    Ok(())
}

/// A participant's screen: the activity shown, their answer to it, and its results once
/// revealed (everyone's answers are read only then).
#[cfg(feature = "ssr")]
async fn screen(
    db: &crate::db::Db,
    workshop: &store::WorkshopRow,
    participant: &str,
) -> Result<Screen, AppError> {
    let current = workshop.current_activity.as_deref();
    let (shown, mine, answers) = match current {
        None => (None, None, Vec::new()),
        Some(activity) => {
            let activities = store::activities(db, &workshop.workshop_id).await?;
            let revealed = event_store::revealed(db, activity).await?;
            let row = Row {
                current,
                open: workshop.answers_open,
                revealed,
                timer_ends: workshop.timer_ends,
            };
            let shown = shown_from(&activities, row, crate::db::now_ms());
            let id = &workshop.workshop_id;
            let mine = event_store::answer_of(db, id, activity, participant).await?;
            let answers = if revealed {
                event_store::answers(db, id, activity).await?
            } else {
                Vec::new()
            };
            (shown, mine, answers)
        }
    };
    let mut screen = Screen::new(workshop.last_seq, shown, mine, &answers, new_id());
    if let Some(shown) = &screen.shown {
        let id = &shown.activity.activity_id;
        if let Settings::Questions { .. } = shown.activity.settings {
            let board = event_store::board(db, &workshop.workshop_id, id).await?;
            screen.results = Some(Results::Questions {
                questions: board.lines(Some(participant)),
            });
        } else if let Settings::Delphi { .. } = shown.activity.settings {
            let panel = event_store::panel(db, &workshop.workshop_id, id).await?;
            // Counted is what they rated in the round under way, not in an earlier one.
            screen.mine = panel
                .rating(participant, panel.round)
                .map(|rated| Answer::Delphi {
                    rated: rated.clone(),
                });
            screen.results =
                Some(panel.results(&shown.activity.settings, shown.revealed, Some(participant)));
        } else if shown.activity.settings.budget().is_some() {
            let wall = event_store::wall(db, &workshop.workshop_id, id).await?;
            screen.results = Some(Results::Ideas {
                sheet: wall.sheet(Some(participant), shown.revealed),
            });
        }
    }
    Ok(screen)
}

/// The facilitator runs the workshop: `show` an activity on every screen (`activity_id`; none:
/// the waiting screen), `open` or `close` the shown one for answers, `reveal` its results to the
/// room, start a `timer` of `minutes` (`5`, `1:30`) for it on every screen, or `stop_timer`;
/// start the shown Delphi activity's next `round`.
#[server(endpoint = "workshop/control")]
pub async fn control_workshop(
    workshop_id: String,
    action: String,
    #[server(default)] activity_id: String,
    #[server(default)] minutes: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let w = owner.workshop();
    if w.template {
        return Err(AppError::field("action", Problem::TemplateNotRun));
    }
    let shown = || {
        w.current_activity
            .clone()
            .ok_or_else(|| AppError::field("action", Problem::ActivityClosed))
    };
    let event = match action.as_str() {
        "show" if activity_id.is_empty() => Event::Show { activity: None },
        "show" => {
            let agenda = store::activities(&db, &w.workshop_id).await?;
            if !agenda.iter().any(|a| a.activity_id == activity_id) {
                return Err(AppError::NotFound);
            }
            Event::Show {
                activity: Some(activity_id),
            }
        }
        "open" | "close" => {
            shown()?;
            Event::SetOpen {
                open: action == "open",
            }
        }
        "reveal" => Event::Reveal { activity: shown()? },
        "timer" => {
            let activity = shown()?;
            let seconds = timer_seconds(&minutes)
                .map_err(|p| AppError::field("minutes", p).keeping("minutes", &minutes))?;
            Event::Timer {
                activity,
                ends_at: Some(crate::db::now_ms() + i64::from(seconds) * 1000),
            }
        }
        "stop_timer" => Event::Timer {
            activity: shown()?,
            ends_at: None,
        },
        "round" => {
            let activity = shown()?;
            let delphi = store::activity(&db, &w.workshop_id, &activity).await?;
            if !delphi.is_some_and(|a| matches!(a.settings, Settings::Delphi { .. })) {
                return Err(AppError::field("action", Problem::UnknownChoice));
            }
            let round = event_store::panel(&db, &w.workshop_id, &activity)
                .await?
                .round;
            if round >= ROUNDS_MAX {
                return Err(AppError::field(
                    "action",
                    Problem::TooManyChoices {
                        max: usize::from(ROUNDS_MAX),
                    },
                ));
            }
            Event::Round {
                activity,
                round: round + 1,
            }
        }
        _ => return Err(AppError::field("action", Problem::UnknownChoice)),
    };
    let stored = event_store::append(&db, &w.workshop_id, &new_id(), event).await?;
    ssr::context()?.hub.event(&w.workshop_id, stored.seq, true);
    Ok(())
}

/// A participant answers the activity shown, from the form of their screen: `values` holds
/// the chosen options' numbers (from 0), the score of each statement by its number, or the
/// words, one per line. A later answer replaces theirs; `command_id` (the screen's) makes a
/// retry count once. Refused when the activity is not shown or closed for answers.
#[server(endpoint = "workshop/answer")]
pub async fn answer_activity(
    code: String,
    activity_id: String,
    command_id: String,
    #[server(default)] values: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let context = ssr::context()?;
    let Participant {
        workshop,
        participant_id,
        command_id,
        ..
    } = participant(&db, &context, &code, &command_id).await?;
    // No form of a screen sends more; a bigger one is not read.
    if values.len() > 2 * CHOICES_MAX {
        return Err(AppError::field(
            "values",
            Problem::TooManyChoices {
                max: 2 * CHOICES_MAX,
            },
        ));
    }
    if values.values().map(String::len).sum::<usize>() > ANSWER_MAX {
        return Err(AppError::field(
            "values",
            Problem::TooLong { max: ANSWER_MAX },
        ));
    }
    let activity = store::activity(&db, &workshop.workshop_id, &activity_id)
        .await?
        .ok_or_else(|| AppError::field("activity", Problem::ActivityClosed))?;
    let typed: Vec<String> = match activity.settings.slots() {
        Some(slots) => (0..slots)
            .map(|n| values.get(&n.to_string()).cloned().unwrap_or_default())
            .collect(),
        None => values.into_values().collect(),
    };
    let answer = check_answer(&activity.settings, &typed).map_err(|p| {
        let error = AppError::field("values", p);
        match &activity.settings {
            Settings::WordCloud { .. } => error.keeping("values", &typed.join("\n")),
            _ => error,
        }
    })?;
    let event = Event::Answer {
        participant: participant_id,
        activity: activity_id,
        answer,
    };
    event_store::record(&db, &workshop.workshop_id, &command_id, event).await?;
    Ok(())
}
