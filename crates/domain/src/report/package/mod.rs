//! Gói báo cáo gửi tỉnh (the province package): what an approved report sends up to the
//! provincial Department of Health, made only from a [`FrozenReport`] and the plan.
//!
//! What it holds: the commune, the report's kind, year, period, number, approval day, the
//! report it amends, the commune's audit-chain head, each target's figure and breakdowns **as
//! the province may see them** ([`crate::disclosure`]: no count from 1 to 4 can be read or
//! worked out, by the same rule as the province's pages), and the agencies' narratives as they
//! were written (they are about the commune's work, not about a child). What it never holds:
//! the ids of the records behind a figure, names, dates of birth, personal IDs, households,
//! case details, the officials' logins, or the differences an amending report lists (those are
//! exact counts; the province compares the two packages' published figures instead).
//!
//! The bytes are `serde_json` of these structs, fields in declaration order: the same report
//! gives the same bytes, which [`seal`] signs.
mod receive;
pub mod seal;
mod table;
#[cfg(test)]
mod tests;

pub use receive::{admit, standing, Admission, Received, TargetTotal, HIDDEN_TOTAL};
pub use seal::{content_hash, CommuneKey, PublicKey, Refusal, SignedPackage};
pub use table::{
    Arrival, CommuneRow, ProvinceTable, TableCell, TargetHead, TrustedCommune, NOT_PUBLISHED,
};

use crate::date::Period;
use crate::disclosure::{publish_breakdown, publish_result, PublishedCell, PublishedFigure, Shown};
use crate::indicator::TargetStatus;
use crate::plan::{Plan, Unit};
use crate::report::{Commune, FrozenReport, SectionText};
use crate::sex::Sex;
use crate::Date;
use serde::{Deserialize, Serialize};

/// The package content's format; a province refuses a format it does not know.
pub const FORMAT: u32 = 1;

/// The package's content (nội dung gói báo cáo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageContent {
    pub format: u32,
    pub commune: Commune,
    /// The report's id in the commune's database (an amending package names it in `amends`).
    pub report: i64,
    /// The report kind's code (`six_month`, `yearly`, …) and name.
    pub kind: String,
    pub kind_name: String,
    pub year: i16,
    pub period: Period,
    /// "trước ngày …" of the kind in the commune's plan: a package received before this day is
    /// on time (đúng hạn).
    pub due_before: Option<Date>,
    /// "12" of "Số: 12/BC-UBND" and the symbol.
    pub number: String,
    pub symbol: String,
    pub title: String,
    /// The day the leader approved the report.
    pub approved_on: Date,
    /// The report this one amends (báo cáo bổ sung).
    pub amends: Option<Amends>,
    /// The commune's audit-chain head at approval (hex).
    pub audit_head: String,
    pub targets: Vec<PackageTarget>,
    /// Each agency's narrative, in the plan's order.
    pub sections: Vec<PackageSection>,
}

/// The report an amending report replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amends {
    pub report: i64,
    pub period: Period,
}

/// One target's line as the province sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageTarget {
    pub target: u16,
    pub measure: String,
    pub plan_value: String,
    pub agency: String,
    pub source: String,
    pub unit: Option<Unit>,
    pub figure: PackageFigure,
    pub secondary: Option<PackageFigure>,
    /// `None`: not published, it would tell a hidden count apart ("không công bố").
    pub status: Option<TargetStatus>,
    pub note: Option<String>,
    pub by_village: Vec<PackageCell>,
    pub by_sex: Vec<PackageCell>,
    pub by_ethnicity: Vec<PackageCell>,
    pub by_age_band: Vec<PackageCell>,
}

/// A count as published: the number, or why it is absent ("<5", "ẩn").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCount {
    pub value: Option<u64>,
    pub mark: Option<Mark>,
}

/// Why a count is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// From 1 to 4 ("<5").
    Small,
    /// Hidden ("ẩn").
    Hidden,
}

impl PackageCount {
    fn of(s: Shown) -> PackageCount {
        match s {
            Shown::Exact(n) => PackageCount {
                value: Some(n),
                mark: None,
            },
            Shown::Small => PackageCount {
                value: None,
                mark: Some(Mark::Small),
            },
            Shown::Hidden => PackageCount {
                value: None,
                mark: Some(Mark::Hidden),
            },
        }
    }

    /// "1.234", "<5" or "ẩn" (empty when there is no count).
    pub fn text(&self) -> String {
        match (self.value, self.mark) {
            (Some(n), _) => crate::text::format_number_vi(n as f64),
            (None, Some(Mark::Small)) => "<5".into(),
            (None, Some(Mark::Hidden)) => "ẩn".into(),
            (None, None) => String::new(),
        }
    }
}

/// A figure as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageFigure {
    pub numerator: Option<PackageCount>,
    pub denominator: Option<PackageCount>,
    pub value: Option<f64>,
    /// The figure exists but is not published.
    pub value_hidden: bool,
    pub unstable: bool,
    pub allowed_events: Option<u64>,
}

impl PackageFigure {
    fn of(f: &PublishedFigure) -> PackageFigure {
        PackageFigure {
            numerator: f.numerator.map(PackageCount::of),
            denominator: f.denominator.map(PackageCount::of),
            value: f.value,
            value_hidden: f.value_hidden,
            unstable: f.unstable,
            allowed_events: f.allowed_events,
        }
    }
}

