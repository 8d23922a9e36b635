//! serve, migrate, user, export/import, backup/restore, check.
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use treem_storage::{Accounts, Actor, AuditLog, Db, NewUser, Role};

pub async fn open(url: &str) -> Result<Db> {
    let db = Db::open(url)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {url}"))?;
    let db = with_calendar(with_case_key(db)?)?;
    // Case rows migrated (or imported) without the key get their summary sealed now.
    let sealed = db
        .seal_pending_cases()
        .await
        .context("không niêm phong được tóm tắt hồ sơ")?;
    if sealed > 0 {
        eprintln!("Đã niêm phong phần tóm tắt của {sealed} hồ sơ (lần đầu khởi động với khóa hồ sơ sau khi nâng cấp).");
    }
    Ok(db)
}

/// The commune's own working-day calendar (a copy of the embedded `holidays.toml` with its
/// `[[extra]]` days off), when TREEM_HOLIDAYS_FILE names one.
pub fn with_calendar(db: Db) -> Result<Db> {
    match std::env::var("TREEM_HOLIDAYS_FILE") {
        Ok(path) if !path.is_empty() => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("không đọc được tệp lịch nghỉ {path}"))?;
            let cal = treem_domain::case::WorkingCalendar::from_toml(&text)
                .with_context(|| format!("tệp lịch nghỉ {path}"))?;
            Ok(db.with_calendar(cal))
        }
        _ => Ok(db),
    }
}

/// Case narratives are sealed with a key kept outside the database (TREEM_CASE_KEY_FILE).
fn with_case_key(db: Db) -> Result<Db> {
    match std::env::var("TREEM_CASE_KEY_FILE") {
        Ok(path) if !path.is_empty() => {
            let key = treem_storage::CaseKey::from_file(std::path::Path::new(&path))
                .with_context(|| format!("không đọc được khóa hồ sơ {path}"))?;
            Ok(db.with_case_key(key))
        }
        _ => Ok(db),
    }
}

/// `treem case-key new FILE`: a new random key, written with owner-only permissions.
pub fn new_case_key(path: &Path) -> Result<i32> {
    treem_storage::CaseKey::generate_file(path)?;
    println!(
        "Đã tạo khóa mã hóa hồ sơ {}. Đặt TREEM_CASE_KEY_FILE={} và cất một bản sao ở nơi an toàn: mất khóa là mất hồ sơ.",
        path.display(),
        path.display()
    );
    Ok(0)
}

pub async fn serve(url: &str, listen: &str) -> Result<i32> {
    let db = open(url).await?;
    serve_db(db, listen).await
}

pub async fn serve_db(db: Db, listen: &str) -> Result<i32> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("không mở được cổng {listen}"))?;
    eprintln!("treem đang chạy: http://{}", listener.local_addr()?);
    treem_web::serve(treem_web::AppState::new(Arc::new(db)), listener).await?;
    Ok(0)
}

pub async fn migrate(url: &str) -> Result<i32> {
    let db = Db::connect(url).await?;
    let applied = db.migrate().await?;
    if applied.is_empty() {
        println!(
            "Lược đồ đã mới nhất (phiên bản {}).",
            db.schema_version().await?
        );
    } else {
        println!("Đã áp dụng các bản cập nhật lược đồ: {applied:?}");
    }
    Ok(0)
}

/// The command line acts with the administrator's rights for account management, as the
/// operator at the machine (user id 0): the accounts it makes are active at once, which is how
/// the first leader is made, and it may confirm what waits for a leader.
fn cli_admin() -> Actor {
    Actor {
        user_id: 0,
        username: "cli".into(),
        role: Role::Admin,
        village_id: None,
    }
}

pub async fn user_add(
    url: &str,
    username: &str,
    role: &str,
    village: Option<String>,
) -> Result<i32> {
    let role: Role = role.parse().map_err(anyhow::Error::msg)?;
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let db = open(url).await?;
    let user = db
        .create_user(
            &cli_admin(),
            &NewUser {
                username: username.into(),
                password,
                role,
                village,
                must_change_password: true,
            },
        )
        .await?;
    println!(
        "Đã tạo tài khoản {} ({}); người dùng phải đổi mật khẩu khi đăng nhập lần đầu.",
        user.username,
        user.role.label_vi()
    );
    Ok(0)
}

