//! Backups that leave the machine (sao lưu): encrypted copies with a passphrase or to a public
//! key, the case key only on request, the server's nightly copies and its failures, the home
//! page's warning, the restore drill on a fresh machine, and files created owner-only.
use crate::helpers::*;
use crate::pages::page_login;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use treem_domain::backup::{BackupFailure, BackupRun};
use treem_storage::{Backups, CaseKey, Cases, ChildQuery, Db, Register};

const PASSPHRASE: &str = "trâu ăn cỏ bên suối Sính Phình";

fn treem() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_treem"));
    c.env("RUST_LOG", "warn").env_remove("TREEM_CASE_KEY_FILE");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run treem")
}

/// Runs with `input` on standard input.
fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run treem");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// A case sealed with `key`, whose narrative says "Bị đánh".
async fn open_a_case(db: &Db) -> i64 {
    let at = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime();
    let intake: treem_domain::case::EntryKind = serde_json::from_value(serde_json::json!({
        "kind": "intake", "channel": "phone", "received_at": at.to_string(),
        "category": "abused",
        "child": {"type": "new", "sex": "male", "dob_precision": "unknown", "full_name": "Mùa A Tủa"},
        "place": "Bản", "current_condition": "Bị đánh"
    }))
    .unwrap();
    db.open_case(&officer(), intake, at).await.unwrap()
}

/// A copy made with a passphrase holds nothing readable, opens only with the passphrase, and
/// restores; a wrong passphrase leaves the target untouched. On PostgreSQL the copy is the
/// export, restored here into SQLite.
#[tokio::test]
async fn a_passphrase_sealed_copy_reveals_nothing_and_restores_only_with_the_passphrase() {
    for (label, url, _dir) in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let db = seeded(&url).await;
        db.create_child(&officer(), &child("Giàng Thị Sáng", "SP01"))
            .await
            .unwrap();
        db.close().await;
        let out = dir.path().join("copy.age");
        let short = run_with_stdin(
            treem().args(["backup", "--db", &url, s(&out), "--passphrase-stdin"]),
            "ngắn quá\n",
        );
        assert!(!short.status.success(), "{label}: a short passphrase");
        assert!(
            text(&short).contains("ít nhất 12 ký tự"),
            "{}",
            text(&short)
        );
        assert!(!out.exists());
        let made = run_with_stdin(
            treem().args(["backup", "--db", &url, s(&out), "--passphrase-stdin"]),
            &format!("{PASSPHRASE}\n"),
        );
        assert!(made.status.success(), "{label}: {}", text(&made));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "{label}");
        for plain in [
            &b"SQLite format 3"[..],
            "Giàng Thị Sáng".as_bytes(),
            b"treem-export",
        ] {
            assert!(
                !bytes.windows(plain.len()).any(|w| w == plain),
                "{label}: {:?} in the sealed copy",
                String::from_utf8_lossy(plain)
            );
        }
        // Without the passphrase, or with a wrong one: refused, nothing written.
        let target = dir.path().join("restored.db");
        let none = run(treem().args(["restore", s(&out), "--db", s(&target)]));
        assert!(!none.status.success());
        assert!(
            text(&none).contains("--passphrase-stdin"),
            "{}",
            text(&none)
        );
        let wrong = run_with_stdin(
            treem().args(["restore", s(&out), "--db", s(&target), "--passphrase-stdin"]),
            "một mật khẩu khác hẳn\n",
        );
        assert!(!wrong.status.success(), "{label}");
        assert!(text(&wrong).contains("sai mật khẩu"), "{}", text(&wrong));
        assert!(!target.exists(), "{label}: the target is untouched");
        let ok = run_with_stdin(
            treem().args(["restore", s(&out), "--db", s(&target), "--passphrase-stdin"]),
            &format!("{PASSPHRASE}\n"),
        );
        assert!(ok.status.success(), "{label}: {}", text(&ok));
        assert_eq!(children_in_register(s(&target)).await, 1, "{label}");
        let check = run(treem().args(["check", "--db", s(&target)]));
        assert!(check.status.success(), "{label}: {}", text(&check));
    }
}

