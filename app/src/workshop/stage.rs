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
    /// The seconds left on the facilitator's timer when the screen was read (0: time is up),
    /// if one was started for this activity. The page counts down from there by itself.
    pub timer_left: Option<u32>,
}

/// Seconds from `now` to `ends` (milliseconds), rounded up: a timer shows 0 only once it ended.
fn seconds_left(ends: i64, now: i64) -> u32 {
    u32::try_from((ends.saturating_sub(now).max(0) as u64).div_ceil(1000)).unwrap_or(u32::MAX)
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

/// The shown activity, if any, in the agenda, at `now` (milliseconds since the epoch).
fn shown(activities: &[Activity], live: &Live, now: i64) -> Option<Shown> {
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
        timer_left: live.timer_ends.map(|ends| seconds_left(ends, now)),
    })
}

impl Stage {
    /// The stage at `now` (milliseconds since the epoch).
    pub fn new(
        title: &str,
        code: &str,
        join_url: String,
        participants: i64,
        activities: &[Activity],
        live: &Live,
        now: i64,
    ) -> Stage {
        let shown = shown(activities, live, now);
        let results = shown
            .as_ref()
            .map_or(Results::Nothing, |s| live.room_results(&s.activity));
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
                Some(super::tally::results(&s.activity.settings, answers.iter()))
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

/// What the workshop's row says of its screens: the shown activity, whether it takes answers
/// and was revealed, and when its timer ends.
#[derive(Debug, Clone, Copy, Default)]
pub struct Row<'a> {
    pub current: Option<&'a str>,
    pub open: bool,
    pub revealed: bool,
    pub timer_ends: Option<i64>,
}

/// The shown activity, for a participant's screen at `now`, from what the workshop row says.
pub fn shown_from(activities: &[Activity], row: Row<'_>, now: i64) -> Option<Shown> {
    let Row {
        current,
        open,
        revealed,
        timer_ends,
    } = row;
    let live = Live {
        current: current.map(str::to_owned),
        open,
        timer_ends,
        revealed: if revealed {
            current.map(str::to_owned).into_iter().collect()
        } else {
            Vec::new()
        },
        ..Live::default()
    };
    shown(activities, &live, now)
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
            shown_from(
                &activities,
                Row {
                    current: Some("a1"),
                    open: true,
                    ..Row::default()
                },
                0,
            ),
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
            shown_from(
                &activities,
                Row {
                    current: Some("a1"),
                    revealed: true,
                    ..Row::default()
                },
                0,
            ),
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
        let stage = Stage::new("W", "ABCDEF", String::new(), 2, &activities, &live, 0);
        assert_eq!(
            stage.shown.map(|s| (s.position, s.of, s.open)),
            Some((1, 1, true))
        );
    }

    #[test]
    fn a_timer_counts_whole_seconds_up_and_stops_with_the_next_activity() {
        let activities = vec![
            Activity {
                activity_id: "a1".into(),
                prompt: "Break".into(),
                settings: Settings::Timer { seconds: 300 },
            },
            Activity {
                activity_id: "a2".into(),
                prompt: "Next".into(),
                settings: Settings::WordCloud { per_person: 1 },
            },
        ];
        let mut live = Live::default();
        // Only the shown activity's timer starts.
        live.apply(
            1,
            &Event::Timer {
                activity: "a1".into(),
                ends_at: Some(10_000),
            },
        );
        assert_eq!(live.timer_ends, None);
        live.apply(
            2,
            &Event::Show {
                activity: Some("a1".into()),
            },
        );
        live.apply(
            3,
            &Event::Timer {
                activity: "a1".into(),
                ends_at: Some(10_000),
            },
        );
        let left = |live: &Live, now| {
            Stage::new("W", "ABCDEF", String::new(), 0, &activities, live, now)
                .shown
                .and_then(|s| s.timer_left)
        };
        assert_eq!(left(&live, 0), Some(10));
        assert_eq!(left(&live, 8_999), Some(2));
        assert_eq!(left(&live, 9_001), Some(1));
        assert_eq!(left(&live, 10_000), Some(0));
        assert_eq!(left(&live, 99_000), Some(0));
        live.apply(
            4,
            &Event::Timer {
                activity: "a1".into(),
                ends_at: None,
            },
        );
        assert_eq!(left(&live, 0), None);
        live.apply(
            5,
            &Event::Timer {
                activity: "a1".into(),
                ends_at: Some(10_000),
            },
        );
        live.apply(
            6,
            &Event::Show {
                activity: Some("a2".into()),
            },
        );
        assert_eq!(left(&live, 0), None);
    }
}
