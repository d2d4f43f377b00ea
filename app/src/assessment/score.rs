//! Results: the answers of a round's responses merged into scores per item and per dimension.
//! Pure functions, the same on the server and in the browser.

use super::model::{Answer, Answers, Item, Template};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Respondents who disagree by this many points or more on an item are flagged.
pub const DISAGREEMENT_RANGE: f64 = 3.0;
/// Another region's aggregates are shown only when at least this many people answered, so that
/// no single person's answers can be read from them.
pub const MIN_RESPONDENTS_TO_SHARE: usize = 3;

/// Summary of a set of scores on the 0–5 scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub count: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// The population standard deviation: how far answers lie from their mean.
    pub spread: f64,
}

impl Stats {
    /// `None` for no values.
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let count = values.len();
        let mean = values.iter().sum::<f64>() / count as f64;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count as f64;
        Some(Stats {
            count,
            mean,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            spread: variance.sqrt(),
        })
    }

    pub fn range(&self) -> f64 {
        self.max - self.min
    }
}

/// The merged answers to one scored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub item_id: String,
    pub dimension: String,
    pub present: Option<Stats>,
    pub target: Option<Stats>,
}

impl ItemScore {
    /// Mean target minus mean present: how far the region wants to move.
    pub fn gap(&self) -> Option<f64> {
        Some(self.target?.mean - self.present?.mean)
    }

    /// Respondents disagree strongly: their present scores lie 3 or more points apart.
    pub fn disagreement(&self) -> bool {
        self.present
            .is_some_and(|p| p.count > 1 && p.range() >= DISAGREEMENT_RANGE)
    }
}

/// A dimension's score: each response's weighted mean over the dimension's answered items,
/// then those per-response scores summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub dimension_id: String,
    pub present: Option<Stats>,
    pub target: Option<Stats>,
}

impl DimensionScore {
    pub fn gap(&self) -> Option<f64> {
        Some(self.target?.mean - self.present?.mean)
    }
}

/// The results of a set of responses given on one template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub respondents: usize,
    pub items: Vec<ItemScore>,
    pub dimensions: Vec<DimensionScore>,
}

impl Results {
    /// Merges the responses. Only answers to items that are shown to that respondent count.
    pub fn of(template: &Template, responses: &[Answers]) -> Results {
        let scored: Vec<(&Item, &String)> = template
            .items()
            .filter_map(|i| i.dimension.as_ref().map(|d| (i, d)))
            .collect();
        // Each response's answers to the scored items it was shown, in the order of `scored`:
        // conditions are checked once per response, not again for every item and dimension.
        let shown: Vec<Vec<Option<&Answer>>> = responses
            .iter()
            .map(|r| {
                let visible: HashSet<&str> =
                    template.visible_items(r).map(|i| i.id.as_str()).collect();
                scored
                    .iter()
                    .map(|(item, _)| {
                        r.get(&item.id)
                            .filter(|_| visible.contains(item.id.as_str()))
                    })
                    .collect()
            })
            .collect();
        let items = scored
            .iter()
            .enumerate()
            .map(|(k, (item, dimension))| {
                let scores = |score: fn(&Answer) -> Option<f64>| -> Vec<f64> {
                    shown.iter().filter_map(|r| score(r[k]?)).collect()
                };
                ItemScore {
                    item_id: item.id.clone(),
                    dimension: (*dimension).clone(),
                    present: Stats::of(&scores(Answer::present_score)),
                    target: Stats::of(&scores(Answer::target_score)),
                }
            })
            .collect();
        let dimensions = template
            .dimensions
            .iter()
            .map(|d| {
                let fed: Vec<usize> = (0..scored.len())
                    .filter(|&k| *scored[k].1 == d.id)
                    .collect();
                let per_response = |score: fn(&Answer) -> Option<f64>| -> Vec<f64> {
                    shown
                        .iter()
                        .filter_map(|r| {
                            weighted_mean(
                                fed.iter()
                                    .filter_map(|&k| Some((score(r[k]?)?, scored[k].0.weight))),
                            )
                        })
                        .collect()
                };
                DimensionScore {
                    dimension_id: d.id.clone(),
                    present: Stats::of(&per_response(Answer::present_score)),
                    target: Stats::of(&per_response(Answer::target_score)),
                }
            })
            .collect();
        Results {
            respondents: responses.len(),
            items,
            dimensions,
        }
    }

