//! Questionnaire templates and answers: the definition a round is answered on, the rules that
//! decide which items show, and the check of one answer against its item. Pure, shared by the
//! server and the browser.

use crate::registry::model::Translated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format of a template file; `server template export` writes it, `import` reads it.
pub const TEMPLATE_FORMAT: u32 = 1;
/// The evidence scale runs from 0 (no information) to 5 (excellent).
pub const EVIDENCE_MAX: u8 = 5;
/// The agreement scale runs from 1 (strongly disagree) to 5 (strongly agree).
pub const AGREEMENT_MAX: u8 = 5;
pub const SHORT_TEXT_MAX: usize = 300;
pub const LONG_TEXT_MAX: usize = 5_000;
pub const LINK_MAX: usize = 500;
/// Identifiers of sections, items, choices and dimensions: short, stable, ASCII.
pub const ID_MAX: usize = 40;
pub const ITEMS_MAX: usize = 500;

/// A questionnaire, as one version of a template stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub format: u32,
    /// Names the template across its versions (`regional-cluster-policy`).
    pub key: String,
    pub title: Translated,
    #[serde(default)]
    pub description: Translated,
    /// The axes of the results: each scored item feeds one.
    pub dimensions: Vec<Dimension>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    pub name: Translated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: Translated,
    #[serde(default)]
    pub intro: Translated,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    pub items: Vec<Item>,
}

/// An item's own fields; the fields of its type (`levels`, `options`, `min`…) sit beside them
/// in the file and are checked by [`ItemKind`], which refuses any field it does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub text: Translated,
    #[serde(default)]
    pub help: Translated,
    #[serde(flatten)]
    pub kind: ItemKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// The dimension a scored item feeds; `None` for items that are not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// How much the item counts in its dimension's score.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn is_one(weight: &f64) -> bool {
    *weight == 1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ItemKind {
    /// A present and a target score on the evidence scale (0–5), a justification and an
    /// optional evidence link. `levels` describes each of the six levels (may be empty).
    Evidence {
        #[serde(default)]
        levels: Vec<Translated>,
    },
    /// Strongly disagree (1) … strongly agree (5). (The types without fields of their own are
    /// written `{}` so that serde refuses unknown fields beside them too.)
    Agreement {},
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
    },
    Number {
        min: f64,
        max: f64,
    },
    ShortText {},
    LongText {},
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: Translated,
}

/// Show a section or item only when an earlier item has a given answer: a choice's id, or a
/// scale value written as a number (`"3"`; for an evidence item, its present score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub item: String,
    pub equals: String,
}

/// One answer, as stored and as sent by the answering form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    Evidence {
        present: Option<u8>,
        target: Option<u8>,
        #[serde(default)]
        justification: String,
        #[serde(default)]
        link: String,
    },
    Agreement {
        value: u8,
    },
    SingleChoice {
        choice: String,
    },
    MultipleChoice {
        choices: Vec<String>,
    },
    Number {
        value: f64,
    },
    Text {
        text: String,
    },
}

/// One stored version of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateVersion {
    pub version_id: String,
    pub template_id: String,
    pub version: i64,
    pub created_at: i64,
    pub definition: Template,
}

/// A template in the administrators' list: its latest version and how many there are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub latest: TemplateVersion,
    pub versions: i64,
    pub items: usize,
}

/// What is wrong with a template file, and where: `sections[2].items[0].show_if.item`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TemplateError {
    pub path: String,
    pub message: String,
}

impl TemplateError {
    pub(super) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        TemplateError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Why one answer does not fit its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerProblem {
    /// The answer's type is not the item's.
    WrongType,
    OutOfRange,
    UnknownChoice,
    TooLong {
        max: usize,
    },
    InvalidLink,
    InvalidCharacters,
    /// The item is hidden by the answers given so far.
    Hidden,
}

impl Template {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// The dimensions as (id, name), in order: the columns of results and comparisons.
    pub fn dimension_names(&self) -> Vec<(String, Translated)> {
        self.dimensions
            .iter()
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect()
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The sections a respondent sees, given the answers so far.
    pub fn visible_sections<'t>(
        &'t self,
        answers: &'t Answers,
    ) -> impl Iterator<Item = &'t Section> {
        self.sections
            .iter()
            .filter(move |s| holds(s.show_if.as_ref(), answers))
    }

