//! `treem check` for the narrow copies the figures read (migration 0005): every child version
//! has its `child_fact` row saying what the full record says, and every child's health events
//! are in its `health_pack`. The database's triggers keep them; this finds a copy that a manual
//! edit with the triggers off (or a bug) left behind.
use crate::audit::CheckReport;
use crate::db::{Backend, Db};
use crate::error::StorageResult;
use sqlx::Row;
use treem_domain::indicator::ChildFacts;
use treem_domain::register::Child;

/// The copies of every row already stored, from the views that define them: run by the
/// migration that creates them (0005) and by `treem rebuild-copies`.
pub(crate) const FILL: [&str; 4] = [
    "DELETE FROM child_fact",
    "DELETE FROM health_pack",
    FILL_FACTS,
    crate::health::FILL_PACKS,
];

/// Every child version's copy, from the view that defines it (migration 0005's form).
const FILL_FACTS: &str =
    "INSERT INTO child_fact (child_id, version, village_id, recorded_at, line) \
     SELECT child_id, version, village_id, recorded_at, line FROM child_fact_source";

/// [`FILL_FACTS`] on PostgreSQL from migration 0025: each copy's commune from its source, so
/// that Citus writes it on the source's node (migration 0025).
const FILL_FACTS_COMMUNE: &str =
    "INSERT INTO child_fact (commune, child_id, version, village_id, recorded_at, line) \
     SELECT commune, child_id, version, village_id, recorded_at, line FROM child_fact_source";

/// [`FILL`] as a database at this build's schema takes it (`treem rebuild-copies`).
fn fill_now(backend: Backend) -> [&'static str; 4] {
    match backend {
        Backend::Sqlite => FILL,
        Backend::Postgres => [
            FILL[0],
            FILL[1],
            FILL_FACTS_COMMUNE,
            crate::health::FILL_PACKS_COMMUNE,
        ],
    }
}

/// From this schema a PostgreSQL load sets the copying trigger of versions aside for its own
/// transaction (`treem.bulk_load`, migration 0024) and copies them at its end ([`fill_facts`]).
pub(crate) const FACTS_AT_END_SINCE_SCHEMA: i64 = 24;

/// Sets the copying triggers aside (`on`) for the rest of this transaction, or back (migrations
/// 0023, 0024, and 0026 on Citus): a PostgreSQL load then makes the copies once at its end
/// ([`fill_facts`], `health::fill_packs`). Every other session keeps its triggers.
///
/// Said with `SET LOCAL`, which Citus carries to the workers' connections of the transaction
/// (`citus.propagate_set_commands`), where the triggers run; without Citus that setting is a
/// name nothing reads.
pub(crate) async fn bulk_load(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    on: bool,
) -> StorageResult<()> {
    sqlx::query("SET LOCAL citus.propagate_set_commands = 'local'")
        .execute(&mut **tx)
        .await?;
    let sql = format!(
        "SET LOCAL treem.bulk_load = '{}'",
        if on { "on" } else { "off" }
    );
    sqlx::query(&sql).execute(&mut **tx).await?;
    Ok(())
}

/// Copies, in one statement, the versions of the children after `after` (their ids are the
/// load's): what the trigger set aside by the load would have copied one by one.
pub(crate) async fn fill_facts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    after: i64,
) -> StorageResult<()> {
    let sql = format!("{FILL_FACTS_COMMUNE} WHERE child_id > $1 ORDER BY child_id, version");
    sqlx::query(&sql).bind(after).execute(&mut **tx).await?;
    Ok(())
}

