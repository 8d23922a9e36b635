//! The working-day calendar (lịch ngày làm việc) that case deadlines are counted on.
//!
//! Holidays are data: `crates/domain/data/holidays.toml` (format documented in the file) is
//! embedded as [`WorkingCalendar::default`]; a deployment may load its own copy with
//! [`WorkingCalendar::from_toml`], and the officer may add days off in its `[[extra]]` list (or
//! with [`WorkingCalendar::add_extra`]).
//!
//! Rules:
//! * a **working day** is a Monday–Friday that is not a holiday, or a Saturday/Sunday listed as a
//!   make-up day (ngày làm bù, `[[working_days]]`);
//! * a **holiday** is a `[[recurring]]` solar day (01/01, 30/4, 01/5, 02/9), or a day in a
//!   `[[holidays]]` or `[[extra]]` entry;
//! * **counting** ([`WorkingCalendar::add_working_days`]): the starting day is day 0 and is never
//!   counted, whether or not it is a working day; day 1 is the first working day after it. So
//!   "trong thời hạn 05 ngày làm việc" from an intake on Friday ends on the following Friday
//!   when no holiday intervenes. This follows Bộ luật Dân sự 2015, Điều 147 khoản 2 (a period in
//!   days starts on the day after the event).
use jiff::civil::{Date, Weekday};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// The calendar shipped with treem.
pub const EMBEDDED: &str = include_str!("../../data/holidays.toml");

/// The only format version this code reads.
pub const FORMAT_VERSION: u32 = 1;

/// Where a day off comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayOrigin {
    /// `[[recurring]]`: every year.
    Recurring,
    /// `[[holidays]]`: decreed for that year.
    Decreed,
    /// `[[extra]]` or [`WorkingCalendar::add_extra`]: added by the officer.
    Extra,
}

/// One day off (or, in [`WorkingCalendar::make_up_days`], one weekend day worked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
    /// Checked against the government's announcement. False for UNVERIFIED entries and for the
    /// officer's own; recurring days are fixed by law and count as verified.
    pub verified: bool,
    pub source: Option<String>,
    pub origin: HolidayOrigin,
}

/// The solar dates of mùng 1 Tết and Giỗ Tổ Hùng Vương for one lunar year (reference data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarYear {
    pub year: i16,
    pub tet: Date,
    pub hung_kings: Date,
}

/// Weekends, holidays and make-up days; see the module documentation for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    first_year: i16,
    last_year: i16,
    recurring: Vec<(i8, i8, String)>,
    days_off: BTreeMap<Date, Holiday>,
    make_up: BTreeMap<Date, Holiday>,
    lunar: Vec<LunarYear>,
}

/// A calendar file that cannot be used. Messages are in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("tệp lịch nghỉ sai cú pháp: {0}")]
    Syntax(String),
    #[error("tệp lịch nghỉ không hợp lệ: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// The embedded calendar, parsed once.
pub fn embedded() -> &'static WorkingCalendar {
    static CAL: std::sync::LazyLock<WorkingCalendar> =
        std::sync::LazyLock::new(WorkingCalendar::default);
    &CAL
}

impl Default for WorkingCalendar {
    /// The embedded `data/holidays.toml`.
    fn default() -> Self {
        WorkingCalendar::from_toml(EMBEDDED).expect("embedded holidays.toml is valid")
    }
}

impl WorkingCalendar {
    /// Parses and checks a calendar file (format in `data/holidays.toml`).
    pub fn from_toml(text: &str) -> Result<WorkingCalendar, CalendarError> {
        let raw: RawCalendar =
            toml::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        raw.build()
    }

    /// A calendar with weekends only (no holidays): for tests and as a fallback.
    pub fn weekends_only() -> WorkingCalendar {
        WorkingCalendar {
            first_year: 0,
            last_year: -1,
            recurring: Vec::new(),
            days_off: BTreeMap::new(),
            make_up: BTreeMap::new(),
            lunar: Vec::new(),
        }
    }

    /// Adds a day off (as the file's `[[extra]]` list does). Replaces nothing: a day already off
    /// stays off under its first name. A make-up day on that date stops being worked.
    pub fn add_extra(&mut self, date: Date, name: impl Into<String>) {
        self.make_up.remove(&date);
        self.days_off.entry(date).or_insert(Holiday {
            date,
            name: name.into(),
            verified: false,
            source: None,
            origin: HolidayOrigin::Extra,
        });
    }

