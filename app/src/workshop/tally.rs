//! The answers of the polls, ratings and word clouds: reading one as posted against the
//! activity's settings, and counting them into results; the other kinds' rules are in
//! `activities/`. Pure, shared by the server and the browser.

use super::activities::{delphi, dots, matrix, ranking};
use super::model::{Scale, Settings};
use super::run::{Answer, Results, Spread};
use crate::error::Problem;
use crate::text::bounded_text;
use std::collections::BTreeMap;

/// One word of a word cloud, in letters.
pub const WORD_MAX: usize = 40;

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
        Settings::Delphi { statements, scale } => {
            delphi::check(statements.len(), scale_bounds(*scale), values)
                .map(|rated| Answer::Delphi { rated })
        }
        Settings::Questions { .. }
        | Settings::Ideas { .. }
        | Settings::Swot { .. }
        | Settings::Cafe { .. }
        | Settings::Timer { .. } => Err(Problem::UnknownChoice),
    }
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
        // Rounds are folded by the panel, not from everyone's latest answer.
        Settings::Delphi { .. }
        | Settings::Questions { .. }
        | Settings::Ideas { .. }
        | Settings::Swot { .. }
        | Settings::Cafe { .. }
        | Settings::Timer { .. } => Results::Nothing,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn poll(multiple: bool) -> Settings {
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
