//! The respondent's pages: an overview of the sections with progress and the submit button,
//! and one page per section whose form posts with or without JavaScript.

use super::autosave::{Autosave, SaveState};
use super::model::{Answer, Item, ItemKind};
use super::pages::{condition_text, evidence_level};
use super::round::{fields_of, ItemFields, ResponseView, SectionView};
use super::round_api::{answer_field, get_response, get_section, SaveSection, SubmitResponse};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::page_data;
use crate::ui::{action_error, error_text, or_error_page, page_title, problem_text, FormNotice};
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
    let section = page_data(
        move || (key.get(), number.get()),
        |(key, number)| get_section(key, number),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(section.await, move |view| view! { <SectionForm view key=key.get_untracked() /> })
            })}
        </Suspense>
    }
}

#[component]
fn SectionForm(view: SectionView, key: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let save = ServerAction::<SaveSection>::new();
    let error = action_error(save);
    let autosave = Autosave::new(key.clone());
    let item_error = Signal::derive(move || error.get().or_else(|| autosave.as_error()));
    let SectionView {
        round_name,
        open,
        submitted,
        number: n,
        total,
        section,
        answers,
        applies,
        answered,
        shown,
        condition_labels,
    } = view;
    let editable = open && !submitted && applies;
    let notice = status_notice(i18n, open, submitted);
    let not_applicable = (!applies).then(|| {
        view! { <p class="notice" role="status">{t!(i18n, respond_section_hidden)}</p> }
    });
    let items = section
        .items
        .iter()
        .map(|item| {
            let condition = item
                .show_if
                .as_ref()
                .map(|c| condition_text(i18n, c, condition_labels.get(&item.id)));
            let fields = answers.get(&item.id).map(fields_of).unwrap_or_default();
            view! { <ItemInput item=item.clone() fields condition error=item_error editable /> }
        })
        .collect_view();
    let title = section.title.get(locale).to_owned();
    let general = move || {
        error.get().filter(|e| match e {
            AppError::Invalid { fields, .. } => fields.contains_key("response"),
            _ => true,
        })
    };
    let has_item_problems = move || {
        error.get().is_some_and(
            |e| matches!(e, AppError::Invalid { fields, .. } if !fields.contains_key("response")),
        )
    };
    let overview = format!("/respond/{key}");
    view! {
        <Title text=page_title(&title) />
        <section class="narrow">
            <p class="muted">
                <a href=overview.clone()>{round_name}</a>
                " · "
                {t!(i18n, respond_section_n, n, total)}
            </p>
            <progress max=shown value=answered aria-label=t_string!(i18n, respond_progress_label).to_string()></progress>
            <h1>{title}</h1>
            {notice}
            {not_applicable}
            {(!section.intro.get(locale).is_empty()).then(|| view! { <p>{section.intro.get(locale).to_owned()}</p> })}
            <ActionForm action=save node_ref=autosave.form>
                <FormNotice error=Signal::derive(general) />
                {move || has_item_problems().then(|| view! {
                    <p class="notice notice-error" role="alert">{t!(i18n, respond_fix_marked)}</p>
                })}
                <input type="hidden" name="key" value=key.clone() />
                <input type="hidden" name="section" value=section.id.clone() />
                <ol class="items" on:change=move |ev| autosave.changed(ev)>{items}</ol>
                <p class="autosave" role="status">{move || save_state_text(i18n, autosave)}</p>
                {editable.then(|| view! {
                    <div class="actions">
                        {(n > 1).then(|| view! {
                            <button type="submit" name="go" value="back" class="button">{t!(i18n, respond_back)}</button>
                        })}
                        <button type="submit" name="go" value="stay" class="button">{t!(i18n, respond_save)}</button>
                        <button type="submit" name="go" value="next" class="button primary">{t!(i18n, respond_next)}</button>
                    </div>
                })}
            </ActionForm>
            <p><a href=overview>{t!(i18n, respond_overview)}</a></p>
        </section>
    }
}

/// What the autosave tells the respondent, in their language.
fn save_state_text(i18n: I18nContext<Locale>, autosave: Autosave) -> String {
    match autosave.state.get() {
        SaveState::Idle => String::new(),
        SaveState::Saving => t_string!(i18n, autosave_saving).to_string(),
        SaveState::Saved => t_string!(i18n, autosave_saved).to_string(),
        SaveState::Retrying => t_string!(i18n, autosave_retrying).to_string(),
        SaveState::Refused => match autosave.failure.get() {
            Some(AppError::Invalid { fields, .. }) => fields
                .values()
                .next()
                .map(|p| problem_text(i18n, p))
                .unwrap_or_default(),
            Some(other) => error_text(i18n, &other),
            None => t_string!(i18n, autosave_refused).to_string(),
        },
    }
}

