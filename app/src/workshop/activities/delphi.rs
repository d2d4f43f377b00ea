//! Delphi rounds: statements rated anonymously, round after round. From the second round each
//! participant sees how the group rated every statement in the round before, with the reasons
//! given, and their own earlier score, and may revise it with a reason; the facilitator sees
//! whether the group converges (the spread of the scores, round by round). An answer belongs
//! to the round under way when it is folded in, so the server never has to trust a round sent
//! by a form. A pure fold, with its views.

use super::{mean_spread, scale_points};
use crate::error::Problem;
use crate::i18n::*;
use crate::text::bounded_text;
use crate::ui::{textarea_text, view_locale};
use crate::workshop::run::Spread;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A reason, in letters.
pub const REASON_MAX: usize = 200;
/// How many rounds one Delphi activity may have.
pub const ROUNDS_MAX: u8 = 5;

/// One participant's scores in one round (`None`: left out), with a reason per statement
/// (empty: none given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rated {
    pub scores: Vec<Option<u8>>,
    pub reasons: Vec<String>,
}

/// The ratings of one Delphi activity: the round under way (from 1), and every round's
/// ratings by participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    pub round: u8,
    pub rounds: BTreeMap<u8, BTreeMap<String, Rated>>,
}

impl Default for Panel {
    fn default() -> Panel {
        Panel {
            round: 1,
            rounds: BTreeMap::new(),
        }
    }
}

/// How the group rated one statement in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub spread: Spread,
    /// The standard deviation of the scores: the smaller, the more the group agrees.
    pub deviation: Option<f64>,
    /// The reasons given, without names.
    pub reasons: Vec<String>,
}

/// One round's outcome, statement by statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundOutcome {
    pub round: u8,
    /// How many rated anything in it.
    pub raters: u32,
    pub statements: Vec<Verdict>,
}

impl Panel {
    /// A participant's rating, counted for the round under way.
    pub fn rate(&mut self, participant: &str, rated: Rated) {
        self.rounds
            .entry(self.round)
            .or_default()
            .insert(participant.to_owned(), rated);
    }

    /// The facilitator starts the next round; `round` must follow the one under way.
    pub fn next_round(&mut self, round: u8) {
        if round == self.round + 1 && round <= ROUNDS_MAX {
            self.round = round;
        }
    }

    /// Someone sent out: none of their ratings count.
    pub fn remove(&mut self, participant: &str) {
        for ratings in self.rounds.values_mut() {
            ratings.remove(participant);
        }
    }

    /// `participant`'s rating in `round`.
    pub fn rating(&self, participant: &str, round: u8) -> Option<&Rated> {
        self.rounds.get(&round)?.get(participant)
    }

    /// How many rated in the round under way.
    pub fn raters(&self) -> u32 {
        self.rounds.get(&self.round).map_or(0, |r| r.len() as u32)
    }

    /// The outcome of the rounds before `upto` (and of `upto` itself when `including`), for
    /// `statements` statements on the scale from `low` to `high`.
    pub fn outcomes(
        &self,
        statements: usize,
        (low, high): (u8, u8),
        upto: u8,
        including: bool,
    ) -> Vec<RoundOutcome> {
        let last = if including {
            upto
        } else {
            upto.saturating_sub(1)
        };
        (1..=last)
            .map(|round| {
                let empty = BTreeMap::new();
                let ratings = self.rounds.get(&round).unwrap_or(&empty);
                let verdicts = (0..statements)
                    .map(|n| {
                        let scores: Vec<u8> = ratings
                            .values()
                            .filter_map(|r| r.scores.get(n).copied().flatten())
                            .filter(|s| (low..=high).contains(s))
                            .collect();
                        let mut counts = vec![0u32; usize::from(high - low) + 1];
                        for s in &scores {
                            counts[usize::from(s - low)] += 1;
                        }
                        let summary = mean_spread(&scores);
                        Verdict {
                            spread: Spread {
                                counts,
                                mean: summary.map(|(mean, _)| mean),
                            },
                            deviation: summary.map(|(_, sd)| sd),
                            reasons: ratings
                                .values()
                                .filter_map(|r| r.reasons.get(n))
                                .filter(|r| !r.is_empty())
                                .cloned()
                                .collect(),
                        }
                    })
                    .collect();
                RoundOutcome {
                    round,
                    raters: ratings.len() as u32,
                    statements: verdicts,
                }
            })
            .collect()
    }
}

