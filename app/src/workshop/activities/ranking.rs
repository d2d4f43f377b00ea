//! Ranking: each participant puts the items in order, best first; the room's result is every
//! item's average place.

use super::{bar, number};
use crate::error::Problem;
use crate::i18n::*;
use crate::workshop::run::{Answer, Results};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Where the room put one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// The item's number in the settings, from 0.
    pub item: usize,
    /// Its average place, from 1, once anyone ranked.
    pub mean: Option<f64>,
    /// How many put it first.
    pub firsts: u32,
}

/// Reads the places posted for the items (`values[n]`: the place of item `n`, from 1): every
/// item placed, no two in the same place.
pub fn check(items: &[String], values: &[String]) -> Result<Answer, Problem> {
    if values.len() != items.len() {
        return Err(Problem::UnknownChoice);
    }
    let last = u8::try_from(items.len()).map_err(|_| Problem::UnknownChoice)?;
    let mut places = Vec::with_capacity(values.len());
    for value in values {
        let place = number(value, 1, last)?.ok_or(Problem::Required)?;
        if places.contains(&place) {
            return Err(Problem::Duplicate {
                text: place.to_string(),
            });
        }
        places.push(place);
    }
    Ok(Answer::Ranking { places })
}

/// Every item's average place, best first (ties: more first places, then the agenda's order).
/// A ranking that does not place the items one to a place (they changed after it was given) is
/// not counted.
pub fn results<'a>(items: &[String], answers: impl Iterator<Item = &'a Answer>) -> Results {
    let mut sums = vec![0u32; items.len()];
    let mut firsts = vec![0u32; items.len()];
    let mut voters = 0u32;
    for answer in answers {
        let Answer::Ranking { places } = answer else {
            continue;
        };
        if !is_order_of(places, items.len()) {
            continue;
        }
        voters += 1;
        for (n, place) in places.iter().enumerate() {
            sums[n] += u32::from(*place);
            firsts[n] += u32::from(*place == 1);
        }
    }
    let mut standings: Vec<Standing> = (0..items.len())
        .map(|item| Standing {
            item,
            mean: (voters > 0).then(|| f64::from(sums[item]) / f64::from(voters)),
            firsts: firsts[item],
        })
        .collect();
    standings.sort_by(|a, b| {
        a.mean
            .partial_cmp(&b.mean)
            .unwrap_or(Ordering::Equal)
            .then(b.firsts.cmp(&a.firsts))
            .then(a.item.cmp(&b.item))
    });
    Results::Ranking { standings, voters }
}

/// Whether `places` gives each of `count` items a different place from 1 to `count`.
fn is_order_of(places: &[u8], count: usize) -> bool {
    let mut seen = vec![false; count];
    places.len() == count
        && places.iter().all(|p| {
            usize::from(*p)
                .checked_sub(1)
                .and_then(|n| seen.get_mut(n))
                .is_some_and(|s| !std::mem::replace(s, true))
        })
}

