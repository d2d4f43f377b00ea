//! How a round's region stands beside others: the other regions that answered the same
//! template (each by its latest round with enough respondents; aggregates only, never anyone's
//! answers) and its own earlier rounds, as a heat map of dimensions × regions with the numbers
//! in every cell.

use super::score::{DimensionScore, Results, Stats, MIN_RESPONDENTS_TO_SHARE};
use crate::error::AppError;
use crate::i18n::*;
use crate::registry::model::Translated;
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use serde::{Deserialize, Serialize};

/// One round's dimension scores as a comparison shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub region_id: String,
    pub region_name: String,
    pub round_name: String,
    pub created_at: i64,
    pub respondents: usize,
    /// The present mean of each of the comparison's dimensions, in order; `None` when the
    /// round has no answer for it (or its template version has no such dimension).
    pub present: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The dimensions of this round's template: id and name.
    pub dimensions: Vec<(String, Translated)>,
    pub this: Standing,
    /// Other regions, by name: each one's latest round with enough respondents.
    pub others: Vec<Standing>,
    /// How many other regions answered the template but have no round with enough
    /// respondents to be shown.
    pub withheld: usize,
    /// This region's earlier rounds with enough respondents, oldest first.
    pub earlier: Vec<Standing>,
}

/// A candidate round for a comparison, newest first in the list given to [`choose`].
#[derive(Debug, Clone)]
pub struct Candidate {
    pub round_id: String,
    pub region_id: String,
    pub created_at: i64,
    pub submitted: usize,
}

/// Which rounds a comparison shows, besides `this` one: for each other region its newest
/// round with at least [`MIN_RESPONDENTS_TO_SHARE`] respondents, and this region's rounds
/// started before this one with as many. Also returns how many other regions are withheld.
pub fn choose<'c>(this: &Candidate, candidates: &'c [Candidate]) -> (Vec<&'c Candidate>, usize) {
    let shareable = |c: &&Candidate| c.submitted >= MIN_RESPONDENTS_TO_SHARE;
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut withheld = 0;
    for c in candidates.iter().filter(|c| c.region_id != this.region_id) {
        if seen.contains(&c.region_id.as_str()) {
            continue;
        }
        seen.push(&c.region_id);
        match candidates
            .iter()
            .filter(|o| o.region_id == c.region_id)
            .find(shareable)
        {
            Some(latest) => chosen.push(latest),
            None => withheld += 1,
        }
    }
    chosen.extend(candidates.iter().filter(|c| {
        c.region_id == this.region_id
            && c.round_id != this.round_id
            && c.created_at < this.created_at
            && shareable(c)
    }));
    (chosen, withheld)
}

/// The present means of `results`, one for each of `dimensions` (matched by id), each only
/// when at least `min_answers` respondents answered that dimension: a dimension answered by
/// fewer (optional or conditional items) would show them one by one.
pub fn present_by_dimension(
    dimensions: &[(String, Translated)],
    results: &Results,
    min_answers: usize,
) -> Vec<Option<f64>> {
    means_by_dimension(dimensions, results, min_answers, |d| d.present)
}

/// [`present_by_dimension`] for any of a dimension's scores (`score` picks present or target).
pub fn means_by_dimension(
    dimensions: &[(String, Translated)],
    results: &Results,
    min_answers: usize,
    score: fn(&DimensionScore) -> Option<Stats>,
) -> Vec<Option<f64>> {
    dimensions
        .iter()
        .map(|(id, _)| {
            results
                .dimensions
                .iter()
                .find(|d| &d.dimension_id == id)
                .and_then(score)
                .filter(|s| s.count >= min_answers)
                .map(|s| s.mean)
        })
        .collect()
}

/// The mean of each column over the standings that have a value there.
pub fn column_means(rows: &[Standing], columns: usize) -> Vec<Option<f64>> {
    (0..columns)
        .map(|c| {
            let values: Vec<f64> = rows
                .iter()
                .filter_map(|r| r.present.get(c).copied().flatten())
                .collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        })
        .collect()
}

/// The stored dimension scores of these rounds, by round id; the
/// scores of responses submitted before they were stored are computed and stored first.
#[cfg(feature = "ssr")]
async fn scores_of(
    db: &crate::db::Db,
    round_ids: &[&str],
) -> Result<std::collections::HashMap<String, super::answer_store::RoundScores>, AppError> {
    use super::{answer_store, score::ResponseScore, store};
    let unscored = answer_store::unscored(db, round_ids).await?;
    if !unscored.is_empty() {
        let mut scores = Vec::with_capacity(unscored.len());
        for (response_id, version_id, answers) in unscored {
            let template = store::shared_version(db, &version_id).await?;
            scores.push((
                response_id,
                ResponseScore::all_of(&template.definition, &answers),
            ));
        }
        answer_store::add_scores(db, scores).await?;
    }
    answer_store::round_scores(db, round_ids).await
}

