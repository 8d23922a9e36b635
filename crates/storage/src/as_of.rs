//! The register as it stood at the end of one or more dates (the history: every child version
//! recorded before the last of them is read once, in slices of children, and each date's
//! version of each child is picked in memory, the latest recorded before the end of that day),
//! and the register as the figures read it: each child's latest version known, now or as
//! recorded by a day ([`treem_domain::indicator::Known`]).
use crate::db::{end_of_day_text, known_cutoff, Backend, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::{agg, int, split, Cursor, RS, US};
use crate::stream;
use crate::villages::village_codes;
use sqlx::Row;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use treem_domain::circumstance::Circumstance;
use treem_domain::indicator::{ChildFacts, Known};
use treem_domain::register::{Child, ChildData, DobPrecision, Sex};
use treem_domain::Date;

/// The register at the end of several dates ([`crate::Register::register_for_figures`]).
#[derive(Debug)]
pub struct RegisterAsOf<T = ChildFacts> {
    /// The child versions the dates need, by child id then version; a child whose record did
    /// not change between the dates is here once.
    pub versions: Vec<T>,
    /// For each date asked about, in the same order: the children as they stood at the end of
    /// it, as indexes into `versions`, in child id order.
    pub at: Vec<Vec<usize>>,
}

impl<T> Default for RegisterAsOf<T> {
    fn default() -> Self {
        RegisterAsOf {
            versions: Vec::new(),
            at: Vec::new(),
        }
    }
}

impl<T> RegisterAsOf<T> {
    /// The children at the end of the `i`-th date asked about.
    pub fn children(&self, i: usize) -> Vec<&T> {
        self.at[i].iter().map(|&k| &self.versions[k]).collect()
    }
}

/// A child version as read: the full record, or only what the indicator engine reads.
pub(crate) trait Version: Sized + Send + 'static {
    /// The table read (keyed by child and version, with their recording time), and each
    /// version's line: `child_id,version,village_id,recorded_at` US (char 31) `data`, the
    /// text given to [`Version::parse`].
    fn source(backend: Backend) -> (&'static str, &'static str);
    /// `village`: the village's code, when the village is known.
    fn parse(id: i64, version: i64, village: Option<&str>, data: &str) -> StorageResult<Self>;
}

fn corrupt(e: serde_json::Error) -> StorageError {
    StorageError::Corrupt(format!("child data: {e}"))
}

impl Version for Child {
    fn source(backend: Backend) -> (&'static str, &'static str) {
        let line = match backend {
            Backend::Sqlite => {
                "child_id || ',' || version || ',' || village_id || ',' || recorded_at || char(31) || data"
            }
            Backend::Postgres => {
                "child_id || ',' || version || ',' || village_id || ',' || recorded_at || chr(31) || data"
            }
        };
        ("child_version", line)
    }

    fn parse(id: i64, version: i64, village: Option<&str>, data: &str) -> StorageResult<Self> {
        let mut data: ChildData = serde_json::from_str(data).map_err(corrupt)?;
        if let Some(code) = village {
            data.village = code.to_string();
        }
        Ok(Child {
            id,
            version,
            data,
            notices: vec![],
        })
    }
}

/// A `child_fact` row's facts: the record's indicator fields as a JSON array, in the order the
/// migration (`0005_figures.sql`) writes them; a field missing from the record is null.
type FactFields<'a> = (
    Sex,
    Option<Date>,
    // Required of every record, as the full read requires it.
    DobPrecision,
    Option<u8>,
    Option<Cow<'a, str>>,
    Option<Date>,
    Option<Cow<'a, str>>,
    Option<Vec<Circumstance>>,
    Option<Date>,
    Option<Date>,
    Option<Date>,
);

impl Version for ChildFacts {
    /// The line is stored (`child_fact.line`): one column to aggregate instead of five halves
    /// the database's work.
    fn source(_: Backend) -> (&'static str, &'static str) {
        ("child_fact", "line")
    }

    fn parse(id: i64, version: i64, village: Option<&str>, data: &str) -> StorageResult<Self> {
        let fields = match quick_facts(data) {
            Some(f) => f,
            None => serde_json::from_str(data).map_err(corrupt)?,
        };
        let (
            sex,
            dob,
            _precision,
            ethnicity,
            record_village,
            registered,
            school,
            circ,
            inn,
            out,
            died,
        ) = fields;
        Ok(ChildFacts {
            id,
            version,
            sex,
            date_of_birth: dob,
            ethnicity,
            village: match village {
                Some(code) => code.into(),
                None => record_village.as_deref().unwrap_or_default().into(),
            },
            birth_registered_on: registered,
            school_level: school.as_deref().map(Into::into),
            circumstances: circ.unwrap_or_default(),
            moved_in: inn,
            moved_out: out,
            died_on: died,
        })
    }
}

