//! Deadlines: 12 clock hours for emergencies, working days for the plan and its approval.
use super::*;
use CaseState::*;

fn of_kind(ds: &[Deadline], what: DeadlineKind, round: u32) -> Deadline {
    *ds.iter()
        .find(|d| d.what == what && d.round == round)
        .unwrap_or_else(|| panic!("no {what:?} deadline for round {round}"))
}

/// A case received at `received` and assessed (serious or not) ten minutes later.
fn received(at: &str, serious: bool) -> Script {
    let received = dt(at);
    let mut s = Script::new(1, received.checked_add(Span::new().minutes(10)).unwrap());
    s.ok(&officer(), intake(received));
    s.ok(&officer(), assessment(serious));
    s
}

#[test]
fn friday_20h_emergency_at_08h_saturday_plan_on_the_fifth_working_day() {
    let cal = WorkingCalendar::default();
    // Friday 06/03/2026, 20:00.
    let s = received("2026-03-06T20:00", true);
    assert_eq!(s.case.state(), Emergency);
    let ds = deadlines(&s.case, &cal);
    let e = of_kind(&ds, DeadlineKind::Emergency, 1);
    assert_eq!(e.due, dt("2026-03-07T08:00"));
    assert_eq!(e.due.date().weekday(), jiff::civil::Weekday::Saturday);

    let p = of_kind(&ds, DeadlineKind::Plan, 1);
    // Mon 09 (1), Tue 10 (2), Wed 11 (3), Thu 12 (4), Fri 13 (5).
    assert_eq!(p.due, dt("2026-03-13T23:59:59"));
    assert_eq!(cal.working_days_between(d("2026-03-06"), p.due.date()), 5);
    let a = of_kind(&ds, DeadlineKind::Approval, 1);
    assert_eq!(a.due, dt("2026-03-17T23:59:59"));

    // The emergency deadline is next, overdue one second after 08:00.
    let next = next_deadline(&s.case, &cal).unwrap();
    assert_eq!(next.what, DeadlineKind::Emergency);
    assert!(!next.overdue(dt("2026-03-07T08:00")));
    assert!(next.overdue(dt("2026-03-07T08:00:01")));

    // Measures taken at 07:30 Saturday, recorded at 09:00: met on time.
    let mut s = s;
    s.at(dt("2026-03-07T09:00"));
    s.ok(&officer(), emergency(dt("2026-03-07T07:30")));
    let e = of_kind(&deadlines(&s.case, &cal), DeadlineKind::Emergency, 1);
    assert_eq!(e.met_at, Some(dt("2026-03-07T07:30")));
    assert!(e.met_on_time());
    assert!(!e.overdue(dt("2026-03-09T00:00")));
    assert_eq!(
        next_deadline(&s.case, &cal).unwrap().what,
        DeadlineKind::Plan
    );
}

#[test]
fn no_emergency_deadline_without_serious_harm() {
    let cal = WorkingCalendar::default();
    let s = received("2026-03-06T20:00", false);
    let ds = deadlines(&s.case, &cal);
    assert!(ds.iter().all(|d| d.what != DeadlineKind::Emergency));
    assert_eq!(
        next_deadline(&s.case, &cal).unwrap().what,
        DeadlineKind::Plan
    );
}

#[test]
fn plan_deadline_over_a_weekend() {
    let cal = WorkingCalendar::default();
    // Wednesday 04/03/2026: Thu 05, Fri 06, Mon 09, Tue 10, Wed 11.
    let s = received("2026-03-04T10:00", false);
    let p = of_kind(&deadlines(&s.case, &cal), DeadlineKind::Plan, 1);
    assert_eq!(p.due, dt("2026-03-11T23:59:59"));
    // An intake on a Saturday counts from the Monday.
    let s = received("2026-03-07T10:00", false);
    let p = of_kind(&deadlines(&s.case, &cal), DeadlineKind::Plan, 1);
    assert_eq!(p.due, dt("2026-03-13T23:59:59"));
}

#[test]
fn plan_deadline_over_tet_2026() {
    let cal = WorkingCalendar::default();
    // Thursday 12/02/2026; Tết break Sat 14/02 – Sun 22/02.
    let s = received("2026-02-12T15:00", false);
    let p = of_kind(&deadlines(&s.case, &cal), DeadlineKind::Plan, 1);
    // Fri 13 (1), Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
    assert_eq!(p.due, dt("2026-02-26T23:59:59"));
    // Without the holidays it would have been Thu 19/02, in the middle of Tết.
    let plain = WorkingCalendar::weekends_only();
    let p = of_kind(&deadlines(&s.case, &plain), DeadlineKind::Plan, 1);
    assert_eq!(p.due, dt("2026-02-19T23:59:59"));
    // Emergency deadlines ignore holidays: 12 clock hours.
    let s = received("2026-02-16T22:00", true);
    let e = of_kind(&deadlines(&s.case, &cal), DeadlineKind::Emergency, 1);
    assert_eq!(e.due, dt("2026-02-17T10:00"));
}