/// A copy sealed to a public key opens only with its private key; the case key travels in it
/// only when asked (and never in an unencrypted copy), and restore puts it back owner-only.
#[tokio::test]
async fn the_case_key_travels_only_on_request_sealed_with_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let url = s(&p("live.db")).to_string();
    let case_key = p("case.key");
    assert!(run(treem().args(["case-key", "new", s(&case_key)]))
        .status
        .success());
    let db = seeded(&url)
        .await
        .with_case_key(CaseKey::from_file(&case_key).unwrap());
    open_a_case(&db).await;
    db.close().await;
    let made = run(treem().args(["backup-key", "new", s(&p("backup.key"))]));
    assert!(made.status.success(), "{}", text(&made));
    let public = std::fs::read_to_string(p("backup.key.pub")).unwrap();
    assert!(
        text(&made).contains(public.trim()),
        "the public key is printed"
    );
    // The private key is refused where a public key belongs.
    let wrong_half = run(treem()
        .args(["backup", "--db", &url, s(&p("x.age")), "--recipient"])
        .arg(p("backup.key")));
    assert!(!wrong_half.status.success());
    assert!(
        text(&wrong_half).contains("khóa bí mật"),
        "{}",
        text(&wrong_half)
    );

    let without = p("without-key.age");
    let out = run(treem()
        .args([
            "backup",
            "--db",
            &url,
            s(&without),
            "--recipient",
            public.trim(),
        ])
        .env("TREEM_CASE_KEY_FILE", &case_key));
    assert!(out.status.success(), "{}", text(&out));
    let with = p("with-key.age");
    let out = run(treem()
        .args([
            "backup",
            "--db",
            &url,
            s(&with),
            "--include-case-key",
            "--recipient",
        ])
        .arg(p("backup.key.pub"))
        .env("TREEM_CASE_KEY_FILE", &case_key));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("kèm khóa hồ sơ"), "{}", text(&out));
    let key_hex = std::fs::read_to_string(&case_key).unwrap();
    for f in [&without, &with] {
        let bytes = std::fs::read(f).unwrap();
        assert!(!bytes
            .windows(key_hex.trim().len())
            .any(|w| w == key_hex.trim().as_bytes()));
    }
    // An unencrypted copy never carries the key.
    let plain = run(treem()
        .args([
            "backup",
            "--db",
            &url,
            s(&p("plain.db")),
            "--include-case-key",
        ])
        .env("TREEM_CASE_KEY_FILE", &case_key));
    assert!(!plain.status.success());
    assert!(text(&plain).contains("đã mã hóa"), "{}", text(&plain));
    assert!(!p("plain.db").exists());

    // Another key pair does not open it.
    assert!(run(treem().args(["backup-key", "new", s(&p("other.key"))]))
        .status
        .success());
    let other = run(treem().args([
        "restore",
        s(&with),
        "--db",
        s(&p("r0.db")),
        "--identity",
        s(&p("other.key")),
    ]));
    assert!(!other.status.success());
    assert!(text(&other).contains("sai khóa"), "{}", text(&other));

    // The copy made without the key cannot give it back: refused before anything is touched.
    let r1 = p("r1.db");
    let out = run(treem().args([
        "restore",
        s(&without),
        "--db",
        s(&r1),
        "--identity",
        s(&p("backup.key")),
        "--case-key-out",
        s(&p("r1.key")),
    ]));
    assert!(!out.status.success());
    assert!(
        text(&out).contains("không mang khóa hồ sơ"),
        "{}",
        text(&out)
    );
    assert!(!r1.exists() && !p("r1.key").exists());

    let r2 = p("r2.db");
    let out = run(treem().args([
        "restore",
        s(&with),
        "--db",
        s(&r2),
        "--identity",
        s(&p("backup.key")),
        "--case-key-out",
        s(&p("r2.key")),
    ]));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(p("r2.key")).unwrap().trim(),
        key_hex.trim()
    );
    #[cfg(unix)]
    assert_eq!(mode(&p("r2.key")), 0o600);
}