/// The facts as SQLite writes them for most children (no spaces, strings without escapes,
/// no circumstances), read without the JSON parser: a million of them are read for each
/// computation of the figures. Each value is typed by the same `Deserialize` as the JSON
/// parser's; anything else is left to it.
fn quick_facts(data: &str) -> Option<FactFields<'_>> {
    let mut c = Cursor(data.strip_prefix('[')?);
    let f = (
        c.typed()?,
        c.then()?.opt_typed()?,
        c.then()?.typed()?,
        c.then()?.opt_u8()?,
        c.then()?.opt_str()?.map(Cow::Borrowed),
        c.then()?.opt_typed()?,
        c.then()?.opt_str()?.map(Cow::Borrowed),
        c.then()?.empty_list()?,
        c.then()?.opt_typed()?,
        c.then()?.opt_typed()?,
        c.then()?.opt_typed()?,
    );
    (c.0 == "]").then_some(f)
}

/// What every slice is read against.
struct Reading {
    cutoffs: Vec<String>,
    codes: HashMap<i64, String>,
    scope: Option<i64>,
}

/// One slice of children (a line for each version, see [`Version::source`], joined by RS),
/// added to `out`. A child's versions are all in one slice.
fn parse_slice<T: Version>(
    lines: Option<&str>,
    s: &Reading,
    out: &mut RegisterAsOf<T>,
) -> StorageResult<()> {
    // (child, version, village, recorded_at, data)
    let mut rows: Vec<(i64, i64, i64, &str, &str)> = Vec::new();
    for line in split(lines, RS) {
        let bad = || StorageError::Corrupt(format!("child version: «{line}»"));
        let (head, data) = line.split_once(US).ok_or_else(bad)?;
        let mut f = head.splitn(4, ',');
        let (Some(c), Some(v), Some(g), Some(r)) = (f.next(), f.next(), f.next(), f.next()) else {
            return Err(bad());
        };
        rows.push((
            int(c, "child_version.child_id")?,
            int(v, "child_version.version")?,
            int(g, "child_version.village_id")?,
            r,
            data,
        ));
    }
    if !rows.is_sorted_by_key(|r| (r.0, r.1)) {
        rows.sort_by_key(|r| (r.0, r.1));
    }
    // Index into `out.versions` of each version of the current child already parsed.
    let mut parsed: Vec<(usize, usize)> = Vec::new();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        parsed.clear();
        for (d, cut) in s.cutoffs.iter().enumerate() {
            // The latest version recorded before the cutoff.
            let Some(k) = Known::latest(group.iter().map(|r| (r.1, r.3 < cut.as_str()))) else {
                continue;
            };
            let (id, version, village_id, _, text) = group[k];
            // A village head sees the children whose record, as it stood then, is in the
            // village.
            if s.scope.is_some_and(|v| v != village_id) {
                continue;
            }
            let at = match parsed.iter().find(|(g, _)| *g == k) {
                Some((_, at)) => *at,
                None => {
                    let code = s.codes.get(&village_id).map(String::as_str);
                    out.versions.push(T::parse(id, version, code, text)?);
                    parsed.push((k, out.versions.len() - 1));
                    out.versions.len() - 1
                }
            };
            out.at[d].push(at);
        }
    }
    Ok(())
}

async fn join<T>(
    h: tokio::task::JoinHandle<StorageResult<RegisterAsOf<T>>>,
) -> StorageResult<RegisterAsOf<T>> {
    h.await
        .map_err(|e| StorageError::Corrupt(format!("parse task: {e}")))?
}

