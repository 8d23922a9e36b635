//! Whole cases: the closing needs the leader, returns carry a reason, planning rounds, the data
//! checks, replay and JSON.
use super::*;
use CaseState::*;

#[test]
fn closing_needs_the_leader() {
    let mut s = script_in(Implementation);
    let o = officer();
    let l = leader();
    s.ok(&o, review(ReviewDecision::Close));
    assert_eq!(s.case.state(), AwaitingClosure);

    // The officer cannot close the case; nor can anyone but the leader.
    for role in crate::role::ALL_ROLES {
        if role == Role::Leader {
            continue;
        }
        let e = s.try_(&actor("x", role), approve()).unwrap_err();
        assert!(matches!(e, CaseError::WrongRole { .. }), "{role}: {e}");
    }
    s.ok(&l, approve());
    assert_eq!(s.case.state(), Closed);
    assert!(!s.case.is_open());
    // Nothing more happens in a closed case, except taking people off it.
    let today = s.today();
    assert!(matches!(
        s.try_(&o, service(today)),
        Err(CaseError::WrongState { .. })
    ));
    assert!(matches!(
        s.try_(&o, review(ReviewDecision::Replan)),
        Err(CaseError::WrongState { .. })
    ));
    s.ok(
        &o,
        EntryKind::Unassign {
            username: assigned_name(Role::Police),
            reason: "Hồ sơ đã kết thúc".into(),
        },
    );
    assert_eq!(s.case.state(), Closed);
    assert!(next_deadline(&s.case, &WorkingCalendar::default()).is_none());
}

#[test]
fn a_refused_closing_goes_back_to_review() {
    let mut s = script_in(AwaitingClosure);
    let l = leader();
    let o = officer();
    // A return needs its reason.
    match s.try_(&l, ret("  ")) {
        Err(CaseError::Invalid(f)) => {
            assert_eq!(f.for_field("reason"), Some("thiếu lý do trả lại"))
        }
        other => panic!("{other:?}"),
    }
    s.ok(&l, ret("Trẻ còn sợ hãi, cần trị liệu thêm"));
    assert_eq!(s.case.state(), Review);
    let last = s.case.entries().last().unwrap();
    assert_eq!((last.from, last.to), (AwaitingClosure, Review));
    assert!(matches!(&last.kind, EntryKind::Return { reason } if reason.contains("trị liệu")));
    // Services go on while the officer reviews again.
    let today = s.today();
    s.ok(&o, service(today));
    s.ok(&o, review(ReviewDecision::Close));
    assert_eq!(s.case.state(), AwaitingClosure);
    s.ok(&l, approve());
    assert_eq!(s.case.state(), Closed);
}

#[test]
fn a_returned_plan_is_revised_and_resubmitted() {
    let mut s = script_in(AwaitingApproval);
    let o = officer();
    let l = leader();
    assert!(matches!(s.try_(&l, ret("")), Err(CaseError::Invalid(_))));
    s.ok(&l, ret("Chưa ghi nguồn lực cho biện pháp tư vấn"));
    assert_eq!(s.case.state(), Planning);
    assert_eq!(s.case.round(), 1);
    let today = s.today();
    s.ok(&o, plan(today));
    s.ok(&o, submit());
    s.ok(&l, approve());
    assert_eq!(s.case.state(), Implementation);
    assert_eq!(s.case.round(), 1);
}

#[test]
fn submitting_needs_a_plan_of_this_round() {
    let mut s = script_in(SpecificAssessment);
    let o = officer();
    let l = leader();
    let t = s.t;
    s.ok(&o, specific(t));
    assert_eq!(s.try_(&o, submit()), Err(CaseError::NoPlan));
    let today = s.today();
    s.ok(&o, plan(today)).ok(&o, submit()).ok(&l, approve());
    // A review that asks for a new plan starts round 2: the old plan does not count.
    s.ok(&o, review(ReviewDecision::Replan));
    assert_eq!(s.case.state(), Planning);
    assert_eq!(s.case.round(), 2);
    assert_eq!(s.try_(&o, submit()), Err(CaseError::NoPlan));
    let today = s.today();
    s.ok(&o, plan(today)).ok(&o, submit());
    assert_eq!(s.case.state(), AwaitingApproval);
}