/// Tampering makes the database fail its check: `treem backup` then writes no copy and says
/// so, and the attempt is recorded as failed for the home page.
#[tokio::test]
async fn a_database_that_fails_its_check_is_not_copied_and_the_failure_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let url = s(&dir.path().join("live.db")).to_string();
    let db = seeded(&url).await;
    db.raw_execute("DROP TRIGGER audit_log_no_update")
        .await
        .unwrap();
    db.raw_execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
        .await
        .unwrap();
    db.close().await;
    let out = dir.path().join("copy.age");
    let made = run_with_stdin(
        treem().args(["backup", "--db", &url, s(&out), "--passphrase-stdin"]),
        PASSPHRASE,
    );
    assert!(!made.status.success());
    assert!(
        text(&made).contains("cơ sở dữ liệu đang có"),
        "{}",
        text(&made)
    );
    assert!(!out.exists() && !dir.path().join("copy.age.partial").exists());
    let db = Db::open(&url).await.unwrap();
    let status = db.backup_status(&officer()).await.unwrap();
    let attempt = status.last_attempt.expect("the attempt is recorded");
    assert!(!attempt.ok);
    assert_eq!(attempt.failure, Some(BackupFailure::CheckFailed));
    assert_eq!(status.last_good, None);
}

fn backup_run(
    age_hours: i64,
    ok: bool,
    failure: Option<BackupFailure>,
    message: &str,
) -> BackupRun {
    BackupRun {
        at: jiff::Timestamp::now() - jiff::SignedDuration::from_hours(age_hours),
        file: "/media/usb/treem/treem-2026-12-01-020000.db.age".into(),
        bytes: 1000,
        ok,
        scheduled: true,
        encrypted: true,
        failure,
        message: message.into(),
    }
}

/// The home page tells the officer and the administrator when no copy was ever made, when the
/// last good one is older than two days, or when the last attempt failed; not with a fresh one,
/// and never a role that does not look after backups.
#[tokio::test]
async fn the_home_page_warns_about_missing_old_or_failed_backups() {
    let app = spawn_app().await;
    let officer = page_login(&app, "officer", "password-officer").await;
    let admin = page_login(&app, "admin", "password-admin").await;
    let leader = page_login(&app, "leader", "password-leader").await;
    let home = async |p: &crate::pages::Page| p.get(&app, "/").await.text().await.unwrap();
    let warning = |html: &str| -> Option<String> {
        let i = html.find("id=\"backup-warning\"")?;
        let rest = &html[i..];
        Some(rest[..rest.find("</section>").unwrap()].to_string())
    };

    // None ever made.
    let page = home(&officer).await;
    let w = warning(&page).expect("a warning with no copy at all");
    assert!(w.contains("Chưa có bản sao lưu nào"), "{w}");
    assert!(w.contains("Việc cần làm"), "{w}");
    assert!(warning(&home(&admin).await).is_some());
    assert!(
        warning(&home(&leader).await).is_none(),
        "the leader is not told"
    );

    // A fresh good copy: no warning.
    let fresh = backup_run(3, true, None, "đã kiểm tra");
    app.db.record_backup(&fresh).await.unwrap();
    assert_eq!(warning(&home(&officer).await), None);
    assert_eq!(warning(&home(&admin).await), None);

    // Three days old.
    app.db
        .record_backup(&backup_run(72, true, None, "đã kiểm tra"))
        .await
        .unwrap();
    let w = warning(&home(&officer).await).expect("an old copy");
    assert!(w.contains("đã cũ 3 ngày"), "{w}");
    assert!(w.contains("treem-2026-12-01-020000.db.age"), "{w}");

    // A fresh copy, then a failed attempt: the failure and what to do.
    app.db.record_backup(&fresh).await.unwrap();
    app.db
        .record_backup(&backup_run(
            0,
            false,
            Some(BackupFailure::FolderMissing),
            "không có thư mục: /media/usb/treem",
        ))
        .await
        .unwrap();
    let w = warning(&home(&officer).await).expect("a failed attempt");
    assert!(w.contains("không thành công"), "{w}");
    assert!(w.contains("không có thư mục: /media/usb/treem"), "{w}");
    assert!(w.contains("cắm ổ USB"), "{w}");
    assert!(w.contains("Bản sao tốt gần nhất"), "{w}");
}

