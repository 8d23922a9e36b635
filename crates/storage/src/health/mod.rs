//! Health events (sự kiện y tế): kept as the domain's JSON with kind, child and date beside it.
//! Who may see them is stricter than the register: health data is sensitive personal data.
mod packs;

/// The schema version that keeps replaced records (migration 0017).
pub(crate) const REPLACEMENT_SINCE_SCHEMA: i64 = 17;

/// The schema version from which a whole commune's load on PostgreSQL sets the packs' trigger
/// aside (`treem.bulk_load`) and builds the packs once at its end ([`fill_packs`]).
pub(crate) const PACKS_AT_END_SINCE_SCHEMA: i64 = 23;

/// Every child's health pack from its events, written in key order so that the figures' read
/// of a range of children finds their packs side by side (also `treem rebuild-copies`).
pub(crate) const FILL_PACKS: &str = "INSERT INTO health_pack (child_id, kind, events) \
     SELECT child_id, kind, events FROM health_pack_source ORDER BY child_id, kind";

/// [`FILL_PACKS`] on PostgreSQL from migration 0025: each pack's commune from its events, so
/// that Citus writes it on their node.
pub(crate) const FILL_PACKS_COMMUNE: &str =
    "INSERT INTO health_pack (commune, child_id, kind, events) \
     SELECT commune, child_id, kind, events FROM health_pack_source ORDER BY child_id, kind";

/// Builds every pack of the commune from its events, once its events are all written with the
/// trigger set aside (PostgreSQL; on Citus too since 0026, `copies::bulk_load`).
pub(crate) async fn fill_packs(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> StorageResult<()> {
    sqlx::query(FILL_PACKS_COMMUNE).execute(&mut **tx).await?;
    Ok(())
}

use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::with_child_and_date;
use crate::params::{bind_all, Params, P};
use crate::scope::{health_scope, read_scope};
use crate::seal::append_sealed;
use crate::seal::{Seal, Sealed};
use crate::HealthLog;
use serde::Serialize;
use sqlx::Row;
use treem_domain::health::{
    Birth, Correction, Event, HealthRecords, ALREADY_REPLACED_VI, BIRTH, DEATH, INJURY, KINDS,
    MEASUREMENT, VACCINATION,
};
use treem_domain::indicator::Known;
use treem_domain::register::{Child, ChildData};
use treem_domain::role::{Actor, Role};
use treem_domain::Date;

/// One stored event.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HealthEvent {
    pub id: i64,
    pub kind: String,
    pub child_id: Option<i64>,
    pub date: String,
    pub data: serde_json::Value,
    /// The event that replaced this one (a correction); `None` for a record in use. Only the
    /// child's history ([`HealthLog::health_history`]) reads replaced records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<i64>,
    /// When it was replaced (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_at: Option<String>,
    /// Why it was replaced (lý do sửa).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace_reason: Option<String>,
}

impl HealthEvent {
    /// The event as the domain's type: the stored fields with the child and the date.
    pub fn event(&self) -> StorageResult<Event> {
        parse_event(
            &self.kind,
            self.child_id,
            &self.date,
            &self.data.to_string(),
        )
    }
}

/// One stored event (`kind`, `child`, `date` and the stored `fields`) as the domain's type.
fn parse_event(kind: &str, child: Option<i64>, date: &str, fields: &str) -> StorageResult<Event> {
    let bad = |e: serde_json::Error| bad_event(kind, child, date, e);
    Ok(match kind {
        BIRTH => Event::Birth(typed(fields, child, date).map_err(bad)?),
        DEATH => Event::Death(typed(fields, child, date).map_err(bad)?),
        VACCINATION => Event::Vaccination(typed(fields, child, date).map_err(bad)?),
        MEASUREMENT => Event::Measurement(typed(fields, child, date).map_err(bad)?),
        INJURY => Event::Injury(typed(fields, child, date).map_err(bad)?),
        _ => Event::Hiv {
            date: date.parse().map_err(|_| {
                StorageError::Corrupt(format!("sự kiện y tế ({kind}): ngày «{date}»"))
            })?,
            counts: typed(fields, None, date).map_err(bad)?,
        },
    })
}

