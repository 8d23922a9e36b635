//! What a person is offered on a case: the steps, the strike-outs and the replacements, each
//! exactly what the state machine then accepts.
use super::*;

/// A case in implementation: report by a village head (1), assessment (2), specific (3), plan
/// (4), submit (5), approval (6), then a service by the officer (7), a referral (8) and a visit
/// by an assigned police officer (10, after the assignment 9).
fn implementing() -> (Script, Actor) {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let head = actor("truongthon_a", Role::VillageHead);
    let police = actor("congan_a", Role::Police);
    s.ok(&head, intake(dt("2026-03-02T09:00")));
    s.ok(&officer(), assessment(false));
    s.ok(&officer(), specific(dt("2026-03-02T11:00")));
    s.ok(&officer(), plan(d("2026-03-04")));
    s.ok(&officer(), submit());
    s.ok(&leader(), approve());
    let today = s.today();
    s.ok(&officer(), service(today));
    s.ok(&officer(), referral(today));
    s.ok(
        &officer(),
        EntryKind::Assign {
            username: "congan_a".into(),
            role: Role::Police,
        },
    );
    s.ok(&police, visit(today));
    (s, police)
}

fn seqs(v: Vec<&CaseEntry>) -> Vec<u32> {
    v.into_iter().map(|e| e.seq).collect()
}

#[test]
fn strike_outs_are_what_a_correction_would_accept() {
    let (mut s, police) = implementing();
    // The officer: every service, visit and referral standing; the police: their own visit.
    assert_eq!(seqs(strikable(&s.case, &officer())), vec![7, 8, 10]);
    assert_eq!(seqs(strikable(&s.case, &police)), vec![10]);
    assert!(strikable(&s.case, &leader()).is_empty());
    // The offender's handling can be struck out like a referral.
    let today = s.today();
    s.ok(
        &officer(),
        EntryKind::OffenderHandling(OffenderHandling {
            handling: Handling::ReferredToPolice,
            date: today,
            note: String::new(),
        }),
    );
    assert!(may_strike(&s.case, &officer(), 11));
    // Struck out once: no more.
    s.ok(
        &officer(),
        EntryKind::Correction {
            of: 7,
            note: "ghi nhầm".into(),
        },
    );
    assert!(!may_strike(&s.case, &officer(), 7));
    for seq in strikable(&s.case, &officer()).iter().map(|e| e.seq) {
        let strike = EntryKind::Correction {
            of: seq,
            note: "ghi nhầm".into(),
        };
        assert!(s.try_(&officer(), strike).is_ok(), "entry {seq}");
    }
    // Entries that moved the case are replaced, never struck out.
    assert!(!may_strike(&s.case, &officer(), 2));
}

#[test]
fn replacements_are_what_correct_would_accept() {
    let (s, police) = implementing();
    let o = officer();
    // The officer replaces any entry but the assignment; the plan only while planning.
    let replaceable: Vec<u32> = (1..=10).filter(|n| may_replace(&s.case, &o, *n)).collect();
    assert_eq!(replaceable, vec![1, 2, 3, 5, 6, 7, 8, 10]);
    // The police replace their own visit only; the village head, who filed the report but
    // may not open the case, nothing.
    let theirs: Vec<u32> = (1..=10)
        .filter(|n| may_replace(&s.case, &police, *n))
        .collect();
    assert_eq!(theirs, vec![10]);
    let head = actor("truongthon_a", Role::VillageHead);
    assert!(!may_replace(&s.case, &head, 1));
    // The leader replaces their approval; nothing else.
    let leaders: Vec<u32> = (1..=10)
        .filter(|n| may_replace(&s.case, &leader(), *n))
        .collect();
    assert_eq!(leaders, vec![6]);
    assert!(!may_replace(&s.case, &o, 99));
    for seq in replaceable {
        let same = s.case.entry(seq).unwrap().kind.clone();
        assert!(correct(&s.case, &o, seq, same, s.t).is_ok(), "entry {seq}");
    }
}

