//! Tiếp nhận gói báo cáo (what the province does with a package): whether a package is taken,
//! and the province's total of each target over the communes' packages.
use super::seal::Refusal;
use super::{PackageContent, PackageCount};
use crate::date::Period;
use crate::plan::Unit;
use serde::Serialize;

/// A package already received, as the admission rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub commune: String,
    pub kind: String,
    pub period: Period,
    /// The report's id in the commune's database.
    pub report: i64,
    /// [`super::seal::content_hash`] of its content.
    pub hash: String,
}

/// What happens to a package whose signature holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Stored.
    New,
    /// The same bytes came before ("đã nhận"): nothing stored.
    AlreadyReceived,
}

/// Whether `new` (with content hash `hash`) is taken, given the packages of the same commune
/// already received. One report per commune, kind and period: a second one is taken only as
/// an amending report (báo cáo bổ sung, `amends` set), and a report is never replaced by
/// different bytes under the same id.
pub fn admit(
    new: &PackageContent,
    hash: &str,
    received: &[Received],
) -> Result<Admission, Refusal> {
    let commune = &new.commune.code;
    let mine = received.iter().filter(|r| &r.commune == commune);
    let mut period_taken = false;
    for r in mine {
        if r.hash == hash {
            return Ok(Admission::AlreadyReceived);
        }
        if r.report == new.report {
            return Err(Refusal::ReportTaken(new.commune.name.clone()));
        }
        period_taken |= r.kind == new.kind && r.period == new.period;
    }
    if period_taken && new.amends.is_none() {
        return Err(Refusal::PeriodTaken {
            commune: new.commune.name.clone(),
            kind: new.kind_name.clone(),
            period: format!(
                "{}–{}",
                crate::date::format_vi(new.period.start),
                crate::date::format_vi(new.period.end)
            ),
        });
    }
    Ok(Admission::New)
}

/// The packages that stand, from a list in the order received: for each commune and period
/// of a kind, the last one (an amending report replaces what it amends).
pub fn standing(packages: &[PackageContent]) -> Vec<&PackageContent> {
    let mut out: Vec<&PackageContent> = Vec::new();
    for p in packages {
        match out
            .iter_mut()
            .find(|q| q.commune.code == p.commune.code && q.kind == p.kind && q.period == p.period)
        {
            Some(q) => *q = p,
            None => out.push(p),
        }
    }
    out
}

/// The province's figure for one target (tổng của tỉnh): the communes' numerators summed over
/// their denominators summed — never an average of the communes' rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetTotal {
    pub target: u16,
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    pub value: Option<f64>,
    /// Communes whose package holds this target.
    pub communes: usize,
    /// Why there is no total, in Vietnamese; `None` when there is one.
    pub missing: Option<&'static str>,
}

/// Said on the province page for a total that one commune's hidden count makes unknown.
pub const HIDDEN_TOTAL: &str = "không tính được: có xã có số nhỏ (1–4) bị ẩn";
const NOT_COUNTS: &str = "không cộng được: chỉ tiêu không có tử số và mẫu số";
const NO_DATA: &str = "chưa có số liệu";

impl TargetTotal {
    /// The total of `target` over `packages` (the standing ones). A total is exact or absent:
    /// when any commune's numerator or denominator is hidden ("<5", "ẩn") the total is "không
    /// tính được" rather than a bound, since a bound would read as a figure.
    pub fn of(target: u16, packages: &[&PackageContent]) -> TargetTotal {
        let lines: Vec<_> = packages
            .iter()
            .filter_map(|p| p.targets.iter().find(|t| t.target == target))
            .collect();
        let unit: Option<Unit> = lines.first().and_then(|t| t.unit);
        let mut total = TargetTotal {
            target,
            numerator: None,
            denominator: None,
            value: None,
            communes: lines.len(),
            missing: None,
        };
        if lines.is_empty() {
            total.missing = Some(NO_DATA);
            return total;
        }
        let count = |c: &Option<PackageCount>| c.map(|c| c.value);
        // A commune without data for the target adds nothing.
        let no_data = |t: &&&super::PackageTarget| {
            t.figure.numerator.is_none()
                && t.figure.denominator.is_none()
                && t.figure.value.is_none()
                && !t.figure.value_hidden
        };
        let lines: Vec<_> = lines.iter().filter(|t| !no_data(t)).collect();
        if lines.is_empty() {
            total.missing = Some(NO_DATA);
            return total;
        }
        let (mut n, mut d) = (0u64, 0u64);
        for t in &lines {
            match (count(&t.figure.numerator), count(&t.figure.denominator)) {
                (Some(Some(a)), Some(Some(b))) => {
                    n += a;
                    d += b;
                }
                (Some(Some(a)), None) if unit == Some(Unit::Count) => n += a,
                (None, None) | (Some(Some(_)), None) | (None, Some(Some(_))) => {
                    total.missing = Some(NOT_COUNTS);
                    return total;
                }
                _ => {
                    total.missing = Some(HIDDEN_TOTAL);
                    return total;
                }
            }
        }
        total.numerator = Some(n);
        if unit == Some(Unit::Count) {
            total.value = Some(n as f64);
        } else {
            total.denominator = Some(d);
            total.value = crate::indicator::rate(n as f64, d as f64, unit);
            if total.value.is_none() {
                total.missing = Some(NO_DATA);
            }
        }
        total
    }
}
