//! The plan submitted to the leader (Mẫu 05) as it stood then, and the leader's answer.
use super::{CaseEntry, CaseFile, CaseState, EntryKind, SupportPlan};

/// The last submission of a plan to the leader ([`CaseFile::last_submission`]).
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    /// The `SubmitForApproval` entry (as first recorded: its number and time).
    pub submit: &'a CaseEntry,
    /// The plan submitted: the last one drafted before, in its version of that moment
    /// (replacements written after the submission are not what the leader saw).
    pub plan_entry: &'a CaseEntry,
    pub plan: &'a SupportPlan,
    /// The leader's answer to this submission (approve or return), if any.
    pub answer: Option<&'a CaseEntry>,
    /// The decision number of the approval as corrected (trimmed; `None` when blank).
    pub decision_no: Option<String>,
}

impl Submission<'_> {
    /// The approval of this submission, if the leader approved it.
    pub fn approval(&self) -> Option<&CaseEntry> {
        self.answer
            .filter(|e| matches!(e.kind, EntryKind::Approve { .. }))
    }
}

impl CaseFile {
    /// The last plan submitted to the leader, the plan as submitted and the answer; `None`
    /// before any submission.
    pub fn last_submission(&self) -> Option<Submission<'_>> {
        let submit = self.entries.iter().rev().find(|e| {
            e.corrects.is_none() && matches!(e.kind, EntryKind::SubmitForApproval { .. })
        })?;
        let mut plan_entry = self.entries.iter().rev().find(|e| {
            e.seq < submit.seq && e.corrects.is_none() && matches!(e.kind, EntryKind::Plan(_))
        })?;
        while let Some(n) = self.replaced_by(plan_entry.seq).filter(|n| *n < submit.seq) {
            match self.entry(n) {
                Some(e) => plan_entry = e,
                None => break,
            }
        }
        let EntryKind::Plan(plan) = &plan_entry.kind else {
            return None;
        };
        let answer = self.entries.iter().find(|e| {
            e.seq > submit.seq
                && e.corrects.is_none()
                && e.from == CaseState::AwaitingApproval
                && matches!(e.kind, EntryKind::Approve { .. } | EntryKind::Return { .. })
        });
        let decision_no = answer
            .filter(|e| matches!(e.kind, EntryKind::Approve { .. }))
            .and_then(|e| self.latest(e.seq))
            .and_then(|e| match &e.kind {
                EntryKind::Approve { decision_no, .. } => decision_no.clone(),
                _ => None,
            })
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        Some(Submission {
            submit,
            plan_entry,
            plan,
            answer,
            decision_no,
        })
    }
}