/// `treem user confirm`: the operator at the machine confirms (or refuses) what waits for the
/// leader on an account — for the first leader made by the administrator, or when no leader
/// can. The operator can open the database file anyway.
pub async fn user_confirm(url: &str, username: &str, refuse: bool) -> Result<i32> {
    let db = open(url).await?;
    let name =
        treem_storage::LoginName::parse(username).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
    let pending = db.pending_accounts(&cli_admin()).await?;
    let Some(p) = pending
        .iter()
        .find(|p| p.user.username.to_lowercase() == name.as_str())
    else {
        bail!("tài khoản {username} không có thay đổi nào chờ xác nhận");
    };
    let change = p.user.pending.map(|c| c.label_vi()).unwrap_or_default();
    if refuse {
        db.confirm_account(&cli_admin(), p.user.id, treem_storage::Decision::Refuse)
            .await?;
        println!(
            "Đã từ chối ({change}); tài khoản {} bị khóa.",
            p.user.username
        );
        return Ok(0);
    }
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    db.confirm_account(
        &cli_admin(),
        p.user.id,
        treem_storage::Decision::Confirm {
            temporary_password: &password,
        },
    )
    .await?;
    println!(
        "Đã xác nhận ({change}) tài khoản {} ({}); giao mật khẩu tạm cho người dùng, họ phải đổi khi đăng nhập lần đầu.",
        p.user.username,
        p.user.role.label_vi()
    );
    Ok(0)
}

pub async fn export(url: &str, out: &Path) -> Result<i32> {
    let db = open(url).await?;
    let tmp = out.with_extension("partial");
    let file = std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let pb = super::progress(None, "Xuất");
    let n = db.export(&mut w, &|n| pb.set_position(n)).await?;
    w.into_inner()?.sync_all()?;
    std::fs::rename(&tmp, out)?;
    pb.finish_and_clear();
    println!(
        "Đã xuất {n} dòng vào {} (có dữ liệu cá nhân: giữ kín).",
        out.display()
    );
    // The export wrote its own entry after the file: the database's head is now that entry.
    print_head(&db.chain_head().await?);
    Ok(0)
}

/// The chain's head, to be written down (the paper register, the week's report): a later
/// `treem check --expect-head` compares the database with it.
fn print_head(head: &treem_storage::ChainHead) {
    println!(
        "Đầu chuỗi nhật ký: {} — ghi vào sổ; đối chiếu sau bằng: treem check --expect-head {}",
        head.short(),
        head.short()
    );
}

/// Beside a backup, its chain head as a small text file (`OUT.head`): nothing personal, so it
/// can be printed, filed or sent on its own, and checked against the copy after a restore.
fn write_head_file(out: &Path, head: &treem_storage::ChainHead) -> Result<std::path::PathBuf> {
    let mut name = out.as_os_str().to_owned();
    name.push(".head");
    let path = std::path::PathBuf::from(name);
    let text = format!(
        "Bản sao lưu: {}\nLúc: {}\nĐầu chuỗi nhật ký: {}\nGhi vào sổ: {}\nKiểm tra bản đã khôi phục: treem check --db ĐƯỜNG-DẪN --expect-head {}\n",
        out.display(),
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        head,
        head.short(),
        head.short()
    );
    std::fs::write(&path, text).with_context(|| format!("{}", path.display()))?;
    Ok(path)
}

pub async fn import_all(input: &Path, url: &str) -> Result<i32> {
    let db = open(url).await?;
    let file = std::fs::File::open(input).with_context(|| format!("{}", input.display()))?;
    let mut r = std::io::BufReader::new(file);
    let pb = super::progress(None, "Nhập");
    let n = db.import_all(&mut r, &|n| pb.set_position(n)).await?;
    pb.finish_and_clear();
    // An export from before schema 8 brings case rows without a sealed summary.
    db.seal_pending_cases().await?;
    let report = db.check().await?;
    if !report.ok() {
        for p in &report.problems {
            eprintln!("- {p}");
        }
        bail!("đã nhập {n} dòng nhưng kiểm tra thấy lỗi");
    }
    println!("Đã nhập {n} dòng; kiểm tra: tốt.");
    print_head(&report.head);
    Ok(0)
}

pub async fn backup(url: &str, out: &Path) -> Result<i32> {
    let db = open(url).await?;
    db.backup(out).await?;
    println!("Đã sao lưu vào {}.", out.display());
    // The head as the copy holds it (read back from the file written).
    let head = treem_storage::copy_head(out).await?;
    let file = write_head_file(out, &head)?;
    print_head(&head);
    println!("Đầu chuỗi của bản sao lưu cũng ghi ở {}.", file.display());
    Ok(0)
}

fn is_sqlite_file(p: &Path) -> Result<bool> {
    let mut f = std::fs::File::open(p).with_context(|| format!("{}", p.display()))?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    Ok(n == 16 && &head == b"SQLite format 3\0")
}

