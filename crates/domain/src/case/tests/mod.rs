//! Tests of the case module. Helpers here; the tests by topic in the submodules.
use super::*;
use crate::register::{DobPrecision, Sex};
use crate::role::{Actor, Role};
use jiff::civil::{Date, DateTime};
use jiff::Span;

mod access_tests;
mod actions_tests;
mod calendar_tests;
mod carry_tests;
mod correction_tests;
mod deadline_tests;
mod indicator_tests;
mod limits_tests;
mod offer_tests;
mod scenario_tests;
mod submission_tests;
mod transition_table;

pub fn actor(username: &str, role: Role) -> Actor {
    Actor {
        user_id: 1,
        username: username.to_string(),
        role,
        village_id: None,
    }
}

pub fn officer() -> Actor {
    actor("canbo", Role::Officer)
}

pub fn leader() -> Actor {
    actor("pct", Role::Leader)
}

pub fn dt(s: &str) -> DateTime {
    s.parse().expect("a datetime")
}

pub fn d(s: &str) -> Date {
    s.parse().expect("a date")
}

pub fn new_child() -> ChildRef {
    ChildRef::New(NewChild {
        full_name: "Giàng Thị Mai".into(),
        sex: Sex::Female,
        date_of_birth: None,
        dob_precision: DobPrecision::Estimated,
        estimated_age: Some(9),
        village: None,
        description: String::new(),
    })
}

pub fn intake_with(received_at: DateTime, child: ChildRef) -> EntryKind {
    EntryKind::Intake(Box::new(Intake {
        channel: Channel::Hotline111,
        received_at,
        category: IntakeCategory::Abused,
        child,
        place: "Thôn Sính Phình".into(),
        current_condition: "Có vết bầm tím ở tay".into(),
        predicted_consequence: "Tiếp tục bị đánh".into(),
        father: Some(Parent {
            full_name: "Giàng A Páo".into(),
            age: Some(38),
            occupation: "Làm nương".into(),
        }),
        mother: None,
        family_circumstances: String::new(),
        caregiver: None,
        actions_taken: String::new(),
        informant: Some(Informant {
            consent: true,
            full_name: "Người hàng xóm".into(),
            phone: "0912000000".into(),
            address: String::new(),
            note: String::new(),
        }),
    }))
}

pub fn intake(received_at: DateTime) -> EntryKind {
    intake_with(received_at, new_child())
}

pub fn ratings(r: Rating) -> Vec<RatedItem> {
    STANDARD_ITEMS
        .iter()
        .map(|(code, _)| RatedItem {
            item: code.to_string(),
            rating: r,
        })
        .collect()
}

pub fn assessment_with(serious: bool, abuse: Option<AbuseType>) -> EntryKind {
    EntryKind::InitialAssessment(InitialAssessment {
        ratings: ratings(if serious {
            Rating::High
        } else {
            Rating::Medium
        }),
        abuse_type: abuse,
        sub_type: None,
        abuse_description: String::new(),
        level: ProtectionLevel::Intervention,
        serious_harm: serious,
        summary: "Trẻ bị bố đánh".into(),
    })
}

pub fn assessment(serious: bool) -> EntryKind {
    assessment_with(serious, Some(AbuseType::Violence))
}

pub fn emergency(taken_at: DateTime) -> EntryKind {
    EntryKind::EmergencyMeasures(EmergencyMeasures {
        measures: vec![EmergencyKind::TemporarySeparation],
        taken_at,
        decision_no: Some("12/QĐ-UBND".into()),
        description: "Đưa trẻ về nhà bà ngoại".into(),
    })
}

pub fn specific(held_at: DateTime) -> EntryKind {
    EntryKind::SpecificAssessment(SpecificAssessment {
        information: "Đã gặp trẻ, gia đình, nhà trường".into(),
        ratings: Vec::new(),
        needs: vec!["Chăm sóc y tế".into(), "Tư vấn cho gia đình".into()],
        meeting: Meeting {
            held_at,
            attendees: vec![
                Attendee {
                    name: "Cán bộ VH-XH".into(),
                    position: "UBND xã".into(),
                },
                Attendee {
                    name: "Trưởng Công an xã".into(),
                    position: "Công an xã".into(),
                },
            ],
            minutes: "Thống nhất các nhu cầu".into(),
        },
    })
}

pub fn plan(from: Date) -> EntryKind {
    EntryKind::Plan(SupportPlan {
        objectives: vec!["Trẻ an toàn, được chăm sóc y tế".into()],
        measures: vec![Measure {
            kind: MeasureKind::MedicalCare,
            description: "Khám, điều trị vết thương".into(),
            responsible: "Trạm Y tế xã".into(),
            from,
            to: from.checked_add(Span::new().days(30)).unwrap(),
            resources: "Ngân sách xã".into(),
        }],
    })
}

