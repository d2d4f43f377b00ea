//! Dot voting: each participant spreads a number of dots over the items, several on one item
//! when the facilitator allows stacking. The counts stay hidden from every screen until the
//! facilitator reveals them, so that early dots do not steer later ones.

use super::{bar, number, share};
use crate::error::Problem;
use crate::i18n::*;
use crate::ui::view_locale;
use crate::workshop::run::{Answer, Results};
use leptos::prelude::*;

/// Reads the dots posted for the items (`values[n]`: the dots on item `n`, empty for none): at
/// most one per item without stacking, at least one and at most `dots` in all.
pub fn check(
    items: &[String],
    dots: u8,
    stacking: bool,
    values: &[String],
) -> Result<Answer, Problem> {
    if values.len() != items.len() {
        return Err(Problem::UnknownChoice);
    }
    let most = if stacking { dots } else { 1 };
    let placed = values
        .iter()
        .map(|v| number(v, 0, most).map(Option::unwrap_or_default))
        .collect::<Result<Vec<u8>, _>>()?;
    let total: u32 = placed.iter().map(|d| u32::from(*d)).sum();
    if total == 0 {
        return Err(Problem::Required);
    }
    if total > u32::from(dots) {
        return Err(Problem::TooManyChoices {
            max: usize::from(dots),
        });
    }
    Ok(Answer::Dots { dots: placed })
}

/// The dots on every item, in the agenda's order, and how many people placed any. Dots that do
/// not fit the items (they changed after the dots were placed) are not counted.
pub fn results<'a>(items: &[String], answers: impl Iterator<Item = &'a Answer>) -> Results {
    let mut counts = vec![0u32; items.len()];
    let mut voters = 0;
    for answer in answers {
        let Answer::Dots { dots } = answer else {
            continue;
        };
        if dots.len() != items.len() {
            continue;
        }
        voters += 1;
        for (count, placed) in counts.iter_mut().zip(dots) {
            *count += u32::from(*placed);
        }
    }
    Results::Dots { counts, voters }
}

/// The items with dots on them: `Vouchers: 2; Training: 1`.
pub fn answer_text(items: &[String], dots: &[u8]) -> String {
    items
        .iter()
        .zip(dots)
        .filter(|(_, d)| **d > 0)
        .map(|(item, d)| format!("{item}: {d}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The answer form's items: a number of dots for each with stacking, a tick without.
#[component]
pub fn Inputs(
    items: Vec<String>,
    dots: u8,
    stacking: bool,
    placed: Option<Vec<u8>>,
) -> impl IntoView {
    let locale = view_locale();
    let placed = placed.unwrap_or_default();
    let hint = if stacking {
        td_string!(locale, live_dots_hint_stacking, n = dots).to_string()
    } else {
        td_string!(locale, live_dots_hint, n = dots).to_string()
    };
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            let id = format!("dots-{n}");
            let given = placed.get(n).copied().unwrap_or(0);
            let name = format!("values[{n}]");
            if stacking {
                view! {
                    <div class="field dots">
                        <input type="number" id=id.clone() name=name min="0" max=dots.to_string() inputmode="numeric" value={(given > 0).then(|| given.to_string())} />
                        <label for=id>{item}</label>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="field checkbox choice">
                        <input type="checkbox" id=id.clone() name=name value="1" checked={given > 0} />
                        <label for=id>{item}</label>
                    </div>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <p class="hint">{hint}</p>
        {rows}
    }
}

/// The dots on every item, most first.
#[component]
pub fn Outcome(items: Vec<String>, counts: Vec<u32>, voters: u32) -> impl IntoView {
    let locale = view_locale();
    let most = counts.iter().copied().max().unwrap_or(0);
    let mut rows: Vec<(String, u32)> = items.into_iter().zip(counts).collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    let rows = rows
        .into_iter()
        .map(|(item, count)| {
            view! {
                <li>
                    <span>{item} " — " {td!(locale, run_dots, n = count)}</span>
                    {bar(share(count, most))}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="results">{rows}</ul>
        <p class="muted">{td!(locale, run_voters, n = voters)}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::activities::{instruments, typed};

    #[test]
    fn dots_stack_only_where_allowed_and_never_exceed_what_each_person_has() {
        assert_eq!(
            check(&instruments(), 3, true, &typed(&["2", "", "1"])),
            Ok(Answer::Dots {
                dots: vec![2, 0, 1]
            })
        );
        assert_eq!(
            check(&instruments(), 3, true, &typed(&["2", "1", "1"])),
            Err(Problem::TooManyChoices { max: 3 })
        );
        assert_eq!(
            check(&instruments(), 3, false, &typed(&["2", "", ""])),
            Err(Problem::OutOfRange)
        );
        assert_eq!(
            check(&instruments(), 2, false, &typed(&["1", "1", "1"])),
            Err(Problem::TooManyChoices { max: 2 })
        );
        assert_eq!(
            check(&instruments(), 3, true, &typed(&["", "0", ""])),
            Err(Problem::Required)
        );
        assert_eq!(
            check(&instruments(), 3, true, &typed(&["-1", "", ""])),
            Err(Problem::OutOfRange)
        );
    }

    #[test]
    fn the_dots_add_up_per_item_and_read_as_the_items_chosen() {
        let answers =
            [vec![2, 0, 1], vec![0, 0, 3], vec![1, 1, 1, 9]].map(|dots| Answer::Dots { dots });
        assert_eq!(
            results(&instruments(), answers.iter()),
            Results::Dots {
                counts: vec![2, 0, 4],
                voters: 2
            }
        );
        assert_eq!(
            answer_text(&instruments(), &[2, 0, 1]),
            "Vouchers: 2; Training: 1"
        );
    }
}