/// One question with the inputs its type needs, named `answers[<item>][<field>]`.
#[component]
fn ItemInput(
    item: Item,
    fields: ItemFields,
    condition: Option<String>,
    error: Signal<Option<AppError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let base = answer_field(&item.id);
    let dom_id = format!("item-{}", item.id.replace('.', "-"));
    let problem_id = format!("{dom_id}-problem");
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let name = {
        let base = base.clone();
        move |f: &str| format!("{base}[{f}]")
    };
    let problem =
        {
            let base = base.clone();
            let problem_id = problem_id.clone();
            move || {
                error.get().and_then(|e| e.problem(&base).cloned()).map(|p| {
                view! { <p class="problem" id=problem_id.clone()>{problem_text(i18n, &p)}</p> }
            })
            }
        };
    let invalid = {
        let base = base.clone();
        move || {
            error
                .get()
                .is_some_and(|e| e.problem(&base).is_some())
                .then_some("true")
        }
    };
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
            .collect_view()
    };
    let input = match &item.kind {
        ItemKind::Evidence { levels } => {
            let scale: Vec<(String, String)> = (0..=5)
                .map(|n| {
                    let described = levels
                        .get(n)
                        .map(|l| l.get(locale).to_owned())
                        .unwrap_or_else(|| evidence_level(i18n, n));
                    (n.to_string(), format!("{n} · {described}"))
                })
                .collect();
            view! {
                <fieldset class="scale">
                    <legend>{t!(i18n, respond_present)}</legend>
                    {radios(name("present"), scale.clone(), field("present"))}
                </fieldset>
                <fieldset class="scale">
                    <legend>{t!(i18n, respond_target)}</legend>
                    {radios(name("target"), scale, field("target"))}
                </fieldset>
                <label class="field">
                    {t!(i18n, respond_justification)}
                    <textarea name=name("justification") rows="3" maxlength="5000" disabled=!editable>{field("justification")}</textarea>
                </label>
                <label class="field">
                    {t!(i18n, respond_link)}
                    <input type="url" name=name("link") value=field("link") maxlength="500" disabled=!editable placeholder="https://" />
                </label>
            }
            .into_any()
        }
        ItemKind::Agreement {} => {
            let scale = (1..=5)
                .map(|n| (n.to_string(), agreement_label(i18n, n)))
                .collect();
            view! { <div class="scale">{radios(name("value"), scale, field("value"))}</div> }.into_any()
        }
        ItemKind::SingleChoice { options } => {
            let choices = options
                .iter()
                .map(|o| (o.id.clone(), o.label.get(locale).to_owned()))
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
                        <span>{o.label.get(locale).to_owned()}</span>
                    </label>
                }
            })
            .collect_view()
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
                aria-labelledby=format!("{dom_id}-text")
            />
        }
        .into_any(),
        ItemKind::ShortText {} => view! {
            <input type="text" name=name("value") value=field("value") maxlength="300" disabled=!editable aria-labelledby=format!("{dom_id}-text") />
        }
        .into_any(),
        ItemKind::LongText {} => view! {
            <textarea name=name("value") rows="4" maxlength="5000" disabled=!editable aria-labelledby=format!("{dom_id}-text")>{field("value")}</textarea>
        }
        .into_any(),
    };
    let help = item.help.get(locale).to_owned();
    view! {
        <li>
            <fieldset class="item" id=dom_id.clone() aria-invalid=invalid aria-describedby=problem_id.clone()>
                <legend id=format!("{dom_id}-text")>
                    <span class="item-id">{item.id.clone()}</span>
                    " "
                    {item.text.get(locale).to_owned()}
                    {item.required.then(|| view! { " " <span class="required">{t!(i18n, respond_required_mark)}</span> })}
                </legend>
                {(!help.is_empty()).then(|| view! { <p class="hint">{help}</p> })}
                {condition.map(|c| view! { <p class="hint">{c}</p> })}
                {problem}
                {input}
            </fieldset>
        </li>
    }
}

fn agreement_label(i18n: I18nContext<Locale>, n: u8) -> String {
    match n {
        1 => t_string!(i18n, agreement_1).to_string(),
        2 => t_string!(i18n, agreement_2).to_string(),
        3 => t_string!(i18n, agreement_3).to_string(),
        4 => t_string!(i18n, agreement_4).to_string(),
        _ => t_string!(i18n, agreement_5).to_string(),
    }
}
