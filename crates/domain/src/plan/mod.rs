//! The yearly plan (kế hoạch thực hiện công tác bảo vệ trẻ em) as data.
//!
//! A plan is a TOML file (format: `docs/plan-format.md`; Sính Phình 2026 ships as
//! `plans/sinh-phinh-2026.toml`). [`Plan::from_toml`] parses and validates it, [`Plan::to_toml`]
//! writes it back, [`Plan::next_year`] drafts the following year's plan, and [`check::check`]
//! lists what an officer should settle before adopting it (targets with no owner, gaps in the
//! numbering, two figures in one target, report deadlines before the period ends, …).
//!
//! Pure: the caller reads the file and passes the text.

pub mod check;
mod dates;
mod duties;
mod periods;
mod read;
mod validate;

#[cfg(test)]
mod tests;

use crate::role::Role;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::date::format_vi as format_date_vi;
pub use crate::text::format_number_vi;
pub use dates::parse_date;
pub use periods::{ConfirmedPeriod, PeriodNotConfirmed, ReportPeriod};
pub use read::{read_all, Reading};
pub use validate::{Place, Problem};

/// The only format version this code reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A yearly plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Format version of the file; always [`FORMAT_VERSION`].
    pub format: u32,
    /// Xã, e.g. "Sính Phình".
    pub commune: String,
    /// Tỉnh, e.g. "Điện Biên".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Plan year (năm kế hoạch).
    pub year: i16,
    /// `draft` (dự thảo) or `issued` (đã ban hành).
    pub status: PlanStatus,
    /// Trích yếu, as printed.
    pub title: String,
    /// The document itself: number, date, signer.
    #[serde(default)]
    pub document: Document,
    /// Căn cứ: documents the plan implements, as printed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
    /// Mục tiêu chung (I.1), as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_objective: Option<String>,
    /// Agencies (cơ quan, đơn vị) named in the plan; targets and activities refer to their codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<Agency>,
    /// Mục tiêu 1..n (I.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// Chỉ tiêu, numbered as in the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// Các hoạt động (II).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Chế độ thông tin, báo cáo (VI).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<Report>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Dự thảo.
    Draft,
    /// Đã ban hành (signed).
    Issued,
}

/// The document's identity. Unknown parts (the seed's blank number and day) are absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Số, e.g. "125" in "Số: 125/KH-UBND". Absent when the document leaves it blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Ký hiệu, e.g. "KH-UBND".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Ngày ban hành. Absent when the day is blank.
    #[serde(
        default,
        with = "dates::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
    /// The date line as printed, when it cannot be a date ("ngày    tháng 5 năm 2026").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_as_printed: Option<String>,
    /// Cơ quan ban hành, e.g. "UBND xã Sính Phình".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Người ký.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Chức vụ người ký, e.g. "KT. Chủ tịch - Phó Chủ tịch".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_title: Option<String>,
}

impl Document {
    /// "125/KH-UBND", or "…/KH-UBND" when the number is blank.
    pub fn reference(&self) -> String {
        let n = self.number.as_deref().unwrap_or("…");
        match &self.symbol {
            Some(s) => format!("{n}/{s}"),
            None => n.to_string(),
        }
    }
}

/// An agency (cơ quan, đơn vị) the plan gives duties to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Short code used by targets and activities: `officer`, `health`, …
    pub code: String,
    /// Vietnamese name as printed.
    pub name: String,
    /// The treem role whose users act for this agency; absent when no role fits (Phòng Kinh tế,
    /// the Front).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Where the plan names it, e.g. "V.1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// Mục tiêu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub number: u16,
    /// Vietnamese title, as printed ("Về bảo vệ trẻ em").
    pub title: String,
}

/// How a figure is compared with the target value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// Đạt (ít nhất): figure ≥ value.
    AtLeast,
    /// Đạt trên: figure > value.
    Above,
    /// Giảm xuống / xuống còn / không quá / ≤: figure ≤ value.
    AtMost,
    /// Xuống dưới: figure < value.
    Below,
    /// Duy trì (a level already reached): figure ≥ value.
    KeepAt,
    /// Giảm x% so với năm trước: figure ≤ baseline × (1 − value/100).
    ReduceByPercent,
    /// No figure: the target is met or not (1 = đạt, 0 = chưa đạt).
    Qualitative,
}

