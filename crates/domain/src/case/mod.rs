//! The case file (hồ sơ trường hợp) of Nghị định 56/2017/NĐ-CP, Chương III (Điều 24–32): the
//! steps from the report to the closing, who may record each, the deadlines, who may see a case,
//! and the target-16 figures.
//!
//! A case is an append-only list of [`CaseEntry`]s. Nothing is deleted or edited: a wrong entry
//! is corrected by a later one that points to it ([`correct`] for a replacement,
//! [`EntryKind::Correction`] to strike out a service, visit or referral). Each entry records who
//! ([`CaseEntry::by`], [`CaseEntry::role`]), when ([`CaseEntry::at`], Vietnam local time), why
//! (the reason or note inside the entry) and the transition ([`CaseEntry::from`] →
//! [`CaseEntry::to`]). The state and the assignments are derived from the entries;
//! [`CaseFile::replay`] rebuilds a case from stored entries.
//!
//! # States
//!
//! A state names the step the case is waiting for:
//!
//! ```text
//!            Intake ──Intake (Mẫu 01)──► InitialAssessment
//!                                            │ InitialAssessment (Mẫu 02)
//!                          serious_harm ┌────┴────┐ otherwise
//!                                       ▼         │
//!                                  Emergency      │
//!                 EmergencyMeasures │  (≤ 12 h)   │
//!                                   ▼             ▼
//!                                 SpecificAssessment
//!                                       │ SpecificAssessment (information, needs, meeting)
//!                                       ▼
//!        ┌────────Return(reason)──── Planning ◄─┐ Plan (Mẫu 04), any number of drafts
//!        │                              │       │
//!        │           SubmitForApproval  │       │ (≤ 5 working days after the intake)
//!        │           (Mẫu 05)           ▼       │
//!        └─────────────────────── AwaitingApproval
//!                                       │ Approve (leader)
//!                                       ▼
//!                                Implementation ◄── Service, Visit, Referral, ReferralAnswer
//!                                       │
//!                          Review (Mẫu 06) ─── decision Replan ──► Planning (new round)
//!                                       │ decision Close
//!                                       ▼
//!       Review ◄──Return(reason)── AwaitingClosure ──Approve (leader)──► Closed
//!         │
//!         └── Review (Mẫu 06) again: Close ► AwaitingClosure, Replan ► Planning
//! ```
//!
//! `Intake` is the state of a new, empty case ([`CaseFile::new`]): its only allowed entry is the
//! Mẫu 01 report. The closing needs the leader, like the plan: a review that proposes to close
//! moves the case to [`CaseState::AwaitingClosure`] (a state, not a flag, so that the open-case
//! lists and the rules stay one `match`); the leader approves (→ `Closed`) or refuses with a
//! reason (→ `Review`: the officer reviews again, and may continue services meanwhile).
//!
//! # Who may record what
//!
//! | entry | roles | states |
//! |---|---|---|
//! | `Intake` | officer, village head, police, health | `Intake` |
//! | `InitialAssessment` | officer | `InitialAssessment` |
//! | `EmergencyMeasures` | officer | `Emergency` (→ `SpecificAssessment`); any later open state (no move) |
//! | `SpecificAssessment` | officer | `SpecificAssessment` |
//! | `Plan`, `SubmitForApproval` | officer | `Planning` (submitting needs a plan drafted in this round) |
//! | `Approve`, `Return` | leader | `AwaitingApproval`, `AwaitingClosure` |
//! | `Service`, `Visit`, `ReferralAnswer`, `OffenderHandling` | officer, or anyone assigned (any role) | every open state after the intake |
//! | `Referral` | officer | every open state after the intake |
//! | `Review` | officer | `Implementation`, `Review` |
//! | `Assign` | officer, leader | every open state after the intake |
//! | `Unassign` | officer, leader | every state after the intake, `Closed` included |
//! | `Correction`, [`correct`] | the corrected entry's author (while they may open the case), or the officer | every state after the intake |
//!
//! The emergency rule: emergency measures are required exactly when the initial assessment
//! sets [`InitialAssessment::serious_harm`] (the officer's judgement under Điều 26 khoản 3:
//! "nguy cơ hoặc đang bị tổn hại nghiêm trọng về tính mạng, sức khỏe, nhân phẩm"); the ratings
//! inform it but do not decide it, since the forms give no cut-off. Emergency measures taken
//! later (the situation worsened) may be recorded in any open state; they do not move the case.
//!
//! A role is checked before the state: a role that may never record an entry kind gets
//! [`CaseError::WrongRole`] (or [`CaseError::NotAssigned`] for the kinds open to assigned
//! people), a role that may record it, but not now, gets [`CaseError::WrongState`].
//!
//! Corrections never move the case. A replacement ([`correct`]) must be of the same kind as the
//! entry it corrects and may not change what chose the path: the `serious_harm` flag of an
//! initial assessment and the decision of a review; a plan can be replaced only while the case
//! is in `Planning` (an approved plan changes through a review and a new plan). Views
//! ([`CaseFile::effective`], [`CaseFile::intake`], the deadlines, the indicators) use the latest
//! replacement and ignore struck-out entries.
//!
//! Pure: no I/O. The storage layer keeps the entries (encrypting the narratives) and the
//! user names; the web layer maps [`CaseError`] to HTTP.

