//! What a step's form starts with from the steps before it, and what waits for the leader.
use super::*;

#[test]
fn ratings_and_needs_are_carried_to_the_next_steps() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    s.ok(&officer(), intake(dt("2026-03-02T09:00")));
    s.ok(&officer(), assessment(true));
    let start = carried(&s.case, "specific_assessment");
    assert_eq!(start.ratings.len(), 4);
    assert!(start.ratings.iter().all(|r| r.rating == Rating::High));
    s.ok(&officer(), emergency(dt("2026-03-02T10:30")));
    s.ok(&officer(), specific(dt("2026-03-02T11:00")));
    // The specific assessment rated nothing: the plan starts from its needs.
    let start = carried(&s.case, "plan");
    assert_eq!(start.objectives, ["Chăm sóc y tế", "Tư vấn cho gia đình"]);
    assert!(start.plan.is_none());
    s.ok(&officer(), plan(d("2026-03-04")));
    let start = carried(&s.case, "plan");
    assert!(
        start.plan.is_some(),
        "a plan drafted again starts from the last"
    );
    assert!(carried(&s.case, "visit").ratings.is_empty());
    assert!(plan_to_approve(&s.case).is_none(), "not yet submitted");
    s.ok(&officer(), submit());
    assert_eq!(
        plan_to_approve(&s.case).unwrap().objectives,
        ["Trẻ an toàn, được chăm sóc y tế"]
    );
    assert!(waits_for(s.case.state(), Role::Leader));
    assert!(!waits_for(s.case.state(), Role::Officer));
    s.ok(&leader(), approve());
    assert!(plan_to_approve(&s.case).is_none());
    assert!(!waits_for(s.case.state(), Role::Leader));
    // The review starts from the assessment's ratings.
    assert_eq!(carried(&s.case, "review").ratings.len(), 4);
}

#[test]
fn working_days_left_skip_the_weekend_and_end_when_overdue() {
    let cal = WorkingCalendar::weekends_only();
    // Friday 06/03/2026 to the Tuesday after: Monday and Tuesday.
    let due = dt("2026-03-10T23:59");
    assert_eq!(
        working_days_left(&cal, due, dt("2026-03-06T10:00")),
        Some(2)
    );
    assert_eq!(
        working_days_left(&cal, due, dt("2026-03-10T08:00")),
        Some(0)
    );
    assert_eq!(working_days_left(&cal, due, dt("2026-03-11T08:00")), None);
}
