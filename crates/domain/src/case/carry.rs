//! What a new step's form starts with from the steps before it (kế thừa thông tin giữa các
//! bước), so that nobody types the same ratings and needs twice, and what the leader sees of
//! the plan they are asked to approve. Everything carried is only a starting point: the form
//! stays editable, and what is saved is what the person confirms.
use super::{CaseFile, CaseState, EntryKind, RatedItem, SupportPlan};
use crate::role::Role;

/// What a step's form is filled with before anyone types ([`carried`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carried<'a> {
    /// The ratings of the latest assessment (Mẫu 02, the specific assessment or Mẫu 06).
    pub ratings: &'a [RatedItem],
    /// The latest plan drafted, to draft again from (Mẫu 04).
    pub plan: Option<&'a SupportPlan>,
    /// A first plan's objectives: the child's needs found at the specific assessment.
    pub objectives: &'a [String],
}

/// What the form of step `code` starts with on `case`:
///
/// * the specific assessment and the review (Mẫu 06) start from the latest ratings;
/// * a plan starts from the last plan, or, for a first plan, with the needs found as its
///   objectives.
pub fn carried<'a>(case: &'a CaseFile, code: &str) -> Carried<'a> {
    match code {
        "specific_assessment" | "review" => Carried {
            ratings: latest_ratings(case),
            ..Carried::default()
        },
        "plan" => match case.current_plan() {
            Some(p) => Carried {
                plan: Some(p),
                ..Carried::default()
            },
            None => Carried {
                objectives: latest_needs(case),
                ..Carried::default()
            },
        },
        _ => Carried::default(),
    }
}

/// The plan a leader is asked to approve: the latest plan while the case awaits approval.
pub fn plan_to_approve(case: &CaseFile) -> Option<&SupportPlan> {
    (case.state() == CaseState::AwaitingApproval)
        .then(|| case.current_plan())
        .flatten()
}

/// Whether a case in `state` waits for a person of `role` (the leader's approvals: a plan, or
/// a closing), to flag it on their home page.
pub fn waits_for(state: CaseState, role: Role) -> bool {
    role == Role::Leader
        && matches!(
            state,
            CaseState::AwaitingApproval | CaseState::AwaitingClosure
        )
}

/// The ratings of the latest entry that rated the child, as corrected (struck entries left out).
fn latest_ratings(case: &CaseFile) -> &[RatedItem] {
    case.effective()
        .into_iter()
        .rev()
        .find_map(|e| match &e.kind {
            EntryKind::InitialAssessment(a) if !a.ratings.is_empty() => Some(&a.ratings[..]),
            EntryKind::SpecificAssessment(s) if !s.ratings.is_empty() => Some(&s.ratings[..]),
            EntryKind::Review(r) if !r.ratings.is_empty() => Some(&r.ratings[..]),
            _ => None,
        })
        .unwrap_or(&[])
}

/// The needs found at the latest specific assessment, as corrected.
fn latest_needs(case: &CaseFile) -> &[String] {
    case.effective()
        .into_iter()
        .rev()
        .find_map(|e| match &e.kind {
            EntryKind::SpecificAssessment(s) => Some(&s.needs[..]),
            _ => None,
        })
        .unwrap_or(&[])
}
