//! What each step records (Nghị định 56/2017/NĐ-CP, Mẫu 01–06), as entry kinds: the report
//! ([`intake`]), the assessments ([`assessment`]), the plan ([`plan`]) and what follows it
//! ([`follow_up`]), each kind's checks of itself ([`checks`]) and sizes ([`limits`]).
//!
//! Narratives are plain `String`s here; the storage layer encrypts them at rest. Field-level
//! checks that need nothing but the entry itself are in [`EntryKind::validate`]; checks against
//! the case (times after the intake, the referral answered exists, …) are in the state machine.
mod assessment;
mod checks;
mod follow_up;
mod intake;
mod limits;
mod plan;

pub use assessment::*;
pub use follow_up::*;
pub use intake::*;
pub use plan::*;

use crate::role::Role;
use crate::validation::FieldErrors;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What an entry records. See [`super`] for which role may record each, in which state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// Mẫu 01.
    Intake(Box<Intake>),
    /// Mẫu 02.
    InitialAssessment(InitialAssessment),
    EmergencyMeasures(EmergencyMeasures),
    SpecificAssessment(SpecificAssessment),
    /// Mẫu 04 (a draft; the latest one submitted is the plan).
    Plan(SupportPlan),
    /// Mẫu 05: the draft decision and plan go to the leader.
    SubmitForApproval {
        #[serde(default)]
        note: String,
    },
    /// The leader approves the plan, or the closing.
    Approve {
        #[serde(default)]
        decision_no: Option<String>,
        #[serde(default)]
        note: String,
    },
    /// The leader returns the plan, or refuses the closing, with a reason.
    Return {
        reason: String,
    },
    Service(Service),
    Visit(Visit),
    Referral(Referral),
    /// The answer of the body a referral (entry `referral`) went to.
    ReferralAnswer {
        referral: u32,
        date: Date,
        answer: String,
    },
    /// How the offender was dealt with (target 16).
    OffenderHandling(OffenderHandling),
    /// Mẫu 06.
    Review(Review),
    /// Strikes out entry `of` (a service, visit, referral or answer recorded by mistake).
    /// Entries that moved the case are corrected by a replacement instead
    /// ([`super::correct`]).
    Correction {
        of: u32,
        note: String,
    },
    /// Gives `username` access to the case and the right to record services, visits and
    /// referral answers.
    Assign {
        username: String,
        role: Role,
    },
    Unassign {
        username: String,
        #[serde(default)]
        reason: String,
    },
}

impl EntryKind {
    /// A code for logs and the API (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            EntryKind::Intake(_) => "intake",
            EntryKind::InitialAssessment(_) => "initial_assessment",
            EntryKind::EmergencyMeasures(_) => "emergency_measures",
            EntryKind::SpecificAssessment(_) => "specific_assessment",
            EntryKind::Plan(_) => "plan",
            EntryKind::SubmitForApproval { .. } => "submit_for_approval",
            EntryKind::Approve { .. } => "approve",
            EntryKind::Return { .. } => "return",
            EntryKind::Service(_) => "service",
            EntryKind::Visit(_) => "visit",
            EntryKind::Referral(_) => "referral",
            EntryKind::ReferralAnswer { .. } => "referral_answer",
            EntryKind::OffenderHandling(_) => "offender_handling",
            EntryKind::Review(_) => "review",
            EntryKind::Correction { .. } => "correction",
            EntryKind::Assign { .. } => "assign",
            EntryKind::Unassign { .. } => "unassign",
        }
    }

    /// The action, as error messages name it ("không được {label}").
    pub fn label_vi(&self) -> &'static str {
        match self {
            EntryKind::Intake(_) => "tiếp nhận thông tin (Mẫu 01)",
            EntryKind::InitialAssessment(_) => "đánh giá ban đầu (Mẫu 02)",
            EntryKind::EmergencyMeasures(_) => "ghi biện pháp khẩn cấp",
            EntryKind::SpecificAssessment(_) => "đánh giá cụ thể và họp xác định nhu cầu",
            EntryKind::Plan(_) => "lập kế hoạch hỗ trợ, can thiệp (Mẫu 04)",
            EntryKind::SubmitForApproval { .. } => "trình phê duyệt kế hoạch (Mẫu 05)",
            EntryKind::Approve { .. } => "phê duyệt",
            EntryKind::Return { .. } => "trả lại",
            EntryKind::Service(_) => "ghi dịch vụ đã cung cấp",
            EntryKind::Visit(_) => "ghi lần thăm",
            EntryKind::Referral(_) => "chuyển gửi",
            EntryKind::ReferralAnswer { .. } => "ghi trả lời chuyển gửi",
            EntryKind::OffenderHandling(_) => "ghi việc xử lý người vi phạm",
            EntryKind::Review(_) => "rà soát, đánh giá (Mẫu 06)",
            EntryKind::Correction { .. } => "đính chính",
            EntryKind::Assign { .. } => "phân công người tham gia",
            EntryKind::Unassign { .. } => "thôi phân công",
        }
    }

    /// Whether two kinds are the same variant (a replacement must be).
    pub fn same_kind(&self, other: &EntryKind) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Sizes against [`crate::limits`]: every text within its length, every list within its
    /// count, every date within [`limits::DATE_YEARS`]. Checked when an entry is recorded (before
    /// [`EntryKind::validate`], which then never walks a list past its limit), not when a
    /// stored case is replayed: entries recorded before a limit existed stay readable.
    pub fn check_limits(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        limits::within_limits(self, &mut e);
        e
    }
}
