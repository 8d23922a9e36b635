//! A target's trend over the plan year's quarter ends, as a line chart drawn on the server:
//! readable in print, no script needed. A trend needs two figures: with fewer the page says so
//! and shows the one figure plainly. The target's value is named in a legend above the plot,
//! never written over the figures.
use crate::figures::show;
use crate::i18n::vn_date;
use treem_domain::plan::Unit;
use treem_domain::Date;

/// The chart's frame: its size, and where values and points fall on it.
struct Frame {
    w: f64,
    h: f64,
    left: f64,
    top: f64,
    bottom: f64,
    /// The top of the value axis.
    max: f64,
    /// How many points the x axis holds (at least 2).
    n: f64,
}

impl Frame {
    fn new(points: &[(Date, Option<f64>)], goal: Option<f64>) -> Frame {
        let max = points
            .iter()
            .filter_map(|p| p.1)
            .chain(goal)
            .fold(0.0_f64, f64::max)
            .max(1.0)
            * 1.15;
        Frame {
            w: 560.0,
            h: 200.0,
            left: 56.0,
            top: 40.0,
            bottom: 28.0,
            max,
            n: points.len().max(2) as f64,
        }
    }

    fn x(&self, i: usize) -> f64 {
        self.left + (self.w - self.left - 16.0) * i as f64 / (self.n - 1.0)
    }

    fn y(&self, v: f64) -> f64 {
        self.top + (self.h - self.top - self.bottom) * (1.0 - v / self.max)
    }
}

/// What the trend card shows.
pub enum Trend {
    /// Two figures or more: the chart (SVG).
    Chart(String),
    /// One figure: no line can be drawn; the figure and its date, in words.
    Single { on: String, value: String },
    /// No figure at any date.
    Empty,
}

/// The trend of the figures at each date, with the target's value as a dashed line.
pub(super) fn trend(
    points: &[(Date, Option<f64>)],
    goal: Option<f64>,
    unit: Option<Unit>,
) -> Trend {
    let known: Vec<&(Date, Option<f64>)> = points.iter().filter(|p| p.1.is_some()).collect();
    match known.as_slice() {
        [] => Trend::Empty,
        [one] => Trend::Single {
            on: vn_date(&one.0.to_string()),
            value: show(one.1, unit),
        },
        _ => Trend::Chart(trend_svg(points, goal, unit)),
    }
}

fn trend_svg(points: &[(Date, Option<f64>)], goal: Option<f64>, unit: Option<Unit>) -> String {
    let f = Frame::new(points, goal);
    let (w, h) = (f.w, f.h);
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" role="img" aria-label="Xu hướng" class="trend"><rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##
    );
    s += &legend(&f, goal, unit);
    s += &axis(&f, goal, unit);
    s += &line(&f, points, unit);
    s + "</svg>"
}

/// Above the plot: what the line and the dashed line are (the target's value in words).
fn legend(f: &Frame, goal: Option<f64>, unit: Option<Unit>) -> String {
    let left = f.left;
    let mut s = format!(
        r##"<g class="legend"><line x1="{left}" x2="{}" y1="14" y2="14" stroke="#0b4f9c" stroke-width="2.5"/><circle cx="{}" cy="14" r="4" fill="#0b4f9c"/><text x="{}" y="18" font-size="11">số liệu tại ngày</text>"##,
        left + 24.0,
        left + 12.0,
        left + 30.0
    );
    if let Some(g) = goal {
        let x = left + 150.0;
        s += &format!(
            r##"<line x1="{x}" x2="{}" y1="14" y2="14" stroke="#8c1b13" stroke-dasharray="6 4"/><text x="{}" y="18" font-size="11" fill="#8c1b13">chỉ tiêu: {}</text>"##,
            x + 24.0,
            x + 30.0,
            show(Some(g), unit)
        );
    }
    s + "</g>"
}

/// The value axis's three lines, and the target's value.
fn axis(f: &Frame, goal: Option<f64>, unit: Option<Unit>) -> String {
    let (w, left) = (f.w, f.left);
    let mut s = String::new();
    for frac in [0.0, 0.5, 1.0] {
        let v = f.max / 1.15 * frac;
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"##,
            w - 8.0,
            left - 6.0,
            f.y(v) + 4.0,
            show(Some(v), unit),
            y = f.y(v)
        );
    }
    if let Some(g) = goal {
        // The line only: its words are in the legend, off the figures.
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#8c1b13" stroke-dasharray="6 4"/>"##,
            w - 8.0,
            y = f.y(g)
        );
    }
    s
}

/// The figures' line, each point with its value and its date (dd/mm).
fn line(f: &Frame, points: &[(Date, Option<f64>)], unit: Option<Unit>) -> String {
    let mut s = String::new();
    let pts: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.1.map(|v| format!("{:.1},{:.1}", f.x(i), f.y(v))))
        .collect();
    if pts.len() > 1 {
        s += &format!(
            r##"<polyline fill="none" stroke="#0b4f9c" stroke-width="2.5" points="{}"/>"##,
            pts.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        s += &format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
            f.x(i),
            f.h - 8.0,
            &vn_date(&p.0.to_string())[..5]
        );
        if let Some(v) = p.1 {
            s += &format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b4f9c"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
                f.x(i),
                f.y(v),
                f.x(i),
                f.y(v) - 8.0,
                show(Some(v), unit)
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn one_figure_is_no_trend_and_the_target_is_named_off_the_figures() {
        let one = [(d("2026-03-31"), Some(12.5)), (d("2026-06-30"), None)];
        match trend(&one, Some(30.9), Some(Unit::Percent)) {
            Trend::Single { on, value } => {
                assert_eq!(on, "31/03/2026");
                assert!(value.starts_with("12,5"), "{value}");
            }
            _ => panic!("one figure drawn as a trend"),
        }
        assert!(matches!(
            trend(&[(d("2026-03-31"), None)], None, None),
            Trend::Empty
        ));
        let two = [(d("2026-03-31"), Some(12.5)), (d("2026-06-30"), Some(30.0))];
        let Trend::Chart(svg) = trend(&two, Some(30.9), Some(Unit::Percent)) else {
            panic!("two figures make a trend")
        };
        // "chỉ tiêu" only in the legend, above the plot (y = 18 < top 40).
        assert_eq!(svg.matches("chỉ tiêu").count(), 1);
        let at = svg.find("chỉ tiêu").unwrap();
        assert!(svg[..at].rfind("y=\"18\"").is_some());
    }
}
