//! Who may open a case, and who sees only its receipt.
use super::*;

#[test]
fn officer_leader_and_assigned_people_open_the_case() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let head = actor("truongthon_a", Role::VillageHead);
    s.ok(&head, intake(dt("2026-03-02T09:00")));
    let c = &s.case;

    assert!(may_open(c, &officer()));
    assert!(may_open(c, &leader()));
    // The village head who filed it sees the receipt, not the case.
    assert!(!may_open(c, &head));
    assert!(may_see_receipt(c, &head));
    let r = receipt(c).unwrap();
    assert_eq!(r.case_id, 1);
    assert_eq!(r.filed_by, "truongthon_a");
    assert_eq!(r.filed_at, dt("2026-03-02T10:00"));
    // Another village head sees nothing.
    let other = actor("truongthon_b", Role::VillageHead);
    assert!(!may_open(c, &other));
    assert!(!may_see_receipt(c, &other));

    // Police: only the one assigned.
    let police_a = actor("congan_a", Role::Police);
    let police_b = actor("congan_b", Role::Police);
    assert!(!may_open(c, &police_a));
    s.ok(
        &officer(),
        EntryKind::Assign {
            username: "congan_a".into(),
            role: Role::Police,
        },
    );
    assert!(may_open(&s.case, &police_a));
    assert!(!may_open(&s.case, &police_b));
    assert!(!may_see_receipt(&s.case, &police_b));
    s.ok(
        &leader(),
        EntryKind::Unassign {
            username: "congan_a".into(),
            reason: "Đã xong phần việc".into(),
        },
    );
    assert!(!may_open(&s.case, &police_a));

    // Roles that never read children's records.
    for role in [Role::Admin, Role::Province, Role::Services] {
        let a = actor("x", role);
        assert!(!may_open(&s.case, &a));
        assert!(!may_see_receipt(&s.case, &a));
    }
    assert!(receipt(&CaseFile::new(2)).is_none());
}

#[test]
fn a_police_filer_is_not_assigned_by_filing() {
    let mut s = Script::new(1, dt("2026-03-02T10:00"));
    let police = actor("congan_a", Role::Police);
    s.ok(&police, intake(dt("2026-03-02T09:00")));
    assert!(!may_open(&s.case, &police));
    assert!(may_see_receipt(&s.case, &police));
    let today = s.today();
    assert!(matches!(
        s.try_(&police, visit(today)),
        Err(CaseError::NotAssigned { .. })
    ));
}
