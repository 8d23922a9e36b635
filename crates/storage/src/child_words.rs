//! The search index's words (`child_token`, chỉ mục tìm kiếm) against the children they come
//! from: `treem check` finds words that no longer say what a child's name says (an edit by
//! hand, an export written by another program, a bug), and `treem rebuild-copies` makes them
//! again. A child whose words are wrong is missing from the searches that should find it, and
//! nothing else would tell.
use crate::audit::CheckReport;
use crate::error::StorageResult;
use futures_util::TryStreamExt;
use sqlx::{Any, Row, Transaction};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Children read at a time when the words are made again.
const BATCH: i64 = 5_000;

/// One row of the index, as the child's columns make it.
#[derive(Hash)]
struct Word<'a> {
    token: &'a str,
    child_id: i64,
    village_id: i64,
    present: i64,
    sort_key: &'a str,
    search_text: &'a str,
}

impl Word<'_> {
    fn hash(&self) -> u64 {
        let mut h = DefaultHasher::new();
        Hash::hash(self, &mut h);
        h.finish()
    }
}

/// What a scan of rows adds up to: how many, and the sum of their hashes (the same whatever
/// the order the rows are read in, so neither side needs sorting).
#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
struct Tally {
    rows: i64,
    sum: u64,
}

impl Tally {
    fn add(&mut self, w: &Word) {
        self.rows += 1;
        self.sum = self.sum.wrapping_add(w.hash());
    }
}

/// `treem check`: the words stored are exactly those the children's current rows make, each
/// with its child's village, presence, sort key and folded name. Read in the check's snapshot
/// (`tx`), the one its rows were checked against their versions in, and folded into a count
/// and a sum of hashes: constant memory at any size.
pub(crate) async fn check(
    tx: &mut Transaction<'_, Any>,
    report: &mut CheckReport,
) -> StorageResult<()> {
    let mut made = Tally::default();
    {
        let mut rows =
            sqlx::query("SELECT id, village_id, present, sort_key, search_text FROM child")
                .fetch(&mut **tx);
        while let Some(r) = rows.try_next().await? {
            let (search_text, sort_key): (String, String) =
                (r.try_get("search_text")?, r.try_get("sort_key")?);
            let (child_id, village_id, present) = (
                r.try_get("id")?,
                r.try_get("village_id")?,
                r.try_get("present")?,
            );
            for token in crate::children::tokens_of(&search_text) {
                made.add(&Word {
                    token: &token,
                    child_id,
                    village_id,
                    present,
                    sort_key: &sort_key,
                    search_text: &search_text,
                });
            }
        }
    }
    let mut stored = Tally::default();
    {
        let mut rows = sqlx::query(
            "SELECT token, child_id, village_id, present, sort_key, search_text FROM child_token",
        )
        .fetch(&mut **tx);
        while let Some(r) = rows.try_next().await? {
            let (token, sort_key, search_text): (String, String, String) = (
                r.try_get("token")?,
                r.try_get("sort_key")?,
                r.try_get("search_text")?,
            );
            stored.add(&Word {
                token: &token,
                child_id: r.try_get("child_id")?,
                village_id: r.try_get("village_id")?,
                present: r.try_get("present")?,
                sort_key: &sort_key,
                search_text: &search_text,
            });
        }
    }
    if let Some(problem) = compare(made, stored) {
        report.problems.push(problem);
    }
    Ok(())
}

/// The problem, in words, when the stored words are not the ones the children make.
fn compare(made: Tally, stored: Tally) -> Option<String> {
    if made == stored {
        None
    } else if made.rows != stored.rows {
        Some(format!(
            "chỉ mục tìm kiếm: có {} từ, tên các trẻ cho {} từ (sửa bằng treem rebuild-copies)",
            stored.rows, made.rows
        ))
    } else {
        Some(
            "chỉ mục tìm kiếm: có từ không khớp với tên, thôn hoặc tình trạng của trẻ \
             (sửa bằng treem rebuild-copies)"
                .to_string(),
        )
    }
}

/// Makes every word again from the children's current rows, a batch of children at a time
/// (`treem rebuild-copies`); the pairs are made from the words after.
pub(crate) async fn derive_all(tx: &mut Transaction<'_, Any>) -> StorageResult<()> {
    sqlx::query("DELETE FROM child_token")
        .execute(&mut **tx)
        .await?;
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(
            "SELECT id, village_id, present, sort_key, search_text FROM child \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut **tx)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("id")?;
        let mut words = Vec::new();
        for r in &rows {
            let (search_text, sort_key): (String, String) =
                (r.try_get("search_text")?, r.try_get("sort_key")?);
            words.extend(crate::children::token_rows_of(
                r.try_get("id")?,
                r.try_get("village_id")?,
                r.try_get("present")?,
                &sort_key,
                &search_text,
            ));
        }
        crate::params::insert_many(tx, "child_token", &crate::children::TOKEN_COLUMNS, words)
            .await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(token: &str, village_id: i64) -> Word<'_> {
        Word {
            token,
            child_id: 7,
            village_id,
            present: 1,
            sort_key: "k",
            search_text: "giang a pao",
        }
    }

    #[test]
    fn the_tally_does_not_depend_on_the_order_rows_are_read_in() {
        let (mut a, mut b) = (Tally::default(), Tally::default());
        for t in ["giang", "a", "pao"] {
            a.add(&word(t, 1));
        }
        for t in ["pao", "giang", "a"] {
            b.add(&word(t, 1));
        }
        assert_eq!(a, b);
        assert_eq!(compare(a, b), None);
    }

    #[test]
    fn a_word_of_another_village_or_a_missing_word_is_a_problem() {
        let mut made = Tally::default();
        let mut moved = Tally::default();
        let mut short = Tally::default();
        for t in ["giang", "a", "pao"] {
            made.add(&word(t, 1));
            moved.add(&word(t, if t == "a" { 2 } else { 1 }));
            if t != "pao" {
                short.add(&word(t, 1));
            }
        }
        let m = compare(made, moved).expect("another village");
        assert!(m.contains("không khớp"), "{m}");
        let m = compare(made, short).expect("a word missing");
        assert!(m.contains("có 2 từ, tên các trẻ cho 3 từ"), "{m}");
    }
}
