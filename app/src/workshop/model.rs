//! Workshops and their agendas: the activities a facilitator prepares, the rules their settings
//! keep, and the six-letter code participants join by. Pure, shared by the server and the
//! browser.

use crate::assessment::round::is_code_of;
#[cfg(feature = "ssr")]
use crate::assessment::round::random_code;
use crate::error::{Checks, Problem};
use crate::text::bounded_text;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 120;
pub const PROMPT_MAX: usize = 200;
/// One poll option or rating statement, in letters.
pub const CHOICE_MAX: usize = 80;
pub const CHOICES_MAX: usize = 12;
pub const POLL_OPTIONS_MIN: usize = 2;
pub const ACTIVITIES_MAX: usize = 50;
pub const NICKNAME_MAX: usize = 30;
/// How many words one person may add to a word cloud.
pub const WORDS_PER_PERSON_MAX: u8 = 10;
/// How many dots one person may place in a dot vote.
pub const DOTS_MAX: u8 = 20;
/// The name of a 2×2 matrix's axis, in letters.
pub const AXIS_MAX: usize = 40;
pub const TIMER_SECONDS_MIN: u32 = 10;
pub const TIMER_SECONDS_MAX: u32 = 3 * 60 * 60;
/// A join code: six letters of the respondents' code alphabet, about 594 million codes, short enough to
/// read off a projector and type on a phone.
pub const JOIN_CODE_LETTERS: usize = 6;

/// The scale statements of a rating activity are rated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 0 (no information) to 5 (excellent), the assessment scale.
    Evidence,
    /// 1 (strongly disagree) to 5 (strongly agree).
    Agreement,
}

/// What an activity asks of the room, with its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Settings {
    /// One or several of the options; `correct` (an option's index) is shown only on reveal.
    Poll {
        options: Vec<String>,
        multiple: bool,
        correct: Option<usize>,
    },
    /// Each statement rated on the scale.
    Rating {
        statements: Vec<String>,
        scale: Scale,
    },
    /// Short entries, up to `per_person` from each participant.
    WordCloud { per_person: u8 },
    /// The items put in order by each participant, best first; results as average rank.
    Ranking { items: Vec<String> },
    /// `dots` dots per person spread over the items, several on one item when `stacking`; the
    /// counts stay hidden from every screen until the facilitator reveals them.
    Dots {
        items: Vec<String>,
        dots: u8,
        stacking: bool,
    },
    /// Each item placed on two axes (such as impact and uncertainty), 1 to 5 on each; results
    /// as every item's mean position with its spread.
    Matrix {
        items: Vec<String>,
        x: String,
        y: String,
    },
    /// Questions from the room, upvoted and moderated; `anonymous`: askers may leave their
    /// name off; `moderated`: a question waits for the facilitator before the room sees it.
    Questions {
        anonymous: bool,
        #[serde(default)]
        moderated: bool,
    },
    /// A countdown everyone sees.
    Timer { seconds: u32 },
}

/// The kinds of activity, by the name the agenda form sends.
pub const KINDS: [&str; 8] = [
    "poll",
    "rating",
    "word_cloud",
    "ranking",
    "dots",
    "matrix",
    "questions",
    "timer",
];

impl Settings {
    pub fn kind(&self) -> &'static str {
        match self {
            Settings::Poll { .. } => "poll",
            Settings::Rating { .. } => "rating",
            Settings::WordCloud { .. } => "word_cloud",
            Settings::Ranking { .. } => "ranking",
            Settings::Dots { .. } => "dots",
            Settings::Matrix { .. } => "matrix",
            Settings::Questions { .. } => "questions",
            Settings::Timer { .. } => "timer",
        }
    }

    /// Whether participants answer it from their screens.
    pub fn takes_answers(&self) -> bool {
        !matches!(self, Settings::Questions { .. } | Settings::Timer { .. })
    }

    /// Whether its results stay hidden from every screen until the facilitator reveals them.
    pub fn sealed(&self) -> bool {
        matches!(self, Settings::Dots { .. })
    }

    /// How many values its answer form sends, each in its place (one per statement or item,
    /// two per item of a matrix); `None` where the form sends a list (a poll's choices, words).
    pub fn slots(&self) -> Option<usize> {
        match self {
            Settings::Rating { statements, .. } => Some(statements.len()),
            Settings::Ranking { items } | Settings::Dots { items, .. } => Some(items.len()),
            Settings::Matrix { items, .. } => Some(2 * items.len()),
            _ => None,
        }
    }
}

