//! The child's weights drawn on WHO's weight-for-age curves (the child's page).
use treem_domain::register::Sex;

/// Weight-for-age on WHO's curves at −3, −2, 0, +2 and +3 SD, with the child's points.
pub fn growth_chart(sex: Sex, points: &[(u32, f64)]) -> Option<String> {
    let sex = match sex {
        Sex::Male => growth::Sex::Male,
        Sex::Female => growth::Sex::Female,
        Sex::Unknown => return None,
    };
    let (w, h, left, bottom, top) = (560.0, 260.0, 40.0, 30.0, 10.0);
    let max_days = 1856.0;
    let max_kg = 30.0;
    let x = |d: f64| left + (w - left - 10.0) * d / max_days;
    let y = |kg: f64| top + (h - top - bottom) * (1.0 - kg / max_kg);
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" class="trend" role="img" aria-label="Cân nặng theo tuổi (WHO 2006)"><rect width="{w}" height="{h}" fill="#fff"/>"##
    );
    for kg in [0.0, 10.0, 20.0, 30.0] {
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" font-size="11" text-anchor="end">{kg}</text>"##,
            w - 10.0,
            left - 4.0,
            y(kg) + 4.0,
            y = y(kg)
        );
    }
    for year in 0..=5 {
        let d = year as f64 * 365.25;
        s += &format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{year} tuổi</text>"#,
            x(d),
            h - 10.0
        );
    }
    for (sd, colour) in [
        (-3.0, "#8a1c10"),
        (-2.0, "#c47a00"),
        (0.0, "#1d5e28"),
        (2.0, "#c47a00"),
        (3.0, "#8a1c10"),
    ] {
        let pts: Vec<String> = growth::curve(growth::Indicator::Wfa, sex, sd)
            .iter()
            .step_by(30)
            .map(|(d, kg)| format!("{:.1},{:.1}", x(*d), y(*kg)))
            .collect();
        s += &format!(
            r#"<polyline fill="none" stroke="{colour}" stroke-width="1.2" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (d, kg) in points {
        s += &format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b4f9c"/>"##,
            x(*d as f64),
            y(*kg)
        );
    }
    Some(s + "</svg>")
}
