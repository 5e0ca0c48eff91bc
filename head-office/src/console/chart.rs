//! Bar charts drawn on the server as SVG: no script, readable at any width (the SVG
//! scales to its box), every bar titled with its exact value for a pointer or a reader.

use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Chart units: the SVG's own coordinates, scaled by the browser.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 180.0;
const AXIS: f64 = 18.0;

/// One bar: its label under the axis and its value.
pub struct Bar {
    pub label: String,
    pub value: Decimal,
}

/// Bars side by side, scaled to the largest value; an empty or all-zero chart draws
/// the axis only. `id` names the chart for tests and links.
pub fn bars(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let largest = bars
        .iter()
        .map(|b| b.value)
        .max()
        .filter(|m| *m > Decimal::ZERO);
    let slot = WIDTH / bars.len().max(1) as f64;
    let plot = HEIGHT - AXIS;
    html! {
        figure.chart id=(id) {
            figcaption { (title) }
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) preserveAspectRatio="none" {
                line x1="0" y1=(plot) x2=(WIDTH) y2=(plot) stroke="#8796a8" {}
                @for (i, bar) in bars.iter().enumerate() {
                    @let height = share(bar.value, largest) * (plot - 4.0);
                    @let x = i as f64 * slot;
                    rect x=(x + slot * 0.15) y=(plot - height) width=(slot * 0.7) height=(height) fill="#2f6db5" {
                        title { (bar.label) ": " (bar.value) }
                    }
                    text x=(x + slot / 2.0) y=(HEIGHT - 4.0) font-size="11" text-anchor="middle" fill="#1d2733" { (bar.label) }
                }
            }
        }
    }
}

/// `value` as a share of `largest`, 0 to 1 (negative values, a day of more voids than
/// sales, draw no bar).
fn share(value: Decimal, largest: Option<Decimal>) -> f64 {
    let Some(largest) = largest else {
        return 0.0;
    };
    let ratio = value.checked_div(largest).unwrap_or(Decimal::ZERO);
    ratio.to_f64().unwrap_or(0.0).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_and_titled_with_their_values() {
        let svg = bars(
            "c",
            "Sales",
            &[
                Bar {
                    label: "9".into(),
                    value: dec!(50),
                },
                Bar {
                    label: "10".into(),
                    value: dec!(200),
                },
                Bar {
                    label: "11".into(),
                    value: dec!(-5),
                },
            ],
        )
        .into_string();
        assert!(
            svg.contains(r#"height="158""#),
            "the largest bar fills the plot: {svg}"
        );
        assert!(svg.contains(r#"height="39.5""#), "a quarter of it: {svg}");
        assert!(
            svg.contains(r#"height="0""#),
            "a negative value draws nothing"
        );
        assert!(svg.contains("<title>10: 200</title>"));
    }

    #[test]
    fn an_empty_chart_draws_the_axis_only() {
        let svg = bars("c", "Sales", &[]).into_string();
        assert!(svg.contains("<line"));
        assert!(!svg.contains("<rect"));
    }
}
