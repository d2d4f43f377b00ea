//! The rules a template file and an answer keep. A template is checked whole when it is
//! imported, and names the path of what is wrong; an answer is checked against its item each
//! time it is saved.

use super::model::{
    Answer, AnswerProblem, Condition, Item, ItemKind, Template, TemplateError, AGREEMENT_MAX,
    EVIDENCE_MAX, ID_MAX, ITEMS_MAX, LINK_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX, TEMPLATE_FORMAT,
};
use crate::registry::model::Translated;
use std::collections::{BTreeMap, HashSet};

impl Template {
    /// Reads a template file, naming the line and column of a syntax error or the path of a
    /// rule that does not hold.
    pub fn from_json(raw: &str) -> Result<Template, TemplateError> {
        let template: Template = serde_json::from_str(raw).map_err(|e| {
            TemplateError::at(
                format!("line {}, column {}", e.line(), e.column()),
                e.to_string(),
            )
        })?;
        template.check()?;
        Ok(template)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The rules a template keeps: known format, unique ids, English text everywhere, items
    /// that feed a known dimension, conditions that look back at an earlier item and name a
    /// value it can take, sensible ranges.
    pub fn check(&self) -> Result<(), TemplateError> {
        if self.format != TEMPLATE_FORMAT {
            return Err(TemplateError::at(
                "format",
                format!("this platform reads format {TEMPLATE_FORMAT}"),
            ));
        }
        check_id("key", &self.key)?;
        check_text("title", &self.title, SHORT_TEXT_MAX)?;
        check_optional_text("description", &self.description, LONG_TEXT_MAX)?;
        let mut dimensions = HashSet::new();
        for (d, dimension) in self.dimensions.iter().enumerate() {
            let path = format!("dimensions[{d}]");
            check_id(&format!("{path}.id"), &dimension.id)?;
            check_text(&format!("{path}.name"), &dimension.name, SHORT_TEXT_MAX)?;
            if !dimensions.insert(dimension.id.as_str()) {
                return Err(TemplateError::at(format!("{path}.id"), "used twice"));
            }
        }
        if self.sections.is_empty() {
            return Err(TemplateError::at("sections", "a template needs a section"));
        }
        let mut sections = HashSet::new();
        let mut earlier: BTreeMap<&str, &Item> = BTreeMap::new();
        let mut count = 0;
        for (s, section) in self.sections.iter().enumerate() {
            let path = format!("sections[{s}]");
            check_id(&format!("{path}.id"), &section.id)?;
            if !sections.insert(section.id.as_str()) {
                return Err(TemplateError::at(format!("{path}.id"), "used twice"));
            }
            check_text(&format!("{path}.title"), &section.title, SHORT_TEXT_MAX)?;
            check_optional_text(&format!("{path}.intro"), &section.intro, LONG_TEXT_MAX)?;
            if let Some(condition) = &section.show_if {
                check_condition(&format!("{path}.show_if"), condition, &earlier)?;
            }
            if section.items.is_empty() {
                return Err(TemplateError::at(
                    format!("{path}.items"),
                    "a section needs an item",
                ));
            }
            for (i, item) in section.items.iter().enumerate() {
                let path = format!("{path}.items[{i}]");
                check_item(&path, item, &dimensions)?;
                if let Some(condition) = &item.show_if {
                    check_condition(&format!("{path}.show_if"), condition, &earlier)?;
                }
                if earlier.insert(item.id.as_str(), item).is_some() {
                    return Err(TemplateError::at(format!("{path}.id"), "used twice"));
                }
                count += 1;
            }
        }
        if count > ITEMS_MAX {
            return Err(TemplateError::at(
                "sections",
                format!("at most {ITEMS_MAX} items"),
            ));
        }
        Ok(())
    }
}

impl Answer {
    /// The answer checked against its item, with its text trimmed and its choices in the
    /// template's order without repeats.
    pub fn checked(self, item: &Item) -> Result<Answer, AnswerProblem> {
        match (&item.kind, self) {
            (
                ItemKind::Evidence { .. },
                Answer::Evidence {
                    present,
                    target,
                    justification,
                    link,
                },
            ) => {
                if present.is_some_and(|p| p > EVIDENCE_MAX)
                    || target.is_some_and(|t| t > EVIDENCE_MAX)
                {
                    return Err(AnswerProblem::OutOfRange);
                }
                let link = link.trim().to_owned();
                if !link.is_empty() && !is_web_link(&link) {
                    return Err(AnswerProblem::InvalidLink);
                }
                if link.chars().count() > LINK_MAX {
                    return Err(AnswerProblem::TooLong { max: LINK_MAX });
                }
                Ok(Answer::Evidence {
                    present,
                    target,
                    justification: checked_text(&justification, LONG_TEXT_MAX)?,
                    link,
                })
            }
            (ItemKind::Agreement {}, Answer::Agreement { value }) => {
                if (1..=AGREEMENT_MAX).contains(&value) {
                    Ok(Answer::Agreement { value })
                } else {
                    Err(AnswerProblem::OutOfRange)
                }
            }
            (ItemKind::SingleChoice { options }, Answer::SingleChoice { choice }) => {
                if options.iter().any(|o| o.id == choice) {
                    Ok(Answer::SingleChoice { choice })
                } else {
                    Err(AnswerProblem::UnknownChoice)
                }
            }
            (ItemKind::MultipleChoice { options }, Answer::MultipleChoice { choices }) => {
                if choices.iter().any(|c| !options.iter().any(|o| &o.id == c)) {
                    return Err(AnswerProblem::UnknownChoice);
                }
                let choices = options
                    .iter()
                    .filter(|o| choices.contains(&o.id))
                    .map(|o| o.id.clone())
                    .collect();
                Ok(Answer::MultipleChoice { choices })
            }
            (ItemKind::Number { min, max }, Answer::Number { value }) => {
                if value.is_finite() && value >= *min && value <= *max {
                    Ok(Answer::Number { value })
                } else {
                    Err(AnswerProblem::OutOfRange)
                }
            }
            (ItemKind::ShortText {}, Answer::Text { text }) => Ok(Answer::Text {
                text: checked_text(&text, SHORT_TEXT_MAX)?,
            }),
            (ItemKind::LongText {}, Answer::Text { text }) => Ok(Answer::Text {
                text: checked_text(&text, LONG_TEXT_MAX)?,
            }),
            _ => Err(AnswerProblem::WrongType),
        }
    }
}

/// Free text, as `text::long_text` allows it.
fn checked_text(raw: &str, max: usize) -> Result<String, AnswerProblem> {
    crate::text::long_text(raw, max).map_err(|p| match p {
        crate::error::Problem::TooLong { max } => AnswerProblem::TooLong { max },
        _ => AnswerProblem::InvalidCharacters,
    })
}

fn is_web_link(link: &str) -> bool {
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !r.chars().any(char::is_whitespace)
    })
}