/// Verifies the backup first; only a sound backup replaces anything.
pub async fn restore(input: &Path, url: &str) -> Result<i32> {
    if is_sqlite_file(input)? {
        // Check a consistent copy (SQLite reads any write-ahead log beside the file), so
        // that what is checked is exactly what is restored.
        let dir = tempfile_dir()?;
        let copy = dir.join("verify.db");
        let source = Db::connect(&input.to_string_lossy()).await?;
        source.backup(&copy).await?;
        source.close().await;
        let b = Db::connect(&copy.to_string_lossy()).await?;
        let report = b.check().await?;
        let version = b.schema_version().await?;
        b.close().await;
        if !report.ok() {
            for p in &report.problems {
                eprintln!("- {p}");
            }
            bail!("bản sao lưu không toàn vẹn; không khôi phục");
        }
        if version > treem_storage::SCHEMA_VERSION {
            bail!("bản sao lưu có lược đồ mới hơn chương trình này");
        }
        let (is_sqlite_target, target) = sqlite_target(url);
        if is_sqlite_target {
            let tmp = format!("{target}.restoring");
            std::fs::copy(&copy, &tmp)?;
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{target}{ext}"));
            }
            std::fs::rename(&tmp, &target)?;
        } else {
            let b = Db::connect(&copy.to_string_lossy()).await?;
            let mut buf = Vec::new();
            b.export(&mut buf, &|_| {}).await?;
            let db = open(url).await?;
            db.import_all(&mut std::io::Cursor::new(buf), &|_| {})
                .await?;
        }
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "Đã kiểm tra và khôi phục từ {} ({} trẻ).",
            input.display(),
            report.children
        );
        Ok(0)
    } else {
        // An export (PostgreSQL backups): read it into a scratch database and check it there
        // first; only a sound export is then read into the target.
        let dir = tempfile_dir()?;
        let scratch = dir.join("verify.db");
        let probe = Db::open(&scratch.to_string_lossy()).await?;
        let file = std::fs::File::open(input).with_context(|| format!("{}", input.display()))?;
        let loaded = probe
            .import_all(&mut std::io::BufReader::new(file), &|_| {})
            .await;
        let report = match loaded {
            Ok(_) => probe.check().await?,
            Err(e) => {
                probe.close().await;
                let _ = std::fs::remove_dir_all(&dir);
                bail!("bản sao lưu không đọc được: {e}; không khôi phục");
            }
        };
        probe.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        if !report.ok() {
            for p in &report.problems {
                eprintln!("- {p}");
            }
            bail!("bản sao lưu không toàn vẹn; không khôi phục");
        }
        import_all(input, url).await
    }
}

fn sqlite_target(url: &str) -> (bool, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (false, String::new());
    }
    let p = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    (true, p.split('?').next().unwrap_or(p).to_string())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("treem-restore-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub async fn check(url: &str, expect_head: &[String]) -> Result<i32> {
    let anchors = expect_head
        .iter()
        .map(|a| {
            a.parse::<treem_storage::ChainHead>()
                .map_err(|e| anyhow::anyhow!("--expect-head {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    // Checking never creates or changes anything: a mistyped path is an error, not a new file.
    let (is_sqlite, path) = sqlite_target(url);
    if is_sqlite && !std::path::Path::new(&path).exists() {
        bail!("không có tệp cơ sở dữ liệu {path}");
    }
    let url = if is_sqlite {
        format!("sqlite://{path}?mode=rw")
    } else {
        url.to_string()
    };
    let db = with_case_key(Db::connect(&url).await?)?;
    let version = db.schema_version().await?;
    let report = db.check_expecting(&anchors).await?;
    treem_storage::profile::report();
    println!(
        "Lược đồ phiên bản {version}; {} trẻ; {} mục nhật ký.",
        report.children, report.audit_entries
    );
    for a in &anchors {
        println!("Đối chiếu với đầu chuỗi đã ghi: {}", a.short());
    }
    for u in &report.unverified {
        println!("Chưa kiểm tra được: {u}");
    }
    if report.ok() {
        if report.unverified.is_empty() {
            println!("Kiểm tra: tốt.");
        } else {
            println!("Kiểm tra: không thấy lỗi trong phần kiểm tra được (xem «chưa kiểm tra được» ở trên).");
        }
        print_head(&report.head);
        Ok(0)
    } else {
        for p in &report.problems {
            println!("- {p}");
        }
        println!("Kiểm tra: có {} lỗi.", report.problems.len());
        // Not an anchor to write down: the chain it ends is in doubt.
        println!(
            "Đầu chuỗi nhật ký hiện tại: {} (đừng ghi vào sổ khi kiểm tra có lỗi).",
            report.head.short()
        );
        Ok(2)
    }
}

pub async fn rebuild_copies(url: &str) -> Result<i32> {
    let db = open(url).await?;
    db.rebuild_copies().await?;
    let report = db.check().await?;
    if report.ok() {
        println!("Đã dựng lại bản sao cho số liệu; kiểm tra: tốt.");
        Ok(0)
    } else {
        for p in &report.problems {
            println!("- {p}");
        }
        println!(
            "Đã dựng lại bản sao cho số liệu; kiểm tra: có {} lỗi.",
            report.problems.len()
        );
        Ok(2)
    }
}
