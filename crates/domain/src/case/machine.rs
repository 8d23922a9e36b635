//! The state machine: [`apply`], [`correct`] and [`CaseFile::replay`]. Rules are in the parent
//! module's documentation.
use super::{Assignment, CaseEntry, CaseError, CaseFile, CaseState, EntryKind, ReviewDecision};
use crate::role::{Actor, Role};
use crate::validation::FieldErrors;
use jiff::civil::{Date, DateTime};

/// Who records an entry: the acting user, or the recorded author during a replay.
struct Who<'a> {
    username: &'a str,
    role: Role,
}

/// Records `entry` by `actor` at `at` (Vietnam local time), or says why not. The case is not
/// changed: the result is the new case.
pub fn apply(
    case: &CaseFile,
    actor: &Actor,
    entry: EntryKind,
    at: DateTime,
) -> Result<CaseFile, CaseError> {
    let who = Who {
        username: &actor.username,
        role: actor.role,
    };
    step(case, &who, entry, None, at, true)
}

/// Records `replacement` as the corrected version of entry `of` (it gets `corrects = of`). The
/// case does not move; see the parent module for what may be replaced and by whom.
pub fn correct(
    case: &CaseFile,
    actor: &Actor,
    of: u32,
    replacement: EntryKind,
    at: DateTime,
) -> Result<CaseFile, CaseError> {
    let who = Who {
        username: &actor.username,
        role: actor.role,
    };
    step(case, &who, replacement, Some(of), at, true)
}

impl CaseFile {
    /// The case as it had been recorded by the end of `day` (the entries recorded by then,
    /// replayed), for the figures as an earlier report saw them
    /// ([`crate::indicator::Known::RecordedBy`]); `None` when nothing had been recorded yet.
    pub fn as_recorded_by(&self, day: jiff::civil::Date) -> Option<CaseFile> {
        let entries: Vec<CaseEntry> = self
            .entries
            .iter()
            .take_while(|e| e.at.date() <= day)
            .cloned()
            .collect();
        if entries.is_empty() {
            return None;
        }
        if entries.len() == self.entries.len() {
            return Some(self.clone());
        }
        // A prefix of entries that replayed whole replays too.
        CaseFile::replay(self.id, entries).ok()
    }

    /// Rebuilds a case from its stored entries. Rights are not checked again (they were when
    /// each entry was recorded, and the rules may have changed since); the order, the numbering,
    /// the transitions and the data are, and an entry whose recorded `from`/`to` differ from
    /// what the rules give is [`CaseError::Corrupt`].
    pub fn replay(id: i64, entries: Vec<CaseEntry>) -> Result<CaseFile, CaseError> {
        let mut case = CaseFile::new(id);
        for e in entries {
            let seq = e.seq;
            let expected = case.entries.len() as u32 + 1;
            if seq != expected {
                return Err(CaseError::Corrupt {
                    seq,
                    why: format!("số thứ tự phải là {expected}"),
                });
            }
            let (from, to) = (e.from, e.to);
            let who = Who {
                username: &e.by,
                role: e.role,
            };
            let next =
                step(&case, &who, e.kind.clone(), e.corrects, e.at, false).map_err(|err| {
                    CaseError::Corrupt {
                        seq,
                        why: err.to_string(),
                    }
                })?;
            let last = next.entries.last().expect("step adds an entry");
            if last.from != from || last.to != to {
                return Err(CaseError::Corrupt {
                    seq,
                    why: format!(
                        "chuyển bước ghi là {} → {}, theo quy tắc là {} → {}",
                        from.as_str(),
                        to.as_str(),
                        last.from.as_str(),
                        last.to.as_str()
                    ),
                });
            }
            case = next;
        }
        Ok(case)
    }
}

