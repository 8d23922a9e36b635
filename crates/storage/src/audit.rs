//! The audit log: every write, and every read of a child's full record, appended in the same
//! transaction as the change, each entry hashing the one before it.
use crate::db::{now_text, Db};
use crate::error::StorageResult;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::role::Actor;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub limit: Option<i64>,
}

/// What `treem check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub audit_entries: i64,
    pub children: i64,
    pub problems: Vec<String>,
    /// What could not be verified, and why (no case key, say): not a fault of the data, but
    /// not a clean bill either.
    pub unverified: Vec<String>,
    /// The chain's head as checked: the anchor to write down (đầu chuỗi nhật ký).
    pub head: ChainHead,
}

/// The head of the audit chain (đầu chuỗi nhật ký): the newest entry's number and hash. Written
/// down outside the database (the paper register, a report, a backup's `.head` file), it is an
/// anchor: a later `treem check --expect-head SEQ:HASH` fails if the chain no longer holds that
/// entry with that hash, which is what deleting the newest entries, or rewriting any entry and
/// every hash after it, leaves behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    /// The full hash (64 hex digits), or at least its first 16 digits in an anchor typed in.
    pub hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        ChainHead {
            seq: 0,
            hash: "0".repeat(64),
        }
    }
}

/// Digits of the hash in the short form written on paper: 64 bits, far beyond what anyone can
/// match by trying.
pub const SHORT_HASH: usize = 16;

impl ChainHead {
    /// `SEQ:HASH` with the hash's first 16 digits: the form to write in the register.
    pub fn short(&self) -> String {
        format!(
            "{}:{}",
            self.seq,
            &self.hash[..self.hash.len().min(SHORT_HASH)]
        )
    }
}

impl std::fmt::Display for ChainHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl ChainHead {
    /// The head as a copy records it (`SEQ:HASH`, the whole hash; `0:000…` for an empty
    /// log), without the rules for an anchor typed in.
    pub(crate) fn parse_recorded(s: &str) -> Option<ChainHead> {
        let (seq, hash) = s.split_once(':')?;
        let seq: i64 = seq.parse().ok().filter(|n| *n >= 0)?;
        (hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit())).then(|| ChainHead {
            seq,
            hash: hash.to_string(),
        })
    }
}

impl std::str::FromStr for ChainHead {
    type Err = String;
    /// `SEQ:HASH`, the hash whole or its first 16 digits or more (spaces and case ignored).
    fn from_str(s: &str) -> Result<Self, String> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let (seq, hash) = s
            .split_once(':')
            .ok_or_else(|| format!("«{s}»: cần dạng SỐ-MỤC:MÃ, ví dụ 1234:9f3c2a1b7d4e8f60"))?;
        let seq: i64 = seq
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("«{s}»: số mục phải là số nguyên dương"))?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() < SHORT_HASH
            || hash.len() > 64
            || !hash.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(format!(
                "«{s}»: mã phải có từ {SHORT_HASH} đến 64 chữ số thập lục phân (0-9, a-f)"
            ));
        }
        Ok(ChainHead { seq, hash })
    }
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// An entry's hash. An entry that seals rows (`sealed`: its seal number and the rows' digest)
/// hashes them too; entries without, including every entry written before sealing existed,
/// hash as they always did.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor_id: i64,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    sealed: Option<(i64, &str)>,
) -> String {
    let mut h = Sha256::new();
    let seal = sealed.map(|(n, _)| n.to_string());
    let sealed_parts = seal.as_deref().into_iter().chain(sealed.map(|(_, d)| d));
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
    ]
    .into_iter()
    .chain(sealed_parts)
    {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry inside the caller's transaction. Taking the head row first serialises
/// writers on PostgreSQL (row lock) as SQLite's single writer already does.
pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> StorageResult<()> {
    append_entry(tx, actor, action, entity, entity_id, detail, None).await
}

/// [`append`], sealing the rows numbered `sealed.0` whose digest is `sealed.1` when given.
pub(crate) async fn append_entry(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    sealed: Option<(i64, &str)>,
) -> StorageResult<()> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let at = now_text();
    let hash = entry_hash(
        &prev,
        seq,
        &at,
        actor.user_id,
        &actor.username,
        action,
        entity,
        entity_id,
        detail,
        sealed,
    );
    // Without a seal, the statement names only the columns every schema has.
    let sql = if sealed.is_some() {
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, hash, seal, rows_digest) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    } else {
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    };
    let mut q = sqlx::query(sql)
        .bind(seq)
        .bind(&at)
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(detail)
        .bind(&prev)
        .bind(&hash);
    if let Some((seal, digest)) = sealed {
        q = q.bind(seal).bind(digest);
    }
    q.execute(&mut **tx).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Db {
    /// The chain's head now.
    pub async fn chain_head(&self) -> StorageResult<ChainHead> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(ChainHead {
            seq: head.try_get("seq")?,
            hash: head.try_get("hash")?,
        })
    }
}

