//! Administrators' pages for questionnaire templates: the list with the import form, and one
//! version shown as respondents will meet it, with its versions and a download.

use super::api::{get_template, list_templates, ImportTemplate};
use super::model::{Condition, Item, ItemKind, TemplateSummary, TemplateVersion};
use crate::i18n::*;
use crate::registry::model::Translated;
use crate::ui::page_data;
use crate::ui::{action_error, or_error_page, page_title, FieldProblem, FormNotice};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(TemplatesRoute, TemplatesPage);
lazy_page!(TemplateRoute, TemplatePage);

/// The evidence scale's level names, 0 to 5.
pub fn evidence_level(locale: Locale, level: usize) -> String {
    match level {
        0 => td_string!(locale, evidence_0).to_string(),
        1 => td_string!(locale, evidence_1).to_string(),
        2 => td_string!(locale, evidence_2).to_string(),
        3 => td_string!(locale, evidence_3).to_string(),
        4 => td_string!(locale, evidence_4).to_string(),
        _ => td_string!(locale, evidence_5).to_string(),
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let templates = page_data(|| (), |_| list_templates());
    view! {
        <Title text=page_title(t_string!(i18n, templates_title)) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(
                    templates.await,
                    |list| view! { <TemplateList list /> <ImportForm /> },
                )
            })}
        </Suspense>
    }
}

