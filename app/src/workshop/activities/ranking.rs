//! Ranking: each participant puts the items in order, best first; the room's result is every
//! item's average place.

use super::{bar, number};
use crate::error::Problem;
use crate::i18n::*;
use crate::ui::view_locale;
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

/// The answer form's items, in the order the participant gave (or the agenda's), each with
/// the place chosen for it. Once the page runs (`screen_dom`), the places are hidden and the
/// list is put in order by tapping "up" and "down", which writes the places the form sends.
#[component]
pub fn Inputs(items: Vec<String>, places: Option<Vec<u8>>) -> impl IntoView {
    let locale = view_locale();
    let count = items.len();
    let last = count.saturating_sub(1);
    let rows = order_of(count, places)
        .into_iter()
        .enumerate()
        .map(|(at, n)| {
            let label = items.get(n).cloned().unwrap_or_default();
            let id = format!("place-{n}");
            let options = (1..=count)
                .map(|p| view! { <option value=p.to_string() selected={p == at + 1}>{p}</option> })
                .collect_view();
            let up = format!("{}: {label}", td_string!(locale, live_rank_up));
            let down = format!("{}: {label}", td_string!(locale, live_rank_down));
            view! {
                <li>
                    <span class="place">{at + 1} "."</span>
                    <label class="item" for=id.clone()>{label}</label>
                    <select id=id name=format!("values[{n}]")>{options}</select>
                    <button type="button" class="button move" data-shift="-1" aria-label=up disabled={at == 0}>"↑"</button>
                    <button type="button" class="button move" data-shift="1" aria-label=down disabled={at == last}>"↓"</button>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{td!(locale, live_rank_hint)}</p>
        <ol class="ranking">{rows}</ol>
    }
}

/// The room's order: every item with its average place.
#[component]
pub fn Outcome(items: Vec<String>, standings: Vec<Standing>, voters: u32) -> impl IntoView {
    let locale = view_locale();
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
                    <span>{item} " — " {td!(locale, run_mean_place, mean)}</span>
                    {bar(share)}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="results ranked">{rows}</ol>
        <p class="muted">{td!(locale, run_voters, n = voters)}</p>
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
