//! Opening a database (with the case key and the commune's calendar), serving it, migrate,
//! user, export/import, check.
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use treem_storage::{Accounts, Actor, AuditLog, Db, NewUser, Role};

pub async fn open(url: &str) -> Result<Db> {
    let db = open_all(url).await?;
    let db = scoped(db, crate::settings::settings().commune.as_deref()).await?;
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

/// The database migrated, as its first commune (the list of communes is read from any).
pub async fn open_all(url: &str) -> Result<Db> {
    restrict_database_files(url);
    Db::open(url)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {url}"))
}

/// A database made before treem created its files owner-only may still be readable by every
/// account on the PC: take that away (the database, its `-wal` and `-shm`).
fn restrict_database_files(url: &str) {
    let (is_sqlite, path) = sqlite_target(url);
    if !is_sqlite {
        return;
    }
    for p in [path.clone(), format!("{path}-wal"), format!("{path}-shm")] {
        match treem_storage::files::restrict_path(Path::new(&p)) {
            Ok(true) => {
                tracing::warn!("{p}: đã bỏ quyền đọc của người dùng khác (chỉ chủ tệp được đọc)")
            }
            Ok(false) => {}
            Err(e) => tracing::warn!("{p}: không thu hẹp được quyền đọc: {e}"),
        }
    }
}

/// The commune's own working-day calendar (a copy of the embedded `holidays.toml` with its
/// `[[extra]]` days off), when TREEM_HOLIDAYS_FILE names one.
pub fn with_calendar(db: Db) -> Result<Db> {
    match &crate::settings::settings().holidays_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("không đọc được tệp lịch nghỉ {}", path.display()))?;
            let cal = treem_domain::case::WorkingCalendar::from_toml(&text)
                .with_context(|| format!("tệp lịch nghỉ {}", path.display()))?;
            Ok(db.with_calendar(cal))
        }
        None => Ok(db),
    }
}

/// Case narratives are sealed with a key kept outside the database (TREEM_CASE_KEY_FILE).
fn with_case_key(db: Db) -> Result<Db> {
    Ok(match env_case_key()? {
        Some(key) => db.with_case_key(key),
        None => db,
    })
}

/// The file TREEM_CASE_KEY_FILE names, if it is set.
pub fn case_key_path() -> Option<std::path::PathBuf> {
    crate::settings::settings().case_key_file.clone()
}

