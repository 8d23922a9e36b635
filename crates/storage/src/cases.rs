//! Case files (hồ sơ trường hợp): the domain's append-only entries, sealed at rest
//! ([`crate::crypto`]), replayed through the domain's state machine on every read and write.
//! The `case_file` row caches what lists need (state, assignments, next deadline); the entries
//! are the truth. Every write and every opening of a case is in the audit log.
use crate::audit;
use crate::crypto::CaseKey;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::{Cases, CheckReport};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::sync::Arc;
use treem_domain::case::{
    apply, correct, may_open, may_see_receipt, next_deadline, receipt, CaseEntry, CaseError,
    CaseFile, CaseState, EntryKind, Receipt, WorkingCalendar, ALL_STATES,
};
use treem_domain::role::{Actor, Role};

/// One line of a case list: no narrative, nothing sealed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseSummary {
    pub id: i64,
    pub state: CaseState,
    /// When the information was received (Mẫu 01), Vietnam local time.
    pub received_at: jiff::civil::DateTime,
    /// The next deadline not yet met.
    pub next_due: Option<jiff::civil::DateTime>,
    pub child_id: Option<i64>,
}

impl Db {
    /// This database with the key that seals case entries.
    pub fn with_case_key(mut self, key: CaseKey) -> Db {
        self.case_key = Some(Arc::new(key));
        self
    }

    /// Whether a case key is configured.
    pub fn has_case_key(&self) -> bool {
        self.case_key.is_some()
    }

    /// This database with the commune's own working-day calendar (TREEM_HOLIDAYS_FILE).
    /// Deadlines already stored with a case are recomputed when the case is next written.
    pub fn with_calendar(mut self, calendar: WorkingCalendar) -> Db {
        self.calendar = std::sync::Arc::new(calendar);
        self
    }

    fn key(&self) -> StorageResult<&CaseKey> {
        self.case_key.as_deref().ok_or_else(|| {
            StorageError::invalid(
                "case_key",
                "chưa cấu hình khóa mã hóa hồ sơ (TREEM_CASE_KEY_FILE)",
            )
        })
    }
}

fn civil_text(t: jiff::civil::DateTime) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn parse_civil(s: &str) -> StorageResult<jiff::civil::DateTime> {
    s.parse()
        .map_err(|e| StorageError::Corrupt(format!("thời điểm «{s}»: {e}")))
}

fn parse_state(s: &str) -> StorageResult<CaseState> {
    ALL_STATES
        .iter()
        .copied()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| StorageError::Corrupt(format!("bước hồ sơ lạ: {s}")))
}

fn undecryptable(case_id: i64, seq: i64) -> StorageError {
    StorageError::Corrupt(format!(
        "không giải mã được hồ sơ {case_id}, mục {seq} (sai khóa mã hóa hồ sơ, hoặc dữ liệu đã bị sửa)"
    ))
}

/// The domain's refusal as a storage error: rights become [`StorageError::Forbidden`], the
/// rest a field error carrying the domain's Vietnamese message.
fn refused(e: CaseError) -> StorageError {
    match e {
        CaseError::WrongRole { .. }
        | CaseError::NotAssigned { .. }
        | CaseError::NotAuthor { .. } => StorageError::Forbidden,
        CaseError::Invalid(f) => StorageError::Invalid(f),
        CaseError::Corrupt { .. } => StorageError::Corrupt(e.to_string()),
        other => StorageError::invalid("entry", other.to_string()),
    }
}