/// The comparison for a round's facilitator.
#[server(endpoint = "assessment/comparison")]
pub async fn round_comparison(round_id: String) -> Result<Comparison, AppError> {
    use super::{round_store, store};
    use std::collections::HashMap;
    let db = crate::ssr::db()?;
    let round = super::access::require_facilitator(&db, &round_id).await?;
    let version = store::template_version(&db, &round.round().version_id).await?;
    let dimensions = version.definition.dimension_names();
    let rows = round_store::rounds_of_template(&db, &version.template_id).await?;
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|(r, submitted)| Candidate {
            round_id: r.round_id.clone(),
            region_id: r.region_id.clone(),
            created_at: r.created_at,
            submitted: usize::try_from(*submitted).unwrap_or_default(),
        })
        .collect();
    let this = Candidate {
        round_id: round_id.clone(),
        region_id: round.round().region_id.clone(),
        created_at: round.round().created_at,
        submitted: 0,
    };
    let (chosen, withheld) = choose(&this, &candidates);
    let mut ids: Vec<&str> = chosen.iter().map(|c| c.round_id.as_str()).collect();
    ids.push(&round_id);
    let mut scores = scores_of(&db, &ids).await?;
    let views = round_store::round_views(
        &db,
        rows.iter()
            .filter(|(r, _)| ids.contains(&r.round_id.as_str()))
            .map(|(r, _)| r.clone())
            .collect(),
    )
    .await?;
    let mut standings: HashMap<String, Standing> = HashMap::new();
    for view in views {
        let round_scores = scores.remove(&view.round_id).unwrap_or_default();
        // The round's own facilitator sees every mean; of other rounds, only what enough
        // people answered.
        let min_answers = if view.round_id == round_id {
            1
        } else {
            MIN_RESPONDENTS_TO_SHARE
        };
        standings.insert(
            view.round_id.clone(),
            Standing {
                region_id: view.region_id,
                region_name: view.region_name,
                round_name: view.name,
                created_at: view.created_at,
                respondents: round_scores.respondents,
                present: dimensions
                    .iter()
                    .map(|(id, _)| {
                        round_scores
                            .present
                            .get(id)
                            .filter(|(_, answered)| *answered >= min_answers)
                            .map(|(mean, _)| *mean)
                    })
                    .collect(),
            },
        );
    }
    let this = standings.remove(&round_id).ok_or(AppError::Internal)?;
    let mut others = Vec::new();
    let mut earlier = Vec::new();
    let mut withheld = withheld;
    for c in chosen {
        // Counted again from the stored scores: a response reopened or withdrawn since the
        // count, or one without answers, must not let fewer than 3 through.
        match standings
            .remove(&c.round_id)
            .filter(|s| s.respondents >= MIN_RESPONDENTS_TO_SHARE)
        {
            Some(s) if c.region_id == this.region_id => earlier.push(s),
            Some(s) => others.push(s),
            None if c.region_id != this.region_id => withheld += 1,
            None => {}
        }
    }
    others.sort_by(|a, b| a.region_name.cmp(&b.region_name));
    earlier.sort_by_key(|s| s.created_at);
    Ok(Comparison {
        dimensions,
        this,
        others,
        withheld,
        earlier,
    })
}

/// A cell of the heat map: its shade follows the score (0–5), its number is always written.
fn cell(value: Option<f64>) -> impl IntoView {
    match value {
        Some(v) => {
            let shade = format!("heat heat-{}", v.round().clamp(0.0, 5.0) as u8);
            view! { <td class=shade>{format!("{v:.1}")}</td> }.into_any()
        }
        None => view! { <td class="heat">"–"</td> }.into_any(),
    }
}

fn row(label: String, note: String, values: Vec<Option<f64>>, strong: bool) -> impl IntoView {
    view! {
        <tr class=strong.then_some("heat-this")>
            <th scope="row">{label}<br /><span class="muted">{note}</span></th>
            {values.into_iter().map(cell).collect_view()}
        </tr>
    }
}