/// The stored fields of an event: its type's fields as JSON, keys in order, without the
/// child and the date (kept in their own columns). The one place an event becomes the text
/// stored; the figures' quick readers ([`quick_vaccination`], [`quick_measurement`]) read
/// exactly this shape.
fn stored_fields(e: &Event) -> StorageResult<String> {
    let v = match e {
        Event::Birth(x) => serde_json::to_value(x),
        Event::Death(x) => serde_json::to_value(x),
        Event::Vaccination(x) => serde_json::to_value(x),
        Event::Measurement(x) => serde_json::to_value(x),
        Event::Injury(x) => serde_json::to_value(x),
        Event::Hiv { counts, .. } => serde_json::to_value(counts),
    }
    .map_err(|err| StorageError::Corrupt(format!("sự kiện y tế ({}): {err}", e.kind())))?;
    let serde_json::Value::Object(mut fields) = v else {
        return Err(StorageError::Corrupt(format!(
            "sự kiện y tế ({})",
            e.kind()
        )));
    };
    fields.remove("child_id");
    fields.remove("date");
    Ok(serde_json::Value::Object(fields).to_string())
}

fn bad_event(kind: &str, child: Option<i64>, date: &str, e: serde_json::Error) -> StorageError {
    StorageError::Corrupt(format!(
        "sự kiện y tế ({kind}, trẻ {}, ngày {date}): {e}",
        child.map_or("—".to_string(), |c| c.to_string())
    ))
}

/// The child and the date are kept beside the fields; an event with no child (HIV follow-up
/// counts) is its fields alone.
fn typed<'de, T: serde::Deserialize<'de>>(
    fields: &'de str,
    child: Option<i64>,
    date: &'de str,
) -> serde_json::Result<T> {
    match child {
        Some(c) => with_child_and_date(fields, c, date),
        None => serde_json::from_str(fields),
    }
}

/// Kinds a role may read. Village heads see vaccinations of their village (to remind families);
/// HIV follow-up is for the health station and the officer only.
pub fn readable_kinds(role: Role) -> &'static [&'static str] {
    match role {
        Role::Health | Role::Officer => &KINDS,
        Role::Leader => &["birth", "death", "vaccination", "measurement", "injury"],
        Role::VillageHead => &["vaccination"],
        _ => &[],
    }
}

/// The most children one list reads at once ([`HealthLog::children_for_list`]): a village's
/// under-5s fit many times over.
const LIST_CHILDREN: usize = 2_000;

pub(crate) fn writes_health(role: Role) -> bool {
    matches!(role, Role::Health | Role::Officer)
}

/// Writes one health event under `seal` and notes it there; returns its id.
#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    seal: &mut Seal,
    kind: &str,
    child: Option<i64>,
    village: Option<i64>,
    date: &str,
    data: String,
    actor: &Actor,
    now: &str,
) -> StorageResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO health_event (kind, child_id, village_id, date, data, recorded_by, recorded_at, seal) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(kind)
    .bind(child)
    .bind(village)
    .bind(date)
    .bind(&data)
    .bind(actor.user_id)
    .bind(now)
    .bind(seal.id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    seal.record(
        Sealed::HealthEvent,
        &[
            P::from(id),
            P::from(kind),
            P::from(child),
            P::from(village),
            P::from(date),
            P::from(data),
            P::from(actor.user_id),
            P::from(now),
        ],
    );
    Ok(id)
}

