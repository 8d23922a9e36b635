//! A child's birth date as far as it is known, and the one way it is shown.
//!
//! The register keeps one date with a [`DobPrecision`]: the exact day, the first of a month
//! ("11/2026"), 1 July of a year ("2026"), or, for an estimated age, 1 July of the year counted
//! back (or today for a baby estimated at 0 in spring). Only the day is a fact: the other dates
//! are placeholders, and showing them as days ("01/11/2026", "01/07/2026 · 5 tháng") turned
//! estimates into facts. So every screen shows a birth date and an age through
//! [`BirthDate::text`], [`BirthDate::age_text`] and [`BirthDate::text_with_age`]:
//!
//! | precision   | date                | age (on 05/12/2026)          |
//! |-------------|---------------------|------------------------------|
//! | day         | `14/11/2026`        | `3 tuần tuổi`                |
//! | month       | `khoảng 11/2026`    | `khoảng 3 tuần tuổi`         |
//! | year        | `năm 2026`          | `dưới 1 tuổi`                |
//! | estimated   | `khoảng năm 2023`   | `khoảng 3 tuổi`              |
//!
//! A date that is not a day stands for a **window** of days ([`BirthDate::window`]): the month,
//! or the calendar year (an estimated age in years is only good to about a year), never after
//! the day asked about. Rules that depend on the birth date and must not claim more than is
//! known (the vaccination due list, [`crate::health::Compiled::due_list_around`]) work on the
//! window's ends.
use crate::date::format_vi;
use crate::register::DobPrecision;
use jiff::civil::Date;

/// A birth date with how much of it is known. `None` from [`BirthDate::new`] when nothing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate {
    /// The date the register keeps (exact, first of the month, 1 July, …).
    pub date: Date,
    pub precision: DobPrecision,
}

impl BirthDate {
    /// The register's birth date; `None` when there is no date. A date with precision
    /// "unknown" (only in records from before precisions were checked) counts as an estimate.
    pub fn new(date: Option<Date>, precision: DobPrecision) -> Option<BirthDate> {
        let precision = match precision {
            DobPrecision::Unknown => DobPrecision::Estimated,
            p => p,
        };
        date.map(|date| BirthDate { date, precision })
    }

    /// From the register's text forms (the ISO date and the precision's code, as lists carry
    /// them); `None` when the date does not parse. An unknown precision code counts as an
    /// estimate.
    pub fn parse(date: Option<&str>, precision: Option<&str>) -> Option<BirthDate> {
        let date = date?.parse().ok()?;
        let precision = precision
            .and_then(DobPrecision::parse)
            .unwrap_or(DobPrecision::Estimated);
        BirthDate::new(Some(date), precision)
    }

    /// Known to the day.
    pub fn is_exact(&self) -> bool {
        self.precision == DobPrecision::Day
    }

    /// The first and last days the child may have been born, as known on `on`: the day itself;
    /// the month; the calendar year (for an estimated age too). The last day is never after
    /// `on` (the child is born by then), nor before the first.
    pub fn window(&self, on: Date) -> (Date, Date) {
        let d = self.date;
        let (first, last) = match self.precision {
            DobPrecision::Day => (d, d),
            DobPrecision::Month => (d.first_of_month(), d.last_of_month()),
            DobPrecision::Year | DobPrecision::Estimated | DobPrecision::Unknown => {
                (d.first_of_year(), d.last_of_year())
            }
        };
        (first, last.min(on).max(first))
    }

    /// The birth date as every screen shows it: `14/11/2026`, `khoảng 11/2026`, `năm 2026`,
    /// `khoảng năm 2023`.
    pub fn text(&self) -> String {
        let d = self.date;
        match self.precision {
            DobPrecision::Day => format_vi(d),
            DobPrecision::Month => format!("khoảng {:02}/{}", d.month(), d.year()),
            DobPrecision::Year => format!("năm {}", d.year()),
            DobPrecision::Estimated | DobPrecision::Unknown => format!("khoảng năm {}", d.year()),
        }
    }

    /// The age on `on` as a health worker says it: days in the first two weeks, weeks to two
    /// months, months to two years, then years. Not known to the day: "khoảng" and the age at
    /// the middle of the window; known only to the year, whole years ("dưới 1 tuổi" in the
    /// first). Empty before the birth date.
    pub fn age_text(&self, on: Date) -> String {
        let (first, last) = self.window(on);
        if first > on {
            return String::new();
        }
        match self.precision {
            DobPrecision::Day => age_words(first, on),
            DobPrecision::Month => {
                let mid = first
                    .checked_add(jiff::Span::new().days((last - first).get_days() / 2))
                    .unwrap_or(first);
                format!("khoảng {}", age_words(mid, on))
            }
            DobPrecision::Year | DobPrecision::Estimated | DobPrecision::Unknown => {
                let mid = first
                    .checked_add(jiff::Span::new().days((last - first).get_days() / 2))
                    .unwrap_or(first);
                match completed_months(mid, on) / 12 {
                    0 => "dưới 1 tuổi".to_string(),
                    y => format!("khoảng {y} tuổi"),
                }
            }
        }
    }

