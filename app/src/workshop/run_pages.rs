//! The screens of a running workshop: the facilitator's controls, the presenter's screen (the
//! projector), and the results they (and a participant's screen, in `screen_pages.rs`) show
//! live. Every form posts without JavaScript; with it, the live socket
//! brings each change without a reload.

use super::activities::{bar, delphi, dots, ideas_views, matrix, questions, ranking, share};
use super::api::{get_stage, ControlWorkshop};
use super::ideas_api::{BoardVoting, NameCluster, OrganiseNote, RunTables};
use super::model::{clock, Settings};
use super::questions_api::ModerateQuestion;
use super::run::Results;
use super::screen_dom::tick_timers;
use super::socket::follow;
use super::stage::{Shown, Stage};
use crate::i18n::*;
use crate::ui::{
    action_error, or_error_page, page_data, page_title, view_locale, FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(PresentRoute, PresentPage);

/// Keeps `stage` up to date from the presenter socket of `workshop_id`, and its timer counting.
fn follow_stage(workshop_id: String, stage: RwSignal<Stage>) {
    tick_timers();
    follow(
        move || {
            format!(
                "/workshops/{workshop_id}/socket?since={}",
                stage.with_untracked(|s| s.seq)
            )
        },
        move |text| {
            if let Ok(next) = serde_json::from_str::<Stage>(&text) {
                stage.set(next);
            }
        },
        || (),
    );
}

/// The facilitator's controls: start, previous and next through the agenda, the waiting
/// screen, open or close answers, reveal results; and the stage as the projector shows it.
#[component]
pub fn RunPanel(
    workshop_id: String,
    agenda: Vec<String>,
    stage: Stage,
    control: ServerAction<ControlWorkshop>,
) -> impl IntoView {
    let locale = view_locale();
    let stage = RwSignal::new(stage);
    follow_stage(workshop_id.clone(), stage);
    let error = action_error(control);
    let position = move || stage.with(|s| s.shown.as_ref().map(|s| s.position));
    let step = move |offset: isize| {
        let at = position().map_or(0, |p| p as isize - 1 + offset);
        usize::try_from(at)
            .ok()
            .and_then(|n| agenda.get(n).cloned())
    };
    let timer_id = workshop_id.clone();
    let moderated_id = workshop_id.clone();
    let button = move |action: &'static str, activity: Option<String>, label: String| {
        let workshop_id = workshop_id.clone();
        view! {
            <ActionForm action=control>
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="action" value=action />
                <input type="hidden" name="activity_id" value=activity.unwrap_or_default() />
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        }
    };
    let controls = move || {
        let shown = stage.with(|s| s.shown.clone());
        let (previous, next) = (step(-1), step(1));
        let start = match &shown {
            None => step(0).map(|first| {
                button(
                    "show",
                    Some(first),
                    td_string!(locale, run_start).to_string(),
                )
            }),
            Some(_) => None,
        };
        let previous = shown.as_ref().and(previous).map(|id| {
            button(
                "show",
                Some(id),
                td_string!(locale, run_previous).to_string(),
            )
        });
        let next = shown
            .as_ref()
            .and(next)
            .map(|id| button("show", Some(id), td_string!(locale, run_next).to_string()));
        let open = shown.as_ref().map(|s| {
            if s.open {
                button("close", None, td_string!(locale, run_close).to_string())
            } else {
                button("open", None, td_string!(locale, run_open).to_string())
            }
        });
        let reveal = shown
            .as_ref()
            .filter(|s| {
                !s.revealed && (s.activity.settings.takes_answers() || s.activity.settings.sealed())
            })
            .map(|_| button("reveal", None, td_string!(locale, run_reveal).to_string()));
        // A Delphi activity's next round, while rounds are left.
        let round = stage.with(|s| match (&s.shown, &s.results) {
            (Some(_), Results::Delphi { round, .. }) if *round < delphi::ROUNDS_MAX => {
                Some(*round + 1)
            }
            _ => None,
        });
        let round = round.map(|n| {
            button(
                "round",
                None,
                td_string!(locale, delphi_start_round, n).to_string(),
            )
        });
        let waiting = shown.is_some().then(|| {
            button(
                "show",
                None,
                td_string!(locale, run_waiting_screen).to_string(),
            )
        });
        let timer = shown.as_ref().map(|s| match s.timer_left {
            Some(_) => button("stop_timer", None, td_string!(locale, run_timer_stop).to_string()).into_any(),
            None => view! { <TimerForm workshop_id=timer_id.clone() settings=s.activity.settings.clone() control /> }.into_any(),
        });
        view! {
            <div class="actions">{start}{previous}{next}{open}{round}{reveal}{waiting}</div>
            {timer}
        }
    };
    let moderate = ServerAction::<ModerateQuestion>::new();
    let (voting, name, organise, tables) = (
        ServerAction::<BoardVoting>::new(),
        ServerAction::<NameCluster>::new(),
        ServerAction::<OrganiseNote>::new(),
        ServerAction::<RunTables>::new(),
    );
    let moderation = move || {
        stage.with(|s| match (&s.shown, &s.results) {
            (Some(shown), Results::Questions { questions }) => Some(view! {
                <questions::Moderation workshop_id=moderated_id.clone() activity_id=shown.activity.activity_id.clone() lines=questions.clone() moderate />
            }.into_any()),
            (Some(shown), Results::Ideas { sheet }) => Some(view! {
                <ideas_views::Organise
                    workshop_id=moderated_id.clone()
                    activity_id=shown.activity.activity_id.clone()
                    settings=shown.activity.settings.clone()
                    sheet=sheet.clone()
                    voting
                    name
                    organise
                    tables
                />
            }.into_any()),
            _ => None,
        })
    };
    view! {
        <h2>{td!(locale, run_title)}</h2>
        <FormNotice error />
        {controls}
        <StageView stage=stage.into() />
        {moderation}
    }
}

