//! Records sealed into the audit chain (niêm phong bản ghi): what lets `treem check` see a
//! record changed straight in the database file.
//!
//! Each stored version of a child (`child_version`) or of a household (`household_version`)
//! and each health event (`health_event`) names, in its `seal` column, the audit entry written
//! in the same transaction. That entry keeps a digest of those rows (`rows_digest`: SHA-256
//! over the rows' columns, table by table, each table in key order), and the entry's hash
//! covers the digest and the number. A record edited, added or removed in the file no longer
//! matches its entry; making it match again means rewriting the entry, so its hash, every later
//! hash and the chain head — which an anchor kept outside the database shows
//! (`treem check --expect-head`).
//!
//! The current rows (`child`, `household`) are not sealed: they are updated in place. `check`
//! compares each with its current (sealed) version instead: every column that is derived from
//! the record must say what the record says.
//!
//! Seal numbers are not the entries' sequence numbers: the rows are written before their entry,
//! and taking the chain head first would make every writer wait for the head from its first row
//! on (on PostgreSQL the head row stays locked until commit). They come from a sequence on
//! PostgreSQL and from the largest number used so far on SQLite (one writer at a time; a write
//! based on an older snapshot fails). Rows stored before sealing existed (migration 0007) have
//! no number: one entry numbered 0, "niêm phong dữ liệu cũ", written by the migration (or by
//! `import all` of an older export), seals them all.
use crate::audit::{self, CheckReport};
use crate::error::StorageResult;
use crate::params::{insert_many, P};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::register::{ChildData, HouseholdData};
use treem_domain::role::Actor;
use treem_domain::text;

/// The schema from which records are sealed (migration 0007).
pub(crate) const SINCE_SCHEMA: i64 = 7;

/// The seal of the rows stored before sealing existed.
pub(crate) const LEGACY: i64 = 0;

/// A table whose rows are sealed. The order of [`Sealed::ALL`] is the order of the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sealed {
    ChildVersion,
    HouseholdVersion,
    HealthEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
}
use Kind::{Int, Text};

impl Sealed {
    pub(crate) const ALL: [Sealed; 3] = [
        Sealed::ChildVersion,
        Sealed::HouseholdVersion,
        Sealed::HealthEvent,
    ];

    fn table(self) -> &'static str {
        match self {
            Sealed::ChildVersion => "child_version",
            Sealed::HouseholdVersion => "household_version",
            Sealed::HealthEvent => "health_event",
        }
    }

    /// The key order of the digest (the tables' primary keys).
    fn order(self) -> &'static str {
        match self {
            Sealed::ChildVersion => "child_id, version",
            Sealed::HouseholdVersion => "household_id, version",
            Sealed::HealthEvent => "id",
        }
    }

    /// Every column but the seal, in the order they are digested and given to
    /// [`Seal::insert`]. The first one or two are the key.
    fn columns(self) -> &'static [(&'static str, Kind)] {
        match self {
            Sealed::ChildVersion => &[
                ("child_id", Int),
                ("version", Int),
                ("village_id", Int),
                ("recorded_at", Text),
                ("recorded_by", Int),
                ("data", Text),
            ],
            Sealed::HouseholdVersion => &[
                ("household_id", Int),
                ("version", Int),
                ("village_id", Int),
                ("recorded_at", Text),
                ("recorded_by", Int),
                ("data", Text),
            ],
            Sealed::HealthEvent => &[
                ("id", Int),
                ("kind", Text),
                ("child_id", Int),
                ("village_id", Int),
                ("date", Text),
                ("data", Text),
                ("recorded_by", Int),
                ("recorded_at", Text),
            ],
        }
    }

    fn key_len(self) -> usize {
        match self {
            Sealed::HealthEvent => 1,
            _ => 2,
        }
    }

    /// A row named for people: "trẻ 12, phiên bản 3".
    fn describe(self, k: (i64, i64)) -> String {
        match self {
            Sealed::ChildVersion => format!("trẻ {}, phiên bản {}", k.0, k.1),
            Sealed::HouseholdVersion => format!("hộ {}, phiên bản {}", k.0, k.1),
            Sealed::HealthEvent => format!("sự kiện y tế {}", k.0),
        }
    }
}

