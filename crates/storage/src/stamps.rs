//! What the figures and the activities' figures are made of (dấu dữ liệu), read as one stamp
//! that changes whenever any of it does: the figures' caches and the province's kept packages
//! compare stamps instead of computing again.
//!
//! One list of parts makes both readings: one commune's stamp under its own row security, and
//! every hosted commune's for the province's table (as the schema's owner, a statement a
//! commune, each part filtered by it), so that the two can never disagree on what a stamp
//! covers.
use crate::db::{Backend, CommuneId, Db};
use crate::error::StorageResult;
use sqlx::Row;
use treem_domain::Date;

/// The schema version that made the kept packages of the province's table (`figures_kept`).
pub(crate) const KEPT_SINCE_SCHEMA: i64 = 21;

/// One value a stamp is made of: `value` over the rows of `table` that pass `filter`.
struct Part {
    value: &'static str,
    table: &'static str,
    filter: &'static str,
}

const fn part(value: &'static str, table: &'static str, filter: &'static str) -> Part {
    Part {
        value,
        table,
        filter,
    }
}

/// The settings the figures read: report periods (`plans::PERIOD_KEY`), which supports count
/// (`supports::ANSWERS_KEY`) and the relief rule of targets 17 and 18 (`work::RELIEF_KEY`),
/// as `key=value` lines in key order.
const SETTINGS: &str = "setting";
const SETTINGS_FILTER: &str =
    "x.key LIKE 'report_period:%' OR x.key = 'support_answers' OR x.key = 'relief_within_days'";

/// Changes whenever a child, a reported figure, a support, an assessment, a health event, a
/// case entry (case versions only grow), a plan, a disaster or its help, a child marriage or
/// a setting the figures read is written.
const FIGURES: [Part; 13] = [
    part("MAX(x.updated_at)", "child", ""),
    part("MAX(x.id)", "child", ""),
    part("MAX(x.id)", "reported_value", ""),
    part("MAX(x.id)", "support_record", ""),
    part("MAX(x.id)", "assessment_value", ""),
    part("MAX(x.id)", "health_event", ""),
    part("COALESCE(SUM(x.version), 0)", "case_file", ""),
    part("MAX(x.updated_at)", "plan", ""),
    part("MAX(x.id)", "disaster", ""),
    part("MAX(x.recorded_at)", "disaster_child", ""),
    part("COUNT(*)", "disaster_child", "x.helped_on IS NOT NULL"),
    part("MAX(x.id)", "child_marriage", ""),
    part("", SETTINGS, SETTINGS_FILTER),
];

/// Changes whenever an activity, its participants, the service directory or the villages
/// change.
const ACTIVITIES: [Part; 4] = [
    part("MAX(x.id)", "activity", ""),
    part("COUNT(*)", "activity_child", ""),
    part("MAX(x.id)", "service_entry", ""),
    part("COUNT(*)", "village", ""),
];

/// The statement's column for `p`, as text; `commune` (SQL) limits it to one commune's rows
/// when the statement reads many.
fn column(p: &Part, backend: Backend, commune: Option<&str>) -> String {
    let value = if p.table == SETTINGS {
        match backend {
            Backend::Sqlite => "group_concat(x.key || '=' || x.value, char(10) ORDER BY x.key)",
            Backend::Postgres => "string_agg(x.key || '=' || x.value, chr(10) ORDER BY x.key)",
        }
        .to_string()
    } else {
        format!("CAST({} AS TEXT)", p.value)
    };
    let mut filter = match p.filter {
        "" => "1 = 1".to_string(),
        f => format!("({f})"),
    };
    if let Some(c) = commune {
        filter.push_str(&format!(" AND x.commune = {c}"));
    }
    format!("(SELECT {value} FROM {} x WHERE {filter})", p.table)
}

fn columns(parts: &[Part], backend: Backend, commune: Option<&str>, prefix: &str) -> String {
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} AS {prefix}{i}", column(p, backend, commune)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stamp from a row holding the columns of `parts` under `prefix`.
fn stamp_of(row: &sqlx::any::AnyRow, parts: &[Part], prefix: &str) -> StorageResult<String> {
    let mut out = String::new();
    for i in 0..parts.len() {
        let v: Option<String> = row.try_get(format!("{prefix}{i}").as_str())?;
        out.push_str(v.as_deref().unwrap_or("-"));
        out.push('/');
    }
    Ok(out)
}

async fn one(db: &Db, parts: &[Part]) -> StorageResult<String> {
    let sql = format!("SELECT {}", columns(parts, db.backend, None, "p"));
    let row = sqlx::query(&sql).fetch_one(&db.pool).await?;
    stamp_of(&row, parts, "p")
}

/// This commune's figures' stamp ([`crate::Plans::figures_stamp`]).
pub(crate) async fn figures(db: &Db) -> StorageResult<String> {
    one(db, &FIGURES).await
}

