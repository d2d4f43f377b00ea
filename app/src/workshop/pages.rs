//! The facilitator's pages: the workshops list with the form that creates one and the
//! templates to start from; one workshop with its agenda, who may join, and who joined.

use super::api::{
    get_workshop, list_my_workshops, AddActivity, ControlWorkshop, CopyWorkshop, CreateWorkshop,
    MoveActivity, RemoveActivity, RemoveParticipant, SetJoining,
};
use super::model::{clock, Activity, Scale, Settings, Workshop, WorkshopSummary, KINDS};
use super::run_pages::RunPanel;
use crate::i18n::*;
use crate::ui::{
    action_error, endonym, or_error_page, page_data, page_title, textarea_text, Field,
    FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(WorkshopsRoute, WorkshopsPage);
lazy_page!(WorkshopRoute, WorkshopPage);

pub(crate) fn kind_label(i18n: I18nContext<Locale>, kind: &str) -> String {
    match kind {
        "poll" => t_string!(i18n, activity_poll),
        "rating" => t_string!(i18n, activity_rating),
        "delphi" => t_string!(i18n, activity_delphi),
        "word_cloud" => t_string!(i18n, activity_word_cloud),
        "ranking" => t_string!(i18n, activity_ranking),
        "dots" => t_string!(i18n, activity_dots),
        "matrix" => t_string!(i18n, activity_matrix),
        "questions" => t_string!(i18n, activity_questions),
        "ideas" => t_string!(i18n, activity_ideas),
        "swot" => t_string!(i18n, activity_swot),
        "cafe" => t_string!(i18n, activity_cafe),
        _ => t_string!(i18n, activity_timer),
    }
    .to_string()
}

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let i18n = use_i18n();
    let mine = page_data(|| (), |_| list_my_workshops());
    view! {
        <Title text=page_title(t_string!(i18n, workshops_title)) />
        <section>
            <h1>{t!(i18n, workshops_title)}</h1>
            <p>{t!(i18n, workshops_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    or_error_page(mine.await, |mine| view! { <MyWorkshops mine /> <CreateForm /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MyWorkshops(mine: Vec<WorkshopSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let (templates, mine): (Vec<_>, Vec<_>) = mine.into_iter().partition(|w| w.template);
    let none = mine.is_empty();
    let templates = (!templates.is_empty()).then(|| {
        let start = ServerAction::<CopyWorkshop>::new();
        let error = action_error(start);
        let cards = templates
            .into_iter()
            .map(|w| {
                view! {
                    <li class="card">
                        <h3><a href=format!("/workshops/{}", w.workshop_id)>{w.title.clone()}</a></h3>
                        <p class="muted">{t!(i18n, workshop_activity_count, activities = w.activities)}</p>
                        <ActionForm action=start>
                            <input type="hidden" name="workshop_id" value=w.workshop_id />
                            <button type="submit" class="button">{t!(i18n, workshop_template_start)}</button>
                        </ActionForm>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>{t!(i18n, workshops_templates_title)}</h2>
            <FormNotice error />
            <ul class="cards">{cards}</ul>
        }
    });
    let cards = mine
        .into_iter()
        .map(|w| {
            let (activities, participants) = (w.activities, w.participants);
            view! {
                <li class="card">
                    <h3><a href=format!("/workshops/{}", w.workshop_id)>{w.title.clone()}</a></h3>
                    <p class="muted">
                        {t!(i18n, workshop_code_is)} " " <span class="code">{w.code.clone()}</span> " · "
                        {t!(i18n, workshop_activity_count, activities)} " · "
                        {t!(i18n, workshop_participant_count, participants)}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        {none.then(|| view! { <p class="muted">{t!(i18n, workshops_none)}</p> })}
        <ul class="cards">{cards}</ul>
        {templates}
    }
}

#[component]
fn CreateForm() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWorkshop>::new();
    let error = action_error(create);
    let current = i18n.get_locale_untracked();
    let languages = Locale::get_all()
        .iter()
        .map(|l| view! { <option value=l.as_str() selected=*l == current>{endonym(*l)}</option> })
        .collect_view();
    view! {
        <h2>{t!(i18n, workshops_create_title)}</h2>
        <ActionForm action=create>
            <FormNotice error />
            <Field name="title" label=t_string!(i18n, field_workshop_title).to_string() error required=true />
            <div class="field">
                <label for="field-language">{t!(i18n, field_workshop_language)}</label>
                <select id="field-language" name="language">{languages}</select>
                <FieldProblem name="language" error />
            </div>
            <button type="submit" class="button primary">{t!(i18n, workshops_create_submit)}</button>
        </ActionForm>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddActivity>,
    shift: ServerAction<MoveActivity>,
    remove: ServerAction<RemoveActivity>,
    joining: ServerAction<SetJoining>,
    send_out: ServerAction<RemoveParticipant>,
    control: ServerAction<ControlWorkshop>,
}

#[component]
pub fn WorkshopPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let actions = Actions {
        add: ServerAction::new(),
        shift: ServerAction::new(),
        remove: ServerAction::new(),
        joining: ServerAction::new(),
        send_out: ServerAction::new(),
        control: ServerAction::new(),
    };
    let workshop = page_data(
        move || {
            (
                id.get(),
                actions.add.version().get(),
                actions.shift.version().get(),
                actions.remove.version().get(),
                actions.joining.version().get(),
                actions.send_out.version().get(),
                actions.control.version().get(),
            )
        },
        |(id, ..)| get_workshop(id),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(workshop.await, move |workshop| view! { <WorkshopPanel workshop actions /> })
            })}
        </Suspense>
    }
}

#[component]
fn WorkshopPanel(workshop: Workshop, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let id = workshop.workshop_id.clone();
    let agenda_error = Signal::derive(move || {
        actions
            .shift
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.remove.value().get().and_then(Result::err))
    });
    let count = workshop.activities.len();
    let agenda = workshop
        .activities
        .iter()
        .enumerate()
        .map(|(n, a)| {
            view! { <AgendaLine workshop_id=id.clone() activity=a.clone() first=n == 0 last=n + 1 == count actions /> }
        })
        .collect_view();
    let title = workshop.title.clone();
    let template = workshop.template;
    let (room, notice) = if template {
        (
            None,
            Some(view! { <p class="notice">{t!(i18n, workshop_template_notice)}</p> }),
        )
    } else {
        (Some(view! { <RoomPanel workshop actions /> }), None)
    };
    view! {
        <Title text=page_title(&title) />
        <section>
            <h1>{title.clone()}</h1>
            {notice}
            <CopyForms workshop_id=id.clone() template />
            {room}
            <h2>{t!(i18n, workshop_agenda_title)}</h2>
            <FormNotice error=agenda_error />
            {(count == 0).then(|| view! { <p class="muted">{t!(i18n, workshop_agenda_empty)}</p> })}
            <ol class="cards">{agenda}</ol>
            <AddActivityForm workshop_id=id action=actions.add />
        </section>
    }
}

/// Starting again from a workshop: for a workshop, run it again or keep it as a template; for
/// a template, start a workshop from it.
#[component]
fn CopyForms(workshop_id: String, template: bool) -> impl IntoView {
    let i18n = use_i18n();
    let copy = ServerAction::<CopyWorkshop>::new();
    let error = action_error(copy);
    let copy_form = move |as_template: bool, id: String| {
        let label = match (template, as_template) {
            (true, _) => t_string!(i18n, workshop_template_start),
            (false, false) => t_string!(i18n, workshop_copy),
            (false, true) => t_string!(i18n, workshop_save_template),
        };
        view! {
            <ActionForm action=copy>
                <input type="hidden" name="workshop_id" value=id />
                {as_template.then(|| view! { <input type="hidden" name="template" value="on" /> })}
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <FormNotice error />
        <div class="actions">{copy_form(false, workshop_id.clone())} {(!template).then(|| copy_form(true, workshop_id))}</div>
    }
}

/// What only a workshop that runs has: its code and screens, the run controls, who may join,
/// and who is in the room.
#[component]
fn RoomPanel(workshop: Workshop, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let id = workshop.workshop_id.clone();
    let join_path = format!("/live/{}", workshop.code);
    let present_path = format!("/workshops/{id}/present");
    let results_path = format!("/workshops/{id}/results");
    let agenda_ids = workshop
        .activities
        .iter()
        .map(|a| a.activity_id.clone())
        .collect::<Vec<_>>();
    let none_joined = workshop.participants.is_empty();
    let joining_id = id.clone();
    let people = workshop
        .participants
        .into_iter()
        .map(|p| {
            let id = id.clone();
            let name = p
                .nickname
                .unwrap_or_else(|| t_string!(i18n, workshop_anonymous).to_string());
            view! {
                <li class="card">
                    <h3>{name}</h3>
                    <ActionForm action=actions.send_out>
                        <input type="hidden" name="workshop_id" value=id.clone() />
                        <input type="hidden" name="participant_id" value=p.participant_id />
                        <button type="submit" class="button">{t!(i18n, workshop_remove_participant)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <p>
            {t!(i18n, workshop_code_is)} " " <strong class="code">{workshop.code.clone()}</strong> " · "
            {t!(i18n, workshop_join_at)} " " <a href=join_path.clone()>{join_path.clone()}</a> " · "
            <a href=present_path target="_blank">{t!(i18n, run_present_link)}</a> " · "
            <a href=results_path>{t!(i18n, workshop_results_link)}</a>
        </p>
        <RunPanel workshop_id=id.clone() agenda=agenda_ids stage=workshop.stage control=actions.control />

        <h2>{t!(i18n, workshop_joining_title)}</h2>
        <ActionForm action=actions.joining>
            <input type="hidden" name="workshop_id" value=joining_id />
            <div class="field checkbox">
                <input type="checkbox" id="field-locked" name="locked" value="on" checked=workshop.joining_locked />
                <label for="field-locked">{t!(i18n, workshop_lock_joining)}</label>
            </div>
            <div class="field checkbox">
                <input type="checkbox" id="field-anonymous" name="anonymous" value="on" checked=workshop.anonymous_allowed />
                <label for="field-anonymous">{t!(i18n, workshop_allow_anonymous)}</label>
            </div>
            <button type="submit" class="button">{t!(i18n, workshop_joining_save)}</button>
        </ActionForm>

        <h2>{t!(i18n, workshop_participants_title)}</h2>
        {none_joined.then(|| view! { <p class="muted">{t!(i18n, workshop_participants_none)}</p> })}
        <ul class="cards">{people}</ul>
    }
}

/// What an activity's settings say, in a line.
fn settings_text(i18n: I18nContext<Locale>, settings: &Settings) -> String {
    match settings {
        Settings::Poll {
            options,
            multiple,
            correct,
        } => {
            let mut text = options.join(" · ");
            if *multiple {
                text = format!("{text} ({})", t_string!(i18n, activity_multiple));
            }
            if let Some(option) = correct.and_then(|c| options.get(c)) {
                text = format!("{text} — {}", t_string!(i18n, activity_correct_is, option));
            }
            text
        }
        Settings::Rating { statements, scale } | Settings::Delphi { statements, scale } => {
            let scale = match scale {
                Scale::Evidence => t_string!(i18n, activity_scale_evidence),
                Scale::Agreement => t_string!(i18n, activity_scale_agreement),
            };
            format!("{} ({scale})", statements.join(" · "))
        }
        Settings::WordCloud { per_person } => {
            t_string!(i18n, activity_words_each, n = *per_person).to_string()
        }
        Settings::Ranking { items } => items.join(" · "),
        Settings::Dots {
            items,
            dots,
            stacking,
        } => {
            let each = if *stacking {
                t_string!(i18n, activity_dots_stacking, n = *dots)
            } else {
                t_string!(i18n, activity_dots_each, n = *dots)
            };
            format!("{} ({each})", items.join(" · "))
        }
        Settings::Matrix { items, x, y } => format!("{} ({x} × {y})", items.join(" · ")),
        Settings::Questions {
            anonymous,
            moderated,
        } => {
            let names = if *anonymous {
                t_string!(i18n, activity_questions_anonymous)
            } else {
                t_string!(i18n, activity_questions_named)
            };
            if *moderated {
                format!("{names}; {}", t_string!(i18n, activity_questions_moderated))
            } else {
                names.to_string()
            }
        }
        Settings::Ideas { categories, dots } => {
            let vote = match dots {
                0 => t_string!(i18n, activity_board_no_vote).to_string(),
                n => t_string!(i18n, activity_board_dots, n = *n).to_string(),
            };
            if categories.is_empty() {
                vote
            } else {
                format!("{} ({vote})", categories.join(" · "))
            }
        }
        Settings::Cafe { topics, dots } => {
            let vote = match dots {
                0 => t_string!(i18n, activity_board_no_vote).to_string(),
                n => t_string!(i18n, activity_board_dots, n = *n).to_string(),
            };
            format!("{} ({vote})", topics.join(" · "))
        }
        Settings::Swot { dots: 0 } => t_string!(i18n, activity_board_no_vote).to_string(),
        Settings::Swot { dots } => t_string!(i18n, activity_swot_dots, n = *dots).to_string(),
        Settings::Timer { seconds } => clock(*seconds),
    }
}

#[component]
fn AgendaLine(
    workshop_id: String,
    activity: Activity,
    first: bool,
    last: bool,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let (ids, prompt) = (
        (workshop_id.clone(), activity.activity_id.clone()),
        activity.prompt.clone(),
    );
    let shift = move |direction: &'static str| {
        let label = if direction == "up" {
            t_string!(i18n, workshop_move_up)
        } else {
            t_string!(i18n, workshop_move_down)
        };
        let (workshop_id, activity_id) = ids.clone();
        let aria = format!("{label}: {prompt}");
        view! {
            <ActionForm action=actions.shift>
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="direction" value=direction />
                <button type="submit" class="button" aria-label=aria>{label}</button>
            </ActionForm>
        }
    };
    let (up, down) = (
        (!first).then(|| shift("up")),
        (!last).then(|| shift("down")),
    );
    view! {
        <li class="card">
            <h3>{activity.prompt.clone()}</h3>
            <p class="muted">{kind_label(i18n, activity.settings.kind())} " · " {settings_text(i18n, &activity.settings)}</p>
            <div class="actions">
                {up}
                {down}
                <ActionForm action=actions.remove>
                    <input type="hidden" name="workshop_id" value=workshop_id.clone() />
                    <input type="hidden" name="activity_id" value=activity.activity_id.clone() />
                    <button type="submit" class="button" aria-label=format!("{}: {}", t_string!(i18n, workshop_remove_activity), activity.prompt)>
                        {t!(i18n, workshop_remove_activity)}
                    </button>
                </ActionForm>
            </div>
        </li>
    }
}

/// One form for every kind: without JavaScript it cannot change with the kind chosen, so the
/// settings of each kind sit in a group named after it, and only the chosen kind's are read.
#[component]
fn AddActivityForm(workshop_id: String, action: ServerAction<AddActivity>) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(action);
    let kinds = KINDS
        .iter()
        .map(|k| view! { <option value=*k>{kind_label(i18n, k)}</option> })
        .collect_view();
    view! {
        <h3>{t!(i18n, workshop_add_title)}</h3>
        <ActionForm action>
            <FormNotice error />
            <input type="hidden" name="workshop_id" value=workshop_id />
            <div class="field">
                <label for="field-kind">{t!(i18n, field_activity_kind)}</label>
                <select id="field-kind" name="kind">{kinds}</select>
                <FieldProblem name="kind" error />
            </div>
            <Field name="prompt" label=t_string!(i18n, field_activity_prompt).to_string() error required=true />
            <fieldset>
                <legend>{t!(i18n, workshop_settings_poll_rating)}</legend>
                <div class="field">
                    <label for="field-lines">{t!(i18n, field_activity_lines)}</label>
                    <p class="hint" id="field-lines-hint">{t!(i18n, field_activity_lines_hint)}</p>
                    <textarea id="field-lines" name="lines" rows="4" aria-describedby="field-lines-hint">
                        {move || error.get().and_then(|e| e.kept("lines").map(str::to_owned)).map(textarea_text)}
                    </textarea>
                    <FieldProblem name="lines" error />
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id="field-multiple" name="multiple" value="on" />
                    <label for="field-multiple">{t!(i18n, field_activity_multiple)}</label>
                </div>
                <Field name="correct" kind="number" label=t_string!(i18n, field_activity_correct).to_string() hint=t_string!(i18n, field_activity_correct_hint).to_string() error />
                <div class="field">
                    <label for="field-scale">{t!(i18n, field_activity_scale)}</label>
                    <select id="field-scale" name="scale">
                        <option value="evidence">{t!(i18n, activity_scale_evidence)}</option>
                        <option value="agreement">{t!(i18n, activity_scale_agreement)}</option>
                    </select>
                </div>
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, workshop_settings_dots_matrix)}</legend>
                <Field name="dots" kind="number" value="3" label=t_string!(i18n, field_activity_dots).to_string() error />
                <div class="field checkbox">
                    <input type="checkbox" id="field-stacking" name="stacking" value="on" />
                    <label for="field-stacking">{t!(i18n, field_activity_stacking)}</label>
                </div>
                <Field name="x_axis" value=t_string!(i18n, activity_matrix_impact).to_string() label=t_string!(i18n, field_activity_x_axis).to_string() error />
                <Field name="y_axis" value=t_string!(i18n, activity_matrix_uncertainty).to_string() label=t_string!(i18n, field_activity_y_axis).to_string() error />
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, workshop_settings_other)}</legend>
                <Field name="per_person" kind="number" value="3" label=t_string!(i18n, field_activity_per_person).to_string() error />
                <div class="field checkbox">
                    <input type="checkbox" id="field-anonymous-questions" name="anonymous" value="on" />
                    <label for="field-anonymous-questions">{t!(i18n, field_activity_anonymous)}</label>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id="field-moderated" name="moderated" value="on" />
                    <label for="field-moderated">{t!(i18n, field_activity_moderated)}</label>
                </div>
                <Field name="minutes" value="5:00" label=t_string!(i18n, field_activity_minutes).to_string() hint=t_string!(i18n, field_activity_minutes_hint).to_string() error />
            </fieldset>
            <button type="submit" class="button primary">{t!(i18n, workshop_add_submit)}</button>
        </ActionForm>
    }
}
