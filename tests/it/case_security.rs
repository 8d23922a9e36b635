//! Issue 13 on the case files (hồ sơ trường hợp): a report names only a child its author may
//! read, and an id outside one's scope answers like a missing one (#7); `check` verifies every
//! case row, and one damaged case leaves the others, the list and target 16 working (#11); no
//! case metadata (child, filer, step, assignees, dates) is kept in clear in the database, its
//! WAL, a backup or an export, and an older database is sealed when treem starts with the key
//! (#13). Over real HTTP where a person meets it; on every backend.
use crate::cases::{approved_case, dt, each_backend, intake};
use crate::helpers::*;
use crate::pages::{page_login, Page};
use serde_json::{json, Value};
use treem_domain::case::{ChildRef, EntryKind};
use treem_domain::role::{Actor, Role};
use treem_storage::{
    Accounts, AuditLog, CaseKey, Cases, Db, NewUser, Register, StorageError, SCHEMA_VERSION,
};

async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, String) {
    let url = app.url(path);
    let req = match method {
        "GET" => app.http.get(url),
        "POST" => app.http.post(url),
        "PUT" => app.http.put(url),
        m => panic!("{m}"),
    };
    let req = match body {
        Some(b) => req.json(b),
        None => req,
    };
    let r = req.bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn html(app: &TestApp, p: &Page, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn submit(app: &TestApp, p: &Page, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = vec![("_csrf", &p.csrf)];
    form.extend_from_slice(fields);
    let r = p.post(app, path, &form).await;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    match location {
        Some(l) => (status, l),
        None => (status, r.text().await.unwrap()),
    }
}

/// A report (Mẫu 01) on a register child, as the API takes it.
fn report_on(child_id: i64) -> Value {
    json!({
        "kind": "intake", "channel": "village_head", "received_at": "2026-03-02T09:00:00",
        "category": "abused", "child": {"type": "registered", "child_id": child_id},
        "place": "Bản Sính Phình", "current_condition": "Bị đánh"
    })
}

/// #7: the village head of SP01 files a report on a child of SP02 over the API (the page
/// refused it, the API took it), and learns nothing from the answer: a child of another village
/// and an id that does not exist get the same status and the same body.
#[tokio::test]
async fn a_village_head_reports_only_on_children_of_their_village_and_learns_no_other_ids() {
    let app = spawn_app().await;
    let o = officer();
    let own = app
        .db
        .create_child(&o, &child("Giàng Thị Mỷ", "SP01"))
        .await
        .unwrap()
        .id;
    let elsewhere = app
        .db
        .create_child(&o, &child("Vàng A Dế", "SP02"))
        .await
        .unwrap()
        .id;
    let missing = elsewhere + 1000;
    let token = app.token(Role::VillageHead).await;

    let (status, body) = send(
        &app,
        &token,
        "POST",
        "/api/v1/cases",
        Some(&report_on(elsewhere)),
    )
    .await;
    assert_eq!(status, 422, "another village's child: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["errors"],
        json!([{"field": "child_id", "message": "không có trẻ này trong sổ của bạn"}]),
        "{body}"
    );
    let unknown = send(
        &app,
        &token,
        "POST",
        "/api/v1/cases",
        Some(&report_on(missing)),
    )
    .await;
    assert_eq!(
        unknown,
        (status, body),
        "an unknown id answers exactly as a child of another village"
    );
    let (status, body) = send(&app, &token, "POST", "/api/v1/cases", Some(&report_on(own))).await;
    assert_eq!(status, 201, "a child of one's own village: {body}");

    // The page takes the same rule from the same place.
    let head = page_login(&app, "village_head", "password-village_head").await;
    let mut answers = Vec::new();
    for id in [elsewhere, missing] {
        let id = id.to_string();
        let (status, body) = submit(
            &app,
            &head,
            "/cases/new",
            &[
                ("channel", "village_head"),
                ("category", "abused"),
                ("child_type", "registered"),
                ("child_id", &id),
                ("place", "Bản Sính Phình"),
                ("current_condition", "Bị đánh"),
                ("received_at", "02/03/2026"),
                ("received_at_time", "09:00"),
            ],
        )
        .await;
        assert!(
            body.contains("không có trẻ này trong sổ của bạn"),
            "{status}: {body}"
        );
        answers.push(status);
    }
    assert_eq!(answers, vec![422, 422]);

    // Only the report on the village's own child was written.
    let all = app.db.cases(&o).await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].child_id, Some(own));
}

