//! The server's own copies (sao lưu hằng đêm): into a folder it is told (a USB stick's folder, a
//! network share), at a fixed Vietnam time — or as soon as it runs after that time, as the
//! office PC is often off at night — sealed, verified, rotated (7 daily, 4 weekly), each attempt
//! logged and recorded for the home page. A failure never stops the server: the next attempt
//! comes an hour later.
use super::backup::{io_failure, make_copy, CopyError, Payload, Seal};
use jiff::civil::{DateTime, Time};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use treem_domain::backup::{backup_due, rotation_keeps, BackupFailure, BackupRun};
use treem_storage::{CaseKey, Db};

/// What `treem serve` was told about nightly copies (read once, in `main`).
pub struct Nightly {
    pub dir: PathBuf,
    pub seal: Arc<Seal>,
    /// Vietnam time of the daily copy.
    pub at: Time,
    /// The case key's hex, when the operator asked for it to travel with each copy.
    pub case_key: Option<String>,
    /// To check the cases in each snapshot.
    pub check_key: Option<CaseKey>,
}

const PREFIX: &str = "treem-";
const NAME_TIME: &str = "%Y-%m-%d-%H%M%S";

fn vietnam_now() -> DateTime {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime()
}

/// `treem-2026-12-04-020000.db.age`: the time it was taken, in Vietnam time.
pub fn copy_name(at: DateTime, payload: Payload) -> String {
    format!(
        "{PREFIX}{}.{}.age",
        at.strftime(NAME_TIME),
        payload.extension()
    )
}

/// The time in a copy's name, for the copies this schedule makes (other files are left alone).
pub fn taken_at(name: &str) -> Option<DateTime> {
    let rest = name.strip_prefix(PREFIX)?;
    let stamp = rest
        .strip_suffix(".db.age")
        .or_else(|| rest.strip_suffix(".jsonl.age"))?;
    DateTime::strptime(NAME_TIME, stamp).ok()
}

/// The schedule's copies in `dir`, with when each was taken.
fn copies(dir: &Path) -> std::io::Result<Vec<(PathBuf, DateTime)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(at) = entry.file_name().to_str().and_then(taken_at) {
            out.push((entry.path(), at));
        }
    }
    Ok(out)
}

/// Runs the schedule for as long as the server runs, on a thread of its own (the copies' reads
/// and writes never hold up a request), driving its futures on the server's runtime.
pub fn spawn(db: Db, cfg: Nightly) -> tokio::task::JoinHandle<()> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(schedule(db, cfg)))
}

async fn schedule(db: Db, cfg: Nightly) {
    {
        tracing::info!(
            "sao lưu hằng ngày lúc {} vào {} ({})",
            cfg.at.strftime("%H:%M"),
            cfg.dir.display(),
            match cfg.seal.as_ref() {
                Seal::Passphrase(_) => "mã hóa bằng mật khẩu",
                Seal::Recipients(_) => "mã hóa bằng khóa công khai",
                Seal::Plain => "không mã hóa",
            }
        );
        let mut last_attempt: Option<DateTime> = None;
        loop {
            let now = vietnam_now();
            // A folder that cannot be read (the stick is out) counts as holding no copy: the
            // attempt then says why.
            let newest = copies(&cfg.dir)
                .ok()
                .and_then(|c| c.into_iter().map(|(_, at)| at).max());
            if backup_due(now, cfg.at, newest, last_attempt) {
                last_attempt = Some(now);
                run_once(&db, &cfg, now).await;
            }
            // Checked every minute against the wall clock: a PC that slept wakes to a due copy.
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    }
}

/// One attempt: made, verified, rotated, logged and recorded. Never fails the caller.
pub async fn run_once(db: &Db, cfg: &Nightly, now: DateTime) -> BackupRun {
    let out = cfg.dir.join(copy_name(now, Payload::of(db)));
    let result = attempt(db, cfg, &out).await;
    let run = BackupRun {
        at: jiff::Timestamp::now(),
        file: match &result {
            Ok(_) => out.display().to_string(),
            Err(_) => cfg.dir.display().to_string(),
        },
        bytes: result.as_ref().map(|(b, _)| *b).unwrap_or(0),
        ok: result.is_ok(),
        scheduled: true,
        encrypted: cfg.seal.encrypted(),
        failure: result.as_ref().err().map(|e| e.failure),
        message: match &result {
            Ok((_, removed)) if *removed > 0 => {
                format!("đã kiểm tra; xóa {removed} bản cũ theo vòng giữ 7 ngày, 4 tuần")
            }
            Ok(_) => "đã kiểm tra".into(),
            Err(e) => e.message.clone(),
        },
    };
    match &result {
        Ok((bytes, _)) => tracing::info!("sao lưu: {} ({bytes} byte)", out.display()),
        Err(e) => tracing::error!("sao lưu không thành công: {e}"),
    }
    if let Err(e) = db.record_backup(&run).await {
        tracing::error!("không ghi được kết quả sao lưu vào cơ sở dữ liệu: {e}");
    }
    run
}

/// The copy's size and how many old copies the rotation removed.
async fn attempt(db: &Db, cfg: &Nightly, out: &Path) -> Result<(u64, usize), CopyError> {
    // The folder is never created: a stick that is not plugged in leaves its mount point empty
    // or missing, and a copy written there would stay on the PC.
    match std::fs::metadata(&cfg.dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(CopyError {
                failure: BackupFailure::FolderMissing,
                message: format!("{} không phải là thư mục", cfg.dir.display()),
            })
        }
        Err(e) => return Err(io_failure(&cfg.dir, &e)),
    }
    remove_leftovers(&cfg.dir);
    let made = make_copy(
        db,
        out,
        cfg.seal.clone(),
        cfg.case_key.clone(),
        cfg.check_key.clone(),
        // The server's nightly copy logs its outcome, not its steps.
        &|_| {},
    )
    .await?;
    Ok((made.bytes, rotate(&cfg.dir)))
}

