//! Server functions for respondents: a response and its sections as their pages show them,
//! saving a section's form (with or without JavaScript) or one answer (the autosave), and
//! submitting.

use super::round::{ItemFields, ResponseView, SectionHtml};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use {
    super::access::{require_respondent, require_respondent_with_answers, Respondent},
    super::answer_store::{self, Refusal},
    super::model::{AnswerProblem, Answers, Template},
    super::round::{answer_from_fields, format_code, SectionView},
    super::round_store as store,
    super::score::ResponseScore,
    crate::db::{now_ms, Db},
    crate::error::{Checks, Problem},
    crate::ssr,
    leptos::server_fn::ServerFn,
};

/// The questionnaire a respondent answers: their round's template version.
#[cfg(feature = "ssr")]
async fn template_of(
    db: &Db,
    who: &Respondent,
) -> Result<std::sync::Arc<super::model::TemplateVersion>, AppError> {
    super::store::shared_version(db, &who.round.version_id).await
}

#[cfg(feature = "ssr")]
async fn view(db: &Db, who: Respondent, answers: Answers) -> Result<ResponseView, AppError> {
    let template = template_of(db, &who).await?;
    let region_name = store::round_view(db, who.round.clone()).await?.region_name;
    Ok(ResponseView {
        response_id: who.response_id,
        round_name: who.round.name.clone(),
        region_name,
        open: who.round.is_open(now_ms()),
        submitted: who.response.submitted_at.is_some(),
        code: who.response.code.as_deref().map(format_code),
        template: template.definition.clone(),
        answers,
    })
}

/// The response a key opens (see `access::require_respondent`), with its questionnaire.
#[server(endpoint = "assessment/response")]
pub async fn get_response(key: String) -> Result<ResponseView, AppError> {
    let db = ssr::db()?;
    let (who, answers) = require_respondent_with_answers(&db, &key).await?;
    view(&db, who, answers).await
}

/// One section of the response a key opens, as its page shows it, in `locale` (English when
/// none is given). When the page is drawn after its form was posted without JavaScript and
/// refused, the form carries that refusal's problems at its questions.
#[server(endpoint = "assessment/section")]
pub async fn get_section(
    key: String,
    number: usize,
    #[server(default)] locale: String,
) -> Result<SectionHtml, AppError> {
    use leptos_i18n::Locale as _;
    let locale = match locale.as_str() {
        "" => crate::i18n::Locale::default(),
        tag => crate::ui::parse_locale(tag).map_err(|_| AppError::BadRequest)?,
    };
    let db = ssr::db()?;
    let (who, answers) = require_respondent_with_answers(&db, &key).await?;
    let template = template_of(&db, &who).await?;
    let state = (
        who.round.is_open(now_ms()),
        who.response.submitted_at.is_some(),
    );
    let view = SectionView::new(
        who.round.name,
        state,
        &template.definition,
        &answers,
        number,
    )
    .ok_or(AppError::NotFound)?;
    let kept = use_context::<crate::error::KeptText>().filter(|k| k.path == SaveSection::PATH);
    let failed = use_context::<leptos::server::ServerActionError>()
        .filter(|e| e.path() == SaveSection::PATH)
        .map(|e| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(e.err()))
        .filter(could_come_from_save_section)
        .map(|e| match &kept {
            Some(k) => e.with_kept(&k.fields),
            None => e,
        });
    let title = view.section.title.get(locale.as_str()).to_owned();
    let form = super::respond_form::section_form(&view, &url_key(&key), locale, failed.as_ref());
    Ok(SectionHtml { title, form })
}

/// The error of a refused post comes back in the page's address, where anyone could have
/// written it: only what `save_section` itself answers is shown, so that a crafted link cannot
/// put words of its own (a template problem's message, an invented limit) on the page.
#[cfg(feature = "ssr")]
fn could_come_from_save_section(error: &AppError) -> bool {
    use super::model::{LINK_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX};
    let AppError::Invalid { fields, .. } = error else {
        return true;
    };
    fields.iter().all(|(name, problem)| match problem {
        Problem::RoundClosed | Problem::AlreadySubmitted => name == "response",
        Problem::TooLong { max } => {
            name.starts_with("answers[") && [SHORT_TEXT_MAX, LONG_TEXT_MAX, LINK_MAX].contains(max)
        }
        Problem::OutOfRange
        | Problem::UnknownChoice
        | Problem::InvalidUrl
        | Problem::InvalidCharacters
        | Problem::Hidden => name.starts_with("answers["),
        _ => false,
    })
}

/// The name of a form field for an item's answer: `answers[B1]`.
pub fn answer_field(item_id: &str) -> String {
    format!("answers[{item_id}]")
}

#[cfg(feature = "ssr")]
fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::RoundClosed => AppError::field("response", Problem::RoundClosed),
        Refusal::Submitted => AppError::field("response", Problem::AlreadySubmitted),
        Refusal::Withdrawn => AppError::Forbidden,
    }
}

#[cfg(feature = "ssr")]
fn answer_problem(p: AnswerProblem) -> Problem {
    match p {
        AnswerProblem::WrongType | AnswerProblem::OutOfRange => Problem::OutOfRange,
        AnswerProblem::UnknownChoice => Problem::UnknownChoice,
        AnswerProblem::TooLong { max } => Problem::TooLong { max },
        AnswerProblem::InvalidLink => Problem::InvalidUrl,
        AnswerProblem::InvalidCharacters => Problem::InvalidCharacters,
        AnswerProblem::Hidden => Problem::Hidden,
    }
}

