//! A participant's screen of a running workshop: the activity shown, the form that answers it
//! while it is open (or a board's own forms), their answer, and the results once revealed.
//! Only the server writes it (`room_api.rs`): every form posts as it is without JavaScript, and
//! with it `screen_dom.rs` posts them in place and the room's socket brings each change.

use super::activities::{delphi, dots, ideas_views, matrix, questions, ranking, scale_points};
use super::api::AnswerActivity;
use super::ideas_api::{DotNote, PostNote};
use super::model::Settings;
use super::questions_api::{AskQuestion, VoteQuestion};
use super::run::{Answer, Results};
use super::run_pages::{Countdown, ResultsView};
use super::stage::{Screen, Shown};
use super::tally::scale_bounds;
use crate::i18n::*;
use crate::ui::{action_error, textarea_text, view_locale, FieldProblem, FormNotice};
use leptos::prelude::*;

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

/// A participant's screen: the activity shown, the form that answers it while it is open, their
/// answer, and the results once revealed.
#[component]
pub fn ScreenView(code: String, screen: Screen, actions: ScreenActions) -> impl IntoView {
    let locale = view_locale();
    let ScreenActions {
        answer,
        ask,
        vote,
        post,
        dot,
    } = actions;
    let Some(shown) = screen.shown else {
        return view! { <p>{td!(locale, live_waiting)}</p> }.into_any();
    };
    let (n, of) = (shown.position, shown.of);
    if let (Settings::Questions { anonymous, .. }, Some(Results::Questions { questions })) =
        (&shown.activity.settings, &screen.results)
    {
        return view! {
            <p class="muted">{td!(locale, run_position, n, of)}</p>
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
            <p class="muted">{td!(locale, run_position, n, of)}</p>
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
        || view! { <p class="notice notice-ok" role="status">{td!(locale, live_answer_counted)}</p> },
    );
    let takes_answers = shown.activity.settings.takes_answers();
    let delphi = matches!(shown.activity.settings, Settings::Delphi { .. });
    let form = (shown.open && takes_answers).then(|| {
        view! {
            <AnswerForm code shown=shown.clone() mine=screen.mine.clone() rounds=screen.results.clone() command_id=screen.command_id answer />
        }
    });
    let closed = (!shown.open && takes_answers)
        .then(|| view! { <p class="muted">{td!(locale, live_answers_closed)}</p> });
    let follow_screen =
        (!takes_answers).then(|| view! { <p class="muted">{td!(locale, live_follow_screen)}</p> });
    // A Delphi screen shows the round before inside its form; the rounds as a whole once
    // revealed.
    let results = screen
        .results
        .filter(|_| !delphi || shown.revealed)
        .map(|results| {
            view! {
                <h3>{td!(locale, run_results_title)}</h3>
                <ResultsView settings=shown.activity.settings.clone() results revealed=true />
            }
        });
    view! {
        <p class="muted">{td!(locale, run_position, n, of)}</p>
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

fn scale_hint(locale: Locale, settings: &Settings) -> Option<String> {
    match settings {
        Settings::Rating { scale, .. } | Settings::Delphi { scale, .. } => Some(match scale {
            super::model::Scale::Evidence => {
                td_string!(locale, activity_scale_evidence).to_string()
            }
            super::model::Scale::Agreement => {
                td_string!(locale, activity_scale_agreement).to_string()
            }
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
    let locale = view_locale();
    let error = action_error(answer);
    let hint = scale_hint(locale, &shown.activity.settings);
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
                    <label for="field-values">{td!(locale, live_words_label)}</label>
                    <p class="hint" id="field-values-hint">{td!(locale, live_words_hint, n = per_person)}</p>
                    <textarea id="field-values" name="values[0]" rows="4" aria-describedby="field-values-hint">
                        {move || textarea_text(error.get().and_then(|e| e.kept("values").map(str::to_owned)).unwrap_or_else(|| typed.clone()))}
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
            <button type="submit" class="button primary">{td!(locale, live_answer_submit)}</button>
        </ActionForm>
    }
}
