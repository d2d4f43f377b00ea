//! The demo's workshops: a focus group prepared and ready to run, a peer-review debrief that
//! was run, with a room of twelve and its results for every kind of activity that takes
//! answers, and the debrief kept as a template.

use super::event_store::insert_history;
use super::model::{Scale, Settings};
use super::run::{Answer, Event};
use super::store::{insert_participant, insert_prepared};
use crate::error::AppError;

/// Adds the workshops for `facilitator` through the demo's transaction; answers the join code
/// of the one ready to run.
pub async fn add(tx: &mut sqlx::AnyConnection, facilitator: &str) -> Result<String, AppError> {
    let ready = insert_prepared(
        tx,
        facilitator,
        "Smart specialisation focus group, Zagreb",
        "en",
        &focus_group(),
        false,
    )
    .await?;
    let done = insert_prepared(
        tx,
        facilitator,
        "Peer review debrief, Ljubljana",
        "en",
        &debrief(),
        false,
    )
    .await?;
    insert_prepared(
        tx,
        facilitator,
        "Peer review debrief",
        "en",
        &debrief(),
        true,
    )
    .await?;
    let mut people = Vec::new();
    for name in ROOM {
        people.push(insert_participant(tx, &done.workshop_id, name).await?);
    }
    let [cloud, rating, poll, ranking, dots, matrix] = &done.activities[..] else {
        return Err(AppError::Internal);
    };
    let mut events = vec![Event::Show {
        activity: Some(cloud.clone()),
    }];
    let words: [&[&str]; 4] = [
        &["Trust", "Skills"],
        &["trust", "Funding"],
        &["Skills", "Networks"],
        &["TRUST"],
    ];
    let answer = |who: &String, activity: &String, answer| Event::Answer {
        participant: who.clone(),
        activity: activity.clone(),
        answer,
    };
    for (n, who) in people.iter().enumerate() {
        let given = words[n % words.len()]
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        events.push(answer(who, cloud, Answer::Words { words: given }));
    }
    events.push(Event::Reveal {
        activity: cloud.clone(),
    });
    events.push(Event::Show {
        activity: Some(rating.clone()),
    });
    for (n, who) in people.iter().enumerate() {
        let n = n as u8;
        let scores = vec![Some(2 + n % 3), Some(1 + n % 4), Some(3 + n % 2)];
        events.push(answer(who, rating, Answer::Rating { scores }));
    }
    events.push(Event::Reveal {
        activity: rating.clone(),
    });
    events.push(Event::Show {
        activity: Some(poll.clone()),
    });
    for (n, who) in people.iter().enumerate() {
        let choices = vec![[0, 1, 1, 2][n % 4]];
        events.push(answer(who, poll, Answer::Poll { choices }));
    }
    events.push(Event::SetOpen { open: false });
    events.push(Event::Reveal {
        activity: poll.clone(),
    });
    let orders: [[u8; 4]; 4] = [[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4], [2, 1, 4, 3]];
    let spreads: [[u8; 4]; 4] = [[2, 1, 0, 0], [0, 1, 1, 1], [3, 0, 0, 0], [1, 0, 2, 0]];
    let drivers: [(u8, u8); 4] = [(5, 2), (4, 4), (3, 5), (2, 3)];
    for (activity, given) in [(ranking, 0usize), (dots, 1), (matrix, 2)] {
        events.push(Event::Show {
            activity: Some(activity.clone()),
        });
        for (n, who) in people.iter().enumerate() {
            let given = match given {
                0 => Answer::Ranking {
                    places: orders[n % 4].to_vec(),
                },
                1 => Answer::Dots {
                    dots: spreads[n % 4].to_vec(),
                },
                _ => Answer::Matrix {
                    // Every fifth item left out; the rest spread one point around the
                    // driver's place.
                    points: drivers
                        .iter()
                        .zip(n..)
                        .map(|((x, y), k)| (k % 5 != 0).then(|| (nudge(*x, k), nudge(*y, k / 2))))
                        .collect(),
                },
            };
            events.push(answer(who, activity, given));
        }
        events.push(Event::Reveal {
            activity: activity.clone(),
        });
    }
    events.push(Event::Show { activity: None });
    insert_history(tx, &done.workshop_id, &events).await?;
    Ok(ready.code)
}