pub fn submit() -> EntryKind {
    EntryKind::SubmitForApproval {
        note: "Dự thảo quyết định".into(),
    }
}

pub fn approve() -> EntryKind {
    EntryKind::Approve {
        decision_no: Some("34/QĐ-UBND".into()),
        note: String::new(),
    }
}

pub fn ret(reason: &str) -> EntryKind {
    EntryKind::Return {
        reason: reason.into(),
    }
}

pub fn service(date: Date) -> EntryKind {
    EntryKind::Service(Service {
        date,
        kind: MeasureKind::MedicalCare,
        by: "Y sĩ Trạm Y tế".into(),
        description: String::new(),
    })
}

pub fn visit(date: Date) -> EntryKind {
    EntryKind::Visit(Visit {
        date,
        by: "Trưởng thôn".into(),
        findings: "Trẻ ổn định".into(),
    })
}

pub fn referral(date: Date) -> EntryKind {
    EntryKind::Referral(Referral {
        to: ReferralBody::Police,
        organisation: "Công an xã Sính Phình".into(),
        date,
        reason: "Xác minh hành vi bạo lực".into(),
        answer: None,
    })
}

pub fn answer(referral: u32, date: Date) -> EntryKind {
    EntryKind::ReferralAnswer {
        referral,
        date,
        answer: "Đã lập biên bản".into(),
    }
}

pub fn review(decision: ReviewDecision) -> EntryKind {
    EntryKind::Review(Review {
        ratings: ratings(Rating::Low),
        recovery: "Trẻ đã ổn định".into(),
        decision,
        note: String::new(),
    })
}

/// A case driven step by step, one hour apart.
pub struct Script {
    pub case: CaseFile,
    pub t: DateTime,
}

impl Script {
    /// A new case whose clock starts at `t`.
    pub fn new(id: i64, t: DateTime) -> Script {
        Script {
            case: CaseFile::new(id),
            t,
        }
    }

    /// Records `kind` by `a` at the script's time, then moves the time on by an hour.
    pub fn ok(&mut self, a: &Actor, kind: EntryKind) -> &mut Script {
        let code = kind.code();
        self.case = apply(&self.case, a, kind, self.t)
            .unwrap_or_else(|e| panic!("{code} by {} refused: {e}", a.role));
        self.t = self.t.checked_add(Span::new().hours(1)).unwrap();
        self
    }

    /// Tries `kind` by `a` at the script's time; the case is unchanged.
    pub fn try_(&self, a: &Actor, kind: EntryKind) -> Result<CaseFile, CaseError> {
        apply(&self.case, a, kind, self.t)
    }

    pub fn today(&self) -> Date {
        self.t.date()
    }

    /// Jumps the clock to `t`.
    pub fn at(&mut self, t: DateTime) -> &mut Script {
        self.t = t;
        self
    }
}

/// Usernames assigned by [`script_in`]: "a_" + the role's code, for each role that may be.
pub fn assigned_name(role: Role) -> String {
    format!("a_{}", role.as_str())
}

/// A case in `state`, received 2026-03-02 09:00, with a referral as entry 2 and everyone
/// assignable assigned as "a_<role>".
pub fn script_in(state: CaseState) -> Script {
    use CaseState::*;
    let mut s = Script::new(1, dt("2026-03-02T09:00"));
    if state == Intake {
        return s;
    }
    let o = officer();
    let l = leader();
    s.ok(&o, intake(dt("2026-03-02T09:00")));
    let today = s.today();
    s.ok(&o, referral(today));
    for role in crate::role::ALL_ROLES {
        if role.reads_children() {
            s.ok(
                &o,
                EntryKind::Assign {
                    username: assigned_name(role),
                    role,
                },
            );
        }
    }
    if state == InitialAssessment {
        return s;
    }
    if state == Emergency {
        s.ok(&o, assessment(true));
        return s;
    }
    s.ok(&o, assessment(false));
    if state == SpecificAssessment {
        return s;
    }
    let t = s.t;
    s.ok(&o, specific(t));
    let today = s.today();
    s.ok(&o, plan(today));
    if state == Planning {
        return s;
    }
    s.ok(&o, submit());
    if state == AwaitingApproval {
        return s;
    }
    s.ok(&l, approve());
    if state == Implementation {
        return s;
    }
    s.ok(&o, review(ReviewDecision::Close));
    if state == AwaitingClosure {
        return s;
    }
    if state == Review {
        s.ok(&l, ret("Trẻ chưa ổn định, cần theo dõi thêm"));
        return s;
    }
    s.ok(&l, approve());
    assert_eq!(state, Closed);
    s
}
