//! The register as it stood at the end of one or more dates: every child version recorded
//! before the last of them is read once, in slices of children, and each date's version of each
//! child is picked in memory (the latest version recorded before the end of that day).
use crate::db::{end_of_day_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::{agg, int, next_row, split, RS};
use crate::villages::village_codes;
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use treem_domain::circumstance::Circumstance;
use treem_domain::indicator::ChildFacts;
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
    /// `village`: the village's code, when the village is known.
    fn parse(id: i64, version: i64, village: Option<&str>, data: &str) -> StorageResult<Self>;
}

fn corrupt(e: serde_json::Error) -> StorageError {
    StorageError::Corrupt(format!("child data: {e}"))
}

impl Version for Child {
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

/// The fields of a record the indicator engine reads; the rest of the JSON is skipped.
#[derive(Deserialize)]
struct IndicatorFields<'a> {
    sex: Sex,
    date_of_birth: Option<Date>,
    // Required of every record, as the full read requires it.
    #[serde(rename = "dob_precision")]
    _dob_precision: DobPrecision,
    ethnicity: Option<u8>,
    #[serde(borrow)]
    village: Option<Cow<'a, str>>,
    birth_registered_on: Option<Date>,
    school_level: Option<String>,
    #[serde(default)]
    circumstances: Vec<Circumstance>,
    moved_in: Option<Date>,
    moved_out: Option<Date>,
    died_on: Option<Date>,
}

impl Version for ChildFacts {
    fn parse(id: i64, version: i64, village: Option<&str>, data: &str) -> StorageResult<Self> {
        let f: IndicatorFields = serde_json::from_str(data).map_err(corrupt)?;
        Ok(ChildFacts {
            id,
            version,
            sex: f.sex,
            date_of_birth: f.date_of_birth,
            ethnicity: f.ethnicity,
            village: match village {
                Some(code) => code.to_string(),
                None => f.village.map(Cow::into_owned).unwrap_or_default(),
            },
            birth_registered_on: f.birth_registered_on,
            school_level: f.school_level,
            circumstances: f.circumstances,
            moved_in: f.moved_in,
            moved_out: f.moved_out,
            died_on: f.died_on,
        })
    }
}

struct Slice {
    /// The aggregated columns, read in place (no copy).
    row: AnyRow,
    cutoffs: Arc<Vec<String>>,
    codes: Arc<HashMap<i64, String>>,
    scope: Option<i64>,
}

/// One slice of children (child ids, versions, villages, recording times, data), added to
/// `out`.
fn parse_slice<T: Version>(s: &Slice, out: &mut RegisterAsOf<T>) -> StorageResult<()> {
    let col = |name: &str| -> StorageResult<Option<&str>> { Ok(s.row.try_get(name)?) };
    let mut it = [
        split(col("i")?, ','),
        split(col("v")?, ','),
        split(col("g")?, ','),
        split(col("r")?, ','),
        split(col("j")?, RS),
    ];
    // (child, version, village, recorded_at, data)
    let mut rows: Vec<(i64, i64, i64, &str, &str)> = Vec::new();
    while let Some([c, v, g, r, j]) = next_row(&mut it)? {
        rows.push((
            int(c, "child_version.child_id")?,
            int(v, "child_version.version")?,
            int(g, "child_version.village_id")?,
            r,
            j,
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
            // The latest version recorded before the end of the day.
            let Some(k) = group
                .iter()
                .enumerate()
                .filter(|(_, r)| r.3 < cut.as_str())
                .max_by_key(|(_, r)| r.1)
                .map(|(k, _)| k)
            else {
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
    /// The register at the end of each of `dates`; `scope`: only children whose record then
    /// was in this village.
    pub(crate) async fn register_at<T: Version>(
        &self,
        scope: Option<i64>,
        dates: &[Date],
    ) -> StorageResult<RegisterAsOf<T>> {
        let cutoffs: Vec<String> = dates.iter().map(|d| end_of_day_text(*d)).collect();
        let out = RegisterAsOf {
            versions: Vec::new(),
            at: vec![Vec::new(); dates.len()],
        };
        let Some(last) = cutoffs.iter().max().cloned() else {
            return Ok(out);
        };
        let max_id: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM child")
                .fetch_one(&self.pool)
                .await?
                .try_get("m")?;
        let codes = Arc::new(village_codes(&self.pool).await?);
        let cutoffs = Arc::new(cutoffs);
        let b = self.backend;
        let order = "child_id, version";
        // Each column of a slice of children aggregated into one text: a million versions
        // cross the driver as a few hundred values.
        let sql = format!(
            "SELECT {} AS i, {} AS v, {} AS g, {} AS r, {} AS j FROM child_version \
             WHERE child_id > $1 AND child_id <= $2 AND recorded_at < $3",
            agg(b, "child_id", ',', order),
            agg(b, "version", ',', order),
            agg(b, "village_id", ',', order),
            agg(b, "recorded_at", ',', order),
            agg(b, "data", RS, order),
        );
        // Small slices keep the texts small enough for the allocator to reuse their memory.
        const SLICE: i64 = 5_000;
        // Each slice is parsed on another core while the next one is read, straight into the
        // result (handed from one parse to the next).
        let mut idle = Some(out);
        let mut parsing: Option<tokio::task::JoinHandle<StorageResult<RegisterAsOf<T>>>> = None;
        let mut from = 0;
        while from < max_id {
            let row = sqlx::query(&sql)
                .bind(from)
                .bind(from + SLICE)
                .bind(&last)
                .fetch_one(&self.pool)
                .await?;
            let slice = Slice {
                row,
                cutoffs: cutoffs.clone(),
                codes: codes.clone(),
                scope,
            };
            let mut acc = match parsing.take() {
                Some(prev) => join(prev).await?,
                None => idle.take().unwrap_or_default(),
            };
            parsing = Some(tokio::task::spawn_blocking(move || {
                parse_slice(&slice, &mut acc).map(|()| acc)
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