fn step(
    case: &CaseFile,
    who: &Who,
    kind: EntryKind,
    corrects: Option<u32>,
    at: DateTime,
    check_rights: bool,
) -> Result<CaseFile, CaseError> {
    // Sizes are checked when an entry is recorded (with the rights), not on replay: see
    // `EntryKind::check_limits`.
    if check_rights {
        let too_big = kind.check_limits();
        if !too_big.is_empty() {
            return Err(CaseError::Invalid(too_big));
        }
    }
    let to = match corrects {
        Some(of) => {
            check_replacement(case, who, of, &kind, check_rights)?;
            case.state
        }
        None => transition(case, who, &kind, check_rights)?,
    };
    if let Some(last) = case.entries.last() {
        if at < last.at {
            return Err(CaseError::TimeOrder { at, last: last.at });
        }
    }
    let errors = kind.validate();
    if !errors.is_empty() {
        return Err(CaseError::Invalid(errors));
    }
    check_context(case, &kind, at, corrects)?;

    let mut next = case.clone();
    let seq = case.entries.len() as u32 + 1;
    if corrects.is_none() {
        match &kind {
            EntryKind::Assign { username, role } => next.assigned.push(Assignment {
                username: username.clone(),
                role: *role,
                seq,
            }),
            EntryKind::Unassign { username, .. } => {
                next.assigned.retain(|a| a.username != *username)
            }
            _ => {}
        }
        let new_round = to == CaseState::Planning
            && matches!(
                case.state,
                CaseState::SpecificAssessment | CaseState::Implementation | CaseState::Review
            );
        if new_round {
            next.round += 1;
            next.round_start = seq;
        }
    }
    next.state = to;
    next.entries.push(CaseEntry {
        seq,
        at,
        by: who.username.to_string(),
        role: who.role,
        kind,
        corrects,
        from: case.state,
        to,
    });
    Ok(next)
}

/// The roles that may record a report (Mẫu 01), and so open a case.
pub(super) const REPORTERS: [Role; 4] =
    [Role::Officer, Role::VillageHead, Role::Police, Role::Health];

/// Whether `actor` may strike out entry `seq` now: the [`EntryKind::Correction`] would pass
/// the rights and the state (its note is not looked at).
pub(super) fn accepts_correction(case: &CaseFile, actor: &Actor, seq: u32) -> bool {
    let who = Who {
        username: &actor.username,
        role: actor.role,
    };
    let strike = EntryKind::Correction {
        of: seq,
        note: String::new(),
    };
    transition(case, &who, &strike, true).is_ok()
}

/// Whether `actor` may write a replacement of entry `seq` now: [`correct`] with an entry of the
/// same kind, changing nothing that chose the path, would pass the rights and the state.
pub(super) fn accepts_replacement(case: &CaseFile, actor: &Actor, seq: u32) -> bool {
    let Some(target) = case.entry(seq) else {
        return false;
    };
    let who = Who {
        username: &actor.username,
        role: actor.role,
    };
    check_replacement(case, &who, seq, &target.kind, true).is_ok()
}

/// The roles that may record each kind, whatever the state (`None`: the officer or anyone
/// assigned; corrections: the author or the officer, checked separately).
fn allowed_roles(kind: &EntryKind) -> Option<&'static [Role]> {
    use Role::*;
    match kind {
        EntryKind::Intake(_) => Some(&REPORTERS),
        EntryKind::InitialAssessment(_)
        | EntryKind::EmergencyMeasures(_)
        | EntryKind::SpecificAssessment(_)
        | EntryKind::Plan(_)
        | EntryKind::SubmitForApproval { .. }
        | EntryKind::Referral(_)
        | EntryKind::Review(_) => Some(&[Officer]),
        EntryKind::Approve { .. } | EntryKind::Return { .. } => Some(&[Leader]),
        EntryKind::Assign { .. } | EntryKind::Unassign { .. } => Some(&[Officer, Leader]),
        EntryKind::Service(_)
        | EntryKind::Visit(_)
        | EntryKind::ReferralAnswer { .. }
        | EntryKind::OffenderHandling(_)
        | EntryKind::Correction { .. } => None,
    }
}

/// May `who` open the case (the same rule as [`super::may_open`])?
fn may_open_as(case: &CaseFile, who: &Who) -> bool {
    match who.role {
        Role::Officer | Role::Leader => true,
        r => r.reads_children() && case.is_assigned(who.username),
    }
}