mod access;
pub mod calendar;
mod carry;
mod deadline;
mod entry;
mod indicator;
mod machine;
mod offer;
mod submission;

#[cfg(test)]
mod tests;

pub use access::{
    case_listing, may_open, may_open_as, may_see_receipt, may_see_receipt_as, opens_every_case,
    receipt, CaseListing, Receipt,
};
pub use calendar::{
    embedded as embedded_calendar, CalendarError, Holiday, HolidayOrigin, LunarYear,
    WorkingCalendar,
};
pub use carry::{carried, plan_to_approve, waits_for, Carried};
pub use deadline::{
    deadlines, deadlines_with, next_deadline, next_deadline_with, urgency, working_days_left,
    Deadline, DeadlineKind, DeadlineRules, Urgency,
};
pub use entry::{
    rating_counts, AbuseType, Attendee, Channel, ChildRef, EmergencyKind, EmergencyMeasures,
    EntryKind, Handling, Informant, InitialAssessment, Intake, IntakeCategory, Measure,
    MeasureKind, Meeting, NewChild, OffenderHandling, Parent, ProtectionLevel, RatedItem, Rating,
    Referral, ReferralBody, Review, ReviewDecision, Service, SexualAbuseKind, SpecificAssessment,
    SupportPlan, Visit, STANDARD_ITEMS,
};
pub use indicator::{
    abused_with_intervention, plans_approved_on_time, plans_approved_on_time_with, PlanRef,
};
pub use machine::{actions, apply, correct};
pub use offer::{
    answerable_referrals, assignable_roles, default_channel, may_file_report, may_record,
    may_replace, may_strike, offered_steps, strikable,
};
pub use submission::Submission;

use crate::role::Role;
use crate::validation::FieldErrors;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

/// The step a case is waiting for (see the module documentation for the diagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// A new case: the report (Mẫu 01) is to be recorded.
    Intake,
    /// Reported: the initial assessment (Mẫu 02) is due.
    InitialAssessment,
    /// Serious harm: emergency measures are due within 12 hours of the intake.
    Emergency,
    /// Information gathering, specific assessment and the needs meeting.
    SpecificAssessment,
    /// The plan (Mẫu 04) is being drafted.
    Planning,
    /// The plan is with the leader (Mẫu 05).
    AwaitingApproval,
    /// The approved plan is carried out.
    Implementation,
    /// The leader refused the closing: the officer reviews again.
    Review,
    /// The review proposes to close: the leader decides.
    AwaitingClosure,
    Closed,
}

