//! A running workshop: the events its facilitator and participants cause, and the state and
//! results they fold into (the answers' own rules and counts are in `tally.rs`). Shared by the
//! server (which checks and stores) and the browser (which shows).

use super::activities::cafe;
use super::activities::delphi::{self, Panel};
use super::activities::ideas::{self, Budget, Note, Wall};
use super::activities::questions::{self, Board, Question};
use super::activities::{matrix, ranking};
use super::model::{Activity, Settings};
use super::tally::results;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened in a workshop, in the order of its sequence numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The facilitator put an activity on every screen (`None`: the waiting screen); it opens
    /// for answers unless its results were revealed.
    Show { activity: Option<String> },
    /// The facilitator opened or closed the shown activity for answers.
    SetOpen { open: bool },
    /// The facilitator showed the results (and a poll's correct option) to the room, which
    /// closes the activity for answers.
    Reveal { activity: String },
    /// A participant's answer; a later one from the same participant replaces it.
    Answer {
        participant: String,
        activity: String,
        answer: Answer,
    },
    /// The facilitator sent a participant out: their answers no longer count.
    Remove { participant: String },
    /// The facilitator started a timer for the shown activity, ending at `ends_at`
    /// (milliseconds since the epoch), or stopped it (`None`). Showing another activity stops
    /// it too.
    Timer {
        activity: String,
        ends_at: Option<i64>,
    },
    /// A participant asked a question (`by`: their nickname, `None` when asked without it);
    /// `waiting` where the facilitator moderates.
    Ask {
        participant: String,
        activity: String,
        question: String,
        text: String,
        by: Option<String>,
        waiting: bool,
    },
    /// A participant upvoted a question (`up`), or took their upvote back.
    Vote {
        participant: String,
        activity: String,
        question: String,
        up: bool,
    },
    /// The facilitator showed, hid, or marked a question answered.
    Moderate {
        activity: String,
        question: String,
        state: questions::State,
    },
    /// A participant posted a note on a board (`category`: its category or SWOT quadrant).
    Post {
        participant: String,
        activity: String,
        note: String,
        text: String,
        category: Option<u8>,
    },
    /// A participant placed a dot on a note (`add`), within the board's `budget`, or took one
    /// back.
    Dot {
        participant: String,
        activity: String,
        note: String,
        add: bool,
        budget: Budget,
    },
    /// The facilitator started the board's dot vote (`voting`), or went back to posting.
    Voting { activity: String, voting: bool },
    /// The facilitator named a new cluster of the board, or renamed one.
    Cluster {
        activity: String,
        cluster: String,
        name: String,
    },
    /// The facilitator put a note into a cluster, or out of any (`None`).
    Group {
        activity: String,
        note: String,
        cluster: Option<String>,
    },
    /// The facilitator merged a note into another, as its duplicate.
    Merge {
        activity: String,
        note: String,
        into: String,
    },
    /// The facilitator took a note off the board.
    Hide { activity: String, note: String },
    /// The facilitator split the room into World Café tables: everyone's table, each table's
    /// host.
    Seat {
        activity: String,
        seats: BTreeMap<String, u8>,
        hosts: Vec<Option<cafe::Host>>,
    },
    /// Everyone but the hosts moved on to the next table.
    Rotate { activity: String },
    /// The tables' notes became one plenary board.
    Harvest { activity: String },
    /// The facilitator started the Delphi activity's next round (from 2).
    Round { activity: String, round: u8 },
}

/// A participant's answer to one activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// The indexes of the options chosen.
    Poll { choices: Vec<usize> },
    /// A score per statement, in the order of the statements (`None`: left out).
    Rating { scores: Vec<Option<u8>> },
    /// Words, each at most [`WORD_MAX`] letters.
    Words { words: Vec<String> },
    /// Every item's place, from 1, in the order of the items.
    Ranking { places: Vec<u8> },
    /// The dots on every item, in the order of the items.
    Dots { dots: Vec<u8> },
    /// Every item's point on the two axes, in the order of the items (`None`: left out).
    Matrix { points: Vec<Option<(u8, u8)>> },
    /// A Delphi rating, for the round under way when it is folded in.
    Delphi { rated: delphi::Rated },
}