    /// `text` and `age_text` together: `khoảng 11/2026 · khoảng 3 tuần tuổi`.
    pub fn text_with_age(&self, on: Date) -> String {
        let age = self.age_text(on);
        if age.is_empty() {
            self.text()
        } else {
            format!("{} · {age}", self.text())
        }
    }
}

/// An exact age in words (see [`BirthDate::age_text`]).
fn age_words(dob: Date, on: Date) -> String {
    let days = (on - dob).get_days();
    let months = completed_months(dob, on);
    match days {
        d if d < 14 => format!("{d} ngày tuổi"),
        d if months < 2 => format!("{} tuần tuổi", d / 7),
        _ if months < 24 => format!("{months} tháng tuổi"),
        _ => format!("{} tuổi", months / 12),
    }
}

/// Whole months from `dob` to `on` (0 before the birth date).
fn completed_months(dob: Date, on: Date) -> i32 {
    let months = (i32::from(on.year()) - i32::from(dob.year())) * 12
        + i32::from(on.month() - dob.month())
        - i32::from(on.day() < dob.day());
    months.max(0)
}

/// The text for a birth date that may be missing: [`BirthDate::text`], or "không rõ".
pub fn text_or_unknown(b: Option<BirthDate>) -> String {
    b.map(|b| b.text()).unwrap_or_else(|| "không rõ".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn b(d: Date, p: DobPrecision) -> BirthDate {
        BirthDate::new(Some(d), p).unwrap()
    }

    #[test]
    fn a_month_is_never_shown_as_its_first_day() {
        // The issue: "11/2026" showed as "01/11/2026 · 1 tháng".
        let x = b(date(2026, 11, 1), DobPrecision::Month);
        let today = date(2026, 12, 5);
        assert_eq!(x.text(), "khoảng 11/2026");
        assert_eq!(x.age_text(today), "khoảng 2 tuần tuổi");
        assert!(!x.text_with_age(today).contains("01/11"));
        assert_eq!(
            x.window(today),
            (date(2026, 11, 1), date(2026, 11, 30)),
            "the whole month"
        );
    }

    #[test]
    fn an_estimated_age_of_zero_is_not_five_months() {
        // The issue: an estimated age of 0 became "01/07/2026 · 5 tháng".
        let x = b(date(2026, 7, 1), DobPrecision::Estimated);
        let today = date(2026, 12, 5);
        assert_eq!(x.text(), "khoảng năm 2026");
        assert_eq!(x.age_text(today), "dưới 1 tuổi");
        assert_eq!(
            x.window(today),
            (date(2026, 1, 1), today),
            "never after today"
        );
        let older = b(date(2023, 7, 1), DobPrecision::Estimated);
        assert_eq!(
            older.text_with_age(today),
            "khoảng năm 2023 · khoảng 3 tuổi"
        );
    }

    #[test]
    fn a_year_shows_only_the_year() {
        let x = b(date(2024, 7, 1), DobPrecision::Year);
        assert_eq!(x.text(), "năm 2024");
        assert_eq!(x.age_text(date(2026, 12, 5)), "khoảng 2 tuổi");
        assert_eq!(
            x.window(date(2026, 12, 5)),
            (date(2024, 1, 1), date(2024, 12, 31))
        );
    }

    #[test]
    fn an_exact_day_is_shown_exactly() {
        let x = b(date(2026, 11, 14), DobPrecision::Day);
        let today = date(2026, 12, 5);
        assert_eq!(x.text(), "14/11/2026");
        assert_eq!(x.age_text(today), "3 tuần tuổi");
        assert_eq!(x.age_text(date(2026, 11, 20)), "6 ngày tuổi");
        assert_eq!(x.age_text(date(2027, 6, 20)), "7 tháng tuổi");
        assert_eq!(x.age_text(date(2029, 11, 14)), "3 tuổi");
        assert_eq!(x.age_text(date(2026, 11, 1)), "", "not born yet");
        assert_eq!(x.window(today), (x.date, x.date));
        assert!(x.is_exact());
    }

    #[test]
    fn the_text_forms_parse() {
        let x = BirthDate::parse(Some("2026-11-01"), Some("month")).unwrap();
        assert_eq!(x.precision, DobPrecision::Month);
        assert!(BirthDate::parse(Some("11/2026"), Some("month")).is_none());
        assert!(BirthDate::parse(None, Some("day")).is_none());
        let unknown = BirthDate::parse(Some("2020-07-01"), None).unwrap();
        assert_eq!(
            unknown.text(),
            "khoảng năm 2020",
            "an unknown precision is no day"
        );
        assert_eq!(text_or_unknown(None), "không rõ");
    }
}