pub const ALL_STATES: [CaseState; 10] = [
    CaseState::Intake,
    CaseState::InitialAssessment,
    CaseState::Emergency,
    CaseState::SpecificAssessment,
    CaseState::Planning,
    CaseState::AwaitingApproval,
    CaseState::Implementation,
    CaseState::Review,
    CaseState::AwaitingClosure,
    CaseState::Closed,
];

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Intake => "intake",
            CaseState::InitialAssessment => "initial_assessment",
            CaseState::Emergency => "emergency",
            CaseState::SpecificAssessment => "specific_assessment",
            CaseState::Planning => "planning",
            CaseState::AwaitingApproval => "awaiting_approval",
            CaseState::Implementation => "implementation",
            CaseState::Review => "review",
            CaseState::AwaitingClosure => "awaiting_closure",
            CaseState::Closed => "closed",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            CaseState::Intake => "Tiếp nhận thông tin",
            CaseState::InitialAssessment => "Đánh giá ban đầu",
            CaseState::Emergency => "Can thiệp khẩn cấp",
            CaseState::SpecificAssessment => "Thu thập thông tin, đánh giá cụ thể",
            CaseState::Planning => "Xây dựng kế hoạch hỗ trợ, can thiệp",
            CaseState::AwaitingApproval => "Chờ phê duyệt kế hoạch",
            CaseState::Implementation => "Thực hiện kế hoạch",
            CaseState::Review => "Rà soát, đánh giá lại",
            CaseState::AwaitingClosure => "Chờ phê duyệt kết thúc",
            CaseState::Closed => "Đã kết thúc",
        }
    }

    /// Not closed.
    pub fn is_open(self) -> bool {
        self != CaseState::Closed
    }
}

/// One recorded step. Entries are numbered from 1 in the order recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEntry {
    pub seq: u32,
    /// When it was recorded (Vietnam local time).
    pub at: DateTime,
    /// Username of who recorded it.
    pub by: String,
    /// Their role when they recorded it.
    pub role: Role,
    pub kind: EntryKind,
    /// Set on a replacement: the entry it replaces.
    #[serde(default)]
    pub corrects: Option<u32>,
    /// The state before and after this entry (equal when the entry does not move the case).
    pub from: CaseState,
    pub to: CaseState,
}

/// Someone assigned to the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub username: String,
    pub role: Role,
    /// The `Assign` entry.
    pub seq: u32,
}

/// A case: its entries and what they add up to. Built only by [`CaseFile::new`], [`apply`],
/// [`correct`] and [`CaseFile::replay`], so the derived fields always match the entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFile {
    id: i64,
    state: CaseState,
    entries: Vec<CaseEntry>,
    assigned: Vec<Assignment>,
    /// Planning rounds started: 1 after the specific assessment, +1 at each review "Replan".
    round: u32,
    /// The entry that started the current round (0 before planning).
    round_start: u32,
}

/// Why an entry was refused. Messages are in Vietnamese, for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("Vai trò «{}» không được {action}", role.label_vi())]
    WrongRole { action: &'static str, role: Role },
    #[error("Chỉ người được phân công vào hồ sơ này mới được {action}")]
    NotAssigned { action: &'static str },
    #[error("Không thể {action} khi hồ sơ đang ở bước «{}»", state.label_vi())]
    WrongState {
        action: &'static str,
        state: CaseState,
    },
    #[error("Thông tin chưa đủ hoặc chưa đúng: {0}")]
    Invalid(FieldErrors),
    #[error("Chưa có kế hoạch (Mẫu 04) trong lần lập kế hoạch này để trình phê duyệt")]
    NoPlan,
    #[error("Hồ sơ không có mục số {0}")]
    NoSuchEntry(u32),
    #[error("Mục số {seq} ({kind}) không đính chính được: {why}")]
    NotCorrectable {
        seq: u32,
        kind: &'static str,
        why: &'static str,
    },
    #[error("Mục số {seq} đã được thay bằng mục số {by}: hãy đính chính mục mới nhất")]
    AlreadyCorrected { seq: u32, by: u32 },
    #[error(
        "Chỉ người ghi mục số {seq} hoặc cán bộ làm công tác trẻ em mới được đính chính mục đó"
    )]
    NotAuthor { seq: u32 },
    #[error("Thời điểm ghi {at} sớm hơn mục đã ghi trước đó ({last})")]
    TimeOrder { at: DateTime, last: DateTime },
    #[error("Người này đã được phân công vào hồ sơ")]
    AlreadyAssigned,
    #[error("Người này không có trong danh sách phân công của hồ sơ")]
    NotInAssignment,
    #[error("Mục lưu số {seq} không khớp với hồ sơ: {why}")]
    Corrupt { seq: u32, why: String },
}