/// `point` moved by -1, 0 or +1 as `by` goes on, kept on the matrix's scale.
fn nudge(point: u8, by: usize) -> u8 {
    (point + (by % 3) as u8).saturating_sub(1).clamp(1, 5)
}

/// The debrief's room: nicknames, two who joined anonymously.
const ROOM: [Option<&str>; 12] = [
    Some("Maja"),
    Some("Luka"),
    Some("Ana"),
    Some("Petra"),
    None,
    Some("Marko"),
    Some("Eva"),
    Some("Jan"),
    None,
    Some("Nika"),
    Some("Tomaž"),
    Some("Irena"),
];

fn lines(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| (*s).to_owned()).collect()
}

/// An entrepreneurial-discovery focus group, prepared and ready to run.
fn focus_group() -> Vec<(&'static str, Settings)> {
    vec![
        (
            "One word for the region's strongest industry",
            Settings::WordCloud { per_person: 3 },
        ),
        (
            "How strong is the region today?",
            Settings::Rating {
                statements: lines(&[
                    "Cooperation between firms and research",
                    "Skills for the priority sectors",
                    "Access to finance for innovation",
                ]),
                scale: Scale::Evidence,
            },
        ),
        (
            "Which instrument should come first?",
            Settings::Poll {
                options: lines(&["Innovation vouchers", "Cluster grants", "Joint training"]),
                multiple: false,
                correct: None,
            },
        ),
        (
            "Which strengths should the strategy build on? Three dots each",
            Settings::Dots {
                items: lines(&[
                    "Wood and furniture",
                    "Health tourism",
                    "Digital services",
                    "Food processing",
                ]),
                dots: 3,
                stacking: false,
            },
        ),
        (
            "Place the trends that will shape the region",
            Settings::Matrix {
                items: lines(&["Energy prices", "Young people leaving", "Remote work"]),
                x: "Impact".to_owned(),
                y: "Uncertainty".to_owned(),
            },
        ),
        ("Coffee break", Settings::Timer { seconds: 600 }),
        (
            "Your questions for the panel",
            Settings::Questions {
                anonymous: true,
                moderated: true,
            },
        ),
    ]
}

/// What the reviewers and the reviewed region made of a peer review.
fn debrief() -> Vec<(&'static str, Settings)> {
    vec![
        (
            "What should the region build on? Up to two words",
            Settings::WordCloud { per_person: 2 },
        ),
        (
            "How far do you agree?",
            Settings::Rating {
                statements: lines(&[
                    "The review found the real bottlenecks",
                    "The to-do list is realistic",
                    "We would take part in another review",
                ]),
                scale: Scale::Agreement,
            },
        ),
        (
            "Which action first?",
            Settings::Poll {
                options: lines(&[
                    "A standing cluster policy board",
                    "Innovation vouchers",
                    "A skills observatory",
                ]),
                multiple: false,
                correct: None,
            },
        ),
        (
            "Put the review's recommendations in order",
            Settings::Ranking {
                items: lines(&[
                    "Set up the cluster policy board",
                    "Fund joint research projects",
                    "Train cluster managers",
                    "Map the value chains",
                ]),
            },
        ),
        (
            "Where should the first money go? Three dots each",
            Settings::Dots {
                items: lines(&[
                    "Innovation vouchers",
                    "A shared testing lab",
                    "Export missions",
                    "Skills academy",
                ]),
                dots: 3,
                stacking: true,
            },
        ),
        (
            "Place the drivers of the region's next decade",
            Settings::Matrix {
                items: lines(&[
                    "Energy prices",
                    "Skilled people leaving",
                    "EU cohesion funding",
                    "Digital platforms",
                ]),
                x: "Impact".to_owned(),
                y: "Uncertainty".to_owned(),
            },
        ),
    ]
}
