//! Corrections: a new entry points to the wrong one; nothing is deleted.
use super::*;
use CaseState::*;

#[test]
fn a_replacement_points_to_the_entry_and_wins_in_views() {
    let mut s = Script::new(1, dt("2026-03-06T20:10"));
    let o = officer();
    s.ok(&o, intake(dt("2026-03-06T20:00")));
    s.ok(&o, assessment(true));
    let cal = WorkingCalendar::default();
    let before = deadlines(&s.case, &cal);
    assert_eq!(before[0].due, dt("2026-03-07T08:00"));

    // The hour was written wrong: it was 18:30.
    let c = correct(&s.case, &o, 1, intake(dt("2026-03-06T18:30")), s.t).unwrap();
    let last = c.entries().last().unwrap();
    assert_eq!(last.seq, 3);
    assert_eq!(last.corrects, Some(1));
    assert_eq!((last.from, last.to), (Emergency, Emergency));
    assert_eq!(c.state(), Emergency);
    // The original is kept, the views use the replacement.
    assert_eq!(c.entries().len(), 3);
    assert!(matches!(c.entries()[0].kind, EntryKind::Intake(_)));
    assert_eq!(c.replaced_by(1), Some(3));
    assert_eq!(c.latest(1).unwrap().seq, 3);
    assert_eq!(c.received_at(), Some(dt("2026-03-06T18:30")));
    assert_eq!(
        c.effective().iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(deadlines(&c, &cal)[0].due, dt("2026-03-07T06:30"));

    // Entry 1 is now replaced: correct the latest version instead.
    assert_eq!(
        correct(&c, &o, 1, intake(dt("2026-03-06T18:00")), s.t),
        Err(CaseError::AlreadyCorrected { seq: 1, by: 3 })
    );
    let c = correct(&c, &o, 3, intake(dt("2026-03-06T18:00")), s.t).unwrap();
    assert_eq!(c.latest(1).unwrap().seq, 4);
    assert_eq!(c.received_at(), Some(dt("2026-03-06T18:00")));
}

#[test]
fn only_the_author_or_the_officer_corrects() {
    let mut s = script_in(Implementation);
    let police = actor(&assigned_name(Role::Police), Role::Police);
    let health = actor(&assigned_name(Role::Health), Role::Health);
    let today = s.today();
    s.ok(&police, visit(today));
    let seq = s.case.entries().last().unwrap().seq;

    // Someone else assigned may not.
    assert_eq!(
        correct(&s.case, &health, seq, visit(today), s.t),
        Err(CaseError::NotAuthor { seq })
    );
    // The author may.
    let mut v = visit(today);
    if let EntryKind::Visit(x) = &mut v {
        x.findings = "Trẻ ổn định, đã đi học lại".into();
    }
    let c = correct(&s.case, &police, seq, v, s.t).unwrap();
    assert_eq!(c.entries().last().unwrap().corrects, Some(seq));
    // The officer may strike it out (a visit that never happened).
    let c = apply(
        &s.case,
        &officer(),
        EntryKind::Correction {
            of: seq,
            note: "Ghi nhầm hồ sơ".into(),
        },
        s.t,
    )
    .unwrap();
    assert_eq!(c.struck_out_by(seq), Some(seq + 1));
    assert!(c.effective().iter().all(|e| e.seq != seq));
    // Not twice.
    assert!(matches!(
        apply(
            &c,
            &officer(),
            EntryKind::Correction {
                of: seq,
                note: "lần nữa".into()
            },
            s.t
        ),
        Err(CaseError::NotCorrectable { .. })
    ));
    // The author who is no longer assigned may not.
    let mut s2 = Script {
        case: s.case.clone(),
        t: s.t,
    };
    s2.ok(
        &officer(),
        EntryKind::Unassign {
            username: police.username.clone(),
            reason: "Chuyển công tác".into(),
        },
    );
    assert_eq!(
        correct(&s2.case, &police, seq, visit(today), s2.t),
        Err(CaseError::NotAuthor { seq })
    );
}

#[test]
fn the_filer_without_access_cannot_correct_their_report() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let head = actor("truongthon", Role::VillageHead);
    s.ok(&head, intake(dt("2026-03-02T09:00")));
    assert_eq!(
        correct(&s.case, &head, 1, intake(dt("2026-03-02T08:00")), s.t),
        Err(CaseError::NotAuthor { seq: 1 })
    );
    assert!(correct(&s.case, &officer(), 1, intake(dt("2026-03-02T08:00")), s.t).is_ok());
}

#[test]
fn entries_that_moved_the_case_are_replaced_not_struck_out() {
    let s = script_in(Planning);
    let o = officer();
    let seq_assessment = s
        .case
        .entries()
        .iter()
        .find(|e| matches!(e.kind, EntryKind::InitialAssessment(_)))
        .unwrap()
        .seq;
    assert!(matches!(
        apply(
            &s.case,
            &o,
            EntryKind::Correction {
                of: seq_assessment,
                note: "sai".into()
            },
            s.t
        ),
        Err(CaseError::NotCorrectable { .. })
    ));
    // A replacement may fix the ratings, not the path taken.
    let mut fixed = assessment(false);
    if let EntryKind::InitialAssessment(a) = &mut fixed {
        a.ratings[0].rating = Rating::High;
    }
    assert!(correct(&s.case, &o, seq_assessment, fixed, s.t).is_ok());
    assert!(matches!(
        correct(&s.case, &o, seq_assessment, assessment(true), s.t),
        Err(CaseError::NotCorrectable { .. })
    ));
    // Of the same kind.
    assert!(matches!(
        correct(&s.case, &o, seq_assessment, visit(s.today()), s.t),
        Err(CaseError::NotCorrectable { .. })
    ));
    // Assignments are undone by unassigning.
    assert!(matches!(
        apply(
            &s.case,
            &o,
            EntryKind::Correction {
                of: 3,
                note: "sai".into()
            },
            s.t
        ),
        Err(CaseError::NotCorrectable { .. })
    ));
    assert_eq!(
        correct(&s.case, &o, 999, visit(s.today()), s.t),
        Err(CaseError::NoSuchEntry(999))
    );
}

#[test]
fn a_plan_is_replaced_only_while_planning() {
    let s = script_in(Planning);
    let o = officer();
    let plan_seq = s
        .case
        .entries()
        .iter()
        .find(|e| matches!(e.kind, EntryKind::Plan(_)))
        .unwrap()
        .seq;
    let c = correct(&s.case, &o, plan_seq, plan(s.today()), s.t).unwrap();
    assert!(c.current_plan().is_some());

    let s = script_in(Implementation);
    assert!(matches!(
        correct(&s.case, &o, plan_seq, plan(s.today()), s.t),
        Err(CaseError::NotCorrectable { .. })
    ));
}

#[test]
fn a_review_decision_is_not_corrected() {
    let s = script_in(AwaitingClosure);
    let seq = s.case.entries().last().unwrap().seq;
    assert!(matches!(
        correct(
            &s.case,
            &officer(),
            seq,
            review(ReviewDecision::Replan),
            s.t
        ),
        Err(CaseError::NotCorrectable { .. })
    ));
    let c = correct(&s.case, &officer(), seq, review(ReviewDecision::Close), s.t).unwrap();
    assert_eq!(c.state(), AwaitingClosure);
}