#[test]
fn steps_offered_leave_out_what_has_nothing_to_act_on() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    s.ok(&officer(), intake(dt("2026-03-02T09:00")));
    // Nobody assigned, no referral, nothing to strike out.
    let steps = offered_steps(&s.case, &officer());
    assert!(!steps.contains(&"referral_answer") && !steps.contains(&"unassign"));
    assert!(!steps.contains(&"correction"));
    assert!(actions(&s.case, &officer()).contains(&"referral_answer"));
    let today = s.today();
    s.ok(&officer(), referral(today));
    s.ok(
        &officer(),
        EntryKind::Assign {
            username: "congan_a".into(),
            role: Role::Police,
        },
    );
    let steps = offered_steps(&s.case, &officer());
    assert!(steps.contains(&"referral_answer") && steps.contains(&"unassign"));
    assert_eq!(steps.last(), Some(&"correction"));
    assert!(may_record(&s.case, &officer(), "correction"));
    assert!(!may_record(&s.case, &leader(), "correction"));
    assert!(!may_record(&s.case, &officer(), "intake"));
    assert_eq!(seqs(answerable_referrals(&s.case)), vec![2]);
    s.ok(
        &officer(),
        EntryKind::Correction {
            of: 2,
            note: "nhầm".into(),
        },
    );
    assert!(answerable_referrals(&s.case).is_empty());
    assert!(!may_record(&s.case, &officer(), "referral_answer"));
}

#[test]
fn reports_are_filed_by_the_roles_the_machine_lets_record_an_intake() {
    for role in crate::role::ALL_ROLES {
        let s = Script::new(1, dt("2026-03-02T10:00"));
        let a = actor("x", role);
        let accepted = s.try_(&a, intake(dt("2026-03-02T09:00"))).is_ok();
        assert_eq!(may_file_report(role), accepted, "{role:?}");
    }
    assert_eq!(
        default_channel(Role::VillageHead),
        Some(Channel::VillageHead)
    );
    assert_eq!(default_channel(Role::Officer), None);
}

#[test]
fn cases_are_assigned_to_roles_that_read_children_and_do_not_open_every_case() {
    let roles = assignable_roles();
    assert!(roles.contains(&Role::Police) && roles.contains(&Role::Health));
    assert!(!roles.contains(&Role::Officer) && !roles.contains(&Role::Leader));
    assert!(!roles.contains(&Role::Admin));
    for r in roles {
        let assigned = actor("x", r);
        assert!(may_open_as(&assigned, true) && !may_open_as(&assigned, false));
    }
}

#[test]
fn the_list_shows_cases_counts_or_nothing_by_role() {
    use CaseListing::*;
    assert_eq!(case_listing(Role::Admin, Some(3)), Nothing);
    assert_eq!(case_listing(Role::Officer, Some(0)), Cases);
    assert_eq!(case_listing(Role::Leader, Some(0)), Cases);
    assert_eq!(case_listing(Role::Officer, None), Counts);
    assert_eq!(case_listing(Role::Police, Some(1)), Cases);
    assert_eq!(case_listing(Role::Police, Some(0)), Counts);
    assert_eq!(case_listing(Role::Police, None), Counts);
    assert_eq!(case_listing(Role::VillageHead, Some(1)), Cases);
    assert_eq!(case_listing(Role::VillageHead, Some(0)), Nothing);
    assert_eq!(case_listing(Role::VillageHead, None), Nothing);
}

#[test]
fn a_due_time_is_overdue_once_past_and_due_today_until_then() {
    let now = dt("2026-03-02T10:00");
    assert_eq!(urgency(dt("2026-03-02T09:59"), now), Urgency::Overdue);
    assert_eq!(urgency(now, now), Urgency::DueToday);
    assert_eq!(urgency(dt("2026-03-02T23:59"), now), Urgency::DueToday);
    assert_eq!(urgency(dt("2026-03-03T00:00"), now), Urgency::Later);
    let late = Deadline {
        what: DeadlineKind::Plan,
        round: 1,
        due: dt("2026-03-02T09:59"),
        met_at: None,
    };
    assert_eq!(
        late.overdue(now),
        urgency(late.due, now) == Urgency::Overdue
    );
}
