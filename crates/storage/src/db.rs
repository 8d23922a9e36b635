use crate::error::StorageResult;
use crate::migrate;
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
}

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
    /// Opens the database and brings its schema up to date (refusing a newer one).
    pub async fn open(url: &str) -> StorageResult<Db> {
        let db = Self::connect(url).await?;
        migrate::run(&db).await?;
        Ok(db)
    }

    /// Opens without migrating (for `check`, which must not change anything).
    pub async fn connect(url: &str) -> StorageResult<Db> {
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
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(30));
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
                    conn.execute("PRAGMA cache_size = -16000").await?;
                    Ok(())
                })
            });
        }
        let pool = opts.connect(&url).await?;
        Ok(Db {
            pool,
            backend,
            url,
            case_key: None,
            calendar: std::sync::Arc::new(treem_domain::case::embedded_calendar().clone()),
        })
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

/// Today in Vietnam.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
}
