//! The activities whose rules and views sit in a file of their own: each file checks a
//! participant's answer against the activity's settings, counts the answers into results (a
//! pure fold, shared by the server and the browser), and draws the answer form and the results.
//! Questions and answers, ideas and SWOT boards keep a board of contributions instead of one
//! answer per person, and a Delphi activity folds its answers round by round. The older
//! kinds (poll, rating, word cloud) still keep theirs in `tally.rs` and `run_pages.rs`.

pub mod cafe;
pub mod delphi;
pub mod dots;
pub mod ideas;
pub mod ideas_views;
pub mod matrix;
pub mod questions;
pub mod ranking;

use crate::error::Problem;
use leptos::prelude::*;

/// The number typed in one place of an answer form: empty is `None`.
fn number(raw: &str, low: u8, high: u8) -> Result<Option<u8>, Problem> {
    match raw.trim() {
        "" => Ok(None),
        typed => match typed.parse::<u8>() {
            Ok(n) if (low..=high).contains(&n) => Ok(Some(n)),
            _ => Err(Problem::OutOfRange),
        },
    }
}

/// The values of an answer form, as posted.
#[cfg(test)]
fn typed(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

/// Three items to rank or vote on.
#[cfg(test)]
fn instruments() -> Vec<String> {
    ["Vouchers", "Grants", "Training"]
        .map(String::from)
        .to_vec()
}

/// The mean and standard deviation of some whole numbers, when there are any.
fn mean_spread(values: &[u8]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|v| f64::from(*v)).sum::<f64>() / n;
    let variance = values
        .iter()
        .map(|v| (f64::from(*v) - mean).powi(2))
        .sum::<f64>()
        / n;
    Some((mean, variance.sqrt()))
}

/// `part` of `whole`, from 0 to 1.
pub(crate) fn share(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

/// A bar of `share` (0–1) of the width, drawn as SVG (no inline style under the pages'
/// content policy).
pub(crate) fn bar(share: f64) -> impl IntoView {
    let width = format!("{:.1}", (share * 100.0).clamp(0.0, 100.0));
    view! {
        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect width=width height="10" />
        </svg>
    }
}

/// The points of a scale from `low` to `high` as radio buttons named `name`, each a touch
/// target; `given`: the point chosen before.
pub(crate) fn scale_points(
    name: String,
    id: &str,
    low: u8,
    high: u8,
    given: Option<u8>,
) -> impl IntoView {
    (low..=high)
        .map(|point| {
            let id = format!("{id}-{point}");
            view! {
                <span class="point">
                    <input type="radio" id=id.clone() name=name.clone() value=point.to_string() checked=given == Some(point) />
                    <label for=id>{point}</label>
                </span>
            }
        })
        .collect_view()
}
