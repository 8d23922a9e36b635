//! The figures' read of the health events: every event the indicator engine needs, typed
//! into [`HealthRecords`], from the children's packs (`health_pack`, kept by the database) or,
//! for the figures as an earlier report saw them, from the events recorded by then in the
//! packs' shape. One reader for both ([`Db::child_events`]); the commonest records are read
//! without the JSON parser ([`quick_vaccination`], [`quick_measurement`]).
use super::{bad_event, readable_kinds, typed};
use crate::db::{known_cutoff, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::{agg, int, next_row, split, Cursor, GS, RS, US};
use crate::stream;
use sqlx::any::AnyRow;
use sqlx::Row;
use treem_domain::health::{HealthRecords, Measurement, Vaccination, KINDS};
use treem_domain::indicator::Known;
use treem_domain::role::{Actor, Role};
use treem_domain::Date;

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

impl Db {
    /// [`HealthLog::health_records`]: the events without a child read straight from the events,
    /// then the children's events ([`Db::child_events`]).
    pub(super) async fn figures_records(
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
             WHERE child_id IS NULL AND date <= $1 AND recorded_at < $2 \
             AND (replaced_at IS NULL OR replaced_at >= $2){}",
            agg(b, "kind", RS, "id"),
            agg(b, "date", ',', "id"),
            agg(b, "data", RS, "id"),
            self.and_own("health_event"),
        ))
        .bind(&until)
        .bind(&cutoff)
        .fetch_one(&self.pool)
        .await?;
        let mut first = HealthRecords::default();
        parse_events(&loose, &mut first)?;
        // The events of children: from the packs when everything known now counts, else from
        // the events recorded by then (the packs hold every event in use, without the time it
        // was recorded). A record replaced by a correction (`replaced_at`) is read while the
        // replacement was not known yet: a figure as recorded by a day before the correction
        // reads the old record, as the report then did.
        let recorded_before = (known != Known::Now).then_some(cutoff);
        self.child_events(first, until, recorded_before).await
    }

    /// The children's events dated up to `until`, child by child and kind by kind in id
    /// order, added after `first`: every event from the packs (`recorded_before: None`), or
    /// only those recorded before an instant, read from the events themselves in the packs'
    /// shape (the figures as an earlier report saw them). The one reader of both.
    async fn child_events(
        &self,
        first: HealthRecords,
        until: String,
        recorded_before: Option<String>,
    ) -> StorageResult<HealthRecords> {
        let b = self.backend;
        if let Some(path) = self.sqlite_path() {
            // Stepped in place, batches parsed while the next is read. From the events: one row
            // an event, `child US kind US id US date US data`, which the packs' parser reads as
            // a pack of one.
            let (sql, params) = match recorded_before {
                None => (
                    "SELECT child_id, kind, events FROM health_pack ORDER BY child_id, kind",
                    vec![],
                ),
                Some(cutoff) => (
                    "SELECT child_id, kind, id || char(31) || date || char(31) || data \
                     FROM health_event WHERE child_id IS NOT NULL AND recorded_at < ?1 \
                     AND (replaced_at IS NULL OR replaced_at >= ?1) \
                     ORDER BY child_id, kind, id",
                    vec![cutoff.into()],
                ),
            };
            return stream::fold(
                path,
                sql.into(),
                params,
                (GS, |child| child),
                first,
                move |batch, out| parse_pack_rows(batch, &until, out),
            )
            .await;
        }
        // PostgreSQL: slices of children (a range scan), each column aggregated into one text;
        // each slice is parsed on another thread while the next one is read.
        let order = "child_id, kind";
        let (table, packs) = match recorded_before {
            None => ("health_pack", "health_pack".to_string()),
            Some(_) => (
                "health_event",
                format!(
                    "(SELECT child_id, kind, {} AS events FROM health_event \
                     WHERE child_id > $1 AND child_id <= $2 AND recorded_at < $3 \
                     AND (replaced_at IS NULL OR replaced_at >= $3){} \
                     GROUP BY child_id, kind) p",
                    agg(
                        b,
                        match b {
                            crate::db::Backend::Sqlite =>
                                "id || char(31) || date || char(31) || data",
                            crate::db::Backend::Postgres =>
                                "id || chr(31) || date || chr(31) || data",
                        },
                        RS,
                        "id"
                    ),
                    self.and_own("health_event"),
                ),
            ),
        };
        let sql = format!(
            "SELECT {} AS c, {} AS k, {} AS e FROM {packs} \
             WHERE child_id > $1 AND child_id <= $2{}",
            agg(b, "child_id", ',', order),
            agg(b, "kind", ',', order),
            agg(b, "events", GS, order),
            if recorded_before.is_none() {
                self.and_own(table)
            } else {
                String::new()
            },
        );
        let max_child: i64 = sqlx::query(&format!(
            "SELECT CAST(COALESCE(MAX(child_id), 0) AS BIGINT) AS m FROM {table} WHERE 1 = 1{}",
            self.and_own(table)
        ))
        .fetch_one(&self.pool)
        .await?
        .try_get("m")?;
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
            let mut q = sqlx::query(&sql).bind(from).bind(from + SLICE);
            if let Some(cutoff) = &recorded_before {
                q = q.bind(cutoff);
            }
            let row = q.fetch_one(&mut *conn).await?;
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