fn check_id(path: &str, id: &str) -> Result<(), TemplateError> {
    let fine = !id.is_empty()
        && id.len() <= ID_MAX
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if fine {
        Ok(())
    } else {
        Err(TemplateError::at(
            path,
            format!("an id is 1 to {ID_MAX} letters, digits, '-', '_' or '.'"),
        ))
    }
}

fn check_text(path: &str, text: &Translated, max: usize) -> Result<(), TemplateError> {
    if text.0.get("en").is_none_or(|t| t.trim().is_empty()) {
        return Err(TemplateError::at(path, "an English text is required"));
    }
    check_optional_text(path, text, max)
}

fn check_optional_text(path: &str, text: &Translated, max: usize) -> Result<(), TemplateError> {
    for (locale, value) in &text.0 {
        let fine_locale = (2..=8).contains(&locale.len())
            && locale.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        if !fine_locale {
            return Err(TemplateError::at(
                path,
                format!("{locale:?} is not a language code"),
            ));
        }
        if value.chars().count() > max {
            return Err(TemplateError::at(
                format!("{path}.{locale}"),
                format!("at most {max} characters"),
            ));
        }
    }
    Ok(())
}

fn check_item(path: &str, item: &Item, dimensions: &HashSet<&str>) -> Result<(), TemplateError> {
    check_id(&format!("{path}.id"), &item.id)?;
    check_text(&format!("{path}.text"), &item.text, LONG_TEXT_MAX)?;
    check_optional_text(&format!("{path}.help"), &item.help, LONG_TEXT_MAX)?;
    match &item.kind {
        ItemKind::Evidence { levels } => {
            if !levels.is_empty() && levels.len() != usize::from(EVIDENCE_MAX) + 1 {
                return Err(TemplateError::at(
                    format!("{path}.levels"),
                    "describe all six levels (0 to 5) or none",
                ));
            }
            for (l, level) in levels.iter().enumerate() {
                check_text(&format!("{path}.levels[{l}]"), level, SHORT_TEXT_MAX)?;
            }
        }
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
            if options.len() < 2 {
                return Err(TemplateError::at(
                    format!("{path}.options"),
                    "a choice needs at least two options",
                ));
            }
            let mut ids = HashSet::new();
            for (o, option) in options.iter().enumerate() {
                check_id(&format!("{path}.options[{o}].id"), &option.id)?;
                check_text(
                    &format!("{path}.options[{o}].label"),
                    &option.label,
                    SHORT_TEXT_MAX,
                )?;
                if !ids.insert(option.id.as_str()) {
                    return Err(TemplateError::at(
                        format!("{path}.options[{o}].id"),
                        "used twice",
                    ));
                }
            }
        }
        ItemKind::Number { min, max } => {
            if !(min.is_finite() && max.is_finite() && min < max) {
                return Err(TemplateError::at(path, "a number item needs min below max"));
            }
        }
        ItemKind::Agreement {} | ItemKind::ShortText {} | ItemKind::LongText {} => {}
    }
    let scored = matches!(
        item.kind,
        ItemKind::Evidence { .. } | ItemKind::Agreement {}
    );
    match (&item.dimension, scored) {
        (Some(d), true) if !dimensions.contains(d.as_str()) => Err(TemplateError::at(
            format!("{path}.dimension"),
            format!("no dimension {d:?}"),
        )),
        (Some(_), false) => Err(TemplateError::at(
            format!("{path}.dimension"),
            "only evidence and agreement items are scored",
        )),
        _ if !(item.weight.is_finite() && item.weight > 0.0 && item.weight <= 100.0) => Err(
            TemplateError::at(format!("{path}.weight"), "a weight is above 0, at most 100"),
        ),
        _ => Ok(()),
    }
}