    /// Whether an item is shown, given the answers so far: its section's and its own condition.
    pub fn is_visible(&self, item_id: &str, answers: &Answers) -> bool {
        self.sections.iter().any(|s| {
            holds(s.show_if.as_ref(), answers)
                && s.items
                    .iter()
                    .any(|i| i.id == item_id && holds(i.show_if.as_ref(), answers))
        })
    }

    /// The items shown, given the answers so far, in order.
    pub fn visible_items<'t>(&'t self, answers: &'t Answers) -> impl Iterator<Item = &'t Item> {
        self.visible_sections(answers)
            .flat_map(|s| s.items.iter())
            .filter(|i| holds(i.show_if.as_ref(), answers))
    }

    /// How many of the items shown have a complete answer, and how many are shown.
    pub fn progress(&self, answers: &Answers) -> (usize, usize) {
        self.visible_items(answers)
            .fold((0, 0), |(answered, shown), i| {
                let complete = answers.get(&i.id).is_some_and(Answer::is_complete);
                (answered + usize::from(complete), shown + 1)
            })
    }

    /// The label of the choice a condition waits for, when its item is a choice item.
    pub fn condition_label(&self, c: &Condition) -> Option<&Translated> {
        match &self.item(&c.item)?.kind {
            ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
                options.iter().find(|o| o.id == c.equals).map(|o| &o.label)
            }
            _ => None,
        }
    }

    /// Required items that are shown and have no answer (or an evidence answer without its
    /// present score): what keeps a response from being submitted.
    pub fn missing_required<'t>(&'t self, answers: &'t Answers) -> Vec<&'t Item> {
        self.visible_items(answers)
            .filter(|i| i.required && !answers.get(&i.id).is_some_and(Answer::is_complete))
            .collect()
    }
}

/// A response's answers by item id.
pub type Answers = BTreeMap<String, Answer>;

fn holds(condition: Option<&Condition>, answers: &Answers) -> bool {
    condition.is_none_or(|c| answers.get(&c.item).is_some_and(|a| a.matches(&c.equals)))
}

impl Answer {
    /// Whether the answer takes the value a condition names.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Answer::Evidence { present, .. } => present.is_some_and(|p| p.to_string() == value),
            Answer::Agreement { value: v } => v.to_string() == value,
            Answer::SingleChoice { choice } => choice == value,
            Answer::MultipleChoice { choices } => choices.iter().any(|c| c == value),
            Answer::Number { value: v } => value.parse::<f64>().is_ok_and(|n| n == *v),
            Answer::Text { text } => text == value,
        }
    }

    /// An answer that counts for a required item.
    pub fn is_complete(&self) -> bool {
        match self {
            Answer::Evidence { present, .. } => present.is_some(),
            Answer::MultipleChoice { choices } => !choices.is_empty(),
            Answer::Text { text } => !text.trim().is_empty(),
            _ => true,
        }
    }

    /// The present score on the 0–5 scale, for scored items: the evidence score itself, or
    /// the agreement value mapped from 1–5 onto 0–5.
    pub fn present_score(&self) -> Option<f64> {
        match self {
            Answer::Evidence { present, .. } => present.map(f64::from),
            Answer::Agreement { value } => Some(f64::from(value.saturating_sub(1)) * 5.0 / 4.0),
            _ => None,
        }
    }

    pub fn target_score(&self) -> Option<f64> {
        match self {
            Answer::Evidence { target, .. } => target.map(f64::from),
            _ => None,
        }
    }
}