/// Reads a Delphi answer as posted: a score and a reason for every statement, in turn
/// (`values[2n]`, `values[2n + 1]`); at least one score.
pub fn check(
    statements: usize,
    (low, high): (u8, u8),
    values: &[String],
) -> Result<Rated, Problem> {
    if values.len() != 2 * statements {
        return Err(Problem::UnknownChoice);
    }
    let mut rated = Rated {
        scores: Vec::with_capacity(statements),
        reasons: Vec::with_capacity(statements),
    };
    for pair in values.chunks(2) {
        rated.scores.push(super::number(&pair[0], low, high)?);
        rated.reasons.push(match pair[1].trim() {
            "" => String::new(),
            typed => bounded_text(typed, REASON_MAX)?,
        });
    }
    if rated.scores.iter().all(Option::is_none) {
        return Err(Problem::Required);
    }
    Ok(rated)
}

/// The answer form's statements: each with the group's verdict of the round before and the
/// participant's own score in it (from the second round), the scale, and a reason.
#[component]
pub fn Inputs(
    statements: Vec<String>,
    low: u8,
    high: u8,
    /// The round before, if this is not the first.
    before: Option<RoundOutcome>,
    /// The participant's rating of the round before.
    earlier: Option<Rated>,
    /// Their rating of this round, if they rated already.
    now: Option<Rated>,
) -> impl IntoView {
    let locale = view_locale();
    statements
        .into_iter()
        .enumerate()
        .map(|(n, statement)| {
            let verdict = before.as_ref().and_then(|b| b.statements.get(n).cloned());
            let previous = earlier.as_ref().and_then(|r| r.scores.get(n).copied().flatten());
            let given = now
                .as_ref()
                .and_then(|r| r.scores.get(n).copied().flatten())
                .or(previous);
            let reason = now
                .as_ref()
                .and_then(|r| r.reasons.get(n).cloned())
                .unwrap_or_default();
            let group = verdict.map(|v| {
                let round = before.as_ref().map_or(1, |b| b.round);
                let yours = previous.map(|s| view! { " · " {td!(locale, delphi_yours, score = s)} });
                view! {
                    <div class="delphi-before">
                        <p class="muted">{td!(locale, delphi_group, round)} " " {summary(locale, &v)} {yours}</p>
                        {distribution(&v.spread, low)}
                        {reasons(&v.reasons)}
                    </div>
                }
            });
            let reason_id = format!("reason-{n}");
            view! {
                <fieldset class="scale delphi">
                    <legend>{statement}</legend>
                    {group}
                    {scale_points(format!("values[{}]", 2 * n), &format!("score-{n}"), low, high, given)}
                    <div class="field reason">
                        <label for=reason_id.clone()>{td!(locale, delphi_reason)}</label>
                        <textarea id=reason_id name=format!("values[{}]", 2 * n + 1) rows="2" maxlength=REASON_MAX.to_string()>{textarea_text(reason)}</textarea>
                    </div>
                </fieldset>
            }
        })
        .collect_view()
}

/// `mean 3.2 ± 1.1 (n = 9)`, or a dash for a statement nobody rated.
fn summary(locale: Locale, verdict: &Verdict) -> String {
    let n: u32 = verdict.spread.counts.iter().sum();
    match (verdict.spread.mean, verdict.deviation) {
        (Some(mean), Some(sd)) => td_string!(
            locale,
            delphi_summary,
            mean = format!("{mean:.1}"),
            sd = format!("{sd:.1}"),
            n
        )
        .to_string(),
        _ => "–".to_owned(),
    }
}

/// How many gave each score, as a line of text: `1: 0 · 2: 3 · 3: 5 …`.
fn distribution(spread: &Spread, low: u8) -> impl IntoView {
    let line = (u32::from(low)..)
        .zip(&spread.counts)
        .map(|(score, count)| format!("{score}: {count}"))
        .collect::<Vec<_>>()
        .join(" · ");
    view! { <p class="distribution">{line}</p> }
}

fn reasons(reasons: &[String]) -> Option<impl IntoView> {
    (!reasons.is_empty()).then(|| {
        let items = reasons
            .iter()
            .map(|r| view! { <li>{r.clone()}</li> })
            .collect_view();
        view! { <ul class="reasons">{items}</ul> }
    })
}