    /// The items with the largest present-to-target gaps, largest first: the suggested agenda.
    pub fn largest_gaps(&self, how_many: usize) -> Vec<&ItemScore> {
        let mut with_gap: Vec<_> = self
            .items
            .iter()
            .filter(|i| i.gap().is_some_and(|g| g > 0.0))
            .collect();
        with_gap.sort_by(|a, b| {
            b.gap()
                .unwrap_or_default()
                .total_cmp(&a.gap().unwrap_or_default())
        });
        with_gap.truncate(how_many);
        with_gap
    }

    pub fn disagreements(&self) -> impl Iterator<Item = &ItemScore> {
        self.items.iter().filter(|i| i.disagreement())
    }

    /// Whether these results may be shown to another region.
    pub fn shareable(&self) -> bool {
        self.respondents >= MIN_RESPONDENTS_TO_SHARE
    }
}

/// One response's score in one dimension: its weighted mean over the dimension's items it
/// answered (`None` when it answered none). A round's dimension score for comparisons is the
/// mean of these, so they are stored when a response is submitted and a comparison of a
/// hundred rounds reads a few rows a round instead of every answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseScore {
    pub dimension_id: String,
    pub present: Option<f64>,
    pub target: Option<f64>,
}

impl ResponseScore {
    /// The response's score in each of the template's dimensions, in the template's order.
    pub fn all_of(template: &Template, answers: &Answers) -> Vec<ResponseScore> {
        Results::of(template, std::slice::from_ref(answers))
            .dimensions
            .into_iter()
            .map(|d| ResponseScore {
                dimension_id: d.dimension_id,
                present: d.present.map(|s| s.mean),
                target: d.target.map(|s| s.mean),
            })
            .collect()
    }
}