fn transition(
    case: &CaseFile,
    who: &Who,
    kind: &EntryKind,
    check: bool,
) -> Result<CaseState, CaseError> {
    use CaseState::*;
    let s = case.state;
    let action = kind.label_vi();
    if check {
        match allowed_roles(kind) {
            Some(roles) if !roles.contains(&who.role) => {
                return Err(CaseError::WrongRole {
                    action,
                    role: who.role,
                })
            }
            Some(_) => {}
            None if matches!(kind, EntryKind::Correction { .. }) => {}
            None => {
                let assigned = who.role.reads_children() && case.is_assigned(who.username);
                if who.role != Role::Officer && !assigned {
                    return Err(CaseError::NotAssigned { action });
                }
            }
        }
    }
    let wrong = || Err(CaseError::WrongState { action, state: s });
    let after_intake = s != Intake && s != Closed;
    match kind {
        EntryKind::Intake(_) => match s {
            Intake => Ok(InitialAssessment),
            _ => wrong(),
        },
        EntryKind::InitialAssessment(a) => match s {
            InitialAssessment if a.serious_harm => Ok(Emergency),
            InitialAssessment => Ok(SpecificAssessment),
            _ => wrong(),
        },
        EntryKind::EmergencyMeasures(_) => match s {
            Emergency => Ok(SpecificAssessment),
            Intake | InitialAssessment | Closed => wrong(),
            _ => Ok(s),
        },
        EntryKind::SpecificAssessment(_) => match s {
            SpecificAssessment => Ok(Planning),
            _ => wrong(),
        },
        EntryKind::Plan(_) => match s {
            Planning => Ok(Planning),
            _ => wrong(),
        },
        EntryKind::SubmitForApproval { .. } => match s {
            Planning => {
                let drafted = case
                    .entries
                    .iter()
                    .any(|e| e.seq > case.round_start && matches!(e.kind, EntryKind::Plan(_)));
                if drafted {
                    Ok(AwaitingApproval)
                } else {
                    Err(CaseError::NoPlan)
                }
            }
            _ => wrong(),
        },
        EntryKind::Approve { .. } => match s {
            AwaitingApproval => Ok(Implementation),
            AwaitingClosure => Ok(Closed),
            _ => wrong(),
        },
        EntryKind::Return { .. } => match s {
            AwaitingApproval => Ok(Planning),
            AwaitingClosure => Ok(Review),
            _ => wrong(),
        },
        EntryKind::Service(_)
        | EntryKind::Visit(_)
        | EntryKind::Referral(_)
        | EntryKind::ReferralAnswer { .. }
        | EntryKind::OffenderHandling(_)
        | EntryKind::Assign { .. } => {
            if after_intake {
                Ok(s)
            } else {
                wrong()
            }
        }
        EntryKind::Unassign { .. } => match s {
            Intake => wrong(),
            _ => Ok(s),
        },
        EntryKind::Review(r) => match s {
            Implementation | Review => Ok(match r.decision {
                ReviewDecision::Close => AwaitingClosure,
                ReviewDecision::Replan => Planning,
            }),
            _ => wrong(),
        },
        EntryKind::Correction { of, .. } => {
            if s == Intake {
                return wrong();
            }
            let target = case.entry(*of).ok_or(CaseError::NoSuchEntry(*of))?;
            if check {
                author_or_officer(case, who, target)?;
            }
            if !matches!(
                target.kind,
                EntryKind::Service(_)
                    | EntryKind::Visit(_)
                    | EntryKind::Referral(_)
                    | EntryKind::ReferralAnswer { .. }
                    | EntryKind::OffenderHandling(_)
            ) {
                return Err(CaseError::NotCorrectable {
                    seq: *of,
                    kind: target.kind.label_vi(),
                    why: match target.kind {
                        EntryKind::Assign { .. } => "hãy ghi thôi phân công",
                        EntryKind::Unassign { .. } => "hãy phân công lại",
                        EntryKind::Correction { .. } => "một đính chính không gạch bỏ được",
                        _ => "mục này đã chuyển bước hồ sơ: hãy ghi mục thay thế, không gạch bỏ",
                    },
                });
            }
            if let Some(by) = case.replaced_by(*of) {
                return Err(CaseError::AlreadyCorrected { seq: *of, by });
            }
            if case.struck_out_by(*of).is_some() {
                return Err(CaseError::NotCorrectable {
                    seq: *of,
                    kind: target.kind.label_vi(),
                    why: "mục này đã bị gạch bỏ",
                });
            }
            Ok(s)
        }
    }
}

fn author_or_officer(case: &CaseFile, who: &Who, target: &CaseEntry) -> Result<(), CaseError> {
    let author = who.username == target.by && may_open_as(case, who);
    if who.role == Role::Officer || author {
        Ok(())
    } else {
        Err(CaseError::NotAuthor { seq: target.seq })
    }
}