#[test]
fn serious_harm_goes_through_emergency_and_otherwise_not() {
    let mut s = script_in(InitialAssessment);
    let o = officer();
    s.ok(&o, assessment(true));
    assert_eq!(s.case.state(), Emergency);
    // The specific assessment waits for the emergency measures.
    let t = s.t;
    assert!(matches!(
        s.try_(&o, specific(t)),
        Err(CaseError::WrongState { .. })
    ));
    s.ok(&o, emergency(t));
    assert_eq!(s.case.state(), SpecificAssessment);

    let mut s = script_in(InitialAssessment);
    s.ok(&o, assessment(false));
    assert_eq!(s.case.state(), SpecificAssessment);
    let t = s.t;
    // Later emergency measures are recorded without moving the case.
    s.ok(&o, emergency(t));
    assert_eq!(s.case.state(), SpecificAssessment);
}

#[test]
fn village_heads_police_and_health_file_reports() {
    for role in [Role::VillageHead, Role::Police, Role::Health, Role::Officer] {
        let mut s = Script::new(9, dt("2026-03-02T10:00"));
        s.ok(&actor("nguoibao", role), intake(dt("2026-03-02T09:30")));
        assert_eq!(s.case.state(), InitialAssessment);
        assert_eq!(s.case.filed_by(), Some(("nguoibao", role)));
    }
    for role in [
        Role::Leader,
        Role::Office,
        Role::Services,
        Role::Province,
        Role::Admin,
    ] {
        let s = Script::new(9, dt("2026-03-02T10:00"));
        assert!(matches!(
            s.try_(&actor("x", role), intake(dt("2026-03-02T09:30"))),
            Err(CaseError::WrongRole { .. })
        ));
    }
}

#[test]
fn intake_data_is_checked() {
    let s = Script::new(1, dt("2026-03-02T10:00"));
    let o = officer();
    // Informant only with consent.
    let mut k = intake(dt("2026-03-02T09:00"));
    if let EntryKind::Intake(i) = &mut k {
        i.informant.as_mut().unwrap().consent = false;
    }
    match s.try_(&o, k) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("informant.consent").is_some()),
        other => panic!("{other:?}"),
    }
    // An unknown child: no name, no birth date, sex unknown: fine with a description.
    let unknown = |description: &str| {
        ChildRef::New(NewChild {
            full_name: String::new(),
            sex: Sex::Unknown,
            date_of_birth: None,
            dob_precision: DobPrecision::Unknown,
            estimated_age: None,
            village: None,
            description: description.into(),
        })
    };
    let ok = intake_with(
        dt("2026-03-02T09:00"),
        unknown("Bé sơ sinh, khoảng 1 tháng"),
    );
    assert!(s.try_(&o, ok).is_ok());
    let bad = intake_with(dt("2026-03-02T09:00"), unknown(""));
    match s.try_(&o, bad) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("child.description").is_some()),
        other => panic!("{other:?}"),
    }
    // An estimated age needs the age.
    let est = ChildRef::New(NewChild {
        full_name: "A".into(),
        sex: Sex::Male,
        date_of_birth: None,
        dob_precision: DobPrecision::Estimated,
        estimated_age: None,
        village: None,
        description: String::new(),
    });
    assert!(matches!(
        s.try_(&o, intake_with(dt("2026-03-02T09:00"), est)),
        Err(CaseError::Invalid(_))
    ));
    // A register child.
    let reg = ChildRef::Registered { child_id: 42 };
    let c = s
        .try_(&o, intake_with(dt("2026-03-02T09:00"), reg))
        .unwrap();
    assert_eq!(c.intake().unwrap().child.child_id(), Some(42));
    // Received after it is recorded: refused.
    match s.try_(&o, intake(dt("2026-03-02T11:00"))) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("received_at").is_some()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn assessment_data_is_checked() {
    let s = script_in(InitialAssessment);
    let o = officer();
    let mut k = assessment(false);
    if let EntryKind::InitialAssessment(a) = &mut k {
        a.sub_type = Some(SexualAbuseKind::Molestation);
    }
    match s.try_(&o, k.clone()) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("sub_type").is_some()),
        other => panic!("{other:?}"),
    }
    if let EntryKind::InitialAssessment(a) = &mut k {
        a.abuse_type = Some(AbuseType::SexualAbuse);
    }
    assert!(s.try_(&o, k.clone()).is_ok());
    if let EntryKind::InitialAssessment(a) = &mut k {
        a.ratings.clear();
    }
    assert!(matches!(s.try_(&o, k), Err(CaseError::Invalid(_))));
    assert_eq!(
        rating_counts(&ratings(Rating::High)),
        (STANDARD_ITEMS.len(), 0, 0)
    );
}