fn check_condition(
    path: &str,
    condition: &Condition,
    earlier: &BTreeMap<&str, &Item>,
) -> Result<(), TemplateError> {
    let Some(item) = earlier.get(condition.item.as_str()) else {
        return Err(TemplateError::at(
            format!("{path}.item"),
            format!("no earlier item {:?}", condition.item),
        ));
    };
    let value = condition.equals.as_str();
    let possible = match &item.kind {
        ItemKind::Evidence { .. } => value.parse::<u8>().is_ok_and(|v| v <= EVIDENCE_MAX),
        ItemKind::Agreement {} => value
            .parse::<u8>()
            .is_ok_and(|v| (1..=AGREEMENT_MAX).contains(&v)),
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
            options.iter().any(|o| o.id == value)
        }
        ItemKind::Number { min, max } => value.parse::<f64>().is_ok_and(|v| v >= *min && v <= *max),
        ItemKind::ShortText {} | ItemKind::LongText {} => false,
    };
    if possible {
        Ok(())
    } else {
        Err(TemplateError::at(
            format!("{path}.equals"),
            format!("item {:?} cannot take the value {value:?}", condition.item),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::model::Answers;

    const BUILT_IN: &str = include_str!("../../templates/regional-cluster-policy.json");

    fn built_in() -> Template {
        Template::from_json(BUILT_IN).expect("the built-in template keeps the rules")
    }

    fn item<'t>(template: &'t Template, id: &str) -> &'t Item {
        template.item(id).unwrap()
    }

    fn evidence(present: Option<u8>, target: Option<u8>) -> Answer {
        Answer::Evidence {
            present,
            target,
            justification: String::new(),
            link: String::new(),
        }
    }

    #[test]
    fn the_built_in_template_keeps_every_rule_and_survives_its_own_export() {
        let template = built_in();
        assert_eq!(Template::from_json(&template.to_json()).unwrap(), template);
        for item in template.items() {
            assert!(
                !item.text.get("hr").is_empty(),
                "{} has Croatian text",
                item.id
            );
            assert_ne!(
                item.text.get("hr"),
                item.text.get("en"),
                "{} is translated",
                item.id
            );
        }
    }

    #[test]
    fn a_duplicate_item_id_is_refused_with_its_path() {
        let mut template = built_in();
        template.sections[2].items[1].id = template.sections[2].items[0].id.clone();
        let e = template.check().unwrap_err();
        assert_eq!(e.path, "sections[2].items[1].id");
    }

    #[test]
    fn a_text_without_english_and_an_unknown_field_are_refused() {
        let mut template = built_in();
        template.sections[0].items[2].text.0.remove("en");
        assert_eq!(
            template.check().unwrap_err().path,
            "sections[0].items[2].text"
        );
        let extra = BUILT_IN.replacen("\"required\": true", "\"requried\": true", 1);
        let e = Template::from_json(&extra).unwrap_err();
        assert!(e.message.contains("requried"), "{e}");
    }

    #[test]
    fn a_condition_must_name_a_value_its_item_can_take() {
        let mut template = built_in();
        let e_section = template.sections.iter().position(|s| s.id == "E").unwrap();
        template.sections[e_section].show_if = Some(Condition {
            item: "A4".into(),
            equals: "cluster_programmes".into(),
        });
        let e = template.check().unwrap_err();
        assert_eq!(e.path, format!("sections[{e_section}].show_if.equals"));
    }

    #[test]
    fn unscored_items_cannot_feed_a_dimension_and_weights_stay_positive() {
        let mut template = built_in();
        template.sections[0].items[0].dimension = Some("strategy".into());
        assert_eq!(
            template.check().unwrap_err().path,
            "sections[0].items[0].dimension"
        );
        let mut template = built_in();
        template.sections[1].items[0].weight = 0.0;
        assert_eq!(
            template.check().unwrap_err().path,
            "sections[1].items[0].weight"
        );
    }

    #[test]
    fn answers_out_of_range_or_of_the_wrong_type_are_refused() {
        let template = built_in();
        let b1 = item(&template, "B1");
        assert_eq!(
            evidence(Some(6), None).checked(b1),
            Err(AnswerProblem::OutOfRange)
        );
        assert_eq!(
            evidence(Some(3), Some(9)).checked(b1),
            Err(AnswerProblem::OutOfRange)
        );
        assert!(evidence(Some(0), Some(5)).checked(b1).is_ok());
        assert_eq!(
            Answer::Text { text: "x".into() }.checked(b1),
            Err(AnswerProblem::WrongType)
        );
        let a5 = item(&template, "A5");
        assert_eq!(
            Answer::Number { value: f64::NAN }.checked(a5),
            Err(AnswerProblem::OutOfRange)
        );
        assert_eq!(
            Answer::Number { value: 1001.0 }.checked(a5),
            Err(AnswerProblem::OutOfRange)
        );
    }

    #[test]
    fn choices_are_checked_and_kept_in_the_templates_order_without_repeats() {
        let template = built_in();
        let a4 = item(&template, "A4");
        let answer = Answer::MultipleChoice {
            choices: vec!["vouchers".into(), "s3".into(), "vouchers".into()],
        };
        assert_eq!(
            answer.checked(a4),
            Ok(Answer::MultipleChoice {
                choices: vec!["s3".into(), "vouchers".into()]
            })
        );
        let unknown = Answer::MultipleChoice {
            choices: vec!["s4".into()],
        };
        assert_eq!(unknown.checked(a4), Err(AnswerProblem::UnknownChoice));
    }

    #[test]
    fn free_text_is_bounded_and_links_must_be_web_addresses() {
        let template = built_in();
        let a1 = item(&template, "A1");
        let long = Answer::Text {
            text: "ž".repeat(SHORT_TEXT_MAX + 1),
        };
        assert_eq!(
            long.checked(a1),
            Err(AnswerProblem::TooLong {
                max: SHORT_TEXT_MAX
            })
        );
        let hidden = Answer::Text {
            text: "Split\u{202E}".into(),
        };
        assert_eq!(hidden.checked(a1), Err(AnswerProblem::InvalidCharacters));
        let b5 = item(&template, "B5");
        let lines = Answer::Text {
            text: "  first line\nsecond line  ".into(),
        };
        assert_eq!(
            lines.checked(b5),
            Ok(Answer::Text {
                text: "first line\nsecond line".into()
            })
        );
        let with_link = |link: &str| Answer::Evidence {
            present: Some(2),
            target: None,
            justification: String::new(),
            link: link.into(),
        };
        let b1 = item(&template, "B1");
        assert!(
            with_link("https://s3platform.jrc.ec.europa.eu/ris3-assessment-wheel")
                .checked(b1)
                .is_ok()
        );
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://x.org",
            "https://a b.org",
        ] {
            assert_eq!(
                with_link(bad).checked(b1),
                Err(AnswerProblem::InvalidLink),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_section_or_item_shows_only_when_its_condition_holds() {
        let template = built_in();
        let mut answers = Answers::new();
        assert!(!template.is_visible("E1", &answers));
        assert!(!template.is_visible("F2.impact", &answers));
        answers.insert(
            "A4".into(),
            Answer::MultipleChoice {
                choices: vec!["s3".into(), "cluster_programme".into()],
            },
        );
        answers.insert(
            "F2".into(),
            Answer::SingleChoice {
                choice: "yes".into(),
            },
        );
        assert!(template.is_visible("E1", &answers));
        assert!(template.is_visible("F2.impact", &answers));
        assert!(template.visible_sections(&answers).any(|s| s.id == "E"));
    }

    #[test]
    fn hidden_required_items_are_not_missing_but_shown_ones_are() {
        let template = built_in();
        let mut answers = Answers::new();
        let missing: Vec<_> = template
            .missing_required(&answers)
            .iter()
            .map(|i| i.id.clone())
            .collect();
        assert!(missing.contains(&"B1".to_owned()));
        assert!(!missing.contains(&"E1".to_owned()), "E is hidden");
        answers.insert("B1".into(), evidence(None, Some(4)));
        assert!(
            template
                .missing_required(&answers)
                .iter()
                .any(|i| i.id == "B1"),
            "a target alone does not answer an evidence item"
        );
        answers.insert("B1".into(), evidence(Some(2), Some(4)));
        assert!(!template
            .missing_required(&answers)
            .iter()
            .any(|i| i.id == "B1"));
    }
}