/// #7: on every case route, a case one may not open answers exactly as a case that does not
/// exist (same status, same body), for every role that may not open it.
#[tokio::test]
async fn a_case_outside_ones_scope_answers_like_a_missing_one_on_every_route() {
    let app = spawn_app().await;
    let id = approved_case(&app.db).await;
    let missing = id + 1000;
    let entry = json!({"expected_seq": 6, "entry": {"kind": "return", "reason": "Xem lại"}});
    let replacement = json!({"entry": {"kind": "return", "reason": "Xem lại"}});
    for role in [
        Role::Police,
        Role::Health,
        Role::Office,
        Role::VillageHead,
        Role::Services,
        Role::Province,
    ] {
        let token = app.token(role).await;
        for (method, path, body) in [
            ("GET", "/api/v1/cases/{}", None),
            ("POST", "/api/v1/cases/{}/entries", Some(&entry)),
            (
                "POST",
                "/api/v1/cases/{}/entries/1/replacement",
                Some(&replacement),
            ),
        ] {
            let there = send(
                &app,
                &token,
                method,
                &path.replace("{}", &id.to_string()),
                body,
            )
            .await;
            let not = send(
                &app,
                &token,
                method,
                &path.replace("{}", &missing.to_string()),
                body,
            )
            .await;
            assert_eq!(there, not, "{role} {method} {path}");
            assert!(
                there.0 == 404 || there.0 == 403,
                "{role} {method} {path}: {there:?}"
            );
        }
        let p = page_login(&app, role.as_str(), &format!("password-{role}")).await;
        for path in [
            "/cases/{}",
            "/cases/{}/step/visit",
            "/cases/{}/replace/1",
            "/cases/{}/forms/1",
        ] {
            let there = html(&app, &p, &path.replace("{}", &id.to_string())).await;
            let not = html(&app, &p, &path.replace("{}", &missing.to_string())).await;
            assert_eq!(there, not, "{role} GET {path}");
        }
        for path in ["/cases/{}/step/return", "/cases/{}/replace/1"] {
            let fields = [("seq", "6"), ("reason", "Xem lại")];
            let there = submit(&app, &p, &path.replace("{}", &id.to_string()), &fields).await;
            let not = submit(&app, &p, &path.replace("{}", &missing.to_string()), &fields).await;
            assert_eq!(there, not, "{role} POST {path}");
        }
    }
}

/// Runs `sql` on the database as is (tampering "straight in the file").
async fn tamper(db: &Db, sql: &str) {
    db.raw_execute_as_owner(sql).await.unwrap();
}

/// Keeps the case tables aside, to put them back after a tampering.
async fn keep(db: &Db) {
    tamper(
        db,
        "DROP TABLE IF EXISTS kept_file; DROP TABLE IF EXISTS kept_entry; \
         CREATE TABLE kept_file AS SELECT * FROM case_file; \
         CREATE TABLE kept_entry AS SELECT * FROM case_entry;",
    )
    .await;
}

async fn put_back(db: &Db) {
    tamper(
        db,
        "DELETE FROM case_entry; \
         UPDATE case_file SET \
           version = (SELECT k.version FROM kept_file k WHERE k.id = case_file.id), \
           nonce = (SELECT k.nonce FROM kept_file k WHERE k.id = case_file.id), \
           sealed = (SELECT k.sealed FROM kept_file k WHERE k.id = case_file.id); \
         INSERT INTO case_entry SELECT * FROM kept_entry;",
    )
    .await;
}

