//! The plan's work as records (issue 17, items 1, 6, 7, 8): distribution lists of support
//! (stored once, in one transaction, all or nothing), the list of supports with filters,
//! disasters with the children affected and the help each got, child marriages, the
//! disability follow-up of a child of group d; and what the figures read of them (targets 17
//! and 18). Scope as for the register: a village head reads and writes only their village;
//! every write and every read of a list naming children is audited.
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::params::{bind_all, insert_many, Params, P};
use crate::scope::{read_scope, write_scope};
use crate::{StoredOnce, WorkLog};
use serde::Serialize;
use sqlx::Row;
use treem_domain::role::Actor;
use treem_domain::support::SupportKind;
use treem_domain::work::{
    DisasterFacts, DisasterKind, FundingSource, MarriageFacts, NewDisabilityRecord, NewDisaster,
    NewDistribution, NewMarriage, RegisterEntry, ReliefEntry, ReliefRule, WorkRecords,
};
use treem_domain::Date;

/// The setting holding [`ReliefRule::within_days`].
pub(crate) const RELIEF_KEY: &str = "relief_within_days";

fn date_of(text: &str) -> StorageResult<Date> {
    text.parse()
        .map_err(|e| StorageError::Corrupt(format!("ngày «{text}»: {e}")))
}

fn opt_date(text: Option<String>) -> StorageResult<Option<Date>> {
    text.filter(|t| !t.is_empty())
        .map(|t| date_of(&t))
        .transpose()
}

/// Which supports to list.
#[derive(Debug, Clone, Default)]
pub struct SupportFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub kind: Option<SupportKind>,
    /// Village code.
    pub village: Option<String>,
    pub distribution: Option<i64>,
}

/// A support in the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportRow {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub village: String,
    pub date: Date,
    pub kind: SupportKind,
    pub value_vnd: Option<i64>,
    pub funding: Option<FundingSource>,
    pub giver: String,
    pub distribution_id: Option<i64>,
    pub distribution: Option<String>,
}

/// A distribution list as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistributionRow {
    pub id: i64,
    pub title: String,
    pub date: Date,
    pub kind: SupportKind,
    pub value_vnd: Option<i64>,
    pub funding: Option<FundingSource>,
    pub giver: String,
    pub children: i64,
}

/// A disaster with its counts (those in the reader's scope).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisasterRow {
    pub id: i64,
    pub date: Date,
    pub kind: DisasterKind,
    pub villages: Vec<String>,
    pub note: String,
    pub affected: i64,
    pub helped: i64,
}

/// A child affected by a disaster, with the help given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedChild {
    pub child_id: i64,
    pub child_name: String,
    pub village: String,
    pub helped_on: Option<Date>,
    pub how: Option<String>,
}

/// A child marriage as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarriageRow {
    pub id: i64,
    pub date: Date,
    pub village: String,
    pub ethnicity: Option<u8>,
    pub child_id: Option<i64>,
    pub wife_age: Option<u8>,
    pub husband_age: Option<u8>,
    pub prevented: bool,
    pub note: String,
}

/// A disability follow-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisabilityRow {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub village: String,
    pub date: Date,
    pub needs: String,
    pub services: String,
    pub devices: String,
}

/// The ids among `ids` that are not register children in `scope` (one query per 500).
async fn outside_scope(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ids: &[i64],
    scope: Option<i64>,
) -> StorageResult<Vec<i64>> {
    let mut found = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        let mut p = Params::default();
        let list: Vec<String> = chunk.iter().map(|id| p.push(*id)).collect();
        let mut sql = format!("SELECT id FROM child WHERE id IN ({})", list.join(", "));
        if let Some(v) = scope {
            sql += &format!(" AND village_id = {}", p.push(v));
        }
        for r in bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&mut **tx)
            .await?
        {
            found.insert(r.try_get::<i64, _>("id")?);
        }
    }
    Ok(ids.iter().copied().filter(|i| !found.contains(i)).collect())
}

