//! The server functions of ideas and SWOT boards: a participant posts notes and places dots
//! from their screen; the facilitator names clusters, puts notes into them, merges duplicates,
//! takes notes off the board, and starts or ends the dot vote. Each is an event, numbered and
//! stored like an answer.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::activities::cafe::{split, Host},
    super::activities::ideas::{
        check_category, check_cluster_name, check_note, Placement, CLUSTERS_MAX, NOTES_PER_PERSON,
    },
    super::api::{participant, Participant},
    super::event_store,
    super::model::{Activity, Settings},
    super::run::Event,
    super::store::{self, require_owner},
    crate::db::new_id,
    crate::error::Problem,
    crate::ssr,
};

/// The board of notes with this id in the workshop's agenda.
#[cfg(feature = "ssr")]
async fn board_activity(
    db: &crate::db::Db,
    workshop_id: &str,
    activity_id: &str,
) -> Result<Activity, AppError> {
    store::activity(db, workshop_id, activity_id)
        .await?
        .filter(|a| a.settings.budget().is_some())
        .ok_or_else(|| AppError::field("activity", Problem::ActivityClosed))
}

/// A participant posts a note on the board shown, into a category (`category`, the index of
/// the board's category or SWOT quadrant) where the board has them. At most
/// [`NOTES_PER_PERSON`] each, and only before the dot vote starts.
#[server(endpoint = "workshop/post_note")]
pub async fn post_note(
    code: String,
    activity_id: String,
    command_id: String,
    text: String,
    #[server(default)] category: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let context = ssr::context()?;
    let Participant {
        workshop,
        participant_id,
        command_id,
        ..
    } = participant(&db, &context, &code, &command_id).await?;
    let keep = |e: AppError| e.keeping("text", &text);
    let activity = board_activity(&db, &workshop.workshop_id, &activity_id).await?;
    let note = check_note(&text).map_err(|p| keep(AppError::field("text", p)))?;
    let wall = event_store::wall(&db, &workshop.workshop_id, &activity_id).await?;
    // At World Café tables the note goes to the author's table; elsewhere to the category
    // chosen.
    let category = if let Settings::Cafe { .. } = activity.settings {
        match wall.seating.table_of(&participant_id) {
            _ if wall.seating.harvested => {
                return Err(keep(AppError::field("text", Problem::ActivityClosed)))
            }
            Some(table) => Some(table),
            None => return Err(keep(AppError::field("text", Problem::NoTable))),
        }
    } else {
        check_category(&category, activity.settings.categories())
            .map_err(|p| keep(AppError::field("category", p)))?
    };
    if wall.voting {
        return Err(keep(AppError::field("text", Problem::ActivityClosed)));
    }
    if wall.posted_by(&participant_id) >= NOTES_PER_PERSON {
        return Err(keep(AppError::field(
            "text",
            Problem::TooManyChoices {
                max: NOTES_PER_PERSON,
            },
        )));
    }
    let event = Event::Post {
        participant: participant_id,
        activity: activity_id,
        note: new_id(),
        text: note,
        category,
    };
    event_store::record(&db, &workshop.workshop_id, &command_id, event).await?;
    Ok(())
}

/// A participant places one dot on a note (`add` = `1`) while the board votes, or takes one
/// back (`0`).
#[server(endpoint = "workshop/dot_note")]
pub async fn dot_note(
    code: String,
    activity_id: String,
    command_id: String,
    note_id: String,
    add: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let context = ssr::context()?;
    let Participant {
        workshop,
        participant_id,
        command_id,
        ..
    } = participant(&db, &context, &code, &command_id).await?;
    let activity = board_activity(&db, &workshop.workshop_id, &activity_id).await?;
    let budget = activity
        .settings
        .budget()
        .filter(|b| b.dots > 0)
        .ok_or_else(|| AppError::field("activity", Problem::ActivityClosed))?;
    let add = match add.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::field("add", Problem::UnknownChoice)),
    };
    let wall = event_store::wall(&db, &workshop.workshop_id, &activity_id).await?;
    if !wall.voting {
        return Err(AppError::field("activity", Problem::ActivityClosed));
    }
    let Some(note) = wall.standing(&note_id) else {
        return Err(AppError::NotFound);
    };
    if add && !wall.dot_left(&participant_id, &note_id, budget) {
        return Err(AppError::field(
            "note",
            Problem::NoDotsLeft {
                max: usize::from(budget.dots),
            },
        ));
    }
    if !add && !note.dots.contains_key(&participant_id) {
        return Err(AppError::NotFound);
    }
    let event = Event::Dot {
        participant: participant_id,
        activity: activity_id,
        note: note_id,
        add,
        budget,
    };
    event_store::record(&db, &workshop.workshop_id, &command_id, event).await?;
    Ok(())
}

/// The id of the caller's workshop, if they run it and it is no template.
#[cfg(feature = "ssr")]
async fn running(db: &crate::db::Db, workshop_id: &str) -> Result<String, AppError> {
    let owner = require_owner(db, workshop_id).await?;
    let workshop = owner.workshop();
    if workshop.template {
        return Err(AppError::field("activity", Problem::TemplateNotRun));
    }
    Ok(workshop.workshop_id.clone())
}

/// The facilitator's command on a board, stored and sent to every screen.
#[cfg(feature = "ssr")]
async fn facilitate(db: &crate::db::Db, workshop_id: &str, event: Event) -> Result<(), AppError> {
    event_store::record(db, workshop_id, &new_id(), event).await?;
    Ok(())
}