/// Copies cut off half-way (the server stopped, the stick was pulled): `make_copy` writes to
/// the copy's name with `.partial` added.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(base) = name.strip_suffix(".partial") {
            if taken_at(base).is_some() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Removes the schedule's copies the rotation does not keep; how many it removed. Only after a
/// good copy: a failing night never eats into the copies that are left.
fn rotate(dir: &Path) -> usize {
    let Ok(found) = copies(dir) else { return 0 };
    let stamps: Vec<DateTime> = found.iter().map(|(_, at)| *at).collect();
    let mut removed = 0;
    for ((path, _), keep) in found.iter().zip(rotation_keeps(&stamps)) {
        if !keep {
            let _ = std::fs::remove_file(format!("{}.head", path.display()));
            match std::fs::remove_file(path) {
                Ok(()) => removed += 1,
                Err(e) => tracing::warn!("không xóa được bản sao cũ {}: {e}", path.display()),
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_time_and_only_ours_are_read() {
        let at = jiff::civil::date(2026, 12, 4).at(2, 0, 13, 0);
        let name = copy_name(at, Payload::Sqlite);
        assert_eq!(name, "treem-2026-12-04-020013.db.age");
        assert_eq!(taken_at(&name), Some(at));
        assert_eq!(
            taken_at(&copy_name(at, Payload::Export)),
            Some(at),
            "PostgreSQL's copies too"
        );
        for other in [
            "treem-2026-12-04-020013.db.age.partial",
            "treem-2026-13-04-020013.db.age",
            "ban-sao-cua-toi.db.age",
            "treem.db",
        ] {
            assert_eq!(taken_at(other), None, "{other}");
        }
    }

    #[test]
    fn rotation_removes_only_the_schedules_copies_it_does_not_keep() {
        let dir = tempfile::tempdir().unwrap();
        let start = jiff::civil::date(2026, 10, 1);
        for i in 0..40 {
            let d = start.checked_add(jiff::Span::new().days(i)).unwrap();
            std::fs::write(
                dir.path()
                    .join(copy_name(d.at(2, 0, 0, 0), Payload::Sqlite)),
                b"x",
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("ghi-chu.txt"), b"x").unwrap();
        let removed = rotate(dir.path());
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(left.contains(&"ghi-chu.txt".to_string()));
        let copies = left.len() - 1;
        assert_eq!(removed, 40 - copies);
        // 7 days (3–9 Nov, in the ISO weeks of 9 Nov and of 2 Nov) and the newest of the two
        // weeks before (1 Nov, 25 Oct).
        assert_eq!(copies, 7 + 2, "{left:?}");
    }
}