/// The answers a form sends for some items, checked. The good ones are returned to be saved;
/// the others are named in the error (field `answers[<item>]`), so that one mistake does not
/// lose the rest of a section typed without JavaScript. An answer to an item that the answers
/// (as they will be after this save) hide is a mistake too.
#[cfg(feature = "ssr")]
fn checked_changes(
    template: &Template,
    stored: &super::model::Answers,
    sent: &BTreeMap<String, ItemFields>,
    item_ids: &[String],
) -> (Vec<(String, Option<super::model::Answer>)>, Checks) {
    let mut checks = Checks::default();
    let mut changes = Vec::new();
    let mut after = stored.clone();
    let empty = ItemFields::new();
    for id in item_ids {
        let Some(item) = template.item(id) else {
            checks.fail(&answer_field(id), Problem::UnknownChoice);
            continue;
        };
        match answer_from_fields(item, sent.get(id).unwrap_or(&empty)) {
            Ok(answer) => {
                match &answer {
                    Some(a) => after.insert(id.clone(), a.clone()),
                    None => after.remove(id),
                };
                changes.push((id.clone(), answer));
            }
            Err(p) => {
                let field = answer_field(id);
                for (name, typed) in sent.get(id).into_iter().flatten() {
                    checks.keep(&format!("{field}[{name}]"), typed);
                }
                checks.fail(&field, answer_problem(p));
            }
        }
    }
    changes.retain(|(id, answer)| {
        let hidden = answer.is_some() && !template.is_visible(id, &after);
        if hidden {
            checks.fail(&answer_field(id), Problem::Hidden);
        }
        !hidden
    });
    (changes, checks)
}

/// Saves one section's answers (the form of a section page, with or without JavaScript) and
/// goes on: `go` is `next`, `back` or `stay`.
#[server(endpoint = "assessment/save_section")]
pub async fn save_section(
    key: String,
    section: String,
    #[server(default)] answers: BTreeMap<String, ItemFields>,
    go: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let who = require_respondent(&db, &key).await?;
    let version = template_of(&db, &who).await?;
    let template = &version.definition;
    let index = template
        .sections
        .iter()
        .position(|s| s.id == section)
        .ok_or(AppError::BadRequest)?;
    if answers
        .keys()
        .any(|id| !template.sections[index].items.iter().any(|i| &i.id == id))
    {
        return Err(AppError::BadRequest);
    }
    let item_ids: Vec<String> = template.sections[index]
        .items
        .iter()
        .map(|i| i.id.clone())
        .collect();
    let shared = version.clone();
    let (after, checks) = answer_store::save_answers(&db, &who, move |stored| {
        checked_changes(&shared.definition, stored, &answers, &item_ids)
    })
    .await?
    .map_err(refused)?;
    checks.finish()?;
    let visible: Vec<usize> = template
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| template.visible_sections(&after).any(|v| v.id == s.id))
        .map(|(n, _)| n)
        .collect();
    let target = match go.as_str() {
        "next" => visible.iter().find(|&&n| n > index).copied(),
        "back" => visible.iter().rev().find(|&&n| n < index).copied(),
        _ => Some(index),
    };
    let path = match target {
        Some(n) => format!("/respond/{}/{}", url_key(&key), n + 1),
        None => format!("/respond/{}", url_key(&key)),
    };
    leptos_axum::redirect(&path);
    Ok(())
}

/// The key as it goes into a URL: a code with its dashes, an id as it is.
#[cfg(feature = "ssr")]
fn url_key(key: &str) -> String {
    let code = super::round::normalise_code(key);
    if super::round::is_code(&code) {
        format_code(&code)
    } else {
        key.to_owned()
    }
}

/// Saves one answer as it is given (the hydrated page's autosave).
#[server(endpoint = "assessment/save_answer")]
pub async fn save_answer(
    key: String,
    item: String,
    #[server(default)] fields: ItemFields,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let who = require_respondent(&db, &key).await?;
    let template = template_of(&db, &who).await?;
    if template.definition.item(&item).is_none() {
        return Err(AppError::BadRequest);
    }
    let sent = BTreeMap::from([(item.clone(), fields)]);
    let (_, checks) = answer_store::save_answers(&db, &who, move |stored| {
        checked_changes(&template.definition, stored, &sent, &[item])
    })
    .await?
    .map_err(refused)?;
    checks.finish()
}

/// Submits the response: refused, with each missing required item named, until every shown
/// required item has an answer.
#[server(endpoint = "assessment/submit")]
pub async fn submit_response(key: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let who = require_respondent(&db, &key).await?;
    let template = template_of(&db, &who).await?;
    let missing = answer_store::submit(&db, &who, move |answers| {
        let missing: Vec<String> = template
            .definition
            .missing_required(answers)
            .iter()
            .map(|i| i.id.clone())
            .collect();
        if missing.is_empty() {
            Ok(ResponseScore::all_of(&template.definition, answers))
        } else {
            Err(missing)
        }
    })
    .await?
    .map_err(refused)?;
    let mut checks = Checks::default();
    for id in &missing {
        checks.fail(&answer_field(id), Problem::Required);
    }
    checks.finish()?;
    leptos_axum::redirect(&format!("/respond/{}", url_key(&key)));
    Ok(())
}
