//! `treem demo`: a synthetic commune (sample data) in an empty database, then serve it.
use anyhow::Result;
use treem_domain::role::ALL_ROLES;
use treem_storage::{Accounts, Actor, Commune, Db, NewUser, Register, Role};

/// Demo accounts: (username, role, password). Printed at start; never for real communes.
pub fn demo_logins() -> Vec<(String, Role, String)> {
    ALL_ROLES
        .iter()
        .map(|r| {
            let name = match r {
                Role::VillageHead => "truongthon".to_string(),
                other => other.as_str().to_string(),
            };
            (name, *r, format!("demo-{}", r.as_str()))
        })
        .collect()
}

/// Fills an empty database; does nothing to one that already has children.
pub async fn seed(db: &Db, children: usize, seed: u64) -> Result<bool> {
    let system = Actor::system();
    if db.commune().await?.is_some() {
        return Ok(false);
    }
    // Sample data only ever goes into an empty database, never next to real children.
    if !db.villages(&system).await?.is_empty() {
        anyhow::bail!("cơ sở dữ liệu này đã có dữ liệu thật (thôn/bản); demo chỉ tạo xã mẫu trong cơ sở dữ liệu trống");
    }
    let today = treem_storage::today();
    db.set_commune(
        &system,
        &Commune {
            name: "Xã Sính Phình (dữ liệu mẫu)".into(),
            province: "Điện Biên".into(),
            code: None,
            sample: true,
        },
    )
    .await?;
    for v in crate::synth::villages() {
        db.create_village(&system, &v.code, &v.name).await?;
    }
    let admin = Actor {
        role: Role::Admin,
        ..Actor::system()
    };
    for (name, role, password) in demo_logins() {
        db.create_user(
            &admin,
            &NewUser {
                username: name,
                password,
                role,
                village: (role == Role::VillageHead).then(|| "SP01".to_string()),
                must_change_password: false,
            },
        )
        .await?;
    }
    let pb = super::progress(Some(children as u64), "Tạo xã mẫu");
    // Generation runs on its own thread and hands over batches, so a million children never
    // sit in memory at once.
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || {
        crate::synth::generate_batches(children, seed, today, 20_000, &mut |b| {
            let _ = tx.blocking_send(b);
        })
    });
    let mut failure: Option<anyhow::Error> = None;
    while let Some(b) = rx.recv().await {
        let ids = match db.import_households(&system, &b.households).await {
            Ok(ids) => ids,
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        };
        let kids: Vec<_> = b
            .children
            .into_iter()
            .map(|(h, mut c)| {
                c.household_id = ids.get(h).copied();
                c
            })
            .collect();
        match db.import_children(&system, kids).await {
            Ok(n) => pb.inc(n as u64),
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        }
    }
    drop(rx);
    let _ = generator.await;
    pb.finish_and_clear();
    if let Some(e) = failure {
        return Err(e);
    }
    seed_plan(db, seed, today).await?;
    seed_health(db, seed, today).await?;
    if db.has_case_key() {
        seed_cases(db, today).await?;
    }
    Ok(true)
}

