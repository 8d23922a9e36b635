//! Case files through storage, on every backend: the steps to an approved plan, who may open a
//! case, the audit of each opening, stale writes, and encryption at rest.
use crate::helpers::*;
use jiff::civil::{Date, DateTime};
use jiff::Span;
use treem_domain::case::*;
use treem_domain::register::{DobPrecision, Sex};
use treem_domain::role::{Actor, Role};
use treem_storage::{AuditFilter, AuditLog, CaseKey, Cases, Db, StorageError};

/// A seeded database with a fresh case key on each backend, with the key and the SQLite file.
pub(crate) async fn each_backend<F, Fut>(f: F)
where
    F: Fn(&'static str, Db, String, std::path::PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (label, url, _dir) in databases().await {
        let keys = tempfile::tempdir().unwrap();
        let key_file = keys.path().join("case.key");
        CaseKey::generate_file(&key_file).unwrap();
        let key = CaseKey::from_file(&key_file).unwrap();
        let db = seeded(&url).await.with_case_key(key);
        f(label, db.clone(), url.clone(), key_file).await;
        db.close().await;
    }
}

pub(crate) fn dt(s: &str) -> DateTime {
    s.parse().unwrap()
}

pub(crate) fn day(s: &str) -> Date {
    s.parse().unwrap()
}

pub(crate) fn intake(received_at: DateTime, condition: &str) -> EntryKind {
    EntryKind::Intake(Box::new(Intake {
        channel: Channel::VillageHead,
        received_at,
        category: IntakeCategory::Abused,
        child: ChildRef::New(NewChild {
            full_name: "Giàng Thị Mai".into(),
            sex: Sex::Female,
            date_of_birth: None,
            dob_precision: DobPrecision::Estimated,
            estimated_age: Some(9),
            village: None,
            description: String::new(),
        }),
        place: "Thôn Sính Phình".into(),
        current_condition: condition.into(),
        predicted_consequence: "Tiếp tục bị đánh".into(),
        father: Some(Parent {
            full_name: "Giàng A Páo".into(),
            age: Some(38),
            occupation: "Làm nương".into(),
        }),
        mother: None,
        family_circumstances: String::new(),
        caregiver: None,
        actions_taken: String::new(),
        informant: None,
    }))
}

pub(crate) fn assessment(summary: &str) -> EntryKind {
    EntryKind::InitialAssessment(InitialAssessment {
        ratings: STANDARD_ITEMS
            .iter()
            .map(|(code, _)| RatedItem {
                item: code.to_string(),
                rating: Rating::Medium,
            })
            .collect(),
        abuse_type: Some(AbuseType::Violence),
        sub_type: None,
        abuse_description: String::new(),
        level: ProtectionLevel::Intervention,
        serious_harm: false,
        summary: summary.into(),
    })
}

pub(crate) fn specific(held_at: DateTime) -> EntryKind {
    EntryKind::SpecificAssessment(SpecificAssessment {
        information: "Đã gặp trẻ, gia đình, nhà trường".into(),
        ratings: Vec::new(),
        needs: vec!["Chăm sóc y tế".into()],
        meeting: Meeting {
            held_at,
            attendees: vec![Attendee {
                name: "Cán bộ VH-XH".into(),
                position: "UBND xã".into(),
            }],
            minutes: "Thống nhất các nhu cầu".into(),
        },
    })
}

pub(crate) fn plan(from: Date) -> EntryKind {
    EntryKind::Plan(SupportPlan {
        objectives: vec!["Trẻ an toàn, được chăm sóc y tế".into()],
        measures: vec![Measure {
            kind: MeasureKind::MedicalCare,
            description: "Khám, điều trị vết thương".into(),
            responsible: "Trạm Y tế xã".into(),
            from,
            to: from.checked_add(Span::new().days(30)).unwrap(),
            resources: "Ngân sách xã".into(),
        }],
    })
}

pub(crate) fn village_head() -> Actor {
    actor(Role::VillageHead, Some(1))
}