impl Comparator {
    /// Vietnamese word(s) for the comparison.
    pub fn label_vi(self) -> &'static str {
        match self {
            Comparator::AtLeast => "đạt ít nhất",
            Comparator::Above => "đạt trên",
            Comparator::AtMost => "không quá",
            Comparator::Below => "dưới",
            Comparator::KeepAt => "duy trì",
            Comparator::ReduceByPercent => "giảm so với năm trước",
            Comparator::Qualitative => "định tính",
        }
    }

    /// Whether a figure meets `value`; `baseline` is used only by `ReduceByPercent`.
    pub fn evaluate(self, figure: f64, value: Option<f64>, baseline: Option<f64>) -> Status {
        const EPS: f64 = 1e-9;
        if !figure.is_finite() {
            return Status::Undetermined;
        }
        let met = |b: bool| if b { Status::Met } else { Status::NotMet };
        if self == Comparator::Qualitative {
            return met(figure >= 1.0 - EPS);
        }
        let Some(v) = value else {
            return Status::Undetermined;
        };
        let tol = EPS * v.abs().max(1.0);
        match self {
            Comparator::AtLeast | Comparator::KeepAt => met(figure >= v - tol),
            Comparator::Above => met(figure > v + tol),
            Comparator::AtMost => met(figure <= v + tol),
            Comparator::Below => met(figure < v - tol),
            Comparator::ReduceByPercent => match baseline {
                Some(b) if b.is_finite() => {
                    let limit = b * (1.0 - v / 100.0);
                    met(figure <= limit + EPS * limit.abs().max(1.0))
                }
                _ => Status::Undetermined,
            },
            Comparator::Qualitative => unreachable!(),
        }
    }

    /// True for comparators that aim the figure down.
    pub fn lowers(self) -> bool {
        matches!(
            self,
            Comparator::AtMost | Comparator::Below | Comparator::ReduceByPercent
        )
    }
}

/// Unit of the measured figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// %, numerator / denominator × 100.
    #[serde(rename = "percent")]
    Percent,
    /// ‰, × 1.000 (mortality per 1.000 live births).
    #[serde(rename = "per_mille")]
    PerMille,
    /// per 100.000 (injury rates).
    #[serde(rename = "per_100000")]
    Per100000,
    /// A plain count (cases, events).
    #[serde(rename = "count")]
    Count,
}

impl Unit {
    /// Multiplier of a rate (100, 1.000, 100.000); `None` for counts.
    pub fn scale(self) -> Option<f64> {
        match self {
            Unit::Percent => Some(100.0),
            Unit::PerMille => Some(1_000.0),
            Unit::Per100000 => Some(100_000.0),
            Unit::Count => None,
        }
    }

    /// Symbol written after a number: "%", "‰", "/100.000", "".
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::PerMille => "‰",
            Unit::Per100000 => "/100.000",
            Unit::Count => "",
        }
    }
}

/// Mức cơ sở: the figure the target starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub year: i16,
    /// Absent in a next-year draft until the officer enters last year's figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// Where the figure for a target comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// An agency enters the figure for the period (aggregate data entry).
    Reported,
    /// Computed from the children's register by the named indicator.
    Register { indicator: String },
    /// The child-friendly commune self-assessment (QĐ 06/QĐ-TTg, 03/01/2019).
    Assessment,
    /// Counted over the case files (Nghị định 56/2017) by the named indicator.
    Cases { indicator: String },
    /// Counted over the plan's work records (disasters and relief, child marriages) by the
    /// named indicator ([`crate::indicator::RecordsIndicator`]).
    Records { indicator: String },
    /// Counted over the plan's activities (forums' participants, the directory's play places)
    /// by the named [`crate::indicator::ActivityIndicator`].
    Activities { indicator: String },
}

/// Status of a figure against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Đạt.
    Met,
    /// Chưa đạt.
    NotMet,
    /// Chưa xác định được (no baseline for a reduction, or no usable figure).
    Undetermined,
}

impl Status {
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Met => "đạt",
            Status::NotMet => "chưa đạt",
            Status::Undetermined => "chưa xác định được",
        }
    }
}

