//! Assessment rounds and responses: who answers, how they get in, and how a section form's
//! fields become answers. Pure, shared by the server and the browser.

use super::model::{Answer, AnswerProblem, Answers, Item, ItemKind, Section, Template};
use crate::registry::model::Translated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const ROUND_NAME_MAX: usize = 120;
pub const LABEL_MAX: usize = 120;
/// Letters that cannot be mistaken for one another when read aloud or copied by hand.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRTUVWXYZ2346789";
/// A respondent's code: 16 letters of 29, about 77 bits, written in groups of four.
pub const CODE_LETTERS: usize = 16;

/// How a respondent got into a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entry {
    /// Invited by their account: they find the round under "Assessments" when signed in.
    Account,
    /// A personal link the facilitator sent; no account needed.
    PersonalLink,
    /// The round's shared link: each person who opens it gets a response and a code of their own.
    RoundLink,
}

impl Entry {
    pub fn as_str(self) -> &'static str {
        match self {
            Entry::Account => "account",
            Entry::PersonalLink => "personal_link",
            Entry::RoundLink => "round_link",
        }
    }

    pub fn parse(raw: &str) -> Option<Entry> {
        [Entry::Account, Entry::PersonalLink, Entry::RoundLink]
            .into_iter()
            .find(|e| e.as_str() == raw)
    }
}

/// What a round's shared link shows before someone starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkInfo {
    /// The round as an outsider sees it.
    pub round: Round,
    /// It still takes answers.
    pub open: bool,
    /// This browser began a response through the link and has not submitted it.
    pub began: bool,
}

/// A round as its facilitator and its respondents see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub round_id: String,
    pub name: String,
    pub region_id: String,
    pub region_name: String,
    pub version_id: String,
    pub template_title: crate::registry::model::Translated,
    pub facilitator_id: String,
    pub facilitator_name: String,
    /// Epoch milliseconds after which no answer is taken.
    pub closes_at: Option<i64>,
    /// Set when the facilitator closed the round by hand.
    pub closed_at: Option<i64>,
    /// The shared link's code, when the round has one switched on.
    pub link_code: Option<String>,
    pub created_at: i64,
    /// Whether it takes answers now (not closed, closing time not passed), by the server's clock.
    pub open: bool,
    /// The platform can e-mail reminders (it has an SMTP server). Told to the facilitator only.
    #[serde(default)]
    pub email_reminders: bool,
}

impl Round {
    /// The round as someone who does not run it sees it: not who runs it, nor its shared
    /// link (with which they could answer it themselves).
    pub fn for_outsider(mut self) -> Round {
        self.link_code = None;
        self.facilitator_id.clear();
        self.facilitator_name.clear();
        self
    }
}

/// Where a response stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    NotStarted,
    Started,
    Submitted,
    Revoked,
}

/// One respondent's line on the facilitator's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSummary {
    pub response_id: String,
    pub entry: Entry,
    /// Whom it is for: the account's name, or what the facilitator wrote for a link.
    pub label: String,
    /// The code of a personal link, to copy and send, until its respondent starts; `None` for
    /// accounts, for people who came through the round link, and once started (the code is
    /// then the respondent's alone).
    pub code: Option<String>,
    pub progress: Progress,
    pub answered: i64,
    pub updated_at: i64,
    /// Who last reopened it after it was submitted (their name), and when.
    pub reopened: Option<(String, i64)>,
    /// When its respondent was last reminded by e-mail, and how many times in all.
    pub reminded: Option<(i64, i64)>,
    /// When the invitation e-mail left.
    pub invited: Option<i64>,
    /// A personal link's address, when the facilitator gave one.
    pub email: Option<String>,
}

/// What a respondent works on: the round, the template version, their answers so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseView {
    pub response_id: String,
    pub round_name: String,
    pub region_name: String,
    pub open: bool,
    pub submitted: bool,
    /// The code to resume with on another device (token holders only).
    pub code: Option<String>,
    pub template: Template,
    pub answers: Answers,
}

impl ResponseView {
    /// How many of the items shown so far have an answer, and how many are shown.
    pub fn progress(&self) -> (usize, usize) {
        self.template.progress(&self.answers)
    }
}

/// A section page as it is sent: its title, and its form as HTML that the server wrote in the
/// reader's language (`respond_form`). The browser shows that form as it is and adds only its
/// autosave, so no code that draws questions travels to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionHtml {
    pub title: String,
    pub form: String,
}

