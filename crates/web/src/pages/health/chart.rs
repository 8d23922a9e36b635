//! The child's weights drawn on WHO's weight-for-age curves (the child's page). The chart spans
//! the child's own age (a baby's first year is not squeezed into the corner of five years); the
//! page names the lines in a legend and says the last z-scores in words.
use treem_domain::register::Sex;

/// Days in a year, as WHO's tables count them.
const YEAR_DAYS: f64 = 365.25;
/// The end of WHO's weight-for-age table (5 years and a little).
const TABLE_END_DAYS: f64 = 1856.0;

/// The span of the age axis for a child `age_days` old with points up to `last_point_days`:
/// the first year, the first two years, or whole years up to five; and its ticks as
/// (days, label).
fn age_axis(age_days: u32, last_point_days: u32) -> (f64, Vec<(f64, String)>) {
    let age = f64::from(age_days.max(last_point_days));
    let month = YEAR_DAYS / 12.0;
    if age <= YEAR_DAYS {
        let ticks = (0..=4).map(|q| (q as f64 * 3.0 * month, format!("{} tháng", q * 3)));
        (YEAR_DAYS, ticks.collect())
    } else if age <= 2.0 * YEAR_DAYS {
        let ticks = (0..=4).map(|q| (q as f64 * 6.0 * month, format!("{} tháng", q * 6)));
        (2.0 * YEAR_DAYS, ticks.collect())
    } else {
        let years = (age / YEAR_DAYS).ceil().min(5.0) as u32;
        let ticks = (0..=years).map(|y| (f64::from(y) * YEAR_DAYS, format!("{y} tuổi")));
        (
            (f64::from(years) * YEAR_DAYS).min(TABLE_END_DAYS),
            ticks.collect(),
        )
    }
}

/// The WHO lines drawn, with their colours: the legend on the page names them.
pub const CURVES: [(f64, &str); 5] = [
    (-3.0, "#8a1c10"),
    (-2.0, "#c47a00"),
    (0.0, "#1d5e28"),
    (2.0, "#c47a00"),
    (3.0, "#8a1c10"),
];

/// Weight-for-age on WHO's curves at −3, −2, 0, +2 and +3 SD, with the child's points
/// (age in days, kg), over the span [`age_axis`] gives for a child `age_days` old.
pub fn growth_chart(sex: Sex, points: &[(u32, f64)], age_days: u32) -> Option<String> {
    let sex = match sex {
        Sex::Male => growth::Sex::Male,
        Sex::Female => growth::Sex::Female,
        Sex::Unknown => return None,
    };
    let last = points.iter().map(|p| p.0).max().unwrap_or(0);
    let (max_days, ticks) = age_axis(age_days, last);
    let curves: Vec<(Vec<(f64, f64)>, &str)> = CURVES
        .iter()
        .map(|(sd, colour)| {
            let pts = growth::curve(growth::Indicator::Wfa, sex, *sd)
                .into_iter()
                .filter(|(d, _)| *d <= max_days)
                .collect();
            (pts, *colour)
        })
        .collect();
    let heaviest = curves
        .iter()
        .flat_map(|(c, _)| c.iter().map(|p| p.1))
        .chain(points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);
    let step = if heaviest <= 12.0 { 2.0 } else { 5.0 };
    let max_kg = (heaviest / step).ceil() * step;
    let (w, h, left, bottom, top) = (560.0, 260.0, 40.0, 30.0, 10.0);
    let x = |d: f64| left + (w - left - 10.0) * d / max_days;
    let y = |kg: f64| top + (h - top - bottom) * (1.0 - kg / max_kg);
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" class="trend growth" role="img" aria-label="Cân nặng theo tuổi (WHO 2006)"><rect width="{w}" height="{h}" fill="#fff"/>"##
    );
    let mut kg = 0.0;
    while kg <= max_kg {
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" font-size="11" text-anchor="end">{kg}</text>"##,
            w - 10.0,
            left - 4.0,
            y(kg) + 4.0,
            y = y(kg)
        );
        kg += step;
    }
    for (i, (d, label)) in ticks.iter().enumerate() {
        let anchor = if i + 1 == ticks.len() {
            "end"
        } else {
            "middle"
        };
        s += &format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="{anchor}">{label}</text>"#,
            x(*d),
            h - 10.0
        );
    }
    for (pts, colour) in &curves {
        let pts: Vec<String> = pts
            .iter()
            .step_by(if max_days <= YEAR_DAYS { 7 } else { 30 })
            .map(|(d, kg)| format!("{:.1},{:.1}", x(*d), y(*kg)))
            .collect();
        s += &format!(
            r#"<polyline fill="none" stroke="{colour}" stroke-width="1.2" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (d, kg) in points.iter().filter(|p| f64::from(p.0) <= max_days) {
        s += &format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b4f9c"/>"##,
            x(f64::from(*d)),
            y(*kg)
        );
    }
    Some(s + "</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_axis_follows_the_child() {
        let (span, ticks) = age_axis(120, 100);
        assert_eq!(span, YEAR_DAYS);
        assert_eq!(ticks.last().unwrap().1, "12 tháng");
        assert_eq!(age_axis(500, 400).1.last().unwrap().1, "24 tháng");
        let (span, ticks) = age_axis(1000, 900);
        assert_eq!(ticks.last().unwrap().1, "3 tuổi");
        assert!((span - 3.0 * YEAR_DAYS).abs() < 1e-9);
        assert_eq!(age_axis(3000, 1800).1.last().unwrap().1, "5 tuổi");
    }
}