/// `treem serve` running with a copy folder; its address and the child process.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(url: &str, args: &[&str], envs: &[(&str, &Path)]) -> Server {
    let mut cmd = treem();
    cmd.args(["serve", "--db", url, "--listen", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "info,sqlx=error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start treem serve");
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("treem đang chạy: ") {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr.to_string());
                }
            }
        }
    });
    let base = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the server says where it listens");
    Server { child, base }
}

/// Waits (boundedly) for something the server does in the background.
async fn eventually<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..1200 {
        if let Some(v) = f().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

fn copies_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".db.age"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The server told to copy into a folder that is not there (the USB stick is out) keeps
/// serving and records why; it never creates the folder.
#[tokio::test]
async fn a_missing_backup_folder_is_recorded_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let url = s(&dir.path().join("live.db")).to_string();
    seeded(&url).await.close().await;
    let missing = dir.path().join("usb").join("treem");
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, PASSPHRASE).unwrap();
    let server = serve(
        &url,
        &[
            "--backup-dir",
            s(&missing),
            "--backup-passphrase-file",
            s(&pass),
        ],
        &[],
    );
    let db = Db::connect(&url).await.unwrap();
    let attempt = eventually("a recorded attempt", async || {
        db.backup_status(&officer()).await.unwrap().last_attempt
    })
    .await;
    assert!(!attempt.ok);
    assert_eq!(attempt.failure, Some(BackupFailure::FolderMissing));
    assert!(attempt.message.contains(s(&missing)), "{}", attempt.message);
    assert!(!missing.exists(), "the folder is never created");
    let health = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    // Settings that would copy without encryption are refused before serving.
    let plain = run(treem().args([
        "serve",
        "--db",
        &url,
        "--listen",
        "127.0.0.1:0",
        "--backup-dir",
        s(dir.path()),
    ]));
    assert!(!plain.status.success());
    assert!(
        text(&plain).contains("phải được mã hóa"),
        "{}",
        text(&plain)
    );
}

