//! A section page's form, written by the server as HTML in the reader's language. Its inputs
//! are named `answers[<item>][<field>]` and the form posts to `save_section`, so it works as
//! it is without JavaScript; the hydrated page adds its autosave (`autosave.rs`) and draws
//! nothing itself. The questions of a page never change while it is shown, so they are written
//! once, here, instead of being built reactively on both sides.

use super::model::{Item, ItemKind};
use super::pages::{condition_text, evidence_level};
use super::respond_api::{answer_field, SaveSection};
use super::round::{fields_of, item_dom_id, ItemFields, SectionView};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{field_or_error_text_in, problem_text_in, textarea_text};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::tachys::view::RenderHtml;
use leptos_i18n::Locale as _;

/// The HTML of a section page below the site's header: where the response stands, the
/// section's questions with their answers, and the problems of a failed post (`failed`).
pub fn section_form(
    view: &SectionView,
    key: &str,
    locale: Locale,
    failed: Option<&AppError>,
) -> String {
    let lang = locale.as_str();
    let editable = view.open && !view.submitted && view.applies;
    let status = if view.submitted {
        Some(("notice notice-ok", td_string!(locale, respond_submitted)))
    } else if !view.open {
        Some(("notice notice-error", td_string!(locale, respond_closed)))
    } else {
        None
    };
    let status = status.map(|(class, text)| view! { <p class=class role="status">{text}</p> });
    let not_applicable = (!view.applies).then(|| {
        view! { <p class="notice" role="status">{td_string!(locale, respond_section_hidden)}</p> }
    });
    let intro = view.section.intro.get(lang);
    let intro = (!intro.is_empty()).then(|| view! { <p>{intro.to_owned()}</p> });
    // A problem of the whole response (the round closed meanwhile …) goes above the form; the
    // problems of answers go to their questions, with a line above that points at them.
    let general = failed
        .filter(|e| !matches!(e, AppError::Invalid { fields, .. } if !fields.contains_key("response")))
        .map(|e| {
            view! { <p class="notice notice-error" role="alert">{field_or_error_text_in(locale, e, "response")}</p> }
        });
    let marked = failed
        .is_some_and(|e| matches!(e, AppError::Invalid { fields, .. } if !fields.contains_key("response")))
        .then(|| view! { <p class="notice notice-error fix-marked" role="alert">{td_string!(locale, respond_fix_marked)}</p> });
    let items = view
        .section
        .items
        .iter()
        .map(|item| {
            let condition = item
                .show_if
                .as_ref()
                .map(|c| condition_text(locale, c, view.condition_labels.get(&item.id)));
            let problem = failed
                .and_then(|e| e.problem(&answer_field(&item.id)))
                .map(|p| problem_text_in(locale, p));
            // A refused answer shows what was typed, not what is stored, so nothing is lost.
            let fields = failed
                .and_then(|e| kept_fields(e, &item.id))
                .or_else(|| view.answers.get(&item.id).map(fields_of))
                .unwrap_or_default();
            item_html(item, &fields, condition, problem, editable, locale)
        })
        .collect::<Vec<_>>();
    let overview = format!("/respond/{key}");
    let n = view.number;
    let actions = editable.then(|| {
        view! {
            <div class="actions">
                {(n > 1).then(|| view! {
                    <button type="submit" name="go" value="back" class="button">{td_string!(locale, respond_back)}</button>
                })}
                <button type="submit" name="go" value="stay" class="button">{td_string!(locale, respond_save)}</button>
                <button type="submit" name="go" value="next" class="button primary">{td_string!(locale, respond_next)}</button>
            </div>
        }
    });
    view! {
        <section class="narrow">
            <p class="muted">
                <a href=overview.clone()>{view.round_name.clone()}</a>
                " · "
                {td_string!(locale, respond_section_n, n, total = view.total).to_string()}
            </p>
            <progress max=view.shown value=view.answered aria-label=td_string!(locale, respond_progress_label)></progress>
            <h1>{view.section.title.get(lang).to_owned()}</h1>
            {status}
            {not_applicable}
            {intro}
            <form method="post" action=SaveSection::url()>
                {general}
                {marked}
                <input type="hidden" name="key" value=key.to_owned() />
                <input type="hidden" name="section" value=view.section.id.clone() />
                <ol class="items">{items}</ol>
                <p class="autosave" role="status"></p>
                {actions}
            </form>
            <p><a href=overview>{td_string!(locale, respond_overview)}</a></p>
        </section>
    }
    .to_html()
}