/// #11: `check` names every way a case row can be changed straight in the file: an entry's
/// bytes changed, two entries swapped, the last entry deleted, a case rolled back to an earlier
/// copy of itself, an entry moved to another case, a summary changed or copied from another
/// case. Each damaged case is refused on its own; the other case still opens.
#[tokio::test]
async fn check_names_every_changed_swapped_deleted_or_moved_case_row() {
    each_backend(|label, db, _, _| async move {
        if label != "sqlite" && skipped_on_citus("the tampering keeps the case tables in tables of its own, which Citus keeps on the coordinator") {
            return;
        }
        let o = officer();
        let id = approved_case(&db).await;
        let other = db
            .open_case(
                &o,
                intake(dt("2026-03-05T09:00"), "Khác"),
                dt("2026-03-05T09:30"),
            )
            .await
            .unwrap();
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        assert!(report.unverified.is_empty(), "{label}: {:?}", report.unverified);
        keep(&db).await;
        let flip = |column: &str| {
            format!(
                "{column} = CASE WHEN substr({column}, 1, 2) = '00' THEN '01' ELSE '00' END || substr({column}, 3)"
            )
        };
        let tamperings: Vec<(&str, String)> = vec![
            (
                "an entry's bytes changed",
                format!(
                    "UPDATE case_entry SET {} WHERE case_id = {id} AND seq = 3",
                    flip("sealed")
                ),
            ),
            (
                "two entries swapped",
                format!(
                    "UPDATE case_entry SET seq = 100 WHERE case_id = {id} AND seq = 2; \
                     UPDATE case_entry SET seq = 2 WHERE case_id = {id} AND seq = 3; \
                     UPDATE case_entry SET seq = 3 WHERE case_id = {id} AND seq = 100;"
                ),
            ),
            (
                "the last entry deleted",
                format!(
                    "DELETE FROM case_entry WHERE case_id = {id} AND seq = 6; \
                     UPDATE case_file SET version = 5 WHERE id = {id};"
                ),
            ),
            (
                "an entry moved to another case",
                format!(
                    "UPDATE case_entry SET case_id = {other}, seq = 2 WHERE case_id = {id} AND seq = 6; \
                     UPDATE case_file SET version = 5 WHERE id = {id}; \
                     UPDATE case_file SET version = 2 WHERE id = {other};"
                ),
            ),
            (
                "a summary changed",
                format!("UPDATE case_file SET {} WHERE id = {id}", flip("sealed")),
            ),
            (
                "a summary copied from another case",
                format!(
                    "UPDATE case_file SET \
                     nonce = (SELECT nonce FROM case_file WHERE id = {other}), \
                     sealed = (SELECT sealed FROM case_file WHERE id = {other}) WHERE id = {id}"
                ),
            ),
        ];
        for (what, sql) in tamperings {
            tamper(&db, &sql).await;
            let report = db.check().await.unwrap();
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.contains(&format!("hồ sơ {id}"))),
                "{label}, {what}: check names case {id}: {:?}",
                report.problems
            );
            assert!(
                matches!(db.case_file(&o, id).await, Err(StorageError::Corrupt(_))),
                "{label}, {what}: the case is refused as damaged"
            );
            if what != "an entry moved to another case" {
                assert!(db.case_file(&o, other).await.is_ok(), "{label}, {what}");
            }
            put_back(&db).await;
            let report = db.check().await.unwrap();
            assert!(report.ok(), "{label}, {what}, put back: {:?}", report.problems);
        }
        // A rollback: a 7th entry written, then the case put back as it stood with 6. Entries
        // and summary agree; the audit log still records the 7th write.
        db.add_case_entry(
            &o,
            id,
            6,
            EntryKind::Assign {
                username: "police".into(),
                role: Role::Police,
            },
            dt("2026-03-05T10:00"),
        )
        .await
        .unwrap();
        put_back(&db).await;
        tamper(&db, "DROP TABLE kept_file; DROP TABLE kept_entry;").await;
        let report = db.check().await.unwrap();
        assert_eq!(
            report.problems,
            vec![format!(
                "hồ sơ {id}: có 6 mục nhưng nhật ký ghi 7 lần ghi (mục bị xóa hoặc thêm ngoài treem?)"
            )],
            "{label}: a case rolled back to an earlier copy of itself"
        );
    })
    .await;
}

