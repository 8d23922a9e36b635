//! Health events (sự kiện y tế): kept as the domain's JSON with kind, child and date beside it.
//! Who may see them is stricter than the register: health data is sensitive personal data.
use crate::db::{known_cutoff, now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::{agg, int, next_row, split, with_child_and_date, Cursor, GS, RS, US};
use crate::params::{bind_all, Params, P};
use crate::scope::health_scope;
use crate::seal::{append_sealed, Seal, Sealed};
use crate::stream;
use crate::HealthLog;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use treem_domain::health::{HealthRecords, Measurement, Vaccination};
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
}

/// The kinds the indicator engine reads: every kind there is.
const KINDS: [&str; 6] = [
    "birth",
    DEATH,
    "vaccination",
    "measurement",
    "injury",
    "hiv",
];

async fn join(
    h: tokio::task::JoinHandle<StorageResult<HealthRecords>>,
) -> StorageResult<HealthRecords> {
    h.await
        .map_err(|e| StorageError::Corrupt(format!("parse task: {e}")))?
}

/// Events without a child (the HIV follow-up counts), read from `health_event`: kinds, dates,
/// fields (the aggregated columns, read in place), added to `h`.
fn parse_events(row: &AnyRow, h: &mut HealthRecords) -> StorageResult<()> {
    let col = |name: &str| -> StorageResult<Option<&str>> { Ok(row.try_get(name)?) };
    let mut it = [
        split(col("k")?, RS),
        split(col("d")?, ','),
        split(col("j")?, RS),
    ];
    while let Some([kind, date, fields]) = next_row(&mut it)? {
        push_event(h, kind, None, date, fields)?;
    }
    Ok(())
}

/// One slice of children's packs (`health_pack`): children, kinds, packed events (the
/// aggregated columns, read in place); the events dated up to `until` are added to `h`.
fn parse_packs(row: &AnyRow, until: &str, h: &mut HealthRecords) -> StorageResult<()> {
    let col = |name: &str| -> StorageResult<Option<&str>> { Ok(row.try_get(name)?) };
    let mut it = [
        split(col("c")?, ','),
        split(col("k")?, ','),
        split(col("e")?, GS),
    ];
    let mut entries = Vec::new();
    while let Some([child, kind, events]) = next_row(&mut it)? {
        parse_pack(child, kind, events, until, &mut entries, h)?;
    }
    Ok(())
}

/// Packs as the streamed read gives them ([`crate::stream`]): `child_id US kind US events`,
/// packs joined by GS.
fn parse_pack_rows(batch: &str, until: &str, h: &mut HealthRecords) -> StorageResult<()> {
    let mut entries = Vec::new();
    for row in batch.split(GS) {
        let mut f = row.splitn(3, US);
        let (Some(child), Some(kind), Some(events)) = (f.next(), f.next(), f.next()) else {
            return Err(StorageError::Corrupt(format!("health_pack: «{row}»")));
        };
        parse_pack(child, kind, events, until, &mut entries, h)?;
    }
    Ok(())
}

/// One child's pack of one kind: its events dated up to `until`, in id order, added to `h`.
/// `entries`: room for (event id, date, fields), reused from pack to pack.
fn parse_pack<'a>(
    child: &str,
    kind: &str,
    events: &'a str,
    until: &str,
    entries: &mut Vec<(&'a str, &'a str, &'a str)>,
    h: &mut HealthRecords,
) -> StorageResult<()> {
    let child = int(child, "health_pack.child_id")?;
    entries.clear();
    let mut sorted = true;
    for entry in events.split(RS) {
        let bad = || StorageError::Corrupt(format!("health_pack ({kind}, trẻ {child}): «{entry}»"));
        let (id, date, fields) = pack_entry(entry).ok_or_else(bad)?;
        // The same text comparison as `date <= until` in SQL.
        if date <= until {
            sorted &= entries.last().is_none_or(|e| id_before(e.0, id));
            entries.push((id, date, fields));
        }
    }
    // Appends from concurrent writers may land out of id order.
    if !sorted {
        let mut keyed = entries
            .iter()
            .map(|&(id, d, f)| Ok((int(id, "health_pack.id")?, d, f)))
            .collect::<StorageResult<Vec<_>>>()?;
        keyed.sort_by_key(|e| e.0);
        for (k, e) in keyed.into_iter().zip(entries.iter_mut()) {
            *e = ("", k.1, k.2);
        }
    }
    for &(_, date, fields) in entries.iter() {
        push_event(h, kind, Some(child), date, fields)?;
    }
    Ok(())
}