/// A case taken to an approved plan: returns its id (7 entries once the police officer is
/// assigned by the caller; 6 here).
pub(crate) async fn approved_case(db: &Db) -> i64 {
    let o = officer();
    let l = actor(Role::Leader, None);
    let id = db
        .open_case(
            &village_head(),
            intake(dt("2026-03-02T09:00"), "Có vết bầm tím ở tay"),
            dt("2026-03-02T09:30"),
        )
        .await
        .unwrap();
    let steps: Vec<(&Actor, EntryKind, &str, CaseState)> = vec![
        (
            &o,
            assessment("Trẻ bị bố đánh"),
            "2026-03-02T10:00",
            CaseState::SpecificAssessment,
        ),
        (
            &o,
            specific(dt("2026-03-02T10:30")),
            "2026-03-02T11:00",
            CaseState::Planning,
        ),
        (
            &o,
            plan(day("2026-03-03")),
            "2026-03-03T08:00",
            CaseState::Planning,
        ),
        (
            &o,
            EntryKind::SubmitForApproval {
                note: "Dự thảo quyết định".into(),
            },
            "2026-03-03T09:00",
            CaseState::AwaitingApproval,
        ),
        (
            &l,
            EntryKind::Approve {
                decision_no: Some("34/QĐ-UBND".into()),
                note: String::new(),
            },
            "2026-03-04T09:00",
            CaseState::Implementation,
        ),
    ];
    for (i, (who, kind, at, state)) in steps.into_iter().enumerate() {
        let case = db
            .add_case_entry(who, id, i as u32 + 1, kind, dt(at))
            .await
            .unwrap_or_else(|e| panic!("step {}: {e}", i + 2));
        assert_eq!(case.state(), state, "after entry {}", i + 2);
        assert_eq!(case.entries().len(), i + 2);
    }
    id
}

/// Records on an [`approved_case`] how the offender was dealt with (target 16 counts the child
/// only with it).
pub(crate) async fn handled(db: &Db, id: i64) {
    db.add_case_entry(
        &officer(),
        id,
        6,
        EntryKind::OffenderHandling(OffenderHandling {
            handling: Handling::ReferredToPolice,
            date: day("2026-03-05"),
            note: "Công an xã tiếp nhận tố giác".into(),
        }),
        dt("2026-03-05T10:00"),
    )
    .await
    .unwrap();
}

/// Issue 15: the offender's handling is an entry of the case, sealed and chained like the others
/// (no schema change): it is stored and read back on both backends, `treem check` finds nothing
/// wrong, and target 16 counts the case as done only once it is there.
#[tokio::test]
async fn the_offenders_handling_is_sealed_in_the_case_and_counted() {
    each_backend(|label, db, _, _| async move {
        let id = approved_case(&db).await;
        let period = treem_domain::indicator::Period::new(day("2026-01-01"), day("2026-06-30"));
        let count = |db: Db| async move {
            let cases = db.cases_for_figures().await.unwrap();
            abused_with_intervention(&cases.cases, period)
        };
        assert_eq!(
            count(db.clone()).await,
            (vec![], vec![id]),
            "{label}: helped only"
        );
        handled(&db, id).await;
        let case = db.case_file(&officer(), id).await.unwrap();
        assert!(
            case.effective().iter().any(|e| matches!(
                &e.kind,
                EntryKind::OffenderHandling(h) if h.handling == Handling::ReferredToPolice
            )),
            "{label}"
        );
        assert_eq!(count(db.clone()).await, (vec![id], vec![id]), "{label}");
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
    })
    .await;
}

