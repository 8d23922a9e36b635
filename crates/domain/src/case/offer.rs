//! What a person is offered on a case now: the steps, the entries they may strike out and the
//! entries they may replace. Each answer is the state machine's own ([`super::apply`] and
//! [`super::correct`] would accept the entry), so a page never offers what saving then refuses
//! nor hides what the rules allow; the pages and the API ask here and decide nothing.
use super::machine::{accepts_correction, accepts_replacement, REPORTERS};
use super::{actions, CaseEntry, CaseFile, Channel, EntryKind};
use crate::role::{Actor, Role};

/// Whether `role` may file a report (Mẫu 01) and so open a case: the roles the state machine
/// lets record an intake.
pub fn may_file_report(role: Role) -> bool {
    REPORTERS.contains(&role)
}

/// How a report filed by `role` reached the commune when nobody says otherwise: a village
/// head's report comes through the village head (Mẫu 01, A.1).
pub fn default_channel(role: Role) -> Option<Channel> {
    (role == Role::VillageHead).then_some(Channel::VillageHead)
}

/// The roles a case may be assigned to ([`EntryKind::Assign`]): those who read children's
/// records, less the officer and the leader, who open every case anyway.
pub fn assignable_roles() -> Vec<Role> {
    crate::role::ALL_ROLES
        .into_iter()
        .filter(|r| r.reads_children() && !matches!(r, Role::Officer | Role::Leader))
        .collect()
}

/// Whether `actor` may strike out entry `seq` now ([`EntryKind::Correction`]): a service,
/// visit, referral, answer or offender's handling still standing, by its author or the officer.
pub fn may_strike(case: &CaseFile, actor: &Actor, seq: u32) -> bool {
    accepts_correction(case, actor, seq)
}

/// The entries `actor` may strike out now, in order ([`may_strike`]).
pub fn strikable<'a>(case: &'a CaseFile, actor: &Actor) -> Vec<&'a CaseEntry> {
    case.entries()
        .iter()
        .filter(|e| may_strike(case, actor, e.seq))
        .collect()
}

/// Whether `actor` may write a replacement for entry `seq` now ([`super::correct`] with an
/// entry of the same kind): neither replaced nor struck out, not an assignment or a correction,
/// a plan only while planning, by its author or the officer.
pub fn may_replace(case: &CaseFile, actor: &Actor, seq: u32) -> bool {
    accepts_replacement(case, actor, seq)
}

/// Referrals still standing, which an answer ([`EntryKind::ReferralAnswer`]) may name: the
/// latest version of each, struck-out ones left out.
pub fn answerable_referrals(case: &CaseFile) -> Vec<&CaseEntry> {
    case.effective()
        .into_iter()
        .filter(|e| matches!(e.kind, EntryKind::Referral(_)))
        .collect()
}

/// The steps offered to `actor` now, as [`EntryKind::code`]s: the state machine's
/// [`actions`], less those with nothing to act on (an answer with no referral standing, an
/// unassignment with nobody assigned), and `correction` when something may be struck out.
pub fn offered_steps(case: &CaseFile, actor: &Actor) -> Vec<&'static str> {
    let mut steps: Vec<&'static str> = actions(case, actor)
        .into_iter()
        .filter(|c| match *c {
            "referral_answer" => !answerable_referrals(case).is_empty(),
            "unassign" => !case.assigned().is_empty(),
            _ => true,
        })
        .collect();
    if !strikable(case, actor).is_empty() {
        steps.push("correction");
    }
    steps
}

/// Whether `actor` may record step `code` on the case now ([`offered_steps`]).
pub fn may_record(case: &CaseFile, actor: &Actor, code: &str) -> bool {
    offered_steps(case, actor).contains(&code)
}