/// This commune's activities' stamp ([`crate::Activities::activities_stamp`]).
pub(crate) async fn activities(db: &Db) -> StorageResult<String> {
    one(db, &ACTIVITIES).await
}

/// One hosted commune's stamps and kept package, as [`Db::communes_kept`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneKept {
    pub commune: CommuneId,
    /// As [`crate::Plans::figures_stamp`] and [`crate::Activities::activities_stamp`] read in
    /// the commune itself.
    pub figures_stamp: String,
    pub activities_stamp: String,
    /// The commune's own record: (name, province).
    pub record: Option<(String, String)>,
    /// The package kept for the report and day asked for: (its stamp, its content).
    pub kept: Option<(String, String)>,
}

impl Db {
    /// Every hosted commune's stamps and its package kept of report `kind` of `year` for day
    /// `as_of`, over one connection: the province's table takes the communes whose data did not
    /// change without opening a connection for each. Read as the schema's owner, across
    /// communes — stamps (largest numbers and times) and packages, which the province's table
    /// shows anyway, never a child. Empty on SQLite (one commune, read in its own scope).
    pub async fn communes_kept(
        &self,
        kind: &str,
        year: i16,
        as_of: Date,
    ) -> StorageResult<Vec<CommuneKept>> {
        if self.backend == Backend::Sqlite
            || !crate::migrate::has_applied(self, KEPT_SINCE_SCHEMA).await?
        {
            return Ok(Vec::new());
        }
        let owner = Db::connect_owner(self.url()).await?;
        let read = async {
            let communes: Vec<CommuneId> = sqlx::query_scalar("SELECT id FROM hosted_commune ORDER BY id")
                .fetch_all(&owner.pool)
                .await?;
            let mut out = Vec::with_capacity(communes.len());
            // A statement a commune, each naming it in every part: on Citus each then runs on
            // the commune's own shards, where one statement over all of them would join the
            // list of communes to every table.
            for commune in communes {
                let c = commune.to_string();
                let sql = format!(
                    "SELECT {}, {}, \
                     (SELECT c.name FROM commune c WHERE c.commune = {c} AND c.id = 1) AS name, \
                     (SELECT c.province FROM commune c WHERE c.commune = {c} AND c.id = 1) AS province, \
                     (SELECT k.stamp FROM figures_kept k WHERE k.commune = {c} AND k.kind = $1 \
                      AND k.year = $2 AND k.as_of = $3) AS kept_stamp, \
                     (SELECT k.content FROM figures_kept k WHERE k.commune = {c} AND k.kind = $1 \
                      AND k.year = $2 AND k.as_of = $3) AS kept_content",
                    columns(&FIGURES, self.backend, Some(&c), "f"),
                    columns(&ACTIVITIES, self.backend, Some(&c), "a"),
                );
                let r = sqlx::query(&sql)
                    .bind(kind)
                    .bind(year as i64)
                    .bind(as_of.to_string())
                    .fetch_one(&owner.pool)
                    .await?;
                let name: Option<String> = r.try_get("name")?;
                let province: Option<String> = r.try_get("province")?;
                let stamp: Option<String> = r.try_get("kept_stamp")?;
                let content: Option<String> = r.try_get("kept_content")?;
                out.push(CommuneKept {
                    commune,
                    figures_stamp: stamp_of(&r, &FIGURES, "f")?,
                    activities_stamp: stamp_of(&r, &ACTIVITIES, "a")?,
                    record: name.map(|n| (n, province.unwrap_or_default())),
                    kept: stamp.zip(content),
                });
            }
            StorageResult::Ok(out)
        }
        .await;
        owner.close().await;
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_read_for_many_communes_is_the_same_part_limited_to_one() {
        let one = column(&FIGURES[10], Backend::Postgres, None);
        let many = column(&FIGURES[10], Backend::Postgres, Some("h.id"));
        assert_eq!(
            one,
            "(SELECT CAST(COUNT(*) AS TEXT) FROM disaster_child x WHERE (x.helped_on IS NOT NULL))"
        );
        assert_eq!(many, one.replace("NULL))", "NULL) AND x.commune = h.id)"));
    }

    #[test]
    fn the_settings_read_are_the_keys_the_figures_read() {
        for key in [
            crate::supports::ANSWERS_KEY,
            crate::work::RELIEF_KEY,
            &format!("{}2026", crate::plans::PERIOD_KEY),
        ] {
            let like = key.starts_with(crate::plans::PERIOD_KEY);
            assert!(
                SETTINGS_FILTER.contains(&format!("'{key}'"))
                    || (like
                        && SETTINGS_FILTER.contains(&format!("'{}%'", crate::plans::PERIOD_KEY))),
                "{key}"
            );
        }
    }
}