/// The state of a workshop after its events: what is shown, whether it takes answers, what was
/// revealed, and everyone's latest answer to each activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Live {
    /// The sequence number of the last event folded in.
    pub seq: i64,
    pub current: Option<String>,
    pub open: bool,
    pub revealed: Vec<String>,
    /// When the timer of the shown activity ends, if one runs.
    pub timer_ends: Option<i64>,
    /// Per activity, per participant, the latest answer.
    pub answers: BTreeMap<String, BTreeMap<String, Answer>>,
    /// Per activity of questions and answers, its questions.
    pub boards: BTreeMap<String, Board>,
    /// Per ideas or SWOT board, its notes.
    pub walls: BTreeMap<String, Wall>,
    /// Per Delphi activity, its rounds.
    pub panels: BTreeMap<String, Panel>,
}

impl Event {
    /// The activity of questions and answers a question's event belongs to.
    pub fn board_activity(&self) -> Option<&str> {
        match self {
            Event::Ask { activity, .. }
            | Event::Vote { activity, .. }
            | Event::Moderate { activity, .. } => Some(activity),
            _ => None,
        }
    }

    /// The ideas or SWOT board a note's event belongs to.
    pub fn wall_activity(&self) -> Option<&str> {
        match self {
            Event::Post { activity, .. }
            | Event::Dot { activity, .. }
            | Event::Voting { activity, .. }
            | Event::Cluster { activity, .. }
            | Event::Group { activity, .. }
            | Event::Merge { activity, .. }
            | Event::Hide { activity, .. }
            | Event::Seat { activity, .. }
            | Event::Rotate { activity }
            | Event::Harvest { activity } => Some(activity),
            _ => None,
        }
    }

    /// Whether it changes what participants' screens show: an answer or a dot changes only
    /// its sender's (until the results are revealed, which is an event of its own).
    pub fn changes_screens(&self) -> bool {
        !matches!(self, Event::Answer { .. } | Event::Dot { .. })
    }
}

impl Panel {
    /// Folds one event of its activity in (and a participant's removal).
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Answer {
                participant,
                answer: Answer::Delphi { rated },
                ..
            } => self.rate(participant, rated.clone()),
            Event::Round { round, .. } => self.next_round(*round),
            Event::Remove { participant } => self.remove(participant),
            _ => {}
        }
    }

    /// The rounds as a screen may see them: the round under way too when `including`; with
    /// `viewer`'s own ratings of the round before and of this one.
    pub fn results(&self, settings: &Settings, including: bool, viewer: Option<&str>) -> Results {
        let Settings::Delphi { statements, scale } = settings else {
            return Results::Nothing;
        };
        let bounds = super::tally::scale_bounds(*scale);
        let mine = |round: u8| viewer.and_then(|v| self.rating(v, round)).cloned();
        Results::Delphi {
            rounds: self.outcomes(statements.len(), bounds, self.round, including),
            low: bounds.0,
            round: self.round,
            raters: self.raters(),
            earlier: mine(self.round.saturating_sub(1)),
            now: mine(self.round),
        }
    }
}

impl Wall {
    /// Folds one event of its board in (and a participant's removal).
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Post {
                participant,
                note,
                text,
                category,
                ..
            } => self.post(Note {
                id: note.clone(),
                author: participant.clone(),
                text: text.clone(),
                category: *category,
                cluster: None,
                merged_into: None,
                hidden: false,
                dots: Default::default(),
            }),
            Event::Dot {
                participant,
                note,
                add,
                budget,
                ..
            } => self.dot(participant, note, *add, *budget),
            Event::Voting { voting, .. } => self.voting = *voting,
            Event::Cluster { cluster, name, .. } => self.name_cluster(cluster, name),
            Event::Group { note, cluster, .. } => self.group(note, cluster.as_deref()),
            Event::Merge { note, into, .. } => self.merge(note, into),
            Event::Hide { note, .. } => self.hide(note),
            Event::Seat { seats, hosts, .. } => self.seating.seat(seats.clone(), hosts.clone()),
            Event::Rotate { .. } => self.seating.rotate(),
            Event::Harvest { .. } => self.seating.harvest(),
            Event::Remove { participant } => self.remove(participant),
            _ => {}
        }
    }
}