/// An assignment names an active account with the role it gives: a mistyped name would give
/// nobody access and look like help was on the way.
async fn check_assignee(
    tx: &mut Transaction<'_, Any>,
    username: &str,
    role: Role,
) -> StorageResult<()> {
    let found: Option<String> =
        sqlx::query("SELECT role FROM app_user WHERE username = $1 AND active = 1")
            .bind(username.trim())
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get("role"))
            .transpose()?;
    match found {
        None => Err(StorageError::invalid(
            "username",
            format!("không có tài khoản «{}» đang hoạt động", username.trim()),
        )),
        Some(r) if r != role.as_str() => Err(StorageError::invalid(
            "role",
            format!(
                "tài khoản «{}» có vai trò khác, không phải {}",
                username.trim(),
                role.label_vi()
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Loads, opens and replays one case. `NotFound` when there is no such case.
async fn load(
    tx: &mut Transaction<'_, Any>,
    key: &CaseKey,
    case_id: i64,
) -> StorageResult<(CaseFile, i64)> {
    let row = sqlx::query("SELECT version FROM case_file WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StorageError::NotFound)?;
    let version: i64 = row.try_get("version")?;
    let rows = sqlx::query(
        "SELECT seq, by_user, kind, nonce, sealed FROM case_entry WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in &rows {
        let seq: i64 = r.try_get("seq")?;
        let entry = open_entry(
            key,
            case_id,
            seq,
            &r.try_get::<String, _>("nonce")?,
            &r.try_get::<String, _>("sealed")?,
        )?;
        let by: String = r.try_get("by_user")?;
        let kind: String = r.try_get("kind")?;
        if i64::from(entry.seq) != seq || entry.by != by || entry.kind.code() != kind {
            return Err(StorageError::Corrupt(format!(
                "hồ sơ {case_id}, mục {seq}: nội dung không khớp với dòng lưu"
            )));
        }
        entries.push(entry);
    }
    if entries.len() as i64 != version {
        return Err(StorageError::Corrupt(format!(
            "hồ sơ {case_id}: ghi {version} mục nhưng có {} mục",
            entries.len()
        )));
    }
    let case = CaseFile::replay(case_id, entries)
        .map_err(|e| StorageError::Corrupt(format!("hồ sơ {case_id}: {e}")))?;
    Ok((case, version))
}

fn open_entry(
    key: &CaseKey,
    case_id: i64,
    seq: i64,
    nonce: &str,
    sealed: &str,
) -> StorageResult<CaseEntry> {
    let plain = key
        .open(case_id, seq, nonce, sealed)
        .ok_or_else(|| undecryptable(case_id, seq))?;
    serde_json::from_slice(&plain)
        .map_err(|e| StorageError::Corrupt(format!("hồ sơ {case_id}, mục {seq}: {e}")))
}

/// Seals and inserts the case's last entry.
async fn insert_last_entry(
    tx: &mut Transaction<'_, Any>,
    key: &CaseKey,
    case: &CaseFile,
) -> StorageResult<i64> {
    let e = case
        .entries()
        .last()
        .ok_or_else(|| StorageError::Corrupt("hồ sơ không có mục nào".into()))?;
    let seq = i64::from(e.seq);
    let json = serde_json::to_vec(e).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let (nonce, sealed) = key.seal(case.id(), seq, &json);
    sqlx::query(
        "INSERT INTO case_entry (case_id, seq, at, by_user, role, kind, corrects, nonce, sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(case.id())
    .bind(seq)
    .bind(civil_text(e.at))
    .bind(&e.by)
    .bind(e.role.as_str())
    .bind(e.kind.code())
    .bind(e.corrects.map(i64::from))
    .bind(nonce)
    .bind(sealed)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// The cached columns, as the replayed case gives them.
struct Cached {
    state: &'static str,
    received_at: String,
    filed_by: String,
    assigned: String,
    next_due: Option<String>,
    child_id: Option<i64>,
}

fn cached(case: &CaseFile, calendar: &WorkingCalendar) -> Cached {
    let names: Vec<&str> = case
        .assigned()
        .iter()
        .map(|a| a.username.as_str())
        .collect();
    Cached {
        state: case.state().as_str(),
        received_at: case.received_at().map(civil_text).unwrap_or_default(),
        filed_by: case
            .filed_by()
            .map(|(u, _)| u.to_string())
            .unwrap_or_default(),
        assigned: serde_json::to_string(&names).unwrap_or_else(|_| "[]".into()),
        next_due: next_deadline(case, calendar).map(|d| civil_text(d.due)),
        child_id: case.intake().and_then(|i| i.child.child_id()),
    }
}

impl Db {
    /// Applies one entry (`of`: a replacement of entry `of`) and stores it, all in one
    /// transaction with its audit entry.
    async fn write_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        expected_seq: Option<u32>,
        of: Option<u32>,
        entry: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<CaseFile> {
        let key = self.key()?;
        let (_turn, mut tx) = self.begin_write().await?;
        let (case, version) = load(&mut tx, key, case_id).await?;
        if !may_open(&case, actor) {
            return Err(if may_see_receipt(&case, actor) {
                StorageError::Forbidden
            } else {
                StorageError::NotFound
            });
        }
        if let Some(expected) = expected_seq {
            if i64::from(expected) != version {
                return Err(StorageError::Conflict { current: version });
            }
        }
        if let EntryKind::Assign { username, role } = &entry {
            check_assignee(&mut tx, username, *role).await?;
        }
        let next = match of {
            None => apply(&case, actor, entry, at),
            Some(of) => correct(&case, actor, of, entry, at),
        }
        .map_err(refused)?;
        let c = cached(&next, &self.calendar);
        let done = sqlx::query(
            "UPDATE case_file SET child_id = $1, state = $2, received_at = $3, assigned = $4, next_due = $5, \
             version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(c.child_id)
        .bind(c.state)
        .bind(&c.received_at)
        .bind(&c.assigned)
        .bind(&c.next_due)
        .bind(now_text())
        .bind(case_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StorageError::Conflict {
                current: version + 1,
            });
        }
        let seq = insert_last_entry(&mut tx, key, &next).await?;
        let last = next.entries().last().map(|e| e.kind.code()).unwrap_or("");
        let detail = match of {
            None => format!("mục {seq}: {last}"),
            Some(of) => format!("mục {seq}: {last}, đính chính mục {of}"),
        };
        audit::append(&mut tx, actor, "update", "case", Some(case_id), &detail).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Loads a case outside any write (reads still need the key).
    async fn read_case(&self, case_id: i64) -> StorageResult<CaseFile> {
        let key = self.key()?;
        let (_turn, mut tx) = self.begin_write().await?;
        let (case, _) = load(&mut tx, key, case_id).await?;
        tx.commit().await?;
        Ok(case)
    }
}

/// For `check`: with a key, every case entry must open and every case replay.
pub(crate) async fn check_cases(db: &Db, report: &mut CheckReport) -> StorageResult<()> {
    let Some(key) = db.case_key.as_deref() else {
        return Ok(());
    };
    let rows =
        sqlx::query("SELECT case_id, seq, nonce, sealed FROM case_entry ORDER BY case_id, seq")
            .fetch_all(&db.pool)
            .await?;
    let mut current: Option<(i64, Vec<CaseEntry>, bool)> = None;
    let finish = |c: Option<(i64, Vec<CaseEntry>, bool)>, report: &mut CheckReport| {
        if let Some((id, entries, true)) = c {
            if let Err(e) = CaseFile::replay(id, entries) {
                report.problems.push(format!("hồ sơ {id}: {e}"));
            }
        }
    };
    for r in &rows {
        let id: i64 = r.try_get("case_id")?;
        let seq: i64 = r.try_get("seq")?;
        if current.as_ref().map(|c| c.0) != Some(id) {
            finish(current.take(), report);
            current = Some((id, Vec::new(), true));
        }
        let c = current.as_mut().expect("set above");
        let nonce: String = r.try_get("nonce")?;
        let sealed: String = r.try_get("sealed")?;
        match key.open(id, seq, &nonce, &sealed) {
            None => {
                report
                    .problems
                    .push(format!("hồ sơ {id}, mục {seq}: không giải mã được"));
                c.2 = false;
            }
            Some(plain) => match serde_json::from_slice::<CaseEntry>(&plain) {
                Ok(e) => c.1.push(e),
                Err(e) => {
                    report
                        .problems
                        .push(format!("hồ sơ {id}, mục {seq}: không đọc được ({e})"));
                    c.2 = false;
                }
            },
        }
    }
    finish(current, report);
    Ok(())
}

#[async_trait::async_trait]
impl Cases for Db {
    async fn open_case(
        &self,
        actor: &Actor,
        intake: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<i64> {
        let key = self.key()?;
        if !matches!(intake, EntryKind::Intake(_)) {
            return Err(StorageError::invalid(
                "entry",
                "hồ sơ mới bắt đầu bằng phiếu tiếp nhận thông tin (Mẫu 01)",
            ));
        }
        // Checked before anything is written; applied again below with the real id.
        let first = apply(&CaseFile::new(0), actor, intake.clone(), at).map_err(refused)?;
        let c = cached(&first, &self.calendar);
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(child) = c.child_id {
            sqlx::query("SELECT id FROM child WHERE id = $1")
                .bind(child)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StorageError::invalid("child", "không có trẻ này trong sổ"))?;
        }
        let id: i64 = sqlx::query(
            "INSERT INTO case_file (child_id, state, received_at, filed_by, assigned, next_due, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id",
        )
        .bind(c.child_id)
        .bind(c.state)
        .bind(&c.received_at)
        .bind(&c.filed_by)
        .bind(&c.assigned)
        .bind(&c.next_due)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let case = apply(&CaseFile::new(id), actor, intake, at).map_err(refused)?;
        insert_last_entry(&mut tx, key, &case).await?;
        audit::append(&mut tx, actor, "create", "case", Some(id), "mục 1: intake").await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn add_case_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        expected_seq: u32,
        entry: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<CaseFile> {
        self.write_entry(actor, case_id, Some(expected_seq), None, entry, at)
            .await
    }

    async fn correct_case_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        of: u32,
        replacement: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<CaseFile> {
        self.write_entry(actor, case_id, None, Some(of), replacement, at)
            .await
    }

    fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    async fn cases_for_figures(&self) -> StorageResult<Vec<CaseFile>> {
        let Some(key) = self.case_key.as_deref() else {
            return Ok(vec![]);
        };
        let (_turn, mut tx) = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query("SELECT id FROM case_file ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(load(&mut tx, key, id).await?.0);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn case_file(&self, actor: &Actor, case_id: i64) -> StorageResult<CaseFile> {
        let case = self.read_case(case_id).await?;
        if !may_open(&case, actor) {
            return Err(StorageError::NotFound);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        audit::append(&mut tx, actor, "read", "case", Some(case_id), "mở hồ sơ").await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn case_receipt(&self, actor: &Actor, case_id: i64) -> StorageResult<Receipt> {
        let case = self.read_case(case_id).await?;
        if !may_see_receipt(&case, actor) {
            return Err(StorageError::NotFound);
        }
        receipt(&case).ok_or_else(|| StorageError::Corrupt(format!("hồ sơ {case_id} trống")))
    }

    async fn cases(&self, actor: &Actor) -> StorageResult<Vec<CaseSummary>> {
        if !actor.role.reads_children() {
            return Err(StorageError::Forbidden);
        }
        let all = matches!(actor.role, Role::Officer | Role::Leader);
        let rows = sqlx::query(
            "SELECT id, child_id, state, received_at, assigned, next_due FROM case_file \
             ORDER BY received_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            if !all {
                let assigned: Vec<String> =
                    serde_json::from_str(&r.try_get::<String, _>("assigned")?)
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                if !assigned.contains(&actor.username) {
                    continue;
                }
            }
            out.push(CaseSummary {
                id: r.try_get("id")?,
                state: parse_state(&r.try_get::<String, _>("state")?)?,
                received_at: parse_civil(&r.try_get::<String, _>("received_at")?)?,
                next_due: r
                    .try_get::<Option<String>, _>("next_due")?
                    .as_deref()
                    .map(parse_civil)
                    .transpose()?,
                child_id: r.try_get("child_id")?,
            });
        }
        Ok(out)
    }

    async fn my_reports(&self, actor: &Actor) -> StorageResult<Vec<(i64, jiff::civil::DateTime)>> {
        let rows = sqlx::query(
            "SELECT id, received_at FROM case_file WHERE filed_by = $1 \
             ORDER BY received_at DESC, id DESC",
        )
        .bind(&actor.username)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    parse_civil(&r.try_get::<String, _>("received_at")?)?,
                ))
            })
            .collect()
    }

    async fn case_counts(&self) -> StorageResult<Vec<(CaseState, i64)>> {
        let rows = sqlx::query(
            "SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM case_file GROUP BY state",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counts = Vec::new();
        for r in &rows {
            counts.push((
                parse_state(&r.try_get::<String, _>("state")?)?,
                r.try_get("n")?,
            ));
        }
        counts.sort_by_key(|(s, _)| ALL_STATES.iter().position(|x| x == s));
        Ok(counts)
    }
}