/// #11: one damaged case (its entries swapped in the file) and another whose summary does not
/// open: each case page says "hồ sơ bị hỏng, báo quản trị" (409, not a 500), the list still
/// lists the others and names the damaged one to the officer, and target 16 counts the healthy
/// case and notes the damaged ones instead of falling to "no data".
#[tokio::test]
async fn one_damaged_case_leaves_the_list_the_others_and_target_16_working() {
    let app = spawn_app().await;
    let healthy = approved_case(&app.db).await;
    crate::cases::handled(&app.db, healthy).await;
    let entries_damaged = approved_case(&app.db).await;
    let summary_damaged = approved_case(&app.db).await;
    app.db
        .raw_execute(&format!(
            "UPDATE case_entry SET seq = 100 WHERE case_id = {entries_damaged} AND seq = 2; \
             UPDATE case_entry SET seq = 2 WHERE case_id = {entries_damaged} AND seq = 3; \
             UPDATE case_entry SET seq = 3 WHERE case_id = {entries_damaged} AND seq = 100; \
             UPDATE case_file SET sealed = CASE WHEN substr(sealed, 1, 2) = '00' THEN '01' ELSE '00' END \
             || substr(sealed, 3) WHERE id = {summary_damaged};"
        ))
        .await
        .unwrap();
    let officer = page_login(&app, "officer", "password-officer").await;
    for id in [entries_damaged, summary_damaged] {
        let (status, page) = html(&app, &officer, &format!("/cases/{id}")).await;
        assert_eq!(status, 409, "{page}");
        assert!(page.contains("bị hỏng, báo quản trị"), "{page}");
    }
    let (status, page) = html(&app, &officer, &format!("/cases/{healthy}")).await;
    assert_eq!(status, 200, "{page}");
    let (status, list) = html(&app, &officer, "/cases").await;
    assert_eq!(status, 200, "{list}");
    assert!(
        list.contains(&format!("href=\"/cases/{healthy}\"")),
        "{list}"
    );
    let damaged_part = &list[list
        .find("id=\"damaged-cases\"")
        .expect("damaged cases named")..];
    assert!(
        damaged_part.contains(&format!("/cases/{summary_damaged}\"")),
        "{list}"
    );

    let token = app.token(Role::Officer).await;
    let (status, body) = send(&app, &token, "GET", "/api/v1/cases", None).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["damaged"], json!([summary_damaged]), "{body}");
    assert_eq!(v["items"].as_array().unwrap().len(), 2, "{body}");
    let (status, body) = send(
        &app,
        &token,
        "GET",
        &format!("/api/v1/cases/{entries_damaged}"),
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["damaged"],
        true
    );
    // Someone who may not open the case learns nothing from its damage.
    let police = app.token(Role::Police).await;
    let (status, _) = send(
        &app,
        &police,
        "GET",
        &format!("/api/v1/cases/{summary_damaged}"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Target 16 over the first half of 2026: the healthy case is counted, the two others noted.
    let health = app.token(Role::Health).await;
    let (status, body) = send(
        &app,
        &health,
        "GET",
        "/api/v1/plans/2026/targets?as_of=2026-06-30",
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let t16 = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == 16)
        .unwrap()
        .clone();
    assert_eq!(t16["denominator"].as_f64(), Some(1.0), "{t16}");
    assert_eq!(t16["numerator"].as_f64(), Some(1.0), "{t16}");
    assert_ne!(t16["status"], "no_data", "{t16}");
    assert!(
        t16["note"]
            .as_str()
            .unwrap_or("")
            .contains("2 hồ sơ bị hỏng"),
        "{t16}"
    );
    let report = app.db.check().await.unwrap();
    for id in [entries_damaged, summary_damaged] {
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains(&format!("hồ sơ {id}"))),
            "{:?}",
            report.problems
        );
    }
    assert!(
        !report
            .problems
            .iter()
            .any(|p| p.contains(&format!("hồ sơ {healthy}"))),
        "{:?}",
        report.problems
    );
}

