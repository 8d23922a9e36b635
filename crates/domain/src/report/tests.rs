//! Every step of the workflow, allowed and refused; the kinds' periods and due dates; freezing.
use super::*;
use crate::plan::{ConfirmedPeriod, Plan, ReportKind};
use crate::role::Role;
use jiff::civil::date;
use ReportState::*;
use SectionState::*;

fn plan() -> Plan {
    Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml")).expect("seed plan")
}

fn step(
    role: Role,
    s: Step<'_>,
    st: ReportState,
    sec: Option<SectionState>,
) -> Result<(ReportState, Option<SectionState>), Refusal> {
    take(&plan(), role, s, st, sec)
}

#[test]
fn only_the_officer_opens_a_report() {
    assert_eq!(
        step(Role::Officer, Step::Open, Preparing, None),
        Ok((Preparing, None))
    );
    for r in [
        Role::Leader,
        Role::Health,
        Role::Police,
        Role::Province,
        Role::Admin,
    ] {
        assert!(matches!(
            step(r, Step::Open, Preparing, None),
            Err(Refusal::Forbidden(_))
        ));
    }
}

#[test]
fn an_agency_saves_submits_and_reopens_only_its_own_section() {
    let health = Step::SaveSection { agency: "health" };
    assert_eq!(
        step(Role::Health, health, Preparing, Some(Draft)),
        Ok((Preparing, Some(Draft)))
    );
    assert_eq!(
        step(
            Role::Health,
            Step::SubmitSection { agency: "health" },
            Returned,
            Some(Draft)
        ),
        Ok((Returned, Some(Submitted)))
    );
    assert_eq!(
        step(
            Role::Health,
            Step::ReopenSection { agency: "health" },
            Preparing,
            Some(Submitted)
        ),
        Ok((Preparing, Some(Draft)))
    );
    // Another agency's section, even the officer's for an agency with an account.
    for (r, a) in [
        (Role::Police, "health"),
        (Role::Health, "police"),
        (Role::Officer, "health"),
        (Role::Leader, "health"),
    ] {
        assert!(matches!(
            step(r, Step::SubmitSection { agency: a }, Preparing, Some(Draft)),
            Err(Refusal::Forbidden(_))
        ));
    }
    // The officer writes for agencies no account acts for.
    assert!(step(
        Role::Officer,
        Step::SaveSection { agency: "front" },
        Preparing,
        Some(Draft)
    )
    .is_ok());
    // Phòng Kinh tế writes section V.2 (the plan's `economy` agency acts as Role::Economic).
    assert!(step(
        Role::Economic,
        Step::SubmitSection { agency: "economy" },
        Preparing,
        Some(Draft)
    )
    .is_ok());
    assert!(step(
        Role::Economic,
        Step::SaveSection { agency: "services" },
        Preparing,
        Some(Draft)
    )
    .is_err());
    assert!(step(
        Role::Officer,
        Step::SaveSection { agency: "officer" },
        Preparing,
        Some(Draft)
    )
    .is_ok());
}

#[test]
fn a_submitted_section_is_reopened_before_it_changes_and_a_draft_is_not_reopened() {
    assert!(matches!(
        step(
            Role::Health,
            Step::SaveSection { agency: "health" },
            Preparing,
            Some(Submitted)
        ),
        Err(Refusal::WrongState(_))
    ));
    assert!(matches!(
        step(
            Role::Health,
            Step::ReopenSection { agency: "health" },
            Preparing,
            Some(Draft)
        ),
        Err(Refusal::WrongState(_))
    ));
}

#[test]
fn sections_do_not_change_once_sent_and_nothing_changes_once_approved() {
    for s in [
        Step::SaveSection { agency: "health" },
        Step::SubmitSection { agency: "health" },
        Step::ReopenSection { agency: "health" },
    ] {
        assert!(matches!(
            step(Role::Health, s, AwaitingApproval, Some(Submitted)),
            Err(Refusal::WrongState(_))
        ));
        assert_eq!(
            step(Role::Health, s, Approved, Some(Submitted)),
            Err(Refusal::Approved)
        );
    }
    assert_eq!(
        step(Role::Officer, Step::Send, Approved, None),
        Err(Refusal::Approved)
    );
    assert_eq!(
        step(Role::Leader, Step::Approve, Approved, None),
        Err(Refusal::Approved)
    );
    assert_eq!(
        step(Role::Leader, Step::Return { reason: "x" }, Approved, None),
        Err(Refusal::Approved)
    );
}

