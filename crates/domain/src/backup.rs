//! Backups (sao lưu): the rules that keep a commune from losing everything when its only PC
//! dies — when a copy is due, which copies the rotation keeps, when the home page warns, what
//! a passphrase must be, and what the operator should do about each kind of failure.
//!
//! Times here are Vietnam's civil times (UTC+7 all year): the commune thinks of "2 o'clock at
//! night", not of UTC.
use jiff::civil::{DateTime, Time};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// The home page warns when the last good copy is older than this.
pub const STALE_AFTER: SignedDuration = SignedDuration::from_hours(48);

/// After a failed attempt, the server tries again this long after it (a USB stick plugged in
/// during the morning is used within the hour).
pub const RETRY_AFTER: SignedDuration = SignedDuration::from_hours(1);

/// The rotation: the newest copy of each of the last 7 days that have one, and the newest copy
/// of each of the last 4 ISO weeks that have one.
pub const DAILY_KEPT: usize = 7;
pub const WEEKLY_KEPT: usize = 4;

/// A passphrase that protects every child's record on a lost USB stick must resist guessing
/// offline: at least this many characters.
pub const PASSPHRASE_MIN_CHARS: usize = 12;

/// Refuses passphrases too short to protect a copy that leaves the building (mật khẩu sao lưu).
pub fn check_passphrase(passphrase: &str) -> Result<(), String> {
    if passphrase.trim().is_empty() {
        return Err("mật khẩu sao lưu không được để trống".into());
    }
    if passphrase.chars().count() < PASSPHRASE_MIN_CHARS {
        return Err(format!(
            "mật khẩu sao lưu phải có ít nhất {PASSPHRASE_MIN_CHARS} ký tự (nên dùng một câu dễ nhớ)"
        ));
    }
    Ok(())
}

/// Whether a copy is due now (lịch sao lưu). One copy a day, taken at `daily_at` — or, when the
/// PC was off then (the office PC often is at night), as soon as the server runs after it: a copy
/// is due while the newest copy is older than the last daily slot. After an attempt, the next
/// waits [`RETRY_AFTER`], so a missing USB stick is retried hourly, not in a loop.
pub fn backup_due(
    now: DateTime,
    daily_at: Time,
    newest_copy: Option<DateTime>,
    last_attempt: Option<DateTime>,
) -> bool {
    if let Some(a) = last_attempt {
        if a <= now && now.duration_since(a) < RETRY_AFTER {
            return false;
        }
    }
    let today_slot = now.date().to_datetime(daily_at);
    let last_slot = if now >= today_slot {
        today_slot
    } else {
        now.date()
            .yesterday()
            .map(|d| d.to_datetime(daily_at))
            .unwrap_or(today_slot)
    };
    match newest_copy {
        None => true,
        Some(c) => c < last_slot,
    }
}

/// Which copies the rotation keeps (true) among copies taken at `taken` (any order): the newest
/// of each of the [`DAILY_KEPT`] most recent days and of each of the [`WEEKLY_KEPT`] most recent
/// ISO weeks that have a copy. The newest copy is always kept.
pub fn rotation_keeps(taken: &[DateTime]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..taken.len()).collect();
    order.sort_by(|&a, &b| taken[b].cmp(&taken[a]));
    let mut keep = vec![false; taken.len()];
    let mut days = Vec::new();
    let mut weeks = Vec::new();
    for i in order {
        let day = taken[i].date();
        let iso = day.iso_week_date();
        let week = (iso.year(), iso.week());
        if !days.contains(&day) {
            days.push(day);
            if days.len() <= DAILY_KEPT {
                keep[i] = true;
            }
        }
        if !weeks.contains(&week) {
            weeks.push(week);
            if weeks.len() <= WEEKLY_KEPT {
                keep[i] = true;
            }
        }
    }
    keep
}

/// What went wrong with a copy, so the page can say what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupFailure {
    /// The folder is not there: usually the USB stick is not plugged in.
    FolderMissing,
    /// No space left on the stick (or on the PC, for the scratch copy).
    DiskFull,
    /// The folder cannot be written: read-only stick, permissions.
    NotWritable,
    /// The copy did not read back as written.
    VerifyFailed,
    /// The database itself failed the check: no copy was written, the old ones are kept.
    CheckFailed,
    Other,
}

