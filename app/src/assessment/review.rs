//! Peer review and the region's feedback report. The facilitator of a round asks people from
//! other regions (by their accounts) to review its results; each reviewer reads the merged
//! results (never anyone's answers) and scores the same dimensions, 0–5, with comments. The
//! region sees the reviewers' scores beside its own and records a feedback report: a summary
//! and a to-do list of actions with an owner, a due date and a status.

use super::round::Round;
use crate::error::Problem;
use crate::registry::model::Translated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest comment on one dimension, and the longest overall comment.
pub const COMMENT_MAX: usize = 2_000;
/// The longest feedback summary.
pub const FEEDBACK_MAX: usize = 10_000;
/// The longest action and the longest owner's name on the to-do list.
pub const ACTION_MAX: usize = 300;
pub const OWNER_MAX: usize = 120;

/// A reviewer's view of one dimension: a score (0–5) and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DimensionReview {
    pub score: Option<u8>,
    #[serde(default)]
    pub comment: String,
}

/// A review's scores, by dimension id.
pub type ReviewScores = BTreeMap<String, DimensionReview>;

/// The form names of a dimension's score and comment: `scores[D1]`, `comments[D1]`.
pub fn score_field(dimension: &str) -> String {
    format!("scores[{dimension}]")
}

pub fn comment_field(dimension: &str) -> String {
    format!("comments[{dimension}]")
}

/// The scores and comments a review form sends, checked: each problem named at its field.
/// A dimension the round's template does not have is refused as a whole (`Err(None)`).
pub fn review_from_form(
    dimensions: &[(String, Translated)],
    scores: &BTreeMap<String, String>,
    comments: &BTreeMap<String, String>,
) -> Result<ReviewScores, Option<BTreeMap<String, Problem>>> {
    let known = |id: &String| dimensions.iter().any(|(d, _)| d == id);
    if !scores.keys().chain(comments.keys()).all(known) {
        return Err(None);
    }
    let mut problems = BTreeMap::new();
    let mut review = ReviewScores::new();
    for (id, _) in dimensions {
        let score = match scores.get(id).map(|s| s.trim()).unwrap_or_default() {
            "" => None,
            raw => match raw.parse::<u8>() {
                Ok(n) if n <= 5 => Some(n),
                _ => {
                    problems.insert(score_field(id), Problem::OutOfRange);
                    None
                }
            },
        };
        let comment = match crate::text::long_text(
            comments.get(id).map(String::as_str).unwrap_or_default(),
            COMMENT_MAX,
        ) {
            Ok(c) => c,
            Err(p) => {
                problems.insert(comment_field(id), p);
                String::new()
            }
        };
        if score.is_some() || !comment.is_empty() {
            review.insert(id.clone(), DimensionReview { score, comment });
        }
    }
    if problems.is_empty() {
        Ok(review)
    } else {
        Err(Some(problems))
    }
}

/// The dimensions a review must score before it is submitted: those the self-assessment has a
/// score for. Returns the ones missing.
pub fn missing_scores<'d>(
    dimensions: &'d [(String, Translated)],
    self_assessed: &[Option<f64>],
    review: &ReviewScores,
) -> Vec<&'d str> {
    dimensions
        .iter()
        .zip(self_assessed)
        .filter(|(_, own)| own.is_some())
        .filter(|((id, _), _)| review.get(id).and_then(|d| d.score).is_none())
        .map(|((id, _), _)| id.as_str())
        .collect()
}

/// The mean score of each dimension over the submitted reviews that scored it.
pub fn reviewers_mean(
    dimensions: &[(String, Translated)],
    reviews: &[ReviewSummary],
) -> Vec<Option<f64>> {
    dimensions
        .iter()
        .map(|(id, _)| {
            let scores: Vec<f64> = reviews
                .iter()
                .filter(|r| r.submitted)
                .filter_map(|r| r.scores.get(id).and_then(|d| d.score))
                .map(f64::from)
                .collect();
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        })
        .collect()
}

/// What a reviewer works on: the round's merged results and their own review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub review_id: String,
    pub round: Round,
    pub dimensions: Vec<(String, Translated)>,
    pub respondents: usize,
    /// The self-assessment: present and target means by dimension.
    pub present: Vec<Option<f64>>,
    pub target: Vec<Option<f64>>,
    pub scores: ReviewScores,
    pub comment: String,
    pub submitted: bool,
}

/// One review as the round's facilitator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub review_id: String,
    /// Whom it was asked of: the e-mail as the facilitator typed it.
    pub label: String,
    pub scores: ReviewScores,
    pub comment: String,
    pub submitted: bool,
}

/// Where an action on the to-do list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Doing,
    Done,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] =
        [ActionStatus::Open, ActionStatus::Doing, ActionStatus::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Doing => "doing",
            ActionStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One action of the feedback report's to-do list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub action_id: String,
    pub action: String,
    pub owner: String,
    /// `2027-03-31`, or empty.
    pub due_on: String,
    pub status: ActionStatus,
}

/// The peer review of a round and its feedback report, for the round's facilitator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub reviews: Vec<ReviewSummary>,
    pub feedback: String,
    pub actions: Vec<Action>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims() -> Vec<(String, Translated)> {
        ["D1", "D2"]
            .map(|d| (d.to_owned(), Translated::default()))
            .to_vec()
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_review_form_is_checked_field_by_field() {
        let review = review_from_form(
            &dims(),
            &form(&[("D1", "4"), ("D2", "")]),
            &form(&[("D1", "Strong\nstrategy")]),
        )
        .unwrap();
        assert_eq!(review["D1"].score, Some(4));
        assert_eq!(review["D1"].comment, "Strong\nstrategy");
        assert!(!review.contains_key("D2"), "nothing given, nothing kept");

        let problems = review_from_form(&dims(), &form(&[("D1", "6"), ("D2", "x")]), &form(&[]))
            .unwrap_err()
            .unwrap();
        assert_eq!(problems[&score_field("D1")], Problem::OutOfRange);
        assert_eq!(problems[&score_field("D2")], Problem::OutOfRange);

        assert_eq!(
            review_from_form(&dims(), &form(&[("D9", "1")]), &form(&[])),
            Err(None)
        );
    }

    #[test]
    fn a_review_must_score_what_the_region_scored_and_reviewers_are_averaged() {
        let review = review_from_form(&dims(), &form(&[("D1", "2")]), &form(&[])).unwrap();
        assert_eq!(
            missing_scores(&dims(), &[Some(2.0), Some(3.0)], &review),
            vec!["D2"]
        );
        assert!(missing_scores(&dims(), &[Some(2.0), None], &review).is_empty());

        let summary = |score: u8, submitted: bool| ReviewSummary {
            review_id: String::new(),
            label: String::new(),
            scores: ReviewScores::from([(
                "D1".to_owned(),
                DimensionReview {
                    score: Some(score),
                    comment: String::new(),
                },
            )]),
            comment: String::new(),
            submitted,
        };
        let means = reviewers_mean(
            &dims(),
            &[summary(2, true), summary(5, true), summary(0, false)],
        );
        assert_eq!(means, vec![Some(3.5), None], "only submitted reviews count");
    }
}
