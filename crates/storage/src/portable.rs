//! The neutral export format (JSON Lines, one table row a line), import into an empty database
//! of either backend, and online backups.
use crate::db::{fix_sequences, now_text, Backend, Db};
use crate::error::{StorageError, StorageResult};
use crate::params::{insert_many, P};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Column, Row};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// Tables in the order that satisfies their references. Sessions are not exported: they are
/// secrets of one running server, not data.
const TABLES: [(&str, &str); 38] = [
    ("commune", "id"),
    ("village", "id"),
    ("app_user", "id"),
    ("household", "id"),
    ("household_version", "household_id, version"),
    ("child", "id"),
    ("child_version", "child_id, version"),
    ("child_token", "token, child_id"),
    ("child_circumstance", "child_id, code, from_date"),
    ("plan", "year"),
    ("reported_value", "id"),
    ("support_distribution", "id"),
    ("support_record", "id"),
    ("assessment_value", "id"),
    ("self_assessment", "id"),
    ("health_event", "id"),
    ("form_submission", "token"),
    ("case_file", "id"),
    ("case_entry", "case_id, seq"),
    ("report", "id"),
    ("report_section", "report_id, agency"),
    ("activity", "id"),
    ("activity_child", "activity_id, child_id"),
    ("activity_recommendation", "activity_id, seq"),
    ("service_entry", "id"),
    ("province_commune", "code"),
    ("province_package", "id"),
    ("disaster", "id"),
    ("disaster_child", "disaster_id, child_id"),
    ("child_marriage", "id"),
    ("disability_record", "id"),
    ("hazard_site", "id"),
    ("hazard_inspection", "id"),
    ("budget_line", "id"),
    ("budget_spending", "id"),
    ("audit_log", "seq"),
    ("audit_head", "id"),
    ("setting", "key"),
];

/// Tables that belong to the database, not to one of the communes it hosts (their `commune`
/// column, where they have one, is data: the commune a province received a package from).
const GLOBAL_TABLES: [&str; 2] = ["province_commune", "province_package"];

/// Tables whose `id` comes from an identity sequence on PostgreSQL.
const IDENTITY_TABLES: [&str; 22] = [
    "province_package",
    "hazard_site",
    "hazard_inspection",
    "budget_line",
    "budget_spending",
    "health_event",
    "case_file",
    "village",
    "app_user",
    "household",
    "child",
    "reported_value",
    "support_record",
    "assessment_value",
    "self_assessment",
    "report",
    "support_distribution",
    "disaster",
    "child_marriage",
    "disability_record",
    "activity",
    "service_entry",
];

/// Whether a column holds integers, so that its NULLs are typed for PostgreSQL. Every other
/// column of the schema is text.
fn integer_column(name: &str) -> bool {
    name == "id"
        || name.ends_with("_id")
        || matches!(
            name,
            "version"
                | "seq"
                | "sample"
                | "ethnicity"
                | "birth_registered"
                | "disability"
                | "present"
                | "must_change_password"
                | "active"
                | "recorded_by"
                | "year"
                | "target"
                | "secondary"
                | "met"
                | "corrects"
                | "seal"
                | "replaced_by"
                | "added_by"
                | "value_vnd"
                | "child_count"
                | "wife_age"
                | "husband_age"
                | "prevented"
                | "girls"
                | "boys"
                | "total"
                | "age_0_5"
                | "age_6_10"
                | "age_11_15"
                | "minority"
                | "adults"
                | "materials"
                | "received_by"
                | "on_time"
                | "amends"
                | "lat_e6"
                | "lon_e6"
                | "planned"
                | "amount"
        )
}

/// Columns holding decimals (figures entered by agencies).
fn real_column(name: &str) -> bool {
    matches!(name, "numerator" | "denominator" | "value" | "score")
}

/// One line of an export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExportRecord {
    /// Table name, or "header" for the first line.
    pub t: String,
    pub r: BTreeMap<String, serde_json::Value>,
}

fn row_to_map(row: &AnyRow) -> StorageResult<BTreeMap<String, serde_json::Value>> {
    let mut m = BTreeMap::new();
    for (i, col) in row.columns().iter().enumerate() {
        let v = match row.try_get::<Option<i64>, _>(i) {
            Ok(Some(n)) => serde_json::Value::from(n),
            Ok(None) => serde_json::Value::Null,
            Err(_) => match row.try_get::<Option<f64>, _>(i) {
                Ok(Some(x)) => serde_json::Value::from(x),
                Ok(None) => serde_json::Value::Null,
                Err(_) => match row.try_get::<Option<String>, _>(i)? {
                    Some(s) => serde_json::Value::from(s),
                    None => serde_json::Value::Null,
                },
            },
        };
        m.insert(col.name().to_string(), v);
    }
    Ok(m)
}