fn weighted_mean(values: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (sum, weights) = values.fold((0.0, 0.0), |(s, w), (v, weight)| {
        (s + v * weight, w + weight)
    });
    (weights > 0.0).then(|| sum / weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::model::Answers;

    fn template() -> Template {
        Template::from_json(include_str!("../../templates/regional-cluster-policy.json")).unwrap()
    }

    fn response(scores: &[(&str, Option<u8>, Option<u8>)]) -> Answers {
        scores
            .iter()
            .map(|(id, present, target)| {
                (
                    (*id).to_owned(),
                    Answer::Evidence {
                        present: *present,
                        target: *target,
                        justification: String::new(),
                        link: String::new(),
                    },
                )
            })
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn stats_give_the_mean_range_and_spread_and_nothing_for_no_values() {
        let s = Stats::of(&[1.0, 3.0, 5.0]).unwrap();
        assert_eq!((s.count, s.min, s.max), (3, 1.0, 5.0));
        assert!(close(s.mean, 3.0));
        assert!(close(s.spread, (8.0f64 / 3.0).sqrt()));
        assert_eq!(Stats::of(&[]), None);
    }

    #[test]
    fn item_scores_merge_respondents_and_show_the_gap_and_strong_disagreement() {
        let responses = [
            response(&[("B1", Some(1), Some(4)), ("B2", Some(3), Some(3))]),
            response(&[("B1", Some(4), Some(5)), ("B2", Some(3), None)]),
        ];
        let results = Results::of(&template(), &responses);
        let b1 = results.items.iter().find(|i| i.item_id == "B1").unwrap();
        assert!(close(b1.present.unwrap().mean, 2.5));
        assert!(close(b1.gap().unwrap(), 2.0));
        assert!(b1.disagreement(), "1 and 4 lie 3 points apart");
        let b2 = results.items.iter().find(|i| i.item_id == "B2").unwrap();
        assert!(!b2.disagreement());
        assert_eq!(b2.target.unwrap().count, 1);
        assert_eq!(
            results
                .disagreements()
                .map(|i| i.item_id.as_str())
                .collect::<Vec<_>>(),
            vec!["B1"]
        );
        assert_eq!(results.largest_gaps(1)[0].item_id, "B1");
    }

    #[test]
    fn a_dimension_score_is_each_respondents_weighted_mean_then_summarised() {
        let template = template();
        let mut one = response(&[
            ("F1", Some(4), None),
            ("F2.impact", Some(0), None),
            ("F4", Some(4), None),
        ]);
        one.insert(
            "F2".into(),
            Answer::SingleChoice {
                choice: "yes".into(),
            },
        );
        let two = response(&[("F1", Some(2), None)]);
        let results = Results::of(&template, &[one, two]);
        let monitoring = results
            .dimensions
            .iter()
            .find(|d| d.dimension_id == "monitoring")
            .unwrap();
        let present = monitoring.present.unwrap();
        // Respondent one: (4 + 0 × 0.5 + 4) / 2.5 = 3.2; respondent two: 2.
        assert_eq!(present.count, 2);
        assert!(close(present.mean, 2.6), "{}", present.mean);
        assert!(close(present.max, 3.2));
        assert_eq!(monitoring.target, None);
    }

    #[test]
    fn the_mean_of_each_responses_stored_score_is_the_rounds_dimension_score() {
        let template = template();
        let responses = [
            response(&[("F1", Some(4), Some(5)), ("F4", Some(1), None)]),
            response(&[("F1", Some(2), None)]),
            response(&[("F2.impact", Some(5), None)]),
        ];
        let merged = Results::of(&template, &responses);
        let each: Vec<Vec<ResponseScore>> = responses
            .iter()
            .map(|r| ResponseScore::all_of(&template, r))
            .collect();
        for (k, dimension) in merged.dimensions.iter().enumerate() {
            let present: Vec<f64> = each.iter().filter_map(|r| r[k].present).collect();
            assert_eq!(each[0][k].dimension_id, dimension.dimension_id);
            assert_eq!(present.len(), dimension.present.map_or(0, |s| s.count));
            if let Some(stats) = dimension.present {
                let mean = present.iter().sum::<f64>() / present.len() as f64;
                assert!(close(mean, stats.mean), "{}", dimension.dimension_id);
            }
        }
        let monitoring = template
            .dimensions
            .iter()
            .position(|d| d.id == "monitoring")
            .unwrap();
        assert_eq!(each[0][monitoring].target, Some(5.0));
        assert_eq!(each[1][monitoring].present, Some(2.0));
    }

    #[test]
    fn answers_to_hidden_items_do_not_count() {
        let results = Results::of(&template(), &[response(&[("F2.impact", Some(5), None)])]);
        let impact = results
            .items
            .iter()
            .find(|i| i.item_id == "F2.impact")
            .unwrap();
        assert_eq!(impact.present, None, "F2 was not answered 'yes'");
    }

    #[test]
    fn agreement_answers_are_scored_on_the_same_zero_to_five_scale() {
        assert_eq!(Answer::Agreement { value: 1 }.present_score(), Some(0.0));
        assert_eq!(Answer::Agreement { value: 5 }.present_score(), Some(5.0));
        assert_eq!(Answer::Agreement { value: 3 }.present_score(), Some(2.5));
    }

    #[test]
    fn results_of_fewer_than_three_respondents_are_not_shared_with_other_regions() {
        let template = template();
        let two = Results::of(&template, &[Answers::new(), Answers::new()]);
        assert!(!two.shareable());
        let three = Results::of(&template, &[Answers::new(), Answers::new(), Answers::new()]);
        assert!(three.shareable());
    }
}
