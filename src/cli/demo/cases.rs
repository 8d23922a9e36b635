//! The sample case files, with their own past dates.
use anyhow::Result;
use treem_storage::{Actor, Db, Role};

/// A few case files in different steps, written with care: no graphic detail, names invented.
pub(super) async fn seed_cases(db: &Db, today: jiff::civil::Date) -> Result<()> {
    use treem_domain::case::*;
    use treem_storage::Cases;
    let officer = Actor {
        username: "officer".into(),
        ..Actor::system()
    };
    let leader = Actor {
        role: Role::Leader,
        username: "leader".into(),
        ..Actor::system()
    };
    let head = Actor {
        role: Role::VillageHead,
        username: "truongthon".into(),
        village_id: Some(1),
        ..Actor::system()
    };
    let at = |days_ago: i64, h: i8| {
        today
            .checked_sub(jiff::Span::new().days(days_ago))
            .unwrap_or(today)
            .at(h, 0, 0, 0)
    };
    let intake = |name: &str, age: u8, when: jiff::civil::DateTime, condition: &str| {
        EntryKind::Intake(Box::new(Intake {
            channel: Channel::VillageHead,
            received_at: when,
            category: IntakeCategory::Abused,
            child: ChildRef::New(NewChild {
                full_name: name.into(),
                sex: treem_domain::register::Sex::Female,
                date_of_birth: None,
                dob_precision: treem_domain::register::DobPrecision::Estimated,
                estimated_age: Some(age),
                village: None,
                description: String::new(),
            }),
            place: "Thôn Sính Phình (dữ liệu mẫu)".into(),
            current_condition: condition.into(),
            predicted_consequence: "Trẻ có thể tiếp tục không an toàn ở nhà".into(),
            father: None,
            mother: None,
            family_circumstances: "Gia đình khó khăn (dữ liệu mẫu)".into(),
            caregiver: None,
            actions_taken: "Trưởng thôn đã báo cán bộ xã".into(),
            informant: None,
        }))
    };
    let assessment = EntryKind::InitialAssessment(InitialAssessment {
        ratings: STANDARD_ITEMS
            .iter()
            .map(|(code, _)| RatedItem {
                item: code.to_string(),
                rating: Rating::Medium,
            })
            .collect(),
        abuse_type: Some(AbuseType::Neglect),
        sub_type: None,
        abuse_description: String::new(),
        level: ProtectionLevel::Support,
        serious_harm: false,
        summary: "Trẻ thiếu người chăm sóc thường xuyên (dữ liệu mẫu)".into(),
    });
    let specific = |when: jiff::civil::DateTime| {
        EntryKind::SpecificAssessment(SpecificAssessment {
            information: "Đã gặp trẻ, gia đình và nhà trường".into(),
            ratings: Vec::new(),
            needs: vec!["Hỗ trợ học tập".into(), "Tư vấn cho gia đình".into()],
            meeting: Meeting {
                held_at: when,
                attendees: vec![Attendee {
                    name: "Cán bộ VH-XH".into(),
                    position: "UBND xã".into(),
                }],
                minutes: "Thống nhất nhu cầu của trẻ".into(),
            },
        })
    };
    let plan = |from: jiff::civil::Date| {
        EntryKind::Plan(SupportPlan {
            objectives: vec!["Trẻ được chăm sóc, đi học đều".into()],
            measures: vec![Measure {
                kind: MeasureKind::Education,
                description: "Hỗ trợ sách vở, theo dõi chuyên cần".into(),
                responsible: "Trường PTDTBT Tiểu học Sính Phình".into(),
                from,
                to: from.checked_add(jiff::Span::new().days(60)).unwrap_or(from),
                resources: "Ngân sách xã".into(),
            }],
        })
    };
    // 1. Just received.
    db.open_case(
        &head,
        intake(
            "Vàng Thị Dua",
            8,
            at(1, 16),
            "Trẻ ở nhà một mình nhiều ngày",
        ),
        at(1, 17),
    )
    .await?;
    // 2. Assessed, plan being drafted (its deadline shows).
    let two = db
        .open_case(
            &head,
            intake(
                "Lý Thị Mỷ",
                11,
                at(3, 9),
                "Trẻ nghỉ học, không có người chăm sóc",
            ),
            at(3, 10),
        )
        .await?;
    db.add_case_entry(&officer, two, 1, assessment.clone(), at(3, 14))
        .await?;
    db.add_case_entry(&officer, two, 2, specific(at(2, 9)), at(2, 10))
        .await?;
    // 3. Plan approved, services under way.
    let three = db
        .open_case(
            &head,
            intake("Sùng Thị Pà", 9, at(20, 8), "Trẻ bị bỏ mặc, thiếu ăn"),
            at(20, 9),
        )
        .await?;
    db.add_case_entry(&officer, three, 1, assessment, at(20, 14))
        .await?;
    db.add_case_entry(&officer, three, 2, specific(at(19, 9)), at(19, 10))
        .await?;
    db.add_case_entry(
        &officer,
        three,
        3,
        plan(
            today
                .checked_sub(jiff::Span::new().days(17))
                .unwrap_or(today),
        ),
        at(18, 9),
    )
    .await?;
    db.add_case_entry(
        &officer,
        three,
        4,
        EntryKind::SubmitForApproval {
            note: "Dự thảo quyết định".into(),
        },
        at(18, 10),
    )
    .await?;
    db.add_case_entry(
        &leader,
        three,
        5,
        EntryKind::Approve {
            decision_no: Some("12/QĐ-UBND (mẫu)".into()),
            note: String::new(),
        },
        at(17, 9),
    )
    .await?;
    let service = |days_ago: i64, kind, by: &str, what: &str| {
        EntryKind::Service(Service {
            date: at(days_ago, 9).date(),
            kind,
            by: by.into(),
            description: what.into(),
        })
    };
    db.add_case_entry(
        &officer,
        three,
        6,
        service(
            15,
            MeasureKind::Education,
            "Trường Tiểu học Sính Phình",
            "Sách vở, đồng phục; giáo viên theo dõi chuyên cần",
        ),
        at(15, 10),
    )
    .await?;
    db.add_case_entry(
        &officer,
        three,
        7,
        EntryKind::Assign {
            username: "police".into(),
            role: Role::Police,
        },
        at(14, 9),
    )
    .await?;
    db.add_case_entry(
        &officer,
        three,
        8,
        EntryKind::Visit(Visit {
            date: at(7, 9).date(),
            by: "Cán bộ VH-XH, trưởng thôn".into(),
            findings: "Trẻ đi học đều, ông bà chăm sóc (dữ liệu mẫu)".into(),
        }),
        at(7, 15),
    )
    .await?;
    // 4. Reviewed and closed by the leader.
    let four = db
        .open_case(
            &head,
            intake(
                "Giàng Thị Chở",
                12,
                at(70, 8),
                "Trẻ phải bỏ học đi làm thuê",
            ),
            at(70, 9),
        )
        .await?;
    let steps = [
        (
            &officer,
            EntryKind::InitialAssessment(InitialAssessment {
                ratings: STANDARD_ITEMS
                    .iter()
                    .map(|(code, _)| RatedItem {
                        item: code.to_string(),
                        rating: Rating::Medium,
                    })
                    .collect(),
                abuse_type: Some(AbuseType::Exploitation),
                sub_type: None,
                abuse_description: "Lao động quá sức so với tuổi (dữ liệu mẫu)".into(),
                level: ProtectionLevel::Intervention,
                serious_harm: false,
                summary: "Cần đưa trẻ trở lại trường".into(),
            }),
            at(70, 14),
        ),
        (&officer, specific(at(69, 9)), at(69, 10)),
        (&officer, plan(at(68, 9).date()), at(68, 10)),
        (
            &officer,
            EntryKind::SubmitForApproval {
                note: String::new(),
            },
            at(68, 11),
        ),
        (
            &leader,
            EntryKind::Approve {
                decision_no: Some("9/QĐ-UBND (mẫu)".into()),
                note: String::new(),
            },
            at(66, 9),
        ),
        (
            &officer,
            service(
                60,
                MeasureKind::FamilyCounselling,
                "Cán bộ VH-XH",
                "Tư vấn cho gia đình",
            ),
            at(60, 15),
        ),
        (
            &officer,
            EntryKind::Review(Review {
                ratings: STANDARD_ITEMS
                    .iter()
                    .map(|(code, _)| RatedItem {
                        item: code.to_string(),
                        rating: Rating::Low,
                    })
                    .collect(),
                recovery: "Trẻ đã đi học lại, sức khỏe tốt".into(),
                decision: ReviewDecision::Close,
                note: String::new(),
            }),
            at(10, 9),
        ),
        (
            &leader,
            EntryKind::Approve {
                decision_no: None,
                note: "Đồng ý kết thúc".into(),
            },
            at(9, 9),
        ),
    ];
    for (n, (who, entry, when)) in steps.into_iter().enumerate() {
        db.add_case_entry(who, four, n as u32 + 1, entry, when)
            .await?;
    }
    // 5. Serious harm: the child was separated within hours; the plan is being prepared.
    let five = db
        .open_case(
            &head,
            intake("Thào Thị Say", 6, at(2, 19), "Trẻ bị thương nhẹ, sợ hãi"),
            at(2, 20),
        )
        .await?;
    db.add_case_entry(
        &officer,
        five,
        1,
        EntryKind::InitialAssessment(InitialAssessment {
            ratings: STANDARD_ITEMS
                .iter()
                .map(|(code, _)| RatedItem {
                    item: code.to_string(),
                    rating: Rating::High,
                })
                .collect(),
            abuse_type: Some(AbuseType::Violence),
            sub_type: None,
            abuse_description: String::new(),
            level: ProtectionLevel::Intervention,
            serious_harm: true,
            summary: "Cần tách trẻ khỏi người gây tổn hại".into(),
        }),
        at(2, 21),
    )
    .await?;
    db.add_case_entry(
        &officer,
        five,
        2,
        EntryKind::EmergencyMeasures(EmergencyMeasures {
            measures: vec![EmergencyKind::TemporarySeparation],
            taken_at: at(2, 23),
            decision_no: None,
            description: "Trẻ ở tạm nhà người thân (dữ liệu mẫu)".into(),
        }),
        at(1, 7),
    )
    .await?;
    Ok(())
}