impl Db {
    /// The highest child id given: the end of the slices [`Register::children_as_of_slice`]
    /// reads a register in.
    ///
    /// [`Register::children_as_of_slice`]: crate::Register::children_as_of_slice
    pub async fn last_child_id(&self) -> StorageResult<i64> {
        Ok(sqlx::query(&format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM child WHERE 1 = 1{}",
            self.and_own("child")
        ))
        .fetch_one(&self.pool)
        .await?
        .try_get("m")?)
    }

    /// The register at the end of each of `dates`; `scope`: only children whose record then
    /// was in this village.
    pub(crate) async fn register_at<T: Version>(
        &self,
        scope: Option<i64>,
        dates: &[Date],
    ) -> StorageResult<RegisterAsOf<T>> {
        let cutoffs: Vec<String> = dates.iter().map(|d| end_of_day_text(*d)).collect();
        self.register_before(scope, cutoffs, None).await
    }

    /// [`Db::register_at`] of one date, for the children with an id in `(after, up_to]` only:
    /// a large register checked a slice at a time.
    pub(crate) async fn register_slice_at<T: Version>(
        &self,
        date: Date,
        ids: (i64, i64),
    ) -> StorageResult<RegisterAsOf<T>> {
        self.register_before(None, vec![end_of_day_text(date)], Some(ids))
            .await
    }

    /// The register as the figures read it ([`Known`]): each child's latest version known —
    /// recorded by the end of the day asked, or any — once, in child id order. Which dates a
    /// child then counts on is the domain's to say from the record's own dates.
    pub(crate) async fn register_known<T: Version>(
        &self,
        scope: Option<i64>,
        known: Known,
    ) -> StorageResult<Vec<T>> {
        let r = self
            .register_before(scope, vec![known_cutoff(known)], None)
            .await?;
        // One cutoff: every version read is the one kept, in child id order.
        debug_assert_eq!(r.at[0].len(), r.versions.len());
        Ok(r.versions)
    }

    /// The register before each of `cutoffs` (recording times, as stored); `ids`: only the
    /// children with an id in `(after, up_to]`.
    async fn register_before<T: Version>(
        &self,
        scope: Option<i64>,
        cutoffs: Vec<String>,
        ids: Option<(i64, i64)>,
    ) -> StorageResult<RegisterAsOf<T>> {
        let out = RegisterAsOf {
            versions: Vec::new(),
            at: vec![Vec::new(); cutoffs.len()],
        };
        let Some(last) = cutoffs.iter().max().cloned() else {
            return Ok(out);
        };
        let max_id = self.last_child_id().await?;
        let (first_after, max_id) = match ids {
            Some((after, up_to)) => (after.max(0), max_id.min(up_to)),
            None => (0, max_id),
        };
        let codes = village_codes(&self.pool).await?;
        // Room for a version of every child up front (the whole commune's register): growing a
        // list of a million records step by step copies it again and again.
        let mut out = out;
        let room = if scope.is_none() {
            usize::try_from(max_id - first_after).unwrap_or(0)
        } else {
            0
        };
        out.versions.reserve(room);
        for at in &mut out.at {
            at.reserve(room);
        }
        let reading = Arc::new(Reading {
            cutoffs,
            codes,
            scope,
        });
        let (table, line) = T::source(self.backend);
        if let Some(path) = self.sqlite_path() {
            // Each version's line stepped in place, batches parsed while the next is read.
            let sql = format!(
                "SELECT {line} FROM {table} WHERE recorded_at < ?1 AND child_id > ?2 AND child_id <= ?3 \
                 ORDER BY child_id, version"
            );
            return stream::fold(
                path,
                sql,
                vec![last.into(), first_after.into(), max_id.into()],
                (RS, child_of_line),
                out,
                move |batch, out| parse_slice(Some(batch), &reading, out),
            )
            .await;
        }
        let b = self.backend;
        let order = "child_id, version";
        // Each column of a slice of children aggregated into one text: a million versions
        // cross the driver as a few hundred values.
        let sql = format!(
            "SELECT {} AS l FROM {table} \
             WHERE child_id > $1 AND child_id <= $2 AND recorded_at < $3{}",
            agg(b, line, RS, order),
            self.and_own(table),
        );
        // Small slices keep the texts small enough for the allocator to reuse their memory.
        const SLICE: i64 = 5_000;
        // Each slice is parsed on another core while the next one is read, straight into the
        // result (handed from one parse to the next).
        let mut idle = Some(out);
        let mut parsing: Option<tokio::task::JoinHandle<StorageResult<RegisterAsOf<T>>>> = None;
        let mut from = first_after;
        let mut conn = self.pool.acquire().await?;
        while from < max_id {
            let row = sqlx::query(&sql)
                .bind(from)
                .bind((from + SLICE).min(max_id))
                .bind(&last)
                .fetch_one(&mut *conn)
                .await?;
            let reading = reading.clone();
            let mut acc = match parsing.take() {
                Some(prev) => join(prev).await?,
                None => idle.take().unwrap_or_default(),
            };
            parsing = Some(tokio::task::spawn_blocking(move || {
                let lines: Option<&str> = row.try_get("l")?;
                parse_slice(lines, &reading, &mut acc).map(|()| acc)
            }));
            from += SLICE;
        }
        let out = match parsing.take() {
            Some(prev) => join(prev).await?,
            None => idle.take().unwrap_or_default(),
        };
        Ok(out)
    }
}

