//! Faults the commune meets: a command killed half-way (power cut, Ctrl-C, kill -9). The long
//! drills (50 clients for a minute, the server killed under load) are scripts, in
//! `scripts/drill-*.sh`, with their figures in docs/operations.md.
use crate::helpers::*;
use std::process::Command;
use std::time::Duration;
use treem_storage::{AuditLog, Db, Register};

fn csv(rows: usize) -> String {
    let mut s = String::from("Họ và tên,Giới tính,Ngày sinh,Dân tộc,Mã thôn\n");
    for i in 0..rows {
        s.push_str(&format!(
            "Sùng Thị Drill {i},nữ,{:02}/{:02}/{},08,SP0{}\n",
            1 + i % 28,
            1 + i % 12,
            2012 + i % 13,
            1 + i % 2
        ));
    }
    s
}

/// `treem import children` killed with SIGKILL at several points of its work: each time the
/// database is whole (`check` clean) and holds all of the file or none of it; an import run to
/// the end afterwards holds all of it once.
#[tokio::test]
async fn an_import_killed_half_way_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("kill.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    db.close().await;
    let rows = 20_000;
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv(rows)).unwrap();
    let before = children_in_register(&url).await;
    let mut outcomes = Vec::new();
    for after_ms in [150u64, 400, 800, 1500, 3000] {
        let mut import = Command::new(env!("CARGO_BIN_EXE_treem"))
            .args(["import", "children", file.to_str().unwrap(), "--db", &url])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(after_ms));
        let finished = import.try_wait().unwrap().is_some();
        // `Child::kill` is SIGKILL on Unix: no chance to clean up, as in a power cut.
        let _ = import.kill();
        let _ = import.wait();
        let db = Db::open(&url).await.unwrap();
        let report = db.check().await.unwrap();
        assert!(
            report.ok(),
            "after a kill at {after_ms} ms: {:?}",
            report.problems
        );
        db.close().await;
        let n = children_in_register(&url).await;
        assert!(
            n == before || n == before + rows as i64,
            "all or nothing after a kill at {after_ms} ms: {before} before, {n} now"
        );
        outcomes.push((after_ms, finished, n - before));
        if n != before {
            break;
        }
    }
    // Whatever the kills left, one import to the end makes the register whole, once.
    let imported = outcomes.last().unwrap().2 > 0;
    if !imported {
        let out = Command::new(env!("CARGO_BIN_EXE_treem"))
            .args(["import", "children", file.to_str().unwrap(), "--db", &url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        children_in_register(&url).await,
        before + rows as i64,
        "{outcomes:?}"
    );
    // At least one kill landed before the end, or the drill proved nothing.
    assert!(
        outcomes
            .iter()
            .any(|(_, finished, added)| !finished && *added == 0),
        "no kill interrupted the import: {outcomes:?}"
    );
}
