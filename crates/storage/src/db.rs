use crate::error::{StorageError, StorageResult};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::sync::Once;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database behind treem. Cheap to clone (a pool).
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    url: String,
    /// The key that seals case entries; without it case operations are refused.
    pub(crate) case_key: Option<std::sync::Arc<crate::crypto::CaseKey>>,
    /// Working days for case deadlines: the embedded calendar or the commune's own file.
    pub(crate) calendar: std::sync::Arc<treem_domain::case::WorkingCalendar>,
    /// One writer at a time on SQLite, queued here (fairly, without holding a connection)
    /// rather than inside SQLite, whose busy handler neither queues nor applies to a read that
    /// turns into a write.
    write_gate: std::sync::Arc<tokio::sync::Semaphore>,
    /// The commune (xã) every statement on this handle reads and writes. On PostgreSQL each of
    /// the pool's connections is opened for it (`treem.commune`, as the role `treem_tenant`,
    /// under row-level security, migration 0018); a SQLite file holds commune 1 only.
    commune: CommuneId,
    /// Rows of the search index per word, read now and then (`word_counts.rs`).
    pub(crate) word_counts: std::sync::Arc<crate::word_counts::WordCounts>,
}

/// A commune's number in a database that hosts many (`hosted_commune.id`); 1 for the first.
pub type CommuneId = i64;

/// The commune of a database that holds one (every SQLite file, a PostgreSQL database until it
/// hosts more).
pub const FIRST_COMMUNE: CommuneId = 1;

/// PostgreSQL's compiling of a statement to machine code, off: treem's statements run in
/// milliseconds, but those over eight partitions of many tables are estimated dear enough to
/// be compiled, which took 2.2 s for a statement that runs in 90 ms (the province's read of
/// every commune's stamps, docs/scale.md).
const NO_JIT: &str = "set_config('jit', 'off', false)";

/// Connections at most for each commune a server hosts beside the first.
const HOSTED_POOL: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// One commune's statements, under its row-level security.
    Tenant,
    /// The same, for one of the many communes a server hosts: a smaller pool.
    HostedTenant,
    /// The schema's owner: migrations only.
    Owner,
}

/// How long a write waits for its turn before the caller is told to try again
/// ([`StorageError::Busy`], 503 with `Retry-After` over HTTP). Longer than any ordinary write
/// takes under load; shorter than a person's patience.
const WRITE_WAIT: Duration = Duration::from_secs(15);

/// The turn to write, held until the transaction ends (dropped after commit or rollback).
pub(crate) struct WriteTurn(#[allow(dead_code)] Option<tokio::sync::OwnedSemaphorePermit>);

static DRIVERS: Once = Once::new();

/// Normalises what users type: a bare path means a SQLite file.
pub(crate) fn normalise_url(url: &str) -> (Backend, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (Backend::Postgres, url.to_string());
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, q.to_string()),
        None => (path, "mode=rwc".to_string()),
    };
    (Backend::Sqlite, format!("sqlite://{path}?{query}"))
}

impl Db {
    /// Opens without migrating (for `check`, which must not change anything); [`Db::open`]
    /// migrates as well.
    pub async fn connect(url: &str) -> StorageResult<Db> {
        Self::connect_as(url, FIRST_COMMUNE, Access::Tenant).await
    }

    /// The same database, for another commune it hosts: a pool of its own whose connections are
    /// scoped to that commune. A SQLite file holds one commune and refuses any other.
    pub async fn for_commune(&self, commune: CommuneId) -> StorageResult<Db> {
        if commune == self.commune {
            return Ok(self.clone());
        }
        self.open_commune(commune).await
    }

    /// A new pool for `commune` (this handle's own too), a few connections opened as needed,
    /// for one piece of work and then [`Db::close`]d — unlike [`Db::for_commune`], which hands
    /// back this very pool for this handle's commune, so that closing it would close this one.
    pub async fn open_commune(&self, commune: CommuneId) -> StorageResult<Db> {
        if self.backend == Backend::Sqlite && commune != self.commune {
            return Err(StorageError::OtherCommune);
        }
        let mut db = Self::connect_as(&self.url, commune, Access::HostedTenant).await?;
        db.case_key = self.case_key.clone();
        db.calendar = self.calendar.clone();
        Ok(db)
    }

    /// The commune this handle reads and writes.
    pub fn commune_id(&self) -> CommuneId {
        self.commune
    }

