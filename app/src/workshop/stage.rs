//! What each screen of a running workshop shows: the presenter's and facilitator's stage (the
//! activity shown, with its live results) and a participant's screen (the activity shown, their
//! own answer, and the results once revealed). Pure, built on the server, shown in the browser.

use super::model::{Activity, Settings};
use super::run::{Answer, Live, Results};
use serde::{Deserialize, Serialize};

/// The shown activity and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    pub activity: Activity,
    /// Its place in the agenda, from 1, and the agenda's length.
    pub position: usize,
    pub of: usize,
    pub open: bool,
    pub revealed: bool,
}

/// The presenter's screen, also the live part of the facilitator's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// The sequence number of the last event it shows.
    pub seq: i64,
    pub title: String,
    pub code: String,
    /// Where participants join: the platform's address with the code.
    pub join_url: String,
    pub participants: i64,
    pub shown: Option<Shown>,
    pub results: Results,
}

/// The shown activity, if any, in the agenda.
fn shown(activities: &[Activity], live: &Live) -> Option<Shown> {
    let current = live.current.as_deref()?;
    let (n, activity) = activities
        .iter()
        .enumerate()
        .find(|(_, a)| a.activity_id == current)?;
    Some(Shown {
        activity: activity.clone(),
        position: n + 1,
        of: activities.len(),
        open: live.open,
        revealed: live.is_revealed(current),
    })
}

impl Stage {
    pub fn new(
        title: &str,
        code: &str,
        join_url: String,
        participants: i64,
        activities: &[Activity],
        live: &Live,
    ) -> Stage {
        let shown = shown(activities, live);
        let results = shown
            .as_ref()
            .map_or(Results::Nothing, |s| live.results(&s.activity));
        Stage {
            seq: live.seq,
            title: title.to_owned(),
            code: code.to_owned(),
            join_url,
            participants,
            shown,
            results,
        }
    }
}

/// A participant's screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screen {
    /// The workshop's sequence number when it was read: a live update past it calls for a new
    /// screen.
    pub seq: i64,
    /// The activity shown; a poll's correct option is left out until the results are revealed.
    pub shown: Option<Shown>,
    /// Their own answer to it.
    pub mine: Option<Answer>,
    /// The results, once the facilitator revealed them.
    pub results: Option<Results>,
    /// A fresh id for the next answer sent from this screen: a retry of the same sending
    /// counts once.
    pub command_id: String,
}

impl Screen {
    /// `answers`: everyone's answers to the shown activity, read only when revealed.
    pub fn new(
        seq: i64,
        mut shown: Option<Shown>,
        mine: Option<Answer>,
        answers: &[Answer],
        command_id: String,
    ) -> Screen {
        let results = match &mut shown {
            Some(s) if s.revealed => {
                Some(super::run::results(&s.activity.settings, answers.iter()))
            }
            Some(s) => {
                if let Settings::Poll { correct, .. } = &mut s.activity.settings {
                    *correct = None;
                }
                None
            }
            None => None,
        };
        Screen {
            seq,
            shown,
            mine,
            results,
            command_id,
        }
    }
}

/// The shown activity, for a participant's screen, from what the workshop row says.
pub fn shown_from(
    activities: &[Activity],
    current: Option<&str>,
    open: bool,
    revealed: bool,
) -> Option<Shown> {
    let live = Live {
        current: current.map(str::to_owned),
        open,
        revealed: if revealed {
            current.map(str::to_owned).into_iter().collect()
        } else {
            Vec::new()
        },
        ..Live::default()
    };
    shown(activities, &live)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::run::Event;

    #[test]
    fn a_participant_sees_a_polls_correct_option_and_the_results_only_once_revealed() {
        let activities = vec![Activity {
            activity_id: "a1".into(),
            prompt: "Which?".into(),
            settings: Settings::Poll {
                options: vec!["A".into(), "B".into()],
                multiple: false,
                correct: Some(1),
            },
        }];
        let answers = [Answer::Poll { choices: vec![1] }];
        let hidden = Screen::new(
            3,
            shown_from(&activities, Some("a1"), true, false),
            None,
            &answers,
            "c".into(),
        );
        let shown = hidden.shown.expect("the poll is shown");
        assert!(matches!(
            shown.activity.settings,
            Settings::Poll { correct: None, .. }
        ));
        assert_eq!(hidden.results, None);
        let revealed = Screen::new(
            4,
            shown_from(&activities, Some("a1"), false, true),
            None,
            &answers,
            "c".into(),
        );
        assert_eq!(
            revealed.results,
            Some(Results::Poll {
                counts: vec![0, 1],
                voters: 1
            })
        );
        let mut live = Live::default();
        live.apply(
            1,
            &Event::Show {
                activity: Some("a1".into()),
            },
        );
        let stage = Stage::new("W", "ABCDEF", String::new(), 2, &activities, &live);
        assert_eq!(
            stage.shown.map(|s| (s.position, s.of, s.open)),
            Some((1, 1, true))
        );
    }
}