/// The child a version's line is of: the line begins `child_id,`.
fn child_of_line(line: &str) -> &str {
    line.split(',').next().unwrap_or(line)
}

/// The register as it stood at the end of `date`, within the reader's scope.
pub(crate) async fn children_as_of(
    db: &Db,
    actor: &treem_domain::role::Actor,
    date: Date,
) -> StorageResult<Vec<Child>> {
    let scope = crate::scope::read_scope(actor)?;
    let r = db.register_at::<Child>(scope, &[date]).await?;
    // One date: every version read is that date's, in child id order.
    debug_assert_eq!(r.at[0].len(), r.versions.len());
    Ok(r.versions)
}

/// [`children_as_of`] for the children with an id in `(after, up_to]` only: a large register
/// read a slice at a time.
pub(crate) async fn children_as_of_slice(
    db: &Db,
    actor: &treem_domain::role::Actor,
    date: Date,
    (after, up_to): (i64, i64),
) -> StorageResult<Vec<Child>> {
    let scope = crate::scope::read_scope(actor)?;
    let r = db
        .register_before::<Child>(scope, vec![end_of_day_text(date)], Some((after, up_to)))
        .await?;
    Ok(r.versions)
}

/// What the figures read of each child, within the reader's scope ([`Known`]).
pub(crate) async fn register_for_figures(
    db: &Db,
    actor: &treem_domain::role::Actor,
    known: Known,
) -> StorageResult<Vec<ChildFacts>> {
    let scope = crate::scope::read_scope(actor)?;
    db.register_known(scope, known).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reader gives what the JSON parser gives, or leaves the text to it.
    #[test]
    fn quick_facts_read_as_the_json_parser_does() {
        let quick = [
            r#"["female","2019-05-01","day",17,"SP01",null,"mau_giao",[],null,null,null]"#,
            r#"["male",null,"unknown",null,null,"2020-01-02",null,null,"2021-01-01","2022-02-02","2023-03-03"]"#,
            r#"["unknown","2024-02-29","year",0,"Bản \"A\"",null,null,[],null,null,null]"#,
            r#"["female","2019-05-01","day",255,"SP01",null,null,[],null,null,null]"#,
        ];
        for text in quick {
            let full: FactFields = serde_json::from_str(text).unwrap();
            match quick_facts(text) {
                Some(q) => assert_eq!(q, full, "{text}"),
                // Escaped strings are the JSON parser's.
                None => assert!(text.contains('\\'), "{text}"),
            }
        }
        assert!(quick_facts(quick[0]).is_some());
        assert!(quick_facts(quick[1]).is_some());
        for text in [
            // PostgreSQL's spacing, circumstances, odd numbers and values: the JSON parser's.
            r#"["female", "2019-05-01", "day", 17, "SP01", null, null, [], null, null, null]"#,
            r#"["female","2019-05-01","day",17,"SP01",null,null,[{"code":"a","from":"2025-01-01"}],null,null,null]"#,
            r#"["female","2019-05-01","day",017,"SP01",null,null,[],null,null,null]"#,
            r#"["female","2019-05-01","day",256,"SP01",null,null,[],null,null,null]"#,
            r#"["female","2019-05-01","day",1.5,"SP01",null,null,[],null,null,null]"#,
            r#"["female","2019-02-30","day",17,"SP01",null,null,[],null,null,null]"#,
            r#"["woman","2019-05-01","day",17,"SP01",null,null,[],null,null,null]"#,
            r#"["female","2019-05-01","day",17,"SP01",null,null,[],null,null]"#,
            r#"["female","2019-05-01","day",17,"SP01",null,null,[],null,null,null,1]"#,
            r#"["female","2019-05-01","day",17,"SP01",null,null,[],null,null,null] "#,
        ] {
            assert!(quick_facts(text).is_none(), "{text}");
        }
        // Where the JSON parser reads them, the values are the same as the quick reader's.
        let spaced: FactFields = serde_json::from_str(
            r#"["female", "2019-05-01", "day", 17, "SP01", null, "mau_giao", [], null, null, null]"#,
        )
        .unwrap();
        assert_eq!(quick_facts(quick[0]), Some(spaced));
    }
}