/// What no byte of the case tables may hold in clear: the distinctive values of one case.
struct Secrets {
    child_id: i64,
    filer: &'static str,
    assignee: &'static str,
    texts: Vec<&'static str>,
}

/// One case on a register child, filed by a distinctively named village head, taken to the
/// leader's approval with a distinctively named police officer assigned. Its dates (2026-02-17)
/// and its step (`awaiting_approval`) appear nowhere else in the database.
async fn distinctive_case(db: &Db) -> Secrets {
    let o = officer();
    let admin = actor(Role::Admin, None);
    let assignee = "zebrassignee";
    db.create_user(
        &admin,
        &NewUser {
            username: assignee.into(),
            password: "Ngựa-vằn-phân-công-2026".into(),
            role: Role::Police,
            village: None,
            must_change_password: false,
            full_name: "Người Thử".into(),
            position: "Cán bộ".into(),
        },
    )
    .await
    .unwrap();
    let child_id = db
        .create_child(&o, &child("Thào Thị Xuân", "SP01"))
        .await
        .unwrap()
        .id;
    let filer = "quokkafiler";
    let head = Actor {
        user_id: 0,
        username: filer.into(),
        role: Role::VillageHead,
        village_id: Some(1),
    };
    let mut report = intake(dt("2026-02-17T06:43"), "Bị đánh");
    if let EntryKind::Intake(i) = &mut report {
        i.child = ChildRef::Registered { child_id };
    }
    let id = db
        .open_case(&head, report, dt("2026-02-17T07:13"))
        .await
        .unwrap();
    let steps = vec![
        crate::cases::assessment("Trẻ bị đánh"),
        crate::cases::specific(dt("2026-02-17T09:21")),
        crate::cases::plan(crate::cases::day("2026-02-18")),
        EntryKind::SubmitForApproval {
            note: String::new(),
        },
        EntryKind::Assign {
            username: assignee.into(),
            role: Role::Police,
        },
    ];
    for (i, e) in steps.into_iter().enumerate() {
        db.add_case_entry(&o, id, i as u32 + 1, e, dt(&format!("2026-02-17T1{i}:37")))
            .await
            .unwrap();
    }
    let case = db.case_file(&o, id).await.unwrap();
    assert_eq!(case.state().as_str(), "awaiting_approval");
    assert!(case.is_assigned(assignee));
    Secrets {
        child_id,
        filer,
        assignee,
        texts: vec!["2026-02-17", "awaiting_approval"],
    }
}

fn holds(bytes: &[u8], what: &str) -> bool {
    bytes.windows(what.len()).any(|w| w == what.as_bytes())
}

