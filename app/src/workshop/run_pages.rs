//! The screens of a running workshop: the facilitator's controls, the presenter's screen (the
//! projector), the results both show live, and a participant's screen with the form that
//! answers the activity shown. Every form posts without JavaScript; with it, the live socket
//! brings each change without a reload.

use super::activities::{
    bar, delphi, dots, ideas_views, matrix, questions, ranking, scale_points, share,
};
use super::api::{get_stage, AnswerActivity, ControlWorkshop};
use super::ideas_api::{BoardVoting, DotNote, NameCluster, OrganiseNote, PostNote, RunTables};
use super::model::{clock, Settings};
use super::questions_api::{AskQuestion, ModerateQuestion, VoteQuestion};
use super::run::{Answer, Results};
use super::socket::follow;
use super::stage::{Screen, Shown, Stage};
use super::tally::scale_bounds;
use crate::i18n::*;
use crate::ui::{action_error, or_error_page, page_data, page_title, FieldProblem, FormNotice};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(PresentRoute, PresentPage);

/// Keeps `stage` up to date from the presenter socket of `workshop_id`.
fn follow_stage(workshop_id: String, stage: RwSignal<Stage>) {
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
    let i18n = use_i18n();
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
            None => step(0)
                .map(|first| button("show", Some(first), t_string!(i18n, run_start).to_string())),
            Some(_) => None,
        };
        let previous = shown
            .as_ref()
            .and(previous)
            .map(|id| button("show", Some(id), t_string!(i18n, run_previous).to_string()));
        let next = shown
            .as_ref()
            .and(next)
            .map(|id| button("show", Some(id), t_string!(i18n, run_next).to_string()));
        let open = shown.as_ref().map(|s| {
            if s.open {
                button("close", None, t_string!(i18n, run_close).to_string())
            } else {
                button("open", None, t_string!(i18n, run_open).to_string())
            }
        });
        let reveal = shown
            .as_ref()
            .filter(|s| {
                !s.revealed && (s.activity.settings.takes_answers() || s.activity.settings.sealed())
            })
            .map(|_| button("reveal", None, t_string!(i18n, run_reveal).to_string()));
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
                t_string!(i18n, delphi_start_round, n).to_string(),
            )
        });
        let waiting = shown.is_some().then(|| {
            button(
                "show",
                None,
                t_string!(i18n, run_waiting_screen).to_string(),
            )
        });
        let timer = shown.as_ref().map(|s| match s.timer_left {
            Some(_) => button("stop_timer", None, t_string!(i18n, run_timer_stop).to_string()).into_any(),
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
        <h2>{t!(i18n, run_title)}</h2>
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
    let i18n = use_i18n();
    let length = match settings {
        Settings::Timer { seconds } => clock(seconds),
        _ => "2".to_owned(),
    };
    view! {
        <ActionForm action=control attr:class="timer-form">
            <input type="hidden" name="workshop_id" value=workshop_id />
            <input type="hidden" name="action" value="timer" />
            <div class="field">
                <label for="field-timer-minutes">{t!(i18n, run_timer_minutes)}</label>
                <input id="field-timer-minutes" name="minutes" value=length inputmode="numeric" size="5" />
                <FieldProblem name="minutes" error=action_error(control) />
            </div>
            <button type="submit" class="button">{t!(i18n, run_timer_start)}</button>
        </ActionForm>
    }
}

/// The facilitator's timer on a screen: the seconds left when the screen was read, counted down
/// by the page itself; without JavaScript a reload shows the time left.
#[component]
fn Countdown(left: u32) -> impl IntoView {
    let i18n = use_i18n();
    let left = RwSignal::new(left);
    Effect::new(move |_| {
        let tick = move || left.update(|s| *s = s.saturating_sub(1));
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    move || {
        match left.get() {
        0 => view! { <p class="timer" role="timer">{t!(i18n, run_time_up)}</p> }.into_any(),
        s => view! {
            <p class="timer" role="timer">{t!(i18n, run_time_left)} " " <strong>{clock(s)}</strong></p>
        }
        .into_any(),
    }
    }
}

/// What the projector shows: the activity and its results, the people in the room.
#[component]
fn StageView(stage: Signal<Stage>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let stage = stage.get();
        let people = stage.participants;
        let body = match stage.shown {
            None => view! { <p class="muted">{t!(i18n, run_nothing_shown)}</p> }.into_any(),
            Some(shown) => view! { <ShownView shown results=stage.results /> }.into_any(),
        };
        view! {
            <div class="stage" aria-live="polite">
                <p class="muted">{t!(i18n, run_people, n = people)}</p>
                {body}
            </div>
        }
    }
}

#[component]
fn ShownView(shown: Shown, results: Results) -> impl IntoView {
    let i18n = use_i18n();
    let (n, of) = (shown.position, shown.of);
    let status = if shown.open {
        t_string!(i18n, run_answers_open)
    } else {
        t_string!(i18n, run_answers_closed)
    };
    view! {
        <p class="muted">{t!(i18n, run_position, n, of)} " · " {status}</p>
        <h3 class="prompt">{shown.activity.prompt.clone()}</h3>
        {shown.timer_left.map(|left| view! { <Countdown left /> })}
        <ResultsView settings=shown.activity.settings.clone() results revealed=shown.revealed />
    }
}

/// An activity's results: bars per option, per statement the spread and mean, the words by
/// how often they were given. `revealed`: a poll's correct option is marked.
#[component]
pub fn ResultsView(settings: Settings, results: Results, revealed: bool) -> impl IntoView {
    let i18n = use_i18n();
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
                        .then(|| view! { " " <strong>{t!(i18n, run_correct)}</strong> });
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
                <p class="muted">{t!(i18n, run_voters, n = voters)}</p>
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
                            <strong>{statement}</strong> " " {t!(i18n, run_mean, mean)}
                            <ul class="results">{points}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="statements">{rows}</ul> }.into_any()
        }
        (Settings::WordCloud { .. }, Results::Words { words }) => {
            if words.is_empty() {
                return view! { <p class="muted">{t!(i18n, run_no_words)}</p> }.into_any();
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
            view! { <p class="muted">{t!(i18n, run_sealed, n = voters)}</p> }.into_any()
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
    let i18n = use_i18n();
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
                <img class="qr" src=qr alt=t_string!(i18n, present_qr) />
                <p class="join">
                    {t!(i18n, present_join_at)} " " <strong>{join_url}</strong> " · "
                    {t!(i18n, workshop_code_is)} " " <strong class="code">{code}</strong>
                </p>
            </div>
            <h1>{title.clone()}</h1>
            <StageView stage=stage.into() />
        </section>
    }
}

/// What a participant's screen sends: answers, questions and upvotes, notes and dots.
#[derive(Clone, Copy)]
pub struct ScreenActions {
    pub answer: ServerAction<AnswerActivity>,
    pub ask: ServerAction<AskQuestion>,
    pub vote: ServerAction<VoteQuestion>,
    pub post: ServerAction<PostNote>,
    pub dot: ServerAction<DotNote>,
}

impl Default for ScreenActions {
    fn default() -> ScreenActions {
        ScreenActions {
            answer: ServerAction::new(),
            ask: ServerAction::new(),
            vote: ServerAction::new(),
            post: ServerAction::new(),
            dot: ServerAction::new(),
        }
    }
}

impl ScreenActions {
    /// Changes whenever any of them completes (the screen is then read again).
    pub fn version(&self) -> usize {
        self.answer.version().get()
            + self.ask.version().get()
            + self.vote.version().get()
            + self.post.version().get()
            + self.dot.version().get()
    }
}

/// A participant's screen: the activity shown, the form that answers it while it is open, their
/// answer, and the results once revealed.
#[component]
pub fn ScreenView(code: String, screen: Screen, actions: ScreenActions) -> impl IntoView {
    let i18n = use_i18n();
    let ScreenActions {
        answer,
        ask,
        vote,
        post,
        dot,
    } = actions;
    let Some(shown) = screen.shown else {
        return view! { <p>{t!(i18n, live_waiting)}</p> }.into_any();
    };
    let (n, of) = (shown.position, shown.of);
    if let (Settings::Questions { anonymous, .. }, Some(Results::Questions { questions })) =
        (&shown.activity.settings, &screen.results)
    {
        return view! {
            <p class="muted">{t!(i18n, run_position, n, of)}</p>
            <h2 class="prompt">{shown.activity.prompt.clone()}</h2>
            {shown.timer_left.map(|left| view! { <Countdown left /> })}
            <questions::Participate
                code
                activity_id=shown.activity.activity_id.clone()
                lines=questions.clone()
                open=shown.open
                anonymous_allowed=*anonymous
                command_id=screen.command_id.clone()
                ask
                vote
            />
        }
        .into_any();
    }
    if let Some(Results::Ideas { sheet }) = &screen.results {
        return view! {
            <p class="muted">{t!(i18n, run_position, n, of)}</p>
            <h2 class="prompt">{shown.activity.prompt.clone()}</h2>
            {shown.timer_left.map(|left| view! { <Countdown left /> })}
            <ideas_views::Participate
                code
                activity_id=shown.activity.activity_id.clone()
                settings=shown.activity.settings.clone()
                sheet=sheet.clone()
                open=shown.open
                command_id=screen.command_id.clone()
                post
                dot
            />
        }
        .into_any();
    }
    let counted = screen.mine.is_some().then(
        || view! { <p class="notice notice-ok" role="status">{t!(i18n, live_answer_counted)}</p> },
    );
    let takes_answers = shown.activity.settings.takes_answers();
    let delphi = matches!(shown.activity.settings, Settings::Delphi { .. });
    let form = (shown.open && takes_answers).then(|| {
        view! {
            <AnswerForm code shown=shown.clone() mine=screen.mine.clone() rounds=screen.results.clone() command_id=screen.command_id answer />
        }
    });
    let closed = (!shown.open && takes_answers)
        .then(|| view! { <p class="muted">{t!(i18n, live_answers_closed)}</p> });
    let follow_screen =
        (!takes_answers).then(|| view! { <p class="muted">{t!(i18n, live_follow_screen)}</p> });
    // A Delphi screen shows the round before inside its form; the rounds as a whole once
    // revealed.
    let results = screen
        .results
        .filter(|_| !delphi || shown.revealed)
        .map(|results| {
            view! {
                <h3>{t!(i18n, run_results_title)}</h3>
                <ResultsView settings=shown.activity.settings.clone() results revealed=true />
            }
        });
    view! {
        <p class="muted">{t!(i18n, run_position, n, of)}</p>
        <h2 class="prompt">{shown.activity.prompt.clone()}</h2>
        {shown.timer_left.map(|left| view! { <Countdown left /> })}
        {counted}
        {form}
        {closed}
        {follow_screen}
        {results}
    }
    .into_any()
}

fn scale_hint(i18n: I18nContext<Locale>, settings: &Settings) -> Option<String> {
    match settings {
        Settings::Rating { scale, .. } | Settings::Delphi { scale, .. } => Some(match scale {
            super::model::Scale::Evidence => t_string!(i18n, activity_scale_evidence).to_string(),
            super::model::Scale::Agreement => t_string!(i18n, activity_scale_agreement).to_string(),
        }),
        _ => None,
    }
}

#[component]
fn AnswerForm(
    code: String,
    shown: Shown,
    mine: Option<Answer>,
    /// A Delphi activity's rounds as this participant sees them.
    rounds: Option<Results>,
    command_id: String,
    answer: ServerAction<AnswerActivity>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(answer);
    let hint = scale_hint(i18n, &shown.activity.settings);
    let inputs = match (shown.activity.settings, mine) {
        (
            Settings::Poll {
                options, multiple, ..
            },
            mine,
        ) => {
            let chosen = match mine {
                Some(Answer::Poll { choices }) => choices,
                _ => Vec::new(),
            };
            options
                .into_iter()
                .enumerate()
                .map(|(n, option)| {
                    let (kind, name) = if multiple {
                        ("checkbox", format!("values[{n}]"))
                    } else {
                        ("radio", "values[0]".to_owned())
                    };
                    let id = format!("choice-{n}");
                    view! {
                        <div class="field checkbox choice">
                            <input type=kind id=id.clone() name=name value=n.to_string() checked=chosen.contains(&n) />
                            <label for=id>{option}</label>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        }
        (Settings::Rating { statements, scale }, mine) => {
            let scores = match mine {
                Some(Answer::Rating { scores }) => scores,
                _ => Vec::new(),
            };
            let (low, high) = scale_bounds(scale);
            statements
                .into_iter()
                .enumerate()
                .map(|(n, statement)| {
                    let given = scores.get(n).copied().flatten();
                    view! {
                        <fieldset class="scale">
                            <legend>{statement}</legend>
                            {scale_points(format!("values[{n}]"), &format!("score-{n}"), low, high, given)}
                        </fieldset>
                    }
                })
                .collect_view()
                .into_any()
        }
        (Settings::WordCloud { per_person }, mine) => {
            let typed = match mine {
                Some(Answer::Words { words }) => words.join("\n"),
                _ => String::new(),
            };
            view! {
                <div class="field">
                    <label for="field-values">{t!(i18n, live_words_label)}</label>
                    <p class="hint" id="field-values-hint">{t!(i18n, live_words_hint, n = per_person)}</p>
                    <textarea id="field-values" name="values[0]" rows="4" aria-describedby="field-values-hint">
                        {move || error.get().and_then(|e| e.kept("values").map(str::to_owned)).unwrap_or_else(|| typed.clone())}
                    </textarea>
                </div>
            }
            .into_any()
        }
        (Settings::Ranking { items }, mine) => {
            let places = match mine {
                Some(Answer::Ranking { places }) => Some(places),
                _ => None,
            };
            view! { <ranking::Inputs items places /> }.into_any()
        }
        (
            Settings::Dots {
                items,
                dots,
                stacking,
            },
            mine,
        ) => {
            let placed = match mine {
                Some(Answer::Dots { dots }) => Some(dots),
                _ => None,
            };
            view! { <dots::Inputs items dots stacking placed /> }.into_any()
        }
        (Settings::Matrix { items, x, y }, mine) => {
            let points = match mine {
                Some(Answer::Matrix { points }) => Some(points),
                _ => None,
            };
            view! { <matrix::Inputs items x y points /> }.into_any()
        }
        (Settings::Delphi { statements, scale }, _) => {
            let (low, high) = scale_bounds(scale);
            let (before, earlier, now) = match rounds {
                Some(Results::Delphi {
                    mut rounds,
                    round,
                    earlier,
                    now,
                    ..
                }) => (rounds.pop().filter(|r| r.round + 1 == round), earlier, now),
                _ => (None, None, None),
            };
            view! { <delphi::Inputs statements low high before earlier now /> }.into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <ActionForm action=answer>
            <FormNotice error />
            <input type="hidden" name="code" value=code />
            <input type="hidden" name="activity_id" value=shown.activity.activity_id />
            <input type="hidden" name="command_id" value=command_id />
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {inputs}
            <FieldProblem name="values" error />
            <button type="submit" class="button primary">{t!(i18n, live_answer_submit)}</button>
        </ActionForm>
    }
}
