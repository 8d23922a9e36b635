//! How many rows of the search index each word has (tần suất từ), for choosing which word of
//! a name search walks the index: the word with the fewest rows. Counting a broad word's rows
//! at search time costs as much as the search itself, and a count capped low cannot tell a
//! given name of 27,000 children from "thị" of 500,000 (which walked half the register in
//! name order before the first page of "thi say" was found). The counts are read from the
//! index in the background, at most every [`FRESH_FOR`], and kept in memory; until the first
//! read ends, and for a word written since, the search counts up to a cap as before. They only
//! choose the order of work: a stale count makes a search slower, never different.
//!
//! The rows of each pair of words (`child_word_pair`) are counted with them, to choose which two
//! words of a search of three or more the pairs answer: two rare words may be common together
//! («Lý» and «Văn»), where a rarer pair («Thị» with «Vả») reads a tenth of the rows.
use crate::error::StorageResult;
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a reading of the counts is used before another is started.
const FRESH_FOR: Duration = Duration::from_secs(600);

/// Rows of the index per word, and per pair of words.
pub(crate) type Counts = Arc<Read>;

/// One reading of the counts.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub words: BTreeMap<String, i64>,
    /// Per word, the rows of its pairs with each other word.
    pub pairs: BTreeMap<String, BTreeMap<String, i64>>,
}

/// The counts last read, shared by the clones of one `Db`.
#[derive(Default, Debug)]
pub(crate) struct WordCounts {
    read: Mutex<Option<(Instant, Counts)>>,
    reading: AtomicBool,
}

impl WordCounts {
    /// The counts if read, starting a fresh reading in the background when there are none or
    /// they are old. `own`: the commune's condition on the tables read as `x`
    /// (`Db::and_own("x")`).
    pub(crate) fn get(self: &Arc<Self>, pool: &sqlx::AnyPool, own: String) -> Option<Counts> {
        let now = self.read.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let stale = now.as_ref().is_none_or(|(at, _)| at.elapsed() > FRESH_FOR);
        if stale && !self.reading.swap(true, Ordering::AcqRel) {
            let (pool, words) = (pool.clone(), self.clone());
            tokio::spawn(async move {
                let counts = read_counts(&pool, &own).await;
                if let Ok(c) = counts {
                    *words.read.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some((Instant::now(), Arc::new(c)));
                }
                words.reading.store(false, Ordering::Release);
            });
        }
        now.map(|(_, c)| c)
    }

    /// Reads the counts now and keeps them, rather than in the background of a search.
    pub(crate) async fn read_now(&self, pool: &sqlx::AnyPool, own: String) -> StorageResult<()> {
        let counts = read_counts(pool, &own).await?;
        *self.read.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), Arc::new(counts)));
        Ok(())
    }
}

/// Rows of the index under `prefix`, from the counts.
pub(crate) fn rows_under(counts: &BTreeMap<String, i64>, prefix: &str) -> i64 {
    counts
        .range(prefix.to_string()..format!("{prefix}{{"))
        .map(|(_, n)| *n)
        .sum()
}

/// Whether the counts hold more than `n` distinct words under `prefix`.
pub(crate) fn words_under_exceed(counts: &BTreeMap<String, i64>, prefix: &str, n: usize) -> bool {
    counts
        .range(prefix.to_string()..format!("{prefix}{{"))
        .nth(n)
        .is_some()
}

/// Rows of the pairs of a word under `a` with a word under `b`, from the counts.
pub(crate) fn pair_rows_under(read: &Read, a: &str, b: &str) -> i64 {
    read.pairs
        .range(a.to_string()..format!("{a}{{"))
        .map(|(_, others)| rows_under(others, b))
        .sum()
}

async fn read_counts(pool: &sqlx::AnyPool, own: &str) -> StorageResult<Read> {
    let mut read = Read::default();
    let rows = sqlx::query(&format!(
        "SELECT token, CAST(COUNT(*) AS BIGINT) AS n FROM child_token x WHERE 1 = 1{own} GROUP BY token"
    ))
    .fetch_all(pool)
    .await?;
    for r in &rows {
        read.words.insert(r.try_get("token")?, r.try_get("n")?);
    }
    let rows = sqlx::query(&format!(
        "SELECT word, other, CAST(COUNT(*) AS BIGINT) AS n FROM child_word_pair x WHERE 1 = 1{own} \
         GROUP BY word, other"
    ))
    .fetch_all(pool)
    .await?;
    for r in &rows {
        read.pairs
            .entry(r.try_get("word")?)
            .or_default()
            .insert(r.try_get("other")?, r.try_get("n")?);
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prefix_exceeds_a_number_of_words_only_past_it() {
        let counts: std::collections::BTreeMap<String, i64> = ["a", "anh", "ao", "ba"]
            .iter()
            .map(|w| (w.to_string(), 1))
            .collect();
        assert!(super::words_under_exceed(&counts, "a", 2));
        assert!(!super::words_under_exceed(&counts, "a", 3));
        assert!(!super::words_under_exceed(&counts, "an", 1));
        assert!(!super::words_under_exceed(&counts, "x", 0));
    }

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

    #[test]
    fn a_pair_of_prefixes_sums_the_pairs_of_the_words_they_start() {
        let mut read = super::Read::default();
        for (a, b, n) in [
            ("ly", "van", 900),
            ("ly", "va", 3),
            ("thi", "va", 40),
            ("ly", "thi", 70),
        ] {
            read.pairs
                .entry(a.to_string())
                .or_default()
                .insert(b.to_string(), n);
        }
        assert_eq!(super::pair_rows_under(&read, "ly", "va"), 903);
        assert_eq!(super::pair_rows_under(&read, "l", "t"), 70);
        assert_eq!(super::pair_rows_under(&read, "thi", "va"), 40);
        assert_eq!(super::pair_rows_under(&read, "va", "thi"), 0);
    }
}