#[test]
fn an_added_holiday_moves_the_deadline() {
    let s = received("2026-03-06T20:00", false);
    let base = WorkingCalendar::default();
    assert_eq!(
        of_kind(&deadlines(&s.case, &base), DeadlineKind::Plan, 1).due,
        dt("2026-03-13T23:59:59")
    );
    // Through the file's [[extra]] list…
    let text = format!(
        "{}\n[[extra]]\ndate = 2026-03-10\nname = \"Ngày nghỉ do tỉnh quyết định\"\n",
        calendar::EMBEDDED
    );
    let cal = WorkingCalendar::from_toml(&text).unwrap();
    assert!(!cal.is_working_day(d("2026-03-10")));
    assert_eq!(
        cal.holiday(d("2026-03-10")),
        Some("Ngày nghỉ do tỉnh quyết định")
    );
    assert_eq!(
        of_kind(&deadlines(&s.case, &cal), DeadlineKind::Plan, 1).due,
        dt("2026-03-16T23:59:59")
    );
    // …or in code.
    let mut cal = WorkingCalendar::default();
    cal.add_extra(d("2026-03-13"), "Nghỉ đột xuất");
    assert_eq!(
        of_kind(&deadlines(&s.case, &cal), DeadlineKind::Plan, 1).due,
        dt("2026-03-16T23:59:59")
    );
}

#[test]
fn office_hours_are_a_setting() {
    let s = received("2026-03-06T20:00", false);
    let rules = DeadlineRules {
        end_of_day: jiff::civil::Time::constant(17, 0, 0, 0),
        ..DeadlineRules::default()
    };
    let ds = deadlines_with(&s.case, &WorkingCalendar::default(), &rules);
    assert_eq!(
        of_kind(&ds, DeadlineKind::Plan, 1).due,
        dt("2026-03-13T17:00")
    );
}

#[test]
fn plan_and_approval_are_met_by_submission_and_approval() {
    let cal = WorkingCalendar::default();
    let mut s = received("2026-03-02T09:00", false);
    let o = officer();
    let l = leader();
    let t = s.t;
    s.ok(&o, specific(t));
    let today = s.today();
    s.ok(&o, plan(today)).ok(&o, submit());
    let submitted = s.case.entries().last().unwrap().at;
    s.ok(&l, ret("Bổ sung"));
    s.ok(&o, submit());
    s.at(dt("2026-03-12T10:00"));
    s.ok(&l, approve());
    let ds = deadlines(&s.case, &cal);
    let p = of_kind(&ds, DeadlineKind::Plan, 1);
    assert_eq!(p.met_at, Some(submitted));
    assert!(p.met_on_time());
    let a = of_kind(&ds, DeadlineKind::Approval, 1);
    // Received Mon 02/03: the 7th working day is Wed 11/03; approved Thu 12/03: late.
    assert_eq!(a.due, dt("2026-03-11T23:59:59"));
    assert_eq!(a.met_at, Some(dt("2026-03-12T10:00")));
    assert!(a.is_met() && !a.met_on_time());
    assert!(next_deadline(&s.case, &cal).is_none());

    // A new plan after a review: round 2 counts from the review's day.
    s.at(dt("2026-05-04T09:00"));
    s.ok(&o, review(ReviewDecision::Replan));
    let ds = deadlines(&s.case, &cal);
    let p2 = of_kind(&ds, DeadlineKind::Plan, 2);
    // Mon 04/05: Tue 05 … Mon 11/05.
    assert_eq!(p2.due, dt("2026-05-11T23:59:59"));
    assert!(!p2.is_met());
    let next = next_deadline(&s.case, &cal).unwrap();
    assert_eq!((next.what, next.round), (DeadlineKind::Plan, 2));
}

#[test]
fn an_overdue_deadline_stays_next() {
    let cal = WorkingCalendar::default();
    let s = received("2026-03-06T20:00", false);
    let next = next_deadline(&s.case, &cal).unwrap();
    assert!(next.overdue(dt("2026-04-01T00:00")));
    assert_eq!(next.what, DeadlineKind::Plan);
    // A new empty case has no deadline.
    assert!(deadlines(&CaseFile::new(5), &cal).is_empty());
    let _ = Intake;
}