impl Db {
    /// Builds the figures' copies again from the full records, the search index's words from
    /// the children and its pairs of words from its words, in one transaction
    /// (`treem rebuild-copies`).
    pub async fn rebuild_copies(&self) -> StorageResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        for statement in fill_now(self.backend) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        crate::child_words::derive_all(&mut tx).await?;
        crate::word_pairs::derive_all(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// At most this many problems of each kind are listed; the rest are counted.
const LIST: usize = 10;

/// Children whose records and copies are compared at once (about 65 MB of records).
const CHECK_SLICE: i64 = 50_000;

/// The schema version that made the copies; an older database has none to check.
pub(crate) const SINCE_SCHEMA: i64 = 5;

/// Checks the copies of a database at schema `version` (`treem check` does not migrate: an
/// older database has no copies yet).
pub(crate) async fn check_copies(
    db: &Db,
    version: i64,
    report: &mut CheckReport,
) -> StorageResult<()> {
    if version < SINCE_SCHEMA {
        return Ok(());
    }
    // Versions without a copy, copies without a version, copies of another village or time.
    let keys = sqlx::query(&format!(
        "SELECT v.child_id AS c, v.version AS v, f.child_id AS fc FROM child_version v \
         LEFT JOIN child_fact f ON f.child_id = v.child_id AND f.version = v.version{} \
         WHERE f.child_id IS NULL OR f.village_id <> v.village_id OR f.recorded_at <> v.recorded_at \
         UNION ALL \
         SELECT f.child_id, f.version, f.child_id FROM child_fact f \
         LEFT JOIN child_version v ON v.child_id = f.child_id AND v.version = f.version{} \
         WHERE v.child_id IS NULL",
        db.same("f", "v"),
        db.same("v", "f")
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut bad: Vec<String> = Vec::new();
    for r in &keys {
        let (c, v): (i64, i64) = (r.try_get("c")?, r.try_get("v")?);
        bad.push(format!("trẻ {c}, phiên bản {v}"));
    }
    // What each child's current copy says, against its full record, a slice of children at a
    // time: the whole register's records and copies at once held 1.3 GB at a million children
    // (the closing check of `import all`).
    let far = jiff::civil::date(9999, 12, 30);
    let last = db.last_child_id().await?;
    let mut after = 0;
    while after < last {
        let up_to = (after + CHECK_SLICE).min(last);
        let full = db.register_slice_at::<Child>(far, (after, up_to)).await?;
        let facts = db
            .register_slice_at::<ChildFacts>(far, (after, up_to))
            .await?;
        let (full, facts) = (full.children(0), facts.children(0));
        let mut copies = facts.iter().peekable();
        for child in full {
            while copies.next_if(|f| f.id < child.id).is_some() {}
            let same = copies
                .next_if(|f| f.id == child.id)
                .is_some_and(|f| **f == ChildFacts::of(child));
            if !same {
                bad.push(format!("trẻ {}, phiên bản {}", child.id, child.version));
            }
        }
        after = up_to;
    }
    bad.sort();
    bad.dedup();
    note(report, "bản sao cho số liệu của sổ trẻ em không khớp", bad);
    // Each child's events of a kind, counted in the events and in the pack.
    let rs = match db.backend {
        Backend::Sqlite => "char(30)",
        Backend::Postgres => "chr(30)",
    };
    // Index lookups both ways (a join of the two grouped sides has no index to use and takes
    // hours at a million children).
    // Only the records in use are packed: a record replaced by a correction (migration 0017)
    // is not.
    let current = if version >= crate::health::REPLACEMENT_SINCE_SCHEMA {
        "AND e.replaced_by IS NULL"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT p.child_id AS c, p.kind AS k FROM health_pack p \
         WHERE LENGTH(p.events) - LENGTH(REPLACE(p.events, {rs}, '')) + 1 <> \
               (SELECT COUNT(*) FROM health_event e WHERE e.child_id = p.child_id AND e.kind = p.kind{} {current}) \
         UNION \
         SELECT e.child_id AS c, e.kind AS k FROM health_event e \
         WHERE e.child_id IS NOT NULL {current} AND NOT EXISTS \
               (SELECT 1 FROM health_pack p WHERE p.child_id = e.child_id AND p.kind = e.kind{})",
        db.same("e", "p"),
        db.same("p", "e")
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut bad = Vec::new();
    for r in &rows {
        let (c, k): (i64, String) = (r.try_get("c")?, r.try_get("k")?);
        bad.push(format!("trẻ {c}, {k}"));
    }
    note(
        report,
        "bản sao cho số liệu của sự kiện y tế không khớp",
        bad,
    );
    Ok(())
}

fn note(report: &mut CheckReport, what: &str, mut bad: Vec<String>) {
    if bad.is_empty() {
        return;
    }
    let more = bad.len().saturating_sub(LIST);
    bad.truncate(LIST);
    let tail = if more > 0 {
        format!(" và {more} chỗ khác")
    } else {
        String::new()
    };
    report.problems.push(format!(
        "{what}: {}{tail} (chạy `treem rebuild-copies` để dựng lại)",
        bad.join("; ")
    ));
}