/// Chỉ tiêu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Number as in the document (the seed has no 8).
    pub number: u16,
    /// Goal (mục tiêu) number.
    pub goal: u16,
    /// The Vietnamese text, verbatim (obvious typos corrected).
    pub text: String,
    /// What is measured, as a short Vietnamese indicator name.
    pub measure: String,
    pub comparator: Comparator,
    /// Target value; absent only for `qualitative`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Upper end when the document gives a range ("giảm từ 1-2%"); `value` is the lower end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_to: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Lead agencies (chủ trì) as assigned in section V; empty when not assigned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// Supporting agencies (phối hợp) named for this target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<String>,
    /// Agencies whose section-V duties touch this target without naming it (a hint, not an
    /// assignment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    pub source: Source,
    /// A second figure stated in the same target (15, 20, 25 in the seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<SubTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The second figure of a target that states two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubTarget {
    /// The part of the target text that states this figure.
    pub text: String,
    pub measure: String,
    pub comparator: Comparator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    pub source: Source,
}

impl Target {
    /// Status of `figure` against this target's (first) figure, using the plan's baseline for
    /// `reduce_by_percent`. Qualitative targets take 1 = đạt, 0 = chưa đạt.
    pub fn status(&self, figure: f64) -> Status {
        self.comparator.evaluate(
            figure,
            self.value,
            self.baseline.as_ref().and_then(|b| b.value),
        )
    }

    /// Status of a target with both its figures: met only when the first and (if the target
    /// states two) the second are met; `second` is ignored for one-figure targets.
    pub fn status_all(&self, first: f64, second: Option<f64>) -> Status {
        let a = self.status(first);
        let b = match (&self.secondary, second) {
            (None, _) => Status::Met,
            (Some(s), Some(x)) => s.status(x),
            (Some(_), None) => Status::Undetermined,
        };
        match (a, b) {
            (Status::NotMet, _) | (_, Status::NotMet) => Status::NotMet,
            (Status::Met, Status::Met) => Status::Met,
            _ => Status::Undetermined,
        }
    }

    /// The target as a short phrase: "dưới 2,9‰", "đạt ít nhất 80%".
    pub fn describe_vi(&self) -> String {
        describe(self.comparator, self.value, self.value_to, self.unit)
    }

    /// How many events (deaths, injuries, …) a denominator allows while the target is still met,
    /// for rate targets aimed down (`at_most`, `below`) and count targets. `None` otherwise.
    /// Example: "dưới 2,9‰" with 120 live births allows 0 neonatal deaths.
    pub fn allowed_events(&self, denominator: u64) -> Option<u64> {
        allowed_events(self.comparator, self.value?, self.unit?, denominator)
    }
}

impl SubTarget {
    pub fn status(&self, figure: f64) -> Status {
        self.comparator.evaluate(
            figure,
            self.value,
            self.baseline.as_ref().and_then(|b| b.value),
        )
    }

    pub fn describe_vi(&self) -> String {
        describe(self.comparator, self.value, None, self.unit)
    }

    pub fn allowed_events(&self, denominator: u64) -> Option<u64> {
        allowed_events(self.comparator, self.value?, self.unit?, denominator)
    }
}

fn allowed_events(c: Comparator, value: f64, unit: Unit, denominator: u64) -> Option<u64> {
    if !matches!(c, Comparator::AtMost | Comparator::Below) {
        return None;
    }
    let x = match unit.scale() {
        Some(scale) => value * denominator as f64 / scale,
        None => value,
    };
    let nearest = x.round();
    let on_boundary = (x - nearest).abs() < 1e-9;
    let n = match (c, on_boundary) {
        (Comparator::Below, true) => nearest - 1.0,
        (_, true) => nearest,
        _ => x.floor(),
    };
    Some(n.max(0.0) as u64)
}

fn describe(
    c: Comparator,
    value: Option<f64>,
    value_to: Option<f64>,
    unit: Option<Unit>,
) -> String {
    let sym = unit.map(Unit::symbol).unwrap_or("");
    let Some(v) = value else {
        return c.label_vi().to_string();
    };
    let v = match value_to {
        Some(to) => format!("{}–{}", format_number_vi(v), format_number_vi(to)),
        None => format_number_vi(v),
    };
    match c {
        Comparator::ReduceByPercent => format!("giảm {v}% so với năm trước"),
        Comparator::Qualitative => c.label_vi().to_string(),
        _ => format!("{} {v}{sym}", c.label_vi()),
    }
}