    /// The holiday on `date`, if any (a weekend is not a holiday).
    pub fn holiday(&self, date: Date) -> Option<&str> {
        if let Some(h) = self.days_off.get(&date) {
            return Some(&h.name);
        }
        self.recurring
            .iter()
            .find(|(m, d, _)| *m == date.month() && *d == date.day())
            .map(|(_, _, n)| n.as_str())
    }

    /// Whether `date` is a working day (see the module documentation).
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.make_up.contains_key(&date) {
            return true;
        }
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return false;
        }
        self.holiday(date).is_none()
    }

    /// The `n`-th working day after `from`; `from` itself is day 0 and never counted, so
    /// `add_working_days(from, 0) == from`.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        let mut counted = 0;
        while counted < n {
            d = match d.tomorrow() {
                Ok(t) => t,
                Err(_) => return Date::MAX,
            };
            if self.is_working_day(d) {
                counted += 1;
            }
        }
        d
    }

    /// Working days in `(from, to]` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = match d.tomorrow() {
                Ok(t) => t,
                Err(_) => break,
            };
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// Whether the decreed holidays of `date`'s year are in the file. Outside these years only
    /// weekends and the recurring days are known: a deadline counted there may be too early.
    pub fn covers(&self, date: Date) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    /// The years whose decreed holidays are listed, first and last.
    pub fn years(&self) -> (i16, i16) {
        (self.first_year, self.last_year)
    }

    /// The decreed and added days off, in date order (recurring days are not expanded).
    pub fn days_off(&self) -> impl Iterator<Item = &Holiday> {
        self.days_off.values()
    }

    /// The weekend days that are worked, in date order.
    pub fn make_up_days(&self) -> impl Iterator<Item = &Holiday> {
        self.make_up.values()
    }

    /// Days off that are not verified against an announcement (to show as a warning).
    pub fn unverified(&self) -> impl Iterator<Item = &Holiday> {
        self.days_off
            .values()
            .chain(self.make_up.values())
            .filter(|h| !h.verified && h.origin == HolidayOrigin::Decreed)
    }

    /// Mùng 1 Tết and Giỗ Tổ for `year`, when the file lists them.
    pub fn lunar(&self, year: i16) -> Option<LunarYear> {
        self.lunar.iter().copied().find(|l| l.year == year)
    }
}