/// One step of a workshop's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub activity_id: String,
    pub prompt: String,
    pub settings: Settings,
}

/// A workshop as its facilitator prepares and runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub workshop_id: String,
    pub title: String,
    /// The language tag of the room (`en`, `hr`…): the participants' pages speak it.
    pub language: String,
    pub code: String,
    pub joining_locked: bool,
    pub anonymous_allowed: bool,
    /// A template: its agenda starts workshops; it is never run itself.
    pub template: bool,
    pub activities: Vec<Activity>,
    pub participants: Vec<Participant>,
    /// What the presenter's screen shows now.
    pub stage: super::stage::Stage,
}

/// Someone who joined; `nickname` is `None` for who joined anonymously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub participant_id: String,
    pub nickname: Option<String>,
    pub joined_at: i64,
}

/// A line of the facilitator's list of workshops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopSummary {
    pub workshop_id: String,
    pub title: String,
    pub code: String,
    pub activities: i64,
    pub participants: i64,
    pub template: bool,
}

/// What the participant's page shows: the workshop, and who the visitor is in it, if they
/// joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub title: String,
    pub code: String,
    pub joining_locked: bool,
    pub anonymous_allowed: bool,
    /// The visitor joined.
    pub joined: bool,
    /// Their nickname once they joined (`None`: anonymously).
    pub nickname: Option<String>,
    /// What their screen shows, once they joined.
    pub screen: Option<super::stage::Screen>,
}

/// The agenda form, as posted: every field as typed. Which fields count depends on `kind`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityForm<'a> {
    pub kind: &'a str,
    pub prompt: &'a str,
    /// Poll options or rating statements, one per line.
    pub lines: &'a str,
    pub multiple: bool,
    pub anonymous: bool,
    pub moderated: bool,
    /// The number (from 1) of the poll's correct option, or empty.
    pub correct: &'a str,
    pub scale: &'a str,
    pub per_person: &'a str,
    pub minutes: &'a str,
    pub dots: &'a str,
    pub stacking: bool,
    pub x_axis: &'a str,
    pub y_axis: &'a str,
}