/// A figure as officials read it beside its status: rounded to one decimal, or to as many more
/// (up to four) as it takes for the number shown to stand on the same side of the target as
/// the figure itself. 1.530/1.611 = 94,97 % against "đạt ít nhất 95 %" shows "94,97", never a
/// "95" beside "chưa đạt". When even four decimals round across the target, the figure is cut
/// (not rounded) to four decimals towards its own side.
pub fn figure_text_vi(value: f64, status_of: impl Fn(f64) -> Status) -> String {
    let own = status_of(value);
    let at = |digits: i32, f: fn(f64) -> f64| {
        let scale = 10f64.powi(digits);
        f(value * scale) / scale
    };
    for digits in 1..=4 {
        let shown = at(digits, f64::round);
        if status_of(shown) == own {
            return format_number_vi(shown);
        }
    }
    let down = at(4, f64::floor);
    let shown = if status_of(down) == own {
        down
    } else {
        at(4, f64::ceil)
    };
    format_number_vi(shown)
}

/// "94,97 %", "8,3‰", "54,8/100.000": a number as [`figure_text_vi`] or
/// [`format_number_vi`] writes it, with the unit's symbol.
pub fn with_unit_vi(number: &str, unit: Option<Unit>) -> String {
    match unit.map(Unit::symbol) {
        Some(sym) if sym.starts_with('/') => format!("{number}{sym}"),
        Some(sym) if !sym.is_empty() => format!("{number} {sym}"),
        _ => number.to_string(),
    }
}

impl Target {
    /// The figure beside the target's status ([`figure_text_vi`] with [`Target::status`]).
    pub fn figure_text_vi(&self, value: f64) -> String {
        figure_text_vi(value, |x| self.status(x))
    }
}

impl SubTarget {
    /// The second figure beside its status ([`figure_text_vi`]).
    pub fn figure_text_vi(&self, value: f64) -> String {
        figure_text_vi(value, |x| self.status(x))
    }
}

/// Hoạt động (section II).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Number in section II.
    pub number: u16,
    /// Heading as printed.
    pub title: String,
    /// Sub-headings (1.1, 1.2, …) as printed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Lead agencies; only where section V gives the activity to an agency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<String>,
    /// Agencies with related duties in section V (a hint, not an assignment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Where section V supports the owners, e.g. "V.1: Chủ trì tham mưu … truyền thông".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

/// A periodic report (section VI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// `six_month`, `yearly`, …
    pub code: String,
    pub name: String,
    /// The sentence of the plan that sets it, as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// "trước ngày …": the report is due strictly before this date.
    #[serde(with = "dates::date")]
    pub due_before: Date,
    /// First day of the period reported on.
    #[serde(with = "dates::date")]
    pub period_start: Date,
    /// Last day of the period reported on.
    #[serde(with = "dates::date")]
    pub period_end: Date,
    /// False when the plan does not state the period and `period_start`/`period_end` are the
    /// usual reading (calendar half-year, calendar year).
    pub period_stated: bool,
    /// Agency that receives and consolidates (code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Agency the consolidated report goes on to (code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_to: Option<String>,
    /// Loại báo cáo: periodic (the default, so older plan files read as before), the Month of
    /// Action, a children's forum, the child-friendly commune self-assessment.
    #[serde(default, skip_serializing_if = "ReportKind::is_periodic")]
    pub kind: ReportKind,
    /// The agencies (codes) that write a section; empty: every agency of section V that leads
    /// a target or an activity ([`Plan::report_sections`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// The targets (numbers) the report draws on; empty: every target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<u16>,
    /// The title under "BÁO CÁO"; `{year}` and `{period}` are replaced. Absent: "Kết quả thực
    /// hiện công tác bảo vệ trẻ em" with the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Ký hiệu after the number ("BC-UBND", the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// For a forum report: due within this many days after the forum (the officer gives the
    /// forum's date when opening; the period is that day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_days_after: Option<u16>,
}

/// Loại báo cáo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Báo cáo định kỳ (6 tháng, năm): the periods the figures are computed for.
    #[default]
    Periodic,
    /// Báo cáo Tháng hành động vì trẻ em (01/06–30/06).
    MonthOfAction,
    /// Báo cáo kết quả tổ chức diễn đàn trẻ em (within 15 days after the forum).
    Forum,
    /// Tự đánh giá xã phù hợp với trẻ em (QĐ 06/2019/QĐ-TTg).
    Assessment,
}

