//! Figures for plan target 16 from the case files.
//!
//! **Target 16** — "trẻ em bị xâm hại được can thiệp, hỗ trợ và xử lý nghiêm minh": abused
//! children helped and whose offender's handling is recorded ÷ abused children whose report
//! came in during the period ([`abused_with_intervention`]):
//! * *received*: a case whose report was received (Mẫu 01 `received_at`, as corrected) in the
//!   period and that is about abuse: its initial assessment (Mẫu 02, as corrected) names an
//!   abuse type, or it has no initial assessment yet and the report says the child was abused
//!   ([`super::IntakeCategory::Abused`]). A case not assessed yet counts, as not done: leaving
//!   it out would flatter the rate. A case assessed as not abuse is left out;
//! * one child counts once: a register child with several such cases counts under the earliest
//!   (received first, then the lowest case id); a child not in the register cannot be matched
//!   and each of their cases counts;
//! * *done*: any of the child's counted cases has the child *helped* (emergency measures taken,
//!   or a plan approved by the leader) and any has the offender's *handling* recorded
//!   ([`super::EntryKind::OffenderHandling`]: referred to the police, administrative sanction,
//!   prosecution, or no known offender), each on or before the period's last day (so a figure
//!   for a past period does not change when computed again later).
//!
//! **Plans approved on time** ([`plans_approved_on_time`]): the plan-approval deadlines
//! ([`super::DeadlineKind::Approval`]) due in the period, and those met by their due time. A
//! deadline still running on the as-of date (not met, due that day or later) is neither: it is
//! not late yet.
//!
//! The ids are case ids; the caller maps them to children for a breakdown.
use super::deadline::{deadlines_with, DeadlineKind, DeadlineRules};
use super::{CaseFile, CaseState, EntryKind, IntakeCategory, WorkingCalendar};
use crate::date::Period;
use jiff::civil::{Date, DateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One plan: a case and its planning round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PlanRef {
    pub case_id: i64,
    pub round: u32,
}

/// (numerator, denominator) case ids of target 16, each sorted.
pub fn abused_with_intervention(cases: &[CaseFile], period: Period) -> (Vec<i64>, Vec<i64>) {
    // key: the register child, or the case itself for a child not in the register; value:
    // (received, case id, helped, handled).
    type Kept = (DateTime, i64, bool, bool);
    let mut kept: BTreeMap<(bool, i64), Kept> = BTreeMap::new();
    for case in cases {
        let Some(intake) = case.intake() else {
            continue;
        };
        if !period.contains(intake.received_at.date()) {
            continue;
        }
        let abuse = match case.initial_assessment() {
            Some(a) => a.abuse_type.is_some(),
            None => intake.category == IntakeCategory::Abused,
        };
        if !abuse {
            continue;
        }
        let helped = has_intervention(case, period.end);
        let handled = has_handling(case, period.end);
        let key = match intake.child.child_id() {
            Some(child) => (true, child),
            None => (false, case.id()),
        };
        let this = (intake.received_at, case.id(), helped, handled);
        kept.entry(key)
            .and_modify(|k| {
                let (h, d) = (k.2 || helped, k.3 || handled);
                if (this.0, this.1) < (k.0, k.1) {
                    *k = this;
                }
                (k.2, k.3) = (h, d);
            })
            .or_insert(this);
    }
    let mut denominator: Vec<i64> = kept.values().map(|k| k.1).collect();
    let mut numerator: Vec<i64> = kept.values().filter(|k| k.2 && k.3).map(|k| k.1).collect();
    denominator.sort_unstable();
    numerator.sort_unstable();
    (numerator, denominator)
}

/// The offender's handling recorded (and not struck out), dated on or before `by`.
fn has_handling(case: &CaseFile, by: Date) -> bool {
    case.effective().into_iter().any(|e| match &e.kind {
        EntryKind::OffenderHandling(h) => h.date <= by,
        _ => false,
    })
}

/// Emergency measures taken, or a plan approved, on or before `by`.
fn has_intervention(case: &CaseFile, by: Date) -> bool {
    let emergency = case.effective().into_iter().any(|e| match &e.kind {
        EntryKind::EmergencyMeasures(m) => m.taken_at.date() <= by,
        _ => false,
    });
    let approved = case.entries().iter().any(|e| {
        e.corrects.is_none()
            && matches!(e.kind, EntryKind::Approve { .. })
            && e.from == CaseState::AwaitingApproval
            && e.at.date() <= by
    });
    emergency || approved
}

/// (approved on time, due in the period and settled by `as_of`), with the default deadline
/// rules.
pub fn plans_approved_on_time(
    cases: &[CaseFile],
    period: Period,
    as_of: Date,
    calendar: &WorkingCalendar,
) -> (Vec<PlanRef>, Vec<PlanRef>) {
    plans_approved_on_time_with(cases, period, as_of, calendar, &DeadlineRules::default())
}

/// [`plans_approved_on_time`] with other deadline rules.
pub fn plans_approved_on_time_with(
    cases: &[CaseFile],
    period: Period,
    as_of: Date,
    calendar: &WorkingCalendar,
    rules: &DeadlineRules,
) -> (Vec<PlanRef>, Vec<PlanRef>) {
    let mut on_time = Vec::new();
    let mut due = Vec::new();
    for case in cases {
        for d in deadlines_with(case, calendar, rules) {
            if d.what != DeadlineKind::Approval || !period.contains(d.due.date()) {
                continue;
            }
            // Still running on the as-of date: neither on time nor late yet.
            let met_by_then = d.met_at.is_some_and(|m| m.date() <= as_of);
            if !met_by_then && d.due.date() >= as_of {
                continue;
            }
            let plan = PlanRef {
                case_id: case.id(),
                round: d.round,
            };
            due.push(plan);
            if met_by_then && d.met_on_time() {
                on_time.push(plan);
            }
        }
    }
    on_time.sort_unstable();
    due.sort_unstable();
    (on_time, due)
}
