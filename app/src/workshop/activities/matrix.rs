//! The 2×2 matrix: each participant places the items (such as scenario drivers) on two axes,
//! 1 to 5 on each (such as impact and uncertainty); the room's result is every item's mean
//! position with its spread, drawn on the matrix and written out as a table.

use super::{mean_spread, number, scale_points};
use crate::error::Problem;
use crate::i18n::*;
use crate::ui::view_locale;
use crate::workshop::run::{Answer, Results};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The lowest and highest point of each axis.
pub const LOW: u8 = 1;
pub const HIGH: u8 = 5;

/// Where the room put one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// How many placed it.
    pub placed: u32,
    /// The mean on each axis and its standard deviation.
    pub x: f64,
    pub y: f64,
    pub x_spread: f64,
    pub y_spread: f64,
}

/// Reads the points posted for the items (`values[2n]` and `values[2n + 1]`: item `n` on the
/// first and the second axis): an item is placed on both axes or left out, and at least one
/// is placed.
pub fn check(items: &[String], values: &[String]) -> Result<Answer, Problem> {
    if values.len() != 2 * items.len() {
        return Err(Problem::UnknownChoice);
    }
    let points = values
        .chunks(2)
        .map(
            |pair| match (number(&pair[0], LOW, HIGH)?, number(&pair[1], LOW, HIGH)?) {
                (Some(x), Some(y)) => Ok(Some((x, y))),
                (None, None) => Ok(None),
                _ => Err(Problem::Required),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    if points.iter().all(Option::is_none) {
        return Err(Problem::Required);
    }
    Ok(Answer::Matrix { points })
}

/// Every item's mean position and spread, in the agenda's order (`None`: nobody placed it).
pub fn results<'a>(items: &[String], answers: impl Iterator<Item = &'a Answer>) -> Results {
    let mut xs = vec![Vec::new(); items.len()];
    let mut ys = vec![Vec::new(); items.len()];
    for answer in answers {
        if let Answer::Matrix { points } = answer {
            for (n, (x, y)) in points
                .iter()
                .enumerate()
                .take(items.len())
                .filter_map(|(n, p)| p.map(|p| (n, p)))
            {
                xs[n].push(x);
                ys[n].push(y);
            }
        }
    }
    let places = xs
        .iter()
        .zip(&ys)
        .map(|(xs, ys)| {
            let ((x, x_spread), (y, y_spread)) = mean_spread(xs).zip(mean_spread(ys))?;
            Some(Place {
                placed: xs.len() as u32,
                x,
                y,
                x_spread,
                y_spread,
            })
        })
        .collect();
    Results::Matrix { places }
}

/// The items placed: `Energy prices: 4/2; Skills: 3/5` (first axis / second axis).
pub fn answer_text(items: &[String], points: &[Option<(u8, u8)>]) -> String {
    items
        .iter()
        .zip(points)
        .filter_map(|(item, p)| p.map(|(x, y)| format!("{item}: {x}/{y}")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The answer form: every item with a point on each axis.
#[component]
pub fn Inputs(
    items: Vec<String>,
    x: String,
    y: String,
    points: Option<Vec<Option<(u8, u8)>>>,
) -> impl IntoView {
    let locale = view_locale();
    let points = points.unwrap_or_default();
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            let given = points.get(n).copied().flatten();
            view! {
                <fieldset class="item">
                    <legend>{n + 1} ". " {item}</legend>
                    <fieldset class="scale">
                        <legend>{x.clone()}</legend>
                        {scale_points(format!("values[{}]", 2 * n), &format!("x-{n}"), LOW, HIGH, given.map(|p| p.0))}
                    </fieldset>
                    <fieldset class="scale">
                        <legend>{y.clone()}</legend>
                        {scale_points(format!("values[{}]", 2 * n + 1), &format!("y-{n}"), LOW, HIGH, given.map(|p| p.1))}
                    </fieldset>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{td!(locale, live_matrix_hint)}</p>
        {rows}
    }
}

/// Where a point of the scale sits on the drawing, which spans 0 to 100 with a margin of 10.
fn at(value: f64) -> f64 {
    10.0 + (value - f64::from(LOW)) * 80.0 / f64::from(HIGH - LOW)
}

/// The matrix drawn, every item as its number at its mean position within an ellipse of its
/// spread; and the same as a table, for reading and for screen readers.
#[component]
pub fn Outcome(
    items: Vec<String>,
    x: String,
    y: String,
    places: Vec<Option<Place>>,
) -> impl IntoView {
    let locale = view_locale();
    let unit = 80.0 / f64::from(HIGH - LOW);
    let marks = places
        .iter()
        .enumerate()
        .filter_map(|(n, p)| p.as_ref().map(|p| (n, p)))
        .map(|(n, p)| {
            let (cx, cy) = (at(p.x), 100.0 - at(p.y));
            view! {
                <g>
                    <ellipse class="spread" cx=format!("{cx:.1}") cy=format!("{cy:.1}") rx=format!("{:.1}", (p.x_spread * unit).max(2.0)) ry=format!("{:.1}", (p.y_spread * unit).max(2.0)) />
                    <circle cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="3.2" />
                    <text x=format!("{cx:.1}") y=format!("{:.1}", cy + 1.4) text-anchor="middle">{n + 1}</text>
                </g>
            }
        })
        .collect_view();
    let row = |mean: f64, spread: f64| format!("{mean:.1} ± {spread:.1}");
    let rows = items
        .into_iter()
        .zip(places)
        .enumerate()
        .map(|(n, (item, place))| {
            let cells = match place {
                Some(p) => view! {
                    <td>{row(p.x, p.x_spread)}</td>
                    <td>{row(p.y, p.y_spread)}</td>
                    <td>{p.placed}</td>
                }
                .into_any(),
                None => view! { <td>"–"</td><td>"–"</td><td>"0"</td> }.into_any(),
            };
            view! { <tr><td>{n + 1}</td><th scope="row">{item}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="matrix">
            <svg viewBox="0 0 100 100" role="img" aria-label=td_string!(locale, run_matrix_drawing, x = x.clone(), y = y.clone()).to_string()>
                <rect class="frame" x="10" y="10" width="80" height="80" />
                <line x1="50" y1="10" x2="50" y2="90" />
                <line x1="10" y1="50" x2="90" y2="50" />
                <text class="axis" x="50" y="97" text-anchor="middle">{x.clone()} " →"</text>
                <text class="axis" x="6" y="50" text-anchor="middle" transform="rotate(-90 6 50)">{y.clone()} " →"</text>
                {marks}
            </svg>
            <div class="table-scroll" tabindex="0" role="region" aria-label=td_string!(locale, run_matrix_table).to_string()>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{td!(locale, run_matrix_item)}</th>
                        <th scope="col">{x}</th>
                        <th scope="col">{y}</th>
                        <th scope="col">{td!(locale, run_matrix_placed)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::activities::typed;

    fn items() -> Vec<String> {
        ["Energy prices", "Skills"].map(String::from).to_vec()
    }

    #[test]
    fn an_item_is_placed_on_both_axes_or_left_out() {
        assert_eq!(
            check(&items(), &typed(&["4", "2", "", ""])),
            Ok(Answer::Matrix {
                points: vec![Some((4, 2)), None]
            })
        );
        assert_eq!(
            check(&items(), &typed(&["4", "", "", ""])),
            Err(Problem::Required)
        );
        assert_eq!(
            check(&items(), &typed(&["", "", "", ""])),
            Err(Problem::Required)
        );
        assert_eq!(
            check(&items(), &typed(&["6", "2", "", ""])),
            Err(Problem::OutOfRange)
        );
        assert_eq!(
            check(&items(), &typed(&["4", "2"])),
            Err(Problem::UnknownChoice)
        );
    }

    #[test]
    fn every_item_gets_its_mean_position_and_spread_from_those_who_placed_it() {
        let answers = [
            vec![Some((4, 2)), None],
            vec![Some((2, 2)), Some((5, 5))],
            vec![Some((3, 5)), None, Some((1, 1))],
        ]
        .map(|points| Answer::Matrix { points });
        let Results::Matrix { places } = results(&items(), answers.iter()) else {
            panic!("a matrix's results");
        };
        let energy = places[0].clone().expect("placed three times");
        assert_eq!((energy.placed, energy.x, energy.y), (3, 3.0, 3.0));
        assert!((energy.x_spread - (2.0f64 / 3.0).sqrt()).abs() < 1e-9);
        assert!((energy.y_spread - 2f64.sqrt()).abs() < 1e-9);
        let skills = places[1].clone().expect("placed once");
        assert_eq!((skills.placed, skills.x, skills.x_spread), (1, 5.0, 0.0));
        assert_eq!(
            results(&items(), std::iter::empty()),
            Results::Matrix {
                places: vec![None, None]
            }
        );
        assert_eq!(
            answer_text(&items(), &[Some((4, 2)), None]),
            "Energy prices: 4/2"
        );
    }
}