    /// ` AND {alias}.commune = N` on PostgreSQL, nothing on SQLite (a file holds one commune and
    /// has no such column). Row security keeps every statement within the commune already, but
    /// through a function the planner cannot read ahead: it plans the statement over all eight
    /// partitions of each table and drops seven only when it runs (a search planned in 6 ms
    /// and run in 1–2 ms, docs/scale.md). The commune's number written into the statement lets
    /// the planner prune first, and is what Citus's router needs to send it to one shard. The
    /// number is this handle's own, never a request's.
    pub(crate) fn and_own(&self, alias: &str) -> String {
        self.own(alias)
            .map(|c| format!(" AND {c}"))
            .unwrap_or_default()
    }

    /// ` AND {a}.commune = {b}.commune` on PostgreSQL, nothing on SQLite: a join of two commune
    /// tables on their ids names the commune too, so that Citus, which plans without the
    /// row-security policy, keeps the join on each commune's shards (docs/scale.md).
    pub(crate) fn same(&self, a: &str, b: &str) -> String {
        same_on(self.backend, a, b)
    }

    /// [`Db::same`] for a statement run on a transaction (whose backend says which).
    pub(crate) fn same_in(conn: &sqlx::AnyConnection, a: &str, b: &str) -> String {
        let backend = if conn.backend_name() == "SQLite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        same_on(backend, a, b)
    }

    /// The condition of [`Db::and_own`] alone (`{alias}.commune = N`), for a list of
    /// conditions; None on SQLite.
    pub(crate) fn own(&self, alias: &str) -> Option<String> {
        match self.backend {
            Backend::Postgres => Some(format!("{alias}.commune = {}", self.commune)),
            Backend::Sqlite => None,
        }
    }

    /// A connection as the schema's owner, for migrations.
    pub(crate) async fn connect_owner(url: &str) -> StorageResult<Db> {
        Self::connect_as(url, FIRST_COMMUNE, Access::Owner).await
    }