/// Inserts one event after finding its child's village (refused when the child is not in the
/// register).
pub(crate) async fn insert_checked(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    seal: &mut Seal,
    actor: &Actor,
    event: &Event,
    now: &str,
) -> StorageResult<i64> {
    let village: Option<i64> = match event.child_id() {
        Some(c) => Some(
            sqlx::query("SELECT village_id FROM child WHERE id = $1")
                .bind(c)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StorageError::invalid("child_id", "không có trẻ này trong sổ"))?
                .try_get("village_id")?,
        ),
        None => None,
    };
    insert_event(
        tx,
        seal,
        event.kind(),
        event.child_id(),
        village,
        &event.date().to_string(),
        stored_fields(event)?,
        actor,
        now,
    )
    .await
}

/// Whether the same event (kind, child, date and every field alike) is stored already: the
/// stored fields read as the domain's type (whatever shape an older version wrote them in).
async fn stored_already(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: &Event,
) -> StorageResult<bool> {
    let Some(child) = event.child_id() else {
        return Ok(false);
    };
    let (kind, date) = (event.kind(), event.date().to_string());
    let rows = sqlx::query(
        "SELECT data FROM health_event WHERE child_id = $1 AND kind = $2 AND date = $3 \
         AND replaced_by IS NULL",
    )
    .bind(child)
    .bind(kind)
    .bind(&date)
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let text: String = r.try_get("data")?;
        if parse_event(kind, Some(child), &date, &text).is_ok_and(|stored| &stored == event) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A form of health events recorded under a submission id
/// ([`HealthLog::add_health_events_once`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submission {
    /// The events stored by it.
    pub ids: Vec<i64>,
    /// The children of the events not stored because the same event (same kind, child, date and
    /// values) was stored already.
    pub identical: Vec<i64>,
    /// When it was stored (RFC 3339, UTC).
    pub recorded_at: String,
    /// False when stored by this call; true when the id had been stored before and nothing was
    /// stored now.
    pub again: bool,
}

pub(crate) async fn read_submission(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token: &str,
) -> StorageResult<Option<Submission>> {
    let Some(row) = sqlx::query("SELECT recorded_at, result FROM form_submission WHERE token = $1")
        .bind(token)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let result: String = row.try_get("result")?;
    let v: serde_json::Value = serde_json::from_str(&result)
        .map_err(|e| StorageError::Corrupt(format!("form_submission {token}: {e}")))?;
    let ints = |k: &str| -> Vec<i64> {
        v[k].as_array()
            .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
            .unwrap_or_default()
    };
    Ok(Some(Submission {
        ids: ints("ids"),
        identical: ints("identical"),
        recorded_at: row.try_get("recorded_at")?,
        again: true,
    }))
}

pub use crate::once::valid_submission_id;

