//! Case files (hồ sơ trường hợp): the domain's append-only entries, sealed at rest
//! ([`crate::crypto`]), replayed through the domain's state machine on every read and write.
//!
//! Nothing about a case is kept in clear but its id and its number of entries (`version`). Each
//! case row holds, sealed with the same key, a summary ([`Summary`]: the child, who filed and
//! when, the step, the assignees, the next deadline) for the lists, the counts and the scope
//! checks, and a digest chained over the case's sealed entries. The entries are the truth: the
//! summary is derived from them at each write and checked against them at each opening, so that
//! a deleted, swapped, moved or rolled-back entry shows as a damaged case (hồ sơ bị hỏng), never
//! as a different one. A damaged case is refused on its own; the lists, the counts and target 16
//! go on with the others. Every write and every opening of a case is in the audit log.
mod check;
mod names;
mod rows;

pub(crate) use check::{check_cases, upgrade_export_row};
use names::named_children;
pub use names::NamedChild;
use rows::*;

use crate::audit;
use crate::crypto::CaseKey;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::once::StoredOnce;
use crate::{Cases, CheckReport};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use treem_domain::case::{
    apply, correct, may_open_as, may_see_receipt_as, next_deadline, opens_every_case, CaseEntry,
    CaseError, CaseFile, CaseState, EntryKind, Receipt, WorkingCalendar, ALL_STATES,
};
use treem_domain::role::{Actor, Role};

/// The first schema whose case rows hold no clear metadata (migration 0008). Older exports are
/// read into it without their clear columns ([`upgrade_export_row`]).
pub(crate) const SUMMARIES_SEALED_FROM: i64 = 8;

/// One line of a case list: no narrative; read from the sealed summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseSummary {
    pub id: i64,
    pub state: CaseState,
    /// When the information was received (Mẫu 01), Vietnam local time.
    pub received_at: jiff::civil::DateTime,
    /// The next deadline not yet met.
    pub next_due: Option<jiff::civil::DateTime>,
    pub child_id: Option<i64>,
    /// The child's name and village as the register has them, when the child is in the
    /// register and within the reader's scope ([`crate::scope::read_scope`]).
    pub child: Option<NamedChild>,
    /// The name the report gives a child not in the register (tên trẻ chưa có trong sổ).
    pub new_child_name: Option<String>,
}

/// The case files for the figures (target 16): those that open and replay, and the ids of
/// those that do not (hồ sơ bị hỏng), which the figures leave out and say so.
#[derive(Debug, Clone, Default)]
pub struct FigureCases {
    pub cases: Vec<CaseFile>,
    pub damaged: Vec<i64>,
}