/// One column's value as digested.
#[derive(Debug, Clone, Copy)]
pub(crate) enum V<'a> {
    Null,
    I(i64),
    S(&'a str),
}

impl<'a> From<&'a P> for V<'a> {
    fn from(p: &'a P) -> Self {
        match p {
            P::I(Some(i)) => V::I(*i),
            P::S(Some(s)) => V::S(s),
            // No sealed column holds decimals.
            P::F(Some(_)) => unreachable!("sealed columns are integers and text"),
            P::I(None) | P::S(None) | P::F(None) => V::Null,
        }
    }
}

/// A row's bytes in the digest: the table, then each value tagged with its kind, texts
/// length-prefixed, so that no two different rows give the same bytes.
fn encode(buf: &mut Vec<u8>, t: Sealed, values: &[V]) {
    buf.push(b'r');
    buf.push(t as u8);
    for v in values {
        match v {
            V::Null => buf.push(b'n'),
            V::I(i) => {
                buf.push(b'i');
                buf.extend_from_slice(&i.to_le_bytes());
            }
            V::S(s) => {
                buf.push(b's');
                buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
                buf.extend_from_slice(s.as_bytes());
            }
        }
    }
}

/// The digest of rows given in digest order (table, then key).
pub(crate) struct Digester {
    h: Sha256,
    buf: Vec<u8>,
    pub(crate) rows: u64,
}

impl Default for Digester {
    fn default() -> Self {
        Digester {
            h: Sha256::new(),
            buf: Vec::with_capacity(512),
            rows: 0,
        }
    }
}

impl Digester {
    pub(crate) fn row(&mut self, t: Sealed, values: &[V]) {
        self.buf.clear();
        encode(&mut self.buf, t, values);
        self.h.update(&self.buf);
        self.rows += 1;
    }

    pub(crate) fn finish(self) -> String {
        hex::encode(self.h.finalize())
    }
}

/// A fresh seal number, unique in the database.
pub(crate) async fn next_id(tx: &mut Transaction<'_, Any>) -> StorageResult<i64> {
    let sql = if tx.backend_name() == "PostgreSQL" {
        "SELECT CAST(nextval('audit_seal') AS BIGINT) AS n"
    } else {
        "SELECT CAST(COALESCE(MAX(seal), 0) + 1 AS BIGINT) AS n FROM audit_log"
    };
    Ok(sqlx::query(sql).fetch_one(&mut **tx).await?.try_get("n")?)
}

/// The rows one transaction writes under one seal, kept to digest them when its audit entry is
/// appended ([`append_sealed`]).
pub(crate) struct Seal {
    pub(crate) id: i64,
    rows: Vec<(Sealed, (i64, i64), Vec<u8>)>,
}

impl Seal {
    /// Takes a new seal number for the rows this transaction will write.
    pub(crate) async fn begin(tx: &mut Transaction<'_, Any>) -> StorageResult<Seal> {
        Ok(Seal {
            id: next_id(tx).await?,
            rows: Vec::new(),
        })
    }

    /// Notes a row written with this seal; `values` are its columns in [`Sealed`]'s order.
    pub(crate) fn record(&mut self, t: Sealed, values: &[P]) {
        let v: Vec<V> = values.iter().map(V::from).collect();
        debug_assert_eq!(v.len(), t.columns().len());
        let int = |i: usize| match v.get(i) {
            Some(V::I(n)) if i < t.key_len() => *n,
            _ => 0,
        };
        let mut bytes = Vec::with_capacity(256);
        encode(&mut bytes, t, &v);
        self.rows.push((t, (int(0), int(1)), bytes));
    }

    /// Writes rows (columns in [`Sealed`]'s order) with this seal, and notes them.
    pub(crate) async fn insert(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        t: Sealed,
        rows: Vec<Vec<P>>,
    ) -> StorageResult<()> {
        for r in &rows {
            self.record(t, r);
        }
        let mut cols: Vec<&str> = t.columns().iter().map(|c| c.0).collect();
        cols.push("seal");
        let rows = rows
            .into_iter()
            .map(|mut r| {
                r.push(P::from(self.id));
                r
            })
            .collect();
        insert_many(tx, t.table(), &cols, rows).await
    }