impl Db {
    /// A death closes the child's entry in the register in the transaction that stores the
    /// event: the event is never stored without the register knowing, nor the other way
    /// round. Answers whether the record changed (it does not when a date of death is there).
    async fn close_on_death(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        seal: &mut Seal,
        actor: &Actor,
        event: &Event,
    ) -> StorageResult<bool> {
        let Some((c, date)) = event.closes_entry() else {
            return Ok(false);
        };
        let before = self.read_child_in(tx, c, None).await?;
        let Some(after) = before.data.with_death(date) else {
            return Ok(false);
        };
        crate::children::write_update(tx, seal, actor, &before, &after, None).await?;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl HealthLog for Db {
    async fn add_health_events(&self, actor: &Actor, events: &[Event]) -> StorageResult<Vec<i64>> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let mut errs = treem_domain::validation::FieldErrors::default();
        if !treem_domain::limits::check_count(
            &mut errs,
            "events",
            "sự kiện y tế mỗi lần ghi",
            events.len(),
            treem_domain::limits::HEALTH_EVENTS_PER_BATCH,
        ) {
            return Err(StorageError::Invalid(errs));
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        let mut seal = Seal::begin(&mut tx).await?;
        let mut ids = Vec::new();
        let mut closed = Vec::new();
        for event in events {
            ids.push(insert_checked(&mut tx, &mut seal, actor, event, &now).await?);
            if self
                .close_on_death(&mut tx, &mut seal, actor, event)
                .await?
            {
                closed.extend(event.child_id().map(|c| c.to_string()));
            }
        }
        let mut detail = format!("{} sự kiện y tế", events.len());
        if !closed.is_empty() {
            detail += &format!("; ghi ngày mất vào sổ của trẻ số {}", closed.join(", "));
        }
        append_sealed(&mut tx, actor, "create", "health", None, &detail, seal).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn add_health_events_once(
        &self,
        actor: &Actor,
        form: &str,
        token: Option<&str>,
        events: &[Event],
    ) -> StorageResult<Submission> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let mut errs = treem_domain::validation::FieldErrors::default();
        if token.is_some_and(|t| !valid_submission_id(t)) {
            errs.push(
                "submission_id",
                "mã lần gửi không hợp lệ (8–100 chữ cái, chữ số, - hoặc _)",
            );
        }
        treem_domain::limits::check_count(
            &mut errs,
            "events",
            "sự kiện y tế mỗi lần ghi",
            events.len(),
            treem_domain::limits::HEALTH_EVENTS_PER_BATCH,
        );
        if !errs.is_empty() {
            return Err(StorageError::Invalid(errs));
        }
        for attempt in 0..2 {
            let (_turn, mut tx) = self.begin_write().await?;
            if let Some(t) = token {
                if let Some(done) = read_submission(&mut tx, t).await? {
                    tx.commit().await?;
                    return Ok(done);
                }
            }
            let now = now_text();
            let mut seal = Seal::begin(&mut tx).await?;
            let (mut ids, mut identical) = (Vec::new(), Vec::new());
            for event in events {
                if stored_already(&mut tx, event).await? {
                    identical.extend(event.child_id());
                    continue;
                }
                ids.push(insert_checked(&mut tx, &mut seal, actor, event, &now).await?);
                self.close_on_death(&mut tx, &mut seal, actor, event)
                    .await?;
            }
            if let Some(t) = token {
                let result = serde_json::json!({"ids": ids, "identical": identical}).to_string();
                let inserted = sqlx::query(
                    "INSERT INTO form_submission (token, kind, recorded_by, recorded_at, result) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(t)
                .bind(form)
                .bind(actor.user_id)
                .bind(&now)
                .bind(result)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    // The same id committed meanwhile by another connection (PostgreSQL, where
                    // writers do not queue): roll back and answer with what it stored.
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt == 0 => {
                        drop(tx);
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if !ids.is_empty() {
                append_sealed(
                    &mut tx,
                    actor,
                    "create",
                    "health",
                    None,
                    &format!("{} sự kiện y tế", ids.len()),
                    seal,
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(Submission {
                ids,
                identical,
                recorded_at: now,
                again: false,
            });
        }
        Err(StorageError::Busy)
    }

    async fn submission(&self, actor: &Actor, token: &str) -> StorageResult<Option<Submission>> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        if !valid_submission_id(token) {
            return Ok(None);
        }
        let mut tx = self.begin_read().await?;
        let s = read_submission(&mut tx, token).await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn health_events_packed(
        &self,
        actor: &Actor,
        kinds: &[&str],
        to: Option<Date>,
    ) -> StorageResult<String> {
        let allowed = readable_kinds(actor.role);
        if kinds.iter().any(|k| !allowed.contains(k)) || actor.role == Role::VillageHead {
            return Err(StorageError::Forbidden);
        }
        // One text for all rows: the stored fields are JSON already, so concatenation packs
        // them without the database or the driver handling each row.
        let agg = match self.backend {
            crate::db::Backend::Sqlite => "group_concat",
            crate::db::Backend::Postgres => "string_agg",
        };
        let mut p = Params::default();
        let list: Vec<String> = kinds.iter().map(|k| p.push(*k)).collect();
        let mut sql = format!(
            "SELECT '[' || COALESCE({agg}('[' || id || ',\"' || kind || '\",' || COALESCE(CAST(child_id AS TEXT), 'null') || ',\"' || date || '\",' || data || ']', ','), '') || ']' AS j \
             FROM health_event WHERE kind IN ({}) AND replaced_by IS NULL",
            list.join(", ")
        );
        if let Some(t) = to {
            sql += &format!(" AND date <= {}", p.push(t.to_string()));
        }
        let row = bind_all(sqlx::query(&sql), p.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(row
            .try_get::<Option<String>, _>("j")?
            .unwrap_or_else(|| "[]".into()))
    }

    async fn health_records(
        &self,
        actor: &Actor,
        to: Option<Date>,
        known: Known,
    ) -> StorageResult<HealthRecords> {
        self.figures_records(actor, to, known).await
    }

    async fn record_birth(
        &self,
        actor: &Actor,
        child: &ChildData,
        birth: &Birth,
    ) -> StorageResult<Child> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let date = child
            .date_of_birth
            .ok_or_else(|| StorageError::invalid("date_of_birth", "cần ngày sinh"))?;
        let (turn, mut tx) = self.begin_write().await?;
        let village_id = crate::villages::resolve_village(&mut tx, &child.village, None).await?;
        let mut seal = Seal::begin(&mut tx).await?;
        let id = self
            .insert_child(&mut tx, actor, child, village_id, &mut seal)
            .await?;
        let birth = Event::Birth(Birth {
            child_id: id,
            date,
            ..birth.clone()
        });
        insert_event(
            &mut tx,
            &mut seal,
            BIRTH,
            Some(id),
            Some(village_id),
            &date.to_string(),
            stored_fields(&birth)?,
            actor,
            &now_text(),
        )
        .await?;
        append_sealed(
            &mut tx,
            actor,
            "create",
            "child",
            Some(id),
            "khai báo sinh",
            seal,
        )
        .await?;
        tx.commit().await?;
        // The read below is an audited read, a write of its own: it needs the turn.
        drop(turn);
        crate::Register::child(self, &Actor::system(), id).await
    }

    async fn children_for_list(
        &self,
        actor: &Actor,
        list: &str,
        ids: &[i64],
    ) -> StorageResult<Vec<Child>> {
        let scope = read_scope(actor)?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let mut errs = treem_domain::validation::FieldErrors::default();
        if !treem_domain::limits::check_count(
            &mut errs,
            "ids",
            "trẻ mỗi danh sách",
            ids.len(),
            LIST_CHILDREN,
        ) {
            return Err(StorageError::Invalid(errs));
        }
        let mut p = Params::default();
        let wanted: Vec<String> = ids.iter().map(|id| p.push(*id)).collect();
        let mut sql = format!(
            "SELECT c.id, c.version, c.village_id, v.data FROM child c \
             JOIN child_version v ON v.child_id = c.id AND v.version = c.version{} \
             WHERE c.id IN ({})",
            self.same("v", "c"),
            wanted.join(", ")
        );
        if let Some(v) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(v));
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await?;
        let codes = crate::villages::village_codes(&mut *tx).await?;
        let mut found = rows
            .iter()
            .map(|r| crate::children::child_from(r, &codes))
            .collect::<StorageResult<Vec<Child>>>()?;
        found.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
        let detail = format!("xem {list}: {} trẻ", found.len());
        crate::audit::append(&mut tx, actor, "read", "child", None, &detail).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn health_events(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: Option<i64>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StorageResult<Vec<HealthEvent>> {
        self.read_events(actor, kinds, child, from, to, false).await
    }

    async fn health_history(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: i64,
    ) -> StorageResult<Vec<HealthEvent>> {
        self.read_events(actor, kinds, Some(child), None, None, true)
            .await
    }

    async fn health_event(&self, actor: &Actor, id: i64) -> StorageResult<HealthEvent> {
        let kinds = readable_kinds(actor.role);
        if !writes_health(actor.role) || kinds.is_empty() {
            return Err(StorageError::Forbidden);
        }
        let row = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM health_event WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
        let e = event_from(&row)?;
        if !kinds.contains(&e.kind.as_str()) {
            return Err(StorageError::NotFound);
        }
        Ok(e)
    }

    async fn replace_health_event(
        &self,
        actor: &Actor,
        correction: &Correction,
    ) -> StorageResult<i64> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let old_id = correction.original_id();
        let (_turn, mut tx) = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM health_event WHERE id = $1"
        ))
        .bind(old_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StorageError::NotFound)?;
        let stored = event_from(&row)?;
        if stored.replaced_by.is_some() {
            return Err(StorageError::Refused(ALREADY_REPLACED_VI.into()));
        }
        if &stored.event()? != correction.original() {
            return Err(StorageError::Refused(
                "bản ghi đã thay đổi sau khi bạn mở; hãy tải lại trang và sửa lại".into(),
            ));
        }
        let now = now_text();
        let mut seal = Seal::begin(&mut tx).await?;
        let new_id =
            insert_checked(&mut tx, &mut seal, actor, correction.replacement(), &now).await?;
        // Marking the old row rebuilds its child's pack without it (the update trigger).
        let marked = sqlx::query(
            "UPDATE health_event SET replaced_by = $1, replaced_at = $2, replace_reason = $3 \
             WHERE id = $4 AND replaced_by IS NULL",
        )
        .bind(new_id)
        .bind(&now)
        .bind(correction.reason())
        .bind(old_id)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            // Replaced meanwhile by another connection (PostgreSQL): nothing is kept.
            return Err(StorageError::Refused(ALREADY_REPLACED_VI.into()));
        }
        let detail = format!(
            "sửa sự kiện y tế số {old_id} ({}, trẻ số {}, ngày {}) bằng bản ghi số {new_id}; lý do: {}",
            stored.kind,
            stored.child_id.map_or("—".to_string(), |c| c.to_string()),
            stored.date,
            correction.reason()
        );
        append_sealed(&mut tx, actor, "update", "health", None, &detail, seal).await?;
        tx.commit().await?;
        Ok(new_id)
    }
}

/// The columns [`event_from`] reads.
const EVENT_COLUMNS: &str =
    "id, kind, child_id, date, data, replaced_by, replaced_at, replace_reason";

fn event_from(r: &sqlx::any::AnyRow) -> StorageResult<HealthEvent> {
    Ok(HealthEvent {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        child_id: r.try_get("child_id")?,
        date: r.try_get("date")?,
        data: serde_json::from_str(&r.try_get::<String, _>("data")?)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?,
        replaced_by: r.try_get("replaced_by")?,
        replaced_at: r.try_get("replaced_at")?,
        replace_reason: r.try_get("replace_reason")?,
    })
}

impl Db {
    /// [`HealthLog::health_events`], and with `replaced` the records replaced by a correction
    /// too ([`HealthLog::health_history`]).
    async fn read_events(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: Option<i64>,
        from: Option<Date>,
        to: Option<Date>,
        replaced: bool,
    ) -> StorageResult<Vec<HealthEvent>> {
        let allowed = readable_kinds(actor.role);
        if kinds.iter().any(|k| !allowed.contains(k)) {
            return Err(StorageError::Forbidden);
        }
        let scope = health_scope(actor)?;
        let mut p = Params::default();
        let list: Vec<String> = kinds.iter().map(|k| p.push(*k)).collect();
        let mut sql = format!(
            "SELECT {EVENT_COLUMNS} FROM health_event WHERE kind IN ({})",
            list.join(", ")
        );
        if !replaced {
            sql += " AND replaced_by IS NULL";
        }
        if let Some(c) = child {
            sql += &format!(" AND child_id = {}", p.push(c));
        }
        if let Some(f) = from {
            sql += &format!(" AND date >= {}", p.push(f.to_string()));
        }
        if let Some(t) = to {
            sql += &format!(" AND date <= {}", p.push(t.to_string()));
        }
        if let Some(v) = scope {
            sql += &format!(" AND village_id = {}", p.push(v));
        }
        sql += " ORDER BY date, id";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from).collect()
    }
}
