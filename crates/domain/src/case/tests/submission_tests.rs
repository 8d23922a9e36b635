//! The plan submitted to the leader (Mẫu 05): the version the leader saw, and their answer.
use super::*;

#[test]
fn the_last_submission_is_the_plan_as_submitted_with_the_leaders_answer() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let o = officer();
    s.ok(&o, intake(dt("2026-03-02T09:00")));
    s.ok(&o, assessment(false));
    s.ok(&o, specific(dt("2026-03-02T11:00")));
    assert!(s.case.last_submission().is_none(), "nothing submitted yet");
    s.ok(&o, plan(d("2026-03-04"))); // 4
    s.ok(&o, submit()); // 5
    s.ok(&leader(), ret("Bổ sung nguồn lực")); // 6
    let first = s.case.last_submission().unwrap();
    assert_eq!((first.submit.seq, first.plan_entry.seq), (5, 4));
    assert_eq!(first.answer.map(|e| e.seq), Some(6));
    assert!(first.approval().is_none() && first.decision_no.is_none());

    // The returned plan is replaced (7) and submitted again (8): the new version is what the
    // leader sees now; the first submission saw entry 4.
    s.case = correct(&s.case, &o, 4, plan(d("2026-03-05")), s.t).unwrap();
    s.t = s.t.checked_add(Span::new().hours(1)).unwrap();
    s.ok(&o, submit()); // 8
    let second = s.case.last_submission().unwrap();
    assert_eq!((second.submit.seq, second.plan_entry.seq), (8, 7));
    assert_eq!(second.plan.measures[0].from, d("2026-03-05"));
    assert!(second.answer.is_none());
    s.ok(
        &leader(),
        EntryKind::Approve {
            decision_no: Some(" 12/QĐ-UBND ".into()),
            note: String::new(),
        },
    ); // 9
    let approved = s.case.last_submission().unwrap();
    assert_eq!(approved.approval().map(|e| e.seq), Some(9));
    assert_eq!(approved.decision_no.as_deref(), Some("12/QĐ-UBND"));
}

#[test]
fn first_and_last_of_a_kind_read_the_latest_version() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let o = officer();
    s.ok(&o, intake(dt("2026-03-02T09:00")));
    let today = s.today();
    s.ok(&o, service(today)); // 2
    s.ok(&o, visit(today)); // 3
    s.ok(&o, service(today)); // 4
    s.case = correct(&s.case, &o, 2, service(today), s.t).unwrap(); // 5 replaces 2
    let is_service = |k: &EntryKind| matches!(k, EntryKind::Service(_));
    assert_eq!(s.case.first_of(is_service).map(|e| e.seq), Some(5));
    assert_eq!(s.case.last_of(is_service).map(|e| e.seq), Some(4));
    assert!(s
        .case
        .last_of(|k| matches!(k, EntryKind::Review(_)))
        .is_none());
}
