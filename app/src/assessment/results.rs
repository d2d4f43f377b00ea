//! A round's results for its facilitator: the dimensions as a radar with their numbers in a
//! table, the largest present-to-target gaps as a suggested agenda, the items where
//! respondents disagree, and every scored item.

use super::compare::{round_comparison, Comparison, ComparisonView};
use super::model::Template;
use super::review_pages::FeedbackSection;
use super::round::Round;
use super::score::{ItemScore, Results, Stats};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::chart::{Axis, Radar};
use crate::ui::page_data;
use crate::ui::{or_error_page, page_title};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

lazy_page!(ResultsRoute, ResultsPage);

/// How many items the suggested agenda lists.
const AGENDA_ITEMS: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsReport {
    pub round: Round,
    pub template: Template,
    pub results: Results,
}

/// The merged answers of a round's submitted responses, for its facilitator.
#[server(endpoint = "assessment/results")]
pub async fn round_results(round_id: String) -> Result<ResultsReport, AppError> {
    use super::round_store as store;
    let db = crate::ssr::db()?;
    let round = super::access::require_facilitator(&db, &round_id).await?;
    let template = super::store::template_version(&db, &round.round().version_id)
        .await?
        .definition;
    let answers = super::answer_store::submitted_answers(&db, &round_id).await?;
    let results = Results::of(&template, &answers);
    Ok(ResultsReport {
        round: store::round_view(&db, round.round().clone()).await?,
        template,
        results,
    })
}

/// A score with one decimal, or a dash when there is none.
pub(super) fn one_decimal(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}"))
        .unwrap_or_else(|| "–".to_owned())
}

fn mean(s: &Option<Stats>) -> Option<f64> {
    s.map(|s| s.mean)
}

#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let results = page_data(id, round_results);
    let comparison = page_data(id, round_comparison);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let comparison = comparison.await.ok();
                or_error_page(results.await, move |r| view! { <ResultsView r comparison /> })
            })}
        </Suspense>
    }
}

#[component]
fn ResultsView(r: ResultsReport, comparison: Option<Comparison>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let ResultsReport {
        round,
        template,
        results,
    } = r;
    let respondents = results.respondents;
    let dimensions = template.dimension_names();
    let own_present = super::compare::present_by_dimension(&dimensions, &results, 1);
    let dimension_name = |id: &str| {
        template
            .dimensions
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.get(locale).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let item_text = |s: &ItemScore| {
        template
            .item(&s.item_id)
            .map(|i| i.text.get(locale).to_owned())
            .unwrap_or_default()
    };
    let axes: Vec<Axis> = results
        .dimensions
        .iter()
        .enumerate()
        .map(|(n, d)| Axis {
            label: (n + 1).to_string(),
            present: mean(&d.present),
            target: mean(&d.target),
        })
        .collect();
    let rows = results
        .dimensions
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let spread = d.present.map(|s| format!("{:.1}", s.spread)).unwrap_or_default();
            let count = d.present.map(|s| s.count).unwrap_or(0);
            view! {
                <tr>
                    <td data-label=t_string!(i18n, results_axis).to_string()>{n + 1}</td>
                    <th scope="row">{dimension_name(&d.dimension_id)}</th>
                    <td data-label=t_string!(i18n, results_present).to_string()>{one_decimal(mean(&d.present))}</td>
                    <td data-label=t_string!(i18n, results_target).to_string()>{one_decimal(mean(&d.target))}</td>
                    <td data-label=t_string!(i18n, results_gap).to_string()>{one_decimal(d.gap())}</td>
                    <td data-label=t_string!(i18n, results_spread).to_string()>{spread}</td>
                    <td data-label=t_string!(i18n, results_answers).to_string()>{count}</td>
                </tr>
            }
        })
        .collect_view();
    let agenda = results
        .largest_gaps(AGENDA_ITEMS)
        .into_iter()
        .map(|s| {
            let gap = one_decimal(s.gap());
            let present = one_decimal(mean(&s.present));
            let target = one_decimal(mean(&s.target));
            view! {
                <li>
                    <strong>{s.item_id.clone()}</strong> " " {item_text(s)}
                    <br />
                    <span class="muted">{t!(i18n, results_gap_line, present, target, gap)}</span>
                </li>
            }
        })
        .collect_view();
    let disagreements: Vec<_> = results
        .disagreements()
        .map(|s| {
            let (min, max) = s.present.map(|p| (p.min, p.max)).unwrap_or_default();
            let (min, max) = (format!("{min:.0}"), format!("{max:.0}"));
            view! {
                <li>
                    <strong>{s.item_id.clone()}</strong> " " {item_text(s)}
                    <br />
                    <span class="muted">{t!(i18n, results_range_line, min, max)}</span>
                </li>
            }
        })
        .collect();
    let title = t_string!(i18n, results_title_of, round = round.name.clone()).to_string();
    view! {
        <Title text=page_title(&title) />
        <section>
            <p><a href=format!("/assessments/{}", round.round_id)>{round.name.clone()}</a></p>
            <h1>{title.clone()}</h1>
            <p class="muted">{round.region_name.clone()} " · " {template.title.get(locale).to_owned()}</p>
            <p>{t!(i18n, results_respondents, respondents)}</p>
            {(respondents == 0).then(|| view! { <p class="notice">{t!(i18n, results_none_yet)}</p> })}
            <div class="results-chart">
                <Radar
                    axes
                    max=5.0
                    title=t_string!(i18n, results_radar_title).to_string()
                    present_label=t_string!(i18n, results_present).to_string()
                    target_label=t_string!(i18n, results_target).to_string()
                />
                <div class="table-scroll">
                    <table class="cards-on-phone">
                        <caption>{t!(i18n, results_dimensions)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, results_axis)}</th>
                                <th scope="col">{t!(i18n, template_dimensions)}</th>
                                <th scope="col">{t!(i18n, results_present)}</th>
                                <th scope="col">{t!(i18n, results_target)}</th>
                                <th scope="col">{t!(i18n, results_gap)}</th>
                                <th scope="col">{t!(i18n, results_spread)}</th>
                                <th scope="col">{t!(i18n, results_answers)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
            <h2>{t!(i18n, results_agenda)}</h2>
            <p class="hint">{t!(i18n, results_agenda_hint)}</p>
            <ol>{agenda}</ol>
            <h2>{t!(i18n, results_disagreement)}</h2>
            <p class="hint">{t!(i18n, results_disagreement_hint)}</p>
            {if disagreements.is_empty() {
                view! { <p>{t!(i18n, results_no_disagreement)}</p> }.into_any()
            } else {
                view! { <ul>{disagreements}</ul> }.into_any()
            }}
            {comparison.map(|c| view! { <ComparisonView c /> })}
            <FeedbackSection round_id=round.round_id.clone() dimensions present=own_present />
            <h2 class="no-print">{t!(i18n, results_downloads)}</h2>
            <ul class="no-print downloads">
                <li><a href=format!("/api/assessment/export_answers?round_id={}&format=xlsx", round.round_id) download>{t!(i18n, results_download_xlsx)}</a></li>
                <li><a href=format!("/api/assessment/export_answers?round_id={}&format=csv", round.round_id) download>{t!(i18n, results_download_csv)}</a></li>
                <li><a href=format!("/api/assessment/export_results?round_id={}", round.round_id) download>{t!(i18n, results_download_json)}</a></li>
            </ul>
            <p class="hint no-print">{t!(i18n, results_print_hint)}</p>
        </section>
    }
}
