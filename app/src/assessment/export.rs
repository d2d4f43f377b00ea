//! A round's answers and results as files for its facilitator: the raw answers as CSV or as an
//! Excel workbook (one row per respondent, one column per answer field), and the merged
//! results as JSON. The table is a pure function of the template and the answers, so the two
//! file formats cannot disagree.

use super::model::{Answer, ItemKind, Template};
use super::score::Results;
use crate::error::AppError;
use crate::files::Cell;
use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, GetUrl, Streaming};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::access::require_facilitator,
    super::answer_store,
    super::store,
    crate::files::{csv, download, file_stem, inert},
    crate::identity::session::LOCALE_COOKIE,
    crate::ssr,
};

/// One respondent's line, as the table needs it.
pub struct Respondent<'a> {
    pub label: &'a str,
    pub status: &'static str,
    pub submitted_on: Option<String>,
    pub answers: &'a super::model::Answers,
}

/// The raw answers as a table: a header row, then one row per respondent. Scale answers are
/// numbers; a choice is written as its label in `locale` (English when it has none).
pub fn answers_table(
    template: &Template,
    locale: &str,
    respondents: &[Respondent<'_>],
) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut header: Vec<String> = ["respondent", "status", "submitted"]
        .map(str::to_owned)
        .to_vec();
    for item in template.items() {
        match item.kind {
            ItemKind::Evidence { .. } => {
                for field in ["present", "target", "justification", "link"] {
                    header.push(format!("{} {field}", item.id));
                }
            }
            _ => header.push(item.id.clone()),
        }
    }
    let rows = respondents
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Text(r.label.to_owned()),
                Cell::Text(r.status.to_owned()),
                r.submitted_on.clone().map_or(Cell::Empty, Cell::Text),
            ];
            for item in template.items() {
                let answer = r.answers.get(&item.id);
                let choice = |id: &str| match &item.kind {
                    ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => {
                        options
                            .iter()
                            .find(|o| o.id == id)
                            .map_or_else(|| id.to_owned(), |o| o.label.get(locale).to_owned())
                    }
                    _ => id.to_owned(),
                };
                match (&item.kind, answer) {
                    (
                        ItemKind::Evidence { .. },
                        Some(Answer::Evidence {
                            present,
                            target,
                            justification,
                            link,
                        }),
                    ) => {
                        row.push(present.map_or(Cell::Empty, |v| Cell::Number(f64::from(v))));
                        row.push(target.map_or(Cell::Empty, |v| Cell::Number(f64::from(v))));
                        row.push(text(justification));
                        row.push(text(link));
                    }
                    (ItemKind::Evidence { .. }, _) => {
                        row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty])
                    }
                    (_, Some(Answer::Agreement { value })) => {
                        row.push(Cell::Number(f64::from(*value)))
                    }
                    (_, Some(Answer::Number { value })) => row.push(Cell::Number(*value)),
                    (_, Some(Answer::SingleChoice { choice: id })) => {
                        row.push(Cell::Text(choice(id)))
                    }
                    (_, Some(Answer::MultipleChoice { choices })) => row.push(Cell::Text(
                        choices
                            .iter()
                            .map(|id| choice(id))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )),
                    (_, Some(Answer::Text { text: t })) => row.push(text(t)),
                    (_, _) => row.push(Cell::Empty),
                }
            }
            row
        })
        .collect();
    (header, rows)
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    }
}

/// The table as an Excel workbook: the answers on one sheet, the questions on another.
#[cfg(feature = "ssr")]
fn xlsx(
    template: &Template,
    locale: &str,
    header: &[String],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Answers")?;
    for (c, h) in (0u16..).zip(header) {
        sheet.write_string_with_format(0, c, h, &bold)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, c, inert(s))?;
                }
                Cell::Number(v) => {
                    sheet.write_number(r, c, *v)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    let questions = book.add_worksheet().set_name("Questions")?;
    for (c, h) in (0u16..).zip(["item", "section", "question"]) {
        questions.write_string_with_format(0, c, h, &bold)?;
    }
    let items = template
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s, i)));
    for (r, (section, item)) in (1u32..).zip(items) {
        questions.write_string(r, 0, &item.id)?;
        questions.write_string(r, 1, section.title.get(locale))?;
        questions.write_string(r, 2, item.text.get(locale))?;
    }
    questions.set_column_width(2, 80)?;
    book.save_to_buffer()
}

/// The round's raw answers (every respondent not withdrawn, submitted or not) as a file:
/// `format` is `csv` or `xlsx`. For the round's facilitator.
#[server(endpoint = "assessment/export_answers", input = GetUrl, output = Streaming)]
pub async fn export_answers(
    round_id: String,
    format: String,
) -> Result<ByteStream<AppError>, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    if format != "csv" && format != "xlsx" {
        return Err(AppError::BadRequest);
    }
    let template = store::template_version(&db, &round.round().version_id)
        .await?
        .definition;
    let locale = ssr::cookie_value(LOCALE_COOKIE).unwrap_or_else(|| "en".to_owned());
    let responses = answer_store::round_answers(&db, &round).await?;
    let respondents: Vec<Respondent<'_>> = responses
        .iter()
        .map(|(r, answers)| Respondent {
            label: &r.label,
            status: if r.submitted_at.is_some() {
                "submitted"
            } else if r.started_at.is_some() {
                "started"
            } else {
                "not started"
            },
            submitted_on: r.submitted_at.map(super::round::day_of),
            answers,
        })
        .collect();
    let (header, rows) = answers_table(&template, &locale, &respondents);
    let stem = file_stem(&round.round().name, "round");
    let bytes = if format == "csv" {
        download("text/csv; charset=utf-8", &format!("{stem}-answers.csv"));
        csv(&header, &rows).into_bytes()
    } else {
        download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{stem}-answers.xlsx"),
        );
        xlsx(&template, &locale, &header, &rows).map_err(|e| {
            tracing::error!(error = %e, "the answers workbook could not be written");
            AppError::Internal
        })?
    };
    Ok(ByteStream::from(futures::stream::once(async move {
        leptos::server_fn::Bytes::from(bytes)
    })))
}

/// A round's merged results as a file: what the results page shows, as numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub round: String,
    pub region_id: String,
    pub region: String,
    pub template: String,
    pub template_version: String,
    pub results: Results,
}

/// The round's merged results (submitted responses only) as JSON. For the round's facilitator.
#[server(endpoint = "assessment/export_results", input = GetUrl)]
pub async fn export_results(round_id: String) -> Result<ResultsFile, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let template = store::template_version(&db, &round.round().version_id)
        .await?
        .definition;
    let answers = answer_store::submitted_answers(&db, &round_id).await?;
    let view = super::round_store::round_view(&db, round.round().clone()).await?;
    download(
        "application/json",
        &format!("{}-results.json", file_stem(&view.name, "round")),
    );
    Ok(ResultsFile {
        results: Results::of(&template, &answers),
        template: template.key,
        template_version: view.version_id,
        round: view.name,
        region_id: view.region_id,
        region: view.region_name,
    })
}
