//! Tamper evidence (issue 13, defect 12): records changed straight in the database file, and
//! the newest audit entries deleted with the chain head moved back. The tampering is done as an
//! attacker with the file would do it: raw SQL, the guard triggers on the log dropped where
//! they are in the way, the triggers that keep the figures' copies left on.
use crate::helpers::*;
use std::process::{Command, Output};
use treem_domain::register::HouseholdData;
use treem_domain::role::Role;
use treem_storage::{AuditLog, ChainHead, Db, HealthLog, Register};

fn treem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run treem")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The ids of what [`register`] wrote.
struct Written {
    /// A child created, then edited twice (versions 1 to 3).
    child: i64,
    /// A child written by the bulk import.
    imported: i64,
    /// A household created, then edited (versions 1 and 2).
    household: i64,
    /// A vaccination of `child`.
    event: i64,
}

/// A register with a little of everything a commune writes: children one by one, edited and
/// imported in bulk, households one by one and imported, a birth at the health station and
/// health events, and reads of a child's record (audited, sealing nothing).
async fn register(db: &Db) -> Written {
    let o = officer();
    let health = actor(Role::Health, None);
    let household = db
        .create_household(
            &o,
            &HouseholdData {
                village: "SP01".into(),
                code: Some("SP01-001".into()),
                head_name: "Giàng A Chư".into(),
                address: None,
                poverty: vec![],
            },
        )
        .await
        .unwrap();
    let mut h = household.data.clone();
    h.address = Some("Bản Sính Phình".into());
    db.update_household(&o, household.id, 1, &h).await.unwrap();
    db.import_households(
        &o,
        &[HouseholdData {
            village: "SP02".into(),
            code: None,
            head_name: "Lò Văn Sơn".into(),
            address: None,
            poverty: vec![],
        }],
    )
    .await
    .unwrap();
    let mut a = child("Giàng A Páo", "SP01");
    a.household_id = Some(household.id);
    let a = db.create_child(&o, &a).await.unwrap();
    let mut changed = a.data.clone();
    changed.notes = Some("chuyển trường".into());
    db.update_child(&o, a.id, 1, &changed).await.unwrap();
    changed.aliases = vec!["Páo".into()];
    db.update_child(&o, a.id, 2, &changed).await.unwrap();
    let rows = (0..5)
        .map(|i| {
            child(
                &format!("Lò Thị Mai {i}"),
                if i % 2 == 0 { "SP01" } else { "SP02" },
            )
        })
        .collect();
    db.import_children(&o, rows).await.unwrap();
    let imported = a.id + 1;
    let mut newborn = child("Sùng A Lử", "SP02");
    newborn.date_of_birth = Some(today());
    db.record_birth(
        &health,
        &newborn,
        &newborn_birth(serde_json::json!({"live": true, "place": "hospital", "weight_g": 3000})),
    )
    .await
    .unwrap();
    let vacc = |dose: u8| {
        (
            "vaccination".to_string(),
            Some(a.id),
            today(),
            serde_json::json!({"vaccine": "OPV", "dose": dose}),
        )
    };
    let events = db
        .add_health_events(&health, &typed_events(&[vacc(1), vacc(2)]))
        .await
        .unwrap();
    db.child(&o, a.id).await.unwrap();
    Written {
        child: a.id,
        imported,
        household: household.id,
        event: events[0],
    }
}

async fn each_backend<F, Fut>(f: F)
where
    F: Fn(&'static str, Db, Written) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let w = register(&db).await;
        f(label, db.clone(), w).await;
        db.close().await;
    }
}

fn has(problems: &[String], what: &str) -> bool {
    problems.iter().any(|p| p.contains(what))
}

/// The guard triggers on the log, dropped as an attacker would.
async fn drop_log_guards(label: &str, db: &Db) {
    let sql = if label == "sqlite" {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    } else {
        DROP_AUDIT_GUARD_PG
    };
    db.raw_execute_as_owner(sql).await.unwrap();
}