impl Db {
    /// This database with the key that seals case files.
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

/// The register child a report (Mẫu 01) names must be one its author may read: in the register
/// and, for a village head, in their own village ([`crate::scope::read_scope`], the rule the
/// register's own pages use). An unknown id and a child of another village get the same answer,
/// from the same one query, so that the answer does not tell which ids exist elsewhere. The page
/// and the API both come through here ([`Cases::open_case`], and a corrected report).
async fn check_child_in_scope(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    child_id: i64,
) -> StorageResult<()> {
    let refuse = || StorageError::invalid("child_id", "không có trẻ này trong sổ của bạn");
    let scope = crate::scope::read_scope(actor).map_err(|_| refuse())?;
    let found = sqlx::query("SELECT id FROM child WHERE id = $1 AND ($2 = 0 OR village_id = $2)")
        .bind(child_id)
        .bind(scope.unwrap_or(0))
        .fetch_optional(&mut **tx)
        .await?;
    found.map(|_| ()).ok_or_else(refuse)
}

/// The child a report names, if it is a register child.
fn reported_child(entry: &EntryKind) -> Option<i64> {
    match entry {
        EntryKind::Intake(i) => i.child.child_id(),
        _ => None,
    }
}

/// Seals the last entry of `case`: (nonce, sealed) as stored.
fn seal_last(key: &CaseKey, case: &CaseFile) -> StorageResult<(i64, String, String)> {
    let e = case
        .entries()
        .last()
        .ok_or_else(|| StorageError::Corrupt("hồ sơ không có mục nào".into()))?;
    let seq = i64::from(e.seq);
    let json = serde_json::to_vec(e).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let (nonce, sealed) = key.seal(case.id(), seq, &json);
    Ok((seq, nonce, sealed))
}

/// Seals `summary` for case `id` at `version` entries: (nonce, sealed).
fn seal_summary(key: &CaseKey, id: i64, version: i64, summary: &Summary) -> (String, String) {
    let json = serde_json::to_vec(summary).expect("a summary serialises");
    key.seal_summary(id, version, &json)
}

async fn insert_entry(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    seq: i64,
    nonce: &str,
    sealed: &str,
) -> StorageResult<()> {
    sqlx::query("INSERT INTO case_entry (case_id, seq, nonce, sealed) VALUES ($1, $2, $3, $4)")
        .bind(case_id)
        .bind(seq)
        .bind(nonce)
        .bind(sealed)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Db {
    /// Applies one entry (`of`: a replacement of entry `of`) and stores it with the case's new
    /// summary, all in one transaction with its audit entry.
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
        let (row, summary, replayed) = match find(&mut tx, key, &self.calendar, case_id).await? {
            Found::Missing => return Err(StorageError::NotFound),
            Found::Damaged(why) if opens_every_case(actor) => {
                return Err(StorageError::Corrupt(why))
            }
            Found::Damaged(_) => return Err(StorageError::NotFound),
            Found::Ok(row, s, c) => (row, s, c),
        };
        let assigned = summary.assigns(actor);
        if !may_open_as(actor, assigned) {
            return Err(
                if may_see_receipt_as(actor, assigned, Some(summary.filed_by.as_str())) {
                    StorageError::Forbidden
                } else {
                    StorageError::NotFound
                },
            );
        }
        let case = open_found(&mut tx, key, &self.calendar, &row, &summary, replayed)
            .await?
            .map_err(StorageError::Corrupt)?;
        let version = row.version;
        if let Some(expected) = expected_seq {
            if i64::from(expected) != version {
                return Err(StorageError::Conflict { current: version });
            }
        }
        if let EntryKind::Assign { username, role } = &entry {
            check_assignee(&mut tx, username, *role).await?;
        }
        if let Some(child) = reported_child(&entry) {
            check_child_in_scope(&mut tx, actor, child).await?;
        }
        let next = match of {
            None => apply(&case, actor, entry, at),
            Some(of) => correct(&case, actor, of, entry, at),
        }
        .map_err(refused)?;
        let (seq, nonce, sealed) = seal_last(key, &next)?;
        let digest = chain(&summary.digest, seq, &nonce, &sealed);
        let new_summary =
            Summary::of(&next, &self.calendar, digest).map_err(StorageError::Corrupt)?;
        let (s_nonce, s_sealed) = seal_summary(key, case_id, version + 1, &new_summary);
        let done = sqlx::query(
            "UPDATE case_file SET version = version + 1, nonce = $1, sealed = $2 \
             WHERE id = $3 AND version = $4",
        )
        .bind(&s_nonce)
        .bind(&s_sealed)
        .bind(case_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StorageError::Conflict {
                current: version + 1,
            });
        }
        insert_entry(&mut tx, case_id, seq, &nonce, &sealed).await?;
        // The entry's kind would tell the case's step: the log says which entry, not what.
        let detail = match of {
            None => format!("mục {seq}"),
            Some(of) => format!("mục {seq}, đính chính mục {of}"),
        };
        audit::append(&mut tx, actor, "update", "case", Some(case_id), &detail).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Every case's summary (or why it does not open), by id; rows not sealed yet are replayed.
    async fn summaries(&self) -> StorageResult<Vec<(i64, Result<Summary, String>)>> {
        let key = self.key()?;
        let mut tx = self.begin_read().await?;
        let rows: Vec<CaseRow> =
            sqlx::query("SELECT id, version, nonce, sealed FROM case_file ORDER BY id")
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(CaseRow::from_row)
                .collect::<StorageResult<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let s = match row.summary(key) {
                Ok(Some(s)) => Ok(s),
                Err(why) => Err(why),
                Ok(None) => {
                    let entries = fetch_entries(&mut tx, row.id).await?;
                    verify(key, &self.calendar, &row, None, &entries)
                        .map(|(_, s)| s)
                        .map_err(|why| why.join("; "))
                }
            };
            out.push((row.id, s));
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Seals the summary of every case row that has none yet (rows migrated to schema 8
    /// without the key, or imported from an older export): run when treem starts with the key.
    /// Returns how many were sealed; a case whose entries do not open is left for
    /// `treem check` to name.
    pub async fn seal_pending_cases(&self) -> StorageResult<usize> {
        let Some(key) = self.case_key.as_deref() else {
            return Ok(0);
        };
        let ids: Vec<i64> =
            sqlx::query("SELECT id FROM case_file WHERE sealed IS NULL ORDER BY id")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()?;
        let mut sealed = 0;
        for id in ids {
            let (_turn, mut tx) = self.begin_write().await?;
            let Some(row) = fetch_row(&mut tx, id).await? else {
                continue;
            };
            if row.sealed.is_some() {
                continue;
            }
            let entries = fetch_entries(&mut tx, id).await?;
            match verify(key, &self.calendar, &row, None, &entries) {
                Ok((_, summary)) => {
                    let (n, s) = seal_summary(key, id, row.version, &summary);
                    sqlx::query(
                        "UPDATE case_file SET nonce = $1, sealed = $2 \
                         WHERE id = $3 AND version = $4 AND sealed IS NULL",
                    )
                    .bind(n)
                    .bind(s)
                    .bind(id)
                    .bind(row.version)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    sealed += 1;
                }
                Err(why) => {
                    tracing::warn!("hồ sơ {id} chưa niêm phong được: {}", why.join("; "));
                }
            }
        }
        Ok(sealed)
    }
}

#[async_trait::async_trait]
impl Cases for Db {
    async fn open_case(
        &self,
        actor: &Actor,
        intake: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<i64> {
        Ok(self.open_case_once(actor, intake, at, None).await?.id)
    }

    async fn open_case_once(
        &self,
        actor: &Actor,
        intake: EntryKind,
        at: jiff::civil::DateTime,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let key = self.key()?;
        if !matches!(intake, EntryKind::Intake(_)) {
            return Err(StorageError::invalid(
                "entry",
                "hồ sơ mới bắt đầu bằng phiếu tiếp nhận thông tin (Mẫu 01)",
            ));
        }
        // Checked before anything is written (the role first: it does not depend on the
        // child); applied again below with the real id.
        apply(&CaseFile::new(0), actor, intake.clone(), at).map_err(refused)?;
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            let now = now_text();
            if let Some(id) = crate::once::claim(&mut tx, actor, t, "case", &now).await? {
                tx.commit().await?;
                return Ok(StoredOnce { id, again: true });
            }
        }
        if let Some(child) = reported_child(&intake) {
            check_child_in_scope(&mut tx, actor, child).await?;
        }
        // The row first (for its id), its summary sealed once the id is known.
        let id: i64 = sqlx::query("INSERT INTO case_file (version) VALUES (1) RETURNING id")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        let case = apply(&CaseFile::new(id), actor, intake, at).map_err(refused)?;
        let (seq, nonce, sealed) = seal_last(key, &case)?;
        let summary = Summary::of(&case, &self.calendar, chain("", seq, &nonce, &sealed))
            .map_err(StorageError::Corrupt)?;
        let (s_nonce, s_sealed) = seal_summary(key, id, 1, &summary);
        sqlx::query("UPDATE case_file SET nonce = $1, sealed = $2 WHERE id = $3")
            .bind(&s_nonce)
            .bind(&s_sealed)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_entry(&mut tx, id, seq, &nonce, &sealed).await?;
        audit::append(&mut tx, actor, "create", "case", Some(id), "mục 1").await?;
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
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

    async fn cases_for_figures(&self) -> StorageResult<FigureCases> {
        let Some(key) = self.case_key.as_deref() else {
            return Ok(FigureCases::default());
        };
        let mut tx = self.begin_read().await?;
        let rows: Vec<CaseRow> =
            sqlx::query("SELECT id, version, nonce, sealed FROM case_file ORDER BY id")
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(CaseRow::from_row)
                .collect::<StorageResult<_>>()?;
        let mut entries: HashMap<i64, Vec<EntryRow>> = HashMap::with_capacity(rows.len());
        for r in
            sqlx::query("SELECT case_id, seq, nonce, sealed FROM case_entry ORDER BY case_id, seq")
                .fetch_all(&mut *tx)
                .await?
        {
            entries
                .entry(r.try_get("case_id")?)
                .or_default()
                .push(EntryRow::from_row(&r)?);
        }
        tx.commit().await?;
        let mut out = FigureCases::default();
        for row in &rows {
            let mine = entries.remove(&row.id).unwrap_or_default();
            let opened = row
                .summary(key)
                .map_err(|e| vec![e])
                .and_then(|s| verify(key, &self.calendar, row, s.as_ref(), &mine));
            match opened {
                Ok((case, _)) => out.cases.push(case),
                Err(why) => {
                    tracing::error!(
                        "hồ sơ {} bị hỏng, không tính vào số liệu: {}",
                        row.id,
                        why.join("; ")
                    );
                    out.damaged.push(row.id);
                }
            }
        }
        Ok(out)
    }

    async fn case_file(&self, actor: &Actor, case_id: i64) -> StorageResult<CaseFile> {
        let key = self.key()?;
        let mut tx = self.begin_read().await?;
        let case = match find(&mut tx, key, &self.calendar, case_id).await? {
            Found::Missing => Err(StorageError::NotFound),
            // Who else may open it cannot be known: those who open every case are told.
            Found::Damaged(why) if opens_every_case(actor) => Err(StorageError::Corrupt(why)),
            Found::Damaged(_) => Err(StorageError::NotFound),
            Found::Ok(_, s, _) if !may_open_as(actor, s.assigns(actor)) => {
                Err(StorageError::NotFound)
            }
            Found::Ok(row, s, replayed) => {
                open_found(&mut tx, key, &self.calendar, &row, &s, replayed)
                    .await?
                    .map_err(StorageError::Corrupt)
            }
        };
        tx.commit().await?;
        let case = case?;
        let (_turn, mut tx) = self.begin_write().await?;
        audit::append(&mut tx, actor, "read", "case", Some(case_id), "mở hồ sơ").await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn case_receipt(&self, actor: &Actor, case_id: i64) -> StorageResult<Receipt> {
        let key = self.key()?;
        let mut tx = self.begin_read().await?;
        let found = find(&mut tx, key, &self.calendar, case_id).await?;
        tx.commit().await?;
        match found {
            Found::Ok(_, s, _)
                if may_see_receipt_as(actor, s.assigns(actor), Some(s.filed_by.as_str())) =>
            {
                Ok(Receipt {
                    case_id,
                    filed_at: s.filed_at,
                    filed_by: s.filed_by,
                })
            }
            _ => Err(StorageError::NotFound),
        }
    }

    async fn cases(&self, actor: &Actor) -> StorageResult<Vec<CaseSummary>> {
        if !actor.role.reads_children() {
            return Err(StorageError::Forbidden);
        }
        let mut out: Vec<CaseSummary> = self
            .summaries()
            .await?
            .into_iter()
            .filter_map(|(id, s)| s.ok().map(|s| (id, s)))
            .filter(|(_, s)| may_open_as(actor, s.assigns(actor)))
            .map(|(id, s)| CaseSummary {
                id,
                state: s.state,
                received_at: s.received_at,
                next_due: s.next_due,
                child_id: s.child_id,
                child: None,
                new_child_name: s.new_child_name.clone(),
            })
            .collect();
        let ids: Vec<i64> = out.iter().filter_map(|c| c.child_id).collect();
        let mut tx = self.begin_read().await?;
        let names = named_children(&mut tx, actor, &ids).await?;
        tx.commit().await?;
        for c in &mut out {
            c.child = c.child_id.and_then(|id| names.get(&id).cloned());
        }
        out.sort_by_key(|c| std::cmp::Reverse((c.received_at, c.id)));
        Ok(out)
    }

    async fn case_child(&self, actor: &Actor, child_id: i64) -> StorageResult<Option<NamedChild>> {
        let mut tx = self.begin_read().await?;
        let mut names = named_children(&mut tx, actor, &[child_id]).await?;
        tx.commit().await?;
        Ok(names.remove(&child_id))
    }

    async fn damaged_cases(&self, actor: &Actor) -> StorageResult<Vec<i64>> {
        if !opens_every_case(actor) {
            return Ok(vec![]);
        }
        Ok(self
            .summaries()
            .await?
            .into_iter()
            .filter(|(_, s)| s.is_err())
            .map(|(id, _)| id)
            .collect())
    }

    async fn my_reports(&self, actor: &Actor) -> StorageResult<Vec<(i64, jiff::civil::DateTime)>> {
        let mut out: Vec<(i64, jiff::civil::DateTime)> = self
            .summaries()
            .await?
            .into_iter()
            .filter_map(|(id, s)| s.ok().map(|s| (id, s)))
            .filter(|(_, s)| s.filed_by == actor.username)
            .map(|(id, s)| (id, s.received_at))
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse((r.1, r.0)));
        Ok(out)
    }

    async fn case_counts(&self) -> StorageResult<Vec<(CaseState, i64)>> {
        let mut by: BTreeMap<usize, (CaseState, i64)> = BTreeMap::new();
        for (_, s) in self.summaries().await? {
            if let Ok(s) = s {
                let at = ALL_STATES.iter().position(|x| *x == s.state).unwrap_or(0);
                by.entry(at).or_insert((s.state, 0)).1 += 1;
            }
        }
        Ok(by.into_values().collect())
    }
}
