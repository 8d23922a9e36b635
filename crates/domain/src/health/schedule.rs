//! Lịch tiêm chủng mở rộng (Expanded Programme on Immunization) as data.
//!
//! The schedule ships as `crates/domain/data/epi-schedule.toml` (format documented in the
//! file) and is embedded: [`Schedule::default`]. A deployment may load its own with
//! [`Schedule::from_toml`] and put it in [`crate::indicator::Settings::epi_schedule`].
//!
//! Rules, for one child with birth date `dob`:
//! * a dose is **given** when a vaccination with its vaccine code and dose number is dated on or
//!   after `dob` (and on or before the date asked about); of several, the earliest counts;
//! * a dose's **prerequisite** is its `after` dose, else the previous dose of the same vaccine;
//!   a dose whose prerequisite is not given is not due yet (it waits for it);
//! * a dose's **due date** is the day the child reaches its `age`, or, when later, the day its
//!   prerequisite was given plus `interval`;
//! * a due dose is **overdue** more than `overdue_after_days` days after its due date;
//! * a dose with `catch_up = false` (the hepatitis B birth dose) can no longer be given once the
//!   child reaches its `on_time_until` age: it leaves the due list and counts as missed.
use jiff::civil::Date;
use jiff::Span;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// The schedule shipped with treem.
pub const EMBEDDED: &str = include_str!("../../data/epi-schedule.toml");

/// The only format version this code reads.
pub const FORMAT_VERSION: u32 = 1;

/// An age: whole days ("0d", "28d"), months ("2m", "18m") or years ("1y" = "12m").
///
/// The day a child reaches an age in months is the same day of the month that many months after
/// the birth date; when that month is shorter, the first of the following month (so "12m" is
/// reached on the first birthday as [`crate::register::ChildData::age_on`] counts it: a child
/// born on 29 February is 1 on 1 March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Age {
    Days(u32),
    Months(u32),
}

impl Age {
    /// Parses "28d", "9m", "1y" (spaces ignored). At most 100 years.
    pub fn parse(s: &str) -> Option<Age> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let unit = s.chars().last()?;
        let n: u32 = s[..s.len() - unit.len_utf8()].parse().ok()?;
        let age = match unit {
            'd' => Age::Days(n),
            'm' => Age::Months(n),
            'y' => Age::Months(n.checked_mul(12)?),
            _ => return None,
        };
        let ok = match age {
            Age::Days(d) => d <= 36_600,
            Age::Months(m) => m <= 1_200,
        };
        ok.then_some(age)
    }

    /// The day a child born on `dob` reaches this age.
    pub fn reached_on(self, dob: Date) -> Date {
        match self {
            Age::Days(n) => dob
                .checked_add(Span::new().days(i64::from(n)))
                .unwrap_or(Date::MAX),
            Age::Months(n) => {
                let total = i64::from(dob.year()) * 12 + i64::from(dob.month() - 1) + i64::from(n);
                let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
                let Ok(y) = i16::try_from(y) else {
                    return Date::MAX;
                };
                Date::new(y, m as i8, dob.day())
                    .or_else(|_| match m {
                        12 => Date::new(y.saturating_add(1), 1, 1),
                        _ => Date::new(y, m as i8 + 1, 1),
                    })
                    .unwrap_or(Date::MAX)
            }
        }
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Age::Days(n) => write!(f, "{n}d"),
            Age::Months(n) => write!(f, "{n}m"),
        }
    }
}

impl TryFrom<String> for Age {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Age::parse(&s).ok_or_else(|| {
            format!("tuổi không hợp lệ: «{s}» (viết số ngày, tháng hoặc năm: 28d, 9m, 1y)")
        })
    }
}

impl From<Age> for String {
    fn from(a: Age) -> String {
        a.to_string()
    }
}

/// A dose of a vaccine, written "OPV 3" in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DoseRef {
    pub vaccine: String,
    pub dose: u8,
}

impl DoseRef {
    pub fn new(vaccine: &str, dose: u8) -> DoseRef {
        DoseRef {
            vaccine: vaccine.to_string(),
            dose,
        }
    }

    /// Parses "OPV 3".
    pub fn parse(s: &str) -> Option<DoseRef> {
        let (v, d) = s.trim().rsplit_once(char::is_whitespace)?;
        let v = v.trim();
        (!v.is_empty()).then_some(())?;
        Some(DoseRef::new(v, d.parse().ok()?))
    }
}

impl fmt::Display for DoseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.vaccine, self.dose)
    }
}

impl TryFrom<String> for DoseRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DoseRef::parse(&s).ok_or_else(|| {
            format!("mũi tiêm không hợp lệ: «{s}» (viết mã vắc xin và số mũi: OPV 3)")
        })
    }
}

