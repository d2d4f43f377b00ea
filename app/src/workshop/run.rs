//! A running workshop: the events its facilitator and participants cause, the rules an answer
//! keeps, and the results, a pure fold over the events. Shared by the server (which checks and
//! stores) and the browser (which shows).

use super::activities::questions::{self, Board, Question};
use super::activities::{dots, matrix, ranking};
use super::model::{Activity, Scale, Settings};
use crate::error::Problem;
use crate::text::bounded_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One word of a word cloud, in letters.
pub const WORD_MAX: usize = 40;

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
}

/// The lowest and highest score of a scale.
pub fn scale_bounds(scale: Scale) -> (u8, u8) {
    match scale {
        Scale::Evidence => (0, 5),
        Scale::Agreement => (1, 5),
    }
}

/// Reads an answer as posted (`values`: the chosen options' numbers from 0, one score per
/// statement as typed, or the words one per line) against the activity's settings.
pub fn check_answer(settings: &Settings, values: &[String]) -> Result<Answer, Problem> {
    match settings {
        Settings::Poll {
            options, multiple, ..
        } => {
            let mut choices = Vec::new();
            for v in values.iter().filter(|v| !v.trim().is_empty()) {
                let n: usize = v.trim().parse().map_err(|_| Problem::UnknownChoice)?;
                if n >= options.len() {
                    return Err(Problem::UnknownChoice);
                }
                if !choices.contains(&n) {
                    choices.push(n);
                }
            }
            choices.sort_unstable();
            match choices.len() {
                0 => Err(Problem::Required),
                1 => Ok(Answer::Poll { choices }),
                _ if *multiple => Ok(Answer::Poll { choices }),
                _ => Err(Problem::TooManyChoices { max: 1 }),
            }
        }
        Settings::Rating { statements, scale } => {
            if values.len() != statements.len() {
                return Err(Problem::UnknownChoice);
            }
            let (low, high) = scale_bounds(*scale);
            let scores = values
                .iter()
                .map(|v| match v.trim() {
                    "" => Ok(None),
                    v => match v.parse::<u8>() {
                        Ok(n) if (low..=high).contains(&n) => Ok(Some(n)),
                        _ => Err(Problem::OutOfRange),
                    },
                })
                .collect::<Result<Vec<_>, _>>()?;
            if scores.iter().all(Option::is_none) {
                return Err(Problem::Required);
            }
            Ok(Answer::Rating { scores })
        }
        Settings::WordCloud { per_person } => {
            let mut words: Vec<String> = Vec::new();
            for raw in values.iter().flat_map(|v| v.lines()) {
                if raw.trim().is_empty() {
                    continue;
                }
                let word = bounded_text(raw, WORD_MAX)?;
                if !words
                    .iter()
                    .any(|w| w.to_lowercase() == word.to_lowercase())
                {
                    words.push(word);
                }
            }
            if words.is_empty() {
                return Err(Problem::Required);
            }
            if words.len() > usize::from(*per_person) {
                return Err(Problem::TooManyChoices {
                    max: usize::from(*per_person),
                });
            }
            Ok(Answer::Words { words })
        }
        Settings::Ranking { items } => ranking::check(items, values),
        Settings::Dots {
            items,
            dots,
            stacking,
        } => dots::check(items, *dots, *stacking, values),
        Settings::Matrix { items, .. } => matrix::check(items, values),
        Settings::Questions { .. } | Settings::Timer { .. } => Err(Problem::UnknownChoice),
    }
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
}

