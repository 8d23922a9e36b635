//! Figures computed from the case files (hồ sơ trường hợp): target 16 and the share of
//! support plans approved on time. Counts only: no child is named behind them, so the figure
//! may be shown to whoever sees the dashboard.
use super::{rate, Figure, Snapshot};
use crate::case::{abused_with_intervention, plans_approved_on_time, WorkingCalendar};
use crate::plan::Unit;

/// A figure over the case files, named in the plan file as `source = { kind = "cases",
/// indicator = "…" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseIndicator {
    /// Target 16: abused children with an intervention ÷ abused children detected in the period.
    AbusedWithIntervention,
    /// Plans approved within the Decree 56 time limit ÷ approval deadlines due in the period.
    PlansApprovedOnTime,
}

impl CaseIndicator {
    pub const ALL: [(&'static str, CaseIndicator); 2] = [
        (
            "abused_with_intervention",
            CaseIndicator::AbusedWithIntervention,
        ),
        ("plans_approved_on_time", CaseIndicator::PlansApprovedOnTime),
    ];

    pub fn parse(name: &str) -> Result<CaseIndicator, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, i)| *i)
            .ok_or_else(|| {
                format!(
                    "không có chỉ số hồ sơ «{name}»; có: {}",
                    Self::ALL.map(|(n, _)| n).join(", ")
                )
            })
    }

    /// Counted over `snap.cases` for `snap.period`, with the working-day calendar given.
    pub fn figure(self, snap: &Snapshot, calendar: &WorkingCalendar, unit: Option<Unit>) -> Figure {
        let (num, den) = match self {
            CaseIndicator::AbusedWithIntervention => {
                let (n, d) = abused_with_intervention(snap.cases, snap.period);
                (n.len(), d.len())
            }
            CaseIndicator::PlansApprovedOnTime => {
                let (n, d) = plans_approved_on_time(snap.cases, snap.period, snap.as_of, calendar);
                (n.len(), d.len())
            }
        };
        let (num, den) = (num as f64, den as f64);
        Figure {
            numerator: Some(num),
            denominator: Some(den),
            value: rate(num, den, unit),
            ..Figure::default()
        }
    }
}

/// Notes, on each target counted from the case files, that `damaged` case files (hồ sơ bị
/// hỏng: they do not open, or disagree with themselves) were left out: the figure counts the
/// others, and says it is short rather than falling to "no data". Counts only, so the note may
/// be shown wherever the figure is.
pub fn note_damaged_cases(
    plan: &crate::plan::Plan,
    results: &mut [super::TargetResult],
    damaged: usize,
) {
    if damaged == 0 {
        return;
    }
    let from_cases = |s: &crate::plan::Source| matches!(s, crate::plan::Source::Cases { .. });
    for r in results {
        let Some(t) = plan.target(r.number) else {
            continue;
        };
        if !from_cases(&t.source) && !t.secondary.as_ref().is_some_and(|s| from_cases(&s.source)) {
            continue;
        }
        let note = format!(
            "{damaged} hồ sơ bị hỏng không được tính (báo quản trị chạy «treem check»); số liệu tính trên các hồ sơ còn lại"
        );
        r.note = Some(match r.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
}

#[cfg(test)]
mod damaged_tests {
    use super::*;

    #[test]
    fn damaged_cases_are_noted_on_the_case_targets_only() {
        let plan =
            crate::plan::Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml"))
                .unwrap();
        let blank = |number| super::super::TargetResult {
            number,
            figure: Figure::default(),
            secondary: None,
            status: super::super::TargetStatus::NoData,
            trend: None,
            breakdown: Default::default(),
            note: None,
            related: Vec::new(),
        };
        let mut results: Vec<_> = plan.targets.iter().map(|t| blank(t.number)).collect();
        note_damaged_cases(&plan, &mut results, 0);
        assert!(results.iter().all(|r| r.note.is_none()));
        note_damaged_cases(&plan, &mut results, 2);
        let noted: Vec<u16> = results
            .iter()
            .filter(|r| {
                r.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("2 hồ sơ bị hỏng"))
            })
            .map(|r| r.number)
            .collect();
        assert!(noted.contains(&16), "{noted:?}");
        for n in &noted {
            let t = plan.target(*n).unwrap();
            assert!(
                matches!(t.source, crate::plan::Source::Cases { .. })
                    || t.secondary
                        .as_ref()
                        .is_some_and(|s| matches!(s.source, crate::plan::Source::Cases { .. })),
                "target {n}"
            );
        }
    }
}