/// The case tables' rows in an export: their columns are the sealed ones only, their sealed
/// columns hex, and none of the case's values appear in them.
fn assert_export_seals_cases(label: &str, export: &[u8], s: &Secrets) {
    let text = std::str::from_utf8(export).unwrap();
    let mut seen = 0;
    for line in text.lines().skip(1) {
        let rec: treem_storage::ExportRecord = serde_json::from_str(line).unwrap();
        let want: &[&str] = match rec.t.as_str() {
            "case_file" => &["id", "nonce", "sealed", "version"],
            "case_entry" => &["case_id", "nonce", "sealed", "seq"],
            _ => continue,
        };
        seen += 1;
        assert_eq!(
            rec.r.keys().map(String::as_str).collect::<Vec<_>>(),
            want,
            "{label}: {line}"
        );
        for k in ["nonce", "sealed"] {
            let v = rec.r[k].as_str().unwrap_or_default();
            assert!(
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_hexdigit()),
                "{label}: {k} is sealed hex: {line}"
            );
        }
        // The only numbers left are the row's own id, case and count.
        for (k, v) in &rec.r {
            if !["id", "case_id", "seq", "version"].contains(&k.as_str()) {
                assert_ne!(v, &json!(s.child_id), "{label}: child id in {k}: {line}");
            }
        }
        for word in [s.filer, s.assignee].iter().chain(&s.texts) {
            assert!(!line.contains(word), "{label}: «{word}» in clear: {line}");
        }
    }
    assert!(seen >= 7, "{label}: the case rows are exported ({seen})");
}

/// #13: after a case is written, the database file and its WAL (SQLite), a backup and an export
/// (both backends) hold none of its metadata in clear: not the child (by id or name), the
/// filer, the assignee, the step or a date. On SQLite the bytes are searched: the date and the
/// step appear nowhere else, so the whole live file and WAL are searched for them; the names
/// are in the accounts and the audit log by design, so they are searched in a backup with those
/// two tables dropped and vacuumed away (what is left is the case tables and the register). On
/// PostgreSQL the same holds through SQL: every column of the case tables as `SELECT *` gives
/// it, in the export (which is also PostgreSQL's backup).
#[tokio::test]
async fn no_case_metadata_in_clear_in_the_database_wal_backup_or_export() {
    each_backend(|label, db, _, _| async move {
        let s = distinctive_case(&db).await;
        let mut export = Vec::new();
        db.export(&mut export, &|_| {}).await.unwrap();
        assert_export_seals_cases(label, &export, &s);
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("copy.bak");
        db.backup(&backup).await.unwrap();
        let Some(path) = db.sqlite_path() else {
            // PostgreSQL's backup is an export.
            let bytes = std::fs::read(&backup).unwrap();
            assert_export_seals_cases(label, &bytes, &s);
            return;
        };
        for file in [
            path.clone(),
            format!("{path}-wal"),
            backup.to_string_lossy().to_string(),
        ] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for word in &s.texts {
                assert!(
                    !holds(&bytes, word),
                    "{label}: {file} holds «{word}» in clear"
                );
            }
        }
        let copy = Db::connect(&backup.to_string_lossy()).await.unwrap();
        copy.raw_execute(
            "PRAGMA foreign_keys = OFF; DROP TABLE audit_log; DROP TABLE app_user; VACUUM;",
        )
        .await
        .unwrap();
        copy.close().await;
        let mut bytes = std::fs::read(&backup).unwrap();
        bytes.extend(std::fs::read(format!("{}-wal", backup.display())).unwrap_or_default());
        for word in [s.filer, s.assignee].iter().chain(&s.texts) {
            assert!(
                !holds(&bytes, word),
                "{label}: the case tables hold «{word}» in clear"
            );
        }
    })
    .await;
}