impl From<DoseRef> for String {
    fn from(d: DoseRef) -> String {
        d.to_string()
    }
}

fn yes() -> bool {
    true
}

/// One dose of a vaccine in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dose {
    /// Mũi thứ (1–5).
    pub dose: u8,
    /// Recommended age (tuổi tiêm).
    pub age: Age,
    /// The dose that must be given first, when not the previous dose of the same vaccine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<DoseRef>,
    /// Minimum time after the prerequisite dose (khoảng cách tối thiểu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Age>,
    /// The dose counts as on time for the fully-immunised rule only when given before the child
    /// reaches this age; absent: the rule's `before` age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time_until: Option<Age>,
    /// False: the dose cannot be caught up once `on_time_until` has passed.
    #[serde(default = "yes")]
    pub catch_up: bool,
}

/// A vaccine of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vaccine {
    /// Mã vắc xin, used by [`Vaccination::vaccine`].
    pub code: String,
    /// Tên tiếng Việt.
    pub name: String,
    /// Tên ngắn, as lists and records print it ("Tiêm 5 trong 1 (DPT-VGB-Hib) mũi 2").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// Bệnh phòng được.
    #[serde(default)]
    pub diseases: Vec<String>,
    pub doses: Vec<Dose>,
}

impl Vaccine {
    /// The name lists print: the short name, or the full one.
    pub fn short_name(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.name)
    }

    pub fn dose(&self, n: u8) -> Option<&Dose> {
        self.doses.iter().find(|d| d.dose == n)
    }
}

/// A list of doses that makes a child "fully immunised" (tiêm chủng đầy đủ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Tên, as reports print it.
    pub name: String,
    /// Every dose must be given before this age (the under-1 rule: "12m", the first birthday);
    /// absent for the under-5 rule (complete for the age reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Age>,
    pub doses: Vec<DoseRef>,
    /// The diseases the rule covers, with the vaccines covering each, as pages print them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diseases: Vec<Disease>,
}