impl Db {
    /// Writes every table as JSON Lines inside one read transaction (a consistent snapshot).
    pub async fn export(
        &self,
        out: &mut (dyn Write + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> StorageResult<u64> {
        let mut tx = self.begin_read().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        // The chain's head in this snapshot: the anchor the copy must reproduce.
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let head = crate::ChainHead {
            seq: head.try_get("seq")?,
            hash: head.try_get("hash")?,
        };
        let header = ExportRecord {
            t: "header".into(),
            r: BTreeMap::from([
                ("format".into(), "treem-export".into()),
                ("schema_version".into(), crate::SCHEMA_VERSION.into()),
                ("exported_at".into(), now_text().into()),
                ("audit_head".into(), head.to_string().into()),
            ]),
        };
        let io = |e: std::io::Error| StorageError::Corrupt(format!("ghi tệp: {e}"));
        serde_json::to_writer(&mut *out, &header)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        out.write_all(b"\n").map_err(io)?;
        let mut n = 0u64;
        for (table, order) in TABLES {
            let sql = format!("SELECT * FROM {table} ORDER BY {order}");
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let mut r = row_to_map(&row)?;
                // Which commune a row belongs to is where it is stored (the connection's
                // commune), not part of the row: the file goes into any commune or file.
                if !GLOBAL_TABLES.contains(&table) {
                    r.remove("commune");
                }
                let rec = ExportRecord {
                    t: table.to_string(),
                    r,
                };
                serde_json::to_writer(&mut *out, &rec)
                    .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                out.write_all(b"\n").map_err(io)?;
                n += 1;
                if n.is_multiple_of(10_000) {
                    progress(n);
                }
            }
        }
        drop(tx);
        out.flush().map_err(io)?;
        progress(n);
        // Exports carry personal data: each one is written in the audit log.
        let (_turn, mut tx) = self.begin_write().await?;
        crate::audit::append(
            &mut tx,
            &treem_domain::role::Actor {
                user_id: 0,
                username: "cli".into(),
                role: treem_domain::role::Role::Admin,
                village_id: None,
            },
            "export",
            "database",
            None,
            &format!("{n} dòng"),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Reads an export into this database, which must hold no register data. All or nothing.
    pub async fn import_all(
        &self,
        input: &mut (dyn BufRead + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> StorageResult<u64> {
        let (_turn, mut tx) = self.begin_write().await?;
        // PostgreSQL: the health events' packs are built once at the end, not rewritten by
        // the trigger for each event (migration 0023).
        let packs_at_end = self.backend == Backend::Postgres
            && crate::migrate::has_applied(self, crate::health::PACKS_AT_END_SINCE_SCHEMA).await?;
        // Likewise the figures' copies of the versions (migration 0024).
        let facts_at_end = packs_at_end
            && crate::migrate::has_applied(self, crate::copies::FACTS_AT_END_SINCE_SCHEMA).await?;
        if packs_at_end {
            crate::copies::bulk_load(&mut tx, true).await?;
        }
        for t in ["village", "child", "app_user", "audit_log"] {
            let n: i64 = sqlx::query(&format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {t}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if n > 0 {
                return Err(StorageError::invalid(
                    "db",
                    format!("cơ sở dữ liệu đích không trống (bảng {t} có {n} dòng)"),
                ));
            }
        }
        // The commune this database (or hosted commune) already is, if it has been named: a
        // file of another commune is refused rather than put in its place.
        let own_code: Option<String> = sqlx::query("SELECT code FROM commune WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .and_then(|r| r.try_get::<Option<String>, _>("code").ok().flatten());
        sqlx::query("DELETE FROM audit_head")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM commune").execute(&mut *tx).await?;
        let mut line = String::new();
        let mut first = true;
        let mut n = 0u64;
        let mut batch: Vec<Vec<P>> = Vec::new();
        let mut batch_table = String::new();
        let mut batch_cols: Vec<String> = Vec::new();
        let mut file_schema = 0;
        let mut file_head: Option<crate::ChainHead> = None;
        loop {
            line.clear();
            let read = input
                .read_line(&mut line)
                .map_err(|e| StorageError::Corrupt(format!("đọc tệp: {e}")))?;
            let rec: Option<ExportRecord> = if read == 0 {
                None
            } else if line.trim().is_empty() {
                continue;
            } else {
                Some(serde_json::from_str(&line).map_err(|e| {
                    StorageError::Corrupt(format!(
                        "dòng {}: không phải bản ghi xuất của treem: {e}",
                        n + 1
                    ))
                })?)
            };
            if first {
                match &rec {
                    Some(r)
                        if r.t == "header" && r.r.get("format") == Some(&"treem-export".into()) =>
                    {
                        let v =
                            r.r.get("schema_version")
                                .and_then(|v| v.as_i64())
                                .unwrap_or(0);
                        if v > crate::SCHEMA_VERSION {
                            return Err(StorageError::SchemaTooNew {
                                found: v,
                                supported: crate::SCHEMA_VERSION,
                            });
                        }
                        file_schema = v;
                        file_head = match r.r.get("audit_head") {
                            None => None,
                            Some(h) => Some(
                                h.as_str()
                                    .and_then(crate::ChainHead::parse_recorded)
                                    .ok_or_else(|| {
                                        StorageError::Corrupt(
                                            "tiêu đề: đầu chuỗi nhật ký hỏng".into(),
                                        )
                                    })?,
                            ),
                        };
                        first = false;
                        continue;
                    }
                    _ => {
                        return Err(StorageError::Corrupt(
                            "tệp không bắt đầu bằng tiêu đề treem-export".into(),
                        ))
                    }
                }
            }
            let flush = match &rec {
                None => true,
                Some(r) => r.t != batch_table || batch.len() >= 2000,
            };
            if flush && !batch.is_empty() {
                let cols: Vec<&str> = batch_cols.iter().map(String::as_str).collect();
                insert_many(&mut tx, &batch_table, &cols, std::mem::take(&mut batch)).await?;
            }
            let Some(mut rec) = rec else { break };
            crate::cases::upgrade_export_row(file_schema, &rec.t, &mut rec.r);
            if !TABLES.iter().any(|(t, _)| *t == rec.t) {
                return Err(StorageError::Corrupt(format!(
                    "bảng lạ trong tệp: {}",
                    rec.t
                )));
            }
            if rec.t == "commune" {
                let file_code = rec.r.get("code").and_then(|c| c.as_str());
                if let (Some(own), Some(file)) = (own_code.as_deref(), file_code) {
                    if own != file {
                        return Err(StorageError::invalid(
                            "file",
                            format!(
                                "tệp xuất là của xã mã {file}, không phải xã mã {own} đang nhập vào"
                            ),
                        ));
                    }
                }
            }
            if rec.t != batch_table {
                batch_table = rec.t.clone();
                batch_cols = rec.r.keys().cloned().collect();
            }
            let row: Vec<P> = batch_cols
                .iter()
                .map(|c| match rec.r.get(c) {
                    Some(serde_json::Value::Number(x)) if x.is_i64() => P::I(x.as_i64()),
                    Some(serde_json::Value::Number(x)) => P::F(x.as_f64()),
                    Some(serde_json::Value::String(s)) => P::S(Some(s.clone())),
                    _ if real_column(c) => P::F(None),
                    _ if integer_column(c) => P::I(None),
                    _ => P::S(None),
                })
                .collect();
            batch.push(row);
            n += 1;
            if n.is_multiple_of(10_000) {
                progress(n);
            }
        }
        fix_sequences(&mut tx, self.backend, &IDENTITY_TABLES).await?;
        // The chain the file carried ends where its header says it did.
        if let Some(expected) = file_head {
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
            let found = match head {
                Some(h) => Some(crate::ChainHead {
                    seq: h.try_get("seq")?,
                    hash: h.try_get("hash")?,
                }),
                None => None,
            };
            if found.as_ref() != Some(&expected) {
                return Err(StorageError::Corrupt(format!(
                    "tệp có đầu chuỗi nhật ký {} trong tiêu đề nhưng nhật ký trong tệp kết thúc ở {}",
                    expected.short(),
                    found.map_or_else(|| "(không có)".to_string(), |h| h.short())
                )));
            }
        }
        // An export made before records were sealed: seal what it brought, as the migration
        // would have.
        if file_schema < crate::seal::SINCE_SCHEMA {
            crate::seal::seal_legacy(&mut tx).await?;
        }
        crate::seal::fix_sequence(&mut tx).await?;
        // The pairs of the search index are not exported: made from its words (in a database
        // whose schema has them: a test's fixture may stop at an older one).
        if crate::migrate::has_applied(self, crate::word_pairs::SINCE_SCHEMA).await? {
            crate::word_pairs::derive_all(&mut tx).await?;
        }
        if packs_at_end {
            crate::copies::bulk_load(&mut tx, false).await?;
            crate::health::fill_packs(&mut tx).await?;
            if facts_at_end {
                crate::copies::fill_facts(&mut tx, 0).await?;
            }
        }
        // Packages kept for the province's table were of the data this import replaces.
        if crate::migrate::has_applied(self, crate::stamps::KEPT_SINCE_SCHEMA).await? {
            sqlx::query("DELETE FROM figures_kept")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Every table was written: the planner's statistics of them are read again (the rows
        // are in; statistics not read again cost speed, never the import).
        if let Err(e) = self.refresh_statistics(&[]).await {
            tracing::warn!("statistics after the import not read again: {e}");
        }
        progress(n);
        Ok(n)
    }

    /// An online, atomic backup: a consistent copy written beside `out` and renamed into place.
    /// SQLite gives a database file; PostgreSQL an export. The copy is owner-only (0600) and
    /// flushed to disk before the rename, and the rename itself is flushed: a power cut leaves
    /// either the old `out` or the whole new one.
    pub async fn backup(&self, out: &std::path::Path) -> StorageResult<()> {
        let tmp = out.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let io = |e: std::io::Error| StorageError::Corrupt(format!("{}: {e}", out.display()));
        match self.backend {
            Backend::Sqlite => {
                // VACUUM INTO accepts an empty file: made first, so that it is owner-only.
                crate::files::create_new_private(&tmp).map_err(io)?;
                let path = tmp.to_string_lossy().replace('\'', "''");
                sqlx::query(&format!("VACUUM INTO '{path}'"))
                    .execute(&self.pool)
                    .await?;
                // SQLite does not flush what VACUUM INTO writes.
                std::fs::File::open(&tmp)
                    .and_then(|f| f.sync_all())
                    .map_err(io)?;
            }
            Backend::Postgres => {
                let f = crate::files::create_private(&tmp).map_err(io)?;
                let mut w = std::io::BufWriter::new(f);
                self.export(&mut w, &|_| {}).await?;
                w.into_inner()
                    .map_err(|e| io(e.into_error()))?
                    .sync_all()
                    .map_err(io)?;
            }
        }
        std::fs::rename(&tmp, out).map_err(io)?;
        crate::files::sync_dir(out.parent().unwrap_or(std::path::Path::new("."))).map_err(io)?;
        Ok(())
    }
}

/// The audit chain's head a copy holds: a SQLite backup's own head row, or the head an export's
/// header recorded. Written beside a backup and printed, so that the copy can be checked against
/// it after a restore (`treem check --expect-head`).
pub async fn copy_head(path: &std::path::Path) -> StorageResult<crate::ChainHead> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let bad = |e: String| StorageError::Corrupt(format!("{}: {e}", path.display()));
        let mut head = [0u8; 16];
        let n = std::io::Read::read(
            &mut std::fs::File::open(&path).map_err(|e| bad(e.to_string()))?,
            &mut head,
        )
        .map_err(|e| bad(e.to_string()))?;
        if n == 16 && &head == b"SQLite format 3\0" {
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(|e| bad(e.to_string()))?;
            let (seq, hash) = conn
                .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(|e| bad(e.to_string()))?;
            return Ok(crate::ChainHead { seq, hash });
        }
        let mut line = String::new();
        std::io::BufReader::new(std::fs::File::open(&path).map_err(|e| bad(e.to_string()))?)
            .read_line(&mut line)
            .map_err(|e| bad(e.to_string()))?;
        let header: ExportRecord = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        header
            .r
            .get("audit_head")
            .and_then(|h| h.as_str())
            .and_then(crate::ChainHead::parse_recorded)
            .ok_or_else(|| bad("tiêu đề không ghi đầu chuỗi nhật ký".into()))
    })
    .await
    .map_err(|e| StorageError::Corrupt(e.to_string()))?
}