/// The export of `db` turned into what a treem before schema 8 exported: the case rows with
/// their clear columns, as the old schema kept them (from the cases themselves), and `schema`
/// in the header.
async fn old_export(db: &Db, schema: i64) -> Vec<u8> {
    let o = officer();
    let mut out = Vec::new();
    db.export(&mut out, &|_| {}).await.unwrap();
    let civil = |t: jiff::civil::DateTime| t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let mut lines = Vec::new();
    for line in std::str::from_utf8(&out).unwrap().lines() {
        let mut rec: treem_storage::ExportRecord = serde_json::from_str(line).unwrap();
        match rec.t.as_str() {
            "header" => {
                rec.r.insert("schema_version".into(), json!(schema));
            }
            // Accounts had no full name or position before schema 11.
            "app_user" => {
                rec.r.remove("full_name");
                rec.r.remove("position");
            }
            "case_file" => {
                let id = rec.r["id"].as_i64().unwrap();
                let case = db.case_file(&o, id).await.unwrap();
                rec.r.remove("nonce");
                rec.r.remove("sealed");
                let names: Vec<&str> = case
                    .assigned()
                    .iter()
                    .map(|a| a.username.as_str())
                    .collect();
                rec.r.insert(
                    "child_id".into(),
                    json!(case.intake().unwrap().child.child_id()),
                );
                rec.r.insert("state".into(), json!(case.state().as_str()));
                rec.r.insert(
                    "received_at".into(),
                    json!(civil(case.received_at().unwrap())),
                );
                rec.r
                    .insert("filed_by".into(), json!(case.filed_by().unwrap().0));
                rec.r.insert(
                    "assigned".into(),
                    json!(serde_json::to_string(&names).unwrap()),
                );
                rec.r.insert(
                    "next_due".into(),
                    json!(treem_domain::case::next_deadline(&case, db.calendar())
                        .map(|d| civil(d.due))),
                );
                rec.r
                    .insert("updated_at".into(), json!("2026-03-05T00:00:00.000000Z"));
            }
            "case_entry" => {
                let id = rec.r["case_id"].as_i64().unwrap();
                let seq = rec.r["seq"].as_i64().unwrap() as u32;
                let case = db.case_file(&o, id).await.unwrap();
                let e = case.entry(seq).unwrap();
                rec.r.insert("at".into(), json!(civil(e.at)));
                rec.r.insert("by_user".into(), json!(e.by));
                rec.r.insert("role".into(), json!(e.role.as_str()));
                rec.r.insert("kind".into(), json!(e.kind.code()));
                rec.r.insert("corrects".into(), json!(e.corrects));
            }
            _ => {}
        }
        lines.push(serde_json::to_string(&rec).unwrap());
    }
    (lines.join("\n") + "\n").into_bytes()
}