impl Board {
    /// Folds one event of its activity in.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Ask {
                participant,
                question,
                text,
                by,
                waiting,
                ..
            } => self.ask(Question {
                id: question.clone(),
                asker: participant.clone(),
                by: by.clone(),
                text: text.clone(),
                voters: Default::default(),
                state: if *waiting {
                    questions::State::Waiting
                } else {
                    questions::State::Shown
                },
            }),
            Event::Vote {
                participant,
                question,
                up,
                ..
            } => self.vote(participant, question, *up),
            Event::Moderate {
                question, state, ..
            } => self.moderate(question, *state),
            _ => {}
        }
    }
}

impl Live {
    /// Folds one event in. Events come in order of their sequence numbers; one the state has
    /// seen already changes nothing, so that a batch read again after a reconnection is safe.
    pub fn apply(&mut self, seq: i64, event: &Event) {
        if seq <= self.seq {
            return;
        }
        self.seq = seq;
        match event {
            Event::Show { activity } => {
                self.open = activity.as_deref().is_some_and(|a| !self.is_revealed(a));
                self.current = activity.clone();
                self.timer_ends = None;
            }
            Event::SetOpen { open } => self.open = *open && self.current.is_some(),
            Event::Timer { activity, ends_at } => {
                if self.current.as_ref() == Some(activity) {
                    self.timer_ends = *ends_at;
                }
            }
            Event::Reveal { activity } => {
                if !self.revealed.contains(activity) {
                    self.revealed.push(activity.clone());
                }
                if self.current.as_ref() == Some(activity) {
                    self.open = false;
                }
            }
            Event::Remove { participant } => {
                for answers in self.answers.values_mut() {
                    answers.remove(participant);
                }
                for wall in self.walls.values_mut() {
                    wall.remove(participant);
                }
                for panel in self.panels.values_mut() {
                    panel.remove(participant);
                }
            }
            Event::Answer {
                participant,
                activity,
                answer,
            } => {
                if let Answer::Delphi { .. } = answer {
                    self.panels
                        .entry(activity.clone())
                        .or_default()
                        .apply(event);
                }
                self.answers
                    .entry(activity.clone())
                    .or_default()
                    .insert(participant.clone(), answer.clone());
            }
            Event::Round { activity, .. } => {
                self.panels
                    .entry(activity.clone())
                    .or_default()
                    .apply(event);
            }
            Event::Ask { .. } | Event::Vote { .. } | Event::Moderate { .. } => {
                if let Some(activity) = event.board_activity() {
                    self.boards
                        .entry(activity.to_owned())
                        .or_default()
                        .apply(event);
                }
            }
            _ => {
                if let Some(activity) = event.wall_activity() {
                    self.walls
                        .entry(activity.to_owned())
                        .or_default()
                        .apply(event);
                }
            }
        }
    }

    /// A board's notes as `viewer` sees them (`None`: the facilitator), with the dots or not.
    fn sheet(&self, activity_id: &str, viewer: Option<&str>, dots: bool) -> ideas::Sheet {
        self.walls
            .get(activity_id)
            .map(|w| w.sheet(viewer, dots))
            .unwrap_or_default()
    }

    /// A Delphi activity's rounds, with the round under way (`including`) or without it.
    fn delphi(&self, activity: &Activity, including: bool) -> Results {
        let panel = self
            .panels
            .get(&activity.activity_id)
            .cloned()
            .unwrap_or_default();
        panel.results(&activity.settings, including, None)
    }

    pub fn is_revealed(&self, activity_id: &str) -> bool {
        self.revealed.iter().any(|a| a == activity_id)
    }

    /// How many in the room answered an activity.
    pub fn answered(&self, activity_id: &str) -> usize {
        self.answers.get(activity_id).map_or(0, BTreeMap::len)
    }

    /// The results of one activity as the room's screens may show them: a sealed activity's
    /// only as how many answered, until the facilitator reveals them.
    pub fn room_results(&self, activity: &Activity) -> Results {
        let revealed = self.is_revealed(&activity.activity_id);
        if let Settings::Delphi { .. } = activity.settings {
            // The round under way stays off the screens: each rates without the room's sway.
            return self.delphi(activity, revealed);
        }
        if activity.settings.budget().is_some() {
            return Results::Ideas {
                sheet: self.sheet(&activity.activity_id, None, revealed),
            };
        }
        if activity.settings.sealed() && !revealed {
            Results::Sealed {
                voters: self.answered(&activity.activity_id) as u32,
            }
        } else {
            self.results(activity)
        }
    }

