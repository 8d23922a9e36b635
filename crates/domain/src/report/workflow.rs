//! The way a report goes up the chain (quy trình báo cáo), as a state machine: Đang chuẩn bị
//! (each agency writes its section) → Chờ phê duyệt (the officer consolidated and sent it to
//! the leader) → Đã phê duyệt, or Trả lại (the leader returned it with a reason: back to
//! preparation). Who may take each step, and that nothing changes once approved, is decided
//! here; storage asks before it writes, the web maps a [`Refusal`] to 403, 409 or 422.
use crate::plan::Plan;
use crate::role::Role;
use crate::Date;
use serde::{Deserialize, Serialize};

/// Trạng thái báo cáo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Đang chuẩn bị: sections being written.
    Preparing,
    /// Trả lại: the leader returned it with a reason; sections are written again.
    Returned,
    /// Chờ phê duyệt: sent to the leader.
    AwaitingApproval,
    /// Đã phê duyệt: frozen, never changed.
    Approved,
}

/// Trạng thái phần báo cáo của một cơ quan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionState {
    /// Nháp.
    Draft,
    /// Đã nộp.
    Submitted,
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// Mở báo cáo (the officer).
    Open,
    /// Lưu nháp phần của cơ quan.
    SaveSection { agency: &'a str },
    /// Nộp phần của cơ quan.
    SubmitSection { agency: &'a str },
    /// Mở lại phần đã nộp (before the report is sent).
    ReopenSection { agency: &'a str },
    /// Gửi lãnh đạo phê duyệt (the officer).
    Send,
    /// Phê duyệt (the leader).
    Approve,
    /// Trả lại kèm lý do (the leader).
    Return { reason: &'a str },
    /// Lập báo cáo bổ sung from an approved report (the officer).
    Amend,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not this person's step (403).
    #[error("{0}")]
    Forbidden(&'static str),
    /// The report is approved: nothing changes (409).
    #[error("Báo cáo đã được phê duyệt: không sửa được. Cần thay đổi thì lập báo cáo bổ sung.")]
    Approved,
    /// Not in this state (409).
    #[error("{0}")]
    WrongState(&'static str),
    /// A field is missing (422): the field's name and the message.
    #[error("{1}")]
    Invalid(&'static str, &'static str),
}

impl ReportState {
    pub fn code(self) -> &'static str {
        match self {
            ReportState::Preparing => "preparing",
            ReportState::Returned => "returned",
            ReportState::AwaitingApproval => "awaiting_approval",
            ReportState::Approved => "approved",
        }
    }

    pub fn from_code(s: &str) -> Option<ReportState> {
        [
            ReportState::Preparing,
            ReportState::Returned,
            ReportState::AwaitingApproval,
            ReportState::Approved,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ReportState::Preparing => "Đang chuẩn bị",
            ReportState::Returned => "Trả lại",
            ReportState::AwaitingApproval => "Chờ phê duyệt",
            ReportState::Approved => "Đã phê duyệt",
        }
    }

    /// Sections are written in this state.
    pub fn in_preparation(self) -> bool {
        matches!(self, ReportState::Preparing | ReportState::Returned)
    }
}

impl SectionState {
    pub fn code(self) -> &'static str {
        match self {
            SectionState::Draft => "draft",
            SectionState::Submitted => "submitted",
        }
    }

    pub fn from_code(s: &str) -> Option<SectionState> {
        match s {
            "draft" => Some(SectionState::Draft),
            "submitted" => Some(SectionState::Submitted),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            SectionState::Draft => "Nháp",
            SectionState::Submitted => "Đã nộp",
        }
    }
}

/// Whether `role` may take `step` on a report in `state` (`section`: the state of the
/// section the step is about, for section steps). `Ok` carries the report's state after the
/// step and the section's, when the step is about one.
pub fn take(
    plan: &Plan,
    role: Role,
    step: Step<'_>,
    state: ReportState,
    section: Option<SectionState>,
) -> Result<(ReportState, Option<SectionState>), Refusal> {
    use ReportState::*;
    let officer = || {
        (role == Role::Officer)
            .then_some(())
            .ok_or(Refusal::Forbidden(
                "Chỉ cán bộ làm công tác trẻ em được làm bước này.",
            ))
    };
    let leader = || {
        (role == Role::Leader)
            .then_some(())
            .ok_or(Refusal::Forbidden(
                "Chỉ lãnh đạo UBND xã được phê duyệt hoặc trả lại báo cáo.",
            ))
    };
    let writer = |agency: &str| {
        plan.writes_section(role, agency)
            .then_some(())
            .ok_or(Refusal::Forbidden(
                "Chỉ cơ quan phụ trách được sửa, nộp phần báo cáo của mình.",
            ))
    };
    if state == Approved && step != Step::Amend && step != Step::Open {
        return Err(Refusal::Approved);
    }
    const SENT: Refusal = Refusal::WrongState(
        "Báo cáo đã gửi lãnh đạo: chờ phê duyệt hoặc trả lại mới sửa được các phần.",
    );
    match step {
        Step::Open => officer().map(|_| (Preparing, None)),
        Step::SaveSection { agency } | Step::SubmitSection { agency } => {
            writer(agency)?;
            if !state.in_preparation() {
                return Err(SENT);
            }
            if section == Some(SectionState::Submitted) {
                return Err(Refusal::WrongState(
                    "Phần này đã nộp: mở lại phần trước khi sửa.",
                ));
            }
            let after = match step {
                Step::SubmitSection { .. } => SectionState::Submitted,
                _ => SectionState::Draft,
            };
            Ok((state, Some(after)))
        }
        Step::ReopenSection { agency } => {
            writer(agency)?;
            if !state.in_preparation() {
                return Err(SENT);
            }
            if section != Some(SectionState::Submitted) {
                return Err(Refusal::WrongState("Phần này chưa nộp."));
            }
            Ok((state, Some(SectionState::Draft)))
        }
        Step::Send => {
            officer()?;
            if !state.in_preparation() {
                return Err(Refusal::WrongState("Báo cáo đã gửi lãnh đạo."));
            }
            Ok((AwaitingApproval, None))
        }
        Step::Approve | Step::Return { .. } => {
            leader()?;
            if state != AwaitingApproval {
                return Err(Refusal::WrongState(
                    "Báo cáo chưa được gửi lãnh đạo phê duyệt.",
                ));
            }
            if let Step::Return { reason } = step {
                if reason.trim().is_empty() {
                    return Err(Refusal::Invalid("reason", "Cần ghi lý do trả lại báo cáo."));
                }
                return Ok((Returned, None));
            }
            Ok((Approved, None))
        }
        Step::Amend => {
            officer()?;
            if state != Approved {
                return Err(Refusal::WrongState(
                    "Chỉ lập báo cáo bổ sung cho báo cáo đã phê duyệt.",
                ));
            }
            Ok((Preparing, None))
        }
    }
}

/// Whether a report (or a section of it) is late on `today`: not approved (a section: not
/// submitted while the report is in preparation) and `today` is on or after the day it was due
/// before.
pub fn overdue(
    today: Date,
    due_before: Date,
    state: ReportState,
    section: Option<SectionState>,
) -> bool {
    let open = match section {
        Some(s) => state.in_preparation() && s == SectionState::Draft,
        None => state != ReportState::Approved,
    };
    open && today >= due_before
}

/// Who reads the reports: everyone of the commune who writes a section or approves; not the
/// administrator (no child data) nor the province (it receives the package).
pub fn may_read(role: Role) -> bool {
    !matches!(role, Role::Admin | Role::Province)
}