/// The facilitator starts the board's dot vote (`voting` = `1`: participants then place dots
/// and post no notes) or goes back to posting (`0`).
#[server(endpoint = "workshop/board_voting")]
pub async fn board_voting(
    workshop_id: String,
    activity_id: String,
    voting: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let workshop_id = running(&db, &workshop_id).await?;
    let activity = board_activity(&db, &workshop_id, &activity_id).await?;
    if let Settings::Cafe { .. } = activity.settings {
        let wall = event_store::wall(&db, &workshop_id, &activity_id).await?;
        if !wall.seating.harvested {
            return Err(AppError::field("voting", Problem::NotHarvested));
        }
    }
    let voting = match voting.as_str() {
        "1" if activity.settings.sealed() => true,
        "0" => false,
        _ => return Err(AppError::field("voting", Problem::UnknownChoice)),
    };
    let event = Event::Voting {
        activity: activity_id,
        voting,
    };
    facilitate(&db, &workshop_id, event).await
}

/// The facilitator names a new cluster (`cluster_id` empty) or renames one.
#[server(endpoint = "workshop/name_cluster")]
pub async fn name_cluster(
    workshop_id: String,
    activity_id: String,
    #[server(default)] cluster_id: String,
    name: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let workshop_id = running(&db, &workshop_id).await?;
    board_activity(&db, &workshop_id, &activity_id).await?;
    let name =
        check_cluster_name(&name).map_err(|p| AppError::field("name", p).keeping("name", &name))?;
    let wall = event_store::wall(&db, &workshop_id, &activity_id).await?;
    let cluster = if cluster_id.is_empty() {
        if wall.clusters.len() >= CLUSTERS_MAX {
            return Err(AppError::field(
                "name",
                Problem::TooManyChoices { max: CLUSTERS_MAX },
            ));
        }
        new_id()
    } else if wall.cluster(&cluster_id).is_some() {
        cluster_id
    } else {
        return Err(AppError::NotFound);
    };
    let event = Event::Cluster {
        activity: activity_id,
        cluster,
        name,
    };
    facilitate(&db, &workshop_id, event).await
}

/// The facilitator puts a note into a cluster (`target` = `cluster:<id>`), out of any
/// (`none`), merges it into another note of its category as a duplicate (`merge:<id>`), or
/// takes it off the board (`hide`).
#[server(endpoint = "workshop/organise_note")]
pub async fn organise_note(
    workshop_id: String,
    activity_id: String,
    note_id: String,
    target: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let workshop_id = running(&db, &workshop_id).await?;
    board_activity(&db, &workshop_id, &activity_id).await?;
    let placement = Placement::parse(&target).map_err(|p| AppError::field("target", p))?;
    let wall = event_store::wall(&db, &workshop_id, &activity_id).await?;
    // A duplicate merged into another note can still be taken off; nothing else.
    match wall.get(&note_id) {
        Some(_) if wall.standing(&note_id).is_some() => {}
        Some(note) if !note.hidden && placement == Placement::Hide => {}
        _ => return Err(AppError::NotFound),
    }
    let (activity, note) = (activity_id, note_id);
    let event = match placement {
        Placement::Cluster(cluster) if wall.cluster(&cluster).is_some() => Event::Group {
            activity,
            note,
            cluster: Some(cluster),
        },
        Placement::Cluster(_) => return Err(AppError::NotFound),
        Placement::Unclustered => Event::Group {
            activity,
            note,
            cluster: None,
        },
        Placement::Merge(into) if wall.mergeable(&note, &into) => Event::Merge {
            activity,
            note,
            into,
        },
        Placement::Merge(_) => return Err(AppError::field("target", Problem::UnknownChoice)),
        Placement::Hide => Event::Hide { activity, note },
    };
    facilitate(&db, &workshop_id, event).await
}

/// The facilitator runs a board of World Café tables: `split` the room into its tables (again:
/// everyone is seated anew, in the order they joined), `rotate` everyone but the hosts on to
/// the next table, or `harvest` the tables' notes into the plenary board.
#[server(endpoint = "workshop/tables")]
pub async fn run_tables(
    workshop_id: String,
    activity_id: String,
    action: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let workshop_id = running(&db, &workshop_id).await?;
    let activity = board_activity(&db, &workshop_id, &activity_id).await?;
    let Settings::Cafe { topics, .. } = &activity.settings else {
        return Err(AppError::field("action", Problem::UnknownChoice));
    };
    let wall = event_store::wall(&db, &workshop_id, &activity_id).await?;
    if wall.seating.harvested {
        return Err(AppError::field("action", Problem::ActivityClosed));
    }
    let event = match action.as_str() {
        "split" => {
            let people: Vec<Host> = store::participants(&db, &workshop_id)
                .await?
                .into_iter()
                .map(|p| Host {
                    participant: p.participant_id,
                    nickname: p.nickname,
                })
                .collect();
            if people.is_empty() {
                return Err(AppError::field("action", Problem::NoTable));
            }
            let (seats, hosts) = split(&people, topics.len() as u8);
            Event::Seat {
                activity: activity_id,
                seats,
                hosts,
            }
        }
        "rotate" | "harvest" if !wall.seating.split() => {
            return Err(AppError::field("action", Problem::NoTable))
        }
        "rotate" => Event::Rotate {
            activity: activity_id,
        },
        "harvest" => Event::Harvest {
            activity: activity_id,
        },
        _ => return Err(AppError::field("action", Problem::UnknownChoice)),
    };
    facilitate(&db, &workshop_id, event).await
}