#[component]
fn TemplateList(list: Vec<TemplateSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let cards = list
        .into_iter()
        .map(|t| {
            let title = t.latest.definition.title.get(locale).to_owned();
            let version = t.latest.version;
            let versions = t.versions;
            let items = t.items;
            view! {
                <li class="card">
                    <h2>
                        <a href=format!("/admin/templates/{}", t.latest.version_id)>{title}</a>
                    </h2>
                    <p class="muted">
                        <code>{t.latest.definition.key.clone()}</code>
                        " · "
                        {t!(i18n, template_version_n, version)}
                        " · "
                        {t!(i18n, template_versions_count, versions)}
                        " · "
                        {t!(i18n, template_items_count, items)}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section>
            <p><a href="/admin">{t!(i18n, admin_title)}</a></p>
            <h1>{t!(i18n, templates_title)}</h1>
            <p>{t!(i18n, templates_intro)}</p>
            <ul class="cards">{cards}</ul>
        </section>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ImportTemplate>::new();
    let error = action_error(action);
    let invalid = move || {
        error
            .get()
            .is_some_and(|e| e.problem("definition").is_some())
            .then_some("true")
    };
    view! {
        <section>
            <h2>{t!(i18n, templates_import_title)}</h2>
            <ActionForm action>
                <FormNotice error />
                <div class="field">
                    <label for="field-definition">{t!(i18n, field_template_definition)}</label>
                    <p class="hint" id="field-definition-hint">{t!(i18n, templates_import_hint)}</p>
                    <textarea
                        id="field-definition"
                        name="definition"
                        rows="10"
                        required
                        spellcheck="false"
                        aria-invalid=invalid
                        aria-describedby="field-definition-hint field-definition-problem"
                    ></textarea>
                    <FieldProblem name="definition" error />
                </div>
                <button type="submit" class="button primary">{t!(i18n, templates_import_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn TemplatePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let template = page_data(
        move || params.with(|p| p.get("id")).unwrap_or_default(),
        get_template,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(
                    template.await,
                    |(version, versions)| view! { <TemplatePreview version versions /> },
                )
            })}
        </Suspense>
        <p><a href="/admin/templates">{t!(i18n, templates_all)}</a></p>
    }
}

#[component]
fn TemplatePreview(version: TemplateVersion, versions: Vec<(String, i64)>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let template = version.definition;
    let title = template.title.get(locale).to_owned();
    let number = version.version;
    let dimensions = template
        .dimensions
        .iter()
        .map(|d| view! { <li>{d.name.get(locale).to_owned()}</li> })
        .collect_view();
    let others = versions
        .into_iter()
        .map(|(id, n)| {
            let current = (id == version.version_id).then_some("page");
            view! {
                <li>
                    <a href=format!("/admin/templates/{id}") aria-current=current>
                        {t!(i18n, template_version_n, version = n)}
                    </a>
                </li>
            }
        })
        .collect_view();
    let sections = template
        .sections
        .iter()
        .map(|s| {
            let items = s
                .items
                .iter()
                .map(|item| {
                    let dimension = item.dimension.as_ref().map(|d| {
                        template
                            .dimensions
                            .iter()
                            .find(|x| &x.id == d)
                            .map(|x| x.name.get(locale).to_owned())
                            .unwrap_or_else(|| d.clone())
                    });
                    let condition = item.show_if.as_ref().map(|c| condition_text(i18n.get_locale_untracked(), c, template.condition_label(c)));
                    view! { <ItemPreview item=item.clone() dimension condition /> }
                })
                .collect_view();
            view! {
                <section class="card">
                    <h2>{s.title.get(locale).to_owned()}</h2>
                    {(!s.intro.get(locale).is_empty()).then(|| view! { <p>{s.intro.get(locale).to_owned()}</p> })}
                    {s.show_if.as_ref().map(|c| view! { <p class="muted">{condition_text(i18n.get_locale_untracked(), c, template.condition_label(c))}</p> })}
                    <ol class="items">{items}</ol>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=page_title(&title) />
        <section>
            <p><a href="/admin">{t!(i18n, admin_title)}</a></p>
            <h1>{title}</h1>
            <p class="muted">
                <code>{template.key.clone()}</code>
                " · "
                {t!(i18n, template_version_n, version = number)}
            </p>
            <p>{template.description.get(locale).to_owned()}</p>
            <p>
                <a
                    class="button"
                    href=format!("/api/assessment/export_template?version_id={}", version.version_id)
                    download
                >
                    {t!(i18n, template_export)}
                </a>
            </p>
            <h2>{t!(i18n, template_dimensions)}</h2>
            <ul>{dimensions}</ul>
            <h2>{t!(i18n, template_versions)}</h2>
            <ul>{others}</ul>
        </section>
        {sections}
    }
}

/// "Shown when A4 is A cluster programme": the condition in the reader's words.
pub(super) fn condition_text(locale: Locale, c: &Condition, label: Option<&Translated>) -> String {
    let value = label.map_or_else(|| c.equals.clone(), |l| l.get(locale.as_str()).to_owned());
    td_string!(locale, item_shown_if, item = c.item.clone(), value).to_string()
}

#[component]
fn ItemPreview(item: Item, dimension: Option<String>, condition: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let kind = match &item.kind {
        ItemKind::Evidence { .. } => t_string!(i18n, item_type_evidence).to_string(),
        ItemKind::Agreement {} => t_string!(i18n, item_type_agreement).to_string(),
        ItemKind::SingleChoice { .. } => t_string!(i18n, item_type_single_choice).to_string(),
        ItemKind::MultipleChoice { .. } => t_string!(i18n, item_type_multiple_choice).to_string(),
        ItemKind::Number { min, max } => {
            t_string!(i18n, item_type_number, min = *min, max = *max).to_string()
        }
        ItemKind::ShortText {} => t_string!(i18n, item_type_short_text).to_string(),
        ItemKind::LongText {} => t_string!(i18n, item_type_long_text).to_string(),
    };
    let options = match &item.kind {
        ItemKind::SingleChoice { options } | ItemKind::MultipleChoice { options } => Some(
            options
                .iter()
                .map(|o| view! { <li>{o.label.get(locale).to_owned()}</li> })
                .collect_view(),
        ),
        _ => None,
    };
    let levels = match &item.kind {
        ItemKind::Evidence { levels } if !levels.is_empty() => Some(
            levels
                .iter()
                .enumerate()
                .map(|(n, l)| {
                    view! { <li>{format!("{n} {} — {}", evidence_level(i18n.get_locale_untracked(), n), l.get(locale))}</li> }
                })
                .collect_view(),
        ),
        _ => None,
    };
    let dimension = dimension.map(|name| {
        let weight = item.weight;
        if weight == 1.0 {
            t_string!(i18n, item_dimension, dimension = name).to_string()
        } else {
            t_string!(i18n, item_dimension_weighted, dimension = name, weight).to_string()
        }
    });
    let help = item.help.get(locale).to_owned();
    view! {
        <li>
            <p>
                <strong>{item.id.clone()}</strong>
                " "
                {item.text.get(locale).to_owned()}
            </p>
            {(!help.is_empty()).then(|| view! { <p class="hint">{help}</p> })}
            <p class="muted">
                {kind}
                {item.required.then(|| view! { " · " {t!(i18n, item_required)} })}
                {dimension.map(|d| view! { " · " {d} })}
            </p>
            {condition.map(|c| view! { <p class="muted">{c}</p> })}
            {options.map(|o| view! { <ul>{o}</ul> })}
            {levels.map(|l| view! { <ul>{l}</ul> })}
        </li>
    }
}
