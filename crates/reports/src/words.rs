//! How the documents write numbers, dates and the signer's titles the Vietnamese way.
use treem_domain::indicator::Figure;
use treem_domain::plan::Unit;
use treem_domain::text::format_number_vi;
use treem_domain::Date;

/// A number with at most two decimals, the Vietnamese way: "94,97", "1.234", "2,9".
pub fn number_vi(x: f64) -> String {
    format_number_vi((x * 100.0).round() / 100.0)
}

/// The figure's unit, read from the plan value's words ("không quá 30,9 %" → %): the frozen
/// figure keeps the words the plan printed, not the unit itself.
pub fn unit_of(plan_value: &str) -> Unit {
    if plan_value.contains('‰') {
        Unit::PerMille
    } else if plan_value.contains("100.000") {
        Unit::Per100000
    } else if plan_value.contains('%') {
        Unit::Percent
    } else {
        Unit::Count
    }
}

/// "94,97 % (245/258)"; a count alone ("3"); "chưa có số liệu" when there is no value.
pub fn value_vi(f: &Figure, unit: Unit) -> String {
    let Some(v) = f.value else {
        return "chưa có số liệu".into();
    };
    let symbol = unit.symbol();
    let mut s = number_vi(v);
    if !symbol.is_empty() {
        if symbol.starts_with('/') {
            s.push_str(symbol);
        } else {
            s.push(' ');
            s.push_str(symbol);
        }
    }
    if let (Some(n), Some(d), Some(_)) = (f.numerator, f.denominator, unit.scale()) {
        s.push_str(&format!(" ({}/{})", number_vi(n), number_vi(d)));
    }
    s
}

/// The place written before the date: the commune's name without its kind or any note in
/// brackets ("Xã Sính Phình (dữ liệu mẫu)" → "Sính Phình").
pub fn place_of(commune: &str) -> String {
    let name = commune.split('(').next().unwrap_or("").trim();
    let lower = name.to_lowercase();
    ["xã ", "phường ", "thị trấn "]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map_or(name, |p| name[p.len()..].trim())
        .to_string()
}

/// "Sính Phình, ngày 28 tháng 5 năm 2026": days 1–9 and months 1–2 with a leading zero, as
/// Decree 30/2020 writes them.
pub fn date_line(place: &str, d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

/// The signature block's upper-case lines above the signature: the chairman signs "TM. ỦY BAN
/// NHÂN DÂN / CHỦ TỊCH"; anyone else signs for him ("KT. CHỦ TỊCH") under their own position.
pub fn signer_titles(position: &str) -> Vec<String> {
    let upper = position.trim().to_uppercase();
    let mut lines = vec!["TM. ỦY BAN NHÂN DÂN".to_string()];
    let folded = treem_domain::text::fold(position);
    if folded.starts_with("chu tich") || upper.is_empty() {
        lines.push("CHỦ TỊCH".into());
    } else {
        lines.push("KT. CHỦ TỊCH".into());
        lines.push(upper);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn numbers_take_a_decimal_comma_and_thousand_dots() {
        assert_eq!(number_vi(94.9712), "94,97");
        assert_eq!(number_vi(1234.0), "1.234");
        let f = Figure {
            numerator: Some(245.0),
            denominator: Some(258.0),
            value: Some(94.96124),
            ..Figure::default()
        };
        assert_eq!(value_vi(&f, Unit::Percent), "94,96 % (245/258)");
        assert_eq!(
            value_vi(&Figure::default(), Unit::Percent),
            "chưa có số liệu"
        );
    }

    #[test]
    fn the_date_line_pads_days_and_the_first_two_months() {
        assert_eq!(
            date_line("Sính Phình", date(2026, 5, 28)),
            "Sính Phình, ngày 28 tháng 5 năm 2026"
        );
        assert_eq!(
            date_line("Sính Phình", date(2026, 1, 5)),
            "Sính Phình, ngày 05 tháng 01 năm 2026"
        );
    }

    #[test]
    fn the_place_is_the_communes_bare_name() {
        assert_eq!(place_of("Xã Sính Phình (dữ liệu mẫu)"), "Sính Phình");
        assert_eq!(place_of("Sính Phình"), "Sính Phình");
        assert_eq!(place_of("Thị trấn Tủa Chùa"), "Tủa Chùa");
    }

    #[test]
    fn a_vice_chairman_signs_for_the_chairman() {
        assert_eq!(
            signer_titles("Phó Chủ tịch"),
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        );
        assert_eq!(
            signer_titles("Chủ tịch"),
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        );
    }

    #[test]
    fn the_unit_is_read_from_the_plan_value() {
        assert_eq!(unit_of("không quá 30,9 %"), Unit::Percent);
        assert_eq!(unit_of("dưới 2,9 ‰"), Unit::PerMille);
        assert_eq!(unit_of("giảm còn 50/100.000"), Unit::Per100000);
        assert_eq!(unit_of("0 vụ"), Unit::Count);
    }
}
