//! The forms read into entries, and entries written back into forms.
use super::*;
use treem_domain::case::*;
use treem_domain::register::{Caregiver, DobPrecision, Sex};

fn posted(pairs: &[(&str, &str)]) -> Posted {
    Posted(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn an_intake_with_a_new_child_of_unknown_age() {
    let f = posted(&[
        ("channel", "village_head"),
        ("received_at", "27/11/2026"),
        ("received_at_time", "20:15"),
        ("category", "at_risk"),
        ("child_type", "new"),
        ("child.sex", "unknown"),
        ("child.dob_precision", "unknown"),
        ("child.description", "Bé khoảng 2 tuổi"),
        ("place", "Bản Pú Ủng"),
        ("current_condition", "Ở nhà một mình"),
    ]);
    let EntryKind::Intake(i) = parse_intake(&f).unwrap() else {
        panic!("not an intake")
    };
    assert_eq!(i.received_at.to_string(), "2026-11-27T20:15:00");
    assert!(i.informant.is_none());
    let ChildRef::New(c) = &i.child else { panic!() };
    assert_eq!(c.sex, Sex::Unknown);
    assert_eq!(c.dob_precision, DobPrecision::Unknown);
}

#[test]
fn bad_dates_hours_and_choices_name_their_field() {
    let f = posted(&[
        ("channel", "pigeon"),
        ("received_at", "31/02/2026"),
        ("received_at_time", "25:00"),
        ("child_type", "registered"),
        ("child_id", "abc"),
    ]);
    let e = by_field(&parse_intake(&f).unwrap_err());
    assert!(e["channel"].contains("pigeon"), "{e:?}");
    assert!(e["received_at"].contains("dd/mm/yyyy"));
    assert!(e["category"].starts_with("chọn"));
    assert!(e["child_id"].contains("không phải số"));
}

#[test]
fn a_plan_reads_its_rows_and_refuses_a_gap() {
    let mut f = posted(&[
        ("objectives", "Trẻ an toàn\n\nTrẻ đi học lại"),
        ("measures[1].kind", "medical_care"),
        ("measures[1].responsible", "Trạm Y tế"),
        ("measures[1].from", "01/12/2026"),
        ("measures[1].to", "31/12/2026"),
    ]);
    let EntryKind::Plan(p) = parse_step("plan", &f).unwrap() else {
        panic!()
    };
    assert_eq!(p.objectives.len(), 2);
    assert_eq!(p.measures[0].responsible, "Trạm Y tế");
    f.0.push(("measures[3].kind".into(), "education".into()));
    f.0.push(("measures[3].from".into(), "01/12/2026".into()));
    f.0.push(("measures[3].to".into(), "01/01/2027".into()));
    let e = by_field(&parse_step("plan", &f).unwrap_err());
    assert!(e["measures"].contains("không bỏ dòng"));
}

#[test]
fn ratings_and_an_item_written_in() {
    let f = posted(&[
        ("rating.muc_do_ton_hai", "cao"),
        ("rating.kha_nang_tu_bao_ve_phuc_hoi", "thap"),
        ("rating_other_item", "Trẻ bỏ học"),
        ("rating_other", "trung_binh"),
        ("recovery", "Trẻ đã đi học lại"),
        ("decision", "close"),
    ]);
    let EntryKind::Review(r) = parse_step("review", &f).unwrap() else {
        panic!()
    };
    assert_eq!(rating_counts(&r.ratings), (1, 1, 1));
    assert_eq!(r.decision, ReviewDecision::Close);
    let e = by_field(&parse_step("review", &posted(&[])).unwrap_err());
    assert!(e["decision"].starts_with("chọn"));
}

/// What a replacement form shows reads back as the same entry.

#[test]
fn entries_read_back_from_their_own_form() {
    let at: jiff::civil::DateTime = "2026-11-27T20:15".parse().unwrap();
    let entries = vec![
        EntryKind::Intake(Box::new(Intake {
            channel: Channel::School,
            received_at: at,
            category: IntakeCategory::Abused,
            child: ChildRef::New(NewChild {
                full_name: "Sùng Thị Dua".into(),
                sex: Sex::Female,
                date_of_birth: None,
                dob_precision: DobPrecision::Estimated,
                estimated_age: Some(9),
                village: Some("SP01".into()),
                description: "Tóc ngắn".into(),
            }),
            place: "Trường".into(),
            current_condition: "Sợ hãi".into(),
            predicted_consequence: String::new(),
            father: Some(Parent {
                full_name: "Sùng A Lử".into(),
                age: Some(40),
                occupation: "Làm nương".into(),
            }),
            mother: None,
            family_circumstances: String::new(),
            caregiver: Some(Caregiver {
                relationship: "bà".into(),
                full_name: "Lầu Thị Mỷ".into(),
                phone: Some("0912000000".into()),
            }),
            actions_taken: String::new(),
            informant: Some(Informant {
                consent: true,
                full_name: "Giáo viên".into(),
                phone: String::new(),
                address: String::new(),
                note: String::new(),
            }),
        })),
        EntryKind::InitialAssessment(InitialAssessment {
            ratings: vec![
                RatedItem {
                    item: "muc_do_ton_hai".into(),
                    rating: Rating::High,
                },
                RatedItem {
                    item: "Trẻ bỏ học".into(),
                    rating: Rating::Low,
                },
            ],
            abuse_type: Some(AbuseType::SexualAbuse),
            sub_type: Some(SexualAbuseKind::Molestation),
            abuse_description: String::new(),
            level: ProtectionLevel::Intervention,
            serious_harm: true,
            summary: "Cần can thiệp".into(),
        }),
        EntryKind::EmergencyMeasures(EmergencyMeasures {
            measures: vec![
                EmergencyKind::EmergencyIntervention,
                EmergencyKind::TemporarySeparation,
            ],
            taken_at: at,
            decision_no: Some("3/QĐ".into()),
            description: "Đưa trẻ về nhà bà".into(),
        }),
        EntryKind::Review(Review {
            ratings: vec![RatedItem {
                item: "muc_do_ton_hai".into(),
                rating: Rating::Low,
            }],
            recovery: "Ổn định".into(),
            decision: ReviewDecision::Replan,
            note: String::new(),
        }),
        EntryKind::Service(Service {
            date: at.date(),
            kind: MeasureKind::LegalAid,
            by: "Trợ giúp pháp lý".into(),
            description: "Tư vấn".into(),
        }),
    ];
    for e in entries {
        let f = entry_to_form(&e);
        let back = match &e {
            EntryKind::Intake(_) => parse_intake(&f),
            other => parse_step(other.code(), &f),
        };
        assert_eq!(back.as_ref(), Ok(&e), "{}", e.code());
    }
}