    pub(crate) async fn connect_as(
        url: &str,
        commune: CommuneId,
        access: Access,
    ) -> StorageResult<Db> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let (backend, url) = normalise_url(url);
        if backend == Backend::Sqlite {
            if let Some((path, query)) = url
                .strip_prefix("sqlite://")
                .and_then(|r| r.split_once('?'))
            {
                if query.split('&').any(|kv| kv == "mode=rwc") {
                    crate::files::precreate_sqlite(path);
                }
            }
        }
        let mut opts = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30));
        if access == Access::HostedTenant {
            // One of many communes on one server: a few connections, none kept while the
            // commune is quiet, so that the server's connections go to those at work
            // (docs/operations.md: PostgreSQL's max_connections).
            opts = opts
                .max_connections(HOSTED_POOL)
                .min_connections(0)
                .idle_timeout(Duration::from_secs(60));
        }
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    // Wait rather than fail when another connection holds the lock; first,
                    // as even `journal_mode` (a no-op once in WAL) fails at once without it
                    // while a write is open elsewhere, which a new pool connection can meet.
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    // Power cuts are normal in the commune: WAL with full sync.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    // 4 MB a connection: the operating system keeps the file's pages anyway,
                    // and eight connections of 16 MB held 130 MB after a million children's
                    // searches, for no search measurably faster (docs/scale.md).
                    conn.execute("PRAGMA cache_size = -4000").await?;
                    Ok(())
                })
            });
        } else if access != Access::Owner {
            opts = opts.after_connect(move |conn, _| {
                Box::pin(async move {
                    // Scoped before the first statement: the commune for row-level security,
                    // and — once migration 0018 made it — the role that never bypasses it
                    // (the login may be a superuser or the tables' owner, which would); on Citus
                    // the commune's own role, which carries it to the workers (0025).
                    sqlx::query(&format!(
                        "SELECT set_config('treem.commune', $1, false), {NO_JIT}, \
                         CASE WHEN to_regproc('public.treem_commune') IS NOT NULL \
                         THEN set_config('role', CASE WHEN to_regrole('treem_c_' || $1) IS NOT NULL \
                         THEN 'treem_c_' || $1 ELSE 'treem_tenant' END, false) END"
                    ))
                    .bind(commune.to_string())
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                })
            });
        } else {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query(&format!("SELECT {NO_JIT}"))
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        // A hosted commune's pool opens its first connection when first used: a server of many
        // communes holds none for the quiet ones.
        let pool = if access == Access::HostedTenant {
            opts.connect_lazy(&url)?
        } else {
            opts.connect(&url).await?
        };
        Ok(Db {
            pool,
            backend,
            url,
            case_key: None,
            calendar: std::sync::Arc::new(treem_domain::case::embedded_calendar().clone()),
            write_gate: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
            word_counts: Default::default(),
            commune,
        })
    }

    /// A transaction that will write. On SQLite it waits its turn at the write gate, then
    /// takes the database's write lock at once (`BEGIN IMMEDIATE`): a transaction begun as a
    /// read that later writes fails at once with SQLITE_BUSY when another connection wrote
    /// meanwhile, whatever the busy timeout. Another process (a CLI import, a backup) is still
    /// waited for by SQLite's busy timeout. On PostgreSQL row locks do the queueing.
    ///
    /// The turn is held until it is dropped, so a caller that goes on to another write after
    /// committing drops it first (`drop(turn)`); otherwise that write waits for itself until
    /// [`WRITE_WAIT`] and fails with [`StorageError::Busy`].
    pub(crate) async fn begin_write(
        &self,
    ) -> StorageResult<(WriteTurn, sqlx::Transaction<'static, sqlx::Any>)> {
        let turn = self.write_turn().await?;
        let tx = self.pool.begin_with(self.begin_statement()).await?;
        Ok((turn, tx))
    }

    /// A transaction that only reads (a consistent snapshot): no turn to wait for. It must not
    /// write — on SQLite a read that turns into a write fails at once when another connection
    /// wrote meanwhile; use [`Db::begin_write`].
    pub(crate) async fn begin_read(&self) -> StorageResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(self.pool.begin().await?)
    }

    /// This process's turn to write on SQLite (nothing to wait for on PostgreSQL), for a
    /// writer that sets up its own connection (the bulk import) and then begins with
    /// [`Db::begin_statement`].
    pub(crate) async fn write_turn(&self) -> StorageResult<WriteTurn> {
        if self.backend == Backend::Postgres {
            return Ok(WriteTurn(None));
        }
        let permit = tokio::time::timeout(WRITE_WAIT, self.write_gate.clone().acquire_owned())
            .await
            .map_err(|_| {
                tracing::warn!("a write waited {WRITE_WAIT:?} for its turn; answered busy");
                StorageError::Busy
            })?
            .map_err(|_| StorageError::Busy)?;
        Ok(WriteTurn(Some(permit)))
    }

    /// How a writing transaction begins on this backend.
    pub(crate) fn begin_statement(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SQLite file behind this database, if it is one.
    pub fn sqlite_path(&self) -> Option<String> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let rest = self.url.strip_prefix("sqlite://")?;
        Some(rest.split('?').next().unwrap_or(rest).to_string())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs SQL as given. For administration and tests (creating databases, simulating
    /// tampering); application code goes through the typed operations.
    pub async fn raw_execute(&self, sql: &str) -> StorageResult<u64> {
        Ok(sqlx::raw_sql(sql)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// [`Db::raw_execute`] with the rights of the schema's owner — past row security and able
    /// to change the schema — on this commune's defaults: what someone with the database's
    /// password could do (tests that tamper "straight in the database", administration).
    /// The same as `raw_execute` on SQLite.
    pub async fn raw_execute_as_owner(&self, sql: &str) -> StorageResult<u64> {
        if self.backend == Backend::Sqlite {
            return self.raw_execute(sql).await;
        }
        let owner = Db::connect_owner(&self.url).await?;
        let done = async {
            let mut conn = owner.pool.acquire().await?;
            sqlx::query("SELECT set_config('treem.commune', $1, false)")
                .bind(self.commune.to_string())
                .execute(&mut *conn)
                .await?;
            let n = sqlx::raw_sql(sql)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            StorageResult::Ok(n)
        }
        .await;
        owner.close().await;
        done
    }

    /// PostgreSQL again reads the statistics of `tables` (every table when empty), which its
    /// planner chooses by, and marks their pages visible to all; nothing on SQLite. After a
    /// load of thousands of rows the statistics describe the tables as they were: on the demo's
    /// 100,000 children, never analysed, a search of two words took 350 ms instead of 4, each
    /// page of results walking a village's every child for the 50 ids it wanted. Until a
    /// page is marked visible to all, an index cannot answer alone (an index-only scan): at a
    /// million children loaded by `import all`, the count of a two-letter search bitmapped all
    /// 242,000 rows of «va…» for the 1,500 it needed, 16 ms, then 1.5 ms once vacuumed; the
    /// whole database's vacuum took 12 s. Autovacuum would do both within minutes, where it
    /// runs (it is off on some servers); a load does not wait for it. A vacuum passes over the
    /// pages already marked, so a small load costs little. As the owner: only the owner of a
    /// table may vacuum or analyse it.
    pub async fn refresh_statistics(&self, tables: &'static [&'static str]) -> StorageResult<()> {
        if self.backend == Backend::Sqlite {
            return Ok(());
        }
        // Outside any transaction, which VACUUM refuses: one statement on a connection of its
        // own.
        let sql = format!("VACUUM (ANALYZE) {}", tables.join(", "));
        let owner = Db::connect_owner(&self.url).await?;
        let done = sqlx::query(&sql).execute(&owner.pool).await;
        owner.close().await;
        done.map(|_| ()).map_err(Into::into)
    }

    pub(crate) async fn fetch_all(&self, sql: &str) -> StorageResult<Vec<AnyRow>> {
        Ok(sqlx::query(sql).fetch_all(&self.pool).await?)
    }
}

/// Now, as fixed-width UTC text so that text order is time order on both backends.
pub(crate) fn now_text() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// The first instant after `date` ends in Vietnam (UTC+7, no daylight saving).
pub(crate) fn end_of_day_text(date: jiff::civil::Date) -> String {
    let next = date.tomorrow().unwrap_or(date);
    let ts = next
        .at(0, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::MAX);
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The recording times a figure reads are those before this text: the end of the day asked
/// ([`Known::RecordedBy`](treem_domain::indicator::Known)), or after every timestamp treem
/// writes.
pub(crate) fn known_cutoff(known: treem_domain::indicator::Known) -> String {
    match known.recorded_by() {
        Some(d) => end_of_day_text(d),
        None => "9".to_string(),
    }
}

/// Today in Vietnam.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
}

/// The day in Vietnam of one of our timestamps ([`now_text`]); today for anything else.
pub(crate) fn date_of(at: &str) -> jiff::civil::Date {
    at.parse::<jiff::Timestamp>()
        .map(|ts| {
            ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                .date()
        })
        .unwrap_or_else(|_| today())
}

/// Moves PostgreSQL's id sequence of each of `tables` past the ids written there explicitly (an
/// import writes its own ids), never back: a sequence set back to `MAX(id) + 1` hands a live
/// writer an id another writer has already drawn but not committed yet.
pub(crate) async fn fix_sequences(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    tables: &[&str],
) -> StorageResult<()> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for t in tables {
        // A database at an older schema (an import into it, to be migrated after) lacks the
        // newer tables: nothing to set there.
        let exists: Option<String> =
            sqlx::query_scalar(&format!("SELECT to_regclass('{t}')::text"))
                .fetch_one(&mut **tx)
                .await?;
        if exists.is_none() {
            continue;
        }
        sqlx::query(&format!(
            "SELECT setval(s.seq, GREATEST((SELECT COALESCE(MAX(id), 0) FROM {t}),              COALESCE(pg_sequence_last_value(s.seq::regclass), 0)) + 1, false)              FROM (SELECT pg_get_serial_sequence('{t}', 'id') AS seq) s"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stores a setting (`setting` table), replacing its earlier value, in the caller's transaction.
pub(crate) async fn put_setting(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    value: &str,
) -> StorageResult<()> {
    // The key is unique within a commune; PostgreSQL's index names the commune too.
    let target = match tx.backend_name() {
        "PostgreSQL" => "(commune, key)",
        _ => "(key)",
    };
    sqlx::query(&format!(
        "INSERT INTO setting (key, value) VALUES ($1, $2) \
         ON CONFLICT {target} DO UPDATE SET value = excluded.value"
    ))
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// [`Db::same`] for a statement made knowing only the backend.
pub(crate) fn same_on(backend: Backend, a: &str, b: &str) -> String {
    match backend {
        Backend::Postgres => format!(" AND {a}.commune = {b}.commune"),
        Backend::Sqlite => String::new(),
    }
}