#[test]
fn the_officer_sends_a_report_in_preparation_once() {
    assert_eq!(
        step(Role::Officer, Step::Send, Preparing, None),
        Ok((AwaitingApproval, None))
    );
    assert_eq!(
        step(Role::Officer, Step::Send, Returned, None),
        Ok((AwaitingApproval, None))
    );
    assert!(matches!(
        step(Role::Officer, Step::Send, AwaitingApproval, None),
        Err(Refusal::WrongState(_))
    ));
    assert!(matches!(
        step(Role::Health, Step::Send, Preparing, None),
        Err(Refusal::Forbidden(_))
    ));
    assert!(matches!(
        step(Role::Leader, Step::Send, Preparing, None),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn only_the_leader_approves_or_returns_a_report_sent_to_them_and_a_return_needs_a_reason() {
    assert_eq!(
        step(Role::Leader, Step::Approve, AwaitingApproval, None),
        Ok((Approved, None))
    );
    assert_eq!(
        step(
            Role::Leader,
            Step::Return {
                reason: "Thiếu số liệu thôn Pú Dao"
            },
            AwaitingApproval,
            None
        ),
        Ok((Returned, None))
    );
    assert_eq!(
        step(
            Role::Leader,
            Step::Return { reason: "  " },
            AwaitingApproval,
            None
        ),
        Err(Refusal::Invalid("reason", "Cần ghi lý do trả lại báo cáo."))
    );
    for r in [Role::Officer, Role::Health, Role::Admin] {
        assert!(matches!(
            step(r, Step::Approve, AwaitingApproval, None),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(r, Step::Return { reason: "x" }, AwaitingApproval, None),
            Err(Refusal::Forbidden(_))
        ));
    }
    for st in [Preparing, Returned] {
        assert!(matches!(
            step(Role::Leader, Step::Approve, st, None),
            Err(Refusal::WrongState(_))
        ));
        assert!(matches!(
            step(Role::Leader, Step::Return { reason: "x" }, st, None),
            Err(Refusal::WrongState(_))
        ));
    }
}

#[test]
fn the_officer_amends_only_an_approved_report() {
    assert_eq!(
        step(Role::Officer, Step::Amend, Approved, None),
        Ok((Preparing, None))
    );
    for st in [Preparing, Returned, AwaitingApproval] {
        assert!(matches!(
            step(Role::Officer, Step::Amend, st, None),
            Err(Refusal::WrongState(_))
        ));
    }
    assert!(matches!(
        step(Role::Leader, Step::Amend, Approved, None),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn a_section_is_late_while_a_draft_on_or_after_the_due_day_and_a_report_until_approved() {
    let due = date(2026, 6, 1);
    assert!(!overdue(date(2026, 5, 31), due, Preparing, Some(Draft)));
    assert!(overdue(due, due, Preparing, Some(Draft)));
    assert!(!overdue(due, due, Preparing, Some(Submitted)));
    assert!(!overdue(due, due, AwaitingApproval, Some(Draft)));
    assert!(overdue(due, due, AwaitingApproval, None));
    assert!(!overdue(due, due, Approved, None));
}

#[test]
fn the_seed_kinds_have_their_periods_sections_and_targets() {
    let p = plan();
    let moa = p.report("month_of_action").unwrap();
    assert_eq!(moa.kind, ReportKind::MonthOfAction);
    let o = moa.opening(2026, &[], None).unwrap();
    assert_eq!(
        (o.period.start, o.period.end, o.due_before),
        (date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 20))
    );
    assert_eq!(p.report_targets(moa).len(), p.targets.len());

    let forum = p.report("forum").unwrap();
    assert!(forum.opening(2026, &[], None).is_err());
    let o = forum.opening(2026, &[], Some(date(2026, 6, 1))).unwrap();
    assert_eq!(
        (o.period.start, o.period.end),
        (date(2026, 6, 1), date(2026, 6, 1))
    );
    // Within 15 days after the forum: the 16th is the first day late.
    assert_eq!(o.due_before, date(2026, 6, 17));
    let secs: Vec<&str> = p
        .report_sections(forum)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(secs, ["officer", "office"]);

    let sa = p.report("self_assessment").unwrap();
    assert_eq!(
        p.report_targets(sa)
            .iter()
            .map(|t| t.number)
            .collect::<Vec<_>>(),
        [1]
    );

    // The six-month report opens on the officer's confirmed period only.
    let six = p.report("six_month").unwrap();
    assert!(six.opening(2026, &[], None).is_err());
    let c = ConfirmedPeriod::as_proposed(2026, six, "cb", "2026-05-01T00:00:00Z");
    let o = six.opening(2026, &[c], None).unwrap();
    assert_eq!(
        (o.period.end, o.due_before),
        (date(2026, 5, 31), date(2026, 6, 1))
    );
    let secs: Vec<&str> = p
        .report_sections(six)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(secs.contains(&"health") && secs.contains(&"police") && !secs.contains(&"ubnd"));
    assert_eq!(six.symbol_or_default(), "BC-UBND");
}

#[test]
fn the_other_kinds_do_not_change_the_figures_periods() {
    let p = plan();
    let six = p.report("six_month").unwrap();
    let c = ConfirmedPeriod::as_proposed(2026, six, "cb", "2026-05-01T00:00:00Z");
    let y = ConfirmedPeriod::as_proposed(
        2026,
        p.report("yearly").unwrap(),
        "cb",
        "2026-05-01T00:00:00Z",
    );
    // 15/06 falls in the Month of Action, but figures follow the periodic reports.
    let period = p.period_for(&[c, y], date(2026, 6, 15)).unwrap();
    assert_eq!(period.start, date(2026, 1, 1));
    assert_eq!(period.end, date(2026, 10, 31));
}

#[test]
fn freezing_keeps_the_kinds_targets_and_every_section_in_the_plans_order() {
    let p = plan();
    let kind = p.report("self_assessment").unwrap();
    let results: Vec<crate::indicator::TargetResult> = Vec::new();
    let account = crate::account::Signer {
        login: "lanhdao".into(),
        full_name: "Giàng A Dơ".into(),
        position: "Phó Chủ tịch UBND xã".into(),
    };
    let (name, position) = signer_of(&account, Role::Leader);
    assert_eq!(
        (name.as_str(), position.as_str()),
        ("Giàng A Dơ", "Phó Chủ tịch UBND xã")
    );
    let legacy = crate::account::Signer {
        login: "lanhdao".into(),
        ..Default::default()
    };
    assert_eq!(
        signer_of(&legacy, Role::Leader),
        ("lanhdao".to_string(), "Phó Chủ tịch".to_string())
    );
    let f = freeze(
        &p,
        kind,
        &results,
        Freezing {
            id: 3,
            year: 2026,
            period: crate::date::Period::new(date(2026, 1, 1), date(2026, 9, 30)),
            as_of: date(2026, 9, 30),
            number: "12".into(),
            commune: Commune {
                code: String::new(),
                name: "Sính Phình".into(),
                province: "Điện Biên".into(),
            },
            sections: vec![SectionText {
                agency: "health".into(),
                done: "Cân, đo trẻ".into(),
                ..Default::default()
            }],
            approved: Approval {
                login: "lanhdao".into(),
                full_name: name,
                position,
                at: "2026-10-02T00:00:00Z".into(),
                date: date(2026, 10, 2),
            },
            amends: None,
            changes: vec![],
            audit_head: "7:abc".into(),
        },
    );
    assert!(f.figures.is_empty(), "no result, no figure");
    assert_eq!(f.symbol, "BC-UBND");
    assert_eq!(
        f.title,
        "Tự đánh giá xã Sính Phình phù hợp với trẻ em năm 2026"
    );
    assert_eq!(f.receivers, ["Sở Y tế tỉnh Điện Biên"]);
    let health = f.sections.iter().find(|s| s.agency == "health").unwrap();
    assert_eq!(
        (health.agency_name.as_str(), health.done.as_str()),
        ("Trạm Y tế xã", "Cân, đo trẻ")
    );
    assert_eq!(f.sections.len(), p.report_sections(kind).len());
}

#[test]
fn a_narrative_is_trimmed_and_a_box_too_long_or_with_control_characters_is_named() {
    let ok = Narrative {
        done: "  Cân, đo trẻ\r\nTiêm chủng  ".into(),
        ..Default::default()
    }
    .checked()
    .unwrap();
    assert_eq!(ok.done, "Cân, đo trẻ\nTiêm chủng");
    let bad = Narrative {
        results: "x".repeat(MAX_BOX_CHARS + 1),
        proposals: "a\u{7}b".into(),
        ..Default::default()
    }
    .checked()
    .unwrap_err();
    let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["results", "proposals"]);
    assert!(bad.0[0].message.starts_with("Kết quả đạt được"));
}
