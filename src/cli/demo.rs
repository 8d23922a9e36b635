//! `treem demo`: a synthetic commune (sample data) in an empty database, then serve it.
//!
//! The commune has a past: its register was imported on a go-live day two years ago
//! ([`crate::synth::go_live`]) and kept up since, so every record carries the time it would
//! have been recorded (births days to weeks after they happen, moves and deaths after the fact,
//! health events on or after their dates, agencies' figures after each quarter), never one in
//! the future. The figures "as recorded by" an earlier day therefore show what was known then.
use anyhow::Result;
use jiff::civil::Date;
use jiff::Timestamp;
use treem_domain::role::ALL_ROLES;
use treem_storage::{Accounts, Actor, Commune, Db, NewUser, RecordedVersion, Register, Role};

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
    // sit in memory at once. Each child comes with the versions its record went through.
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut index = 0u64;
        crate::synth::generate_batches(children, seed, today, 20_000, &mut |b| {
            let kids: Vec<(usize, Vec<crate::synth::Recorded>)> = b
                .children
                .into_iter()
                .map(|(h, c)| {
                    index += 1;
                    (h, crate::synth::versions(&c, seed, index, today))
                })
                .collect();
            let _ = tx.blocking_send((b.households, kids));
        })
    });
    let mut failure: Option<anyhow::Error> = None;
    let mut index = 0u64;
    while let Some((households, children)) = rx.recv().await {
        let ids = match db.import_households(&system, &households).await {
            Ok(ids) => ids,
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        };
        let kids: Vec<Vec<RecordedVersion>> = children
            .into_iter()
            .map(|(h, versions)| {
                index += 1;
                versions
                    .into_iter()
                    .enumerate()
                    .map(|(k, v)| {
                        let mut data = v.data;
                        data.household_id = ids.get(h).copied();
                        RecordedVersion {
                            data,
                            recorded_at: recorded_at(v.day, index * 7 + k as u64, today),
                        }
                    })
                    .collect()
            })
            .collect();
        match db.import_children_history(&system, kids).await {
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

/// When something dated `day` was recorded: on the go-live day, at the import (10:00 in
/// Vietnam); on another day during office hours (07:00–16:59, drawn from `key`); never after
/// now.
fn recorded_at(day: Date, key: u64, today: Date) -> Timestamp {
    let minute = if day == crate::synth::go_live(today) {
        180
    } else {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % 600
    };
    let vietnam = jiff::tz::TimeZone::fixed(jiff::tz::offset(7));
    let now = Timestamp::now();
    day.at(7 + (minute / 60) as i8, (minute % 60) as i8, 0, 0)
        .to_zoned(vietnam)
        .map(|z| z.timestamp())
        .unwrap_or(now)
        .min(now)
}

/// `days` after `from`, not before the go-live day (records kept on paper until then came in
/// with the import) nor after today.
fn recorded_day(from: Date, days: u64, today: Date) -> Date {
    from.checked_add(jiff::Span::new().days(days as i64))
        .unwrap_or(from)
        .max(crate::synth::go_live(today))
        .min(today)
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
/// recorded them: stunting near 30 %, underweight near 15 % (sample values). Each is recorded
/// on or after its date: births within days, vaccinations mostly the same day (some typed up
/// later from the paper book), weighings within a week; those before the go-live day came in
/// with the import.
async fn seed_health(db: &Db, seed: u64, today: Date) -> Result<()> {
    use treem_domain::register::Sex;
    let health = Actor {
        role: Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    let children = db.children_as_of(&Actor::system(), today).await?;
    let since = jiff::civil::date(2025, 1, 1);
    let year_start = jiff::civil::date(today.year(), 1, 1);
    let last_year = jiff::civil::date(today.year() - 1, 1, 1);
    let mut events = Vec::new();
    // The event, and the days after its date until it was recorded.
    let mut push =
        |kind: &str, child: Option<i64>, on: Date, json: serde_json::Value, late: u64| {
            events.push(((kind.to_string(), child, on, json), late));
        };
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
            push(
                "birth",
                Some(c.id),
                dob,
                serde_json::json!({"weight_g": weight, "place": place, "live": true}),
                r.next() % 4,
            );
        }
        if let Some(died) = c.data.died_on {
            let days = (died - dob).get_days();
            let cause = match (days < 28, r.next() % 10) {
                (true, _) | (false, 0..=6) => "illness",
                (false, 7) => "drowning",
                (false, 8) => "fall",
                _ => "traffic",
            };
            push(
                "death",
                Some(c.id),
                died,
                serde_json::json!({"cause": cause}),
                1 + r.next() % 20,
            );
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
                if let Some(json) = weighing(c, sex, (dob, on), (zl, zw), &mut r) {
                    let late = r.next() % 8;
                    push("measurement", Some(c.id), on, json, late);
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
                // Mostly entered the day the dose is given; some typed up from the paper book
                // days or weeks later.
                let late = match r.next() % 20 {
                    0..=13 => 0,
                    14..=18 => 1 + r.next() % 14,
                    _ => 15 + r.next() % 45,
                };
                push(
                    "vaccination",
                    Some(c.id),
                    g.date,
                    serde_json::json!({"vaccine": g.vaccine, "dose": g.dose}),
                    late,
                );
            }
        }
        if r.next().is_multiple_of(900) {
            let on = year_start
                .checked_add(jiff::Span::new().days((r.next() % 300) as i64))
                .unwrap_or(year_start)
                .min(today);
            if on >= dob {
                push("injury", Some(c.id), on, injury(&mut r), r.next() % 10);
            }
        }
        // Last year's weighings and injuries, for the year before's figures.
        let age_then = (jiff::civil::date(today.year() - 1, 7, 1) - dob).get_days();
        if let (Some(sex), true) = (
            sex,
            (0..1826).contains(&age_then) && c.data.present_on(last_year),
        ) {
            let (zl, zw) = (r.normal(-1.4, 1.05), r.normal(-1.05, 0.95));
            for k in 0..(1 + r.next() % 2) {
                let on = last_year
                    .checked_add(jiff::Span::new().days((100 + 150 * k + r.next() % 40) as i64))
                    .unwrap_or(last_year);
                if on <= dob || !c.data.present_on(on) {
                    continue;
                }
                if let Some(json) = weighing(c, sex, (dob, on), (zl, zw), &mut r) {
                    let late = r.next() % 8;
                    push("measurement", Some(c.id), on, json, late);
                }
            }
        }
        if r.next().is_multiple_of(900) {
            let on = last_year
                .checked_add(jiff::Span::new().days((r.next() % 360) as i64))
                .unwrap_or(last_year);
            if on >= dob {
                push("injury", Some(c.id), on, injury(&mut r), r.next() % 10);
            }
        }
    }
    // HIV follow-up counts for each half year ended (and the current one so far), entered
    // after the half year.
    for (start, end) in [
        (last_year, jiff::civil::date(today.year() - 1, 6, 30)),
        (
            jiff::civil::date(today.year() - 1, 7, 1),
            jiff::civil::date(today.year() - 1, 12, 31),
        ),
        (year_start, jiff::civil::date(today.year(), 6, 30)),
    ] {
        push(
            "hiv",
            None,
            today.min(end),
            serde_json::json!({"period_start": start.to_string(), "period_end": end.to_string(), "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0}),
            5 + (end.day() as u64 % 10),
        );
    }
    // Written in the order they were recorded, as the station would have.
    let mut dated: Vec<treem_storage::RecordedEvent> = events
        .into_iter()
        .enumerate()
        .map(|(i, ((kind, child, date, fields), late))| {
            let day = recorded_day(date, late, today);
            let event = typed_event(&kind, child, date, fields)?;
            Ok((event, recorded_at(day, i as u64, today)))
        })
        .collect::<Result<_>>()?;
    dated.sort_by_key(|(_, at)| *at);
    for chunk in dated.chunks(treem_domain::limits::HEALTH_EVENTS_PER_BATCH) {
        db.add_health_events_recorded(&health, chunk).await?;
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

/// A weighing's stored fields for a child `days` old who keeps near the z-scores `zl` (length)
/// and `zw` (weight); `None` outside the growth tables.
fn weighing(
    child: &treem_domain::register::Child,
    growth_sex: growth::Sex,
    (dob, on): (Date, Date),
    (zl, zw): (f64, f64),
    r: &mut Draw,
) -> Option<serde_json::Value> {
    let d = (on - dob).get_days() as f64;
    let length =
        growth::lms(growth::Indicator::Lhfa, growth_sex, d).map(|l| l.sd(zl + r.normal(0.0, 0.15)));
    let weight =
        growth::lms(growth::Indicator::Wfa, growth_sex, d).map(|l| l.sd(zw + r.normal(0.0, 0.2)));
    let (Ok(length), Ok(weight)) = (length, weight) else {
        return None;
    };
    let reading = treem_domain::health::Reading {
        weight_kg: Some((weight * 10.0).round() / 10.0),
        length_cm: Some((length * 10.0).round() / 10.0),
        measure: treem_domain::health::Measure::usual(dob, on),
        oedema: false,
    };
    let m = treem_domain::health::Measurement::assess(child.id, on, child.data.sex, dob, reading);
    serde_json::to_value(m).ok()
}

fn injury(r: &mut Draw) -> serde_json::Value {
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
    serde_json::json!({"kind": kind, "severity": severity, "outcome": "recovered"})
}

/// Child marriages the commune counted last year and expects this year (target 18, "giảm so
/// với năm trước"): last year's figure is this year's plan baseline.
const MARRIAGES: (f64, f64) = (9.0, 8.0);

/// The plan for `today`'s year with last year's figure of target 18 as its baseline (the seed
/// plan leaves it for the officer to enter), and last year's plan drafted from it.
fn plans(marriages_last_year: f64) -> Result<(String, String)> {
    use treem_domain::plan::Plan;
    let seed = treem_web::figures::SEED_PLAN;
    let plan = Plan::from_toml(seed)?;
    let last = plan.draft_for_year(plan.year - 1);
    // The baseline goes in as the officer would type it, keeping the file's comments.
    let mut text = seed.to_string();
    if let Some(at) = text.find("number = 18\n") {
        if let Some(unit) = text[at..].find("\nunit = ") {
            let line_end = at + unit + 1 + text[at + unit + 1..].find('\n').unwrap_or(0);
            text.insert_str(
                line_end + 1,
                &format!(
                    "baseline = {{ year = {}, value = {marriages_last_year} }}\n",
                    plan.year - 1
                ),
            );
        }
    }
    let with_baseline = Plan::from_toml(&text)
        .ok()
        .filter(|p| p.target(18).is_some_and(|t| t.baseline.is_some()));
    let text = if with_baseline.is_some() {
        text
    } else {
        seed.to_string()
    };
    Ok((text, last.to_toml()?))
}

/// The plans of this year and last, support given to most children in special circumstances,
/// and the figures the agencies would have reported after each quarter (sample values chosen
/// to show every status), each recorded when it would have been.
async fn seed_plan(db: &Db, seed: u64, today: Date) -> Result<()> {
    use treem_domain::indicator::{Period, ReportedValue, SupportRecord};
    use treem_domain::plan::Plan;
    use treem_storage::Plans;
    let system = Actor::system();
    let (this_year, last_year) = plans(MARRIAGES.0)?;
    // The officer confirms the report periods the plans do not state, as proposed (from the
    // year's start to the end of the month before each report is due): the figures wait for it.
    let officer = Actor {
        role: treem_storage::Role::Officer,
        username: "officer".into(),
        ..Actor::system()
    };
    let mut plans = Vec::new();
    for text in [last_year, this_year] {
        let plan = Plan::from_toml(&text)?;
        db.save_plan(&system, plan.year, &text).await?;
        for r in plan.reports.iter().filter(|r| !r.period_stated) {
            db.confirm_report_period(&officer, plan.year, &r.code, r.proposed_period(plan.year))
                .await?;
        }
        plans.push(plan);
    }
    let children = db.children_as_of(&system, today).await?;
    let kinds = [
        "trợ cấp xã hội",
        "thăm hỏi, tặng quà",
        "hỗ trợ học tập",
        "khám chữa bệnh",
    ];
    let mut supports = Vec::new();
    for plan in &plans {
        let year_start = jiff::civil::date(plan.year, 1, 1);
        let year_end = jiff::civil::date(plan.year, 12, 31).min(today);
        for c in children
            .iter()
            .filter(|c| c.data.circumstances.iter().any(|x| x.active_on(year_end)))
        {
            // About 19 in 20 get support recorded; the rest show up on the dashboard.
            let h = (c.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed ^ plan.year as u64;
            if !h.is_multiple_of(20) {
                let day = (h % 300) as i64;
                let date = year_start
                    .checked_add(jiff::Span::new().days(day))
                    .unwrap_or(year_start)
                    .min(today);
                let support = SupportRecord {
                    child_id: c.id,
                    date,
                    kind: kinds[(h % 4) as usize].into(),
                };
                // Written up within a few weeks.
                let day = recorded_day(date, (h >> 8) % 21, today);
                supports.push((support, recorded_at(day, h, today)));
            }
        }
    }
    supports.sort_by_key(|(_, at)| *at);
    for chunk in supports.chunks(treem_domain::limits::SUPPORTS_PER_BATCH) {
        db.add_supports_recorded(&system, chunk).await?;
    }
    let health = Actor {
        role: treem_storage::Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    // Figures the commune does not hold child by child (the health station's come from its
    // records): target, second figure, numerator and denominator (a count: the year's count
    // and no denominator), source.
    let entries: [(u16, bool, f64, f64, &str); 6] = [
        (
            2,
            false,
            1810.0,
            2290.0,
            "Báo cáo của Trạm Y tế và trường mầm non",
        ),
        (17, false, 12.0, 12.0, "Báo cáo đợt mưa lũ tháng 7"),
        (
            18,
            false,
            MARRIAGES.1,
            0.0,
            "Báo cáo của Công an xã và Tư pháp",
        ),
        (23, false, 171.0, 190.0, "Báo cáo của trường THCS"),
        (27, false, 1490.0, 1930.0, "Diễn đàn trẻ em các thôn"),
        (28, false, 1620.0, 1930.0, "Các buổi sinh hoạt câu lạc bộ"),
    ];
    for plan in &plans {
        let year = plan.year;
        let year_start = jiff::civil::date(year, 1, 1);
        // Each report's period, and the plan year (the figures after the last report's period).
        let mut periods: Vec<Period> = plan
            .reports
            .iter()
            .map(|r| r.proposed_period(year))
            .collect();
        periods.push(Period::new(year_start, jiff::civil::date(year, 12, 31)));
        let quarter_ends = [3, 6, 9].map(|m| {
            jiff::civil::date(year, m + 1, 1)
                .yesterday()
                .unwrap_or(year_start)
        });
        let mut values = Vec::new();
        for period in periods {
            // The figures so far after each quarter of the period, and the final ones once it
            // has ended: entered a week or so later, the latest entry the one read.
            let mut ends: Vec<Date> = quarter_ends
                .iter()
                .copied()
                .filter(|q| period.start <= *q && *q < period.end)
                .collect();
            ends.push(period.end);
            for (k, end) in ends.into_iter().enumerate() {
                let entered = recorded_day(end, 5 + (k as u64 * 3 + year as u64) % 8, today);
                if entered <= end {
                    continue;
                }
                // Share of the year behind the figure, and a rate drifting up by the quarter.
                let share = ((end - year_start).get_days() + 1) as f64 / 365.0;
                let drift = 0.965 + 0.01 * (end.month() as f64 / 3.0).floor()
                    - if year < today.year() { 0.02 } else { 0.0 };
                for (target, secondary, num, den, note) in entries {
                    let who = if (3..=11).contains(&target) {
                        &health
                    } else {
                        &system
                    };
                    let (numerator, denominator) = if target == 18 {
                        let annual = if year < today.year() {
                            MARRIAGES.0
                        } else {
                            num
                        };
                        ((annual * share).round(), None)
                    } else {
                        ((num * drift).round().min(den), Some(den))
                    };
                    values.push((
                        ReportedValue {
                            target,
                            secondary,
                            period_start: period.start,
                            period_end: period.end,
                            numerator: Some(numerator),
                            denominator,
                            value: None,
                            note: note.into(),
                            entered_by: who.username.clone(),
                            entered_at: String::new(),
                        },
                        recorded_at(entered, target as u64 + k as u64, today),
                        who,
                    ));
                }
            }
        }
        values.sort_by_key(|(_, at, _)| *at);
        for who in [&health, &system] {
            let mine: Vec<(ReportedValue, Timestamp)> = values
                .iter()
                .filter(|(_, _, w)| w.username == who.username)
                .map(|(v, at, _)| (v.clone(), *at))
                .collect();
            if !mine.is_empty() {
                db.add_reported_values_recorded(who, year, &mine).await?;
            }
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
