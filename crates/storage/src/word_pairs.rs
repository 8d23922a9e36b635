//! The search index's pairs of words (cặp từ trong tên): each ordered pair of distinct words of
//! one child's name and aliases, with the child's village and presence (migration 0020).
//!
//! A name search of two words that each start many names but seldom the same one ("thi va":
//! «Thị» starts half a million names and «Văn» a hundred thousand, none of them together) read
//! one word's whole run in `child_token` to learn that few or none of its children had the other
//! word. The pairs answer it from the children that have both: the rows of each word under one
//! query word's prefix, paired with a word under the other's. The rows are written and removed
//! with the child's words (`children.rs`, `bulk.rs`) and derived from them when an export is
//! read back (`portable.rs`).
use crate::error::StorageResult;
use crate::params::{insert_many, Params, P};
use sqlx::{Any, Row, Transaction};

/// The columns of a pair, in the order every writer gives them (this module, the bulk import).
pub(crate) const COLUMNS: [&str; 7] = [
    "word",
    "other",
    "sort_key",
    "child_id",
    "village_id",
    "present",
    "search_text",
];

/// One child as its pairs carry it.
pub(crate) struct Paired<'a> {
    pub child_id: i64,
    /// The child's sort key as stored in `child.sort_key` (the key of its pairs).
    pub sort_key: &'a str,
    pub village_id: i64,
    pub present: i64,
    /// The child's search text as `child_token` carries it: a search's third word is matched
    /// on it without a lookup per pair (migration 0022).
    pub search_text: &'a str,
}

/// Every ordered pair of distinct words of `words` (distinct already).
pub(crate) fn pairs(words: &[String]) -> impl Iterator<Item = (&str, &str)> {
    words.iter().flat_map(move |a| {
        words
            .iter()
            .filter(move |b| *b != a)
            .map(move |b| (a.as_str(), b.as_str()))
    })
}

/// Writes the pairs of one child's words (`words`: distinct, as `children::tokens_of`).
pub(crate) async fn write(
    tx: &mut Transaction<'_, Any>,
    child: &Paired<'_>,
    words: &[String],
) -> StorageResult<()> {
    let rows = pairs(words)
        .map(|(a, b)| {
            vec![
                P::from(a),
                P::from(b),
                P::from(child.sort_key),
                P::from(child.child_id),
                P::from(child.village_id),
                P::from(child.present),
                P::from(child.search_text),
            ]
        })
        .collect();
    insert_many(tx, "child_word_pair", &COLUMNS, rows).await
}