/// The key in TREEM_CASE_KEY_FILE, if it is set.
pub fn env_case_key() -> Result<Option<treem_storage::CaseKey>> {
    match case_key_path() {
        Some(path) => Ok(Some(
            treem_storage::CaseKey::from_file(&path)
                .with_context(|| format!("không đọc được khóa hồ sơ {}", path.display()))?,
        )),
        None => Ok(None),
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

/// Serves `db`; report packages are signed with `commune_key` when given.
pub async fn serve_db(
    db: Db,
    listen: &str,
    commune_key: Option<treem_domain::report::package::CommuneKey>,
) -> Result<i32> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("không mở được cổng {listen}"))?;
    eprintln!("treem đang chạy: http://{}", listener.local_addr()?);
    let hosted: Vec<_> = db
        .hosted_communes()
        .await?
        .into_iter()
        .filter_map(|c| c.host.map(|h| (c.id, h)))
        .collect();
    // A database whose communes have web addresses serves each at its own; otherwise it is one
    // commune's, served at any address as always.
    if !hosted.is_empty() && crate::settings::settings().commune.is_none() {
        let apps = hosted_apps(&db, hosted).await?;
        treem_web::hosted::serve_hosted(apps, listener).await?;
        return Ok(0);
    }
    let mut state =
        treem_web::AppState::with_settings(Arc::new(db), &crate::settings::settings().web());
    if let Some(key) = commune_key {
        state = state.with_commune_key(key);
    }
    treem_web::serve(state, listener).await?;
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
    (full_name, position): (&str, &str),
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
                full_name: full_name.into(),
                position: position.into(),
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

/// `treem user signer`: sets an account's full name and position (họ và tên, chức vụ).
pub async fn user_signer(
    url: &str,
    username: &str,
    full_name: &str,
    position: &str,
) -> Result<i32> {
    let db = open(url).await?;
    let name =
        treem_storage::LoginName::parse(username).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
    let users = db.users(&cli_admin()).await?;
    let Some(u) = users
        .iter()
        .find(|u| u.username.to_lowercase() == name.as_str())
    else {
        bail!("không có tài khoản {username}");
    };
    let u = db
        .set_signer(&cli_admin(), u.id, full_name, position)
        .await?;
    println!(
        "Tài khoản {} ký tên: {}, {}.",
        u.username, u.full_name, u.position
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
    let file =
        treem_storage::files::create_private(&tmp).with_context(|| format!("{}", tmp.display()))?;
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
pub(crate) fn print_head(head: &treem_storage::ChainHead) {
    println!(
        "Đầu chuỗi nhật ký: {} — ghi vào sổ; đối chiếu sau bằng: treem check --expect-head {}",
        head.short(),
        head.short()
    );
}

/// Beside a backup, its chain head as a small text file (`OUT.head`): nothing personal, so it
/// can be printed, filed or sent on its own, and checked against the copy after a restore.
pub(crate) fn write_head_file(
    out: &Path,
    head: &treem_storage::ChainHead,
) -> Result<std::path::PathBuf> {
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
    // An export from before schema 8 brings case rows without a sealed summary.
    pb.step("niêm phong hồ sơ cũ");
    db.seal_pending_cases().await?;
    pb.step("kiểm tra");
    let report = db.check().await?;
    pb.finish_and_clear();
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

pub fn sqlite_target(url: &str) -> (bool, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (false, String::new());
    }
    let p = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    (true, p.split('?').next().unwrap_or(p).to_string())
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
    let pb = super::progress(None, "Kiểm tra");
    pb.step("tính toàn vẹn, chuỗi nhật ký, hồ sơ");
    let report = db.check_expecting(&anchors).await?;
    pb.finish_and_clear();
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
    let pb = super::progress(None, "Dựng lại bản sao cho số liệu");
    db.rebuild_copies().await?;
    pb.step("kiểm tra");
    let report = db.check().await?;
    pb.finish_and_clear();
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

/// One application per hosted commune with a web address; the seat (the database's first
/// commune) also sees every hosted commune's figures now, for the province's provisional table.
async fn hosted_apps(
    db: &Db,
    hosted: Vec<(treem_storage::CommuneId, String)>,
) -> Result<Vec<(String, treem_web::AppState)>> {
    let web = crate::settings::settings().web();
    let mut every = Vec::new();
    let mut live = Vec::new();
    for c in db.hosted_communes().await? {
        let code = c.code.unwrap_or_else(|| c.id.to_string());
        let name = c.name.unwrap_or_default();
        live.push(treem_web::province_live::LiveCommune::open(
            code,
            name,
            db.clone(),
            c.id,
        ));
        let scoped = db.for_commune(c.id).await?;
        every.push((
            c.id,
            treem_web::AppState::with_settings(Arc::new(scoped), &web),
        ));
    }
    let mut apps = Vec::new();
    for (id, host) in hosted {
        let Some((_, state)) = every.iter().find(|(i, _)| *i == id) else {
            continue;
        };
        eprintln!("  xã số {id}: http://{host}/");
        let mut state = state.clone();
        if id == treem_storage::FIRST_COMMUNE {
            state = state.with_hosted(live.clone());
            // The seat's page of every commune's figures now, ready before it is asked for.
            treem_web::province_live::keep_ready(
                live.clone(),
                treem_web::province_live::READY_EVERY,
                treem_storage::today,
            );
        }
        apps.push((host, state));
    }
    Ok(apps)
}

/// `db` scoped to the commune `TREEM_COMMUNE` names (its code or number); `db` itself (the first
/// commune, or the SQLite file's one) when unset.
pub async fn scoped(db: Db, commune: Option<&str>) -> Result<Db> {
    let Some(code) = commune else {
        return Ok(db);
    };
    let found = db
        .find_commune(code)
        .await
        .with_context(|| format!("TREEM_COMMUNE={code}: cơ sở dữ liệu không có xã này"))?;
    Ok(db.for_commune(found.id).await?)
}