/// Reads the agenda form into an activity's prompt and settings, recording each field's
/// problem in `checks`.
pub fn parse_activity(form: &ActivityForm, checks: &mut Checks) -> Option<(String, Settings)> {
    let prompt = checks.check("prompt", bounded_text(form.prompt, PROMPT_MAX));
    let settings = match form.kind {
        "poll" => {
            let options = checks.check("lines", choices(form.lines, POLL_OPTIONS_MIN));
            let correct = checks.check(
                "correct",
                correct_option(form.correct, options.as_ref().map_or(0, Vec::len)),
            );
            options
                .zip(correct)
                .map(|(options, correct)| Settings::Poll {
                    options,
                    multiple: form.multiple,
                    correct,
                })
        }
        "rating" => {
            let statements = checks.check("lines", choices(form.lines, 1));
            let scale = checks.check(
                "scale",
                match form.scale {
                    "evidence" => Ok(Scale::Evidence),
                    "agreement" => Ok(Scale::Agreement),
                    _ => Err(Problem::UnknownChoice),
                },
            );
            statements
                .zip(scale)
                .map(|(statements, scale)| Settings::Rating { statements, scale })
        }
        "word_cloud" => checks
            .check(
                "per_person",
                whole_number(form.per_person, 1, u32::from(WORDS_PER_PERSON_MAX)),
            )
            .map(|n| Settings::WordCloud {
                per_person: n as u8,
            }),
        "ranking" => checks
            .check("lines", choices(form.lines, 2))
            .map(|items| Settings::Ranking { items }),
        "dots" => {
            let items = checks.check("lines", choices(form.lines, 2));
            // Without stacking nobody can place more dots than there are items.
            let most = match &items {
                Some(items) if !form.stacking => items.len().min(usize::from(DOTS_MAX)) as u32,
                _ => u32::from(DOTS_MAX),
            };
            let dots = checks.check("dots", whole_number(form.dots, 1, most));
            items.zip(dots).map(|(items, dots)| Settings::Dots {
                items,
                dots: dots as u8,
                stacking: form.stacking,
            })
        }
        "matrix" => {
            let items = checks.check("lines", choices(form.lines, 1));
            let x = checks.check("x_axis", bounded_text(form.x_axis, AXIS_MAX));
            let y = checks.check("y_axis", bounded_text(form.y_axis, AXIS_MAX));
            items
                .zip(x.zip(y))
                .map(|(items, (x, y))| Settings::Matrix { items, x, y })
        }
        "questions" => Some(Settings::Questions {
            anonymous: form.anonymous,
            moderated: form.moderated,
        }),
        "timer" => checks
            .check("minutes", timer_seconds(form.minutes))
            .map(|seconds| Settings::Timer { seconds }),
        _ => {
            checks.fail("kind", Problem::UnknownChoice);
            None
        }
    };
    prompt.zip(settings)
}

/// The non-empty lines of `raw`, each a short one-line text: at least `min`, at most
/// [`CHOICES_MAX`], no two alike (ignoring case).
fn choices(raw: &str, min: usize) -> Result<Vec<String>, Problem> {
    let mut lines = Vec::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let line = bounded_text(line, CHOICE_MAX)?;
        if lines
            .iter()
            .any(|l: &String| l.to_lowercase() == line.to_lowercase())
        {
            return Err(Problem::Duplicate { text: line });
        }
        lines.push(line);
    }
    if lines.len() < min {
        return Err(Problem::TooFewChoices { min });
    }
    if lines.len() > CHOICES_MAX {
        return Err(Problem::TooManyChoices { max: CHOICES_MAX });
    }
    Ok(lines)
}

fn correct_option(raw: &str, options: usize) -> Result<Option<usize>, Problem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let n = whole_number(raw, 1, options as u32)?;
    Ok(Some(n as usize - 1))
}

fn whole_number(raw: &str, min: u32, max: u32) -> Result<u32, Problem> {
    let n: u32 = raw.trim().parse().map_err(|_| Problem::OutOfRange)?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(Problem::OutOfRange)
    }
}

/// A timer's length typed as minutes (`5`) or minutes and seconds (`1:30`), in seconds, within
/// [`TIMER_SECONDS_MIN`] and [`TIMER_SECONDS_MAX`].
pub fn timer_seconds(raw: &str) -> Result<u32, Problem> {
    minutes(raw).and_then(|s| {
        if (TIMER_SECONDS_MIN..=TIMER_SECONDS_MAX).contains(&s) {
            Ok(s)
        } else {
            Err(Problem::OutOfRange)
        }
    })
}

/// A duration typed as minutes (`5`) or minutes and seconds (`1:30`), in seconds.
fn minutes(raw: &str) -> Result<u32, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let (m, s) = raw.split_once(':').unwrap_or((raw, "0"));
    let m: u32 = m.trim().parse().map_err(|_| Problem::OutOfRange)?;
    let s: u32 = s.trim().parse().map_err(|_| Problem::OutOfRange)?;
    if s >= 60 {
        return Err(Problem::OutOfRange);
    }
    m.checked_mul(60)
        .and_then(|m| m.checked_add(s))
        .ok_or(Problem::OutOfRange)
}

