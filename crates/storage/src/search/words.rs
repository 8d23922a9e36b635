//! The words of the search index a query's words stand for: those a prefix starts, and which
//! of the query's words has the fewest rows.
use crate::db::Db;
use crate::error::StorageResult;
use sqlx::Row;

/// Words of the index a prefix's range walks one by one for a page in name order, at most this
/// many; past it (a prefix of one letter in a large register) the range is sorted whole.
pub(super) const WORDS_PER_PREFIX: i64 = 64;

/// The distinct words of the index that start with `prefix`, if there are at most
/// [`WORDS_PER_PREFIX`]: found by skipping from one word to the next (one index seek each)
/// rather than reading every row of the range.
pub(super) async fn words_in_range(db: &Db, prefix: &str) -> StorageResult<Option<Vec<String>>> {
    // When the counts already say there are more (a one- or two-letter prefix in a large
    // register), the walk is not made only to find it out: on PostgreSQL its 65 index seeks took
    // 5 ms of «a say». Counts read up to ten minutes ago may be wrong by a word near the
    // bound; that only picks the other way of reading the range, which finds the same children.
    if let Some(counts) = super::counts(db) {
        let bound = WORDS_PER_PREFIX as usize;
        if crate::word_counts::words_under_exceed(&counts.words, prefix, bound) {
            return Ok(None);
        }
    }
    let own = db.and_own("child_token");
    let rows = sqlx::query(&format!(
        "WITH RECURSIVE w(token, n) AS ( \
            SELECT (SELECT MIN(token) FROM child_token WHERE token >= $1 AND token < $2{own}), 1 \
            UNION ALL \
            SELECT (SELECT MIN(token) FROM child_token WHERE token > w.token AND token < $2{own}), w.n + 1 \
            FROM w WHERE w.token IS NOT NULL AND w.n <= $3) \
         SELECT token FROM w WHERE token IS NOT NULL",
    ))
    .bind(prefix)
    .bind(format!("{prefix}{{"))
    .bind(WORDS_PER_PREFIX)
    .fetch_all(&db.pool)
    .await?;
    if rows.len() as i64 > WORDS_PER_PREFIX {
        return Ok(None);
    }
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("token")?))
        .collect::<StorageResult<Vec<_>>>()
        .map(Some)
}

/// The query's words, those whose prefix range holds the fewest index entries first (counted
/// up to a cap when the counts are not at hand).
pub(super) async fn by_rows<'a>(db: &Db, words: &[&'a str]) -> StorageResult<Vec<&'a str>> {
    if words.len() == 1 {
        return Ok(words.to_vec());
    }
    let mut rows: Vec<i64> = Vec::new();
    if let Some(counts) = super::counts(db) {
        rows = words
            .iter()
            .map(|w| crate::word_counts::rows_under(&counts.words, w))
            .collect();
    }
    // A word none of the counts has may have been written since: counted instead.
    if rows.is_empty() || rows.contains(&0) {
        rows.clear();
        for w in words {
            rows.push(
                sqlx::query(&format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM child_token WHERE token >= $1 AND token < $2{} LIMIT 2000) t",
                    db.and_own("child_token")
                ))
                .bind(*w)
                .bind(format!("{w}{{"))
                .fetch_one(&db.pool)
                .await?
                .try_get("n")?,
            );
        }
    }
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by_key(|i| rows[*i]);
    Ok(order.into_iter().map(|i| words[i]).collect())
}
