//! A case as stored: its row and its entry rows, sealed with the case key, the summary the
//! lists read, the digest chained over the entries, and how a case is opened and replayed from
//! them (checked against its summary).
use super::*;

/// What the lists need of a case, sealed in its row with the case key (Summary, tóm tắt hồ sơ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Summary {
    pub(super) child_id: Option<i64>,
    /// The name the report gives a child not (yet) in the register, for the case lists
    /// (sealed like the rest). Absent from summaries sealed before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) new_child_name: Option<String>,
    pub(super) state: CaseState,
    /// The Mẫu 01 hour, as corrected.
    pub(super) received_at: jiff::civil::DateTime,
    /// Who recorded entry 1, and when: what the filer's receipt shows.
    pub(super) filed_by: String,
    pub(super) filed_at: jiff::civil::DateTime,
    /// Usernames assigned now.
    pub(super) assigned: Vec<String>,
    pub(super) next_due: Option<jiff::civil::DateTime>,
    /// When the case was last written (UTC).
    pub(super) updated_at: String,
    /// The number of entries, and a SHA-256 chained over their sealed rows in order.
    pub(super) entries: u32,
    pub(super) digest: String,
}

impl Summary {
    pub(super) fn of(
        case: &CaseFile,
        calendar: &WorkingCalendar,
        digest: String,
    ) -> Result<Summary, String> {
        let id = case.id();
        let intake = case
            .intake()
            .ok_or_else(|| format!("hồ sơ {id}: không có phiếu tiếp nhận (Mẫu 01)"))?;
        let first = case
            .entries()
            .first()
            .ok_or_else(|| format!("hồ sơ {id}: không có mục nào"))?;
        Ok(Summary {
            child_id: intake.child.child_id(),
            new_child_name: match &intake.child {
                treem_domain::case::ChildRef::New(c) if !c.full_name.trim().is_empty() => {
                    Some(c.full_name.trim().to_string())
                }
                _ => None,
            },
            state: case.state(),
            received_at: intake.received_at,
            filed_by: first.by.clone(),
            filed_at: first.at,
            assigned: case.assigned().iter().map(|a| a.username.clone()).collect(),
            next_due: next_deadline(case, calendar).map(|d| d.due),
            updated_at: now_text(),
            entries: case.entries().len() as u32,
            digest,
        })
    }

    /// Whether the summary says what the entries say. The deadline is left out: it follows
    /// the calendar, which the commune may change.
    pub(super) fn disagrees(&self, truth: &Summary) -> Option<&'static str> {
        if self.entries != truth.entries || self.digest != truth.digest {
            Some("số mục hoặc dấu của các mục")
        } else if self.child_id != truth.child_id {
            Some("trẻ")
        } else if self.state != truth.state {
            Some("bước")
        } else if self.received_at != truth.received_at {
            Some("thời điểm tiếp nhận")
        } else if self.filed_by != truth.filed_by || self.filed_at != truth.filed_at {
            Some("người báo")
        } else if self.assigned != truth.assigned {
            Some("người được phân công")
        } else {
            None
        }
    }

    pub(super) fn assigns(&self, actor: &Actor) -> bool {
        self.assigned.contains(&actor.username)
    }
}

/// The digest chained over a case's sealed entries: each step hashes the one before with the
/// entry's number and sealed bytes.
pub(super) fn chain(prev: &str, seq: i64, nonce: &str, sealed: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), nonce, sealed] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// A case row as stored.
pub(super) struct CaseRow {
    pub(super) id: i64,
    pub(super) version: i64,
    pub(super) nonce: Option<String>,
    pub(super) sealed: Option<String>,
}

impl CaseRow {
    pub(super) fn from_row(r: &sqlx::any::AnyRow) -> StorageResult<CaseRow> {
        Ok(CaseRow {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            nonce: r.try_get("nonce")?,
            sealed: r.try_get("sealed")?,
        })
    }

    /// The sealed summary; `Ok(None)` when not sealed yet (a row migrated without the key).
    pub(super) fn summary(&self, key: &CaseKey) -> Result<Option<Summary>, String> {
        let id = self.id;
        match (&self.nonce, &self.sealed) {
            (None, None) => Ok(None),
            (Some(n), Some(s)) => {
                let plain = key.open_summary(id, self.version, n, s).ok_or_else(|| {
                    format!(
                        "không giải mã được hồ sơ {id} (sai khóa mã hóa hồ sơ, hoặc dữ liệu đã bị sửa)"
                    )
                })?;
                serde_json::from_slice(&plain)
                    .map(Some)
                    .map_err(|e| format!("hồ sơ {id}: tóm tắt không đọc được ({e})"))
            }
            _ => Err(format!("hồ sơ {id}: phần niêm phong bị thiếu")),
        }
    }
}

/// One entry row as stored.
pub(super) struct EntryRow {
    pub(super) seq: i64,
    pub(super) nonce: String,
    pub(super) sealed: String,
}