/// One question with the inputs its type needs, named `answers[<item>][<field>]`.
fn item_html(
    item: &Item,
    fields: &ItemFields,
    condition: Option<String>,
    problem: Option<String>,
    editable: bool,
    locale: Locale,
) -> impl RenderHtml {
    let lang = locale.as_str();
    let base = answer_field(&item.id);
    let dom_id = item_dom_id(&item.id);
    let text_id = format!("{dom_id}-text");
    let problem_id = format!("{dom_id}-problem");
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let name = |f: &str| format!("{base}[{f}]");
    let radios = |group: String, choices: Vec<(String, String)>, checked: String| {
        choices
            .into_iter()
            .map(|(value, label)| {
                let on = value == checked;
                view! {
                    <label class="choice">
                        <input type="radio" name=group.clone() value=value disabled=!editable checked=on />
                        <span>{label}</span>
                    </label>
                }
            })
            .collect::<Vec<_>>()
    };
    let input = match &item.kind {
        ItemKind::Evidence { levels } => {
            let scale: Vec<(String, String)> = (0..=5)
                .map(|n| {
                    let described = levels
                        .get(n)
                        .map(|l| l.get(lang).to_owned())
                        .unwrap_or_else(|| evidence_level(locale, n));
                    (n.to_string(), format!("{n} · {described}"))
                })
                .collect();
            view! {
                <fieldset class="scale">
                    <legend>{td_string!(locale, respond_present)}</legend>
                    {radios(name("present"), scale.clone(), field("present"))}
                </fieldset>
                <fieldset class="scale">
                    <legend>{td_string!(locale, respond_target)}</legend>
                    {radios(name("target"), scale, field("target"))}
                </fieldset>
                <label class="field">
                    {td_string!(locale, respond_justification)}
                    <textarea name=name("justification") rows="3" maxlength="5000" disabled=!editable>{textarea_text(field("justification"))}</textarea>
                </label>
                <label class="field">
                    {td_string!(locale, respond_link)}
                    <input type="url" name=name("link") value=field("link") maxlength="500" disabled=!editable placeholder="https://" />
                </label>
            }
            .into_any()
        }
        ItemKind::Agreement {} => {
            let scale = (1..=5)
                .map(|n| (n.to_string(), agreement_label(locale, n).to_owned()))
                .collect();
            view! { <div class="scale">{radios(name("value"), scale, field("value"))}</div> }.into_any()
        }
        ItemKind::SingleChoice { options } => {
            let choices = options
                .iter()
                .map(|o| (o.id.clone(), o.label.get(lang).to_owned()))
                .collect();
            view! { <div class="choices">{radios(name("value"), choices, field("value"))}</div> }.into_any()
        }
        ItemKind::MultipleChoice { options } => options
            .iter()
            .map(|o| {
                let key = format!("choice.{}", o.id);
                let on = fields.contains_key(&key);
                view! {
                    <label class="choice">
                        <input type="checkbox" name=name(&key) value="on" checked=on disabled=!editable />
                        <span>{o.label.get(lang).to_owned()}</span>
                    </label>
                }
            })
            .collect::<Vec<_>>()
            .into_any(),
        ItemKind::Number { min, max } => view! {
            <input
                type="number"
                inputmode="decimal"
                step="any"
                min=min.to_string()
                max=max.to_string()
                name=name("value")
                value=field("value")
                disabled=!editable
                aria-labelledby=text_id.clone()
            />
        }
        .into_any(),
        ItemKind::ShortText {} => view! {
            <input type="text" name=name("value") value=field("value") maxlength="300" disabled=!editable aria-labelledby=text_id.clone() />
        }
        .into_any(),
        ItemKind::LongText {} => view! {
            <textarea name=name("value") rows="4" maxlength="5000" disabled=!editable aria-labelledby=text_id.clone()>{textarea_text(field("value"))}</textarea>
        }
        .into_any(),
    };
    let help = item.help.get(lang);
    let help = (!help.is_empty()).then(|| view! { <p class="hint">{help.to_owned()}</p> });
    let invalid = problem.is_some().then_some("true");
    let described = problem.is_some().then(|| problem_id.clone());
    view! {
        <li>
            <fieldset class="item" id=dom_id aria-invalid=invalid aria-describedby=described>
                <legend id=text_id>
                    <span class="item-id">{item.id.clone()}</span>
                    " "
                    {item.text.get(lang).to_owned()}
                    {item.required.then(|| view! { " " <span class="required">{td_string!(locale, respond_required_mark)}</span> })}
                </legend>
                {help}
                {condition.map(|c| view! { <p class="hint">{c}</p> })}
                {problem.map(|p| view! { <p class="problem" id=problem_id>{p}</p> })}
                {input}
            </fieldset>
        </li>
    }
}

/// What the respondent typed into an item's fields when its post was refused, if the error
/// carries it back (`answers[<item>][<field>]`).
fn kept_fields(error: &AppError, item: &str) -> Option<ItemFields> {
    let AppError::Invalid { kept, .. } = error else {
        return None;
    };
    let prefix = format!("{}[", answer_field(item));
    let fields: ItemFields = kept
        .iter()
        .filter_map(|(name, typed)| {
            let field = name.strip_prefix(&prefix)?.strip_suffix(']')?;
            Some((field.to_owned(), typed.clone()))
        })
        .collect();
    (!fields.is_empty()).then_some(fields)
}

fn agreement_label(locale: Locale, n: u8) -> &'static str {
    match n {
        1 => td_string!(locale, agreement_1),
        2 => td_string!(locale, agreement_2),
        3 => td_string!(locale, agreement_3),
        4 => td_string!(locale, agreement_4),
        _ => td_string!(locale, agreement_5),
    }
}