/// The items in the order given: `1. Vouchers; 2. Grants`.
pub fn answer_text(items: &[String], places: &[u8]) -> String {
    let mut placed: Vec<(u8, &String)> = places.iter().copied().zip(items).collect();
    placed.sort_unstable();
    placed
        .iter()
        .map(|(place, item)| format!("{place}. {item}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The items in the order a participant gave (or the agenda's), as item numbers.
fn order_of(count: usize, places: Option<Vec<u8>>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    if let Some(places) = places.filter(|p| p.len() == count) {
        order.sort_by_key(|n| places[*n]);
    }
    order
}

/// The answer form's items: with JavaScript, a list put in order by tapping "up" and "down";
/// without it, a place chosen for each item.
#[component]
pub fn Inputs(items: Vec<String>, places: Option<Vec<u8>>) -> impl IntoView {
    let i18n = use_i18n();
    let count = items.len();
    let order = RwSignal::new(order_of(count, places));
    let items = StoredValue::new(items);
    // The server's page and the first render in the browser must agree, so the list comes
    // once the page runs.
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let chooser = move || {
        let order = order.get_untracked();
        (0..count)
            .map(|n| {
                let place = order.iter().position(|i| *i == n).unwrap_or(n) + 1;
                let id = format!("place-{n}");
                let options = (1..=count)
                    .map(|p| view! { <option value=p.to_string() selected={p == place}>{p}</option> })
                    .collect_view();
                view! {
                    <div class="field place">
                        <label for=id.clone()>{items.with_value(|i| i[n].clone())}</label>
                        <select id=id name=format!("values[{n}]")>{options}</select>
                    </div>
                }
            })
            .collect_view()
    };
    let list = move || {
        view! {
            <ol class="ranking">
                <For each=move || order.get() key=|n| *n let:n>
                    <RankedItem n order label=items.with_value(|i| i[n].clone()) />
                </For>
            </ol>
        }
    };
    view! {
        <p class="hint">{t!(i18n, live_rank_hint)}</p>
        {move || if scripted.get() { list().into_any() } else { chooser().into_any() }}
    }
}

/// One item of the ordered list, with its place and the buttons that move it.
#[component]
fn RankedItem(n: usize, order: RwSignal<Vec<usize>>, label: String) -> impl IntoView {
    let i18n = use_i18n();
    let place = Memo::new(move |_| order.with(|o| o.iter().position(|i| *i == n).unwrap_or(0)));
    let last = order.with_untracked(Vec::len).saturating_sub(1);
    let shift = move |by: isize| {
        let from = place.get_untracked();
        if let Some(to) = from.checked_add_signed(by).filter(|to| *to <= last) {
            order.update(|o| o.swap(from, to));
        }
    };
    let (up, down) = (
        format!("{}: {label}", t_string!(i18n, live_rank_up)),
        format!("{}: {label}", t_string!(i18n, live_rank_down)),
    );
    view! {
        <li>
            <input type="hidden" name=format!("values[{n}]") value=move || (place.get() + 1).to_string() />
            <span class="place">{move || place.get() + 1} "."</span>
            <span class="item">{label}</span>
            <button type="button" class="button" aria-label=up disabled=move || place.get() == 0 on:click=move |_| shift(-1)>"↑"</button>
            <button type="button" class="button" aria-label=down disabled=move || place.get() == last on:click=move |_| shift(1)>"↓"</button>
        </li>
    }
}

/// The room's order: every item with its average place.
#[component]
pub fn Outcome(items: Vec<String>, standings: Vec<Standing>, voters: u32) -> impl IntoView {
    let i18n = use_i18n();
    let count = items.len() as f64;
    let rows = standings
        .into_iter()
        .map(|s| {
            let item = items.get(s.item).cloned().unwrap_or_default();
            let (mean, share) = match s.mean {
                Some(m) => (format!("{m:.1}"), (count + 1.0 - m) / count),
                None => ("–".to_owned(), 0.0),
            };
            view! {
                <li>
                    <span>{item} " — " {t!(i18n, run_mean_place, mean)}</span>
                    {bar(share)}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="results ranked">{rows}</ol>
        <p class="muted">{t!(i18n, run_voters, n = voters)}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::activities::{instruments, typed};

    #[test]
    fn a_ranking_places_every_item_once() {
        assert_eq!(
            check(&instruments(), &typed(&["2", "1", "3"])),
            Ok(Answer::Ranking {
                places: vec![2, 1, 3]
            })
        );
        assert_eq!(
            check(&instruments(), &typed(&["1", "1", "3"])),
            Err(Problem::Duplicate { text: "1".into() })
        );
        assert_eq!(
            check(&instruments(), &typed(&["1", "4", "3"])),
            Err(Problem::OutOfRange)
        );
        assert_eq!(
            check(&instruments(), &typed(&["1", "", "3"])),
            Err(Problem::Required)
        );
        assert_eq!(
            check(&instruments(), &typed(&["1", "2"])),
            Err(Problem::UnknownChoice)
        );
    }

    #[test]
    fn the_rooms_order_is_by_average_place_and_then_by_first_places() {
        let answers = [vec![1, 2, 3], vec![3, 1, 2], vec![2, 3, 1], vec![1, 3, 2]]
            .map(|places| Answer::Ranking { places });
        let Results::Ranking { standings, voters } = results(&instruments(), answers.iter()) else {
            panic!("a ranking's results");
        };
        assert_eq!(voters, 4);
        let order: Vec<(usize, Option<f64>, u32)> = standings
            .iter()
            .map(|s| (s.item, s.mean, s.firsts))
            .collect();
        assert_eq!(
            order,
            vec![(0, Some(1.75), 2), (2, Some(2.0), 1), (1, Some(2.25), 1)]
        );
        let stale = [Answer::Ranking { places: vec![1, 2] }];
        assert_eq!(
            results(&instruments(), stale.iter()),
            results(&instruments(), std::iter::empty())
        );
    }

    #[test]
    fn an_answer_reads_as_the_items_in_their_places() {
        assert_eq!(
            answer_text(&instruments(), &[2, 3, 1]),
            "1. Training; 2. Vouchers; 3. Grants"
        );
        assert_eq!(order_of(3, Some(vec![2, 3, 1])), vec![2, 0, 1]);
        assert_eq!(order_of(3, Some(vec![1])), vec![0, 1, 2]);
    }
}