    /// The digest of the rows noted, in digest order.
    pub(crate) fn digest(mut self) -> String {
        self.rows.sort_by_key(|r| (r.0, r.1));
        let mut h = Sha256::new();
        for (_, _, bytes) in &self.rows {
            h.update(bytes);
        }
        hex::encode(h.finalize())
    }
}

/// A sealed row read back: its seal (0 for none), key and values.
struct Read {
    owned: Vec<Owned>,
}

enum Owned {
    Null,
    I(i64),
    S(String),
}

impl Read {
    fn values(&self) -> Vec<V<'_>> {
        self.owned
            .iter()
            .map(|o| match o {
                Owned::Null => V::Null,
                Owned::I(i) => V::I(*i),
                Owned::S(s) => V::S(s),
            })
            .collect()
    }

    fn key(&self, t: Sealed) -> (i64, i64) {
        let int = |i: usize| match self.owned.get(i) {
            Some(Owned::I(n)) if i < t.key_len() => *n,
            _ => 0,
        };
        (int(0), int(1))
    }
}

/// Reads a sealed table in key order (only its unsealed rows with `legacy_only`), handing each
/// row with its seal to `f`.
async fn each_row(
    tx: &mut Transaction<'_, Any>,
    t: Sealed,
    legacy_only: bool,
    f: &mut (dyn FnMut(i64, &Read) + Send),
) -> StorageResult<()> {
    let cols: Vec<&str> = t.columns().iter().map(|c| c.0).collect();
    let filter = if legacy_only {
        " WHERE seal IS NULL"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {}, seal FROM {}{filter} ORDER BY {}",
        cols.join(", "),
        t.table(),
        t.order()
    );
    let mut rows = sqlx::query(&sql).fetch(&mut **tx);
    let mut read = Read { owned: Vec::new() };
    while let Some(r) = rows.try_next().await? {
        read.owned.clear();
        for (i, (_, kind)) in t.columns().iter().enumerate() {
            read.owned.push(match kind {
                Int => r
                    .try_get::<Option<i64>, _>(i)?
                    .map_or(Owned::Null, Owned::I),
                Text => r
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Owned::Null, Owned::S),
            });
        }
        let seal: Option<i64> = r.try_get(cols.len())?;
        f(seal.unwrap_or(LEGACY), &read);
    }
    Ok(())
}

/// Seals the rows stored before sealing existed with one audit entry ("niêm phong dữ liệu
/// cũ"), numbered [`LEGACY`]: run by migration 0007, and by `import all` of an export made
/// before it. Returns how many rows it sealed (none: no entry).
pub(crate) async fn seal_legacy(tx: &mut Transaction<'_, Any>) -> StorageResult<u64> {
    let done = sqlx::query("SELECT seq FROM audit_log WHERE seal = $1")
        .bind(LEGACY)
        .fetch_optional(&mut **tx)
        .await?;
    if done.is_some() {
        return Ok(0);
    }
    let mut d = Digester::default();
    for t in Sealed::ALL {
        each_row(tx, t, true, &mut |_, r| d.row(t, &r.values())).await?;
    }
    let n = d.rows;
    if n == 0 {
        return Ok(0);
    }
    let digest = d.finish();
    audit::append_entry(
        tx,
        &Actor::system(),
        "seal",
        "database",
        None,
        &format!("niêm phong dữ liệu cũ: {n} bản ghi"),
        Some((LEGACY, &digest)),
    )
    .await?;
    Ok(n)
}

/// Appends the entry that seals the rows this transaction wrote under `seal`
/// ([`crate::seal`]): its hash covers their digest.
pub(crate) async fn append_sealed(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    seal: Seal,
) -> StorageResult<()> {
    let id = seal.id;
    let digest = seal.digest();
    audit::append_entry(
        tx,
        actor,
        action,
        entity,
        entity_id,
        detail,
        Some((id, &digest)),
    )
    .await
}