/// A group of a breakdown: its code ("01" for a village, `male`, the ethnicity's code, the
/// age band), its Vietnamese label and its counts as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageCell {
    pub group: String,
    pub label: String,
    pub numerator: PackageCount,
    pub denominator: PackageCount,
    pub value: Option<f64>,
}

fn cell(group: String, label: String, c: &PublishedCell) -> PackageCell {
    PackageCell {
        group,
        label,
        numerator: PackageCount::of(c.numerator),
        denominator: PackageCount::of(c.denominator),
        value: c.value,
    }
}

/// An agency's narrative, as written; without who submitted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSection {
    pub agency: String,
    pub agency_name: String,
    pub done: String,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

impl From<&SectionText> for PackageSection {
    fn from(s: &SectionText) -> Self {
        PackageSection {
            agency: s.agency.clone(),
            agency_name: s.agency_name.clone(),
            done: s.done.clone(),
            results: s.results.clone(),
            difficulties: s.difficulties.clone(),
            proposals: s.proposals.clone(),
        }
    }
}

fn sex_label(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
        Sex::Unknown => "Không rõ",
    }
}

/// Why a package cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("chỉ tiêu {0} của báo cáo không có trong kế hoạch")]
    UnknownTarget(u16),
    #[error("xã chưa có mã đơn vị hành chính: hãy đặt mã xã trước khi gửi báo cáo lên tỉnh")]
    NoCommuneCode,
    #[error("khóa là của xã mã {key}, báo cáo là của xã mã {report}")]
    OtherCommune { key: String, report: String },
}

impl PackageContent {
    /// The package of an approved report. `plan`: the plan the report was made under (each
    /// target's unit and comparator decide what the province may see).
    pub fn of(report: &FrozenReport, plan: &Plan) -> Result<PackageContent, PackageError> {
        if report.commune.code.trim().is_empty() {
            return Err(PackageError::NoCommuneCode);
        }
        let targets = report
            .figures
            .iter()
            .map(|f| {
                let t = plan
                    .targets
                    .iter()
                    .find(|t| t.number == f.target)
                    .ok_or(PackageError::UnknownTarget(f.target))?;
                // The trend's earlier points are not in the package: a target at risk shows
                // as met ([`publish_result`]).
                let p = publish_result(t, &f.result, false);
                let b = publish_breakdown(&f.result.breakdown, t.unit);
                Ok(PackageTarget {
                    target: f.target,
                    measure: f.measure.clone(),
                    plan_value: f.plan_value.clone(),
                    agency: f.agency.clone(),
                    source: f.source.clone(),
                    unit: t.unit,
                    figure: PackageFigure::of(&p.figure),
                    secondary: p.secondary.as_ref().map(PackageFigure::of),
                    status: p.status,
                    note: p.note,
                    by_village: b
                        .by_village
                        .iter()
                        .map(|(v, c)| cell(v.clone(), format!("Thôn {v}"), c))
                        .collect(),
                    by_sex: b
                        .by_sex
                        .iter()
                        .map(|(s, c)| cell(s.as_str().into(), sex_label(*s).into(), c))
                        .collect(),
                    by_ethnicity: b
                        .by_ethnicity
                        .iter()
                        .map(|(e, c)| {
                            let (group, label) = match e {
                                Some(code) => (
                                    format!("{code:02}"),
                                    crate::ethnicity::name(*code).unwrap_or("Khác").to_string(),
                                ),
                                None => ("unknown".into(), "Không rõ".into()),
                            };
                            cell(group, label, c)
                        })
                        .collect(),
                    by_age_band: b
                        .by_age_band
                        .iter()
                        .map(|(a, c)| {
                            let group = serde_json::to_value(a)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default();
                            cell(group, a.label_vi().into(), c)
                        })
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>, PackageError>>()?;
        Ok(PackageContent {
            format: FORMAT,
            commune: report.commune.clone(),
            report: report.id,
            kind: report.kind.clone(),
            kind_name: report.kind_name.clone(),
            year: report.year,
            period: report.period,
            due_before: plan
                .reports
                .iter()
                .find(|r| r.code == report.kind)
                .map(|r| r.due_before),
            number: report.number.clone(),
            symbol: report.symbol.clone(),
            title: report.title.clone(),
            approved_on: report.approved.date,
            amends: report.amends.map(|id| Amends {
                report: id,
                period: report.period,
            }),
            audit_head: report.audit_head.clone(),
            targets,
            sections: report.sections.iter().map(PackageSection::from).collect(),
        })
    }

    /// The bytes that are signed and sent: the same content gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("plain structs serialise")
    }

    /// The content as received.
    pub fn from_bytes(bytes: &[u8]) -> Result<PackageContent, Refusal> {
        let c: PackageContent =
            serde_json::from_slice(bytes).map_err(|e| Refusal::Unreadable(e.to_string()))?;
        if c.format != FORMAT {
            return Err(Refusal::Format(c.format));
        }
        Ok(c)
    }

    /// Whether a package received on `day` came on time: before the kind's due date (a
    /// package without one is on time).
    pub fn on_time(&self, day: Date) -> bool {
        self.due_before.is_none_or(|d| day < d)
    }
}
