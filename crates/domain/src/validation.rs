//! Field-level errors in Vietnamese (lỗi nhập liệu), shared by the API, the forms and imports.
use crate::date::Grammar;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// All problems found in one record, so a user fixes them in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.push(field, message);
        e
    }
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Parses a date as officials write it (dd/mm/yyyy) or as ISO (yyyy-mm-dd), within the years
/// of [`crate::date::DATE_YEARS`]: a date outside them is a typing slip, and dates near
/// jiff's ends (year 9999) would make date arithmetic fail further on. The year has four digits:
/// what jiff also reads as a date (a signed six-digit year, as in "-0012120212") is no date
/// anyone means, and would not read back as the pages show it.
pub fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    parse_any_date(s).filter(|d| crate::date::date_in_range(*d))
}

/// Why [`parse_date`] refused `s`, in Vietnamese: outside the years allowed, or not a date.
pub fn date_problem(s: &str) -> String {
    two_digit_year(s)
        .or_else(|| month_first(s))
        .or_else(|| date_out_of_range(s))
        .unwrap_or_else(|| format!("ngày không hợp lệ: «{s}» (viết dd/mm/yyyy)"))
}

/// The message for a date whose year has one or two digits ("12-05-17", "5/17", "17"): which
/// century is meant cannot be known, so the year must be written in full.
pub fn two_digit_year(s: &str) -> Option<String> {
    let s = s.trim();
    let parts: Vec<&str> = Grammar::TYPED.parts(s).into_iter().map(str::trim).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| digits(p)) || parts.len() > 3 {
        return None;
    }
    // The year is last (dd/mm/yy, mm/yy); a lone number of one or two digits is a year too.
    let year = parts.last()?;
    if year.len() > 2 || (parts.len() == 3 && parts[0].len() == 4) {
        return None;
    }
    let full = 2000 + year.parse::<u32>().ok()?;
    let mut example: Vec<String> = parts[..parts.len() - 1]
        .iter()
        .map(|p| format!("{:0>2}", p))
        .collect();
    example.push(full.to_string());
    Some(format!(
        "năm viết hai chữ số («{s}»): hãy viết năm đủ bốn chữ số, ví dụ {}",
        example.join("/")
    ))
}

/// The message for a date that reads only month first ("2/13/2020", as American
/// spreadsheets write it): the template writes the day first.
pub fn month_first(s: &str) -> Option<String> {
    match date_order(s) {
        DateOrder::MonthFirst(d) => Some(format!(
            "ngày «{}» viết tháng trước ngày; mẫu ghi ngày trước tháng (dd/mm/yyyy): {:02}/{:02}/{}",
            s.trim(),
            d.day(),
            d.month(),
            d.year()
        )),
        _ => None,
    }
}

/// Which order of day and month a date written "a/b/yyyy" can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Not a/b/yyyy (ISO, mm/yyyy, not a date), or a = b: nothing to question.
    Plain,
    /// Only day first (13/2/2020).
    DayFirst,
    /// Only month first (2/13/2020): the date it stands for.
    MonthFirst(jiff::civil::Date),
    /// Either (3/4/2019): read day first unless the file says otherwise.
    Either,
}

/// How `s` may be read ([`DateOrder`]).
pub fn date_order(s: &str) -> DateOrder {
    let parts: Vec<&str> = Grammar::TYPED.parts(s.trim());
    if parts.len() != 3 || parts[2].len() != 4 || parts[0].len() > 2 || parts[1].len() > 2 {
        return DateOrder::Plain;
    }
    let (Ok(a), Ok(b), Ok(y)) = (
        parts[0].parse::<i8>(),
        parts[1].parse::<i8>(),
        parts[2].parse::<i16>(),
    ) else {
        return DateOrder::Plain;
    };
    let day_first = jiff::civil::Date::new(y, b, a).ok();
    let month_first = jiff::civil::Date::new(y, a, b).ok();
    match (day_first, month_first) {
        _ if a == b => DateOrder::Plain,
        (Some(_), Some(_)) => DateOrder::Either,
        (Some(_), None) => DateOrder::DayFirst,
        (None, Some(d)) => DateOrder::MonthFirst(d),
        (None, None) => DateOrder::Plain,
    }
}

