//! Sizes of case entries (crate::limits): checked when an entry is recorded, not on replay.
use super::*;

fn refused(r: Result<CaseFile, CaseError>) -> FieldErrors {
    match r {
        Err(CaseError::Invalid(e)) => e,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn texts_lists_and_dates_past_their_limits_are_refused_with_the_limit() {
    let t = dt("2026-11-02T08:00");
    let mut s = Script::new(1, t);
    let EntryKind::Intake(mut long) = intake(t) else {
        unreachable!()
    };
    long.current_condition = "bị đánh ".repeat(2_501);
    let e = refused(s.try_(&officer(), EntryKind::Intake(long)));
    assert_eq!(
        e.for_field("current_condition"),
        Some("tình trạng hiện tại của trẻ quá dài: tối đa 20000 ký tự (đã nhập 20008)")
    );
    let e = refused(s.try_(&officer(), intake(dt("0001-01-01T00:00"))));
    assert!(e
        .for_field("received_at")
        .unwrap()
        .contains("năm phải từ 1900 đến 2100"));
    s.ok(&officer(), intake(t));
    let EntryKind::InitialAssessment(mut a) = assessment(false) else {
        unreachable!()
    };
    a.ratings = (0..21)
        .map(|i| RatedItem {
            item: format!("tiêu chí {i}"),
            rating: Rating::Low,
        })
        .collect();
    let e = refused(s.try_(&officer(), EntryKind::InitialAssessment(a)));
    // One message for the list, none for its items.
    assert_eq!(
        e.0.iter()
            .map(|f| (f.field.as_str(), f.message.as_str()))
            .collect::<Vec<_>>(),
        vec![("ratings", "tối đa 20 tiêu chí đánh giá (đã nhập 21)")]
    );
}

#[test]
fn an_entry_stored_before_a_limit_still_replays() {
    let t = dt("2026-11-02T08:00");
    let mut s = Script::new(1, t);
    s.ok(&officer(), intake(t));
    // As if recorded when narratives had no limit.
    let mut entries = s.case.entries.clone();
    if let EntryKind::Intake(i) = &mut entries[0].kind {
        i.current_condition = "x".repeat(30_000);
    }
    let case = CaseFile::replay(1, entries).expect("replayed");
    assert_eq!(case.entries.len(), 1);
}
