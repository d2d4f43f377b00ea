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
    let [cloud, rating, poll, ranking, dots, matrix, ideas, swot, foresight] = &done.activities[..]
    else {
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
    events.extend(ideas_board(&people, ideas));
    events.extend(swot_board(&people, swot));
    events.extend(delphi_rounds(&people, foresight));
    events.push(Event::Show { activity: None });
    insert_history(tx, &done.workshop_id, &events).await?;
    Ok(ready.code)
}

/// The debrief's ideas board: notes on what helped and what got in the way, grouped into two
/// clusters with one duplicate merged, then three dots each, revealed.
fn ideas_board(people: &[String], activity: &str) -> Vec<Event> {
    let notes: [(&str, u8); 8] = [
        ("Reviewers who had run clusters themselves", 0),
        ("Site visits to the firms", 0),
        ("An honest self-assessment before the visit", 0),
        ("Visits to firms", 0),
        ("Too little time with the ministry", 1),
        ("No budget line for the follow-up", 1),
        ("Data on the clusters came late", 1),
        ("The ministry joined only on the last day", 1),
    ];
    let board = |note: &str| format!("{activity}-{note}");
    let mut events = vec![Event::Show {
        activity: Some(activity.to_owned()),
    }];
    for (n, (text, category)) in notes.iter().enumerate() {
        events.push(Event::Post {
            participant: people[n % people.len()].clone(),
            activity: activity.to_owned(),
            note: board(&n.to_string()),
            text: (*text).to_owned(),
            category: Some(*category),
        });
    }
    for (cluster, name, members) in [
        ("people", "The people in the room", [0, 2]),
        ("time", "Time and money", [5, 6]),
    ] {
        events.push(Event::Cluster {
            activity: activity.to_owned(),
            cluster: board(cluster),
            name: name.to_owned(),
        });
        for member in members {
            events.push(Event::Group {
                activity: activity.to_owned(),
                note: board(&member.to_string()),
                cluster: Some(board(cluster)),
            });
        }
    }
    events.push(Event::Merge {
        activity: activity.to_owned(),
        note: board("3"),
        into: board("1"),
    });
    events.extend(vote(people, activity, &[1, 4, 0, 5, 1, 7, 4, 2], 3, false));
    events
}

/// The debrief's SWOT of the region's cluster policy: two notes a quadrant, two dots each per
/// quadrant (the favourites go round the quadrants in order), revealed.
fn swot_board(people: &[String], activity: &str) -> Vec<Event> {
    let notes: [(&str, u8); 8] = [
        ("Strong wood and furniture cluster", 0),
        ("Two universities with applied research", 0),
        ("Cluster managers change every year", 1),
        ("Little data on what clusters achieve", 1),
        ("Cohesion funding for 2028–2034", 2),
        ("Digital services growing fast", 2),
        ("Skilled people leaving for the west", 3),
        ("Energy prices", 3),
    ];
    let mut events = vec![Event::Show {
        activity: Some(activity.to_owned()),
    }];
    for (n, (text, quadrant)) in notes.iter().enumerate() {
        events.push(Event::Post {
            participant: people[(n + 3) % people.len()].clone(),
            activity: activity.to_owned(),
            note: format!("{activity}-{n}"),
            text: (*text).to_owned(),
            category: Some(*quadrant),
        });
    }
    events.extend(vote(
        people,
        activity,
        &[0, 2, 4, 6, 0, 3, 5, 7, 1, 2, 4, 6],
        2,
        true,
    ));
    events
}

/// The debrief's Delphi: two rounds on two statements; in the second the room moves towards
/// the middle, some with a reason, and the rounds are revealed.
fn delphi_rounds(people: &[String], activity: &str) -> Vec<Event> {
    let mut events = vec![Event::Show {
        activity: Some(activity.to_owned()),
    }];
    for round in 1..=2u8 {
        if round == 2 {
            events.push(Event::Round {
                activity: activity.to_owned(),
                round,
            });
        }
        for (n, who) in people.iter().enumerate() {
            let first = [1, 5, 2, 4, 3, 5][n % 6];
            let second = [4, 2, 5, 3][n % 4];
            // In the second round the outliers move one point towards 3.
            let revise = |s: u8| {
                if round == 2 {
                    s + u8::from(s < 3) - u8::from(s > 3)
                } else {
                    s
                }
            };
            let reason = match (round, n) {
                (1, 0) => "Boards came and went with every government",
                (1, 6) => "The ministry has no one to run a board",
                (2, 1) => "The first round convinced me the budget is there",
                (2, 9) => "Others pointed to the new cohesion programme",
                _ => "",
            };
            let rated = super::activities::delphi::Rated {
                scores: vec![Some(revise(first)), Some(revise(second))],
                reasons: vec![reason.to_owned(), String::new()],
            };
            events.push(Event::Answer {
                participant: who.clone(),
                activity: activity.to_owned(),
                answer: Answer::Delphi { rated },
            });
        }
    }
    events.push(Event::Reveal {
        activity: activity.to_owned(),
    });
    events
}

/// The board's dot vote: each person places `dots` dots (in each quadrant where `per_category`),
/// cycling through the notes named by their number in `favourites`, then the reveal.
fn vote(
    people: &[String],
    activity: &str,
    favourites: &[usize],
    dots: u8,
    per_category: bool,
) -> Vec<Event> {
    let budget = super::activities::ideas::Budget { dots, per_category };
    let mut events = vec![Event::Voting {
        activity: activity.to_owned(),
        voting: true,
    }];
    for (n, who) in people.iter().enumerate() {
        for k in 0..usize::from(dots) * if per_category { 4 } else { 1 } {
            let note = favourites[(n + k) % favourites.len()];
            events.push(Event::Dot {
                participant: who.clone(),
                activity: activity.to_owned(),
                note: format!("{activity}-{note}"),
                add: true,
                budget,
            });
        }
    }
    events.push(Event::Reveal {
        activity: activity.to_owned(),
    });
    events
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
        (
            "The region's innovation system: strengths, weaknesses, opportunities, threats",
            Settings::Swot { dots: 2 },
        ),
        (
            "By 2035, how far do you agree? (Delphi, two rounds)",
            Settings::Delphi {
                statements: lines(&[
                    "Most cluster firms will export outside the EU",
                    "The region will host a European digital innovation hub",
                ]),
                scale: Scale::Agreement,
            },
        ),
        (
            "World Café: three tables, three questions, twenty minutes each",
            Settings::Cafe {
                topics: lines(&[
                    "Which skills will our firms lack in 2030?",
                    "How should small firms pay for innovation?",
                    "Who should sit on the cluster policy board?",
                ]),
                dots: 3,
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
        (
            "What helped the review, and what got in the way?",
            Settings::Ideas {
                categories: lines(&["Helped", "Got in the way"]),
                dots: 3,
            },
        ),
        (
            "SWOT of the region's cluster policy after the review",
            Settings::Swot { dots: 2 },
        ),
        (
            "By 2030, how likely is it?",
            Settings::Delphi {
                statements: lines(&[
                    "The region keeps a standing cluster policy board",
                    "Half the cluster firms use innovation vouchers",
                ]),
                scale: Scale::Agreement,
            },
        ),
    ]
}
