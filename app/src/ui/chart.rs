//! Charts drawn as SVG on the server, so that they show without JavaScript and print well.
//! Each chart is an image with a text alternative; the page puts its numbers in a table beside
//! it.

use leptos::prelude::*;

/// One axis of a radar chart: a label (short: the table beside the chart gives the full name)
/// and two values on the 0–`max` scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub label: String,
    pub present: Option<f64>,
    pub target: Option<f64>,
}

const SIZE: f64 = 320.0;
const CENTRE: f64 = SIZE / 2.0;
const RADIUS: f64 = 120.0;

/// The point of `value` (of `max`) on axis `i` of `n`, the first axis pointing up.
pub fn radar_point(i: usize, n: usize, value: f64, max: f64) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n.max(1) as f64;
    let r = RADIUS * (value / max).clamp(0.0, 1.0);
    (CENTRE + r * angle.cos(), CENTRE + r * angle.sin())
}

/// The SVG `points` of a polygon through the axes' values; a missing value counts as 0.
pub fn polygon(values: &[Option<f64>], max: f64) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = radar_point(i, values.len(), v.unwrap_or(0.0), max);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A radar chart of present (filled) and target (dashed) values, with rings at every whole
/// step of the scale. `title` is its text alternative.
#[component]
pub fn Radar(
    axes: Vec<Axis>,
    max: f64,
    title: String,
    present_label: String,
    target_label: String,
) -> impl IntoView {
    let n = axes.len();
    let steps = max.round().max(1.0) as usize;
    let rings = (1..=steps)
        .map(|step| {
            let ring: Vec<Option<f64>> = vec![Some(step as f64); n];
            view! { <polygon class="radar-ring" points=polygon(&ring, max) /> }
        })
        .collect_view();
    let spokes = (0..n)
        .map(|i| {
            let (x, y) = radar_point(i, n, max, max);
            let (lx, ly) = radar_point(i, n, max * 1.13, max);
            view! {
                <line class="radar-spoke" x1=CENTRE x2=format!("{x:.1}") y1=CENTRE y2=format!("{y:.1}") />
                <text class="radar-label" x=format!("{lx:.1}") y=format!("{ly:.1}") text-anchor="middle" dominant-baseline="middle">
                    {axes[i].label.clone()}
                </text>
            }
        })
        .collect_view();
    let present: Vec<Option<f64>> = axes.iter().map(|a| a.present).collect();
    let target: Vec<Option<f64>> = axes.iter().map(|a| a.target).collect();
    let has_target = target.iter().any(Option::is_some);
    let label = title.clone();
    view! {
        <figure class="radar">
            <svg viewBox=format!("0 0 {SIZE} {SIZE}") role="img" aria-label=label>
                <title>{title}</title>
                {rings}
                {spokes}
                {has_target.then(|| view! { <polygon class="radar-target" points=polygon(&target, max) /> })}
                <polygon class="radar-present" points=polygon(&present, max) />
            </svg>
            <figcaption>
                <span class="key key-present"></span> {present_label} " "
                {has_target.then(|| view! { <span class="key key-target"></span> {target_label} })}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_points_up_and_the_values_scale_to_the_radius() {
        let (x, y) = radar_point(0, 4, 5.0, 5.0);
        assert!((x - CENTRE).abs() < 1e-9 && (y - (CENTRE - RADIUS)).abs() < 1e-9);
        let (x, y) = radar_point(1, 4, 2.5, 5.0);
        assert!((x - (CENTRE + RADIUS / 2.0)).abs() < 1e-9 && (y - CENTRE).abs() < 1e-9);
        assert_eq!(radar_point(2, 4, 0.0, 5.0), (CENTRE, CENTRE));
        assert_eq!(
            radar_point(0, 4, 9.0, 5.0),
            radar_point(0, 4, 5.0, 5.0),
            "clamped"
        );
    }

    #[test]
    fn a_missing_value_is_drawn_at_the_centre() {
        assert_eq!(polygon(&[None, Some(5.0)], 5.0), "160.0,160.0 160.0,280.0");
    }
}