#[tokio::test]
async fn an_untouched_register_passes_check_and_names_its_head() {
    each_backend(|label, db, _| async move {
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        assert_eq!(report.head, db.chain_head().await.unwrap(), "{label}");
        assert_eq!(report.head.seq, report.audit_entries, "{label}");
        // The head is the anchor: the database holds it.
        let short: ChainHead = report.head.short().parse().unwrap();
        let again = db
            .check_expecting(&[short, report.head.clone()])
            .await
            .unwrap();
        assert!(again.ok(), "{label}: {:?}", again.problems);
        // Readers of the log see it; others do not.
        let leader = actor(Role::Leader, None);
        assert_eq!(
            db.audit_head(&leader).await.unwrap(),
            report.head,
            "{label}"
        );
        assert!(
            db.audit_head(&actor(Role::Health, None)).await.is_err(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn deleting_the_newest_audit_entries_and_rewinding_the_head_fails_the_recorded_anchor() {
    each_backend(|label, db, w| async move {
        let o = officer();
        let kept = db.chain_head().await.unwrap();
        // Someone reads three children's records, then wants it forgotten.
        for _ in 0..3 {
            db.child(&o, w.child).await.unwrap();
        }
        let recorded = db.check().await.unwrap().head;
        assert_eq!(recorded.seq, kept.seq + 3, "{label}");
        drop_log_guards(label, &db).await;
        db.raw_execute_as_owner(&format!("DELETE FROM audit_log WHERE seq > {}", kept.seq))
            .await
            .unwrap();
        db.raw_execute_as_owner(&format!(
            "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
            kept.seq, kept.hash
        ))
        .await
        .unwrap();
        // The chain alone is whole again…
        let plain = db.check().await.unwrap();
        assert!(plain.ok(), "{label}: {:?}", plain.problems);
        // …but not against the head written down before.
        let report = db
            .check_expecting(std::slice::from_ref(&recorded))
            .await
            .unwrap();
        assert!(
            has(&report.problems, &format!("không còn mục {}", recorded.seq)),
            "{label}: {:?}",
            report.problems
        );
        // Writing on from there gives the number back, with another hash.
        for _ in 0..3 {
            db.child(&o, w.child).await.unwrap();
        }
        let short: ChainHead = recorded.short().parse().unwrap();
        let report = db.check_expecting(&[short]).await.unwrap();
        assert!(
            has(&report.problems, "nhật ký đã bị viết lại"),
            "{label}: {:?}",
            report.problems
        );
        assert_eq!(db.chain_head().await.unwrap().seq, recorded.seq, "{label}");
    })
    .await;
}

#[tokio::test]
async fn editing_a_child_version_in_the_file_fails_check() {
    each_backend(|label, db, w| async move {
        // An old version: nothing else refers to it but its seal.
        db.raw_execute_as_owner(&format!(
            "UPDATE child_version SET data = replace(data, 'Giàng A Páo', 'Giàng A Pao') \
             WHERE child_id = {} AND version = 1",
            w.child
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(&report.problems, "bản ghi niêm phong ở mục")
                && has(&report.problems, &format!("trẻ {}, phiên bản 1", w.child)),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
    // The current version of a child written by the bulk import, and its row made to agree.
    each_backend(|label, db, w| async move {
        db.raw_execute_as_owner(&format!(
            "UPDATE child_version SET data = replace(data, '\"female\"', '\"male\"') WHERE child_id = {id}; \
             UPDATE child SET sex = 'male' WHERE id = {id}",
            id = w.imported
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(&report.problems, "bản ghi niêm phong ở mục"),
            "{label}: {:?}",
            report.problems
        );
        // The figures' copies followed the edit through their trigger: only the seal tells.
        assert!(
            !has(&report.problems, "bản sao cho số liệu"),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
}

#[tokio::test]
async fn editing_a_childs_current_row_in_the_file_fails_check() {
    // A name changed everywhere the register lists and searches it, but not in its record.
    each_backend(|label, db, w| async move {
        db.raw_execute_as_owner(&format!(
            "UPDATE child SET full_name = 'Giàng A Pó', search_text = 'giang a po pao' WHERE id = {id}",
            id = w.child
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(
                &report.problems,
                &format!("trẻ {}: full_name, search_text không khớp", w.child)
            ),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
    // A child hidden from the lists, moved to another village, or pointed at an old version.
    for edit in [
        "present = 0",
        "village_id = (SELECT MAX(id) FROM village)",
        "version = 2",
        "personal_id = '011219000001'",
    ] {
        each_backend(|label, db, w| async move {
            db.raw_execute_as_owner(&format!("UPDATE child SET {edit} WHERE id = {}", w.child))
                .await
                .unwrap();
            let report = db.check().await.unwrap();
            let column = edit.split(' ').next().unwrap();
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.starts_with(&format!("trẻ {}:", w.child)) && p.contains(column)),
                "{label}, {edit}: {:?}",
                report.problems
            );
        })
        .await;
    }
}

#[tokio::test]
async fn editing_a_household_in_the_file_fails_check() {
    each_backend(|label, db, w| async move {
        db.raw_execute_as_owner(&format!(
            "UPDATE household_version SET data = replace(data, 'Giàng A Chư', 'Giàng A Chu') \
             WHERE household_id = {} AND version = 1",
            w.household
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(
                &report.problems,
                &format!("hộ {}, phiên bản 1", w.household)
            ),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
    each_backend(|label, db, w| async move {
        db.raw_execute_as_owner(&format!(
            "UPDATE household SET head_name = 'Giàng A Chu', village_id = (SELECT MAX(id) FROM village) WHERE id = {}",
            w.household
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(
                &report.problems,
                &format!("hộ {}: village_id, head_name không khớp", w.household)
            ),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
}

#[tokio::test]
async fn editing_adding_or_removing_a_health_event_in_the_file_fails_check() {
    // The health packs' triggers keep the figures' copies in step with each edit: only the seals
    // can tell.
    let edits = [
        "UPDATE health_event SET date = '2020-01-01' WHERE id = {event}",
        "DELETE FROM health_event WHERE id = {event}",
        "INSERT INTO health_event ({c}kind, child_id, village_id, date, data, recorded_by, recorded_at) \
         SELECT {c}kind, child_id, village_id, date, data, recorded_by, recorded_at FROM health_event WHERE id = {event}",
    ];
    for edit in edits {
        each_backend(|label, db, w| async move {
            let edit = edit
                .replace("{event}", &w.event.to_string())
                .replace("{c}", commune_column(&db));
            db.raw_execute_as_owner(&edit).await.unwrap();
            let report = db.check().await.unwrap();
            assert!(
                has(&report.problems, "bản ghi niêm phong ở mục")
                    || has(&report.problems, "chưa được niêm phong"),
                "{label}, {edit}: {:?}",
                report.problems
            );
            assert!(
                !has(&report.problems, "bản sao cho số liệu"),
                "{label}: {:?}",
                report.problems
            );
        })
        .await;
    }
}

#[tokio::test]
async fn rewriting_the_digest_an_entry_keeps_breaks_its_hash() {
    // An attacker who recomputes the digest of the edited rows must write it into the entry;
    // the entry's hash then no longer matches.
    each_backend(|label, db, w| async move {
        drop_log_guards(label, &db).await;
        db.raw_execute_as_owner(&format!(
            "UPDATE audit_log SET rows_digest = '{}' WHERE seal = (SELECT seal FROM health_event WHERE id = {})",
            "0".repeat(64),
            w.event
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(&report.problems, "đã bị sửa (mã băm không khớp)"),
            "{label}: {:?}",
            report.problems
        );
    })
    .await;
}

#[tokio::test]
async fn copies_pass_check_and_keep_the_head() {
    each_backend(|label, db, _| async move {
        let head = db.chain_head().await.unwrap();
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        let first = String::from_utf8_lossy(&out[..out.iter().position(|b| *b == b'\n').unwrap()])
            .to_string();
        assert!(first.contains(&head.to_string()), "{label}: {first}");
        // The export wrote its own entry after the file: the database moved on, the copy not.
        assert_eq!(db.chain_head().await.unwrap().seq, head.seq + 1, "{label}");
        for (target, url, _dir) in databases().await {
            let copy = Db::open(&url).await.unwrap();
            copy.import_all(&mut &out[..], &|_| {}).await.unwrap();
            let report = copy
                .check_expecting(std::slice::from_ref(&head))
                .await
                .unwrap();
            assert!(report.ok(), "{label} → {target}: {:?}", report.problems);
            assert_eq!(report.head, head, "{label} → {target}");
            // Written on after the import, both sides seal with fresh numbers.
            let o = officer();
            let c = copy
                .create_child(&o, &child("Vàng Thị Dua", "SP02"))
                .await
                .unwrap();
            copy.update_child(&o, c.id, 1, &c.data).await.unwrap();
            let report = copy.check().await.unwrap();
            assert!(report.ok(), "{label} → {target}: {:?}", report.problems);
            copy.close().await;
        }
        // A backup names the head it holds.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.bak");
        let before = db.chain_head().await.unwrap();
        db.backup(&file).await.unwrap();
        assert_eq!(
            treem_storage::copy_head(&file).await.unwrap(),
            before,
            "{label}"
        );
        // Restored (a SQLite file is opened as it is; PostgreSQL's backup is an export), it
        // passes the check against that head.
        let (_, scratch, _scratch_dir) = databases().await.remove(0);
        let restored = if label == "sqlite" {
            Db::connect(&file.to_string_lossy()).await.unwrap()
        } else {
            let url = scratch;
            let copy = Db::open(&url).await.unwrap();
            let bytes = std::fs::read(&file).unwrap();
            copy.import_all(&mut &bytes[..], &|_| {}).await.unwrap();
            copy
        };
        let report = restored
            .check_expecting(std::slice::from_ref(&before))
            .await
            .unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        assert_eq!(report.head, before, "{label}");
        restored.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_export_whose_header_head_disagrees_with_its_log_is_refused() {
    each_backend(|label, db, _| async move {
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        // The log's last line dropped, as if cut short; the header still names it.
        let mut lines: Vec<&str> = text.lines().collect();
        let last = lines
            .iter()
            .rposition(|l| l.starts_with("{\"t\":\"audit_log\""))
            .unwrap();
        let head_line = lines.iter().position(|l| l.starts_with("{\"t\":\"audit_head\"")).unwrap();
        let cut = lines.remove(last);
        let prev_hash = serde_json::from_str::<serde_json::Value>(cut).unwrap()["r"]["prev_hash"]
            .as_str()
            .unwrap()
            .to_string();
        let seq = serde_json::from_str::<serde_json::Value>(cut).unwrap()["r"]["seq"]
            .as_i64()
            .unwrap();
        let head = serde_json::json!({"t": "audit_head", "r": {"id": 1, "seq": seq - 1, "hash": prev_hash}})
            .to_string();
        lines[head_line - 1] = &head;
        let edited = lines.join("\n");
        let (_, url, _dir) = databases().await.remove(0);
        let copy = Db::open(&url).await.unwrap();
        let e = copy
            .import_all(&mut edited.as_bytes(), &|_| {})
            .await
            .unwrap_err();
        assert!(e.to_string().contains("đầu chuỗi"), "{label}: {e}");
        copy.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_command_line_prints_the_head_and_checks_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("c.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let w = register(&db).await;
    let head = db.chain_head().await.unwrap();
    db.close().await;

    // `check` prints the head, in the short form to write down.
    let out = treem(&["check", "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("Đầu chuỗi nhật ký: {}", head.short())),
        "{}",
        text(&out)
    );

    // `backup` prints the copy's head and writes it beside the copy.
    let bak = dir.path().join("b.db");
    let out = treem(&["backup", "--db", &url, bak.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&head.short()), "{}", text(&out));
    let sidecar = std::fs::read_to_string(dir.path().join("b.db.head")).unwrap();
    assert!(sidecar.contains(&head.to_string()), "{sidecar}");

    // `export` prints the database's head after its own entry.
    let exp = dir.path().join("e.jsonl");
    let out = treem(&["export", "--db", &url, exp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let after = Db::connect(&url).await.unwrap();
    let exported = after.chain_head().await.unwrap();
    after.close().await;
    assert_eq!(exported.seq, head.seq + 1);
    assert!(text(&out).contains(&exported.short()), "{}", text(&out));

    // The restored backup holds the head written beside it.
    let restored = dir.path().join("r.db");
    let out = treem(&[
        "restore",
        bak.to_str().unwrap(),
        "--db",
        restored.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let r = restored.to_str().unwrap();
    let out = treem(&["check", "--db", r, "--expect-head", &head.short()]);
    assert!(out.status.success(), "{}", text(&out));

    // A malformed anchor is a mistake of the command, not a finding.
    let out = treem(&["check", "--db", &url, "--expect-head", "12:abc"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--expect-head"), "{}", text(&out));

    // The tail deleted and the head rewound: the check against the exported head fails, exit 2.
    let db = Db::connect(&url).await.unwrap();
    db.child(&officer(), w.child).await.unwrap();
    let recorded = db.chain_head().await.unwrap();
    drop_log_guards("sqlite", &db).await;
    db.raw_execute_as_owner(&format!("DELETE FROM audit_log WHERE seq > {}", head.seq))
        .await
        .unwrap();
    db.raw_execute_as_owner(&format!(
        "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
        head.seq, head.hash
    ))
    .await
    .unwrap();
    db.close().await;
    let out = treem(&["check", "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    let out = treem(&["check", "--db", &url, "--expect-head", &recorded.short()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("không còn mục {}", recorded.seq)),
        "{}",
        text(&out)
    );
}

/// A database made before records were sealed: its rows are sealed by one entry when it is
/// migrated, and an edit of such a row is caught like any other.
#[tokio::test]
async fn rows_stored_before_sealing_are_sealed_by_the_migration() {
    for (label, url, _dir) in databases().await {
        // Migration 7 cannot be run again over a PostgreSQL schema that 0018 has split by
        // commune (its index names no commune); there the sealing of older rows is proven by
        // upgrading a schema-1 database (`upgrade::a_schema_1_register_upgrades_…`).
        if label != "sqlite" {
            continue;
        }
        let db = seeded(&url).await;
        let w = register(&db).await;
        // Back to how schema 5 stored them: no seals, no digests in the log (the entries of the
        // chain made to hash as they did, the chain rebuilt over them).
        drop_log_guards(label, &db).await;
        unseal(label, &db).await;
        db.raw_execute_as_owner("DELETE FROM schema_migration WHERE version = 7")
            .await
            .unwrap();
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        let before = report.head;
        db.close().await;
        let db = Db::open(&url).await.unwrap();
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        let last = db
            .audit_entries(&officer(), &Default::default())
            .await
            .unwrap()
            .remove(0);
        assert_eq!(
            (last.action.as_str(), last.entity.as_str()),
            ("seal", "database"),
            "{label}"
        );
        assert!(
            last.detail.starts_with("niêm phong dữ liệu cũ"),
            "{label}: {}",
            last.detail
        );
        // Heads written down before the upgrade still hold.
        assert!(db.check_expecting(&[before]).await.unwrap().ok(), "{label}");
        db.raw_execute_as_owner(&format!(
            "UPDATE health_event SET data = replace(data, 'OPV', 'BCG') WHERE id = {}",
            w.event
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(
            has(
                &report.problems,
                &format!("bản ghi niêm phong ở mục {}", last.seq)
            ),
            "{label}: {:?}",
            report.problems
        );
        db.close().await;
    }
}

/// Makes a sealed database look as schema 6 left it: rows without seals, and the log's entries
/// without digests, rehashed into a chain as the older treem wrote it.
async fn unseal(label: &str, db: &Db) {
    db.raw_execute_as_owner(
        "DROP INDEX audit_log_seal; \
         ALTER TABLE child_version DROP COLUMN seal; ALTER TABLE household_version DROP COLUMN seal; \
         ALTER TABLE household_version DROP COLUMN village_id; ALTER TABLE health_event DROP COLUMN seal; \
         ALTER TABLE audit_log DROP COLUMN seal; ALTER TABLE audit_log DROP COLUMN rows_digest",
    )
    .await
    .unwrap();
    if label == "postgres" {
        db.raw_execute_as_owner("DROP SEQUENCE audit_seal")
            .await
            .unwrap();
    }
    // Rehash with the entries' own fields, as `treem` before sealing did.
    let entries = db
        .audit_entries(
            &officer(),
            &treem_storage::AuditFilter {
                limit: Some(5000),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut prev = "0".repeat(64);
    for e in entries.iter().rev() {
        let actor_id = 0;
        let hash = old_hash(
            &prev,
            e.seq,
            &e.at,
            actor_id,
            &e.actor,
            &e.action,
            &e.entity,
            e.entity_id,
            &e.detail,
        );
        db.raw_execute_as_owner(&format!(
            "UPDATE audit_log SET prev_hash = '{prev}', hash = '{hash}', actor_id = {actor_id} WHERE seq = {}",
            e.seq
        ))
        .await
        .unwrap();
        prev = hash;
    }
    db.raw_execute_as_owner(&format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ))
    .await
    .unwrap();
    let _ = label;
}

#[allow(clippy::too_many_arguments)]
fn old_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor_id: i64,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        at,
        &actor_id.to_string(),
        actor,
        action,
        entity,
        &entity_id.map(|i| i.to_string()).unwrap_or_default(),
        detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

#[tokio::test]
async fn the_audit_page_shows_the_head_to_the_readers_of_the_log() {
    let app = spawn_app().await;
    for role in [Role::Officer, Role::Leader, Role::Admin] {
        let page = crate::pages::page_login(&app, role.as_str(), &format!("password-{role}")).await;
        let res = page.get(&app, "/audit").await;
        assert_eq!(res.status(), 200, "{role}");
        let html = res.text().await.unwrap();
        // Logging in wrote entries: the page shows the head as it stood when it was read.
        let head = app.db.chain_head().await.unwrap();
        assert!(
            html.contains(&format!(
                "Đầu chuỗi nhật ký:</strong> <code>{}</code>",
                head.short()
            )),
            "{role}: {html}"
        );
    }
    let page = crate::pages::page_login(&app, "health", "password-health").await;
    assert_eq!(page.get(&app, "/audit").await.status(), 403);
}

#[tokio::test]
async fn an_empty_database_exports_backs_up_and_imports_with_its_empty_head() {
    for (label, url, _dir) in databases().await {
        let db = Db::open(&url).await.unwrap();
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("e.jsonl");
        std::fs::write(&file, &out).unwrap();
        assert_eq!(
            treem_storage::copy_head(&file).await.unwrap(),
            ChainHead::default(),
            "{label}"
        );
        let (_, target, _d) = databases().await.remove(0);
        let copy = Db::open(&target).await.unwrap();
        copy.import_all(&mut &out[..], &|_| {}).await.unwrap();
        assert!(copy.check().await.unwrap().ok(), "{label}");
        copy.close().await;
        db.close().await;
    }
}
