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