/// The comparison as a heat map: this round, the other regions and their mean, and this
/// region's earlier rounds.
#[component]
pub fn ComparisonView(c: Comparison) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let columns = c.dimensions.len();
    let others_mean = column_means(&c.others, columns);
    let regions = c.others.len();
    let withheld = c.withheld;
    let names: Vec<String> = c
        .dimensions
        .iter()
        .map(|(_, name)| name.get(locale).to_owned())
        .collect();
    let head = move || {
        names
            .iter()
            .enumerate()
            .map(|(n, name)| view! { <th scope="col"><abbr title=name.clone()>{n + 1}</abbr></th> })
            .collect_view()
    };
    let respondents = |s: &Standing| {
        t_string!(i18n, compare_respondents, respondents = s.respondents).to_string()
    };
    let this_note = format!("{} · {}", c.this.round_name, respondents(&c.this));
    let this_row = row(
        c.this.region_name.clone(),
        this_note,
        c.this.present.clone(),
        true,
    );
    let other_rows = c
        .others
        .iter()
        .map(|s| {
            row(
                s.region_name.clone(),
                format!("{} · {}", s.round_name, respondents(s)),
                s.present.clone(),
                false,
            )
        })
        .collect_view();
    let mean_row = (!c.others.is_empty()).then(|| {
        row(
            t_string!(i18n, compare_others_mean).to_string(),
            t_string!(i18n, compare_regions, regions).to_string(),
            others_mean,
            false,
        )
    });
    let earlier_rows = c
        .earlier
        .iter()
        .map(|s| {
            row(
                s.round_name.clone(),
                respondents(s),
                s.present.clone(),
                false,
            )
        })
        .collect_view();
    let has_earlier = !c.earlier.is_empty();
    let this_again = row(
        c.this.round_name.clone(),
        respondents(&c.this),
        c.this.present.clone(),
        true,
    );
    let legend = c
        .dimensions
        .iter()
        .map(|(_, name)| view! { <li>{name.get(locale).to_owned()}</li> })
        .collect_view();
    view! {
        <h2>{t!(i18n, compare_title)}</h2>
        <p class="hint">{t!(i18n, compare_hint)}</p>
        // Wider than a phone: a scrolling region that a keyboard can reach and scroll.
        <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, compare_regions_caption).to_string()>
            <table class="heat-map">
                <caption>{t!(i18n, compare_regions_caption)}</caption>
                <thead><tr><th scope="col">{t!(i18n, compare_region)}</th>{head()}</tr></thead>
                <tbody>{this_row}{other_rows}{mean_row}</tbody>
            </table>
        </div>
        {(withheld > 0).then(|| view! { <p class="muted">{t!(i18n, compare_withheld, withheld)}</p> })}
        {has_earlier.then(|| view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, compare_earlier_caption).to_string()>
                <table class="heat-map">
                    <caption>{t!(i18n, compare_earlier_caption)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, compare_round)}</th>{head()}</tr></thead>
                    <tbody>{earlier_rows}{this_again}</tbody>
                </table>
            </div>
        })}
        <ol class="muted legend">{legend}</ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(round: &str, region: &str, created_at: i64, submitted: usize) -> Candidate {
        Candidate {
            round_id: round.into(),
            region_id: region.into(),
            created_at,
            submitted,
        }
    }

    #[test]
    fn each_other_region_shows_its_newest_round_with_three_respondents_or_is_withheld() {
        let this = candidate("now", "HR03", 50, 4);
        let all = vec![
            candidate("si-new", "SI04", 90, 2),
            candidate("now", "HR03", 50, 4),
            candidate("si-old", "SI04", 40, 3),
            candidate("at", "AT22", 30, 1),
            candidate("hr-old", "HR03", 20, 5),
            candidate("hr-thin", "HR03", 10, 2),
        ];
        let (chosen, withheld) = choose(&this, &all);
        let ids: Vec<&str> = chosen.iter().map(|c| c.round_id.as_str()).collect();
        assert_eq!(ids, vec!["si-old", "hr-old"]);
        assert_eq!(
            withheld, 1,
            "Steiermark has no round with three respondents"
        );
    }

    #[test]
    fn a_dimension_answered_by_fewer_than_three_is_not_shown_to_others() {
        use crate::assessment::score::{DimensionScore, Stats};
        let dims: Vec<(String, Translated)> = ["D1", "D2"]
            .map(|d| (d.to_owned(), Translated::default()))
            .to_vec();
        let results = Results {
            respondents: 3,
            items: vec![],
            dimensions: vec![
                DimensionScore {
                    dimension_id: "D1".into(),
                    present: Stats::of(&[2.0, 3.0, 4.0]),
                    target: None,
                },
                DimensionScore {
                    dimension_id: "D2".into(),
                    present: Stats::of(&[1.0]),
                    target: None,
                },
            ],
        };
        assert_eq!(
            present_by_dimension(&dims, &results, MIN_RESPONDENTS_TO_SHARE),
            vec![Some(3.0), None]
        );
        assert_eq!(
            present_by_dimension(&dims, &results, 1),
            vec![Some(3.0), Some(1.0)]
        );
    }

    #[test]
    fn the_mean_of_other_regions_skips_the_gaps() {
        let s = |present: Vec<Option<f64>>| Standing {
            region_id: String::new(),
            region_name: String::new(),
            round_name: String::new(),
            created_at: 0,
            respondents: 3,
            present,
        };
        let means = column_means(&[s(vec![Some(2.0), None]), s(vec![Some(3.0), None])], 2);
        assert_eq!(means, vec![Some(2.5), None]);
    }
}