impl Event {
    /// The activity of questions and answers a board event belongs to.
    pub fn board_activity(&self) -> Option<&str> {
        match self {
            Event::Ask { activity, .. }
            | Event::Vote { activity, .. }
            | Event::Moderate { activity, .. } => Some(activity),
            _ => None,
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
            }
            Event::Answer {
                participant,
                activity,
                answer,
            } => {
                self.answers
                    .entry(activity.clone())
                    .or_default()
                    .insert(participant.clone(), answer.clone());
            }
            Event::Ask { .. } | Event::Vote { .. } | Event::Moderate { .. } => {
                if let Some(activity) = event.board_activity() {
                    self.boards
                        .entry(activity.to_owned())
                        .or_default()
                        .apply(event);
                }
            }
        }
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
        if activity.settings.sealed() && !self.is_revealed(&activity.activity_id) {
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
    /// An activity that takes no answers.
    Nothing,
}

/// Counts answers against an activity's settings. Answers that do not fit the settings (the
/// activity was changed after they were given) count for what still fits.
pub fn results<'a>(settings: &Settings, answers: impl Iterator<Item = &'a Answer>) -> Results {
    match settings {
        Settings::Poll { options, .. } => {
            let mut counts = vec![0u32; options.len()];
            let mut voters = 0;
            for answer in answers {
                if let Answer::Poll { choices } = answer {
                    voters += 1;
                    for c in choices {
                        if let Some(n) = counts.get_mut(*c) {
                            *n += 1;
                        }
                    }
                }
            }
            Results::Poll { counts, voters }
        }
        Settings::Rating { statements, scale } => {
            let (low, high) = scale_bounds(*scale);
            let points = usize::from(high - low) + 1;
            let mut spreads = vec![vec![0u32; points]; statements.len()];
            for answer in answers {
                if let Answer::Rating { scores } = answer {
                    for (spread, score) in spreads.iter_mut().zip(scores) {
                        if let Some(n) = score
                            .filter(|s| (low..=high).contains(s))
                            .and_then(|s| spread.get_mut(usize::from(s - low)))
                        {
                            *n += 1;
                        }
                    }
                }
            }
            let statements = spreads
                .into_iter()
                .map(|counts| {
                    let n: u32 = counts.iter().sum();
                    let total: u32 = (0u32..)
                        .zip(&counts)
                        .map(|(i, c)| (i + u32::from(low)) * c)
                        .sum();
                    Spread {
                        mean: (n > 0).then(|| f64::from(total) / f64::from(n)),
                        counts,
                    }
                })
                .collect();
            Results::Rating { statements, low }
        }
        Settings::WordCloud { .. } => {
            // The first spelling seen names a word; counts merge every spelling's case.
            let mut merged: BTreeMap<String, (String, u32)> = BTreeMap::new();
            for answer in answers {
                if let Answer::Words { words } = answer {
                    for word in words {
                        merged
                            .entry(word.to_lowercase())
                            .or_insert_with(|| (word.clone(), 0))
                            .1 += 1;
                    }
                }
            }
            let mut words: Vec<(String, u32)> = merged.into_values().collect();
            words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Results::Words { words }
        }
        Settings::Ranking { items } => ranking::results(items, answers),
        Settings::Dots { items, .. } => dots::results(items, answers),
        Settings::Matrix { items, .. } => matrix::results(items, answers),
        Settings::Questions { .. } | Settings::Timer { .. } => Results::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(multiple: bool) -> Settings {
        Settings::Poll {
            options: vec!["Vouchers".into(), "Grants".into(), "Training".into()],
            multiple,
            correct: Some(1),
        }
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn a_poll_answer_names_existing_options_and_only_one_unless_several_are_allowed() {
        assert_eq!(
            check_answer(&poll(false), &strings(&["2"])),
            Ok(Answer::Poll { choices: vec![2] })
        );
        assert_eq!(
            check_answer(&poll(false), &strings(&["0", "2"])),
            Err(Problem::TooManyChoices { max: 1 })
        );
        assert_eq!(
            check_answer(&poll(true), &strings(&["2", "0", "2"])),
            Ok(Answer::Poll {
                choices: vec![0, 2]
            })
        );
        assert_eq!(
            check_answer(&poll(true), &strings(&["3"])),
            Err(Problem::UnknownChoice)
        );
        assert_eq!(check_answer(&poll(true), &[]), Err(Problem::Required));
    }

    #[test]
    fn a_rating_answer_keeps_to_its_scale_and_may_leave_statements_out_but_not_all() {
        let rating = Settings::Rating {
            statements: vec!["Links".into(), "Skills".into()],
            scale: Scale::Agreement,
        };
        assert_eq!(
            check_answer(&rating, &strings(&["5", ""])),
            Ok(Answer::Rating {
                scores: vec![Some(5), None]
            })
        );
        assert_eq!(
            check_answer(&rating, &strings(&["0", "3"])),
            Err(Problem::OutOfRange)
        );
        assert_eq!(
            check_answer(&rating, &strings(&["", ""])),
            Err(Problem::Required)
        );
        assert_eq!(
            check_answer(&rating, &strings(&["3"])),
            Err(Problem::UnknownChoice)
        );
    }

    #[test]
    fn word_cloud_entries_are_one_per_line_merged_ignoring_case_and_limited_per_person() {
        let cloud = Settings::WordCloud { per_person: 2 };
        assert_eq!(
            check_answer(&cloud, &strings(&["Trust\n trust \n\nSkills"])),
            Ok(Answer::Words {
                words: vec!["Trust".into(), "Skills".into()]
            })
        );
        assert_eq!(
            check_answer(&cloud, &strings(&["a\nb\nc"])),
            Err(Problem::TooManyChoices { max: 2 })
        );
        let answers = [
            Answer::Words {
                words: vec!["Trust".into(), "Skills".into()],
            },
            Answer::Words {
                words: vec!["TRUST".into()],
            },
            Answer::Words {
                words: vec!["ščepan".into(), "Ščepan".into()],
            },
        ];
        assert_eq!(
            results(&cloud, answers.iter()),
            Results::Words {
                words: vec![
                    ("Trust".into(), 2),
                    ("ščepan".into(), 2),
                    ("Skills".into(), 1)
                ]
            }
        );
    }

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

    #[test]
    fn a_ratings_spread_counts_each_point_of_the_scale_and_its_mean() {
        let rating = Settings::Rating {
            statements: vec!["Links".into()],
            scale: Scale::Evidence,
        };
        let answers = [0, 5, 4]
            .map(|s| Answer::Rating {
                scores: vec![Some(s)],
            })
            .to_vec();
        assert_eq!(
            results(&rating, answers.iter()),
            Results::Rating {
                statements: vec![Spread {
                    counts: vec![1, 0, 0, 0, 1, 1],
                    mean: Some(3.0)
                }],
                low: 0
            }
        );
    }
}
