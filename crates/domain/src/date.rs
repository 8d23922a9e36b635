//! Dates as people write them: the one grammar (ISO `2026-06-01`, or day first `01/06/2026`),
//! the years a typed date may have, the way every screen shows a date (`dd/mm/yyyy`), and a
//! period of dates. Two writers use the grammar: what a person types or a file brings
//! ([`Grammar::TYPED`], read by [`crate::validation::parse_date`]) and a plan file
//! ([`Grammar::PLAN`], read by [`crate::plan::parse_date`]).
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// How a date may be written: ISO (year, month, day with `-`) or day first (day, month, year
/// apart by one of `separators`, the year in four digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grammar {
    /// What stands between day, month and year when the day comes first.
    pub separators: &'static [char],
    /// ISO only as exactly `YYYY-MM-DD`; otherwise whatever else jiff reads as a date too
    /// (but never a signed year: "-0012120212" is no date anyone means).
    pub strict_iso: bool,
    /// The year of a day-first date is exactly four digits; otherwise any number that makes a
    /// year of four digits (`02019`).
    pub four_digit_year: bool,
    /// The years a date may have at all: outside them it is no date (a typed date also has
    /// [`DATE_YEARS`], which gets its own message).
    pub years: Option<RangeInclusive<i16>>,
}

impl Grammar {
    /// What a person types or a file brings: `01/06/2026`, `1-6-2026`, `01.06.2026` or ISO.
    pub const TYPED: Grammar = Grammar {
        separators: &['/', '-', '.'],
        strict_iso: false,
        four_digit_year: false,
        years: Some(1000..=9999),
    };

    /// A plan file's dates: `2026-06-01` or `01/06/2026` (also `1/6/2026`).
    pub const PLAN: Grammar = Grammar {
        separators: &['/'],
        strict_iso: true,
        four_digit_year: true,
        years: None,
    };

    /// The date `s` stands for in this grammar, if any.
    pub fn read(&self, s: &str) -> Option<Date> {
        let s = s.trim();
        let date = if self.strict_iso {
            if s.len() == 10 && s.as_bytes()[4] == b'-' {
                // Exactly YYYY-MM-DD: jiff would also accept a datetime and drop the time.
                return s.parse::<Date>().ok();
            }
            self.day_first(s)?
        } else {
            match s.parse::<Date>() {
                Ok(d) if !s.starts_with(['+', '-']) => d,
                Ok(_) => return None,
                Err(_) => self.day_first(s)?,
            }
        };
        match &self.years {
            Some(years) => years.contains(&date.year()).then_some(date),
            None => Some(date),
        }
    }

    /// The parts of a date written with this grammar's separators (`"5/6/17"` → 5, 6, 17).
    pub fn parts<'s>(&self, s: &'s str) -> Vec<&'s str> {
        s.split(self.separators).collect()
    }

    fn day_first(&self, s: &str) -> Option<Date> {
        let parts = self.parts(s);
        let [d, m, y] = parts[..] else {
            return None;
        };
        if self.four_digit_year && y.len() != 4 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    }
}

/// Years of any date a person types or sends (birth, event, period, case step). The register
/// follows children born within 25 years, and nothing is recorded ahead of today; 1900–2100
/// only keeps typing slips (01/01/0001, 31/12/9999) out of the records and out of date
/// arithmetic.
pub const DATE_YEARS: RangeInclusive<i16> = 1900..=2100;

/// A date typed or sent by a person lies within [`DATE_YEARS`].
pub fn date_in_range(d: Date) -> bool {
    DATE_YEARS.contains(&d.year())
}

/// "năm phải từ 1900 đến 2100": the message for a date outside [`DATE_YEARS`].
pub fn date_out_of_range(d: Date) -> String {
    format!(
        "ngày {d} ngoài khoảng cho phép: năm phải từ {} đến {}",
        DATE_YEARS.start(),
        DATE_YEARS.end()
    )
}

/// `dd/mm/yyyy`, the way every screen and message shows a date.
pub fn format_vi(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// A reporting period (kỳ báo cáo), both ends included, e.g. 01/01/2026–30/06/2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    pub fn new(start: Date, end: Date) -> Period {
        Period { start, end }
    }

    /// Whether `d` falls in the period (both ends included).
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn both_grammars_read_iso_and_day_first() {
        for g in [Grammar::TYPED, Grammar::PLAN] {
            assert_eq!(g.read("2026-06-01"), Some(date(2026, 6, 1)));
            assert_eq!(g.read(" 01/06/2026 "), Some(date(2026, 6, 1)));
            assert_eq!(g.read("1/6/2026"), Some(date(2026, 6, 1)));
            assert_eq!(g.read("31/02/2026"), None);
            assert_eq!(g.read("01/06/26"), None);
        }
    }

    #[test]
    fn a_typed_date_may_use_dashes_and_dots_a_plan_date_only_slashes() {
        assert_eq!(Grammar::TYPED.read("01-06-2026"), Some(date(2026, 6, 1)));
        assert_eq!(Grammar::TYPED.read("01.06.2026"), Some(date(2026, 6, 1)));
        assert_eq!(Grammar::PLAN.read("01-06-2026"), None);
        assert_eq!(Grammar::PLAN.read("01.06.2026"), None);
        // A signed year is no date anyone means.
        assert_eq!(Grammar::TYPED.read("-0012120212"), None);
        // Years of one to three digits are no date either.
        assert_eq!(Grammar::TYPED.read("01/06/0999"), None);
        assert_eq!(Grammar::PLAN.read("01/06/02026"), None);
        assert_eq!(Grammar::TYPED.read("01/06/02026"), Some(date(2026, 6, 1)));
    }

    #[test]
    fn dates_show_day_first_and_periods_hold_both_ends() {
        assert_eq!(format_vi(date(2026, 6, 1)), "01/06/2026");
        let p = Period::new(date(2026, 1, 1), date(2026, 6, 30));
        assert!(p.contains(date(2026, 1, 1)) && p.contains(date(2026, 6, 30)));
        assert!(!p.contains(date(2026, 7, 1)));
        assert!(date_in_range(date(2100, 12, 31)) && !date_in_range(date(2101, 1, 1)));
    }
}