/// The chain, read inside the check's snapshot: contiguous numbers, each entry pointing at its
/// predecessor's hash, each hash matching its content, and the head matching the last entry.
/// Counts the entries and notes the head in `report`; returns the seals the entries hold
/// (seal number → entry number and rows' digest) for [`crate::seal::check_rows`]. `sealed`:
/// whether the database has the seal columns yet (schema [`crate::seal`]'s `SINCE_SCHEMA`).
pub(crate) async fn check_chain(
    tx: &mut Transaction<'_, Any>,
    sealed: bool,
    report: &mut CheckReport,
) -> StorageResult<HashMap<i64, (i64, String)>> {
    let seal_cols = if sealed {
        "seal, rows_digest"
    } else {
        "CAST(NULL AS BIGINT) AS seal, CAST(NULL AS TEXT) AS rows_digest"
    };
    let mut seals: HashMap<i64, (i64, String)> = HashMap::new();
    let mut prev = "0".repeat(64);
    {
        let sql = format!(
            "SELECT seq, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, hash, {seal_cols} \
             FROM audit_log ORDER BY seq"
        );
        let mut rows = sqlx::query(&sql).fetch(&mut **tx);
        let mut expected_seq = 1;
        use futures_util::TryStreamExt;
        while let Some(r) = rows.try_next().await? {
            let seq: i64 = r.try_get("seq")?;
            let stored_prev: String = r.try_get("prev_hash")?;
            let stored: String = r.try_get("hash")?;
            let seal: Option<i64> = r.try_get("seal")?;
            let digest: Option<String> = r.try_get("rows_digest")?;
            // A seal without its digest (or the reverse) is hashed as found, so it fails.
            let sealed_part = match (seal, &digest) {
                (None, None) => None,
                (s, d) => Some((s.unwrap_or(-1), d.as_deref().unwrap_or(""))),
            };
            let computed = entry_hash(
                &stored_prev,
                seq,
                &r.try_get::<String, _>("at")?,
                r.try_get("actor_id")?,
                &r.try_get::<String, _>("actor")?,
                &r.try_get::<String, _>("action")?,
                &r.try_get::<String, _>("entity")?,
                r.try_get("entity_id")?,
                &r.try_get::<String, _>("detail")?,
                sealed_part,
            );
            if seq != expected_seq {
                report
                    .problems
                    .push(format!("nhật ký: thiếu mục {expected_seq} (gặp mục {seq})"));
            }
            if stored_prev != prev {
                report
                    .problems
                    .push(format!("nhật ký: mục {seq} không nối với mục trước"));
            }
            if computed != stored {
                report
                    .problems
                    .push(format!("nhật ký: mục {seq} đã bị sửa (mã băm không khớp)"));
            }
            if let (Some(s), Some(d)) = (seal, digest) {
                seals.insert(s, (seq, d));
            }
            prev = stored;
            expected_seq = seq + 1;
            report.audit_entries += 1;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    if head_seq != report.audit_entries || head_hash != prev {
        report.problems.push(format!(
            "nhật ký: đầu chuỗi ghi mục {head_seq} nhưng nhật ký có {} mục (có mục bị xóa?)",
            report.audit_entries
        ));
    }
    report.head = ChainHead {
        seq: head_seq,
        hash: head_hash,
    };
    Ok(seals)
}
