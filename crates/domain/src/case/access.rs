//! Who may see a case (Luật Trẻ em 2016, Điều 21; Nghị định 56/2017, Điều 33).
//!
//! * The officer (cán bộ làm công tác trẻ em) and the leader (lãnh đạo UBND xã) open every case.
//! * Anyone assigned to the case ([`super::EntryKind::Assign`]) opens it while assigned, if their
//!   role reads children's records at all: an assigned police officer sees the case, other police
//!   do not.
//! * Whoever filed the report (a village head, a police officer, the health station) and is not
//!   otherwise allowed sees only its [`Receipt`]: that it was received, nothing of its content.
//! * Administrators, the services centre and the province never open a case.
use super::CaseFile;
use crate::role::{Actor, Role};
use jiff::civil::DateTime;
use serde::Serialize;

/// Whether `actor` may open the case (read its entries).
pub fn may_open(case: &CaseFile, actor: &Actor) -> bool {
    may_open_as(actor, case.is_assigned(&actor.username))
}

/// [`may_open`] from what a case's sealed summary keeps (whether `actor` is assigned), so that
/// storage can decide before it opens the entries: one rule for the page, the API and the
/// lists.
pub fn may_open_as(actor: &Actor, assigned: bool) -> bool {
    match actor.role {
        Role::Officer | Role::Leader => true,
        r => r.reads_children() && assigned,
    }
}

/// Whether `actor` opens every case, so may be told that one is damaged (hồ sơ bị hỏng)
/// before anyone knows who else may open it.
pub fn opens_every_case(actor: &Actor) -> bool {
    matches!(actor.role, Role::Officer | Role::Leader)
}

/// Whether `actor` may see the case's [`Receipt`]: those who may open it, and its filer.
pub fn may_see_receipt(case: &CaseFile, actor: &Actor) -> bool {
    may_see_receipt_as(
        actor,
        case.is_assigned(&actor.username),
        case.filed_by().map(|(u, _)| u),
    )
}

/// [`may_see_receipt`] from a case's sealed summary: whether `actor` is assigned, and who filed.
pub fn may_see_receipt_as(actor: &Actor, assigned: bool, filed_by: Option<&str>) -> bool {
    may_open_as(actor, assigned) || filed_by == Some(actor.username.as_str())
}

/// What the filer of a report sees: that it was received, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub case_id: i64,
    /// When the report was recorded.
    pub filed_at: DateTime,
    pub filed_by: String,
}

/// The receipt of a case that has its report.
pub fn receipt(case: &CaseFile) -> Option<Receipt> {
    let first = case.entries().first()?;
    Some(Receipt {
        case_id: case.id(),
        filed_at: first.at,
        filed_by: first.by.clone(),
    })
}

/// What the case list shows a person ([`case_listing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseListing {
    /// The cases they may open (possibly none, for the officer and the leader).
    Cases,
    /// Counts by step, never a case.
    Counts,
    /// Nothing: refused.
    Nothing,
}

/// What the case list shows a person of `role`, given how many cases they may open (`None`
/// when storage lists none for them). The officer and the leader see the list, even empty;
/// anyone assigned sees their cases; administrators and the economic office see nothing; a village head files reports
/// and sees their receipts, "nothing more" (not even counts) unless assigned; everyone else
/// sees counts. The page and the API both ask here.
pub fn case_listing(role: Role, opens: Option<usize>) -> CaseListing {
    match (role, opens) {
        (Role::Admin | Role::Economic, _) => CaseListing::Nothing,
        (Role::Officer | Role::Leader, Some(_)) => CaseListing::Cases,
        (_, Some(n)) if n > 0 => CaseListing::Cases,
        (Role::VillageHead, _) => CaseListing::Nothing,
        _ => CaseListing::Counts,
    }
}
