//! Freezing a report at approval (đóng băng báo cáo): its figures from the engine's results,
//! the sections as submitted, who approved it. One function, so that the page, the API and the
//! demo freeze the same way.
use super::frozen::{Approval, Commune, FigureChange, FrozenFigure, FrozenReport, SectionText};
use crate::account::Signer;
use crate::date::Period;
use crate::indicator::TargetResult;
use crate::plan::{Plan, Report};
use crate::role::Role;
use crate::Date;

/// What a report holds besides the plan and the figures when it is approved.
#[derive(Debug, Clone)]
pub struct Freezing {
    pub id: i64,
    pub year: i16,
    pub period: Period,
    pub as_of: Date,
    /// Số (may be empty).
    pub number: String,
    pub commune: Commune,
    /// Every section of the report, as stored (any order: the plan's is used).
    pub sections: Vec<SectionText>,
    pub approved: Approval,
    pub amends: Option<i64>,
    /// For an amending report: what differs from the report it amends.
    pub changes: Vec<FigureChange>,
    /// Set by storage in the approving transaction.
    pub audit_head: String,
}

/// The person approving, as the signature block prints them: the account's full name and
/// position (họ và tên, chức vụ); for an account without them yet, its login and the role's
/// words.
pub fn signer_of(account: &Signer, role: Role) -> (String, String) {
    let position = if account.position.trim().is_empty() {
        match role {
            Role::Leader => "Phó Chủ tịch".to_string(),
            other => other.label_vi().to_string(),
        }
    } else {
        account.position.trim().to_string()
    };
    (account.name().to_string(), position)
}

/// The report frozen: the figures of `kind`'s targets from `results` (a target without a
/// result is left out), the sections in the plan's order.
pub fn freeze(plan: &Plan, kind: &Report, results: &[TargetResult], f: Freezing) -> FrozenReport {
    let figures = plan
        .report_targets(kind)
        .into_iter()
        .filter_map(|t| {
            let result = results.iter().find(|r| r.number == t.number)?.clone();
            Some(FrozenFigure {
                target: t.number,
                measure: t.measure.clone(),
                plan_value: t.describe_vi(),
                agency: plan.owners_vi(t),
                agency_codes: t.owners.clone(),
                source: t.source.label_vi().to_string(),
                result,
            })
        })
        .collect();
    let sections = plan
        .report_sections(kind)
        .into_iter()
        .map(|a| {
            let mut s = f
                .sections
                .iter()
                .find(|s| s.agency == a.code)
                .cloned()
                .unwrap_or_default();
            s.agency = a.code.clone();
            s.agency_name = a.name.clone();
            s
        })
        .collect();
    let receivers = kind
        .forward_to
        .iter()
        .filter_map(|c| plan.agency(c))
        .map(|a| a.name.clone())
        .collect();
    FrozenReport {
        id: f.id,
        kind: kind.code.clone(),
        kind_name: kind.name.clone(),
        year: f.year,
        period: f.period,
        as_of: f.as_of,
        number: f.number,
        symbol: kind.symbol_or_default().to_string(),
        issuer: plan
            .document
            .issuer
            .clone()
            .unwrap_or_else(|| format!("UBND xã {}", plan.commune)),
        commune: f.commune,
        receivers,
        title: kind.title_for(f.year, f.period),
        figures,
        sections,
        approved: f.approved,
        amends: f.amends,
        changes: f.changes,
        audit_head: f.audit_head,
    }
}
