//! Field-level errors in Vietnamese (lỗi nhập liệu), shared by the API, the forms and imports.
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
/// of [`crate::limits::DATE_YEARS`]: a date outside them is a typing slip, and dates near
/// jiff's ends (year 9999) would make date arithmetic fail further on. The year has four digits:
/// what jiff also reads as a date (a signed six-digit year, as in "-0012120212") is no date
/// anyone means, and would not read back as the pages show it.
pub fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    parse_any_date(s).filter(|d| crate::limits::date_in_range(*d))
}

/// Why [`parse_date`] refused `s`, in Vietnamese: outside the years allowed, or not a date.
pub fn date_problem(s: &str) -> String {
    date_out_of_range(s).unwrap_or_else(|| format!("ngày không hợp lệ: «{s}» (viết dd/mm/yyyy)"))
}

/// The message for `s` when it is a date, but outside [`crate::limits::DATE_YEARS`].
pub fn date_out_of_range(s: &str) -> Option<String> {
    parse_any_date(s)
        .filter(|d| !crate::limits::date_in_range(*d))
        .map(crate::limits::date_out_of_range)
}

fn parse_any_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let date = match s.parse::<jiff::civil::Date>() {
        Ok(d) if !s.starts_with(['+', '-']) => d,
        Ok(_) => return None,
        Err(_) => {
            let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
            if parts.len() != 3 {
                return None;
            }
            let d: i8 = parts[0].parse().ok()?;
            let m: i8 = parts[1].parse().ok()?;
            let y: i16 = parts[2].parse().ok()?;
            jiff::civil::Date::new(y, m, d).ok()?
        }
    };
    (1000..=9999).contains(&date.year()).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

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
