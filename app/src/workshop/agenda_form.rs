//! The agenda form: one form for every kind of activity, read into an activity's prompt and
//! settings with each field's problem named. Pure, shared by the server and the browser.

use super::model::{
    Scale, Settings, AXIS_MAX, CHOICES_MAX, CHOICE_MAX, DOTS_MAX, POLL_OPTIONS_MIN, PROMPT_MAX,
    TIMER_SECONDS_MAX, TIMER_SECONDS_MIN, WORDS_PER_PERSON_MAX,
};
use crate::error::{Checks, Problem};
use crate::text::bounded_text;

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
        "rating" | "delphi" => {
            let statements = checks.check("lines", choices(form.lines, 1));
            let scale = checks.check(
                "scale",
                match form.scale {
                    "evidence" => Ok(Scale::Evidence),
                    "agreement" => Ok(Scale::Agreement),
                    _ => Err(Problem::UnknownChoice),
                },
            );
            statements.zip(scale).map(|(statements, scale)| {
                if form.kind == "delphi" {
                    Settings::Delphi { statements, scale }
                } else {
                    Settings::Rating { statements, scale }
                }
            })
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
        "ideas" => {
            let categories = checks.check("lines", choices(form.lines, 0));
            let dots = checks.check("dots", board_dots(form.dots));
            categories
                .zip(dots)
                .map(|(categories, dots)| Settings::Ideas { categories, dots })
        }
        "cafe" => {
            let topics = checks.check("lines", choices(form.lines, 2));
            let dots = checks.check("dots", board_dots(form.dots));
            topics
                .zip(dots)
                .map(|(topics, dots)| Settings::Cafe { topics, dots })
        }
        "swot" => checks
            .check("dots", board_dots(form.dots))
            .map(|dots| Settings::Swot { dots }),
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

/// The dots each person places on a board's notes: empty or 0 for no dot vote.
fn board_dots(raw: &str) -> Result<u8, Problem> {
    if raw.trim().is_empty() {
        return Ok(0);
    }
    whole_number(raw, 0, u32::from(DOTS_MAX)).map(|n| n as u8)
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
    use crate::workshop::model::KINDS;

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
}