impl BackupFailure {
    /// What the officer or the administrator should do (việc cần làm).
    pub fn advice_vi(self) -> &'static str {
        match self {
            BackupFailure::FolderMissing => {
                "Không thấy thư mục sao lưu — thường là ổ USB sao lưu chưa được cắm. Hãy cắm ổ USB \
                 sao lưu vào máy và để máy bật; treem tự thử lại trong vòng một giờ."
            }
            BackupFailure::DiskFull => {
                "Ổ sao lưu hoặc ổ của máy đã đầy. Hãy thay bằng một ổ USB khác còn chỗ trống, hoặc \
                 nhờ người quản trị xóa bớt tệp không cần (đừng xóa các tệp treem-… mới nhất)."
            }
            BackupFailure::NotWritable => {
                "treem không ghi được vào thư mục sao lưu (ổ bị khóa chỉ đọc hoặc thiếu quyền). \
                 Hãy báo người quản trị."
            }
            BackupFailure::VerifyFailed => {
                "Bản sao vừa ghi không đọc lại đúng — ổ USB có thể đã hỏng. Hãy thay ổ USB khác và \
                 báo người quản trị."
            }
            BackupFailure::CheckFailed => {
                "Cơ sở dữ liệu đang có lỗi nên chưa sao lưu (các bản sao cũ vẫn được giữ). Hãy báo \
                 người quản trị chạy «treem check» và làm theo hướng dẫn vận hành."
            }
            BackupFailure::Other => "Hãy báo người quản trị, kèm thông báo lỗi ở trên.",
        }
    }
}

/// One attempt at a copy (lần sao lưu), as recorded for the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRun {
    /// When the attempt ended.
    pub at: Timestamp,
    /// The copy's file (the folder's name when the attempt failed before naming one).
    pub file: String,
    pub bytes: u64,
    pub ok: bool,
    /// Made by the server's schedule rather than by `treem backup`.
    pub scheduled: bool,
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<BackupFailure>,
    /// In Vietnamese: what was done, or what went wrong.
    pub message: String,
}

/// Why the home page warns about backups (cảnh báo sao lưu).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupWarning {
    /// No good copy was ever recorded.
    Never,
    /// The last good copy is older than [`STALE_AFTER`].
    Stale { last_good: BackupRun, days: i64 },
    /// The last attempt failed (whatever the age of the last good copy).
    Failed {
        attempt: BackupRun,
        last_good: Option<BackupRun>,
    },
}

