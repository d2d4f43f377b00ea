//! After a workshop: every activity's outcome, for its results page and its JSON file, and
//! everyone's answers as a CSV table. Pure over the agenda, the people and the events' fold,
//! so the page and the files cannot disagree.

use super::activities::ideas::Wall;
use super::activities::ideas_views::category_names;
use super::activities::{dots, matrix, ranking};
use super::model::{Activity, Participant, Settings};
use super::run::{Answer, Live, Results};
use crate::error::AppError;
use crate::files::Cell;
use crate::i18n::Locale;
use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, GetUrl, Streaming};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{event_store, store},
    crate::files::{csv, download, file_stem},
    crate::ssr,
};

/// One activity's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub activity: Activity,
    /// How many in the room answered it.
    pub answered: usize,
    /// Whether the room saw its results.
    pub revealed: bool,
    pub results: Results,
}

/// A workshop's outcome, activity by activity, in the agenda's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopResults {
    pub workshop_id: String,
    pub title: String,
    pub language: String,
    /// Who is in the room (not who was sent out).
    pub participants: usize,
    pub activities: Vec<Outcome>,
}

impl WorkshopResults {
    pub fn new(
        workshop_id: &str,
        title: &str,
        language: &str,
        participants: usize,
        agenda: &[Activity],
        live: &Live,
    ) -> WorkshopResults {
        WorkshopResults {
            workshop_id: workshop_id.to_owned(),
            title: title.to_owned(),
            language: language.to_owned(),
            participants,
            activities: agenda
                .iter()
                .map(|activity| Outcome {
                    answered: live.answered(&activity.activity_id),
                    revealed: live.is_revealed(&activity.activity_id),
                    results: live.results(activity),
                    activity: activity.clone(),
                })
                .collect(),
        }
    }
}

