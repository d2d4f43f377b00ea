//! The server functions of questions and answers: a participant asks and upvotes from their
//! screen, the facilitator moderates. Each is an event, numbered and stored like an answer, and
//! each changes every screen.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::activities::questions::{check_question, State, QUESTIONS_PER_PERSON},
    super::api::{participant, Participant},
    super::event_store,
    super::model::{Activity, Settings},
    super::run::Event,
    super::store::{self, require_owner},
    crate::db::new_id,
    crate::error::Problem,
    crate::ssr,
};

/// The activity of questions and answers with this id in the workshop's agenda, and whether
/// askers may leave their name off and questions wait for the facilitator.
#[cfg(feature = "ssr")]
async fn questions_activity(
    db: &crate::db::Db,
    workshop_id: &str,
    activity_id: &str,
) -> Result<(Activity, bool, bool), AppError> {
    let activity = store::activity(db, workshop_id, activity_id)
        .await?
        .ok_or_else(|| AppError::field("activity", Problem::ActivityClosed))?;
    match activity.settings {
        Settings::Questions {
            anonymous,
            moderated,
        } => Ok((activity, anonymous, moderated)),
        _ => Err(AppError::field("activity", Problem::ActivityClosed)),
    }
}

/// A participant asks a question of the activity shown, under their nickname or (`anonymous`,
/// where the activity allows it) without it. At most [`QUESTIONS_PER_PERSON`] each.
#[server(endpoint = "workshop/ask")]
pub async fn ask_question(
    code: String,
    activity_id: String,
    command_id: String,
    text: String,
    #[server(default)] anonymous: Option<String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let context = ssr::context()?;
    let Participant {
        workshop,
        participant_id,
        nickname,
        command_id,
    } = participant(&db, &context, &code, &command_id).await?;
    let keep = |e: AppError| e.keeping("text", &text);
    let (_, anonymous_allowed, moderated) =
        questions_activity(&db, &workshop.workshop_id, &activity_id).await?;
    let question = check_question(&text).map_err(|p| keep(AppError::field("text", p)))?;
    if anonymous.is_some() && !anonymous_allowed {
        return Err(AppError::field("anonymous", Problem::UnknownChoice));
    }
    let board = event_store::board(&db, &workshop.workshop_id, &activity_id).await?;
    if board.asked_by(&participant_id) >= QUESTIONS_PER_PERSON {
        return Err(keep(AppError::field(
            "text",
            Problem::TooManyChoices {
                max: QUESTIONS_PER_PERSON,
            },
        )));
    }
    let event = Event::Ask {
        participant: participant_id,
        activity: activity_id,
        question: new_id(),
        text: question,
        by: if anonymous.is_some() { None } else { nickname },
        waiting: moderated,
    };
    event_store::record(&db, &workshop.workshop_id, &command_id, event).await?;
    Ok(())
}

/// A participant upvotes (`up` = `1`) a question the room sees, not their own, or takes their
/// upvote back (`0`).
#[server(endpoint = "workshop/vote")]
pub async fn vote_question(
    code: String,
    activity_id: String,
    command_id: String,
    question_id: String,
    up: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let context = ssr::context()?;
    let Participant {
        workshop,
        participant_id,
        command_id,
        ..
    } = participant(&db, &context, &code, &command_id).await?;
    questions_activity(&db, &workshop.workshop_id, &activity_id).await?;
    let up = match up.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::field("up", Problem::UnknownChoice)),
    };
    let board = event_store::board(&db, &workshop.workshop_id, &activity_id).await?;
    match board.get(&question_id) {
        Some(q) if q.asker == participant_id => {
            return Err(AppError::field("question", Problem::OwnQuestion))
        }
        Some(q) if q.state == State::Shown => {}
        _ => return Err(AppError::NotFound),
    }
    let event = Event::Vote {
        participant: participant_id,
        activity: activity_id,
        question: question_id,
        up,
    };
    event_store::record(&db, &workshop.workshop_id, &command_id, event).await?;
    Ok(())
}

/// The facilitator shows a question to the room (`state` = `shown`), hides it (`hidden`), or
/// marks it answered (`answered`).
#[server(endpoint = "workshop/moderate")]
pub async fn moderate_question(
    workshop_id: String,
    activity_id: String,
    question_id: String,
    state: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workshop_id).await?;
    let workshop_id = owner.workshop().workshop_id.clone();
    let state = State::parse(&state).map_err(|p| AppError::field("state", p))?;
    questions_activity(&db, &workshop_id, &activity_id).await?;
    let board = event_store::board(&db, &workshop_id, &activity_id).await?;
    if board.get(&question_id).is_none() {
        return Err(AppError::NotFound);
    }
    let event = Event::Moderate {
        activity: activity_id,
        question: question_id,
        state,
    };
    event_store::record(&db, &workshop_id, &new_id(), event).await?;
    Ok(())
}
