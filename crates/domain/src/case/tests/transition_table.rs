//! Every entry kind × every state × every role (unassigned, and assigned where the role may be):
//! allowed exactly when the table below says so, with the state it says; refused otherwise with
//! the right reason.
use super::*;
use crate::role::ALL_ROLES;
use CaseState::*;

/// Who a rule lets record the entry.
#[derive(Clone, Copy)]
enum Allowed {
    Roles(&'static [Role]),
    OfficerOrAssigned,
}

/// (sample, states, who, next state; `None` = stays).
type Row = (
    &'static str,
    &'static [CaseState],
    Allowed,
    Option<CaseState>,
);

const OPEN: &[CaseState] = &[
    InitialAssessment,
    Emergency,
    SpecificAssessment,
    Planning,
    AwaitingApproval,
    Implementation,
    Review,
    AwaitingClosure,
];
const OPEN_OR_CLOSED: &[CaseState] = &[
    InitialAssessment,
    Emergency,
    SpecificAssessment,
    Planning,
    AwaitingApproval,
    Implementation,
    Review,
    AwaitingClosure,
    Closed,
];
const AFTER_EMERGENCY: &[CaseState] = &[
    SpecificAssessment,
    Planning,
    AwaitingApproval,
    Implementation,
    Review,
    AwaitingClosure,
];
const OFFICER: Allowed = Allowed::Roles(&[Role::Officer]);
const LEADER: Allowed = Allowed::Roles(&[Role::Leader]);
const OFFICER_LEADER: Allowed = Allowed::Roles(&[Role::Officer, Role::Leader]);

const TABLE: &[Row] = &[
    (
        "intake",
        &[Intake],
        Allowed::Roles(&[Role::Officer, Role::VillageHead, Role::Police, Role::Health]),
        Some(InitialAssessment),
    ),
    (
        "assess",
        &[InitialAssessment],
        OFFICER,
        Some(SpecificAssessment),
    ),
    (
        "assess_serious",
        &[InitialAssessment],
        OFFICER,
        Some(Emergency),
    ),
    ("emergency", &[Emergency], OFFICER, Some(SpecificAssessment)),
    ("emergency", AFTER_EMERGENCY, OFFICER, None),
    ("specific", &[SpecificAssessment], OFFICER, Some(Planning)),
    ("plan", &[Planning], OFFICER, None),
    ("submit", &[Planning], OFFICER, Some(AwaitingApproval)),
    ("approve", &[AwaitingApproval], LEADER, Some(Implementation)),
    ("approve", &[AwaitingClosure], LEADER, Some(Closed)),
    ("return", &[AwaitingApproval], LEADER, Some(Planning)),
    ("return", &[AwaitingClosure], LEADER, Some(Review)),
    ("service", OPEN, Allowed::OfficerOrAssigned, None),
    ("visit", OPEN, Allowed::OfficerOrAssigned, None),
    ("answer", OPEN, Allowed::OfficerOrAssigned, None),
    ("referral", OPEN, OFFICER, None),
    (
        "review_close",
        &[Implementation, Review],
        OFFICER,
        Some(AwaitingClosure),
    ),
    (
        "review_replan",
        &[Implementation, Review],
        OFFICER,
        Some(Planning),
    ),
    ("assign", OPEN, OFFICER_LEADER, None),
    ("unassign", OPEN_OR_CLOSED, OFFICER_LEADER, None),
];

const SAMPLES: [&str; 17] = [
    "intake",
    "assess",
    "assess_serious",
    "emergency",
    "specific",
    "plan",
    "submit",
    "approve",
    "return",
    "service",
    "visit",
    "answer",
    "referral",
    "review_close",
    "review_replan",
    "assign",
    "unassign",
];

fn sample(name: &str, s: &Script) -> EntryKind {
    let (t, today) = (s.t, s.today());
    match name {
        "intake" => intake(t),
        "assess" => assessment(false),
        "assess_serious" => assessment(true),
        "emergency" => emergency(t),
        "specific" => specific(t),
        "plan" => plan(today),
        "submit" => submit(),
        "approve" => approve(),
        "return" => ret("Bổ sung nguồn lực"),
        "service" => service(today),
        "visit" => visit(today),
        // entry 2 of every scripted case is a referral
        "answer" => answer(2, today),
        "referral" => referral(today),
        "review_close" => review(ReviewDecision::Close),
        "review_replan" => review(ReviewDecision::Replan),
        "assign" => EntryKind::Assign {
            username: "moi".into(),
            role: Role::Police,
        },
        "unassign" => EntryKind::Unassign {
            username: assigned_name(Role::Office),
            reason: "Chuyển công tác".into(),
        },
        _ => unreachable!("{name}"),
    }
}

fn admits(allowed: Allowed, role: Role, assigned: bool) -> bool {
    match allowed {
        Allowed::Roles(roles) => roles.contains(&role),
        Allowed::OfficerOrAssigned => role == Role::Officer || assigned,
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    To(CaseState),
    WrongRole,
    NotAssigned,
    WrongState,
}

fn expected(name: &str, state: CaseState, role: Role, assigned: bool) -> Outcome {
    let rows: Vec<&Row> = TABLE.iter().filter(|r| r.0 == name).collect();
    assert!(!rows.is_empty(), "no rule for {name}");
    if let Some(r) = rows
        .iter()
        .find(|r| r.1.contains(&state) && admits(r.2, role, assigned))
    {
        return Outcome::To(r.3.unwrap_or(state));
    }
    if rows.iter().any(|r| admits(r.2, role, assigned)) {
        return Outcome::WrongState;
    }
    match rows[0].2 {
        Allowed::Roles(_) => Outcome::WrongRole,
        Allowed::OfficerOrAssigned => Outcome::NotAssigned,
    }
}

#[test]
fn every_transition_for_every_role() {
    let mut allowed = 0;
    let mut refused = 0;
    for state in ALL_STATES {
        let script = script_in(state);
        assert_eq!(script.case.state(), state);
        for role in ALL_ROLES {
            let assigned_variants: &[bool] = if role.reads_children() {
                &[false, true]
            } else {
                &[false]
            };
            for &assigned in assigned_variants {
                let who = if assigned {
                    actor(&assigned_name(role), role)
                } else {
                    actor(&format!("u_{}", role.as_str()), role)
                };
                for name in SAMPLES {
                    let got = match apply(&script.case, &who, sample(name, &script), script.t) {
                        Ok(c) => {
                            let last = c.entries().last().unwrap();
                            assert_eq!(last.from, state);
                            assert_eq!(last.to, c.state());
                            assert_eq!(last.by, who.username);
                            assert_eq!(last.role, role);
                            Outcome::To(c.state())
                        }
                        Err(CaseError::WrongRole { .. }) => Outcome::WrongRole,
                        Err(CaseError::NotAssigned { .. }) => Outcome::NotAssigned,
                        Err(CaseError::WrongState { state: s, .. }) => {
                            assert_eq!(s, state);
                            Outcome::WrongState
                        }
                        Err(e) => panic!("{name} in {state:?} by {role} ({assigned}): {e}"),
                    };
                    let is_assigned = script.case.is_assigned(&who.username);
                    let want = expected(name, state, role, is_assigned);
                    assert_eq!(
                        got, want,
                        "{name} in {state:?} by {role} (assigned: {assigned})"
                    );
                    if matches!(got, Outcome::To(_)) {
                        allowed += 1;
                    } else {
                        refused += 1;
                    }
                }
            }
        }
    }
    // 10 states × (6 roles × 2 + 4 roles) actors × 17 samples.
    assert_eq!(allowed + refused, 10 * 16 * 17);
    assert!(
        allowed > 150 && refused > 1500,
        "{allowed} allowed, {refused} refused"
    );
}

#[test]
fn refusals_speak_vietnamese() {
    let s = script_in(AwaitingApproval);
    let e = s.try_(&officer(), approve()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Vai trò «Cán bộ làm công tác trẻ em (VH-XH)» không được phê duyệt"
    );
    let e = s.try_(&officer(), plan(s.today())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Không thể lập kế hoạch hỗ trợ, can thiệp (Mẫu 04) khi hồ sơ đang ở bước «Chờ phê duyệt kế hoạch»"
    );
    let e = s
        .try_(&actor("u_police", Role::Police), visit(s.today()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Chỉ người được phân công vào hồ sơ này mới được ghi lần thăm"
    );
}
