//! The steps each person is offered on a case page: exactly what the rules then accept.
use super::*;

fn offered(s: &Script, who: &Actor) -> Vec<&'static str> {
    actions(&s.case, who)
}

#[test]
fn each_role_is_offered_the_steps_it_may_take_now() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let head = actor("truongthon_a", Role::VillageHead);
    // A new case offers nothing here: the intake is its own form.
    assert!(offered(&s, &officer()).is_empty());
    s.ok(&head, intake(dt("2026-03-02T09:00")));

    let common = [
        "service",
        "visit",
        "referral",
        "referral_answer",
        "offender_handling",
        "assign",
        "unassign",
    ];
    let mut want = vec!["initial_assessment"];
    want.extend(common);
    assert_eq!(offered(&s, &officer()), want);
    assert_eq!(offered(&s, &leader()), vec!["assign", "unassign"]);
    assert!(offered(&s, &head).is_empty());
    let police = actor("congan_a", Role::Police);
    assert!(offered(&s, &police).is_empty());

    s.ok(&officer(), assessment(true));
    assert_eq!(offered(&s, &officer())[0], "emergency_measures");
    s.ok(&officer(), emergency(dt("2026-03-02T11:30")));
    assert_eq!(
        offered(&s, &officer())[..2],
        ["emergency_measures", "specific_assessment"]
    );
    s.ok(&officer(), specific(dt("2026-03-02T12:30")));
    // Submitting needs a draft of this round first.
    assert!(offered(&s, &officer()).contains(&"plan"));
    assert!(!offered(&s, &officer()).contains(&"submit_for_approval"));
    s.ok(&officer(), plan(d("2026-03-04")));
    assert!(offered(&s, &officer()).contains(&"submit_for_approval"));
    s.ok(&officer(), submit());
    assert!(offered(&s, &leader()).starts_with(&["approve", "return"]));
    assert!(!offered(&s, &officer()).contains(&"plan"));
    s.ok(&leader(), approve());
    assert!(offered(&s, &officer()).contains(&"review"));

    // Assigned police: services, visits, answers and the offender's handling, nothing that
    // moves the case.
    s.ok(
        &officer(),
        EntryKind::Assign {
            username: "congan_a".into(),
            role: Role::Police,
        },
    );
    assert_eq!(
        offered(&s, &police),
        vec!["service", "visit", "referral_answer", "offender_handling"],
        "the police record how they dealt with the offender (target 16)"
    );
}