fn check_replacement(
    case: &CaseFile,
    who: &Who,
    of: u32,
    kind: &EntryKind,
    check: bool,
) -> Result<(), CaseError> {
    if case.state == CaseState::Intake {
        return Err(CaseError::NoSuchEntry(of));
    }
    let target = case.entry(of).ok_or(CaseError::NoSuchEntry(of))?;
    if check {
        author_or_officer(case, who, target)?;
    }
    let refuse = |why| {
        Err(CaseError::NotCorrectable {
            seq: of,
            kind: target.kind.label_vi(),
            why,
        })
    };
    match target.kind {
        EntryKind::Correction { .. } => return refuse("một đính chính không thay thế được"),
        EntryKind::Assign { .. } | EntryKind::Unassign { .. } => {
            return refuse("hãy ghi phân công hoặc thôi phân công")
        }
        _ => {}
    }
    if !target.kind.same_kind(kind) {
        return refuse("mục thay thế phải cùng loại với mục bị sửa");
    }
    if let Some(by) = case.replaced_by(of) {
        return Err(CaseError::AlreadyCorrected { seq: of, by });
    }
    if case.struck_out_by(of).is_some() {
        return refuse("mục này đã bị gạch bỏ");
    }
    match (&target.kind, kind) {
        (EntryKind::InitialAssessment(a), EntryKind::InitialAssessment(b))
            if a.serious_harm != b.serious_harm =>
        {
            refuse("không đổi được «tổn hại nghiêm trọng»: hồ sơ đã đi theo bước tương ứng")
        }
        (EntryKind::Review(a), EntryKind::Review(b)) if a.decision != b.decision => {
            refuse("không đổi được quyết định rà soát: hãy rà soát lại")
        }
        (EntryKind::Plan(_), _) if case.state != CaseState::Planning => {
            refuse("kế hoạch chỉ sửa được khi đang lập kế hoạch; kế hoạch đã trình thì rà soát và lập kế hoạch mới")
        }
        _ => Ok(()),
    }
}

/// Checks of the entry against the case: times, the referral answered, the assignment list.
fn check_context(
    case: &CaseFile,
    kind: &EntryKind,
    at: DateTime,
    corrects: Option<u32>,
) -> Result<(), CaseError> {
    match kind {
        EntryKind::Assign { username, .. } if corrects.is_none() && case.is_assigned(username) => {
            return Err(CaseError::AlreadyAssigned)
        }
        EntryKind::Unassign { username, .. }
            if corrects.is_none() && !case.is_assigned(username) =>
        {
            return Err(CaseError::NotInAssignment)
        }
        _ => {}
    }
    let received = case.received_at();
    let received_day = received.map(|r| r.date());
    // A dated fact (service, visit, referral) lies between the intake day and today.
    let outside = |d: Date| d > at.date() || received_day.is_some_and(|r| d < r);
    const OUTSIDE: &str = "ngày ngoài khoảng từ khi tiếp nhận đến hôm nay";
    let problem: Option<(&str, &str)> = match kind {
        EntryKind::Intake(i) => {
            (i.received_at > at).then_some(("received_at", "giờ tiếp nhận sau thời điểm ghi"))
        }
        EntryKind::EmergencyMeasures(m) => {
            if m.taken_at > at {
                Some(("taken_at", "thời điểm áp dụng sau thời điểm ghi"))
            } else if received.is_some_and(|r| m.taken_at < r) {
                Some((
                    "taken_at",
                    "thời điểm áp dụng trước giờ tiếp nhận thông tin",
                ))
            } else {
                None
            }
        }
        EntryKind::SpecificAssessment(s) => {
            (s.meeting.held_at > at).then_some(("meeting.held_at", "cuộc họp chưa diễn ra"))
        }
        EntryKind::Service(s) => outside(s.date).then_some(("date", OUTSIDE)),
        EntryKind::Visit(v) => outside(v.date).then_some(("date", OUTSIDE)),
        EntryKind::Referral(r) => outside(r.date).then_some(("date", OUTSIDE)),
        EntryKind::OffenderHandling(h) => outside(h.date).then_some(("date", OUTSIDE)),
        EntryKind::ReferralAnswer { referral, date, .. } => match case.latest(*referral) {
            None => Some(("referral", "không có mục chuyển gửi này")),
            Some(target) => match &target.kind {
                EntryKind::Referral(_) if case.struck_out_by(target.seq).is_some() => {
                    Some(("referral", "mục chuyển gửi này đã bị gạch bỏ"))
                }
                EntryKind::Referral(r) => (*date > at.date() || *date < r.date).then_some((
                    "date",
                    "ngày trả lời ngoài khoảng từ ngày chuyển gửi đến hôm nay",
                )),
                _ => Some(("referral", "mục này không phải chuyển gửi")),
            },
        },
        _ => None,
    };
    match problem {
        Some((field, msg)) => Err(CaseError::Invalid(FieldErrors::single(field, msg))),
        None => Ok(()),
    }
}