/// What the server needs to write one section page: the section, its answers and where the
/// response stands.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionView {
    pub round_name: String,
    pub open: bool,
    pub submitted: bool,
    /// The section's place, from 1, among `total` sections.
    pub number: usize,
    pub total: usize,
    pub section: Section,
    /// The answers to this section's items.
    pub answers: Answers,
    /// The answers so far show this section.
    pub applies: bool,
    /// Items of the whole response answered, and shown.
    pub answered: usize,
    pub shown: usize,
    /// For each condition in this section that waits for a choice: that choice's label, by the
    /// id of the item the condition belongs to.
    pub condition_labels: BTreeMap<String, Translated>,
}

impl SectionView {
    /// Section `number` (from 1) of a response, or `None` when the questionnaire has no such
    /// section.
    pub fn new(
        round_name: String,
        (open, submitted): (bool, bool),
        template: &Template,
        answers: &Answers,
        number: usize,
    ) -> Option<SectionView> {
        let section = template.sections.get(number.checked_sub(1)?)?;
        let (answered, shown) = template.progress(answers);
        let condition_labels = section
            .items
            .iter()
            .filter_map(|i| {
                let label = template.condition_label(i.show_if.as_ref()?)?;
                Some((i.id.clone(), label.clone()))
            })
            .collect();
        Some(SectionView {
            round_name,
            open,
            submitted,
            number,
            total: template.sections.len(),
            section: section.clone(),
            answers: section
                .items
                .iter()
                .filter_map(|i| Some((i.id.clone(), answers.get(&i.id)?.clone())))
                .collect(),
            applies: template
                .visible_sections(answers)
                .any(|s| s.id == section.id),
            answered,
            shown,
            condition_labels,
        })
    }
}

/// The id of an item's element on a section page: `F2.impact` → `item-F2-impact`.
pub fn item_dom_id(item_id: &str) -> String {
    format!("item-{}", item_id.replace('.', "-"))
}

/// A code as people type it: any case, with or without dashes and spaces.
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A code for showing: `ABCD-EFGH-JKMN-PQRT`.
pub fn format_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether a normalised code could be one this platform gave out.
pub fn is_code(code: &str) -> bool {
    is_code_of(code, CODE_LETTERS)
}

/// Whether a normalised code is `letters` letters of [`CODE_ALPHABET`].
pub fn is_code_of(code: &str, letters: usize) -> bool {
    code.len() == letters && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// The fields a section form sends for one item, by their name after the item id:
/// `present`, `target`, `justification`, `link` for an evidence item; `value` for the others;
/// one `choice.<id>` per ticked box of a multiple choice.
pub type ItemFields = BTreeMap<String, String>;

/// Reads an item's fields into an answer, checked against the item. `Ok(None)`: the fields say
/// nothing (an untouched item), which removes an earlier answer.
pub fn answer_from_fields(
    item: &Item,
    fields: &ItemFields,
) -> Result<Option<Answer>, AnswerProblem> {
    let field = |name: &str| fields.get(name).map(|v| v.trim()).unwrap_or_default();
    let score = |name: &str| -> Result<Option<u8>, AnswerProblem> {
        match field(name) {
            "" => Ok(None),
            raw => raw.parse().map(Some).map_err(|_| AnswerProblem::OutOfRange),
        }
    };
    let answer = match &item.kind {
        ItemKind::Evidence { .. } => {
            let (present, target) = (score("present")?, score("target")?);
            let (justification, link) = (field("justification"), field("link"));
            if present.is_none() && target.is_none() && justification.is_empty() && link.is_empty()
            {
                return Ok(None);
            }
            Answer::Evidence {
                present,
                target,
                justification: justification.to_owned(),
                link: link.to_owned(),
            }
        }
        ItemKind::Agreement {} => match score("value")? {
            None => return Ok(None),
            Some(value) => Answer::Agreement { value },
        },
        ItemKind::SingleChoice { .. } => match field("value") {
            "" => return Ok(None),
            choice => Answer::SingleChoice {
                choice: choice.to_owned(),
            },
        },
        ItemKind::MultipleChoice { .. } => {
            let choices: Vec<String> = fields
                .keys()
                .filter_map(|k| k.strip_prefix("choice."))
                .map(str::to_owned)
                .collect();
            if choices.is_empty() {
                return Ok(None);
            }
            Answer::MultipleChoice { choices }
        }
        ItemKind::Number { .. } => match field("value") {
            "" => return Ok(None),
            raw => Answer::Number {
                value: raw
                    .replace(',', ".")
                    .parse()
                    .map_err(|_| AnswerProblem::OutOfRange)?,
            },
        },
        ItemKind::ShortText {} | ItemKind::LongText {} => match field("value") {
            "" => return Ok(None),
            _ => Answer::Text {
                text: fields.get("value").cloned().unwrap_or_default(),
            },
        },
    };
    answer.checked(item).map(Some)
}

/// The form fields that show an answer again (the inverse of [`answer_from_fields`]).
pub fn fields_of(answer: &Answer) -> ItemFields {
    let mut fields = ItemFields::new();
    let mut put = |k: &str, v: String| {
        fields.insert(k.to_owned(), v);
    };
    match answer {
        Answer::Evidence {
            present,
            target,
            justification,
            link,
        } => {
            put(
                "present",
                present.map(|p| p.to_string()).unwrap_or_default(),
            );
            put("target", target.map(|t| t.to_string()).unwrap_or_default());
            put("justification", justification.clone());
            put("link", link.clone());
        }
        Answer::Agreement { value } => put("value", value.to_string()),
        Answer::SingleChoice { choice } => put("value", choice.clone()),
        Answer::MultipleChoice { choices } => {
            for c in choices {
                put(&format!("choice.{c}"), "on".to_owned());
            }
        }
        Answer::Number { value } => put("value", value.to_string()),
        Answer::Text { text } => put("value", text.clone()),
    }
    fields
}

/// The caller's assessments: the rounds they facilitate, and the ones they answer by account
/// (with their response's id and whether they have submitted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyAssessments {
    pub facilitating: Vec<Round>,
    /// Rounds to answer: the round, the response's id, whether it is submitted.
    pub answering: Vec<(Round, String, bool)>,
    /// Rounds to review: the round, the review's id, whether it is submitted.
    pub reviewing: Vec<(Round, String, bool)>,
}

