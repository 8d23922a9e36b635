use super::*;
use jiff::civil::date;

fn today() -> jiff::civil::Date {
    date(2026, 12, 6)
}

fn event() -> ActivityInput {
    ActivityInput {
        date: "01/06/2026".into(),
        title: "Phòng chống đuối nước".into(),
        channel: "Họp thôn".into(),
        occasion: "month_of_action".into(),
        girls: "12".into(),
        boys: "10".into(),
        total: "22".into(),
        ..Default::default()
    }
}

#[test]
fn an_event_whose_counts_add_up_is_accepted_with_its_words() {
    let a = event().parse(ActivityKind::Event, today()).unwrap();
    assert_eq!(a.channel, Some(Channel::VillageMeeting));
    assert_eq!(a.occasion, Some(Occasion::MonthOfAction));
    assert_eq!(a.audience.total, 22);
}

#[test]
fn girls_and_boys_not_adding_up_to_the_total_are_refused_naming_the_field() {
    let mut e = event();
    e.total = "25".into();
    let errs = e.parse(ActivityKind::Event, today()).unwrap_err();
    let m = errs.for_field("total").unwrap();
    assert!(
        m.contains("tổng số trẻ em (25)") && m.contains("em gái (12)"),
        "{m}"
    );
    let mut e = event();
    e.age_0_5 = "5".into();
    e.age_6_10 = "5".into();
    assert!(e
        .parse(ActivityKind::Event, today())
        .unwrap_err()
        .for_field("age_11_15")
        .is_some());
    let mut e = event();
    e.girls = "-1".into();
    assert!(e
        .parse(ActivityKind::Event, today())
        .unwrap_err()
        .for_field("girls")
        .unwrap()
        .contains("âm"));
}

#[test]
fn dates_in_the_future_outside_the_plan_year_or_the_occasion_are_refused() {
    for (d, want) in [
        ("07/12/2026", "sau hôm nay"),
        ("15/06/2025", "năm kế hoạch 2026"),
        ("01/07/2026", "01/06 đến 30/06"),
    ] {
        let mut e = event();
        e.date = d.into();
        let errs = e.parse(ActivityKind::Event, today()).unwrap_err();
        assert!(
            errs.for_field("date").unwrap().contains(want),
            "{d}: {errs}"
        );
    }
}

#[test]
fn a_recommendation_that_cannot_be_met_needs_its_reason_and_every_one_its_agency() {
    let f = ActivityInput {
        date: "2026-05-20".into(),
        title: "Trẻ em với an toàn giao thông".into(),
        form: "forum".into(),
        level: "Xã".into(),
        children_text: "3, 5 5\n7".into(),
        recommendations_text:
            "Làm biển báo | chưa thể thực hiện | | UBND xã\nSân chơi | đã đáp ứng | | ".into(),
        ..Default::default()
    };
    let errs = f.parse(ActivityKind::Forum, today()).unwrap_err();
    assert!(
        errs.for_field("recommendations[0].reason").is_some(),
        "{errs}"
    );
    assert!(
        errs.for_field("recommendations[1].agency").is_some(),
        "{errs}"
    );
    let mut ok = f.clone();
    ok.recommendations_text =
        "Làm biển báo | chưa thể thực hiện | chưa có kinh phí | UBND xã".into();
    let a = ok.parse(ActivityKind::Forum, today()).unwrap();
    assert_eq!(a.children, vec![3, 5, 7]);
    assert_eq!(a.recommendations[0].answer, Answer::NotPossible);
    assert_eq!(a.form, Some(ForumForm::Forum));
    assert_eq!(a.level, Some(ForumLevel::Commune));
}

#[test]
fn who_may_write_which_kind() {
    assert!(may_write(Role::VillageHead, ActivityKind::Event));
    assert!(!may_write(Role::VillageHead, ActivityKind::Forum));
    assert!(!may_write(Role::Services, ActivityKind::Forum));
    assert!(may_write(Role::Services, ActivityKind::Training));
    assert!(!may_write(Role::Leader, ActivityKind::Event));
    assert!(may_read(Role::Leader, ActivityKind::Forum));
    assert!(!may_read(Role::Services, ActivityKind::Forum));
}

#[test]
fn forum_forms_count_for_their_targets() {
    use ParticipationTarget::*;
    assert!(ForumForm::Consultation.counts_for(Consulted));
    assert!(!ForumForm::Consultation.counts_for(Participating));
    assert!(ForumForm::Club.counts_for(Participating));
    assert!(!ForumForm::Awareness.counts_for(Consulted));
    assert!(ForumForm::Awareness.counts_for(Aware));
}