/// #13: a database as treem left it before the summaries were sealed (schema 7: the case rows
/// with the child, filer, step, assignees and dates in clear) is upgraded without the key: the
/// clear columns are gone from the tables and from the file, `check` says what it could not
/// verify; the first start with the key seals each summary, after which every case opens as
/// before and `check` is clean. An export from an older treem is read the same way.
#[tokio::test]
async fn an_older_database_loses_its_clear_case_metadata_and_is_sealed_at_first_start() {
    each_backend(|label, db, _, key_file| async move {
        let o = officer();
        let s = distinctive_case(&db).await;
        let approved = approved_case(&db).await;
        let before: Vec<_> = db.cases(&o).await.unwrap();
        let old = old_export(&db, SCHEMA_VERSION).await;
        for (target, url, _dir) in databases_empty().await {
            if (target == "sqlite") != (label == "sqlite") {
                continue;
            }
            // The old schema, with the old rows (the header says "current" so that the
            // import keeps their clear columns: that is the fixture).
            let older = Db::connect(&url).await.unwrap();
            older.migrate_to(7).await.unwrap();
            older.import_all(&mut &old[..], &|_| {}).await.unwrap();
            if let Some(path) = older.sqlite_path() {
                older
                    .raw_execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .unwrap();
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    holds(&bytes, "awaiting_approval"),
                    "{label}: the fixture is in clear"
                );
            }
            // Upgraded without the key, then opened again as `Db::migrate` asks: connections
            // opened before the schema had row security keep the login's own rights (on Citus
            // its shards' connections then lack the commune).
            older.migrate().await.unwrap();
            let older = if older.sqlite_path().is_some() {
                older
            } else {
                older.close().await;
                Db::open(&url).await.unwrap()
            };
            let report = older.check().await.unwrap();
            assert!(report.ok(), "{label}: {:?}", report.problems);
            assert!(
                report
                    .unverified
                    .iter()
                    .any(|u| u.contains("chưa niêm phong")),
                "{label}: {:?}",
                report.unverified
            );
            if let Some(path) = older.sqlite_path() {
                for file in [path.clone(), format!("{path}-wal")] {
                    let bytes = std::fs::read(&file).unwrap_or_default();
                    for word in ["awaiting_approval", "2026-02-17", "2026-03-02T09:00"] {
                        assert!(!holds(&bytes, word), "{label}: {file} still holds «{word}»");
                    }
                }
            }
            let mut export = Vec::new();
            older.export(&mut export, &|_| {}).await.unwrap();
            older.close().await;
            // Not sealed yet: the rows have no clear column left to show.
            let pending: Vec<&str> = std::str::from_utf8(&export)
                .unwrap()
                .lines()
                .filter(|l| l.contains("\"t\":\"case_file\""))
                .collect();
            assert!(!pending.is_empty() && pending.iter().all(|l| l.contains("\"sealed\":null")));
            // The first start with the key.
            let keyed = Db::open(&url)
                .await
                .unwrap()
                .with_case_key(CaseKey::from_file(&key_file).unwrap());
            assert_eq!(keyed.seal_pending_cases().await.unwrap(), 2, "{label}");
            assert_eq!(
                keyed.seal_pending_cases().await.unwrap(),
                0,
                "{label}: once"
            );
            assert_eq!(keyed.cases(&o).await.unwrap(), before, "{label}");
            assert_eq!(
                keyed.case_file(&o, approved).await.unwrap(),
                db.case_file(&o, approved).await.unwrap()
            );
            let report = keyed.check().await.unwrap();
            assert!(
                report.ok() && report.unverified.is_empty(),
                "{label}: {report:?}"
            );
            let mut export = Vec::new();
            keyed.export(&mut export, &|_| {}).await.unwrap();
            assert_export_seals_cases(label, &export, &s);
            keyed.close().await;
        }
        // An export written by an older treem, read into a new database.
        let old = old_export(&db, 5).await;
        for (target, url, _dir) in databases().await {
            let copy = Db::open(&url)
                .await
                .unwrap()
                .with_case_key(CaseKey::from_file(&key_file).unwrap());
            copy.import_all(&mut &old[..], &|_| {}).await.unwrap();
            assert_eq!(
                copy.seal_pending_cases().await.unwrap(),
                2,
                "{label} → {target}"
            );
            assert_eq!(copy.cases(&o).await.unwrap(), before, "{label} → {target}");
            let report = copy.check().await.unwrap();
            assert!(
                report.ok() && report.unverified.is_empty(),
                "{label} → {target}: {report:?}"
            );
            copy.close().await;
        }
    })
    .await;
}

/// #13: without the case key nothing of a case can be read, not even its step (the counts are
/// sealed too): the case pages say so, and never answer 500.
#[tokio::test]
async fn without_the_key_the_case_pages_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("nokey.db").to_string_lossy().to_string();
    let keyed = seeded(&url).await.with_case_key(CaseKey::random());
    let id = approved_case(&keyed).await;
    keyed.close().await;
    let app = serve_db(Db::open(&url).await.unwrap()).await;
    for role in ["officer", "police"] {
        let p = page_login(&app, role, &format!("password-{role}")).await;
        for path in ["/cases".to_string(), format!("/cases/{id}")] {
            let (status, page) = html(&app, &p, &path).await;
            assert_eq!(status, 409, "{role} {path}: {page}");
            assert!(
                page.contains("TREEM_CASE_KEY_FILE"),
                "{role} {path}: {page}"
            );
        }
    }
    let (status, page) = html(
        &app,
        &page_login(&app, "officer", "password-officer").await,
        "/",
    )
    .await;
    assert_eq!(status, 200, "{page}");
}