impl EntryRow {
    pub(super) fn from_row(r: &sqlx::any::AnyRow) -> StorageResult<EntryRow> {
        Ok(EntryRow {
            seq: r.try_get("seq")?,
            nonce: r.try_get("nonce")?,
            sealed: r.try_get("sealed")?,
        })
    }
}

/// Opens and replays the entries of case `id` (stored with `version` entries): the case and
/// the digest chained over them, or every reason the case is damaged.
pub(super) fn replay(
    key: &CaseKey,
    id: i64,
    version: i64,
    rows: &[EntryRow],
) -> Result<(CaseFile, String), Vec<String>> {
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(rows.len());
    let mut digest = String::new();
    let mut expected = 1;
    for r in rows {
        let seq = r.seq;
        if seq != expected {
            problems.push(format!("hồ sơ {id}: thiếu mục {expected} (gặp mục {seq})"));
        }
        expected = seq + 1;
        digest = chain(&digest, seq, &r.nonce, &r.sealed);
        match key.open(id, seq, &r.nonce, &r.sealed) {
            None => problems.push(format!("hồ sơ {id}, mục {seq}: không giải mã được")),
            Some(plain) => match serde_json::from_slice::<CaseEntry>(&plain) {
                Ok(e) if i64::from(e.seq) == seq => entries.push(e),
                Ok(_) => problems.push(format!(
                    "hồ sơ {id}, mục {seq}: nội dung không khớp với số mục"
                )),
                Err(e) => problems.push(format!("hồ sơ {id}, mục {seq}: không đọc được ({e})")),
            },
        }
    }
    if rows.len() as i64 != version {
        problems.push(format!(
            "hồ sơ {id}: ghi {version} mục nhưng có {} mục",
            rows.len()
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    CaseFile::replay(id, entries)
        .map(|c| (c, digest))
        .map_err(|e| vec![format!("hồ sơ {id}: {e}")])
}

/// The case as its entries give it, checked against the sealed summary when there is one; the
/// summary derived from the entries. `Err`: why the case is damaged.
pub(super) fn verify(
    key: &CaseKey,
    calendar: &WorkingCalendar,
    row: &CaseRow,
    sealed: Option<&Summary>,
    entries: &[EntryRow],
) -> Result<(CaseFile, Summary), Vec<String>> {
    let (case, digest) = replay(key, row.id, row.version, entries)?;
    let truth = Summary::of(&case, calendar, digest).map_err(|e| vec![e])?;
    if let Some(s) = sealed {
        if let Some(what) = s.disagrees(&truth) {
            return Err(vec![format!(
                "hồ sơ {}: tóm tắt niêm phong không khớp với các mục ({what})",
                row.id
            )]);
        }
    }
    Ok((case, truth))
}

/// A case found by id, as far as its row tells: enough to decide who may open it.
pub(super) enum Found {
    Missing,
    /// Its summary does not open: nobody can tell who may open it.
    Damaged(String),
    /// The summary, sealed or (for a row not sealed yet) derived from the entries, then
    /// carrying the case.
    Ok(CaseRow, Box<Summary>, Option<CaseFile>),
}

pub(super) async fn fetch_row(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> StorageResult<Option<CaseRow>> {
    sqlx::query("SELECT id, version, nonce, sealed FROM case_file WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(CaseRow::from_row)
        .transpose()
}

pub(super) async fn fetch_entries(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> StorageResult<Vec<EntryRow>> {
    sqlx::query("SELECT seq, nonce, sealed FROM case_entry WHERE case_id = $1 ORDER BY seq")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(EntryRow::from_row)
        .collect()
}

/// Reads case `id`'s row and summary. A row not sealed yet is replayed here, so its summary is
/// known too.
pub(super) async fn find(
    tx: &mut Transaction<'_, Any>,
    key: &CaseKey,
    calendar: &WorkingCalendar,
    id: i64,
) -> StorageResult<Found> {
    let Some(row) = fetch_row(tx, id).await? else {
        return Ok(Found::Missing);
    };
    Ok(match row.summary(key) {
        Err(why) => Found::Damaged(why),
        Ok(Some(s)) => Found::Ok(row, Box::new(s), None),
        Ok(None) => {
            let entries = fetch_entries(tx, id).await?;
            match verify(key, calendar, &row, None, &entries) {
                Ok((case, s)) => Found::Ok(row, Box::new(s), Some(case)),
                Err(why) => Found::Damaged(why.join("; ")),
            }
        }
    })
}

/// The whole case, checked against its summary. `Err`: why it is damaged.
pub(super) async fn open_found(
    tx: &mut Transaction<'_, Any>,
    key: &CaseKey,
    calendar: &WorkingCalendar,
    row: &CaseRow,
    summary: &Summary,
    replayed: Option<CaseFile>,
) -> StorageResult<Result<CaseFile, String>> {
    if let Some(case) = replayed {
        return Ok(Ok(case));
    }
    let entries = fetch_entries(tx, row.id).await?;
    Ok(verify(key, calendar, row, Some(summary), &entries)
        .map(|(c, _)| c)
        .map_err(|why| why.join("; ")))
}