/// The warning, if any, for the last good copy and the last attempt as of `now`: a failed last
/// attempt is always shown (even with a fresh copy), then a missing or too old good copy.
pub fn warning(
    now: Timestamp,
    last_good: Option<&BackupRun>,
    last_attempt: Option<&BackupRun>,
) -> Option<BackupWarning> {
    if let Some(a) = last_attempt.filter(|a| !a.ok) {
        return Some(BackupWarning::Failed {
            attempt: a.clone(),
            last_good: last_good.cloned(),
        });
    }
    let Some(good) = last_good else {
        return Some(BackupWarning::Never);
    };
    let age = now.duration_since(good.at);
    (age > STALE_AFTER).then(|| BackupWarning::Stale {
        last_good: good.clone(),
        days: age.as_hours() / 24,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn at(d: jiff::civil::Date, h: i8, m: i8) -> DateTime {
        d.to_datetime(time(h, m, 0, 0))
    }

    #[test]
    fn a_copy_is_due_once_a_day_at_the_slot_or_when_the_pc_is_next_on() {
        let two = time(2, 0, 0, 0);
        let d = date(2026, 12, 4);
        // Never copied: due at once (start-up).
        assert!(backup_due(at(d, 9, 0), two, None, None));
        // Made at 02:00 today: nothing more today.
        assert!(!backup_due(at(d, 9, 0), two, Some(at(d, 2, 0)), None));
        assert!(!backup_due(at(d, 23, 59), two, Some(at(d, 2, 0)), None));
        // The next night's slot.
        let next = d.tomorrow().unwrap();
        assert!(!backup_due(at(next, 1, 59), two, Some(at(d, 2, 0)), None));
        assert!(backup_due(at(next, 2, 0), two, Some(at(d, 2, 0)), None));
        // The PC was off at 02:00: the copy is taken when it is next on, once.
        assert!(backup_due(at(next, 7, 30), two, Some(at(d, 8, 0)), None));
        assert!(!backup_due(
            at(next, 7, 30),
            two,
            Some(at(next, 7, 29)),
            None
        ));
    }

    #[test]
    fn a_failed_attempt_is_retried_after_an_hour_not_at_once() {
        let two = time(2, 0, 0, 0);
        let d = date(2026, 12, 4);
        assert!(!backup_due(at(d, 8, 30), two, None, Some(at(d, 8, 0))));
        assert!(backup_due(at(d, 9, 0), two, None, Some(at(d, 8, 0))));
    }

    #[test]
    fn rotation_keeps_seven_days_and_four_weeks() {
        // Two copies a day (a night and a start-up) for 60 days, 1 Oct – 29 Nov 2026.
        let start = date(2026, 10, 1);
        let mut taken = Vec::new();
        for i in 0..60 {
            let d = start.checked_add(jiff::Span::new().days(i)).unwrap();
            taken.push(at(d, 2, 0));
            taken.push(at(d, 8, 15));
        }
        let keep = rotation_keeps(&taken);
        let kept: Vec<DateTime> = taken
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(t, _)| *t)
            .collect();
        // The last 7 days' newest copies: 23–29 Nov at 08:15.
        for day in 23..=29 {
            assert!(kept.contains(&at(date(2026, 11, day), 8, 15)), "{day}");
            assert!(!kept.contains(&at(date(2026, 11, day), 2, 0)), "{day}");
        }
        // Weeks: 29 Nov is a Sunday (week 48, already kept); the newest of weeks 47, 46, 45.
        for day in [22, 15, 8] {
            assert!(kept.contains(&at(date(2026, 11, day), 8, 15)), "{day}");
        }
        assert_eq!(kept.len(), 7 + 3);
        assert!(rotation_keeps(&[]).is_empty());
        assert_eq!(rotation_keeps(&[at(start, 2, 0)]), vec![true]);
    }

    fn run(at: &str, ok: bool) -> BackupRun {
        BackupRun {
            at: at.parse().unwrap(),
            file: "treem-x.db.age".into(),
            bytes: 1,
            ok,
            scheduled: true,
            encrypted: true,
            failure: (!ok).then_some(BackupFailure::FolderMissing),
            message: String::new(),
        }
    }

    #[test]
    fn the_home_page_warns_when_no_copy_an_old_copy_or_a_failure() {
        let now: Timestamp = "2026-12-04T03:00:00Z".parse().unwrap();
        assert_eq!(warning(now, None, None), Some(BackupWarning::Never));
        let fresh = run("2026-12-03T19:00:00Z", true);
        assert_eq!(warning(now, Some(&fresh), Some(&fresh)), None);
        // Just under two days: still fine; over: stale, with its age in days.
        let edge = run("2026-12-02T03:00:01Z", true);
        assert_eq!(warning(now, Some(&edge), Some(&edge)), None);
        let old = run("2026-11-30T03:00:00Z", true);
        assert!(matches!(
            warning(now, Some(&old), Some(&old)),
            Some(BackupWarning::Stale { days: 4, .. })
        ));
        // A failure is shown even with a fresh good copy, and with none.
        let failed = run("2026-12-04T02:00:00Z", false);
        assert!(matches!(
            warning(now, Some(&fresh), Some(&failed)),
            Some(BackupWarning::Failed {
                last_good: Some(_),
                ..
            })
        ));
        assert!(matches!(
            warning(now, None, Some(&failed)),
            Some(BackupWarning::Failed {
                last_good: None,
                ..
            })
        ));
    }

    #[test]
    fn passphrases_must_be_long_enough() {
        assert!(check_passphrase("            ").is_err());
        assert!(check_passphrase("ngắn quá").is_err());
        assert!(check_passphrase("trâu ăn cỏ bên suối Sính Phình").is_ok());
    }
}
