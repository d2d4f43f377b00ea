//! The respondent's pages: an overview of the sections with progress and the submit button,
//! and one page per section whose form posts with or without JavaScript.

use super::autosave::Autosave;
use super::model::Answer;
use super::respond_api::{get_response, get_section, SubmitResponse};
use super::round::{ResponseView, SectionHtml};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::page_data;
use crate::ui::{action_error, or_error_page, page_title, FormNotice};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(ResponseRoute, ResponsePage);
lazy_page!(SectionRoute, SectionPage);

/// The response key in the page's address (a code, or a response id for account holders).
fn page_key() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("key")).unwrap_or_default())
}

/// The state of the response above every respondent page: closed, or submitted.
fn status_notice(i18n: I18nContext<Locale>, open: bool, submitted: bool) -> Option<AnyView> {
    if submitted {
        Some(
            view! { <p class="notice notice-ok" role="status">{t!(i18n, respond_submitted)}</p> }
                .into_any(),
        )
    } else if !open {
        Some(
            view! { <p class="notice notice-error" role="status">{t!(i18n, respond_closed)}</p> }
                .into_any(),
        )
    } else {
        None
    }
}

#[component]
pub fn ResponsePage() -> impl IntoView {
    let submit = ServerAction::<SubmitResponse>::new();
    let key = page_key();
    // Loaded again after each submit: the hydrated page stays on its route.
    let response = page_data(
        move || (key.get(), submit.version().get()),
        |(key, _)| get_response(key),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(response.await, move |view| view! { <Overview view key=key.get_untracked() submit /> })
            })}
        </Suspense>
    }
}

#[component]
fn Overview(
    view: ResponseView,
    key: String,
    submit: ServerAction<SubmitResponse>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let error = action_error(submit);
    let (answered, shown) = view.progress();
    let notice = status_notice(i18n, view.open, view.submitted);
    let sections = view
        .template
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            view.template
                .visible_sections(&view.answers)
                .any(|v| v.id == s.id)
        })
        .map(|(n, s)| {
            let done = s
                .items
                .iter()
                .filter(|i| view.answers.get(&i.id).is_some_and(Answer::is_complete))
                .count();
            let total = s.items.len();
            view! {
                <li>
                    <a href=format!("/respond/{key}/{}", n + 1)>{s.title.get(locale).to_owned()}</a>
                    " "
                    <span class="muted">{t!(i18n, respond_section_count, done, total)}</span>
                </li>
            }
        })
        .collect_view();
    let template = view.template.clone();
    let missing = move || {
        error.get().and_then(|e| match e {
            AppError::Invalid { fields, .. } if !fields.contains_key("response") => {
                let items = fields
                    .keys()
                    .filter_map(|f| f.strip_prefix("answers[")?.strip_suffix(']'))
                    .filter_map(|id| template.item(id))
                    .map(|i| view! { <li>{i.id.clone()} " " {i.text.get(locale).to_owned()}</li> })
                    .collect_view();
                Some(view! {
                    <div class="notice notice-error" role="alert">
                        <p>{t!(i18n, respond_missing)}</p>
                        <ul>{items}</ul>
                    </div>
                })
            }
            _ => None,
        })
    };
    let other_error = move || {
        error.get().filter(
            |e| !matches!(e, AppError::Invalid { fields, .. } if !fields.contains_key("response")),
        )
    };
    let can_submit = view.open && !view.submitted;
    view! {
        <Title text=page_title(&view.round_name) />
        <section class="narrow">
            <h1>{view.round_name.clone()}</h1>
            <p class="muted">{view.region_name.clone()} " · " {view.template.title.get(locale).to_owned()}</p>
            {notice}
            <p>
                <label for="progress">{t!(i18n, respond_progress, answered, shown)}</label>
                <progress id="progress" max=shown value=answered></progress>
            </p>
            {view.code.clone().map(|code| view! {
                <p class="hint">{t!(i18n, respond_code_hint)} " " <strong class="code">{code}</strong></p>
            })}
            <h2>{t!(i18n, respond_sections)}</h2>
            <ol class="sections">{sections}</ol>
            {can_submit.then(|| view! {
                <ActionForm action=submit>
                    {missing}
                    <FormNotice error=Signal::derive(other_error) />
                    <input type="hidden" name="key" value=key.clone() />
                    <p class="hint">{t!(i18n, respond_submit_hint)}</p>
                    <button type="submit" class="button primary">{t!(i18n, respond_submit)}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
pub fn SectionPage() -> impl IntoView {
    let params = use_params_map();
    let key = page_key();
    let number = Memo::new(move |_| {
        params
            .with(|p| p.get("n"))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_default()
    });
    // The language changes by a form the server answers with a new page, so the one this page
    // was drawn in is the one its form is written in.
    let locale = use_i18n().get_locale_untracked().as_str();
    // On the server the form goes into the page's HTML but not into its hydration data (see
    // `ui::HeldHtml`). (A data type of the page's own did the same, and made the main
    // WebAssembly 38 KB larger; so the browser's side of this page stays as it was.)
    #[cfg(feature = "ssr")]
    let held = crate::ui::HeldHtml::default();
    #[cfg(feature = "ssr")]
    let fetch = {
        let held = held.clone();
        move |(key, number): (String, usize)| {
            let held = held.clone();
            async move {
                get_section(key, number, locale.to_owned())
                    .await
                    .map(|page| held.hold(page, |p| &mut p.form))
            }
        }
    };
    #[cfg(not(feature = "ssr"))]
    let fetch = move |(key, number)| get_section(key, number, locale.to_owned());
    let section = page_data(move || (key.get(), number.get()), fetch);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                #[cfg(feature = "ssr")]
                let held = held.clone();
                Suspend::new(async move {
                    or_error_page(section.await, move |page| {
                        #[cfg(feature = "ssr")]
                        let page = held.put_back(page, |p| &mut p.form);
                        view! { <SectionForm page key=key.get_untracked() /> }
                    })
                })
            }}
        </Suspense>
    }
}

/// The form as the server wrote it (`respond_form`), with the autosave added.
#[component]
fn SectionForm(page: SectionHtml, key: String) -> impl IntoView {
    let autosave = Autosave::new(key, use_i18n());
    view! {
        <Title text=page_title(&page.title) />
        <div node_ref=autosave.root inner_html=page.form on:change=move |ev| autosave.changed(ev)></div>
    }
}