impl CaseFile {
    /// A new, empty case in state [`CaseState::Intake`].
    pub fn new(id: i64) -> CaseFile {
        CaseFile {
            id,
            state: CaseState::Intake,
            entries: Vec::new(),
            assigned: Vec::new(),
            round: 0,
            round_start: 0,
        }
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn state(&self) -> CaseState {
        self.state
    }

    pub fn is_open(&self) -> bool {
        self.state.is_open()
    }

    /// Every entry, in order (struck-out and replaced ones included).
    pub fn entries(&self) -> &[CaseEntry] {
        &self.entries
    }

    pub fn entry(&self, seq: u32) -> Option<&CaseEntry> {
        // seq n is at index n-1 (checked by apply and replay).
        seq.checked_sub(1)
            .and_then(|i| self.entries.get(i as usize))
            .filter(|e| e.seq == seq)
    }

    /// People assigned now.
    pub fn assigned(&self) -> &[Assignment] {
        &self.assigned
    }

    pub fn is_assigned(&self, username: &str) -> bool {
        self.assigned.iter().any(|a| a.username == username)
    }

    /// The planning round (0 before the first plan is due).
    pub fn round(&self) -> u32 {
        self.round
    }

    /// Who filed the report (username, role): the author of entry 1.
    pub fn filed_by(&self) -> Option<(&str, Role)> {
        self.entries.first().map(|e| (e.by.as_str(), e.role))
    }

    /// The entry that replaces `seq`, if one does.
    pub fn replaced_by(&self, seq: u32) -> Option<u32> {
        self.entries
            .iter()
            .find(|e| e.corrects == Some(seq))
            .map(|e| e.seq)
    }

    /// The `Correction` entry that strikes out `seq`, if one does.
    pub fn struck_out_by(&self, seq: u32) -> Option<u32> {
        self.entries
            .iter()
            .find(|e| matches!(e.kind, EntryKind::Correction { of, .. } if of == seq))
            .map(|e| e.seq)
    }

    /// The latest version of entry `seq` (itself when never replaced).
    pub fn latest(&self, seq: u32) -> Option<&CaseEntry> {
        let mut e = self.entry(seq)?;
        while let Some(n) = self.replaced_by(e.seq) {
            e = self.entry(n)?;
        }
        Some(e)
    }

    /// The entries as they stand: replaced entries give way to their replacement (shown at the
    /// replacement's place), struck-out entries and correction notes are left out.
    pub fn effective(&self) -> Vec<&CaseEntry> {
        self.entries
            .iter()
            .filter(|e| {
                self.replaced_by(e.seq).is_none()
                    && self.struck_out_by(e.seq).is_none()
                    && !matches!(e.kind, EntryKind::Correction { .. })
            })
            .collect()
    }

    /// The report (Mẫu 01) as corrected.
    pub fn intake(&self) -> Option<&Intake> {
        match &self.latest(1)?.kind {
            EntryKind::Intake(i) => Some(i),
            _ => None,
        }
    }

    /// When the information was received (the corrected Mẫu 01 hour).
    pub fn received_at(&self) -> Option<DateTime> {
        self.intake().map(|i| i.received_at)
    }

    /// The initial assessment (Mẫu 02) as corrected.
    pub fn initial_assessment(&self) -> Option<&InitialAssessment> {
        self.first_of(|k| matches!(k, EntryKind::InitialAssessment(_)))
            .and_then(|e| match &e.kind {
                EntryKind::InitialAssessment(a) => Some(a),
                _ => None,
            })
    }

    /// The latest plan drafted (Mẫu 04), as corrected.
    pub fn current_plan(&self) -> Option<&SupportPlan> {
        let first = self
            .entries
            .iter()
            .rev()
            .find(|e| e.corrects.is_none() && matches!(e.kind, EntryKind::Plan(_)))?;
        match &self.latest(first.seq)?.kind {
            EntryKind::Plan(p) => Some(p),
            _ => None,
        }
    }

    /// The latest version of the last original entry whose kind matches.
    pub fn last_of(&self, f: impl Fn(&EntryKind) -> bool) -> Option<&CaseEntry> {
        let last = self
            .entries
            .iter()
            .rev()
            .find(|e| e.corrects.is_none() && f(&e.kind))?;
        self.latest(last.seq)
    }

    /// The latest version of the first original entry whose kind matches.
    pub fn first_of(&self, f: impl Fn(&EntryKind) -> bool) -> Option<&CaseEntry> {
        let first = self
            .entries
            .iter()
            .find(|e| e.corrects.is_none() && f(&e.kind))?;
        self.latest(first.seq)
    }
}
