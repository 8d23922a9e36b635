//! The `treem` binary end to end: import, template, export/import between backends, backup,
//! restore and check.
use crate::helpers::*;
use std::process::{Command, Output};
use treem_storage::{ChildQuery, Db, Register};

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

const HEADER: &str = "Họ và tên,Tên gọi khác,Giới tính,Ngày sinh,Mã định danh,Dân tộc,Mã thôn,Nhóm hoàn cảnh đặc biệt,Hoàn cảnh đặc biệt từ ngày,Người chăm sóc,Quan hệ với trẻ,Điện thoại";

#[tokio::test]
async fn import_children_csv_is_all_or_nothing_with_a_row_report() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("c.db").to_string_lossy().to_string();
    seeded(&url).await.close().await;
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}\n\
             Giàng A Páo,Pao;Pháo,nam,15/03/2018,011218123456,H'Mông,SP01,,,Giàng Thị Mỷ,mẹ,0912345678\n\
             Sùng Thị Sua,,nữ,31/02/2019,,Mông,SP01,,,,,\n\
             Lò Văn Ân,,nam,2017,011317000001,Thái,SP02,x,01/01/2024,,,\n"
        ),
    )
    .unwrap();
    let out = treem(&["import", "children", bad.to_str().unwrap(), "--db", &url]);
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("dòng 3, cột «Ngày sinh»"), "{t}");
    assert!(t.contains("dòng 4, cột «Mã định danh»"), "{t}");
    assert!(t.contains("dòng 4, cột «Nhóm hoàn cảnh đặc biệt»"), "{t}");
    assert_eq!(
        children_in_register(&url).await,
        0,
        "nothing may be written"
    );
    // An unknown village is caught before writing too.
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(
        &unknown,
        format!("{HEADER}\nGiàng A Páo,,nam,15/03/2018,,,SP99,,,,,\n"),
    )
    .unwrap();
    let out = treem(&[
        "import",
        "children",
        unknown.to_str().unwrap(),
        "--db",
        &url,
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("SP99"));
    assert_eq!(children_in_register(&url).await, 0);
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}\n\
             Giàng A Páo,Pao;Pháo,nam,15/03/2018,011218123456,H'Mông,SP01,,,Giàng Thị Mỷ,mẹ,0912345678\n\
             Sùng Thị Sua,,nữ,02/2019,,Mông,SP01,,,,,\n\
             Lò Văn Ân,,nam,2017,011217000001,Thái,SP02,a;d,01/01/2024,,,\n"
        ),
    )
    .unwrap();
    let out = treem(&[
        "import",
        "children",
        good.to_str().unwrap(),
        "--db",
        &url,
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        children_in_register(&url).await,
        0,
        "a dry run writes nothing"
    );
    let out = treem(&["import", "children", good.to_str().unwrap(), "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(children_in_register(&url).await, 3);
    let db = Db::open(&url).await.unwrap();
    let found = db
        .search_children(
            &officer(),
            &ChildQuery {
                q: Some("phao".into()),
                page: 1,
                per_page: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items[0].full_name, "Giàng A Páo");
    let c = db.child(&officer(), found.items[0].id).await.unwrap();
    assert_eq!(c.data.caregivers[0].phone.as_deref(), Some("0912345678"));
}

/// A row repeated in the file (same name, birth date and village, no personal ID) stops the
/// import naming both rows, on each backend; warnings stop it until --accept-warnings.
#[tokio::test]
async fn import_children_names_both_rows_of_a_repeated_child_and_writes_nothing() {
    for (backend, url, dir) in databases().await {
        let dir = dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        seeded(&url).await.close().await;
        let file = dir.path().join("lap.csv");
        std::fs::write(
            &file,
            "Họ và tên,Ngày sinh,Thôn\n\
             Giàng A Páo,15/03/2018,Thôn Sính Phình\n\
             Sùng Thị Sua,01/02/2019,SP01\n\
             Giàng A Páo,15/03/2018,sp01\n",
        )
        .unwrap();
        let out = treem(&["import", "children", file.to_str().unwrap(), "--db", &url]);
        assert_eq!(out.status.code(), Some(3), "{backend}: {}", text(&out));
        let t = text(&out);
        assert!(
            t.contains("dòng 4, cột «Họ và tên»: dòng 2 và dòng 4 là một trẻ"),
            "{backend}: {t}"
        );
        assert_eq!(children_in_register(&url).await, 0, "{backend}");
        let warned = dir.path().join("hoa.csv");
        std::fs::write(
            &warned,
            "Họ và tên,Ngày sinh,Mã thôn\nGIANG A PAO,15/03/2018,SP01\n",
        )
        .unwrap();
        let out = treem(&["import", "children", warned.to_str().unwrap(), "--db", &url]);
        assert_eq!(out.status.code(), Some(4), "{backend}: {}", text(&out));
        assert!(text(&out).contains("viết hoa, không dấu"), "{backend}");
        assert_eq!(children_in_register(&url).await, 0, "{backend}");
        let out = treem(&[
            "import",
            "children",
            warned.to_str().unwrap(),
            "--db",
            &url,
            "--accept-warnings",
        ]);
        assert!(out.status.success(), "{backend}: {}", text(&out));
        assert_eq!(children_in_register(&url).await, 1, "{backend}");
    }
}

#[tokio::test]
async fn template_round_trips_through_xlsx_import() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("t.db").to_string_lossy().to_string();
    seeded(&url).await.close().await;
    let xlsx = dir.path().join("mau.xlsx");
    let out = treem(&["template", "children", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    // The template's example row is itself valid.
    let out = treem(&["import", "children", xlsx.to_str().unwrap(), "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(children_in_register(&url).await, 1);
    // With a database, the sheet "Danh mục" lists its villages.
    let out = treem(&["template", "children", xlsx.to_str().unwrap(), "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let lists = wb.worksheet_range("Danh mục").unwrap();
    let codes: Vec<String> = (1..3)
        .map(|r| lists.get_value((r, 0)).unwrap().to_string())
        .collect();
    assert_eq!(codes, ["SP01", "SP02"]);
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("u.db").to_string_lossy().to_string();
    seeded(&url).await.close().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "user",
            "add",
            "--db",
            &url,
            "--username",
            "pao.vh",
            "--role",
            "village_head",
            "--village",
            "SP02",
            "--full-name",
            "Người Thử Dòng Lệnh",
            "--position",
            "Cán bộ",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"mat-khau-dai\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let db = Db::open(&url).await.unwrap();
    use treem_storage::Accounts;
    let u = db
        .authenticate(
            &treem_storage::LoginName::parse("pao.vh").unwrap(),
            "mat-khau-dai",
        )
        .await
        .unwrap()
        .user()
        .unwrap();
    assert!(u.must_change_password);
    assert!(u.village_id.is_some());
}

#[tokio::test]
async fn check_exits_non_zero_when_the_audit_chain_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("k.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    db.close().await;
    let out = treem(&["check", "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    let db = Db::open(&url).await.unwrap();
    db.raw_execute("DROP TRIGGER audit_log_no_update")
        .await
        .unwrap();
    db.raw_execute("UPDATE audit_log SET detail = 'đã sửa lén' WHERE seq = 3")
        .await
        .unwrap();
    db.close().await;
    let out = treem(&["check", "--db", &url]);
    assert!(!out.status.success());
    assert!(text(&out).contains("mục 3"), "{}", text(&out));
}

/// Issue 19: `treem check` finds a pair of words of the search index that no longer matches the
/// child's words (gone, or of another village) and `rebuild-copies` makes them again; a search
/// of two words finds the child again afterwards.
/// Edits the database at `url` straight with `sql`; then `treem check` fails (exit 2) with
/// output that `said` accepts, `treem rebuild-copies` mends it and `check` passes again.
async fn broken_then_mended(url: &str, label: &str, sql: &str, said: impl Fn(&str) -> bool) {
    let db = Db::open(url).await.unwrap();
    db.raw_execute(sql).await.unwrap();
    db.close().await;
    let out = treem(&["check", "--db", url]);
    assert_eq!(out.status.code(), Some(2), "{label}: {}", text(&out));
    assert!(said(&text(&out)), "{label}: {}", text(&out));
    let out = treem(&["rebuild-copies", "--db", url]);
    assert!(out.status.success(), "{label}: {}", text(&out));
    let out = treem(&["check", "--db", url]);
    assert!(out.status.success(), "{label}: {}", text(&out));
}

#[tokio::test]
async fn check_finds_a_stale_pair_of_words_and_rebuild_copies_mends_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("p.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let a = db
        .create_child(&officer(), &child("Giàng Thị Páo", "SP01"))
        .await
        .unwrap();
    let search = |db: Db| async move {
        db.search_children(
            &officer(),
            &ChildQuery {
                q: Some("thi pao".into()),
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total
    };
    assert_eq!(search(db.clone()).await, 1);
    for (label, sql, message) in [
        (
            "gone",
            format!(
                "DELETE FROM child_word_pair WHERE child_id = {} AND word = 'thi'",
                a.id
            ),
            "tên các trẻ cho 6 cặp",
        ),
        (
            "another village",
            format!(
                "UPDATE child_word_pair SET village_id = village_id + 1000 WHERE child_id = {}",
                a.id
            ),
            "6 cặp từ không khớp",
        ),
        (
            // A search's third word is matched on the text the pairs carry.
            "another text",
            format!(
                "UPDATE child_word_pair SET search_text = 'giang thi pau' WHERE child_id = {}",
                a.id
            ),
            "6 cặp từ không khớp",
        ),
    ] {
        broken_then_mended(&url, label, &sql, |out| out.contains(message)).await;
    }
    assert_eq!(search(Db::open(&url).await.unwrap()).await, 1);
}

#[tokio::test]
async fn check_finds_words_of_the_search_index_that_no_longer_say_the_childs_name() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("w.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let a = db
        .create_child(&officer(), &child("Giàng Thị Páo", "SP01"))
        .await
        .unwrap();
    let found = |db: Db, q: &'static str| async move {
        db.search_children(
            &officer(),
            &ChildQuery {
                q: Some(q.into()),
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total
    };
    db.close().await;
    for (label, sql, message) in [
        (
            "a word gone",
            format!(
                "DELETE FROM child_token WHERE child_id = {} AND token = 'pao'",
                a.id
            ),
            "từ, tên các trẻ cho",
        ),
        (
            "a word changed",
            format!(
                "UPDATE child_token SET token = 'pau' WHERE child_id = {} AND token = 'pao'",
                a.id
            ),
            "có từ không khớp với tên",
        ),
        (
            "another village",
            format!(
                "UPDATE child_token SET village_id = village_id + 1000 WHERE child_id = {}",
                a.id
            ),
            "có từ không khớp với tên",
        ),
    ] {
        // Said of the words themselves, not only of the pairs made from them.
        broken_then_mended(&url, label, &sql, |out| {
            out.lines().any(|l| {
                l.contains("chỉ mục tìm kiếm: có") && l.contains(message) && !l.contains("cặp")
            })
        })
        .await;
        let db = Db::open(&url).await.unwrap();
        assert_eq!(found(db.clone(), "pao").await, 1, "{label}");
        assert_eq!(found(db.clone(), "thi pao").await, 1, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn rebuild_copies_mends_what_check_finds_in_the_figures_copies() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("c.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let a = db
        .create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    // A copy edited by hand (a record edited so would break its seal too: see `tamper.rs`).
    db.raw_execute(&format!(
        "UPDATE child_fact SET line = replace(line, '\"female\"', '\"male\"') WHERE child_id = {}",
        a.id
    ))
    .await
    .unwrap();
    db.close().await;
    let out = treem(&["check", "--db", &url]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "bản sao cho số liệu của sổ trẻ em không khớp: trẻ {}, phiên bản 1",
            a.id
        )),
        "{}",
        text(&out)
    );
    let out = treem(&["rebuild-copies", "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("kiểm tra: tốt"), "{}", text(&out));
    let out = treem(&["check", "--db", &url]);
    assert!(out.status.success(), "{}", text(&out));
    // The figures read the record as it is again.
    let db = Db::open(&url).await.unwrap();
    let r = db
        .register_for_figures(&officer(), treem_domain::indicator::Known::Now)
        .await
        .unwrap();
    assert_eq!(r[0].sex, treem_domain::register::Sex::Female);
}

/// Everything but the export header's timestamp.
fn body(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn export_import_round_trip_between_backends_is_lossless() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db").to_string_lossy().to_string();
    let db = seeded(&a).await;
    let o = officer();
    let mut c = child("Giàng Thị Mỷ", "SP01");
    c.aliases = vec!["Mị".into()];
    c.personal_id = Some(treem_domain::personal_id::PersonalId::parse("011319000777").unwrap());
    let made = db.create_child(&o, &c).await.unwrap();
    let mut edit = made.data.clone();
    edit.notes = Some("Ghi chú có dấu: Đồng, Sính Phình".into());
    db.update_child(&o, made.id, 1, &edit).await.unwrap();
    db.create_child(&o, &child("Đặng Văn Đức", "SP02"))
        .await
        .unwrap();
    db.close().await;
    let e1 = dir.path().join("e1.jsonl");
    assert!(treem(&["export", "--db", &a, e1.to_str().unwrap()])
        .status
        .success());
    let middle = match fresh_postgres().await {
        Some(pg) => pg,
        None => dir.path().join("b.db").to_string_lossy().to_string(),
    };
    let out = treem(&["import", "all", e1.to_str().unwrap(), "--db", &middle]);
    assert!(out.status.success(), "{}", text(&out));
    let e2 = dir.path().join("e2.jsonl");
    assert!(treem(&["export", "--db", &middle, e2.to_str().unwrap()])
        .status
        .success());
    let c3 = dir.path().join("c.db").to_string_lossy().to_string();
    assert!(treem(&["import", "all", e2.to_str().unwrap(), "--db", &c3])
        .status
        .success());
    let e3 = dir.path().join("e3.jsonl");
    assert!(treem(&["export", "--db", &c3, e3.to_str().unwrap()])
        .status
        .success());
    assert_eq!(body(&e1), body(&e2));
    assert_eq!(body(&e1), body(&e3));
    assert!(body(&e1).len() > 20);
    // The copy works: search, history, login, and the audit chain all survive.
    let db = Db::open(&c3).await.unwrap();
    let p = db
        .search_children(
            &o,
            &ChildQuery {
                q: Some("mi".into()),
                page: 1,
                per_page: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(db.child_history(&o, p.items[0].id).await.unwrap().len(), 2);
    use treem_storage::{Accounts, AuditLog};
    assert!(db
        .authenticate(
            &treem_storage::LoginName::parse("officer").unwrap(),
            "password-officer"
        )
        .await
        .unwrap()
        .user()
        .is_some());
    assert!(db.check().await.unwrap().ok());
    // New records get fresh ids after the import.
    let next = db.create_child(&o, &child("Mới", "SP01")).await.unwrap();
    assert_eq!(next.id, 3);
    // Importing into a database that has data is refused.
    let out = treem(&["import", "all", e1.to_str().unwrap(), "--db", &c3]);
    assert!(!out.status.success());
    assert!(text(&out).contains("không trống"));
}

#[tokio::test]
async fn backup_and_restore_verify_first() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("live.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    let bak = dir.path().join("backup.db");
    // Online: the database stays open while the backup is taken.
    let out = treem(&["backup", "--db", &url, bak.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    db.create_child(&officer(), &child("Sau Sao Lưu", "SP01"))
        .await
        .unwrap();
    db.close().await;
    assert_eq!(children_in_register(&url).await, 2);
    let restored = dir.path().join("restored.db").to_string_lossy().to_string();
    let out = treem(&["restore", bak.to_str().unwrap(), "--db", &restored]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(children_in_register(&restored).await, 1);
    // A damaged backup is refused and the target is left alone.
    let db = Db::open(bak.to_str().unwrap()).await.unwrap();
    db.raw_execute("DROP TRIGGER audit_log_no_update")
        .await
        .unwrap();
    db.raw_execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
        .await
        .unwrap();
    db.close().await;
    let out = treem(&["restore", bak.to_str().unwrap(), "--db", &url]);
    assert!(!out.status.success());
    assert_eq!(children_in_register(&url).await, 2);
}

#[tokio::test]
async fn plan_check_lists_the_seed_gaps() {
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/plans/sinh-phinh-2026.toml");
    let out = treem(&["plan", "check", plan]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("28 chỉ tiêu"), "{t}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(plan, dir.path().join("sinh-phinh-2026.toml")).unwrap();
    let out = treem(&[
        "plan",
        "new",
        "--from",
        "2026",
        "--year",
        "2027",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let draft = std::fs::read_to_string(dir.path().join("sinh-phinh-2027.toml")).unwrap();
    assert!(draft.contains("2027"));
    let out = treem(&[
        "plan",
        "check",
        dir.path().join("sinh-phinh-2027.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn growth_zscores_reproduces_the_who_sample_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/growth/tests/data/sample-cases.csv"
    );
    let out = dir.path().join("z.csv");
    let o = treem(&["growth", "zscores", input, out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let mut expected = csv::Reader::from_path(input).unwrap();
    let mut got = csv::Reader::from_path(&out).unwrap();
    let eh = expected.headers().unwrap().clone();
    let gh = got.headers().unwrap().clone();
    let mut rows = 0;
    for (e, g) in expected.records().zip(got.records()) {
        let (e, g) = (e.unwrap(), g.unwrap());
        for col in ["id", "stunted", "underweight", "wflh_table", "flag_wflh"] {
            let ei = eh.iter().position(|h| h == col).unwrap();
            let gi = gh.iter().position(|h| h == col).unwrap();
            assert_eq!(e.get(ei), g.get(gi), "row {rows} column {col}");
        }
        rows += 1;
    }
    assert_eq!(rows, 2000);
}

#[tokio::test]
async fn check_creates_nothing_and_an_export_is_verified_before_restore() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.db");
    let out = treem(&["check", "--db", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!missing.exists(), "check must not create a database");
    // An export with one audit entry altered is refused; the target stays empty.
    let url = dir.path().join("src.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    db.close().await;
    let e = dir.path().join("e.jsonl");
    assert!(treem(&["export", "--db", &url, e.to_str().unwrap()])
        .status
        .success());
    let text = std::fs::read_to_string(&e).unwrap();
    let tampered = text.replacen("\"actor\":\"test-admin\"", "\"actor\":\"someone\"", 1);
    assert_ne!(text, tampered);
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, tampered).unwrap();
    let target = dir.path().join("target.db").to_string_lossy().to_string();
    let out = treem(&["restore", bad.to_str().unwrap(), "--db", &target]);
    assert!(!out.status.success(), "{}", text_of_output(&out));
    assert_eq!(children_in_register(&target).await, 0);
    let out = treem(&["restore", e.to_str().unwrap(), "--db", &target]);
    assert!(out.status.success(), "{}", text_of_output(&out));
    assert_eq!(children_in_register(&target).await, 1);
}

fn text_of_output(o: &Output) -> String {
    text(o)
}

#[tokio::test]
async fn demo_never_writes_sample_data_into_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("real.db").to_string_lossy().to_string();
    seeded(&url).await.close().await;
    let out = treem(&["demo", "--db", &url, "--no-serve", "--children", "10"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("dữ liệu thật"), "{}", text(&out));
    assert_eq!(children_in_register(&url).await, 0);
}

/// Issue 19: in a PostgreSQL database hosting many communes, `TREEM_COMMUNE=<code> treem demo`
/// fills a commune just added (keeping its name), serves it again when run again, and still
/// never writes into a commune with villages of its own.
#[tokio::test]
async fn demo_fills_a_commune_just_added_to_a_database_hosting_many() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    seeded(&url).await.close().await;
    let run = |args: &[&str], commune: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_treem"));
        c.args(args).current_dir(dir.path()).env("RUST_LOG", "warn");
        if let Some(code) = commune {
            c.env("TREEM_COMMUNE", code);
        }
        c.output().unwrap()
    };
    let out = run(
        &[
            "commune", "add", "--db", &url, "--code", "90002", "--name", "Xã Hai",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let demo = ["demo", "--db", &url, "--no-serve", "--children", "20"];
    let out = run(&demo, Some("90002"));
    assert!(out.status.success(), "{}", text(&out));
    let db = Db::open(&url).await.unwrap();
    let added = db.find_commune("90002").await.unwrap();
    let b = db.for_commune(added.id).await.unwrap();
    let count = |db: Db| async move {
        db.search_children(
            &officer(),
            &ChildQuery {
                per_page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total
    };
    assert_eq!(count(b.clone()).await, 20);
    let commune = b.commune().await.unwrap().unwrap();
    assert_eq!((commune.name.as_str(), commune.sample), ("Xã Hai", true));
    let out = run(&demo, Some("90002"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("dùng lại"), "{}", text(&out));
    assert_eq!(count(b).await, 20);
    // The first commune has villages of its own: no sample data there.
    let out = run(&demo, None);
    assert!(!out.status.success());
    assert!(text(&out).contains("dữ liệu thật"), "{}", text(&out));
    assert_eq!(count(db).await, 0);
}

#[tokio::test]
async fn check_reads_the_case_key_from_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("case.key");
    let out = treem(&["case-key", "new", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);
    // Never overwritten: losing a key loses the cases sealed with it.
    assert!(!treem(&["case-key", "new", key.to_str().unwrap()])
        .status
        .success());
    let url = dir.path().join("k.db").to_string_lossy().to_string();
    seeded(&url).await.close().await;
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["check", "--db", &url])
        .env("TREEM_CASE_KEY_FILE", &key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["check", "--db", &url])
        .env("TREEM_CASE_KEY_FILE", dir.path().join("missing.key"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("khóa"), "{}", text(&out));
}

#[tokio::test]
async fn demo_seeds_sealed_case_files_with_its_own_key() {
    use treem_storage::Cases;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = treem(&["demo", "--db", &url, "--no-serve", "--children", "60"]);
    assert!(out.status.success(), "{}", text(&out));
    let key = treem_storage::CaseKey::from_file(std::path::Path::new(&format!("{url}.case.key")))
        .unwrap();
    let db = Db::open(&url).await.unwrap().with_case_key(key);
    let counts: i64 = db.case_counts().await.unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(counts, 5);
    // A handful of steps: received, planning, implementation, closed, after an emergency.
    let states: std::collections::BTreeSet<&str> = db
        .case_counts()
        .await
        .unwrap()
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    for s in [
        "initial_assessment",
        "planning",
        "implementation",
        "closed",
        "specific_assessment",
    ] {
        assert!(states.contains(s), "a demo case in {s}: {states:?}");
    }
    // Every demo case opens and replays (the entries read back from their sealed JSON).
    assert_eq!(db.cases_for_figures().await.unwrap().cases.len(), 5);
    let cases = db.cases(&officer()).await.unwrap();
    assert!(
        cases.iter().any(|c| c.next_due.is_some()),
        "a case shows its next deadline"
    );
    // A second run reuses the database and its key.
    let out = treem(&["demo", "--db", &url, "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out));
    // Without the key, `check` says once what it could not verify of the cases: the cases
    // are checked once, not again with the anchors.
    db.close().await;
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["check", "--db", &url])
        .env_remove("TREEM_CASE_KEY_FILE")
        .output()
        .unwrap();
    assert_eq!(
        text(&out)
            .matches("Chưa kiểm tra được: không có khóa hồ sơ")
            .count(),
        1,
        "{}",
        text(&out)
    );
}

/// TREEM_HOLIDAYS_FILE: the commune's own calendar moves the stored deadlines; a bad file stops
/// the command with its name, before anything is written.
#[tokio::test]
async fn the_commune_calendar_file_moves_the_plan_deadline() {
    use treem_storage::Cases;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[extra]]\ndate = \"ngày mai\"\n").unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["demo", "--db", &url, "--no-serve", "--children", "30"])
        .env("TREEM_HOLIDAYS_FILE", &bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("tệp lịch nghỉ"), "{}", text(&out));
    assert!(text(&out).contains("bad.toml"));

    // Every day of the next fortnight off: the demo's newest case (received yesterday) has
    // its plan due later than with the embedded calendar.
    let plain = dir.path().join("plain.db").to_string_lossy().to_string();
    assert!(
        treem(&["demo", "--db", &plain, "--no-serve", "--children", "30"])
            .status
            .success()
    );
    let mut text_cal = treem_domain::case::calendar::EMBEDDED.to_string();
    let today = treem_storage::today();
    for n in 0..14 {
        let d = today.checked_add(jiff::Span::new().days(n)).unwrap();
        text_cal.push_str(&format!("\n[[extra]]\ndate = {d}\nname = \"Nghỉ (thử)\"\n"));
    }
    let good = dir.path().join("holidays.toml");
    std::fs::write(&good, text_cal).unwrap();
    let own = dir.path().join("own.db").to_string_lossy().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["demo", "--db", &own, "--no-serve", "--children", "30"])
        .env("TREEM_HOLIDAYS_FILE", &good)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let due = |url: String| async move {
        let key_path = format!("{url}.case.key");
        let key = treem_storage::CaseKey::from_file(std::path::Path::new(&key_path)).unwrap();
        let db = Db::open(&url).await.unwrap().with_case_key(key);
        let mut cases = db.cases(&officer()).await.unwrap();
        cases.sort_by_key(|c| c.received_at);
        cases.last().unwrap().next_due.unwrap()
    };
    let (plain_due, own_due) = (due(plain).await, due(own).await);
    assert!(
        own_due.date() > plain_due.date(),
        "{own_due} is not after {plain_due}"
    );
}

/// `plan check` lists every problem of a broken plan in one run and fails for anything that
/// stops `plan load`, which refuses the same file.
#[tokio::test]
async fn plan_check_lists_every_problem_and_fails_where_load_would() {
    let seed = include_str!("../../plans/sinh-phinh-2026.toml");
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        seed.replace(
            "symbol = \"KH-UBND\"",
            "number = \"\"\nsymbol = \"KH-UBND\"",
        )
        .replacen("number = 5\ngoal = 1", "number = \"\"\ngoal = 1", 1),
    )
    .unwrap();
    let out = treem(&["plan", "check", broken.to_str().unwrap()]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("2 lỗi phải sửa"), "{t}");
    assert!(t.contains("trường `document.number`"), "{t}");
    assert!(
        t.contains("mục thứ 5 của `targets`, trường `number`"),
        "{t}"
    );
    // The findings of the readable rest are still shown: target 27's two lead agencies.
    assert!(t.contains("Chỉ tiêu 27 có 2 cơ quan cùng chủ trì"), "{t}");

    // An unknown indicator name is enough to fail the check, as it stops the load.
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(
        &unknown,
        seed.replacen("\"neonatal_mortality\"", "\"no_such_thing\"", 1),
    )
    .unwrap();
    let out = treem(&["plan", "check", unknown.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("source.indicator"), "{}", text(&out));
    let url = dir.path().join("p.db").to_string_lossy().to_string();
    let out = treem(&["plan", "load", unknown.to_str().unwrap(), "--db", &url]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("chưa lưu"), "{}", text(&out));
    let out = treem(&[
        "plan",
        "load",
        concat!(env!("CARGO_MANIFEST_DIR"), "/plans/sinh-phinh-2026.toml"),
        "--db",
        &url,
    ]);
    assert!(out.status.success(), "{}", text(&out));
}

/// Issue 19, item 7: a long command run from a script or a scheduled task (standard error not a
/// terminal) writes plain progress lines — its start, its steps, its end with the time taken —
/// and no terminal drawing (no carriage returns, no escape codes) into the log.
#[tokio::test]
async fn long_commands_write_plain_progress_lines_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("p.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    db.close().await;
    let export = dir.path().join("p.jsonl");
    let bak = dir.path().join("p-backup.db");
    let restored = dir.path().join("r.db").to_string_lossy().to_string();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        format!("{HEADER}\nSùng Thị Sua,,nữ,15/03/2019,,Mông,SP01,,,,,\n"),
    )
    .unwrap();
    let moved = dir.path().join("m.db").to_string_lossy().to_string();
    let runs: [(Vec<&str>, &str, &[&str]); 7] = [
        (
            vec!["import", "children", csv.to_str().unwrap(), "--db", &url],
            "Nhập trẻ",
            &["kiểm tra từng dòng", "ghi vào sổ"],
        ),
        (
            vec!["export", "--db", &url, export.to_str().unwrap()],
            "Xuất",
            &[],
        ),
        (
            vec!["import", "all", export.to_str().unwrap(), "--db", &moved],
            "Nhập",
            &["kiểm tra"],
        ),
        (
            vec!["check", "--db", &url],
            "Kiểm tra",
            &["tính toàn vẹn, chuỗi nhật ký, hồ sơ"],
        ),
        (
            vec!["backup", "--db", &url, bak.to_str().unwrap()],
            "Sao lưu",
            &["chụp cơ sở dữ liệu", "ghi bản sao và đọc lại"],
        ),
        (
            vec!["restore", bak.to_str().unwrap(), "--db", &restored],
            "Khôi phục",
            &["kiểm tra bản sao", "ghi vào cơ sở dữ liệu"],
        ),
        (
            vec!["rebuild-copies", "--db", &url],
            "Dựng lại bản sao cho số liệu",
            &["kiểm tra"],
        ),
    ];
    for (args, what, steps) in runs {
        let out = treem(&args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("{what}: bắt đầu"))),
            "{args:?} says when it starts: {err}"
        );
        for step in steps {
            assert!(
                err.lines().any(|l| l == format!("{what}: {step}")),
                "{args:?} names the step «{step}»: {err}"
            );
        }
        let end = err
            .lines()
            .find(|l| l.starts_with(&format!("{what}: xong (")))
            .unwrap_or_else(|| panic!("{args:?} says when it ends: {err}"));
        assert!(end.ends_with("giây)"), "{end}");
        assert!(
            !err.contains('\r') && !err.contains('\u{1b}'),
            "{args:?}: no terminal drawing in a log: {err:?}"
        );
    }
}