    /// The results of one activity so far, sealed or not: for the facilitator's results page
    /// and downloads only.
    pub fn results(&self, activity: &Activity) -> Results {
        if let Settings::Questions { .. } = activity.settings {
            let board = self.boards.get(&activity.activity_id);
            return Results::Questions {
                questions: board.map(|b| b.lines(None)).unwrap_or_default(),
            };
        }
        if activity.settings.budget().is_some() {
            return Results::Ideas {
                sheet: self.sheet(&activity.activity_id, None, true),
            };
        }
        if let Settings::Delphi { .. } = activity.settings {
            return self.delphi(activity, true);
        }
        let empty = BTreeMap::new();
        let answers = self.answers.get(&activity.activity_id).unwrap_or(&empty);
        results(&activity.settings, answers.values())
    }
}

/// How the answers to one statement (or a poll's options) spread.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// How many chose each point of the scale (or each option).
    pub counts: Vec<u32>,
    /// The mean score, when anyone scored.
    pub mean: Option<f64>,
}

/// The outcome of one activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Results {
    Poll {
        counts: Vec<u32>,
        voters: u32,
    },
    /// One spread per statement; `low` is the scale's first point.
    Rating {
        statements: Vec<Spread>,
        low: u8,
    },
    /// Words merged ignoring case, most frequent first, each with its count.
    Words {
        words: Vec<(String, u32)>,
    },
    /// Every item's average place, best first.
    Ranking {
        standings: Vec<ranking::Standing>,
        voters: u32,
    },
    /// The dots on every item, in the order of the items.
    Dots {
        counts: Vec<u32>,
        voters: u32,
    },
    /// Results kept from the room until the facilitator reveals them: only how many answered.
    Sealed {
        voters: u32,
    },
    /// Every item's mean position and spread (`None`: nobody placed it).
    Matrix {
        places: Vec<Option<matrix::Place>>,
    },
    /// The questions as the facilitator sees them (every one, with its state); screens show
    /// only those the room may see.
    Questions {
        questions: Vec<questions::Line>,
    },
    /// A board's notes, grouped and merged, with their dots where the screen may show them.
    Ideas {
        sheet: ideas::Sheet,
    },
    /// A Delphi activity's rounds as the screen may see them (the round under way only once
    /// revealed), the round under way and how many rated in it; for a participant, their own
    /// rating of the round before (`earlier`) and of this one (`now`).
    Delphi {
        rounds: Vec<delphi::RoundOutcome>,
        low: u8,
        round: u8,
        raters: u32,
        earlier: Option<delphi::Rated>,
        now: Option<delphi::Rated>,
    },
    /// An activity that takes no answers.
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::workshop::tally::tests::poll;

    #[test]
    fn the_fold_keeps_each_participants_latest_answer_and_ignores_events_seen_before() {
        let activity = Activity {
            activity_id: "a1".into(),
            prompt: "First?".into(),
            settings: poll(false),
        };
        let answer = |participant: &str, choice| Event::Answer {
            participant: participant.into(),
            activity: "a1".into(),
            answer: Answer::Poll {
                choices: vec![choice],
            },
        };
        let mut live = Live::default();
        live.apply(
            1,
            &Event::Show {
                activity: Some("a1".into()),
            },
        );
        live.apply(2, &answer("ana", 0));
        live.apply(3, &answer("ivo", 0));
        live.apply(4, &answer("ana", 2));
        live.apply(3, &answer("ivo", 1));
        assert_eq!(
            live.results(&activity),
            Results::Poll {
                counts: vec![1, 0, 1],
                voters: 2
            }
        );
        assert!(live.open);
        live.apply(
            6,
            &Event::Reveal {
                activity: "a1".into(),
            },
        );
        assert!(!live.open, "revealing closes");
        assert!(live.is_revealed("a1") && live.seq == 6);
        live.apply(7, &Event::Show { activity: None });
        live.apply(8, &Event::SetOpen { open: true });
        assert!(!live.open, "nothing shown, nothing open");
        live.apply(
            9,
            &Event::Show {
                activity: Some("a1".into()),
            },
        );
        assert!(!live.open, "shown again after its reveal, it stays closed");
        live.apply(
            10,
            &Event::Remove {
                participant: "ana".into(),
            },
        );
        assert_eq!(
            live.results(&activity),
            Results::Poll {
                counts: vec![1, 0, 0],
                voters: 1
            },
            "who was sent out no longer counts"
        );
    }
}