/// Starts a timer for the shown activity on every screen: a timer activity's own length, or
/// two minutes, unless the facilitator types another.
#[component]
fn TimerForm(
    workshop_id: String,
    settings: Settings,
    control: ServerAction<ControlWorkshop>,
) -> impl IntoView {
    let locale = view_locale();
    let length = match settings {
        Settings::Timer { seconds } => clock(seconds),
        _ => "2".to_owned(),
    };
    view! {
        <ActionForm action=control attr:class="timer-form">
            <input type="hidden" name="workshop_id" value=workshop_id />
            <input type="hidden" name="action" value="timer" />
            <div class="field">
                <label for="field-timer-minutes">{td!(locale, run_timer_minutes)}</label>
                <input id="field-timer-minutes" name="minutes" value=length inputmode="numeric" size="5" />
                <FieldProblem name="minutes" error=action_error(control) />
            </div>
            <button type="submit" class="button">{td!(locale, run_timer_start)}</button>
        </ActionForm>
    }
}

/// The facilitator's timer on a screen: the seconds left when the screen was read, in
/// `data-left`, counted down by the page's [`tick_timers`]; the words for "time is up" wait in
/// `data-up`. Without JavaScript a reload shows the time left.
#[component]
pub(super) fn Countdown(left: u32) -> impl IntoView {
    let locale = view_locale();
    let up = td_string!(locale, run_time_up).to_string();
    if left == 0 {
        return view! { <p class="timer" role="timer">{up}</p> }.into_any();
    }
    view! {
        <p class="timer" role="timer" data-left=left.to_string() data-up=up>
            {td!(locale, run_time_left)} " " <strong>{clock(left)}</strong>
        </p>
    }
    .into_any()
}

/// What the projector shows: the activity and its results, the people in the room.
#[component]
fn StageView(stage: Signal<Stage>) -> impl IntoView {
    let locale = view_locale();
    move || {
        let stage = stage.get();
        let people = stage.participants;
        let body = match stage.shown {
            None => view! { <p class="muted">{td!(locale, run_nothing_shown)}</p> }.into_any(),
            Some(shown) => view! { <ShownView shown results=stage.results /> }.into_any(),
        };
        view! {
            <div class="stage" aria-live="polite">
                <p class="muted">{td!(locale, run_people, n = people)}</p>
                {body}
            </div>
        }
    }
}

#[component]
fn ShownView(shown: Shown, results: Results) -> impl IntoView {
    let locale = view_locale();
    let (n, of) = (shown.position, shown.of);
    let status = if shown.open {
        td_string!(locale, run_answers_open)
    } else {
        td_string!(locale, run_answers_closed)
    };
    view! {
        <p class="muted">{td!(locale, run_position, n, of)} " · " {status}</p>
        <h3 class="prompt">{shown.activity.prompt.clone()}</h3>
        {shown.timer_left.map(|left| view! { <Countdown left /> })}
        <ResultsView settings=shown.activity.settings.clone() results revealed=shown.revealed />
    }
}