/// Removes the pairs of one child's earlier words, `sort_key` being the one stored with them
/// (`child.sort_key` before the change): a statement per word, each finding its rows by key.
pub(crate) async fn remove(
    tx: &mut Transaction<'_, Any>,
    child_id: i64,
    sort_key: &str,
    words: &[String],
) -> StorageResult<()> {
    if words.len() < 2 {
        return Ok(());
    }
    for w in words {
        let mut p = Params::default();
        let word = p.push(w.as_str());
        let key = p.push(sort_key);
        let id = p.push(child_id);
        let others: Vec<String> = words
            .iter()
            .filter(|o| *o != w)
            .map(|o| p.push(o.as_str()))
            .collect();
        let sql = format!(
            "DELETE FROM child_word_pair WHERE word = {word} AND other IN ({}) AND sort_key = {key} AND child_id = {id}",
            others.join(", ")
        );
        crate::params::bind_all(sqlx::query(&sql), p.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Makes every pair again from the words in `child_token` (an import of an export, which does
/// not carry them).
pub(crate) async fn derive_all(tx: &mut Transaction<'_, Any>) -> StorageResult<()> {
    sqlx::query("DELETE FROM child_word_pair")
        .execute(&mut **tx)
        .await?;
    // SQLite has no index of a child's words and would pair every row of the index with every
    // other (hours at a million children): one is made for the fill, as migration 0020 does.
    // PostgreSQL joins by hashing.
    let sqlite = tx.backend_name() == "SQLite";
    if sqlite {
        sqlx::query("CREATE INDEX child_token_fill ON child_token(child_id, token)")
            .execute(&mut **tx)
            .await?;
    }
    // On PostgreSQL each pair's commune from its words, so that Citus writes it on their node.
    let (commune, from_a) = if sqlite {
        ("", "")
    } else {
        (", commune", ", a.commune")
    };
    let sql = format!(
        "INSERT INTO child_word_pair (word, other, sort_key, child_id, village_id, present, search_text{}) \
         SELECT a.token, b.token, a.sort_key, a.child_id, a.village_id, a.present, a.search_text{} \
         FROM child_token a JOIN child_token b{} ON b.child_id = a.child_id AND b.token <> a.token{} \
         ORDER BY a.token, b.token, a.sort_key, a.child_id",
        commune,
        from_a,
        if sqlite {
            " INDEXED BY child_token_fill"
        } else {
            ""
        },
        crate::Db::same_in(tx, "b", "a")
    );
    sqlx::query(&sql).execute(&mut **tx).await?;
    if sqlite {
        sqlx::query("DROP INDEX child_token_fill")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The schema version that made the pairs; an older database has none.
pub(crate) const SINCE_SCHEMA: i64 = 20;

/// The schema version from which the pairs carry the child's search text.
const TEXT_SINCE_SCHEMA: i64 = 22;

/// `treem check`: every pair is two distinct words of its child, with the child's sort key,
/// village, presence and search text as its words carry them, and there are as many pairs as
/// the words make — so the pairs are exactly those of the words. A stale pair would change a search's
/// answer without a sign; `treem rebuild-copies` makes them again.
pub(crate) async fn check(
    db: &crate::db::Db,
    version: i64,
    report: &mut crate::audit::CheckReport,
) -> StorageResult<()> {
    if version < SINCE_SCHEMA {
        return Ok(());
    }
    // `treem check` does not migrate: an older database's pairs have no text.
    let text = if version >= TEXT_SINCE_SCHEMA {
        " AND a.search_text = p.search_text"
    } else {
        ""
    };
    let wrong: i64 = sqlx::query(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM child_word_pair p WHERE p.word = p.other \
         OR NOT EXISTS (SELECT 1 FROM child_token a WHERE a.token = p.word AND a.child_id = p.child_id \
             AND a.sort_key = p.sort_key AND a.village_id = p.village_id AND a.present = p.present{text}{}) \
         OR NOT EXISTS (SELECT 1 FROM child_token b WHERE b.token = p.other AND b.child_id = p.child_id{})",
        db.same("a", "p"),
        db.same("b", "p")
    ))
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    let counts = sqlx::query(
        "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM child_word_pair) AS pairs, \
         (SELECT CAST(COALESCE(SUM(n * (n - 1)), 0) AS BIGINT) FROM \
             (SELECT COUNT(*) AS n FROM child_token GROUP BY child_id) x) AS made",
    )
    .fetch_one(&db.pool)
    .await?;
    let (pairs, made): (i64, i64) = (counts.try_get("pairs")?, counts.try_get("made")?);
    if wrong > 0 {
        report.problems.push(format!(
            "chỉ mục tìm kiếm: {wrong} cặp từ không khớp với tên trẻ (sửa bằng treem rebuild-copies)"
        ));
    } else if pairs != made {
        report.problems.push(format!(
            "chỉ mục tìm kiếm: có {pairs} cặp từ, tên các trẻ cho {made} cặp (sửa bằng treem rebuild-copies)"
        ));
    }
    Ok(())
}

/// The two words of a name search the pairs answer together: `word`'s prefix is walked a word
/// at a time (it has few), `other` is the prefix the paired word must start with. None when
/// every two query words are such that one starts the other ("thi th"): one word of a name may
/// then meet both, which a pair of distinct words does not.
pub(crate) fn choose<'a>(by_rows: &[&'a str]) -> Option<(&'a str, &'a str)> {
    let word = *by_rows.first()?;
    let other = by_rows
        .iter()
        .skip(1)
        .find(|o| !o.starts_with(word) && !word.starts_with(**o))?;
    Some((word, other))
}

/// As [`choose`], the two words whose pairs have the fewest rows (`rows`, from the counts of
/// the pairs): two rare words may be common together. The first of the two is the earlier in
/// `by_rows` (the one walked).
pub(crate) fn choose_by<'a>(
    by_rows: &[&'a str],
    rows: impl Fn(&str, &str) -> i64,
) -> Option<(&'a str, &'a str)> {
    let mut best: Option<(i64, &'a str, &'a str)> = None;
    for (i, a) in by_rows.iter().enumerate() {
        for b in &by_rows[i + 1..] {
            if a.starts_with(b) || b.starts_with(a) {
                continue;
            }
            let n = rows(a, b);
            if best.is_none_or(|(m, _, _)| n < m) {
                best = Some((n, a, b));
            }
        }
    }
    best.map(|(_, a, b)| (a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ordered_pair_of_distinct_words() {
        let words: Vec<String> = ["a", "giang", "sung"].map(String::from).to_vec();
        let got: Vec<(&str, &str)> = pairs(&words).collect();
        assert_eq!(got.len(), 6);
        assert!(got.contains(&("giang", "a")) && got.contains(&("a", "giang")));
        assert!(got.iter().all(|(a, b)| a != b));
        assert_eq!(pairs(&words[..1]).count(), 0);
    }

    #[test]
    fn two_words_of_which_one_starts_the_other_are_not_a_pair() {
        assert_eq!(choose(&["thi", "th"]), None);
        assert_eq!(choose(&["th", "thi"]), None);
        assert_eq!(choose(&["va", "thi"]), Some(("va", "thi")));
        assert_eq!(choose(&["va", "v", "thi"]), Some(("va", "thi")));
        assert_eq!(choose(&["va"]), None);
    }

    #[test]
    fn of_three_words_the_pair_with_the_fewest_rows() {
        let rows = |a: &str, b: &str| match (a.min(b), a.max(b)) {
            ("ly", "va") => 13_000,
            ("ly", "thi") => 9_000,
            ("thi", "va") => 1_200,
            _ => 0,
        };
        assert_eq!(choose_by(&["ly", "va", "thi"], rows), Some(("va", "thi")));
        assert_eq!(choose_by(&["ly", "thi"], rows), Some(("ly", "thi")));
        assert_eq!(choose_by(&["thi", "th"], rows), None);
    }
}