/// The entry kinds `actor` may record on `case` now, as [`EntryKind::code`]s in the order of
/// the steps. The pages offer a form for each; the intake (a new case) and corrections (offered
/// beside the entry they correct) are not listed.
pub fn actions(case: &CaseFile, actor: &Actor) -> Vec<&'static str> {
    let who = Who {
        username: &actor.username,
        role: actor.role,
    };
    samples()
        .iter()
        .filter(|k| transition(case, &who, k, true).is_ok())
        .map(EntryKind::code)
        .collect()
}

/// One entry of each kind but the intake and corrections: [`transition`] looks only at the kind
/// and, for assessments and reviews, at fields that do not change whether a step is allowed.
fn samples() -> Vec<EntryKind> {
    use super::*;
    let day = Date::constant(2000, 1, 1);
    let at = day.at(0, 0, 0, 0);
    vec![
        EntryKind::InitialAssessment(InitialAssessment {
            ratings: vec![],
            abuse_type: None,
            sub_type: None,
            abuse_description: String::new(),
            level: ProtectionLevel::Prevention,
            serious_harm: false,
            summary: String::new(),
        }),
        EntryKind::EmergencyMeasures(EmergencyMeasures {
            measures: vec![],
            taken_at: at,
            decision_no: None,
            description: String::new(),
        }),
        EntryKind::SpecificAssessment(SpecificAssessment {
            information: String::new(),
            ratings: vec![],
            needs: vec![],
            meeting: Meeting {
                held_at: at,
                attendees: vec![],
                minutes: String::new(),
            },
        }),
        EntryKind::Plan(SupportPlan {
            objectives: vec![],
            measures: vec![],
        }),
        EntryKind::SubmitForApproval {
            note: String::new(),
        },
        EntryKind::Approve {
            decision_no: None,
            note: String::new(),
        },
        EntryKind::Return {
            reason: String::new(),
        },
        EntryKind::Service(Service {
            date: day,
            kind: MeasureKind::Other,
            by: String::new(),
            description: String::new(),
        }),
        EntryKind::Visit(Visit {
            date: day,
            by: String::new(),
            findings: String::new(),
        }),
        EntryKind::Referral(Referral {
            to: ReferralBody::Other,
            organisation: String::new(),
            date: day,
            reason: String::new(),
            answer: None,
        }),
        EntryKind::ReferralAnswer {
            referral: 0,
            date: day,
            answer: String::new(),
        },
        EntryKind::OffenderHandling(OffenderHandling {
            handling: Handling::NoKnownOffender,
            date: day,
            note: String::new(),
        }),
        EntryKind::Review(Review {
            ratings: vec![],
            recovery: String::new(),
            decision: ReviewDecision::Close,
            note: String::new(),
        }),
        EntryKind::Assign {
            username: String::new(),
            role: Role::Police,
        },
        EntryKind::Unassign {
            username: String::new(),
            reason: String::new(),
        },
    ]
}

#[cfg(test)]
mod tests {
    /// Entries are stored as JSON tagged by `kind`: a field of the same name in any entry
    /// would be written twice and never read back.
    #[test]
    fn every_entry_kind_round_trips_through_json() {
        for e in super::samples() {
            let json = serde_json::to_string(&e).unwrap();
            let back: super::EntryKind = serde_json::from_str(&json)
                .unwrap_or_else(|err| panic!("{} does not read back: {err}: {json}", e.code()));
            assert_eq!(back, e);
        }
    }
}
