//! Embedded migrations, one folder per backend with matching versions.
use crate::db::{now_text, Backend, Db};
use crate::error::{StorageError, StorageResult};
use sqlx::{Any, Row, Transaction};

/// A step in Rust run after a migration's statements, in the same transaction.
type Finish = for<'a, 'c> fn(
    &'a mut Transaction<'c, Any>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = StorageResult<()>> + Send + 'a>,
>;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// Statements run after the script, on either backend, in the same transaction (data the
    /// script's new objects derive from the rows already stored).
    after: &'static [&'static str],
    /// Work the statements cannot do, run after them (0007 seals the rows already stored).
    finish: Option<Finish>,
}

/// Migration 0007: the rows stored so far are sealed by one audit entry.
fn seal_existing<'a, 'c>(
    tx: &'a mut Transaction<'c, Any>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = StorageResult<()>> + Send + 'a>> {
    Box::pin(async move { crate::seal::seal_legacy(tx).await.map(|_| ()) })
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "register",
        sqlite: include_str!("../migrations/sqlite/0001_register.sql"),
        postgres: include_str!("../migrations/postgres/0001_register.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 2,
        name: "plans",
        sqlite: include_str!("../migrations/sqlite/0002_plans.sql"),
        postgres: include_str!("../migrations/postgres/0002_plans.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 3,
        name: "health",
        sqlite: include_str!("../migrations/sqlite/0003_health.sql"),
        postgres: include_str!("../migrations/postgres/0003_health.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 4,
        name: "cases",
        sqlite: include_str!("../migrations/sqlite/0004_cases.sql"),
        postgres: include_str!("../migrations/postgres/0004_cases.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 5,
        name: "figures",
        sqlite: include_str!("../migrations/sqlite/0005_figures.sql"),
        postgres: include_str!("../migrations/postgres/0005_figures.sql"),
        after: &crate::copies::FILL,
        finish: None,
    },
    Migration {
        version: 6,
        name: "account_confirmation",
        sqlite: include_str!("../migrations/sqlite/0006_account_confirmation.sql"),
        postgres: include_str!("../migrations/postgres/0006_account_confirmation.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 7,
        name: "seals",
        sqlite: include_str!("../migrations/sqlite/0007_seals.sql"),
        postgres: include_str!("../migrations/postgres/0007_seals.sql"),
        after: &[],
        finish: Some(seal_existing),
    },
    Migration {
        version: 8,
        name: "sealed_cases",
        sqlite: include_str!("../migrations/sqlite/0008_sealed_cases.sql"),
        postgres: include_str!("../migrations/postgres/0008_sealed_cases.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 9,
        name: "form_submissions",
        sqlite: include_str!("../migrations/sqlite/0009_form_submissions.sql"),
        postgres: include_str!("../migrations/postgres/0009_form_submissions.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 10,
        name: "reports",
        sqlite: include_str!("../migrations/sqlite/0010_reports.sql"),
        postgres: include_str!("../migrations/postgres/0010_reports.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 11,
        name: "account_names",
        sqlite: include_str!("../migrations/sqlite/0011_account_names.sql"),
        postgres: include_str!("../migrations/postgres/0011_account_names.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 12,
        name: "province",
        sqlite: include_str!("../migrations/sqlite/0012_province.sql"),
        postgres: include_str!("../migrations/postgres/0012_province.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 13,
        name: "plan_work",
        sqlite: include_str!("../migrations/sqlite/0013_plan_work.sql"),
        postgres: include_str!("../migrations/postgres/0013_plan_work.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 14,
        name: "activities",
        sqlite: include_str!("../migrations/sqlite/0014_activities.sql"),
        postgres: include_str!("../migrations/postgres/0014_activities.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 15,
        name: "hazards_budget",
        sqlite: include_str!("../migrations/sqlite/0015_hazards_budget.sql"),
        postgres: include_str!("../migrations/postgres/0015_hazards_budget.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 16,
        name: "self_assessment",
        sqlite: include_str!("../migrations/sqlite/0016_self_assessment.sql"),
        postgres: include_str!("../migrations/postgres/0016_self_assessment.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 17,
        name: "health_replacement",
        sqlite: include_str!("../migrations/sqlite/0017_health_replacement.sql"),
        postgres: include_str!("../migrations/postgres/0017_health_replacement.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 18,
        name: "communes",
        sqlite: include_str!("../migrations/sqlite/0018_communes.sql"),
        postgres: include_str!("../migrations/postgres/0018_communes.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 19,
        name: "search_order",
        sqlite: include_str!("../migrations/sqlite/0019_search_order.sql"),
        postgres: include_str!("../migrations/postgres/0019_search_order.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 20,
        name: "search_pairs",
        sqlite: include_str!("../migrations/sqlite/0020_search_pairs.sql"),
        postgres: include_str!("../migrations/postgres/0020_search_pairs.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 21,
        name: "figures_kept",
        sqlite: include_str!("../migrations/sqlite/0021_figures_kept.sql"),
        postgres: include_str!("../migrations/postgres/0021_figures_kept.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 22,
        name: "pair_text",
        sqlite: include_str!("../migrations/sqlite/0022_pair_text.sql"),
        postgres: include_str!("../migrations/postgres/0022_pair_text.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 23,
        name: "pack_bulk_load",
        sqlite: include_str!("../migrations/sqlite/0023_pack_bulk_load.sql"),
        postgres: include_str!("../migrations/postgres/0023_pack_bulk_load.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 24,
        name: "fact_bulk_load",
        sqlite: include_str!("../migrations/sqlite/0024_fact_bulk_load.sql"),
        postgres: include_str!("../migrations/postgres/0024_fact_bulk_load.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 25,
        name: "citus",
        sqlite: include_str!("../migrations/sqlite/0025_citus.sql"),
        postgres: include_str!("../migrations/postgres/0025_citus.sql"),
        after: &[],
        finish: None,
    },
    Migration {
        version: 26,
        name: "citus_loads",
        sqlite: include_str!("../migrations/sqlite/0026_citus_loads.sql"),
        postgres: include_str!("../migrations/postgres/0026_citus_loads.sql"),
        after: &[],
        finish: None,
    },
];

/// The newest schema this build knows.
pub const SCHEMA_VERSION: i64 = 26;

/// Migrations that drop clear values (case metadata, 0008): on SQLite the file is vacuumed
/// after them, so that the dropped bytes do not stay in free pages or the WAL.
const SCRUB_AFTER: &[i64] = &[crate::cases::SUMMARIES_SEALED_FROM];

/// The schema version found in the database (0 when empty).
pub async fn current_version(db: &Db) -> StorageResult<i64> {
    // Read only: the tenant role may not create tables, and `check` must not change anything.
    if !has_migration_table(db).await? {
        return Ok(0);
    }
    let row =
        sqlx::query("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM schema_migration")
            .fetch_one(&db.pool)
            .await?;
    Ok(row.try_get::<i64, _>("v")?)
}

async fn has_migration_table(db: &Db) -> StorageResult<bool> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'"
        }
        Backend::Postgres => {
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema() AND tablename = 'schema_migration'"
        }
    };
    let row = sqlx::query(sql).fetch_one(&db.pool).await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

async fn create_migration_table(db: &Db) -> StorageResult<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The versions applied to the database, in order.
pub(crate) async fn applied_versions(db: &Db) -> StorageResult<Vec<i64>> {
    if !has_migration_table(db).await? {
        return Ok(Vec::new());
    }
    sqlx::query("SELECT version FROM schema_migration ORDER BY version")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<i64, _>("version")?))
        .collect()
}

/// Whether migration `version` has been applied (`treem check` does not migrate: it reads
/// what the database has).
pub(crate) async fn has_applied(db: &Db, version: i64) -> StorageResult<bool> {
    Ok(applied_versions(db).await?.contains(&version))
}

/// [`run_to`] as the schema's owner: on PostgreSQL the application's connections take the
/// tenant role (migration 0018), which may not change the schema and sees one commune's rows;
/// a migration needs both.
async fn run_as_owner(db: &Db, target: i64) -> StorageResult<Vec<i64>> {
    if db.backend == Backend::Sqlite {
        return run_to(db, target).await;
    }
    let owner = Db::connect_owner(db.url()).await?;
    let applied = run_to(&owner, target).await;
    if applied.is_ok() {
        // The tables made by any migration, for the tenant role too, and on Citus
        // distributed by the commune (0025).
        sqlx::raw_sql(
            "DO $$ BEGIN IF to_regproc('public.treem_grant_tenant') IS NOT NULL THEN \
             PERFORM treem_grant_tenant(); END IF; \
             IF to_regproc('public.treem_distribute') IS NOT NULL THEN \
             PERFORM treem_distribute(); END IF; END $$",
        )
        .execute(&owner.pool)
        .await?;
    }
    owner.close().await;
    applied
}

/// Applies what is missing up to `target` (a database as an older treem left it, for tests of
/// upgrades).
pub async fn run_to(db: &Db, target: i64) -> StorageResult<Vec<i64>> {
    create_migration_table(db).await?;
    let found = current_version(db).await?;
    if found > SCHEMA_VERSION {
        return Err(StorageError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found >= 1 {
        complete_first_register(db).await?;
    }
    // Every version not applied yet, not only those above the newest: a database whose record
    // lacks one (a migration numbered on a branch merged later) still gets it.
    let done = applied_versions(db).await?;
    let mut applied = Vec::new();
    for m in MIGRATIONS
        .iter()
        .filter(|m| !done.contains(&m.version) && m.version <= target)
    {
        let (_turn, mut tx) = db.begin_write().await?;
        let sql = match db.backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        for statement in m.after {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        if let Some(finish) = m.finish {
            finish(&mut tx).await?;
        }
        sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied.push(m.version);
    }
    // Only an upgrade has clear values to scrub; a new database has none.
    if db.backend == Backend::Sqlite && found > 0 && applied.iter().any(|v| SCRUB_AFTER.contains(v))
    {
        // VACUUM rewrites the file with the live rows only; the checkpoint empties the WAL.
        sqlx::raw_sql("VACUUM").execute(&db.pool).await?;
        sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db.pool)
            .await?;
    }
    Ok(applied)
}

/// The indexes migration 0001 gained after it was first released (idempotent).
const REGISTER_INDEXES: &str = "\
DROP INDEX IF EXISTS child_version_time;
DROP INDEX IF EXISTS child_token_child;
CREATE INDEX IF NOT EXISTS child_village_activity ON child(village_id, present, updated_at);
CREATE INDEX IF NOT EXISTS child_no_personal_id ON child(village_id) WHERE personal_id IS NULL AND present = 1;
CREATE INDEX IF NOT EXISTS child_birth_unregistered ON child(village_id) WHERE birth_registered = 0 AND present = 1;
CREATE INDEX IF NOT EXISTS child_dob_unknown ON child(village_id) WHERE dob IS NULL AND present = 1;
";

/// Migration 0001 (sổ trẻ em) changed in place before 0002 existed: as first released, the
/// search index (`child_token`) held only the word and the child, and three indexes of the
/// home pages were missing. A register made by that first treem says "version 1" like any
/// other, so before the later migrations run, such a database is brought to the 0001 of today:
/// the index's rows get their child's village, presence, sort key and folded text (search reads
/// them from the index alone), and the indexes are made. Without this every search of an early
/// commune's register failed.
async fn complete_first_register(db: &Db) -> StorageResult<()> {
    let probe = match db.backend {
        Backend::Sqlite => {
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pragma_table_info('child_token') WHERE name = 'village_id'"
        }
        Backend::Postgres => {
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'child_token' AND column_name = 'village_id'"
        }
    };
    let n: i64 = sqlx::query(probe).fetch_one(&db.pool).await?.try_get("n")?;
    if n > 0 {
        return Ok(());
    }
    let token_columns = match db.backend {
        Backend::Sqlite => {
            "CREATE TABLE child_token_full (
                token TEXT NOT NULL,
                child_id INTEGER NOT NULL REFERENCES child(id),
                village_id INTEGER NOT NULL,
                present INTEGER NOT NULL,
                sort_key TEXT NOT NULL,
                search_text TEXT NOT NULL,
                PRIMARY KEY (token, child_id)
            ) WITHOUT ROWID;
            INSERT INTO child_token_full (token, child_id, village_id, present, sort_key, search_text)
                SELECT t.token, t.child_id, c.village_id, c.present, c.sort_key, c.search_text
                FROM child_token t JOIN child c ON c.id = t.child_id ORDER BY t.token, t.child_id;
            DROP TABLE child_token;
            ALTER TABLE child_token_full RENAME TO child_token;"
        }
        Backend::Postgres => {
            "ALTER TABLE child_token ADD COLUMN village_id BIGINT, ADD COLUMN present BIGINT,
                ADD COLUMN sort_key TEXT COLLATE \"C\", ADD COLUMN search_text TEXT;
            UPDATE child_token t SET village_id = c.village_id, present = c.present,
                sort_key = c.sort_key, search_text = c.search_text FROM child c WHERE c.id = t.child_id;
            ALTER TABLE child_token ALTER COLUMN village_id SET NOT NULL,
                ALTER COLUMN present SET NOT NULL, ALTER COLUMN sort_key SET NOT NULL,
                ALTER COLUMN search_text SET NOT NULL;"
        }
    };
    let (_turn, mut tx) = db.begin_write().await?;
    sqlx::raw_sql(token_columns).execute(&mut *tx).await?;
    sqlx::raw_sql(REGISTER_INDEXES).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

impl Db {
    /// Opens the database and brings its schema up to date (refusing a newer one).
    /// The connections are opened after the migrations, so that each is scoped to its commune
    /// under the row security migration 0018 makes.
    pub async fn open(url: &str) -> StorageResult<Db> {
        let probe = Self::connect_owner(url).await?;
        let migrated = run_as_owner(&probe, SCHEMA_VERSION).await;
        probe.close().await;
        migrated?;
        Self::connect(url).await
    }

    /// Migrates as the schema's owner. Connections this handle opened before the schema had
    /// row security (0018) keep the login's own rights: reopen with [`Db::open`] before serving
    /// more than one commune.
    pub async fn migrate(&self) -> StorageResult<Vec<i64>> {
        run_as_owner(self, SCHEMA_VERSION).await
    }
    /// Brings the schema up to `version` only (to make a database as an older treem did).
    pub async fn migrate_to(&self, version: i64) -> StorageResult<Vec<i64>> {
        run_as_owner(self, version).await
    }
    pub async fn schema_version(&self) -> StorageResult<i64> {
        current_version(self).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_are_consecutive_and_both_backends_have_each() {
        for (i, m) in super::MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
        assert_eq!(
            super::MIGRATIONS.last().unwrap().version,
            super::SCHEMA_VERSION
        );
    }
}