#[test]
fn entries_are_in_time_order() {
    let mut s = script_in(InitialAssessment);
    let earlier = s
        .case
        .entries()
        .last()
        .unwrap()
        .at
        .checked_sub(Span::new().minutes(1))
        .unwrap();
    s.at(earlier);
    assert!(matches!(
        s.try_(&officer(), assessment(false)),
        Err(CaseError::TimeOrder { .. })
    ));
}

#[test]
fn assignments_come_and_go() {
    let mut s = script_in(InitialAssessment);
    let o = officer();
    assert!(matches!(
        s.try_(
            &o,
            EntryKind::Assign {
                username: assigned_name(Role::Police),
                role: Role::Police
            }
        ),
        Err(CaseError::AlreadyAssigned)
    ));
    assert!(matches!(
        s.try_(
            &o,
            EntryKind::Unassign {
                username: "nobody".into(),
                reason: String::new()
            }
        ),
        Err(CaseError::NotInAssignment)
    ));
    assert!(matches!(
        s.try_(
            &o,
            EntryKind::Assign {
                username: "admin1".into(),
                role: Role::Admin
            }
        ),
        Err(CaseError::Invalid(_))
    ));
    s.ok(
        &o,
        EntryKind::Unassign {
            username: assigned_name(Role::Police),
            reason: "Đổi người phụ trách".into(),
        },
    );
    assert!(!s.case.is_assigned(&assigned_name(Role::Police)));
    let today = s.today();
    assert!(matches!(
        s.try_(
            &actor(&assigned_name(Role::Police), Role::Police),
            visit(today)
        ),
        Err(CaseError::NotAssigned { .. })
    ));
}

#[test]
fn referral_answers_point_to_a_referral() {
    let mut s = script_in(InitialAssessment);
    let police = actor(&assigned_name(Role::Police), Role::Police);
    let today = s.today();
    s.ok(&police, answer(2, today));
    match s.try_(&police, answer(1, today)) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("referral").is_some()),
        other => panic!("{other:?}"),
    }
    match s.try_(&police, answer(99, today)) {
        Err(CaseError::Invalid(f)) => assert!(f.for_field("referral").is_some()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn replay_rebuilds_the_case_and_catches_tampering() {
    let mut s = script_in(Closed);
    let today = s.today();
    let _ = today;
    s.case = correct(&s.case, &officer(), 1, intake(dt("2026-03-02T08:00")), s.t).unwrap();
    let entries = s.case.entries().to_vec();
    let rebuilt = CaseFile::replay(1, entries.clone()).unwrap();
    assert_eq!(rebuilt, s.case);

    // Through JSON, as storage keeps them.
    let json = serde_json::to_string(&entries).unwrap();
    let back: Vec<CaseEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(CaseFile::replay(1, back).unwrap(), s.case);
    assert!(json.contains("\"kind\":\"intake\""));
    assert!(json.contains("\"rating\":\"trung_binh\""));

    let mut bad = entries.clone();
    bad[3].to = Closed;
    assert!(matches!(
        CaseFile::replay(1, bad),
        Err(CaseError::Corrupt { seq: 4, .. })
    ));
    let mut bad = entries.clone();
    bad.remove(2);
    assert!(matches!(
        CaseFile::replay(1, bad),
        Err(CaseError::Corrupt { seq: 4, .. })
    ));
    let mut bad = entries;
    bad.swap(0, 1);
    assert!(CaseFile::replay(1, bad).is_err());
}

#[test]
fn labels_are_vietnamese() {
    for s in ALL_STATES {
        assert!(!s.label_vi().is_empty());
    }
    assert_eq!(
        CaseState::AwaitingClosure.label_vi(),
        "Chờ phê duyệt kết thúc"
    );
    assert_eq!(Rating::Medium.label_vi(), "Trung bình");
    assert_eq!(ProtectionLevel::Intervention.label_vi(), "Can thiệp");
    assert_eq!(AbuseType::Neglect.label_vi(), "Bỏ mặc");
}
