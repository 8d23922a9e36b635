//! How many rows of the search index each word has (tần suất từ), for choosing which word of
//! a name search walks the index: the word with the fewest rows. Counting a broad word's rows
//! at search time costs as much as the search itself, and a count capped low cannot tell a
//! given name of 27,000 children from "thị" of 500,000 (which walked half the register in
//! name order before the first page of "thi say" was found). The counts are read from the
//! index in the background, at most every [`FRESH_FOR`], and kept in memory; until the first
//! read ends, and for a word written since, the search counts up to a cap as before. They only
//! choose the order of work: a stale count makes a search slower, never different.
use crate::error::StorageResult;
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a reading of the counts is used before another is started.
const FRESH_FOR: Duration = Duration::from_secs(600);

/// Rows of the index per word.
pub(crate) type Counts = Arc<BTreeMap<String, i64>>;

/// The counts last read, shared by the clones of one `Db`.
#[derive(Default, Debug)]
pub(crate) struct WordCounts {
    read: Mutex<Option<(Instant, Counts)>>,
    reading: AtomicBool,
}

impl WordCounts {
    /// The counts if read, starting a fresh reading in the background when there are none or
    /// they are old.
    pub(crate) fn get(self: &Arc<Self>, pool: &sqlx::AnyPool) -> Option<Counts> {
        let now = self.read.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let stale = now.as_ref().is_none_or(|(at, _)| at.elapsed() > FRESH_FOR);
        if stale && !self.reading.swap(true, Ordering::AcqRel) {
            let (pool, words) = (pool.clone(), self.clone());
            tokio::spawn(async move {
                let counts = read_counts(&pool).await;
                if let Ok(c) = counts {
                    *words.read.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some((Instant::now(), Arc::new(c)));
                }
                words.reading.store(false, Ordering::Release);
            });
        }
        now.map(|(_, c)| c)
    }
}

/// Rows of the index under `prefix`, from the counts.
pub(crate) fn rows_under(counts: &BTreeMap<String, i64>, prefix: &str) -> i64 {
    counts
        .range(prefix.to_string()..format!("{prefix}{{"))
        .map(|(_, n)| *n)
        .sum()
}

async fn read_counts(pool: &sqlx::AnyPool) -> StorageResult<BTreeMap<String, i64>> {
    let rows =
        sqlx::query("SELECT token, CAST(COUNT(*) AS BIGINT) AS n FROM child_token GROUP BY token")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("token")?, r.try_get("n")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prefix_sums_the_words_it_starts() {
        let counts = [("sa", 3), ("sang", 5), ("say", 7), ("sb", 100), ("s", 1)]
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        assert_eq!(super::rows_under(&counts, "sa"), 15);
        assert_eq!(super::rows_under(&counts, "say"), 7);
        assert_eq!(super::rows_under(&counts, "s"), 116);
        assert_eq!(super::rows_under(&counts, "t"), 0);
    }
}