/// Sets PostgreSQL's seal sequence past the numbers an import brought.
pub(crate) async fn fix_sequence(tx: &mut Transaction<'_, Any>) -> StorageResult<()> {
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query(
            // Never back: the sequence is shared by every commune the database hosts, and the
            // row security lets this one see only its own seals.
            "SELECT setval('audit_seal', GREATEST((SELECT COALESCE(MAX(seal), 0) FROM audit_log), \
             COALESCE(pg_sequence_last_value('audit_seal'), 0)) + 1, false)",
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// At most this many problems of one kind are listed; the rest are counted.
const LIST: usize = 10;

fn note(report: &mut CheckReport, mut lines: Vec<String>, what_more: &str) {
    let more = lines.len().saturating_sub(LIST);
    lines.truncate(LIST);
    report.problems.extend(lines);
    if more > 0 {
        report
            .problems
            .push(format!("… và {more} {what_more} khác"));
    }
}

/// Recomputes every sealed row's digest, entry by entry, against the digests the chain holds
/// (`entries`: seal number → entry's seq and stored digest).
pub(crate) async fn check_rows(
    tx: &mut Transaction<'_, Any>,
    entries: &HashMap<i64, (i64, String)>,
    report: &mut CheckReport,
) -> StorageResult<()> {
    struct Acc {
        h: Sha256,
        rows: u64,
        sample: Vec<String>,
    }
    let mut accs: HashMap<i64, Acc> = HashMap::new();
    let mut buf = Vec::with_capacity(512);
    for t in Sealed::ALL {
        each_row(tx, t, false, &mut |seal, r| {
            let acc = accs.entry(seal).or_insert_with(|| Acc {
                h: Sha256::new(),
                rows: 0,
                sample: Vec::new(),
            });
            buf.clear();
            encode(&mut buf, t, &r.values());
            acc.h.update(&buf);
            acc.rows += 1;
            if acc.sample.len() < 3 {
                acc.sample.push(t.describe(r.key(t)));
            }
        })
        .await?;
    }
    let mut bad = Vec::new();
    let mut sealed: Vec<(&i64, &(i64, String))> = entries.iter().collect();
    sealed.sort_by_key(|(_, (seq, _))| *seq);
    for (seal, (seq, stored)) in sealed {
        let (computed, rows, sample) = match accs.remove(seal) {
            Some(a) => (hex::encode(a.h.finalize()), a.rows, a.sample),
            None => (hex::encode(Sha256::new().finalize()), 0, Vec::new()),
        };
        if &computed != stored {
            let seen = if sample.is_empty() {
                "không còn bản ghi nào".to_string()
            } else {
                let more = if rows > sample.len() as u64 {
                    ", …"
                } else {
                    ""
                };
                format!("còn {rows} bản ghi: {}{more}", sample.join("; "))
            };
            bad.push(format!(
                "nhật ký: bản ghi niêm phong ở mục {seq} đã bị sửa, thêm hoặc xóa ({seen})"
            ));
        }
    }
    note(report, bad, "mục nhật ký có bản ghi bị sửa");
    let mut stray: Vec<(i64, Acc)> = accs.into_iter().collect();
    stray.sort_by_key(|(s, _)| *s);
    let mut bad = Vec::new();
    for (seal, a) in stray {
        let what = if seal == LEGACY {
            "chưa được niêm phong vào nhật ký".to_string()
        } else {
            format!("mang dấu niêm phong {seal} không có trong nhật ký")
        };
        bad.push(format!(
            "{} bản ghi {what} (thêm thẳng vào tệp?): {}",
            a.rows,
            a.sample.join("; ")
        ));
    }
    note(report, bad, "nhóm bản ghi");
    Ok(())
}

/// Whether a child was present on the day its version was recorded, as the write computed it.
/// Rows written before sealing took "today" a moment apart from the time they recorded, so for
/// them the day either side is accepted too.
fn present_agrees(d: &ChildData, stored: i64, recorded_at: &str, exact: bool) -> bool {
    if recorded_at.parse::<jiff::Timestamp>().is_err() {
        return false;
    }
    let day = crate::db::date_of(recorded_at);
    let days = if exact {
        vec![Some(day)]
    } else {
        vec![day.yesterday().ok(), Some(day), day.tomorrow().ok()]
    };
    days.into_iter()
        .flatten()
        .any(|on| d.present_on(on) as i64 == stored)
}

/// Every `child` row says what its current version says, points at its newest version, and
/// carries the times of its first and current versions; likewise every `household` row. These
/// rows are updated in place, so they are checked against the sealed versions rather than
/// sealed themselves.
pub(crate) async fn check_current(
    db: &crate::Db,
    tx: &mut Transaction<'_, Any>,
    sealed: bool,
    report: &mut CheckReport,
) -> StorageResult<i64> {
    let v_seal = if sealed {
        "v.seal"
    } else {
        "CAST(NULL AS BIGINT)"
    };
    // Read by position (the columns in this order), a million times over.
    let sql = format!(
        "SELECT c.id, c.village_id, c.household_id, c.full_name, c.search_text, c.sort_key, c.sex, \
         c.dob, c.personal_id, c.ethnicity, c.birth_registered, c.disability, c.present, c.version, \
         c.created_at, c.updated_at, v.village_id AS v_village, v.recorded_at AS v_at, v.data, \
         {v_seal} AS v_seal, \
         (SELECT MAX(m.version) FROM child_version m WHERE m.child_id = c.id{}) AS last_version, \
         (SELECT f.recorded_at FROM child_version f WHERE f.child_id = c.id AND f.version = 1{}) AS first_at \
         FROM child c LEFT JOIN child_version v ON v.child_id = c.id AND v.version = c.version{} \
         ORDER BY c.id",
        db.same("m", "c"),
        db.same("f", "c"),
        db.same("v", "c")
    );
    let mut children = 0;
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    let mut differ = Vec::new();
    {
        let mut rows = sqlx::query(&sql).fetch(&mut **tx);
        while let Some(r) = rows.try_next().await? {
            children += 1;
            let id: i64 = r.try_get(0)?;
            let Some(data) = r.try_get::<Option<String>, _>(18)? else {
                missing.push(format!("trẻ {id}: thiếu bản ghi phiên bản hiện tại"));
                continue;
            };
            let Ok(d) = serde_json::from_str::<ChildData>(&data) else {
                unreadable.push(format!("trẻ {id}: dữ liệu không đọc được"));
                continue;
            };
            let at: String = r.try_get(17)?;
            let exact = r.try_get::<Option<i64>, _>(19)?.is_some();
            let mut wrong: Vec<&str> = Vec::new();
            let mut cmp = |col: &'static str, same: bool| {
                if !same {
                    wrong.push(col);
                }
            };
            let int = |c: usize| r.try_get::<Option<i64>, _>(c);
            let txt = |c: usize| r.try_get::<Option<String>, _>(c);
            cmp("village_id", int(1)? == int(16)?);
            cmp("household_id", int(2)? == d.household_id);
            cmp("full_name", txt(3)?.as_deref() == Some(&d.full_name));
            cmp("search_text", txt(4)?.as_deref() == Some(&d.search_text()));
            cmp(
                "sort_key",
                txt(5)?.as_deref() == Some(&text::sort_key(&d.full_name)),
            );
            cmp("sex", txt(6)?.as_deref() == Some(d.sex.as_str()));
            cmp("dob", txt(7)? == d.date_of_birth.map(|x| x.to_string()));
            cmp(
                "personal_id",
                txt(8)? == d.personal_id.as_ref().map(|p| p.to_string()),
            );
            cmp("ethnicity", int(9)? == d.ethnicity.map(i64::from));
            cmp(
                "birth_registered",
                int(10)? == Some(d.birth_registered_on.is_some() as i64),
            );
            cmp(
                "disability",
                int(11)? == Some(d.disability_type.is_some() as i64),
            );
            cmp(
                "present",
                int(12)?.is_some_and(|p| present_agrees(&d, p, &at, exact)),
            );
            cmp("version", int(13)? == int(20)?);
            cmp("created_at", txt(14)? == txt(21)?);
            cmp("updated_at", txt(15)?.as_deref() == Some(&at));
            if !wrong.is_empty() {
                differ.push(format!(
                    "trẻ {id}: {} không khớp với phiên bản hiện tại (sửa thẳng vào tệp?)",
                    wrong.join(", ")
                ));
            }
        }
    }
    report.problems.extend(missing);
    report.problems.extend(unreadable);
    note(report, differ, "trẻ có cột không khớp");

    let v_village = if sealed {
        "v.village_id"
    } else {
        "CAST(NULL AS BIGINT)"
    };
    let sql = format!(
        "SELECT h.id, h.village_id, h.head_name, h.data, h.version, h.updated_at, \
         {v_village} AS v_village, v.recorded_at AS v_at, v.data AS v_data, \
         (SELECT MAX(m.version) FROM household_version m WHERE m.household_id = h.id{}) AS last_version \
         FROM household h LEFT JOIN household_version v ON v.household_id = h.id AND v.version = h.version{} \
         ORDER BY h.id",
        db.same("m", "h"),
        db.same("v", "h")
    );
    let mut differ = Vec::new();
    let mut rows = sqlx::query(&sql).fetch(&mut **tx);
    while let Some(r) = rows.try_next().await? {
        let id: i64 = r.try_get("id")?;
        let Some(v_data) = r.try_get::<Option<String>, _>("v_data")? else {
            differ.push(format!("hộ {id}: thiếu bản ghi phiên bản hiện tại"));
            continue;
        };
        let Ok(h) = serde_json::from_str::<HouseholdData>(&v_data) else {
            differ.push(format!("hộ {id}: dữ liệu không đọc được"));
            continue;
        };
        let mut wrong: Vec<&str> = Vec::new();
        let village: i64 = r.try_get("village_id")?;
        // Versions written before sealing do not say their village.
        if r.try_get::<Option<i64>, _>("v_village")?
            .is_some_and(|v| v != village)
        {
            wrong.push("village_id");
        }
        if r.try_get::<String, _>("head_name")? != h.head_name.trim() {
            wrong.push("head_name");
        }
        if r.try_get::<String, _>("data")? != v_data {
            wrong.push("data");
        }
        if r.try_get::<i64, _>("version")? != r.try_get::<i64, _>("last_version")? {
            wrong.push("version");
        }
        if r.try_get::<String, _>("updated_at")? != r.try_get::<String, _>("v_at")? {
            wrong.push("updated_at");
        }
        if !wrong.is_empty() {
            differ.push(format!(
                "hộ {id}: {} không khớp với phiên bản hiện tại (sửa thẳng vào tệp?)",
                wrong.join(", ")
            ));
        }
    }
    note(report, differ, "hộ có cột không khớp");
    Ok(children)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_rows_encode_alike() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        encode(&mut a, Sealed::HealthEvent, &[V::S("ab"), V::S("c")]);
        encode(&mut b, Sealed::HealthEvent, &[V::S("a"), V::S("bc")]);
        assert_ne!(a, b);
        a.clear();
        b.clear();
        encode(&mut a, Sealed::ChildVersion, &[V::Null, V::I(0)]);
        encode(&mut b, Sealed::ChildVersion, &[V::I(0), V::Null]);
        assert_ne!(a, b);
        a.clear();
        b.clear();
        encode(&mut a, Sealed::ChildVersion, &[V::S("")]);
        encode(&mut b, Sealed::HouseholdVersion, &[V::S("")]);
        assert_ne!(a, b);
    }

    #[test]
    fn a_seal_digests_its_rows_in_key_order_as_the_check_reads_them() {
        let row = |id: i64, v: i64| {
            vec![
                P::from(id),
                P::from(v),
                P::from(3),
                P::from("2026-01-01T00:00:00.000000Z"),
                P::from(0),
                P::from("{}"),
            ]
        };
        let mut s = Seal {
            id: 1,
            rows: Vec::new(),
        };
        s.record(Sealed::ChildVersion, &row(10, 2));
        s.record(Sealed::ChildVersion, &row(2, 1));
        s.record(Sealed::ChildVersion, &row(10, 1));
        let mut d = Digester::default();
        for (id, v) in [(2, 1), (10, 1), (10, 2)] {
            let r = row(id, v);
            d.row(
                Sealed::ChildVersion,
                &r.iter().map(V::from).collect::<Vec<_>>(),
            );
        }
        assert_eq!(s.digest(), d.finish());
    }
}