/// A disease a rule covers ("12 loại": the 12 diseases), and the vaccines of the rule that
/// protect against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disease {
    /// Tên bệnh.
    pub name: String,
    /// Vaccine codes; empty for a disease the rule does not count (then `note` says why).
    #[serde(default)]
    pub vaccines: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Rule {
    /// "lao (Lao (BCG)); bạch hầu (…); …; tả: chỉ tiêm ở vùng có nguy cơ …", the vaccines by
    /// their Vietnamese names in `s`.
    pub fn diseases_vi(&self, s: &Schedule) -> String {
        self.diseases
            .iter()
            .map(|d| {
                let names: Vec<&str> = d
                    .vaccines
                    .iter()
                    .map(|c| s.vaccine(c).map_or(c.as_str(), |v| v.name.as_str()))
                    .collect();
                match (&d.note, names.is_empty()) {
                    (Some(n), true) => format!("{}: {n}", d.name),
                    (Some(n), false) => format!("{} ({}; {n})", d.name, names.join(", ")),
                    (None, _) => format!("{} ({})", d.name, names.join(", ")),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// "Lao (BCG) mũi 1, Bại liệt uống (OPV) mũi 1, …", the doses by the vaccines' names in `s`.
    pub fn doses_vi(&self, s: &Schedule) -> String {
        self.doses
            .iter()
            .map(|d| format!("{} mũi {}", s.vaccine_name(&d.vaccine), d.dose))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A vaccine code in words (tên vắc xin) by the embedded schedule: the one mapping pages,
/// print and documents use ("DPT_VGB_HIB" → "5 trong 1 (DPT-VGB-Hib)").
pub fn vaccine_name(code: &str) -> String {
    Schedule::embedded().vaccine_name(code).to_string()
}

/// A dose due for a child ([`Schedule::due_list`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// Mã vắc xin.
    pub vaccine: String,
    /// Mũi thứ.
    pub dose: u8,
    /// Ngày đến hạn tiêm.
    pub due_on: Date,
    /// Quá hạn: more than `overdue_after_days` after `due_on`.
    pub overdue: bool,
}

/// A dose due for a child whose birth date is known only as a window of days
/// ([`crate::birth_date::BirthDate::window`]), from [`Compiled::due_list_around`]: due some day
/// from `from` to `to` (the same day when the birth date is exact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueAround {
    /// Mã vắc xin.
    pub vaccine: String,
    /// Mũi thứ.
    pub dose: u8,
    /// Due on this day if the child was born on the window's first day.
    pub from: Date,
    /// Due on this day if the child was born on the window's last day.
    pub to: Date,
    /// Quá hạn for every birth day the window allows (so for its last day): never claimed from
    /// a day the register does not know.
    pub overdue: bool,
}

impl DueAround {
    /// The due date as the lists print it: `14/11/2026` when known to the day, else
    /// `khoảng 11/2026` or `khoảng 11/2026–01/2027`.
    pub fn due_text(&self) -> String {
        let my = |d: Date| format!("{:02}/{}", d.month(), d.year());
        if self.from == self.to {
            crate::date::format_vi(self.from)
        } else if my(self.from) == my(self.to) {
            format!("khoảng {}", my(self.from))
        } else {
            format!("khoảng {}–{}", my(self.from), my(self.to))
        }
    }

    /// "Lao (BCG) mũi 1 (khoảng 11/2026, quá hạn)", the vaccine by its name in the embedded
    /// schedule ([`vaccine_name`]).
    pub fn text(&self) -> String {
        format!(
            "{} mũi {} ({}{})",
            vaccine_name(&self.vaccine),
            self.dose,
            self.due_text(),
            if self.overdue { ", quá hạn" } else { "" }
        )
    }
}

/// The immunization schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Always [`FORMAT_VERSION`].
    pub format: u32,
    /// A due dose becomes overdue (quá hạn) this many days after its due date.
    pub overdue_after_days: u32,
    /// No dose is listed as due once the child reaches this age (out of the programme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up_until: Option<Age>,
    pub vaccines: Vec<Vaccine>,
    /// The hepatitis B birth dose (viêm gan B sơ sinh trong 24 giờ): its coverage is a figure
    /// of its own ([`crate::indicator::RegisterIndicator::HepBBirthDose`]), not part of target
    /// 9's rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_dose: Option<DoseRef>,
    /// Target 9: "tiêm chủng đầy đủ 8 loại vắc xin" for under-1s.
    pub fully_immunised_under1: Rule,
    /// Target 10: "tiêm chủng đầy đủ các loại vắc xin (12 loại)" for under-5s, for their age.
    pub complete_under5: Rule,
}

/// Why a schedule file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("tệp lịch tiêm chủng không đọc được (TOML): {0}")]
    Syntax(String),
    #[error("lịch tiêm chủng không hợp lệ: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl Default for Schedule {
    /// The embedded `data/epi-schedule.toml`.
    fn default() -> Self {
        Schedule::embedded().clone()
    }
}

impl Schedule {
    /// The embedded schedule, parsed once.
    pub fn embedded() -> &'static Schedule {
        static S: OnceLock<Schedule> = OnceLock::new();
        S.get_or_init(|| Schedule::from_toml(EMBEDDED).expect("data/epi-schedule.toml is valid"))
    }

    /// Parses and checks a schedule file.
    pub fn from_toml(text: &str) -> Result<Schedule, ScheduleError> {
        let s: Schedule = toml::from_str(text).map_err(|e| ScheduleError::Syntax(e.to_string()))?;
        let problems = s.problems();
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(ScheduleError::Invalid(problems))
        }
    }

    /// What is wrong with the schedule (empty when usable).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.format != FORMAT_VERSION {
            out.push(format!(
                "format = {} không được hỗ trợ (chỉ đọc format = {FORMAT_VERSION})",
                self.format
            ));
        }
        if self.vaccines.is_empty() {
            out.push("chưa có vắc xin nào (`[[vaccines]]`)".into());
        }
        for (i, v) in self.vaccines.iter().enumerate() {
            if v.code.trim().is_empty() || v.code.trim() != v.code || v.code.contains(' ') {
                out.push(format!(
                    "vắc xin thứ {}: mã «{}» không hợp lệ",
                    i + 1,
                    v.code
                ));
            }
            if self.vaccines[..i].iter().any(|w| w.code == v.code) {
                out.push(format!("mã vắc xin «{}» bị trùng", v.code));
            }
            if v.name.trim().is_empty() {
                out.push(format!("vắc xin {}: chưa có tên", v.code));
            }
            if v.doses.is_empty() {
                out.push(format!("vắc xin {}: chưa có mũi tiêm nào", v.code));
            }
            for (j, d) in v.doses.iter().enumerate() {
                if !(1..=5).contains(&d.dose) {
                    out.push(format!("{} {}: số mũi phải từ 1 đến 5", v.code, d.dose));
                }
                if j > 0 && d.dose <= v.doses[j - 1].dose {
                    out.push(format!(
                        "vắc xin {}: các mũi phải theo thứ tự tăng dần, không trùng",
                        v.code
                    ));
                }
                if let Some(a) = &d.after {
                    if a.vaccine == v.code && a.dose == d.dose {
                        out.push(format!("{} {}: `after` chỉ đến chính nó", v.code, d.dose));
                    } else if self.find(a).is_none() {
                        out.push(format!("{} {}: `after` = «{a}» không có", v.code, d.dose));
                    }
                } else if j == 0 && d.interval.is_some() {
                    out.push(format!(
                        "{} {}: có `interval` nhưng không có mũi trước (`after`)",
                        v.code, d.dose
                    ));
                }
                if !d.catch_up && d.on_time_until.is_none() {
                    out.push(format!(
                        "{} {}: `catch_up = false` cần `on_time_until`",
                        v.code, d.dose
                    ));
                }
            }
        }
        if out.is_empty() {
            // Prerequisite chains must end: follow each for at most as many steps as there are
            // doses.
            let n: usize = self.vaccines.iter().map(|v| v.doses.len()).sum();
            for (vi, v) in self.vaccines.iter().enumerate() {
                for di in 0..v.doses.len() {
                    let mut at = Some((vi, di));
                    let mut steps = 0;
                    while let Some(p) = at {
                        at = self.prerequisite(p);
                        steps += 1;
                        if steps > n {
                            out.push(format!(
                                "{} {}: các mũi `after` tạo thành vòng",
                                v.code, v.doses[di].dose
                            ));
                            break;
                        }
                    }
                }
            }
        }
        for (key, rule) in [
            ("fully_immunised_under1", &self.fully_immunised_under1),
            ("complete_under5", &self.complete_under5),
        ] {
            if rule.doses.is_empty() {
                out.push(format!("[{key}]: chưa có mũi nào"));
            }
            for (i, r) in rule.doses.iter().enumerate() {
                if self.find(r).is_none() {
                    out.push(format!("[{key}]: mũi «{r}» không có trong lịch"));
                }
                if rule.doses[..i].contains(r) {
                    out.push(format!("[{key}]: mũi «{r}» bị trùng"));
                }
            }
        }
        if let Some(b) = &self.birth_dose {
            match self.dose(b) {
                None => out.push(format!("`birth_dose` = «{b}» không có trong lịch")),
                Some(d) if d.on_time_until.is_none() => out.push(format!(
                    "`birth_dose` = «{b}»: cần `on_time_until` (ví dụ \"2d\")"
                )),
                Some(_) => {}
            }
        }
        for (key, rule) in [
            ("fully_immunised_under1", &self.fully_immunised_under1),
            ("complete_under5", &self.complete_under5),
        ] {
            for d in &rule.diseases {
                if d.name.trim().is_empty() {
                    out.push(format!("[{key}]: một bệnh chưa có tên"));
                }
                for c in &d.vaccines {
                    if self.vaccine(c).is_none() {
                        out.push(format!("[{key}] bệnh {}: vắc xin «{c}» không có", d.name));
                    } else if !rule.doses.iter().any(|r| &r.vaccine == c) {
                        out.push(format!(
                            "[{key}] bệnh {}: vắc xin «{c}» không có mũi nào trong quy tắc",
                            d.name
                        ));
                    }
                }
                if d.vaccines.is_empty() && d.note.is_none() {
                    out.push(format!(
                        "[{key}] bệnh {}: không có vắc xin thì cần `note` nói vì sao",
                        d.name
                    ));
                }
            }
        }
        if self.fully_immunised_under1.before.is_none() {
            out.push("[fully_immunised_under1]: cần `before` (ví dụ \"12m\")".into());
        }
        out
    }

    /// The vaccine with this code.
    /// A vaccine's name as pages and print show it ([`Vaccine::short_name`]); an unknown code
    /// as it is (a record from an older schedule).
    pub fn vaccine_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.vaccine(code).map_or(code, Vaccine::short_name)
    }

    pub fn vaccine(&self, code: &str) -> Option<&Vaccine> {
        self.vaccines.iter().find(|v| v.code == code)
    }

    /// The dose a reference names.
    pub fn dose(&self, r: &DoseRef) -> Option<&Dose> {
        self.vaccine(&r.vaccine)?.dose(r.dose)
    }

    pub(super) fn find(&self, r: &DoseRef) -> Option<(usize, usize)> {
        let vi = self.vaccines.iter().position(|v| v.code == r.vaccine)?;
        let di = self.vaccines[vi]
            .doses
            .iter()
            .position(|d| d.dose == r.dose)?;
        Some((vi, di))
    }

    pub(super) fn prerequisite(&self, (vi, di): (usize, usize)) -> Option<(usize, usize)> {
        match &self.vaccines[vi].doses[di].after {
            Some(a) => self.find(a),
            None => di.checked_sub(1).map(|p| (vi, p)),
        }
    }
}
