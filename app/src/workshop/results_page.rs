//! The results page of a workshop, for whoever runs it: every activity's outcome in the
//! agenda's order, the same whether the room saw it or not, and the downloads.

use super::pages::kind_label;
use super::results::{get_workshop_results, Outcome};
use super::run::Results;
use super::run_pages::ResultsView;
use crate::i18n::*;
use crate::ui::{or_error_page, page_data, page_title};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(WorkshopResultsRoute, WorkshopResultsPage);

#[component]
pub fn WorkshopResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let results = page_data(move || id.get(), get_workshop_results);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(results.await, move |r| {
                    let outcomes = r
                        .activities
                        .into_iter()
                        .enumerate()
                        .map(|(n, outcome)| view! { <OutcomeView n=n + 1 outcome /> })
                        .collect_view();
                    let back = format!("/workshops/{}", r.workshop_id);
                    let file = |format: &str| {
                        format!("/api/workshop/export?workshop_id={}&format={format}", r.workshop_id)
                    };
                    view! {
                        <Title text=page_title(&r.title) />
                        <section class="workshop-results">
                            <p class="no-print"><a href=back>{t!(i18n, workshop_results_back)}</a></p>
                            <h1>{r.title.clone()}</h1>
                            <p class="muted">{t!(i18n, run_people, n = r.participants)}</p>
                            {outcomes}
                            <h2 class="no-print">{t!(i18n, results_downloads)}</h2>
                            <ul class="no-print downloads">
                                <li><a href=file("csv") download>{t!(i18n, results_download_csv)}</a></li>
                                <li><a href=file("json") download>{t!(i18n, results_download_json)}</a></li>
                            </ul>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

#[component]
fn OutcomeView(n: usize, outcome: Outcome) -> impl IntoView {
    let i18n = use_i18n();
    let Outcome {
        activity,
        answered,
        revealed,
        results,
    } = outcome;
    let kind = kind_label(i18n, activity.settings.kind());
    let takes_answers = activity.settings.takes_answers();
    // Boards of questions and notes take contributions, not one answer each.
    let board = matches!(results, Results::Questions { .. } | Results::Ideas { .. });
    let unseen = (!revealed && (takes_answers || activity.settings.sealed()))
        .then(|| view! { <p class="muted">{t!(i18n, workshop_results_not_revealed)}</p> });
    let body = if takes_answers || board {
        view! {
            {takes_answers.then(|| view! { <p class="muted">{t!(i18n, run_voters, n = answered)}</p> })}
            {unseen}
            <ResultsView settings=activity.settings results revealed=true />
        }
        .into_any()
    } else {
        view! { <p class="muted">{t!(i18n, workshop_results_no_answers)}</p> }.into_any()
    };
    view! {
        <article class="card outcome">
            <h2>{n} ". " {activity.prompt}</h2>
            <p class="muted">{kind}</p>
            {body}
        </article>
    }
}