/// The rounds' outcomes, statement by statement: each round's mean, spread and distribution,
/// whether the group converged, and the reasons of the last round shown.
#[component]
pub fn Outcome(
    statements: Vec<String>,
    low: u8,
    rounds: Vec<RoundOutcome>,
    /// The round under way, and how many rated in it so far.
    round: u8,
    raters: u32,
) -> impl IntoView {
    let locale = view_locale();
    let under_way =
        view! { <p class="muted">{td!(locale, delphi_under_way, round, n = raters)}</p> };
    let items = statements
        .into_iter()
        .enumerate()
        .map(|(n, statement)| {
            let rows = rounds
                .iter()
                .filter_map(|r| r.statements.get(n).map(|v| (r.round, v)))
                .map(|(round, v)| {
                    view! {
                        <tr>
                            <th scope="row">{round}</th>
                            <td>{summary(locale, v)}</td>
                            <td>{distribution(&v.spread, low)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let deviations: Vec<f64> = rounds
                .iter()
                .filter_map(|r| r.statements.get(n).and_then(|v| v.deviation))
                .collect();
            let trend = match (deviations.first(), deviations.last()) {
                (Some(first), Some(last)) if deviations.len() > 1 => {
                    let (from, to) = (format!("{first:.1}"), format!("{last:.1}"));
                    Some(if last < first {
                        td_string!(locale, delphi_converging, from, to).to_string()
                    } else {
                        td_string!(locale, delphi_not_converging, from, to).to_string()
                    })
                }
                _ => None,
            };
            let last_reasons = rounds
                .last()
                .and_then(|r| r.statements.get(n))
                .map(|v| v.reasons.clone())
                .unwrap_or_default();
            view! {
                <li>
                    <strong>{statement}</strong>
                    <table class="delphi-rounds">
                        <thead>
                            <tr>
                                <th scope="col">{td!(locale, delphi_round)}</th>
                                <th scope="col">{td!(locale, delphi_mean_spread)}</th>
                                <th scope="col">{td!(locale, delphi_distribution)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {trend.map(|t| view! { <p>{t}</p> })}
                    {reasons(&last_reasons)}
                </li>
            }
        })
        .collect_view();
    let empty = rounds.is_empty();
    view! {
        {under_way}
        {(!empty).then(|| view! { <ul class="statements">{items}</ul> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::activities::typed;

    fn rated(scores: &[Option<u8>], reason: &str) -> Rated {
        Rated {
            scores: scores.to_vec(),
            reasons: scores.iter().map(|_| reason.to_owned()).collect(),
        }
    }

    #[test]
    fn ratings_count_for_the_round_under_way_and_the_spread_shows_convergence() {
        let mut panel = Panel::default();
        panel.rate("ana", rated(&[Some(1), Some(5)], "too slow"));
        panel.rate("ivo", rated(&[Some(5), None], ""));
        panel.next_round(3);
        assert_eq!(panel.round, 1, "rounds follow one another");
        panel.next_round(2);
        panel.rate("ana", rated(&[Some(3), Some(5)], ""));
        panel.rate("ivo", rated(&[Some(4), Some(4)], "changed my mind"));
        let rounds = panel.outcomes(2, (1, 5), panel.round, true);
        assert_eq!(rounds.len(), 2);
        let (first, second) = (&rounds[0].statements[0], &rounds[1].statements[0]);
        assert_eq!(first.spread.mean, Some(3.0));
        assert_eq!(first.deviation, Some(2.0));
        assert_eq!(second.deviation, Some(0.5), "the group converged");
        assert_eq!(first.reasons, vec!["too slow"]);
        assert_eq!(rounds[0].statements[1].spread.counts, vec![0, 0, 0, 0, 1]);
        assert_eq!(
            panel.outcomes(2, (1, 5), panel.round, false).len(),
            1,
            "the round under way stays out"
        );
        assert_eq!(panel.rating("ana", 1).unwrap().scores[0], Some(1));
        assert_eq!(panel.raters(), 2);
        panel.remove("ana");
        assert_eq!(panel.raters(), 1);
    }

    #[test]
    fn a_delphi_answer_is_a_score_and_a_reason_per_statement() {
        let ok = check(2, (1, 5), &typed(&["4", " Costs fell ", "", ""])).unwrap();
        assert_eq!(ok.scores, vec![Some(4), None]);
        assert_eq!(ok.reasons, vec!["Costs fell".to_owned(), String::new()]);
        assert_eq!(
            check(2, (1, 5), &typed(&["", "x", "", ""])),
            Err(Problem::Required)
        );
        assert_eq!(
            check(1, (1, 5), &typed(&["6", ""])),
            Err(Problem::OutOfRange)
        );
        assert_eq!(
            check(1, (1, 5), &typed(&["3", &"x".repeat(201)])),
            Err(Problem::TooLong { max: 200 })
        );
        assert_eq!(
            check(2, (1, 5), &typed(&["3"])),
            Err(Problem::UnknownChoice)
        );
    }
}