/// An answer in words: the options chosen, each statement with its score, or the words.
pub fn answer_text(settings: &Settings, answer: &Answer) -> String {
    match (settings, answer) {
        (Settings::Poll { options, .. }, Answer::Poll { choices }) => choices
            .iter()
            .filter_map(|c| options.get(*c).cloned())
            .collect::<Vec<_>>()
            .join("; "),
        (Settings::Rating { statements, .. }, Answer::Rating { scores }) => statements
            .iter()
            .zip(scores)
            .filter_map(|(s, score)| score.map(|n| format!("{s}: {n}")))
            .collect::<Vec<_>>()
            .join("; "),
        (Settings::Delphi { statements, .. }, Answer::Delphi { rated }) => statements
            .iter()
            .zip(rated.scores.iter().zip(&rated.reasons))
            .filter_map(|(s, (score, reason))| {
                score.map(|n| match reason.as_str() {
                    "" => format!("{s}: {n}"),
                    why => format!("{s}: {n} ({why})"),
                })
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Answer::Words { words }) => words.join("; "),
        (Settings::Ranking { items }, Answer::Ranking { places }) => {
            ranking::answer_text(items, places)
        }
        (Settings::Dots { items, .. }, Answer::Dots { dots }) => dots::answer_text(items, dots),
        (Settings::Matrix { items, .. }, Answer::Matrix { points }) => {
            matrix::answer_text(items, points)
        }
        _ => String::new(),
    }
}

/// Everyone's answers as a table: per activity in the agenda's order, its board's notes and its
/// questions in the order they came, then one row per answer in the order in which people
/// joined; a board's categories are named in `locale`. A rating's scores also get one number column per statement of the
/// widest rating, so that a spreadsheet can average them.
pub fn answers_table(
    locale: Locale,
    agenda: &[Activity],
    people: &[Participant],
    live: &Live,
    anonymous: &str,
) -> (Vec<String>, Vec<Vec<Cell>>) {
    let widest = agenda
        .iter()
        .map(|a| match &a.settings {
            Settings::Rating { statements, .. } | Settings::Delphi { statements, .. } => {
                statements.len()
            }
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let mut header: Vec<String> = [
        "activity",
        "prompt",
        "kind",
        "participant",
        "answer",
        "category",
        "cluster",
        "votes",
        "status",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend((1..=widest).map(|n| format!("score {n}")));
    let nickname = |participant: &str| {
        people
            .iter()
            .find(|p| p.participant_id == participant)
            .and_then(|p| p.nickname.clone())
            .unwrap_or_else(|| anonymous.to_owned())
    };
    let mut rows = Vec::new();
    for (n, activity) in (1u32..).zip(agenda) {
        let start = |who: String, text: String| {
            vec![
                Cell::Number(f64::from(n)),
                Cell::Text(activity.prompt.clone()),
                Cell::Text(activity.settings.kind().to_owned()),
                Cell::Text(who),
                Cell::Text(text),
            ]
        };
        if let Some(wall) = live.walls.get(&activity.activity_id) {
            rows.extend(note_rows(
                wall,
                &category_names(locale, &activity.settings),
                activity.settings.sealed(),
                |author, text| start(nickname(author), text.to_owned()),
            ));
        }
        if let Some(board) = live.boards.get(&activity.activity_id) {
            rows.extend(board.questions.iter().map(|q| {
                let mut row = start(
                    q.by.clone().unwrap_or_else(|| anonymous.to_owned()),
                    q.text.clone(),
                );
                row.extend([
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Number(q.voters.len() as f64),
                    Cell::Text(q.state.name().to_owned()),
                ]);
                row
            }));
        }
        let Some(answers) = live.answers.get(&activity.activity_id) else {
            continue;
        };
        for person in people {
            let Some(answer) = answers.get(&person.participant_id) else {
                continue;
            };
            let mut row = start(
                // A Delphi panel rates anonymously, in the files too.
                match (&activity.settings, &person.nickname) {
                    (Settings::Delphi { .. }, _) | (_, None) => anonymous.to_owned(),
                    (_, Some(nickname)) => nickname.clone(),
                },
                answer_text(&activity.settings, answer),
            );
            row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
            let scores = match answer {
                Answer::Rating { scores } => Some(scores),
                Answer::Delphi { rated } => Some(&rated.scores),
                _ => None,
            };
            if let Some(scores) = scores {
                row.extend(
                    scores
                        .iter()
                        .map(|s| s.map_or(Cell::Empty, |v| Cell::Number(f64::from(v)))),
                );
            }
            rows.push(row);
        }
    }
    (header, rows)
}

/// A board's notes as rows of the answers table, each after what `start` writes for its author
/// and text: its category, its cluster, its dots (where the board votes), and whether it was
/// merged into another note or taken off the board.
fn note_rows(
    wall: &Wall,
    categories: &[String],
    dotted: bool,
    start: impl Fn(&str, &str) -> Vec<Cell>,
) -> Vec<Vec<Cell>> {
    let text = |cell: Option<&String>| cell.map_or(Cell::Empty, |t| Cell::Text(t.clone()));
    wall.notes
        .iter()
        .map(|note| {
            let mut row = start(&note.author, &note.text);
            let status = match (&note.merged_into, note.hidden) {
                (_, true) => "hidden".to_owned(),
                (Some(into), false) => format!(
                    "merged into: {}",
                    wall.get(into).map_or("", |n| n.text.as_str())
                ),
                (None, false) => String::new(),
            };
            row.extend([
                text(note.category.and_then(|c| categories.get(usize::from(c)))),
                text(
                    note.cluster
                        .as_deref()
                        .and_then(|id| wall.cluster(id))
                        .map(|c| &c.name),
                ),
                if dotted {
                    Cell::Number(f64::from(
                        note.dots.values().map(|d| u32::from(*d)).sum::<u32>(),
                    ))
                } else {
                    Cell::Empty
                },
                Cell::Text(status),
            ]);
            row
        })
        .collect()
}

/// The workshop's outcome, for whoever runs it.
#[server(endpoint = "workshop/results")]
pub async fn get_workshop_results(workshop_id: String) -> Result<WorkshopResults, AppError> {
    let db = ssr::db()?;
    let owner = store::require_owner(&db, &workshop_id).await?;
    let w = owner.workshop();
    Ok(WorkshopResults::new(
        &w.workshop_id,
        &w.title,
        &w.language,
        store::participants(&db, &w.workshop_id).await?.len(),
        &store::activities(&db, &w.workshop_id).await?,
        &event_store::live(&db, &w.workshop_id).await?,
    ))
}

/// The workshop as a file, for whoever runs it: `csv`, everyone's answers; `json`, every
/// activity's outcome (what the results page shows).
#[server(endpoint = "workshop/export", input = GetUrl, output = Streaming)]
pub async fn export_workshop(
    workshop_id: String,
    format: String,
) -> Result<ByteStream<AppError>, AppError> {
    let db = ssr::db()?;
    let owner = store::require_owner(&db, &workshop_id).await?;
    let w = owner.workshop();
    let agenda = store::activities(&db, &w.workshop_id).await?;
    let people = store::participants(&db, &w.workshop_id).await?;
    let live = event_store::live(&db, &w.workshop_id).await?;
    let stem = file_stem(&w.title, "workshop");
    let bytes = match format.as_str() {
        "csv" => {
            download("text/csv; charset=utf-8", &format!("{stem}-answers.csv"));
            let locale = w.language.parse().unwrap_or_default();
            let (header, rows) = answers_table(locale, &agenda, &people, &live, "anonymous");
            csv(&header, &rows).into_bytes()
        }
        "json" => {
            download("application/json", &format!("{stem}-results.json"));
            let results = WorkshopResults::new(
                &w.workshop_id,
                &w.title,
                &w.language,
                people.len(),
                &agenda,
                &live,
            );
            serde_json::to_vec_pretty(&results).map_err(|_| AppError::Internal)?
        }
        _ => return Err(AppError::BadRequest),
    };
    Ok(ByteStream::from(futures::stream::once(async move {
        leptos::server_fn::Bytes::from(bytes)
    })))
}