fn refuse_children(missing: &[i64], field: &str) -> StorageError {
    let shown: Vec<String> = missing.iter().take(10).map(|i| i.to_string()).collect();
    StorageError::invalid(
        field,
        format!(
            "{} trẻ không có trong sổ hoặc không thuộc thôn, bản bạn phụ trách (mã {}{}); không ghi gì",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        ),
    )
}

fn support_row(r: &sqlx::any::AnyRow) -> StorageResult<SupportRow> {
    let kind: String = r.try_get("kind")?;
    let date: String = r.try_get("date")?;
    let funding: Option<String> = r.try_get("funding")?;
    Ok(SupportRow {
        id: r.try_get("id")?,
        child_id: r.try_get("child_id")?,
        child_name: r.try_get("full_name")?,
        village: r.try_get("village")?,
        date: date_of(&date)?,
        kind: SupportKind::of_record(&kind),
        value_vnd: r.try_get("value_vnd")?,
        funding: funding.as_deref().and_then(FundingSource::parse),
        giver: r.try_get::<Option<String>, _>("giver")?.unwrap_or_default(),
        distribution_id: r.try_get("distribution_id")?,
        distribution: r.try_get("title")?,
    })
}

#[async_trait::async_trait]
impl WorkLog for Db {
    async fn give_distribution(
        &self,
        actor: &Actor,
        list: &NewDistribution,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        if let Some(t) = token {
            if let Some(id) =
                crate::once::claim(&mut tx, actor, t, "support_distribution", &now).await?
            {
                return Ok(StoredOnce { id, again: true });
            }
        }
        let missing = outside_scope(&mut tx, &list.children, scope).await?;
        if !missing.is_empty() {
            return Err(refuse_children(&missing, "children"));
        }
        let d = &list.details;
        let id: i64 = sqlx::query(
            "INSERT INTO support_distribution (title, date, kind, value_vnd, funding, giver, \
             child_count, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(&list.title)
        .bind(list.date.to_string())
        .bind(list.kind.code())
        .bind(d.value_vnd)
        .bind(d.funding.map(|f| f.code()))
        .bind(&d.giver)
        .bind(list.children.len() as i64)
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let rows: Vec<Vec<P>> = list
            .children
            .iter()
            .map(|c| {
                vec![
                    P::from(*c),
                    P::from(list.date.to_string()),
                    P::from(list.kind.code()),
                    P::from(actor.user_id),
                    P::from(now.as_str()),
                    P::from(d.value_vnd),
                    P::from(d.funding.map(|f| f.code().to_string())),
                    P::from(d.giver.as_str()),
                    P::from(id),
                ]
            })
            .collect();
        insert_many(
            &mut tx,
            "support_record",
            &[
                "child_id",
                "date",
                "kind",
                "recorded_by",
                "recorded_at",
                "value_vnd",
                "funding",
                "giver",
                "distribution_id",
            ],
            rows,
        )
        .await?;
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "support_distribution",
            Some(id),
            &format!(
                "{} ngày {}: {} trẻ",
                list.title,
                list.date,
                list.children.len()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn register_entries(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<(RegisterEntry, String)>> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT c.id, c.full_name, c.dob, c.personal_id, vl.code FROM child c \
             JOIN village vl ON vl.id = c.village_id{} WHERE c.present = 1",
            self.same("vl", "c")
        );
        if let Some(s) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(s));
        }
        if let Some(code) = village {
            sql += &format!(" AND vl.code = {}", p.push(code));
        }
        sql += " ORDER BY c.sort_key, c.id";
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push((
                RegisterEntry {
                    id: r.try_get("id")?,
                    personal_id: r.try_get("personal_id")?,
                    full_name: r.try_get("full_name")?,
                    date_of_birth: opt_date(r.try_get("dob")?)?,
                },
                r.try_get("code")?,
            ));
        }
        audit::append(
            &mut tx,
            actor,
            "read",
            "support_distribution",
            None,
            &format!(
                "danh sách trẻ để lập danh sách cấp phát ({} trẻ)",
                out.len()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn support_list(
        &self,
        actor: &Actor,
        filter: &SupportFilter,
    ) -> StorageResult<Vec<SupportRow>> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT s.id, s.child_id, s.date, s.kind, s.value_vnd, s.funding, s.giver, \
             s.distribution_id, d.title, c.full_name, vl.code AS village FROM support_record s \
             JOIN child c ON c.id = s.child_id{} \
             JOIN village vl ON vl.id = c.village_id{} \
             LEFT JOIN support_distribution d ON d.id = s.distribution_id{} WHERE 1 = 1",
            self.same("c", "s"),
            self.same("vl", "c"),
            self.same("d", "s")
        );
        if let Some(s) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(s));
        }
        if let Some(d) = filter.from {
            sql += &format!(" AND s.date >= {}", p.push(d.to_string()));
        }
        if let Some(d) = filter.to {
            sql += &format!(" AND s.date <= {}", p.push(d.to_string()));
        }
        if let Some(k) = filter.kind {
            sql += &format!(" AND s.kind = {}", p.push(k.code()));
        }
        if let Some(v) = &filter.village {
            sql += &format!(" AND vl.code = {}", p.push(v.as_str()));
        }
        if let Some(d) = filter.distribution {
            sql += &format!(" AND s.distribution_id = {}", p.push(d));
        }
        sql += " ORDER BY s.date DESC, s.id DESC";
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let out = rows
            .iter()
            .map(support_row)
            .collect::<StorageResult<Vec<_>>>()?;
        audit::append(
            &mut tx,
            actor,
            "read",
            "support",
            None,
            &format!("danh sách trợ giúp ({} dòng)", out.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn distributions(&self, actor: &Actor) -> StorageResult<Vec<DistributionRow>> {
        read_scope(actor)?;
        let rows = sqlx::query(
            "SELECT id, title, date, kind, value_vnd, funding, giver, child_count \
             FROM support_distribution ORDER BY date DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let funding: Option<String> = r.try_get("funding")?;
                Ok(DistributionRow {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    kind: SupportKind::of_record(&r.try_get::<String, _>("kind")?),
                    value_vnd: r.try_get("value_vnd")?,
                    funding: funding.as_deref().and_then(FundingSource::parse),
                    giver: r.try_get("giver")?,
                    children: r.try_get("child_count")?,
                })
            })
            .collect()
    }

    async fn record_disaster(
        &self,
        actor: &Actor,
        disaster: &NewDisaster,
        affected: &[i64],
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        if let Some(t) = token {
            if let Some(id) = crate::once::claim(&mut tx, actor, t, "disaster", &now).await? {
                return Ok(StoredOnce { id, again: true });
            }
        }
        let mut village_ids = Vec::new();
        for code in &disaster.villages {
            village_ids.push(crate::villages::resolve_village(&mut tx, code, scope).await?);
        }
        let mut ids = affected.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // Affected children are register children of the villages struck (and the writer's).
        let missing = outside_scope(&mut tx, &ids, scope).await?;
        if !missing.is_empty() {
            return Err(refuse_children(&missing, "children"));
        }
        let outside = children_outside_villages(&mut tx, &ids, &village_ids).await?;
        if !outside.is_empty() {
            return Err(StorageError::invalid(
                "children",
                format!(
                    "{} trẻ không ở thôn, bản bị ảnh hưởng (mã {}); không ghi gì",
                    outside.len(),
                    outside
                        .iter()
                        .take(10)
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO disaster (date, kind, villages, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(disaster.date.to_string())
        .bind(disaster.kind.code())
        .bind(disaster.villages.join(","))
        .bind(&disaster.note)
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let rows: Vec<Vec<P>> = ids
            .iter()
            .map(|c| {
                vec![
                    P::from(id),
                    P::from(*c),
                    P::from(actor.user_id),
                    P::from(now.as_str()),
                ]
            })
            .collect();
        insert_many(
            &mut tx,
            "disaster_child",
            &["disaster_id", "child_id", "recorded_by", "recorded_at"],
            rows,
        )
        .await?;
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "disaster",
            Some(id),
            &format!(
                "{} ngày {}, {} trẻ bị ảnh hưởng",
                disaster.kind.label_vi(),
                disaster.date,
                ids.len()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn disaster_date(&self, id: i64) -> StorageResult<Date> {
        let row = sqlx::query("SELECT date FROM disaster WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        date_of(&row.try_get::<String, _>("date")?)
    }

    async fn record_relief(
        &self,
        actor: &Actor,
        disaster: i64,
        entries: &[ReliefEntry],
        token: Option<&str>,
    ) -> StorageResult<usize> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if crate::once::claim(&mut tx, actor, t, "relief", &now_text())
                .await?
                .is_some()
            {
                return Ok(0);
            }
            crate::once::settle(&mut tx, t, disaster).await?;
        }
        let exists = sqlx::query("SELECT villages FROM disaster WHERE id = $1")
            .bind(disaster)
            .fetch_optional(&mut *tx)
            .await?;
        let villages: String = exists.ok_or(StorageError::NotFound)?.try_get("villages")?;
        let mut village_ids = Vec::new();
        for code in villages.split(',').filter(|c| !c.is_empty()) {
            village_ids.push(crate::villages::resolve_village(&mut tx, code, None).await?);
        }
        let ids: Vec<i64> = entries.iter().map(|e| e.child_id).collect();
        let missing = outside_scope(&mut tx, &ids, scope).await?;
        if !missing.is_empty() {
            return Err(refuse_children(&missing, "children"));
        }
        let outside = children_outside_villages(&mut tx, &ids, &village_ids).await?;
        if !outside.is_empty() {
            return Err(StorageError::invalid(
                "children",
                "trẻ không ở thôn, bản bị ảnh hưởng của đợt thiên tai này; không ghi gì",
            ));
        }
        let now = now_text();
        for e in entries {
            let (on, how) = match &e.helped {
                Some((d, h)) => (Some(d.to_string()), Some(h.clone())),
                None => (None, None),
            };
            sqlx::query("DELETE FROM disaster_child WHERE disaster_id = $1 AND child_id = $2")
                .bind(disaster)
                .bind(e.child_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO disaster_child (disaster_id, child_id, helped_on, how, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(disaster)
            .bind(e.child_id)
            .bind(on)
            .bind(how)
            .bind(actor.user_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "update",
            "disaster",
            Some(disaster),
            &format!("cứu trợ, hỗ trợ: {} trẻ", entries.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(entries.len())
    }

    async fn disasters(&self, actor: &Actor) -> StorageResult<Vec<DisasterRow>> {
        let scope = read_scope(actor)?;
        let mut p = Params::default();
        let filter = match scope {
            Some(s) => format!(" AND c.village_id = {}", p.push(s)),
            None => String::new(),
        };
        let (xd, cx) = (self.same("x", "d"), self.same("c", "x"));
        let sql = format!(
            "SELECT d.id, d.date, d.kind, d.villages, d.note, \
             (SELECT COUNT(*) FROM disaster_child x JOIN child c ON c.id = x.child_id{cx} \
              WHERE x.disaster_id = d.id{xd}{filter}) AS affected, \
             (SELECT COUNT(*) FROM disaster_child x JOIN child c ON c.id = x.child_id{cx} \
              WHERE x.disaster_id = d.id AND x.helped_on IS NOT NULL{xd}{filter}) AS helped \
             FROM disaster d ORDER BY d.date DESC, d.id DESC"
        );
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DisasterRow {
                    id: r.try_get("id")?,
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    kind: DisasterKind::parse(&r.try_get::<String, _>("kind")?)
                        .unwrap_or(DisasterKind::Other),
                    villages: r
                        .try_get::<String, _>("villages")?
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect(),
                    note: r.try_get("note")?,
                    affected: r.try_get("affected")?,
                    helped: r.try_get("helped")?,
                })
            })
            .collect()
    }

    async fn disaster_children(
        &self,
        actor: &Actor,
        disaster: i64,
    ) -> StorageResult<Vec<AffectedChild>> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        // A disaster this commune never recorded is not found, not an empty list.
        sqlx::query("SELECT id FROM disaster WHERE id = $1")
            .bind(disaster)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT x.child_id, x.helped_on, x.how, c.full_name, vl.code FROM disaster_child x \
             JOIN child c ON c.id = x.child_id{} \
             JOIN village vl ON vl.id = c.village_id{} WHERE x.disaster_id = {}",
            self.same("c", "x"),
            self.same("vl", "c"),
            p.push(disaster)
        );
        if let Some(s) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(s));
        }
        sql += " ORDER BY vl.code, x.child_id";
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let out = rows
            .iter()
            .map(|r| {
                Ok(AffectedChild {
                    child_id: r.try_get("child_id")?,
                    child_name: r.try_get("full_name")?,
                    village: r.try_get("code")?,
                    helped_on: opt_date(r.try_get("helped_on")?)?,
                    how: r.try_get("how")?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        audit::append(
            &mut tx,
            actor,
            "read",
            "disaster",
            Some(disaster),
            &format!("danh sách trẻ bị ảnh hưởng ({} trẻ)", out.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn record_marriage(
        &self,
        actor: &Actor,
        m: &NewMarriage,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        if let Some(t) = token {
            if let Some(id) = crate::once::claim(&mut tx, actor, t, "child_marriage", &now).await? {
                return Ok(StoredOnce { id, again: true });
            }
        }
        let village = crate::villages::resolve_village(&mut tx, &m.village, scope).await?;
        if let Some(c) = m.child_id {
            if !outside_scope(&mut tx, &[c], scope).await?.is_empty() {
                return Err(refuse_children(&[c], "child_id"));
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO child_marriage (date, village_id, ethnicity, child_id, wife_age, \
             husband_age, prevented, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(m.date.to_string())
        .bind(village)
        .bind(m.ethnicity.map(i64::from))
        .bind(m.child_id)
        .bind(m.wife_age.map(i64::from))
        .bind(m.husband_age.map(i64::from))
        .bind(i64::from(m.prevented))
        .bind(&m.note)
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "child_marriage",
            Some(id),
            &format!(
                "ngày {}, thôn {}{}",
                m.date,
                m.village,
                if m.prevented {
                    ", đã ngăn chặn"
                } else {
                    ""
                }
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn marriages(&self, actor: &Actor) -> StorageResult<Vec<MarriageRow>> {
        let scope = read_scope(actor)?;
        // A marriage of a minor, linked to the register: read only with its audit entry.
        let (_turn, mut tx) = self.begin_write().await?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT m.id, m.date, vl.code, m.ethnicity, m.child_id, m.wife_age, \
             m.husband_age, m.prevented, m.note FROM child_marriage m \
             JOIN village vl ON vl.id = m.village_id{} WHERE 1 = 1",
            self.same("vl", "m")
        );
        if let Some(s) = scope {
            sql += &format!(" AND m.village_id = {}", p.push(s));
        }
        sql += " ORDER BY m.date DESC, m.id DESC";
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let age = |v: Option<i64>| v.and_then(|a| u8::try_from(a).ok());
        let out = rows
            .iter()
            .map(|r| {
                Ok(MarriageRow {
                    id: r.try_get("id")?,
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    village: r.try_get("code")?,
                    ethnicity: age(r.try_get("ethnicity")?),
                    child_id: r.try_get("child_id")?,
                    wife_age: age(r.try_get("wife_age")?),
                    husband_age: age(r.try_get("husband_age")?),
                    prevented: r.try_get::<i64, _>("prevented")? != 0,
                    note: r.try_get("note")?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        audit::append(
            &mut tx,
            actor,
            "read",
            "child_marriage",
            None,
            &format!("danh sách tảo hôn ({} dòng)", out.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn record_disability(
        &self,
        actor: &Actor,
        child: i64,
        rec: &NewDisabilityRecord,
        token: Option<&str>,
    ) -> StorageResult<i64> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if let Some(id) =
                crate::once::claim(&mut tx, actor, t, "disability", &now_text()).await?
            {
                return Ok(id);
            }
        }
        let c = self.read_child_in(&mut tx, child, scope).await?;
        if !NewDisabilityRecord::applies(&c.data.circumstances, rec.date) {
            return Err(StorageError::invalid(
                "child",
                treem_domain::work::NOT_DISABLED,
            ));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO disability_record (child_id, date, needs, services, devices, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(child)
        .bind(rec.date.to_string())
        .bind(&rec.needs)
        .bind(&rec.services)
        .bind(&rec.devices)
        .bind(actor.user_id)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "disability",
            Some(child),
            &format!("theo dõi trẻ khuyết tật ngày {}", rec.date),
        )
        .await?;
        if let Some(t) = token {
            crate::once::settle(&mut tx, t, id).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn disability_records(&self, actor: &Actor) -> StorageResult<Vec<DisabilityRow>> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT d.id, d.child_id, d.date, d.needs, d.services, d.devices, c.full_name, \
             vl.code FROM disability_record d JOIN child c ON c.id = d.child_id{} \
             JOIN village vl ON vl.id = c.village_id{} WHERE 1 = 1",
            self.same("c", "d"),
            self.same("vl", "c")
        );
        if let Some(s) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(s));
        }
        sql += " ORDER BY d.date DESC, d.id DESC";
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let out = rows
            .iter()
            .map(|r| {
                Ok(DisabilityRow {
                    id: r.try_get("id")?,
                    child_id: r.try_get("child_id")?,
                    child_name: r.try_get("full_name")?,
                    village: r.try_get("code")?,
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    needs: r.try_get("needs")?,
                    services: r.try_get("services")?,
                    devices: r.try_get("devices")?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        audit::append(
            &mut tx,
            actor,
            "read",
            "disability",
            None,
            &format!("danh sách theo dõi trẻ khuyết tật ({} dòng)", out.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn relief_rule(&self) -> StorageResult<ReliefRule> {
        let row = sqlx::query("SELECT value FROM setting WHERE key = $1")
            .bind(RELIEF_KEY)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(ReliefRule::default()),
            Some(r) => ReliefRule::from_setting(&r.try_get::<String, _>("value")?)
                .map_err(|e| StorageError::Corrupt(format!("{RELIEF_KEY}: {e}"))),
        }
    }

    async fn set_relief_rule(&self, actor: &Actor, rule: ReliefRule) -> StorageResult<()> {
        if actor.role != treem_domain::role::Role::Officer {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        crate::db::put_setting(&mut tx, RELIEF_KEY, &rule.within_days.to_string()).await?;
        audit::append(
            &mut tx,
            actor,
            "update",
            "disaster",
            None,
            &format!("cứu trợ kịp thời: trong {} ngày", rule.within_days),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn work_for_figures(&self) -> StorageResult<WorkRecords> {
        let mut disasters: Vec<DisasterFacts> = Vec::new();
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.date, x.child_id, x.helped_on FROM disaster d \
             LEFT JOIN disaster_child x ON x.disaster_id = d.id{} ORDER BY d.id, x.child_id",
            self.same("x", "d")
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut last = None;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            if last != Some(id) {
                disasters.push(DisasterFacts {
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    children: Vec::new(),
                });
                last = Some(id);
            }
            if let Some(c) = r.try_get::<Option<i64>, _>("child_id")? {
                let helped = opt_date(r.try_get("helped_on")?)?;
                if let Some(d) = disasters.last_mut() {
                    d.children.push((c, helped));
                }
            }
        }
        let rows = sqlx::query("SELECT date, prevented FROM child_marriage ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let marriages = rows
            .iter()
            .map(|r| {
                Ok(MarriageFacts {
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    prevented: r.try_get::<i64, _>("prevented")? != 0,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(WorkRecords {
            disasters,
            marriages,
        })
    }
}

/// The ids among `ids` whose village is none of `villages`.
async fn children_outside_villages(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ids: &[i64],
    villages: &[i64],
) -> StorageResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut p = Params::default();
        let list: Vec<String> = chunk.iter().map(|id| p.push(*id)).collect();
        let vs: Vec<String> = villages.iter().map(|v| p.push(*v)).collect();
        let sql = format!(
            "SELECT id FROM child WHERE id IN ({}) AND village_id NOT IN ({})",
            list.join(", "),
            if vs.is_empty() {
                "NULL".to_string()
            } else {
                vs.join(", ")
            }
        );
        for r in bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&mut **tx)
            .await?
        {
            out.push(r.try_get::<i64, _>("id")?);
        }
    }
    Ok(out)
}