/// The drill (diễn tập khôi phục): the server makes its copy at start-up (none was there),
/// sealed to the commune's public key with the case key inside; a fresh machine — a new folder
/// with only the binary, the newest copy and the private key, and no settings — restores it,
/// `treem check` passes, and the children and the case read back.
#[tokio::test]
async fn drill_the_newest_nightly_copy_restores_on_a_fresh_machine() {
    let office = tempfile::tempdir().unwrap();
    let p = |n: &str| office.path().join(n);
    let url = s(&p("treem.db")).to_string();
    let case_key = p("case.key");
    assert!(run(treem().args(["case-key", "new", s(&case_key)]))
        .status
        .success());
    assert!(
        run(treem().args(["backup-key", "new", s(&p("backup.key"))]))
            .status
            .success()
    );
    let db = seeded(&url)
        .await
        .with_case_key(CaseKey::from_file(&case_key).unwrap());
    for name in ["Giàng A Páo", "Sùng Thị Sua", "Lò Văn Ân"] {
        db.create_child(&officer(), &child(name, "SP01"))
            .await
            .unwrap();
    }
    let case_id = open_a_case(&db).await;
    db.close().await;
    let usb = p("usb");
    std::fs::create_dir(&usb).unwrap();
    let server = serve(
        &url,
        &[
            "--backup-dir",
            s(&usb),
            "--backup-recipient",
            s(&p("backup.key.pub")),
            "--backup-include-case-key",
        ],
        &[("TREEM_CASE_KEY_FILE", &case_key)],
    );
    let status_db = Db::connect(&url).await.unwrap();
    let good = eventually("a good copy at start-up", async || {
        status_db.backup_status(&officer()).await.unwrap().last_good
    })
    .await;
    drop(server);
    assert!(good.scheduled && good.encrypted, "{good:?}");
    let newest = copies_in(&usb).pop().expect("a copy in the folder");
    assert_eq!(good.file, s(&newest));
    #[cfg(unix)]
    assert_eq!(mode(&newest), 0o600);

    // The fresh machine.
    let fresh = tempfile::tempdir().unwrap();
    let f = |n: &str| fresh.path().join(n);
    std::fs::copy(env!("CARGO_BIN_EXE_treem"), f("treem")).unwrap();
    std::fs::copy(&newest, f("copy.db.age")).unwrap();
    std::fs::copy(p("backup.key"), f("backup.key")).unwrap();
    let bare = |args: &[&str]| {
        let mut c = Command::new(f("treem"));
        c.args(args).current_dir(fresh.path()).env_clear();
        c
    };
    let out = run(&mut bare(&[
        "restore",
        "copy.db.age",
        "--db",
        "treem.db",
        "--identity",
        "backup.key",
        "--case-key-out",
        "case.key",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(bare(&["check", "--db", "treem.db"]).env("TREEM_CASE_KEY_FILE", "case.key"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("3 trẻ") && text(&out).contains("Kiểm tra: tốt."));
    let restored = Db::open(s(&f("treem.db")))
        .await
        .unwrap()
        .with_case_key(CaseKey::from_file(f("case.key")).unwrap());
    let names: Vec<String> = restored
        .search_children(
            &officer(),
            &ChildQuery {
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.full_name)
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().any(|n| n == "Sùng Thị Sua"), "{names:?}");
    let case = restored.case_file(&officer(), case_id).await.unwrap();
    assert!(
        format!("{case:?}").contains("Bị đánh"),
        "the narrative reads back"
    );
}

/// Files holding personal data are owner-only (0600) whatever the umask: the database and its
/// `-wal`/`-shm` made by the storage itself, and everything the binary writes.
#[cfg(unix)]
#[tokio::test]
async fn files_with_personal_data_are_created_owner_only() {
    // The usual umask, which alone would give 0644.
    // SAFETY: umask(2) only sets the process's file-creation mask.
    unsafe {
        libc::umask(0o022);
    }
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let url = s(&p("live.db")).to_string();
    let db = seeded(&url).await;
    db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    for f in ["live.db", "live.db-wal", "live.db-shm"] {
        assert_eq!(mode(&p(f)), 0o600, "{f}");
    }
    // A database made before this, world-readable, is narrowed when next opened by treem.
    db.close().await;
    use std::os::unix::fs::PermissionsExt;
    for f in ["live.db", "live.db-wal", "live.db-shm"] {
        if p(f).exists() {
            std::fs::set_permissions(p(f), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let out = run(treem().args(["migrate", "--db", &url]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args(["backup", "--db", &url, s(&p("plain.db"))]));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(mode(&p("live.db")), 0o600);
    let out = run_with_stdin(
        treem().args([
            "backup",
            "--db",
            &url,
            s(&p("sealed.age")),
            "--passphrase-stdin",
        ]),
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args(["export", "--db", &url, s(&p("export.jsonl"))]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args(["case-key", "new", s(&p("case.key"))]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args(["backup-key", "new", s(&p("backup.key"))]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args(["restore", s(&p("plain.db")), "--db", s(&p("restored.db"))]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(treem().args([
        "demo",
        "--db",
        s(&p("demo.db")),
        "--no-serve",
        "--children",
        "20",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    for f in [
        "plain.db",
        "sealed.age",
        "export.jsonl",
        "case.key",
        "backup.key",
        "backup.key.pub",
        "restored.db",
        "demo.db",
        "demo.db.case.key",
    ] {
        assert_eq!(mode(&p(f)), 0o600, "{f}");
    }
    // Nothing else was left beside them (no scratch or partial files).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial") || n.ends_with(".restoring"))
        .collect();
    names.sort();
    assert!(names.is_empty(), "{names:?}");
}