/// An activity's results: bars per option, per statement the spread and mean, the words by
/// how often they were given. `revealed`: a poll's correct option is marked.
#[component]
pub fn ResultsView(settings: Settings, results: Results, revealed: bool) -> impl IntoView {
    let locale = view_locale();
    match (settings, results) {
        (
            Settings::Poll {
                options, correct, ..
            },
            Results::Poll { counts, voters },
        ) => {
            let rows = options
                .into_iter()
                .zip(counts)
                .enumerate()
                .map(|(n, (option, count))| {
                    let right = (revealed && correct == Some(n))
                        .then(|| view! { " " <strong>{td!(locale, run_correct)}</strong> });
                    view! {
                        <li>
                            <span>{option} {right} " — " {count}</span>
                            {bar(share(count, voters))}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <ul class="results">{rows}</ul>
                <p class="muted">{td!(locale, run_voters, n = voters)}</p>
            }
            .into_any()
        }
        (
            Settings::Rating { statements, .. },
            Results::Rating {
                statements: spreads,
                low,
            },
        ) => {
            let rows = statements
                .into_iter()
                .zip(spreads)
                .map(|(statement, spread)| {
                    let given: u32 = spread.counts.iter().sum();
                    let mean = spread
                        .mean
                        .map(|m| format!("{m:.1}"))
                        .unwrap_or_else(|| "–".to_owned());
                    let points = (u32::from(low)..)
                        .zip(spread.counts)
                        .map(|(point, count)| {
                            view! { <li><span>{point} " — " {count}</span>{bar(share(count, given))}</li> }
                        })
                        .collect_view();
                    view! {
                        <li>
                            <strong>{statement}</strong> " " {td!(locale, run_mean, mean)}
                            <ul class="results">{points}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="statements">{rows}</ul> }.into_any()
        }
        (Settings::WordCloud { .. }, Results::Words { words }) => {
            if words.is_empty() {
                return view! { <p class="muted">{td!(locale, run_no_words)}</p> }.into_any();
            }
            let most = words.first().map_or(1, |w| w.1).max(1);
            let cloud = words
                .into_iter()
                .map(|(word, count)| {
                    // Five sizes, the most frequent word the largest.
                    let size = 1 + (4 * count / most).min(4);
                    view! { <li class=format!("w{size}")>{word} " " <span class="muted">{count}</span></li> }
                })
                .collect_view();
            view! { <ul class="cloud">{cloud}</ul> }.into_any()
        }
        (Settings::Ranking { items }, Results::Ranking { standings, voters }) => {
            view! { <ranking::Outcome items standings voters /> }.into_any()
        }
        (Settings::Dots { items, .. }, Results::Dots { counts, voters }) => {
            view! { <dots::Outcome items counts voters /> }.into_any()
        }
        (_, Results::Sealed { voters }) => {
            view! { <p class="muted">{td!(locale, run_sealed, n = voters)}</p> }.into_any()
        }
        (Settings::Matrix { items, x, y }, Results::Matrix { places }) => {
            view! { <matrix::Outcome items x y places /> }.into_any()
        }
        (_, Results::Questions { questions }) => {
            view! { <questions::Wall lines=questions /> }.into_any()
        }
        (settings, Results::Ideas { sheet }) => {
            view! { <ideas_views::Notes settings sheet /> }.into_any()
        }
        (
            Settings::Delphi { statements, .. },
            Results::Delphi {
                rounds,
                low,
                round,
                raters,
                ..
            },
        ) => view! { <delphi::Outcome statements low rounds round raters /> }.into_any(),
        (Settings::Timer { seconds }, _) => {
            view! { <p class="timer">{clock(seconds)}</p> }.into_any()
        }
        _ => ().into_any(),
    }
}

#[component]
pub fn PresentPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let stage = page_data(move || id.get(), get_stage);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(stage.await, move |stage| view! { <Presenter workshop_id=id.get_untracked() stage /> })
            })}
        </Suspense>
    }
}

#[component]
fn Presenter(workshop_id: String, stage: Stage) -> impl IntoView {
    let locale = view_locale();
    let (title, code, join_url) = (
        stage.title.clone(),
        stage.code.clone(),
        stage.join_url.clone(),
    );
    let qr = format!("/live/{code}/qr.svg");
    let stage = RwSignal::new(stage);
    follow_stage(workshop_id, stage);
    view! {
        <Title text=page_title(&title) />
        <section class="presenter">
            <div class="joining">
                <img class="qr" src=qr alt=td_string!(locale, present_qr) />
                <p class="join">
                    {td!(locale, present_join_at)} " " <strong>{join_url}</strong> " · "
                    {td!(locale, workshop_code_is)} " " <strong class="code">{code}</strong>
                </p>
            </div>
            <h1>{title.clone()}</h1>
            <StageView stage=stage.into() />
        </section>
    }
}