#[tokio::test]
async fn a_case_goes_to_an_approved_plan_through_storage() {
    each_backend(|label, db, _, _| async move {
        let o = officer();
        let id = approved_case(&db).await;
        let case = db.case_file(&o, id).await.unwrap();
        assert_eq!(case.state(), CaseState::Implementation, "{label}");
        assert_eq!(
            case.filed_by(),
            Some(("test-village_head", Role::VillageHead))
        );
        // The cached columns follow the replayed case.
        let list = db.cases(&o).await.unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].id, id);
        assert_eq!(list[0].state, CaseState::Implementation);
        assert_eq!(list[0].received_at, dt("2026-03-02T09:00"));
        assert_eq!(list[0].child_id, None);
        assert_eq!(
            db.case_counts().await.unwrap(),
            vec![(CaseState::Implementation, 1)]
        );
        // A correction replaces the assessment without moving the case.
        let corrected = db
            .correct_case_entry(
                &o,
                id,
                2,
                assessment("Trẻ bị bố đánh nhiều lần"),
                dt("2026-03-04T10:00"),
            )
            .await
            .unwrap();
        assert_eq!(corrected.state(), CaseState::Implementation);
        assert_eq!(corrected.entries().last().unwrap().corrects, Some(2));
        let again = db.case_file(&o, id).await.unwrap();
        assert_eq!(again, corrected, "{label}: stored as applied");
        // Writes are audited.
        let writes = db
            .audit_entries(
                &o,
                &AuditFilter {
                    entity: Some("case".into()),
                    action: Some("update".into()),
                    entity_id: Some(id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(writes.len(), 6, "{label}");
        assert!(db.check().await.unwrap().ok(), "{label}");
    })
    .await;
}

#[tokio::test]
async fn who_may_open_a_case_and_each_opening_is_audited() {
    each_backend(|label, db, _, _| async move {
        let o = officer();
        let id = approved_case(&db).await;
        // The seeded police account: an assignment names a real one.
        let police = Actor {
            username: "police".into(),
            ..actor(Role::Police, None)
        };
        // Not assigned: the case does not exist for them.
        assert!(
            matches!(db.case_file(&police, id).await, Err(StorageError::NotFound)),
            "{label}"
        );
        assert!(db.cases(&police).await.unwrap().is_empty());
        assert!(matches!(
            db.case_receipt(&police, id).await,
            Err(StorageError::NotFound)
        ));
        db.add_case_entry(
            &o,
            id,
            6,
            EntryKind::Assign {
                username: police.username.clone(),
                role: Role::Police,
            },
            dt("2026-03-04T10:00"),
        )
        .await
        .unwrap();
        let seen = db.case_file(&police, id).await.unwrap();
        assert_eq!(seen.entries().len(), 7, "{label}");
        assert_eq!(db.cases(&police).await.unwrap()[0].id, id);
        // The village head who filed it sees the receipt, not the case.
        let vh = village_head();
        assert!(matches!(
            db.case_file(&vh, id).await,
            Err(StorageError::NotFound)
        ));
        let r = db.case_receipt(&vh, id).await.unwrap();
        assert_eq!(r.case_id, id);
        assert_eq!(r.filed_by, "test-village_head");
        assert_eq!(r.filed_at, dt("2026-03-02T09:30"));
        // Roles that never read children get counts only.
        assert!(matches!(
            db.cases(&actor(Role::Province, None)).await,
            Err(StorageError::Forbidden)
        ));
        // Each opening is in the audit log: the police officer's one, and the officer's.
        db.case_file(&o, id).await.unwrap();
        let reads = db
            .audit_entries(
                &o,
                &AuditFilter {
                    entity: Some("case".into()),
                    action: Some("read".into()),
                    entity_id: Some(id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let who: Vec<&str> = reads.iter().map(|e| e.actor.as_str()).collect();
        assert_eq!(who, vec!["system", "police"], "{label}");
    })
    .await;
}

#[tokio::test]
async fn a_stale_write_is_refused_with_conflict() {
    each_backend(|label, db, _, _| async move {
        let o = officer();
        let id = approved_case(&db).await;
        let visit = |d: &str| {
            EntryKind::Visit(Visit {
                date: day(d),
                by: "Trưởng thôn".into(),
                findings: "Trẻ ổn định".into(),
            })
        };
        match db
            .add_case_entry(&o, id, 5, visit("2026-03-05"), dt("2026-03-05T10:00"))
            .await
        {
            Err(StorageError::Conflict { current: 6 }) => {}
            other => panic!("{label}: expected conflict, got {other:?}"),
        }
        let case = db
            .add_case_entry(&o, id, 6, visit("2026-03-05"), dt("2026-03-05T10:00"))
            .await
            .unwrap();
        assert_eq!(case.entries().len(), 7);
        // The domain's refusals come through: the leader cannot draft a plan.
        assert!(matches!(
            db.add_case_entry(
                &actor(Role::Leader, None),
                id,
                7,
                plan(day("2026-03-05")),
                dt("2026-03-05T11:00")
            )
            .await,
            Err(StorageError::Forbidden)
        ));
        assert!(matches!(
            db.case_file(&o, id + 100).await,
            Err(StorageError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn entries_are_encrypted_at_rest_and_need_the_right_key() {
    each_backend(|label, db, url, key_file| async move {
        let o = officer();
        let word = "Quokkabrindlewhisk";
        let id = db
            .open_case(
                &o,
                intake(dt("2026-03-02T09:00"), &format!("Trẻ kể: {word}")),
                dt("2026-03-02T09:30"),
            )
            .await
            .unwrap();
        let case = db.case_file(&o, id).await.unwrap();
        assert!(case.intake().unwrap().current_condition.contains(word));
        if let Some(path) = db.sqlite_path() {
            for file in [path.clone(), format!("{path}-wal")] {
                if let Ok(bytes) = std::fs::read(&file) {
                    assert!(
                        !bytes.windows(word.len()).any(|w| w == word.as_bytes()),
                        "{label}: {file} holds the narrative in clear"
                    );
                }
            }
        }
        // Without a key: a clear refusal.
        let bare = Db::open(&url).await.unwrap();
        let e = bare.case_file(&o, id).await.unwrap_err();
        assert!(
            e.to_string().contains("TREEM_CASE_KEY_FILE"),
            "{label}: {e}"
        );
        let report = bare.check().await.unwrap();
        assert!(report.ok(), "{label}: no key, no content check");
        assert!(
            report
                .unverified
                .iter()
                .any(|u| u.contains("không có khóa hồ sơ")),
            "{label}: says what it could not verify: {:?}",
            report.unverified
        );
        bare.close().await;
        // With another key: a clear error, never garbage; check names the rows.
        let wrong = Db::open(&url)
            .await
            .unwrap()
            .with_case_key(CaseKey::random());
        match wrong.case_file(&o, id).await {
            Err(StorageError::Corrupt(m)) => {
                assert!(m.contains("không giải mã được hồ sơ"), "{label}: {m}")
            }
            other => panic!("{label}: expected a decryption error, got {other:?}"),
        }
        let report = wrong.check().await.unwrap();
        assert_eq!(
            report.problems,
            vec![
                format!(
                    "không giải mã được hồ sơ {id} (sai khóa mã hóa hồ sơ, hoặc dữ liệu đã bị sửa)"
                ),
                format!("hồ sơ {id}, mục 1: không giải mã được")
            ],
            "{label}"
        );
        wrong.close().await;
        // The key file opens them again.
        let right = Db::open(&url)
            .await
            .unwrap()
            .with_case_key(CaseKey::from_file(&key_file).unwrap());
        assert_eq!(right.case_file(&o, id).await.unwrap(), case);
        assert!(right.check().await.unwrap().ok(), "{label}");
        // A sealed entry moved to another case does not open there.
        let other = right
            .open_case(
                &o,
                intake(dt("2026-03-02T10:00"), "Khác"),
                dt("2026-03-02T10:30"),
            )
            .await
            .unwrap();
        let c = in_commune(&right);
        right
            .raw_execute(&format!(
                "UPDATE case_entry SET \
                 nonce = (SELECT nonce FROM case_entry WHERE case_id = {other} AND seq = 1{c}), \
                 sealed = (SELECT sealed FROM case_entry WHERE case_id = {other} AND seq = 1{c}) \
                 WHERE case_id = {id} AND seq = 1{c}"
            ))
            .await
            .unwrap();
        assert!(matches!(
            right.case_file(&o, id).await,
            Err(StorageError::Corrupt(_))
        ));
        assert_eq!(
            right.check().await.unwrap().problems,
            vec![format!("hồ sơ {id}, mục 1: không giải mã được")],
            "{label}"
        );
        right.close().await;
    })
    .await;
}

#[tokio::test]
async fn cases_survive_export_and_import_sealed() {
    each_backend(|label, db, _, key_file| async move {
        let o = officer();
        let id = approved_case(&db).await;
        let before = db.case_file(&o, id).await.unwrap();
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        for (target, url, _dir) in databases().await {
            let copy = Db::open(&url)
                .await
                .unwrap()
                .with_case_key(CaseKey::from_file(&key_file).unwrap());
            copy.import_all(&mut &out[..], &|_| {}).await.unwrap();
            assert_eq!(
                copy.case_file(&o, id).await.unwrap(),
                before,
                "{label} → {target}"
            );
            // New cases after an import get fresh ids.
            let next = copy
                .open_case(
                    &o,
                    intake(dt("2026-03-05T09:00"), "Khác"),
                    dt("2026-03-05T09:30"),
                )
                .await
                .unwrap();
            assert!(next > id, "{label} → {target}");
            copy.close().await;
        }
    })
    .await;
}

#[tokio::test]
async fn cases_over_the_api_follow_the_same_rules() {
    use serde_json::{json, Value};
    let app = spawn_app().await;
    let at: DateTime = "2026-03-06T20:00:00".parse().unwrap();
    let head = app.token(Role::VillageHead).await;
    let body = serde_json::to_value(intake(at, "Bị đánh, có vết bầm")).unwrap();
    let r = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&head)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // The village head who filed it sees the receipt, nothing more.
    let v: Value = app
        .http
        .get(app.url(&format!("/api/v1/cases/{id}")))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["receipt"].is_object() && v["case"].is_null(), "{v}");
    assert!(!v.to_string().contains("vết bầm"));
    // The officer opens it, with its next deadline, and takes the next step.
    let officer = app.token(Role::Officer).await;
    let v: Value = app
        .http
        .get(app.url(&format!("/api/v1/cases/{id}")))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v.to_string().contains("vết bầm") && v["next_deadline"].is_object(),
        "{v}"
    );
    let step = json!({"expected_seq": 1, "entry": serde_json::to_value(assessment("Đánh giá ban đầu")).unwrap()});
    let r = app
        .http
        .post(app.url(&format!("/api/v1/cases/{id}/entries")))
        .bearer_auth(&officer)
        .json(&step)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = app
        .http
        .post(app.url(&format!("/api/v1/cases/{id}/entries")))
        .bearer_auth(&officer)
        .json(&step)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "a stale step");
    // Unassigned police: not found; the province: counts only, never names.
    let police = app.token(Role::Police).await;
    assert_eq!(
        app.http
            .get(app.url(&format!("/api/v1/cases/{id}")))
            .bearer_auth(&police)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let province = app.token(Role::Province).await;
    let v: Value = app
        .http
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&province)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["counts"].is_array() && v["items"].is_null(), "{v}");
    assert!(!v.to_string().contains("Mai"));
    let v: Value = app
        .http
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.http
            .get(app.url("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn the_case_page_and_the_deadlines_on_the_home_page() {
    use crate::pages::page_login;
    let app = spawn_app().await;
    let now = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime();
    let id = app
        .db
        .open_case(&village_head(), intake(now, "Trẻ ở nhà một mình"), now)
        .await
        .unwrap();
    let o = page_login(&app, "officer", "password-officer").await;
    let home = o.get(&app, "/").await.text().await.unwrap();
    assert!(
        home.contains(&format!("/cases/{id}")),
        "the officer's home lists the case"
    );
    let page = o.get(&app, &format!("/cases/{id}")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Tiếp nhận thông tin") && page.contains("Trẻ ở nhà một mình"));
    for role in ["police", "village_head", "health", "province"] {
        let p = page_login(&app, role, &format!("password-{role}")).await;
        assert_eq!(
            p.get(&app, &format!("/cases/{id}")).await.status(),
            404,
            "{role}"
        );
        assert!(
            !p.get(&app, "/")
                .await
                .text()
                .await
                .unwrap()
                .contains(&format!("/cases/{id}")),
            "{role}"
        );
    }
    // Each opening of the page is in the audit log.
    let seen = app
        .db
        .audit_entries(
            &actor(Role::Leader, None),
            &AuditFilter {
                entity: Some("case".into()),
                action: Some("read".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!seen.is_empty());
}

#[tokio::test]
async fn the_child_page_says_there_is_a_case_only_to_those_who_may_open_it() {
    use crate::pages::page_login;
    use treem_storage::Register;
    let app = spawn_app().await;
    let child_id = app
        .db
        .create_child(&officer(), &child("Giàng Thị Mai", "SP01"))
        .await
        .unwrap()
        .id;
    let now = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime();
    let EntryKind::Intake(mut i) = intake(now, "Trẻ ở nhà một mình") else {
        unreachable!()
    };
    i.child = ChildRef::Registered { child_id };
    let id = app
        .db
        .open_case(&village_head(), EntryKind::Intake(i), now)
        .await
        .unwrap();
    let page = format!("/children/{child_id}");
    let o = page_login(&app, "officer", "password-officer").await;
    assert!(o
        .get(&app, &page)
        .await
        .text()
        .await
        .unwrap()
        .contains(&format!("/cases/{id}")));
    for role in ["village_head", "police", "health"] {
        let p = page_login(&app, role, &format!("password-{role}")).await;
        let html = p.get(&app, &page).await.text().await.unwrap();
        assert!(
            !html.contains("has-case") && !html.contains(&format!("/cases/{id}")),
            "{role} must not learn of the case"
        );
        // They may still report this child (Mẫu 01) from the page.
        assert!(
            html.contains(&format!("/cases/new?child={child_id}")),
            "{role}"
        );
    }
}