/// A pack's entry, `id US date US fields`: its three parts. Ids are a few digits and dates
/// ten characters: looked for byte by byte rather than with a searcher set up for long texts
/// (millions of entries are read for each computation of the figures).
fn pack_entry(entry: &str) -> Option<(&str, &str, &str)> {
    let us = US as u8;
    let i = entry.bytes().position(|c| c == us)?;
    // Both cuts are next to a one-byte US: on character boundaries.
    let rest = &entry[i + 1..];
    let j = rest.bytes().position(|c| c == us)?;
    Some((&entry[..i], &rest[..j], &rest[j + 1..]))
}

/// `more` after what `h` holds, kind by kind.
fn append(h: &mut HealthRecords, mut more: HealthRecords) {
    h.births.append(&mut more.births);
    h.deaths.append(&mut more.deaths);
    h.vaccinations.append(&mut more.vaccinations);
    h.measurements.append(&mut more.measurements);
    h.injuries.append(&mut more.injuries);
    h.hiv.append(&mut more.hiv);
}

/// Whether the id `a` is below `b`, both written by the database as decimal integers: shorter
/// is smaller, and of the same length the text's order is the number's.
fn id_before(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

fn bad_event(kind: &str, child: Option<i64>, date: &str, e: serde_json::Error) -> StorageError {
    StorageError::Corrupt(format!(
        "sự kiện y tế ({kind}, trẻ {}, ngày {date}): {e}",
        child.map_or("—".to_string(), |c| c.to_string())
    ))
}

/// One event, typed by its kind and added to `h`; kinds the figures do not read are skipped.
fn push_event(
    h: &mut HealthRecords,
    kind: &str,
    child: Option<i64>,
    date: &str,
    fields: &str,
) -> StorageResult<()> {
    let bad = |e: serde_json::Error| bad_event(kind, child, date, e);
    match kind {
        "birth" => h.births.push(typed(fields, child, date).map_err(bad)?),
        "death" => h.deaths.push(typed(fields, child, date).map_err(bad)?),
        "vaccination" => h.vaccinations.push(
            match child.and_then(|c| quick_vaccination(fields, c, date)) {
                Some(v) => v,
                None => typed(fields, child, date).map_err(bad)?,
            },
        ),
        "measurement" => h.measurements.push(
            match child.and_then(|c| quick_measurement(fields, c, date)) {
                Some(m) => m,
                None => typed(fields, child, date).map_err(bad)?,
            },
        ),
        "injury" => h.injuries.push(typed(fields, child, date).map_err(bad)?),
        "hiv" => h.hiv.push(typed(fields, child, date).map_err(bad)?),
        _ => {}
    }
    Ok(())
}

/// A vaccination's fields exactly as treem writes them, `{"dose":N,"vaccine":"CODE"}` (keys in
/// order, no spaces, no escapes), with a date `YYYY-MM-DD`: read without the JSON parser (they
/// are most of the health records). Anything else is left to [`typed`].
fn quick_vaccination(fields: &str, child_id: i64, date: &str) -> Option<Vaccination> {
    let rest = fields.strip_prefix("{\"dose\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (dose, rest) = rest.split_at(digits);
    let code = rest.strip_prefix(",\"vaccine\":\"")?.strip_suffix("\"}")?;
    let json_int = !dose.is_empty() && (dose == "0" || !dose.starts_with('0'));
    if !json_int || code.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        return None;
    }
    Some(Vaccination {
        child_id,
        vaccine: code.into(),
        dose: dose.parse().ok()?,
        date: quick_date(date)?,
    })
}

/// A measurement's fields as treem writes them (keys in order, no spaces, no flags), read
/// without the JSON parser: half a million of them, each with several numbers, are read for
/// each computation of the figures. Anything else is left to [`typed`].
fn quick_measurement(fields: &str, child_id: i64, date: &str) -> Option<Measurement> {
    let mut c = Cursor(fields.strip_prefix('{')?);
    // `[]` only (null or any flag: the JSON parser's).
    c.key("flags")?.empty_list::<String>()??;
    let length_cm = c.then()?.key("length_cm")?.opt_f64()?;
    let measure = c.then()?.key("measure")?.typed()?;
    let oedema = c.then()?.key("oedema")?.bool()?;
    let weight_kg = c.then()?.key("weight_kg")?.opt_f64()?;
    let z_lhfa = c.then()?.key("z_lhfa")?.opt_f64()?;
    let z_wfa = c.then()?.key("z_wfa")?.opt_f64()?;
    let z_wflh = c.then()?.key("z_wflh")?.opt_f64()?;
    (c.0 == "}").then_some(Measurement {
        child_id,
        date: quick_date(date)?,
        weight_kg,
        length_cm,
        measure,
        oedema,
        z_wfa,
        z_lhfa,
        z_wflh,
        flags: Vec::new(),
    })
}

/// `YYYY-MM-DD`, a valid date; anything else is left to the full parser.
fn quick_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::new(y as i16, m as i8, d as i8).ok()
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

/// The kind of a death event, which also closes the child's entry in the register.
const DEATH: &str = "death";

fn writes_health(role: Role) -> bool {
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
#[allow(clippy::too_many_arguments)]
async fn insert_checked(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    seal: &mut Seal,
    actor: &Actor,
    kind: &str,
    child: Option<i64>,
    date: &Date,
    data: &serde_json::Value,
    now: &str,
) -> StorageResult<i64> {
    let village: Option<i64> = match child {
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
        kind,
        child,
        village,
        &date.to_string(),
        data.to_string(),
        actor,
        now,
    )
    .await
}

/// Whether the same event (kind, child, date and every field alike) is stored already.
async fn stored_already(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: &str,
    child: Option<i64>,
    date: &Date,
    data: &serde_json::Value,
) -> StorageResult<bool> {
    let Some(child) = child else {
        return Ok(false);
    };
    let rows = sqlx::query(
        "SELECT data FROM health_event WHERE child_id = $1 AND kind = $2 AND date = $3",
    )
    .bind(child)
    .bind(kind)
    .bind(date.to_string())
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let text: String = r.try_get("data")?;
        if serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| &v == data) {
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

async fn read_submission(
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

/// A submission id as a client may send it: 8 to 100 characters, letters, digits, `-` and `_`.
pub fn valid_submission_id(s: &str) -> bool {
    (8..=100).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Db {
    /// A death closes the child's entry in the register in the transaction that stores the
    /// event: the event is never stored without the register knowing, nor the other way
    /// round. Answers whether the record changed (it does not when a date of death is there).
    async fn close_on_death(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        seal: &mut Seal,
        actor: &Actor,
        kind: &str,
        child: Option<i64>,
        date: &Date,
    ) -> StorageResult<bool> {
        let (DEATH, Some(c)) = (kind, child) else {
            return Ok(false);
        };
        let before = self.read_child_in(tx, c, None).await?;
        let Some(after) = before.data.with_death(*date) else {
            return Ok(false);
        };
        crate::children::write_update(tx, seal, actor, &before, &after, None).await?;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl HealthLog for Db {
    async fn add_health_events(
        &self,
        actor: &Actor,
        events: &[(String, Option<i64>, Date, serde_json::Value)],
    ) -> StorageResult<Vec<i64>> {
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
        for (kind, child, date, data) in events {
            ids.push(
                insert_checked(&mut tx, &mut seal, actor, kind, *child, date, data, &now).await?,
            );
            if self
                .close_on_death(&mut tx, &mut seal, actor, kind, *child, date)
                .await?
            {
                closed.extend(child.map(|c| c.to_string()));
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
        events: &[(String, Option<i64>, Date, serde_json::Value)],
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
            for (kind, child, date, data) in events {
                if stored_already(&mut tx, kind, *child, date, data).await? {
                    identical.extend(*child);
                    continue;
                }
                ids.push(
                    insert_checked(&mut tx, &mut seal, actor, kind, *child, date, data, &now)
                        .await?,
                );
                self.close_on_death(&mut tx, &mut seal, actor, kind, *child, date)
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
             FROM health_event WHERE kind IN ({})",
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
        let allowed = readable_kinds(actor.role);
        if KINDS.iter().any(|k| !allowed.contains(k)) || actor.role == Role::VillageHead {
            return Err(StorageError::Forbidden);
        }
        let until = to.map_or_else(|| "9999-12-31".to_string(), |t| t.to_string());
        let b = self.backend;
        // Events without a child: few, read straight from the events.
        let cutoff = known_cutoff(known);
        let loose = sqlx::query(&format!(
            "SELECT {} AS k, {} AS d, {} AS j FROM health_event \
             WHERE child_id IS NULL AND date <= $1 AND recorded_at < $2",
            agg(b, "kind", RS, "id"),
            agg(b, "date", ',', "id"),
            agg(b, "data", RS, "id"),
        ))
        .bind(&until)
        .bind(&cutoff)
        .fetch_one(&self.pool)
        .await?;
        let mut first = HealthRecords::default();
        parse_events(&loose, &mut first)?;
        if known != Known::Now {
            // As recorded by a day: the events themselves, those recorded by then (the packs
            // hold every event, without the time it was recorded).
            return self.health_recorded_before(first, until, cutoff).await;
        }
        // Every other event from the children's packs: a few hundred thousand rows rather than
        // millions.
        if let Some(path) = self.sqlite_path() {
            // Stepped in place, batches parsed while the next is read.
            let sql = "SELECT child_id, kind, events FROM health_pack ORDER BY child_id, kind";
            return stream::fold(
                path,
                sql.into(),
                vec![],
                (GS, |child| child),
                first,
                move |batch, out| parse_pack_rows(batch, &until, out),
            )
            .await;
        }
        // PostgreSQL: slices of children (the primary key: a range scan), each column aggregated
        // into one text; each slice is parsed on another thread while the next one is read.
        let max_child: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(child_id), 0) AS BIGINT) AS m FROM health_pack")
                .fetch_one(&self.pool)
                .await?
                .try_get("m")?;
        let order = "child_id, kind";
        let sql = format!(
            "SELECT {} AS c, {} AS k, {} AS e FROM health_pack \
             WHERE child_id > $1 AND child_id <= $2",
            agg(b, "child_id", ',', order),
            agg(b, "kind", ',', order),
            agg(b, "events", GS, order),
        );
        let until = std::sync::Arc::new(until);
        const SLICE: i64 = 10_000;
        // Parsing costs more than reading: two slices are parsed at once, each into records of
        // its own, appended in order to the result.
        const IN_FLIGHT: usize = 2;
        let mut out = first;
        let mut parsing: std::collections::VecDeque<
            tokio::task::JoinHandle<StorageResult<HealthRecords>>,
        > = std::collections::VecDeque::new();
        let mut from = 0;
        let mut conn = self.pool.acquire().await?;
        while from < max_child {
            let row = sqlx::query(&sql)
                .bind(from)
                .bind(from + SLICE)
                .fetch_one(&mut *conn)
                .await?;
            if parsing.len() >= IN_FLIGHT {
                if let Some(done) = parsing.pop_front() {
                    append(&mut out, join(done).await?);
                }
            }
            let until = until.clone();
            parsing.push_back(tokio::task::spawn_blocking(move || {
                let mut h = HealthRecords::default();
                parse_packs(&row, &until, &mut h).map(|()| h)
            }));
            from += SLICE;
        }
        for done in parsing {
            append(&mut out, join(done).await?);
        }
        Ok(out)
    }

    async fn record_birth(
        &self,
        actor: &Actor,
        child: &ChildData,
        birth: &serde_json::Value,
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
        insert_event(
            &mut tx,
            &mut seal,
            "birth",
            Some(id),
            Some(village_id),
            &date.to_string(),
            birth.to_string(),
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

    async fn health_events(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: Option<i64>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StorageResult<Vec<HealthEvent>> {
        let allowed = readable_kinds(actor.role);
        if kinds.iter().any(|k| !allowed.contains(k)) {
            return Err(StorageError::Forbidden);
        }
        let scope = health_scope(actor)?;
        let mut p = Params::default();
        let list: Vec<String> = kinds.iter().map(|k| p.push(*k)).collect();
        let mut sql = format!(
            "SELECT id, kind, child_id, date, data FROM health_event WHERE kind IN ({})",
            list.join(", ")
        );
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
        rows.iter()
            .map(|r| {
                Ok(HealthEvent {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    child_id: r.try_get("child_id")?,
                    date: r.try_get("date")?,
                    data: serde_json::from_str(&r.try_get::<String, _>("data")?)
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}

impl Db {
    /// The children's events recorded before `cutoff` and dated up to `until`, read from the
    /// events themselves in the packs' shape (child by child, kind by kind, in id order) and
    /// added after `first`: the figures as an earlier report saw them.
    async fn health_recorded_before(
        &self,
        first: HealthRecords,
        until: String,
        cutoff: String,
    ) -> StorageResult<HealthRecords> {
        let b = self.backend;
        if let Some(path) = self.sqlite_path() {
            // One row an event: `child US kind US id US date US data`, which the packs' parser
            // reads as a pack of one.
            let sql = "SELECT child_id, kind, id || char(31) || date || char(31) || data \
                       FROM health_event WHERE child_id IS NOT NULL AND recorded_at < ?1 \
                       ORDER BY child_id, kind, id"
                .to_string();
            return stream::fold(
                path,
                sql,
                vec![cutoff.into()],
                (GS, |child| child),
                first,
                move |batch, out| parse_pack_rows(batch, &until, out),
            )
            .await;
        }
        let max_child: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(child_id), 0) AS BIGINT) AS m FROM health_event")
                .fetch_one(&self.pool)
                .await?
                .try_get("m")?;
        let order = "child_id, kind";
        let sql = format!(
            "SELECT {} AS c, {} AS k, {} AS e FROM (\
                SELECT child_id, kind, {} AS events FROM health_event \
                WHERE child_id > $1 AND child_id <= $2 AND recorded_at < $3 \
                GROUP BY child_id, kind) p",
            agg(b, "child_id", ',', order),
            agg(b, "kind", ',', order),
            agg(b, "events", GS, order),
            agg(
                b,
                match b {
                    crate::db::Backend::Sqlite => "id || char(31) || date || char(31) || data",
                    crate::db::Backend::Postgres => "id || chr(31) || date || chr(31) || data",
                },
                RS,
                "id"
            ),
        );
        const SLICE: i64 = 10_000;
        let mut out = first;
        let mut from = 0;
        let mut conn = self.pool.acquire().await?;
        while from < max_child {
            let row = sqlx::query(&sql)
                .bind(from)
                .bind(from + SLICE)
                .bind(&cutoff)
                .fetch_one(&mut *conn)
                .await?;
            parse_packs(&row, &until, &mut out)?;
            from += SLICE;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_vaccinations_read_as_the_json_parser_does() {
        for (fields, date) in [
            (r#"{"dose":1,"vaccine":"OPV"}"#, "2026-03-01"),
            (r#"{"dose":12,"vaccine":"DPT_VGB_HIB"}"#, "2024-02-29"),
            (r#"{"dose":0,"vaccine":""}"#, "2026-12-31"),
        ] {
            let quick = quick_vaccination(fields, 7, date).expect(fields);
            let full: Vaccination = typed(fields, Some(7), date).unwrap();
            assert_eq!(quick, full);
        }
        for (fields, date) in [
            (r#"{"dose":1,"vaccine":"OPV","x":1}"#, "2026-03-01"),
            (r#"{"dose": 1,"vaccine":"OPV"}"#, "2026-03-01"),
            (r#"{"dose":01,"vaccine":"OPV"}"#, "2026-03-01"),
            (r#"{"dose":300,"vaccine":"OPV"}"#, "2026-03-01"),
            (r#"{"dose":1,"vaccine":"O\u0050V"}"#, "2026-03-01"),
            (r#"{"vaccine":"OPV","dose":1}"#, "2026-03-01"),
            (r#"{"dose":1,"vaccine":"OPV"}"#, "2026-02-30"),
            (r#"{"dose":1,"vaccine":"OPV"}"#, "2026-3-01"),
        ] {
            assert_eq!(quick_vaccination(fields, 7, date), None, "{fields} {date}");
        }
        assert_eq!(
            quick_date("2026-03-01"),
            Some(jiff::civil::date(2026, 3, 1))
        );
        assert_eq!(quick_date("+2026-03-0"), None);
    }

    #[test]
    fn quick_measurements_read_as_the_json_parser_does() {
        let quick = [
            r#"{"flags":[],"length_cm":90.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4665934084236265,"z_wfa":-1.2357601070162338,"z_wflh":-0.6769816107597115}"#,
            r#"{"flags":[],"length_cm":null,"measure":"lying","oedema":true,"weight_kg":3,"z_lhfa":null,"z_wfa":-2.0,"z_wflh":null}"#,
            r#"{"flags":[],"length_cm":0.1e2,"measure":"lying","oedema":false,"weight_kg":1E-1,"z_lhfa":-0,"z_wfa":2.5e+0,"z_wflh":-3.0000000000000004}"#,
        ];
        for fields in quick {
            let q = quick_measurement(fields, 7, "2026-03-01").expect(fields);
            let full: Measurement = typed(fields, Some(7), "2026-03-01").unwrap();
            assert_eq!(q, full, "{fields}");
            // Bit for bit, signs of zero included.
            let bits = |m: &Measurement| {
                [m.length_cm, m.weight_kg, m.z_lhfa, m.z_wfa, m.z_wflh].map(|v| v.map(f64::to_bits))
            };
            assert_eq!(bits(&q), bits(&full), "{fields}");
        }
        for fields in [
            // Flags, other key orders, spacing, missing or extra keys, odd numbers: the parser's.
            r#"{"flags":["flag_wfa"],"length_cm":90.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"length_cm":90.4,"flags":[],"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[], "length_cm":90.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":90.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2}"#,
            r#"{"flags":[],"length_cm":90.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6,"x":1}"#,
            r#"{"flags":[],"length_cm":090.4,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":90.,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":.5,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":1e999,"measure":"standing","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":90.4,"measure":"sitting","oedema":false,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
            r#"{"flags":[],"length_cm":90.4,"measure":"standing","oedema":0,"weight_kg":12.3,"z_lhfa":-1.4,"z_wfa":-1.2,"z_wflh":-0.6}"#,
        ] {
            assert_eq!(quick_measurement(fields, 7, "2026-03-01"), None, "{fields}");
        }
        let shaped = quick[0];
        assert_eq!(quick_measurement(shaped, 7, "2026-02-30"), None);
    }
}