/// The message for `s` when it is a date, but outside [`crate::date::DATE_YEARS`].
pub fn date_out_of_range(s: &str) -> Option<String> {
    parse_any_date(s)
        .filter(|d| !crate::date::date_in_range(*d))
        .map(crate::date::date_out_of_range)
}

fn parse_any_date(s: &str) -> Option<jiff::civil::Date> {
    Grammar::TYPED.read(s)
}

/// A decimal as Vietnamese officials write it ("8,3", "1.234,5") or with a point ("8.3"):
/// `Some(None)` when nothing is written, `None` when what is written is not a finite number.
pub fn parse_decimal_vi(s: &str) -> Option<Option<f64>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    let normal = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else {
        s.to_string()
    };
    normal
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_officials_write_them() {
        assert_eq!(parse_decimal_vi("8,3"), Some(Some(8.3)));
        assert_eq!(parse_decimal_vi("1.234,5"), Some(Some(1234.5)));
        assert_eq!(parse_decimal_vi(" 8.3 "), Some(Some(8.3)));
        assert_eq!(parse_decimal_vi("  "), Some(None));
        assert_eq!(parse_decimal_vi("tám"), None);
        assert_eq!(parse_decimal_vi("inf"), None);
    }

    #[test]
    fn dates_in_both_forms() {
        let d = jiff::civil::date(2020, 5, 7);
        assert_eq!(parse_date("07/05/2020"), Some(d));
        assert_eq!(parse_date("2020-05-07"), Some(d));
        assert_eq!(parse_date("7/5/2020"), Some(d));
        assert_eq!(parse_date("31/02/2020"), None);
        assert_eq!(parse_date("hôm qua"), None);
    }

    #[test]
    fn dates_outside_the_years_allowed_are_refused_with_the_range() {
        assert_eq!(parse_date("31/12/9999"), None);
        assert_eq!(parse_date("0001-01-01"), None);
        assert_eq!(parse_date("-009999-01-01"), None);
        assert!(date_problem("31/12/9999").contains("từ 1900 đến 2100"));
        assert!(date_problem("hôm qua").contains("không hợp lệ"));
    }

    #[test]
    fn two_digit_years_get_their_own_message() {
        assert_eq!(
            date_problem("12-05-17"),
            "năm viết hai chữ số («12-05-17»): hãy viết năm đủ bốn chữ số, ví dụ 12/05/2017"
        );
        assert!(two_digit_year("5/17").unwrap().contains("05/2017"));
        assert!(two_digit_year("17").is_some());
        assert_eq!(two_digit_year("12/05/2017"), None);
        assert_eq!(two_digit_year("2017-05-12"), None);
        assert_eq!(two_digit_year("hôm qua"), None);
    }

    #[test]
    fn the_order_of_day_and_month() {
        use jiff::civil::date;
        assert_eq!(date_order("13/2/2020"), DateOrder::DayFirst);
        assert_eq!(
            date_order("2/13/2020"),
            DateOrder::MonthFirst(date(2020, 2, 13))
        );
        assert_eq!(date_order("3/4/2019"), DateOrder::Either);
        assert_eq!(date_order("4/4/2019"), DateOrder::Plain);
        assert_eq!(date_order("2019-04-03"), DateOrder::Plain);
        assert_eq!(date_order("04/2019"), DateOrder::Plain);
        assert!(
            date_problem("2/13/2020").contains("13/02/2020"),
            "{}",
            date_problem("2/13/2020")
        );
    }

    /// Found by the `dates` fuzz target: jiff's signed years and years of fewer than four
    /// digits were taken as dates, and did not read back as the pages show them.
    #[test]
    fn only_four_digit_years() {
        assert_eq!(parse_date("-0012120212"), None);
        assert_eq!(parse_date("+0020260612"), None);
        assert_eq!(parse_date("12/02/-1212"), None);
        assert_eq!(parse_date("01/01/999"), None);
        assert_eq!(parse_date("0999-01-01"), None);
        assert_eq!(
            parse_date("01/01/2000"),
            Some(jiff::civil::date(2000, 1, 1))
        );
    }
}