impl ReportKind {
    pub fn is_periodic(&self) -> bool {
        *self == ReportKind::Periodic
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ReportKind::Periodic => "Báo cáo định kỳ",
            ReportKind::MonthOfAction => "Tháng hành động vì trẻ em",
            ReportKind::Forum => "Diễn đàn trẻ em",
            ReportKind::Assessment => "Tự đánh giá xã phù hợp với trẻ em",
        }
    }
}

impl Report {
    /// The last day the report can be sent (the day before `due_before`).
    pub fn last_day(&self) -> Date {
        self.due_before.yesterday().unwrap_or(self.due_before)
    }
}

/// Why a plan file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("tệp kế hoạch không đọc được (TOML): {0}")]
    Syntax(String),
    #[error("kế hoạch không hợp lệ: {}", validate::join(.0))]
    Invalid(Vec<Problem>),
    #[error("không ghi được kế hoạch ra TOML: {0}")]
    Write(String),
}

impl Plan {
    /// Parse and validate a plan file.
    pub fn from_toml(text: &str) -> Result<Plan, PlanError> {
        let plan: Plan = toml::from_str(text).map_err(|e| PlanError::Syntax(e.to_string()))?;
        plan.validate()?;
        Ok(plan)
    }

    /// Validate the plan (what `from_toml` checks after parsing).
    pub fn validate(&self) -> Result<(), PlanError> {
        let problems = validate::validate(self);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PlanError::Invalid(problems))
        }
    }

    /// The plan as TOML (dates as native TOML dates). `from_toml(to_toml(p)) == p`.
    pub fn to_toml(&self) -> Result<String, PlanError> {
        let s = toml::to_string_pretty(self).map_err(|e| PlanError::Write(e.to_string()))?;
        Ok(dates::unquote_dates(&s))
    }

    pub fn target(&self, number: u16) -> Option<&Target> {
        self.targets.iter().find(|t| t.number == number)
    }

    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.code == code)
    }

    pub fn goal(&self, number: u16) -> Option<&Goal> {
        self.goals.iter().find(|g| g.number == number)
    }

    /// Targets whose lead agencies include `code`.
    pub fn targets_owned_by<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Target> {
        self.targets
            .iter()
            .filter(move |t| t.owners.iter().any(|o| o == code))
    }

    /// A draft of the following year's plan: year + 1, status draft, no number/date/signer/basis,
    /// report dates one year later, the year in the title and report texts moved on, and every
    /// baseline (and every `reduce_by_percent` target) set to this plan's year with no value,
    /// for the officer to fill in. Targets, goals, agencies and activities are kept as they are.
    pub fn next_year(&self) -> Plan {
        self.draft_for_year(self.year + 1)
    }

    /// Like [`Plan::next_year`], for any later (or earlier) year; baselines point at `year - 1`.
    pub fn draft_for_year(&self, year: i16) -> Plan {
        let shift = i64::from(year) - i64::from(self.year);
        let old = self.year.to_string();
        let new = year.to_string();
        let mut p = self.clone();
        p.year = year;
        p.status = PlanStatus::Draft;
        p.title = p.title.replace(&old, &new);
        p.document = Document {
            number: None,
            date: None,
            date_as_printed: None,
            signer: None,
            signer_title: None,
            ..p.document
        };
        p.basis.clear();
        let fresh = |b: &Option<Baseline>, c: Comparator| {
            if b.is_some() || c == Comparator::ReduceByPercent {
                Some(Baseline {
                    year: year.saturating_sub(1),
                    value: None,
                })
            } else {
                None
            }
        };
        for t in &mut p.targets {
            t.baseline = fresh(&t.baseline, t.comparator);
            if let Some(s) = &mut t.secondary {
                s.baseline = fresh(&s.baseline, s.comparator);
            }
        }
        // `try_years`: a shift past jiff's range (±19,998 years) leaves the date as it was
        // instead of panicking; such a draft fails the plan check on its year anyway.
        let move_date = |d: Date| {
            jiff::Span::new()
                .try_years(shift)
                .and_then(|s| d.checked_add(s))
                .unwrap_or(d)
        };
        for r in &mut p.reports {
            r.due_before = move_date(r.due_before);
            r.period_start = move_date(r.period_start);
            r.period_end = move_date(r.period_end);
            r.text = r.text.as_ref().map(|t| t.replace(&old, &new));
        }
        p
    }
}

impl fmt::Display for PlanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PlanStatus::Draft => "dự thảo",
            PlanStatus::Issued => "đã ban hành",
        })
    }
}