/// A round's closing date as typed (`2026-12-31`, or nothing): the end of that day, UTC, in
/// epoch milliseconds. A day that has already ended is refused.
pub fn closing_time(raw: &str, now: i64) -> Result<Option<i64>, crate::error::Problem> {
    let end = day_end(raw)?;
    if end.is_some_and(|end| end <= now) {
        return Err(crate::error::Problem::DateInPast);
    }
    Ok(end)
}

/// A date as typed (`2026-12-31`, or nothing): the end of that day, UTC, in epoch milliseconds.
pub fn day_end(raw: &str) -> Result<Option<i64>, crate::error::Problem> {
    use crate::error::Problem;
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = raw.split('-').collect();
    let [year, month, day] = parts[..] else {
        return Err(Problem::InvalidDate);
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<i64>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(Problem::InvalidDate);
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(Problem::InvalidDate),
    };
    if !(2000..=9999).contains(&year) || day == 0 || day > days_in_month {
        return Err(Problem::InvalidDate);
    }
    Ok(Some((days_from_civil(year, month, day) + 1) * 86_400_000))
}

/// The day that [`day_end`] made `end` of: `2026-12-31` for the first instant of 2027-01-01.
pub fn last_day(end: i64) -> String {
    day_of(end - 1)
}

/// `2026-12-31` for an instant in epoch milliseconds (UTC).
pub fn day_of(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A fresh respondent or round-link code: 16 letters of [`CODE_ALPHABET`].
#[cfg(feature = "ssr")]
pub fn new_code() -> String {
    random_code(CODE_LETTERS)
}

/// `letters` random letters of [`CODE_ALPHABET`].
#[cfg(feature = "ssr")]
pub fn random_code(letters: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..letters)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    const DAY: i64 = 86_400_000;

    #[test]
    fn a_closing_date_is_the_end_of_that_day_and_must_lie_ahead() {
        let now = days_from_civil(2026, 11, 28) * DAY + 10;
        assert_eq!(closing_time("", now), Ok(None));
        assert_eq!(
            closing_time("2026-11-28", now),
            Ok(Some(days_from_civil(2026, 11, 29) * DAY))
        );
        assert_eq!(closing_time("2026-11-27", now), Err(Problem::DateInPast));
        for bad in ["2026-02-29", "2026-13-01", "28.11.2026", "2026-11", "x-y-z"] {
            assert_eq!(closing_time(bad, now), Err(Problem::InvalidDate), "{bad}");
        }
        assert!(closing_time("2028-02-29", now).unwrap().is_some());
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn codes_are_read_in_any_case_with_or_without_dashes() {
        let code = "ABCDEFGHJKMNPQRT";
        assert!(is_code(code));
        assert_eq!(format_code(code), "ABCD-EFGH-JKMN-PQRT");
        assert_eq!(normalise_code(" abcd-efgh jkmn-pqrt "), code);
        assert!(!is_code("ABCDEFGHJKMNPQR0"), "0 is not in the alphabet");
        assert!(!is_code("ABCD"));
    }
}