/// A few case files in different steps, written with care: no graphic detail, names invented.
async fn seed_cases(db: &Db, today: jiff::civil::Date) -> Result<()> {
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

/// A deterministic stream of numbers from one key (no state shared between children).
struct Draw(u64);

impl Draw {
    fn new(key: u64, seed: u64) -> Self {
        Draw(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.rotate_left(17))
    }
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        mean + sd * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Births, deaths, growth measurements and injuries as the health station would have
/// recorded them: stunting near 30 %, underweight near 15 % (sample values).
async fn seed_health(db: &Db, seed: u64, today: jiff::civil::Date) -> Result<()> {
    use treem_domain::register::Sex;
    use treem_storage::HealthLog;
    let health = Actor {
        role: Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    let children = db.children_as_of(&Actor::system(), today).await?;
    let since = jiff::civil::date(2025, 1, 1);
    let year_start = jiff::civil::date(today.year(), 1, 1);
    let mut events = Vec::new();
    for c in &children {
        let Some(dob) = c.data.date_of_birth else {
            continue;
        };
        let mut r = Draw::new(c.id as u64, seed);
        if dob >= since && c.data.dob_precision == treem_domain::register::DobPrecision::Day {
            let place = match r.next() % 10 {
                0..=5 => "health_station",
                6..=8 => "home",
                _ => "hospital",
            };
            let weight = r.normal(2900.0, 420.0).clamp(1200.0, 4600.0).round() as u32;
            events.push((
                "birth".to_string(),
                Some(c.id),
                dob,
                serde_json::json!({"weight_g": weight, "place": place, "live": true}),
            ));
        }
        if let Some(died) = c.data.died_on {
            let days = (died - dob).get_days();
            let cause = match (days < 28, r.next() % 10) {
                (true, _) | (false, 0..=6) => "illness",
                (false, 7) => "drowning",
                (false, 8) => "fall",
                _ => "traffic",
            };
            events.push((
                "death".to_string(),
                Some(c.id),
                died,
                serde_json::json!({"cause": cause}),
            ));
        }
        let sex = match c.data.sex {
            Sex::Male => Some(growth::Sex::Male),
            Sex::Female => Some(growth::Sex::Female),
            Sex::Unknown => None,
        };
        let age_days = (today - dob).get_days();
        if let (Some(sex), true) = (
            sex,
            (0..1826).contains(&age_days) && c.data.present_on(today),
        ) {
            // Each child keeps roughly its place on the curves between weighings.
            let (zl, zw) = (r.normal(-1.35, 1.05), r.normal(-1.0, 0.95));
            for k in 0..(1 + r.next() % 3) {
                let on = year_start
                    .checked_add(jiff::Span::new().days((45 + 110 * k + r.next() % 40) as i64))
                    .unwrap_or(year_start);
                if on > today || on <= dob {
                    continue;
                }
                let days = (on - dob).get_days() as f64;
                let length = growth::lms(growth::Indicator::Lhfa, sex, days)
                    .map(|l| l.sd(zl + r.normal(0.0, 0.15)));
                let weight = growth::lms(growth::Indicator::Wfa, sex, days)
                    .map(|l| l.sd(zw + r.normal(0.0, 0.2)));
                if let (Ok(length), Ok(weight)) = (length, weight) {
                    let reading = treem_domain::health::Reading {
                        weight_kg: Some((weight * 10.0).round() / 10.0),
                        length_cm: Some((length * 10.0).round() / 10.0),
                        measure: treem_domain::health::Measure::usual(dob, on),
                        oedema: false,
                    };
                    let m = treem_domain::health::Measurement::assess(
                        c.id, on, c.data.sex, dob, reading,
                    );
                    events.push((
                        "measurement".to_string(),
                        Some(c.id),
                        on,
                        serde_json::to_value(m)?,
                    ));
                }
            }
        }
        // Vaccinations: each dose of the schedule due by today, given to most children a few
        // days to weeks after it falls due.
        if age_days < 6 * 366 {
            let schedule = treem_domain::health::Compiled::embedded();
            let diligent = r.unit() < 0.9;
            let mut given: Vec<treem_domain::health::Vaccination> = Vec::new();
            // The hepatitis B birth dose only counts in its first day, so it is never "due"
            // later: it is given at birth or not at all.
            if diligent {
                let on = dob
                    .checked_add(jiff::Span::new().days((r.next() % 2) as i64))
                    .unwrap_or(dob);
                if on <= today {
                    given.push(treem_domain::health::Vaccination {
                        child_id: c.id,
                        vaccine: "VGB_SS".into(),
                        dose: 1,
                        date: on,
                    });
                }
            }
            for _round in 0..6 {
                let due = schedule.due_list(dob, &schedule.given(&given), today);
                let mut progressed = false;
                for d in due {
                    if given
                        .iter()
                        .any(|g| g.vaccine == d.vaccine && g.dose == d.dose)
                    {
                        continue;
                    }
                    // Birth doses are given at the health station within a day; the rest later.
                    let delay = if d.due_on == dob {
                        if diligent {
                            r.next() % 2
                        } else {
                            2 + r.next() % 10
                        }
                    } else if diligent {
                        r.next() % 25
                    } else {
                        20 + r.next() % 120
                    };
                    let on = d
                        .due_on
                        .checked_add(jiff::Span::new().days(delay as i64))
                        .unwrap_or(d.due_on);
                    if on > today || (!diligent && r.unit() < 0.3) {
                        continue;
                    }
                    given.push(treem_domain::health::Vaccination {
                        child_id: c.id,
                        vaccine: d.vaccine.as_str().into(),
                        dose: d.dose,
                        date: on,
                    });
                    progressed = true;
                }
                if !progressed {
                    break;
                }
            }
            for g in given {
                events.push((
                    "vaccination".to_string(),
                    Some(c.id),
                    g.date,
                    serde_json::json!({"vaccine": g.vaccine, "dose": g.dose}),
                ));
            }
        }
        if r.next().is_multiple_of(900) {
            let on = year_start
                .checked_add(jiff::Span::new().days((r.next() % 300) as i64))
                .unwrap_or(year_start)
                .min(today);
            if on >= dob {
                let kind = [
                    "fall",
                    "burn",
                    "animal_bite",
                    "traffic",
                    "drowning",
                    "poisoning",
                    "other",
                ][(r.next() % 7) as usize];
                let severity = ["minor", "minor", "moderate", "severe"][(r.next() % 4) as usize];
                events.push((
                    "injury".to_string(),
                    Some(c.id),
                    on,
                    serde_json::json!({"kind": kind, "severity": severity, "outcome": "recovered"}),
                ));
            }
        }
    }
    events.push((
        "hiv".to_string(),
        None,
        today.min(jiff::civil::date(today.year(), 6, 30)),
        serde_json::json!({"period_start": year_start.to_string(), "period_end": jiff::civil::date(today.year(), 6, 30).to_string(), "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0}),
    ));
    let events = events
        .into_iter()
        .map(|(kind, child, date, fields)| typed_event(&kind, child, date, fields))
        .collect::<Result<Vec<_>>>()?;
    for chunk in events.chunks(treem_domain::limits::HEALTH_EVENTS_PER_BATCH) {
        db.add_health_events(&health, chunk).await?;
    }
    Ok(())
}

/// A demo event as the domain's type: its fields with the child and the date.
fn typed_event(
    kind: &str,
    child: Option<i64>,
    date: jiff::civil::Date,
    mut fields: serde_json::Value,
) -> Result<treem_domain::health::Event> {
    use treem_domain::health::Event;
    fields["date"] = date.to_string().into();
    if let Some(c) = child {
        fields["child_id"] = c.into();
    }
    let f = fields;
    Ok(match kind {
        "birth" => Event::Birth(serde_json::from_value(f)?),
        "death" => Event::Death(serde_json::from_value(f)?),
        "vaccination" => Event::Vaccination(serde_json::from_value(f)?),
        "measurement" => Event::Measurement(serde_json::from_value(f)?),
        "injury" => Event::Injury(serde_json::from_value(f)?),
        _ => Event::Hiv {
            date,
            counts: serde_json::from_value(f)?,
        },
    })
}

/// The 2026 plan, support given to most children in special circumstances, and the figures
/// the agencies would have reported (sample values chosen to show every status).
async fn seed_plan(db: &Db, seed: u64, today: jiff::civil::Date) -> Result<()> {
    use treem_domain::indicator::{ReportedValue, SupportRecord};
    use treem_storage::Plans;
    let system = Actor::system();
    let plan = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN)?;
    db.save_plan(&system, plan.year, treem_web::figures::SEED_PLAN)
        .await?;
    // The officer confirms the report periods the plan does not state, as proposed (from the
    // year's start to the end of the month before each report is due): the figures wait for it.
    let officer = Actor {
        role: treem_storage::Role::Officer,
        username: "officer".into(),
        ..Actor::system()
    };
    for r in plan.reports.iter().filter(|r| !r.period_stated) {
        db.confirm_report_period(&officer, plan.year, &r.code, r.proposed_period(plan.year))
            .await?;
    }
    let children = db.children_as_of(&system, today).await?;
    let year_start = jiff::civil::date(plan.year, 1, 1);
    let mut supports = Vec::new();
    for c in children
        .iter()
        .filter(|c| c.data.circumstances.iter().any(|x| x.active_on(today)))
    {
        // About 19 in 20 get support recorded; the rest show up on the dashboard.
        let h = (c.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed;
        if !h.is_multiple_of(20) {
            let day = (h % 300) as i64;
            let date = year_start
                .checked_add(jiff::Span::new().days(day))
                .unwrap_or(year_start)
                .min(today);
            let kinds = [
                "trợ cấp xã hội",
                "thăm hỏi, tặng quà",
                "hỗ trợ học tập",
                "khám chữa bệnh",
            ];
            supports.push(SupportRecord {
                child_id: c.id,
                date,
                kind: kinds[(h % 4) as usize].into(),
            });
        }
    }
    for chunk in supports.chunks(treem_domain::limits::SUPPORTS_PER_BATCH) {
        db.add_supports(&system, chunk).await?;
    }
    let health = Actor {
        role: treem_storage::Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    // Figures the commune does not hold child by child (the health station's come from its
    // records).
    let entries: [(u16, bool, f64, f64, &str); 5] = [
        (
            2,
            false,
            1810.0,
            2290.0,
            "Báo cáo của Trạm Y tế và trường mầm non",
        ),
        (17, false, 12.0, 12.0, "Báo cáo đợt mưa lũ tháng 7"),
        (23, false, 171.0, 190.0, "Báo cáo của trường THCS"),
        (27, false, 1490.0, 1930.0, "Diễn đàn trẻ em các thôn"),
        (28, false, 1620.0, 1930.0, "Các buổi sinh hoạt câu lạc bộ"),
    ];
    // Each report's period, and the plan year (the figures after the last report's period).
    let mut periods: Vec<_> = plan
        .reports
        .iter()
        .map(|r| r.proposed_period(plan.year))
        .collect();
    periods.push(treem_domain::indicator::Period::new(
        year_start,
        jiff::civil::date(plan.year, 12, 31),
    ));
    for period in periods {
        for (target, secondary, num, den, note) in entries {
            let who = if (3..=11).contains(&target) {
                &health
            } else {
                &system
            };
            let v = ReportedValue {
                target,
                secondary,
                period_start: period.start,
                period_end: period.end,
                numerator: Some(num),
                denominator: Some(den),
                value: None,
                note: note.into(),
                entered_by: who.username.clone(),
                entered_at: String::new(),
            };
            db.add_reported_value(who, plan.year, &v).await?;
        }
    }
    Ok(())
}

pub async fn run(
    url: &str,
    listen: &str,
    children: usize,
    seed_value: u64,
    no_serve: bool,
) -> Result<i32> {
    let mut db = super::ops::open(url).await?;
    // The demo keeps its own case key beside its database, made on first run.
    if !db.has_case_key() {
        let path = if url.starts_with("postgres") {
            std::path::PathBuf::from("treem-demo.case.key")
        } else {
            let file = url.trim_start_matches("sqlite://");
            std::path::PathBuf::from(format!(
                "{}.case.key",
                file.split('?').next().unwrap_or(file)
            ))
        };
        let key = if path.exists() {
            treem_storage::CaseKey::from_file(&path)?
        } else {
            treem_storage::CaseKey::generate_file(&path)?
        };
        db = db.with_case_key(key);
    }
    let started = std::time::Instant::now();
    if seed(&db, children, seed_value).await? {
        eprintln!(
            "Đã tạo xã mẫu: {children} trẻ trong {:.1} giây ({url}).",
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("Cơ sở dữ liệu {url} đã có dữ liệu; dùng lại.");
    }
    println!("DỮ LIỆU MẪU — không phải trẻ em thật.");
    println!("Tài khoản thử (tên / mật khẩu / vai trò):");
    for (name, role, password) in demo_logins() {
        println!("  {name:<12} {password:<20} {}", role.label_vi());
    }
    if no_serve {
        return Ok(0);
    }
    super::ops::serve_db(db, listen).await
}