// ---- the file ----------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    format: u32,
    first_year: i16,
    last_year: i16,
    #[serde(default)]
    recurring: Vec<RawRecurring>,
    #[serde(default)]
    lunar: Vec<RawLunar>,
    #[serde(default)]
    holidays: Vec<RawDay>,
    #[serde(default)]
    working_days: Vec<RawDay>,
    #[serde(default)]
    extra: Vec<RawDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecurring {
    month: i8,
    day: i8,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLunar {
    year: i16,
    #[serde(deserialize_with = "de_date")]
    tet: Date,
    #[serde(deserialize_with = "de_date")]
    hung_kings: Date,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    #[serde(default, deserialize_with = "de_opt_date")]
    date: Option<Date>,
    #[serde(default, deserialize_with = "de_opt_date")]
    from: Option<Date>,
    #[serde(default, deserialize_with = "de_opt_date")]
    to: Option<Date>,
    name: String,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    source: Option<String>,
}

/// Longest span accepted in one entry (a Tết break is at most 9–10 days).
const MAX_SPAN_DAYS: i32 = 31;

impl RawDay {
    fn days(&self, list: &str, i: usize, problems: &mut Vec<String>) -> Vec<Date> {
        let at = format!("{list}[{}]", i + 1);
        if self.name.trim().is_empty() {
            problems.push(format!("{at}: thiếu tên ngày nghỉ (name)"));
        }
        match (self.date, self.from, self.to) {
            (Some(d), None, None) => vec![d],
            (None, Some(f), Some(t)) if f <= t => {
                let mut out = Vec::new();
                let mut d = f;
                while d <= t {
                    out.push(d);
                    if out.len() as i32 > MAX_SPAN_DAYS {
                        problems.push(format!("{at}: khoảng ngày dài quá {MAX_SPAN_DAYS} ngày"));
                        return Vec::new();
                    }
                    d = match d.tomorrow() {
                        Ok(n) => n,
                        Err(_) => break,
                    };
                }
                out
            }
            (None, Some(_), Some(_)) => {
                problems.push(format!("{at}: ngày bắt đầu (from) sau ngày kết thúc (to)"));
                Vec::new()
            }
            _ => {
                problems.push(format!(
                    "{at}: ghi một ngày (date) hoặc một khoảng (from và to), không ghi cả hai"
                ));
                Vec::new()
            }
        }
    }
}

impl RawCalendar {
    fn build(self) -> Result<WorkingCalendar, CalendarError> {
        let mut problems = Vec::new();
        if self.format != FORMAT_VERSION {
            problems.push(format!(
                "format = {} (chỉ đọc được format = {FORMAT_VERSION})",
                self.format
            ));
        }
        if self.first_year > self.last_year {
            problems.push("first_year lớn hơn last_year".to_string());
        }
        let mut recurring = Vec::new();
        for (i, r) in self.recurring.iter().enumerate() {
            // 2000 is a leap year: 29/02 is accepted.
            if Date::new(2000, r.month, r.day).is_err() {
                problems.push(format!(
                    "recurring[{}]: ngày {}/{} không có thật",
                    i + 1,
                    r.day,
                    r.month
                ));
            } else if r.name.trim().is_empty() {
                problems.push(format!("recurring[{}]: thiếu tên (name)", i + 1));
            } else {
                recurring.push((r.month, r.day, r.name.trim().to_string()));
            }
        }
        let lunar = self
            .lunar
            .iter()
            .map(|l| LunarYear {
                year: l.year,
                tet: l.tet,
                hung_kings: l.hung_kings,
            })
            .collect();

        let mut days_off = BTreeMap::new();
        let lists = [
            ("holidays", &self.holidays, HolidayOrigin::Decreed),
            ("extra", &self.extra, HolidayOrigin::Extra),
        ];
        for (list, entries, origin) in lists {
            for (i, e) in entries.iter().enumerate() {
                for date in e.days(list, i, &mut problems) {
                    days_off.entry(date).or_insert_with(|| Holiday {
                        date,
                        name: e.name.trim().to_string(),
                        verified: e.verified && origin == HolidayOrigin::Decreed,
                        source: e.source.clone(),
                        origin,
                    });
                }
            }
        }
        let mut make_up = BTreeMap::new();
        for (i, e) in self.working_days.iter().enumerate() {
            for date in e.days("working_days", i, &mut problems) {
                if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
                    problems.push(format!(
                        "working_days[{}]: {date} không phải thứ Bảy hay Chủ nhật",
                        i + 1
                    ));
                    continue;
                }
                if days_off.contains_key(&date) {
                    problems.push(format!(
                        "working_days[{}]: {date} vừa là ngày nghỉ vừa là ngày làm bù",
                        i + 1
                    ));
                    continue;
                }
                make_up.insert(
                    date,
                    Holiday {
                        date,
                        name: e.name.trim().to_string(),
                        verified: e.verified,
                        source: e.source.clone(),
                        origin: HolidayOrigin::Decreed,
                    },
                );
            }
        }
        if !problems.is_empty() {
            return Err(CalendarError::Invalid(problems));
        }
        Ok(WorkingCalendar {
            first_year: self.first_year,
            last_year: self.last_year,
            recurring,
            days_off,
            make_up,
            lunar,
        })
    }
}

/// `YYYY-MM-DD` or `dd/mm/yyyy`.
fn parse_day(s: &str) -> Option<Date> {
    crate::date::Grammar::PLAN.read(s)
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("một ngày dạng 2026-02-17 hoặc \"17/02/2026\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        parse_day(v).ok_or_else(|| E::custom(format!("ngày không hợp lệ: {v:?}")))
    }

    // toml hands a native date over as a one-entry map {"$__toml_private_datetime": "..."}.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        let Some((_, v)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("thiếu ngày"));
        };
        parse_day(&v).ok_or_else(|| {
            de::Error::custom(format!("chỉ ghi ngày (không ghi giờ), nhận được {v}"))
        })
    }
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    d.deserialize_any(DateVisitor)
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    d.deserialize_any(DateVisitor).map(Some)
}