/// `90` → `1:30`.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Whether a normalised code (`round::normalise_code`) could be a workshop's.
pub fn is_join_code(code: &str) -> bool {
    is_code_of(code, JOIN_CODE_LETTERS)
}

/// A participant's nickname: empty means anonymous, which the workshop must allow.
pub fn nickname(raw: &str, anonymous_allowed: bool) -> Result<Option<String>, Problem> {
    if raw.trim().is_empty() {
        return if anonymous_allowed {
            Ok(None)
        } else {
            Err(Problem::Required)
        };
    }
    bounded_text(raw, NICKNAME_MAX).map(Some)
}

/// A fresh join code.
#[cfg(feature = "ssr")]
pub fn new_join_code() -> String {
    random_code(JOIN_CODE_LETTERS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn parsed(form: ActivityForm) -> Result<(String, Settings), AppError> {
        let mut checks = Checks::default();
        let activity = parse_activity(&form, &mut checks);
        checks.finish()?;
        Ok(activity.expect("no problem, so an activity"))
    }

    fn problem(form: ActivityForm, field: &str) -> Problem {
        match parsed(form) {
            Err(AppError::Invalid { fields, .. }) => fields[field].clone(),
            other => panic!("expected a problem at {field}, got {other:?}"),
        }
    }

    #[test]
    fn a_poll_takes_its_options_one_per_line_and_an_optional_correct_one() {
        let form = ActivityForm {
            kind: "poll",
            prompt: " Which instrument first? ",
            lines: "Vouchers\n\n  Cluster grants \nTraining\n",
            correct: "2",
            ..ActivityForm::default()
        };
        assert_eq!(
            parsed(form).unwrap(),
            (
                "Which instrument first?".to_owned(),
                Settings::Poll {
                    options: vec![
                        "Vouchers".into(),
                        "Cluster grants".into(),
                        "Training".into()
                    ],
                    multiple: false,
                    correct: Some(1),
                }
            )
        );
    }

    #[test]
    fn a_poll_needs_two_different_options_and_a_correct_answer_among_them() {
        let poll = |lines, correct| ActivityForm {
            kind: "poll",
            prompt: "Q",
            lines,
            correct,
            ..ActivityForm::default()
        };
        assert_eq!(
            problem(poll("Only one", ""), "lines"),
            Problem::TooFewChoices { min: 2 }
        );
        assert_eq!(
            problem(poll("Yes\nyes", ""), "lines"),
            Problem::Duplicate { text: "yes".into() }
        );
        assert_eq!(
            problem(poll("Yes\nNo", "3"), "correct"),
            Problem::OutOfRange
        );
        let many = (0..13).map(|n| format!("Option {n}\n")).collect::<String>();
        assert_eq!(
            problem(poll(&many, ""), "lines"),
            Problem::TooManyChoices { max: 12 }
        );
    }

    #[test]
    fn every_kind_checks_its_own_settings_and_an_unknown_kind_is_refused() {
        let form = |kind, per_person, minutes| ActivityForm {
            kind,
            prompt: "Go",
            lines: "Strong links between firms",
            scale: "agreement",
            per_person,
            minutes,
            ..ActivityForm::default()
        };
        assert_eq!(
            parsed(form("rating", "", "")).unwrap().1,
            Settings::Rating {
                statements: vec!["Strong links between firms".into()],
                scale: Scale::Agreement,
            }
        );
        assert_eq!(
            parsed(form("word_cloud", "3", "")).unwrap().1,
            Settings::WordCloud { per_person: 3 }
        );
        assert_eq!(
            problem(form("word_cloud", "11", ""), "per_person"),
            Problem::OutOfRange
        );
        assert_eq!(
            parsed(form("timer", "", "1:30")).unwrap().1,
            Settings::Timer { seconds: 90 }
        );
        assert_eq!(
            problem(form("timer", "", "0:05"), "minutes"),
            Problem::OutOfRange
        );
        assert_eq!(
            problem(form("timer", "", "1:75"), "minutes"),
            Problem::OutOfRange
        );
        assert_eq!(problem(form("timer", "", ""), "minutes"), Problem::Required);
        assert_eq!(
            problem(form("vote", "", ""), "kind"),
            Problem::UnknownChoice
        );
        for kind in KINDS {
            let two_lines = ActivityForm {
                lines: "Firms\nResearch",
                dots: "2",
                x_axis: "Impact",
                y_axis: "Uncertainty",
                ..form(kind, "2", "5")
            };
            let settings = parsed(two_lines).unwrap().1;
            assert_eq!(settings.kind(), kind);
        }
    }

    #[test]
    fn dot_votes_rankings_and_matrices_check_their_items_dots_and_axes() {
        let form = |kind, lines, dots, x_axis| ActivityForm {
            kind,
            prompt: "Go",
            lines,
            dots,
            stacking: true,
            x_axis,
            y_axis: "Uncertainty",
            ..ActivityForm::default()
        };
        assert_eq!(
            parsed(form("dots", "Vouchers\nGrants", "5", "")).unwrap().1,
            Settings::Dots {
                items: vec!["Vouchers".into(), "Grants".into()],
                dots: 5,
                stacking: true,
            }
        );
        assert_eq!(
            problem(form("dots", "Vouchers\nGrants", "21", ""), "dots"),
            Problem::OutOfRange
        );
        assert_eq!(
            problem(
                ActivityForm {
                    stacking: false,
                    ..form("dots", "Vouchers\nGrants", "3", "")
                },
                "dots"
            ),
            Problem::OutOfRange,
            "one dot per item, so no more dots than items"
        );
        assert_eq!(
            problem(form("ranking", "Only one", "", ""), "lines"),
            Problem::TooFewChoices { min: 2 }
        );
        assert_eq!(
            parsed(form("matrix", "Energy prices", "", " Impact "))
                .unwrap()
                .1,
            Settings::Matrix {
                items: vec!["Energy prices".into()],
                x: "Impact".into(),
                y: "Uncertainty".into(),
            }
        );
        assert_eq!(
            problem(form("matrix", "Energy prices", "", ""), "x_axis"),
            Problem::Required
        );
        let dots = Settings::Dots {
            items: vec!["A".into()],
            dots: 1,
            stacking: false,
        };
        assert!(dots.sealed() && dots.takes_answers());
        assert_eq!(
            Settings::Matrix {
                items: vec!["A".into(), "B".into()],
                x: "x".into(),
                y: "y".into()
            }
            .slots(),
            Some(4)
        );
    }

    #[test]
    fn settings_are_stored_as_json_tagged_with_their_kind() {
        let settings = Settings::WordCloud { per_person: 3 };
        let json = serde_json::to_string(&settings).unwrap();
        assert_eq!(json, r#"{"kind":"word_cloud","per_person":3}"#);
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), settings);
    }

    #[test]
    fn a_join_code_is_read_in_any_case_with_spaces_or_dashes() {
        use crate::assessment::round::normalise_code;
        assert_eq!(normalise_code(" abc-d 23 "), "ABCD23");
        assert!(is_join_code("ABCD23"));
        assert!(!is_join_code("ABCD2"));
        assert!(!is_join_code("ABCD20"), "0 is not in the alphabet");
        assert!(is_join_code(&new_join_code()));
    }

    #[test]
    fn an_empty_nickname_is_anonymous_only_where_the_workshop_allows_it() {
        assert_eq!(nickname("  ", true), Ok(None));
        assert_eq!(nickname("", false), Err(Problem::Required));
        assert_eq!(nickname(" Ana ", false), Ok(Some("Ana".into())));
        assert_eq!(
            nickname(&"x".repeat(31), true),
            Err(Problem::TooLong { max: 30 })
        );
    }

    #[test]
    fn a_clock_shows_minutes_and_seconds() {
        assert_eq!(clock(90), "1:30");
        assert_eq!(clock(3600), "60:00");
    }
}
