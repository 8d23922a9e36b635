//! A name search answered from the pairs of words ([`crate::word_pairs`]): the children with a
//! word under one query word's prefix and another under a second's, and the query's other words
//! in their name. Counted from the pairs under the first word's words; a page of few matches is
//! sorted whole, a page of many read from each exact pair of words in name order.
use super::total::{Total, TOKENS_PER_CHILD};
use super::words::words_in_range;
use crate::db::{Backend, Db};
use crate::error::StorageResult;
use crate::params::{bind_all, Params};
use crate::word_counts::{rows_under, Read};
use sqlx::Row;

/// Matches of a pair search at most this many are read at once, counted and sorted (past it,
/// the page is read from the pairs in name order).
const PAIR_SORT: i64 = 2_000;

/// Exact pairs of words read one by one for a page in name order, at most this many (the words
/// under one prefix times those under the other); past it the page is read from the index of
/// single words.
const PAIR_ARMS: usize = 256;

/// A search of two words (tìm theo cặp từ) and what else the query asks.
pub(super) struct PairSearch {
    /// The walked query word, and the words of the index under it.
    walked_word: String,
    walked: Vec<String>,
    /// The other query word: a prefix the paired word starts with.
    other: String,
    /// The query's remaining words, each starting a word of the name or an alias.
    rest: Vec<String>,
    /// Conditions on the pairs' village and presence (`t.village_id`, `t.present`) and their
    /// parameters.
    place: Vec<String>,
    params: Params,
}

impl PairSearch {
    /// The search of `a` and `b` among the query's `words`, walking the words under `a` (or,
    /// when it has too many, under `b`); None when both have too many, or no word starts `a`
    /// (nothing matches, which the range search says as fast).
    pub(super) async fn new(
        db: &Db,
        (a, b): (&str, &str),
        words: &[&str],
        params: Params,
        place: &[String],
    ) -> StorageResult<Option<PairSearch>> {
        let (walked, walked_word, other) = match words_in_range(db, a).await? {
            Some(list) => (list, a, b),
            None => match words_in_range(db, b).await? {
                Some(list) => (list, b, a),
                None => return Ok(None),
            },
        };
        if walked.is_empty() {
            return Ok(None);
        }
        Ok(Some(PairSearch {
            walked_word: walked_word.to_string(),
            walked,
            other: other.to_string(),
            rest: words
                .iter()
                .filter(|w| **w != a && **w != b)
                .map(|w| w.to_string())
                .collect(),
            place: place.to_vec(),
            params,
        }))
    }

    /// `FROM … WHERE …` of the pairs `pair` selects (conditions on `t`), other words (`likes`)
    /// starting a word of the child's search text, which each pair carries (a lookup of it per
    /// pair read was most of the time of a search of three words: migration 0022), with its
    /// parameters in `p`.
    fn from(&self, p: &mut Params, pair: Vec<String>, likes: &[String]) -> String {
        let mut conds = pair;
        conds.extend(self.place.iter().cloned());
        for w in likes {
            conds.push(format!(
                "(' ' || t.search_text) LIKE {}",
                p.push(format!("% {w}%"))
            ));
        }
        format!("FROM child_word_pair t WHERE {}", conds.join(" AND "))
    }

    /// The pairs of the walked words with a word starting the other.
    fn matches(&self, db: &Db, p: &mut Params) -> String {
        let word = match db.backend {
            // One parameter whatever the number of words (the words hold no space), so that
            // PostgreSQL plans the statement once.
            Backend::Postgres => format!(
                "t.word = ANY(string_to_array({}, ' '))",
                p.push(self.walked.join(" "))
            ),
            Backend::Sqlite => format!(
                "t.word IN ({})",
                self.walked
                    .iter()
                    .map(|w| p.push(w.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let pair = vec![
            word,
            format!("t.other >= {}", p.push(self.other.as_str())),
            format!("t.other < {}", p.push(format!("{}{{", self.other))),
        ];
        self.from(p, pair, &self.rest)
    }

    /// The matches counted as the single-word search counts them (to `bound`, or exactly), and
    /// the page of `per_page` from `offset` in name order, with the list's columns `cols` (on
    /// `c`, `v`). Few matches are read once, counted and sorted here; many are counted to the
    /// bound and their page read from the front of each exact pair of words. None when there
    /// are many and too many such pairs: the single-word index answers instead, with the count.
    pub(super) async fn answer(
        &self,
        db: &Db,
        bound: Option<i64>,
        cols: &str,
        per_page: i64,
        offset: i64,
    ) -> StorageResult<(Total, Option<Vec<sqlx::any::AnyRow>>)> {
        // The reading stops past the children the count or the sort needs (a child has a row
        // per pair of its words that matches).
        let wanted = bound
            .unwrap_or(PAIR_SORT)
            .min(PAIR_SORT.max(offset + per_page));
        let mut p = self.params.clone();
        let from = self.matches(db, &mut p);
        let (sql, cap) = match db.backend {
            // SQLite hands on each new child as it meets it: the reading stops at the first
            // child past those wanted, and a third of the rows cross to the server (a whole
            // name shared by hundreds: 1,503 rows read and handed over in 7–11 ms, now 501).
            Backend::Sqlite => (
                format!(
                    "SELECT DISTINCT t.child_id, t.sort_key {from} LIMIT {}",
                    wanted + 1
                ),
                wanted + 1,
            ),
            // PostgreSQL's DISTINCT reads all its input first: the rows are capped instead.
            Backend::Postgres => {
                let cap = (wanted + 1) * TOKENS_PER_CHILD;
                (
                    format!("SELECT t.child_id, t.sort_key {from} LIMIT {cap}"),
                    cap,
                )
            }
        };
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?;
        let cut = rows.len() as i64 >= cap;
        let mut found: Vec<(String, i64)> = rows
            .iter()
            .map(|r| Ok((r.try_get("sort_key")?, r.try_get("child_id")?)))
            .collect::<StorageResult<_>>()?;
        found.sort();
        found.dedup();
        let n = found.len() as i64;
        if !cut {
            let total = bound.map_or(Total::exact(n), |b| Total::bounded(n, false, b));
            let page: Vec<i64> = found
                .iter()
                .skip(offset.max(0) as usize)
                .take(per_page as usize)
                .map(|(_, id)| *id)
                .collect();
            return Ok((total, Some(page_of(db, cols, &page).await?)));
        }
        let total = match bound {
            Some(b) => Total::bounded(n, true, b),
            None => self.count(db).await?,
        };
        let page = self.page(db, cols, per_page, offset).await?;
        Ok((total, page))
    }

    /// All the matches, counted.
    async fn count(&self, db: &Db) -> StorageResult<Total> {
        let mut p = self.params.clone();
        let from = self.matches(db, &mut p);
        let sql = format!("SELECT CAST(COUNT(DISTINCT t.child_id) AS BIGINT) AS n {from}");
        let row = bind_all(sqlx::query(&sql), p.0).fetch_one(&db.pool).await?;
        Ok(Total::exact(row.try_get("n")?))
    }

    /// One page of many matches in name order, read from the front of each exact pair of
    /// words; None when there are too many such pairs.
    async fn page(
        &self,
        db: &Db,
        cols: &str,
        per_page: i64,
        offset: i64,
    ) -> StorageResult<Option<Vec<sqlx::any::AnyRow>>> {
        let Some(arms) = self.arms(db).await? else {
            return Ok(None);
        };
        let mut p = self.params.clone();
        let reach = p.push(offset + per_page);
        let mut parts = Vec::new();
        for arm in &arms {
            self.arm_rows(db, &mut p, arm, &reach, &mut parts);
        }
        let candidates = parts.join(" UNION ALL ");
        let sql = super::page_in_name_order(db, &mut p, cols, &candidates, (per_page, offset));
        Ok(Some(
            bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?,
        ))
    }

    /// The exact pairs of words a page is read from: each word under the other query word
    /// paired with the walked words, or — when the counts say that a word of the rest meets it
    /// far less often — with the words under that one (the walked word then matched on the
    /// text). «Sùng Thị Vả»: «văn» is under «va» and often with «sùng» («Sùng Văn …», 7,500
    /// children in a million), never with «thị»; read with «sùng» its rows were all read to
    /// find none. The counts choose only which rows are read: each child that matches is in
    /// an arm either way. None when there are too many pairs, or no word under the other.
    async fn arms(&self, db: &Db) -> StorageResult<Option<Vec<Arm>>> {
        let Some(others) = words_in_range(db, &self.other).await? else {
            return Ok(None);
        };
        if others.is_empty() {
            return Ok(None);
        }
        // A rest word that starts, or is started by, another query word may be met by the
        // same word of the name: it stays matched on the text.
        let movable: Vec<String> = self
            .rest
            .iter()
            .filter(|r| {
                [&self.walked_word, &self.other]
                    .iter()
                    .all(|w| !w.starts_with(r.as_str()) && !r.starts_with(w.as_str()))
            })
            .cloned()
            .collect();
        let chosen: Vec<Option<usize>> = match super::counts(db) {
            Some(counts) => others
                .iter()
                .map(|b| partner(&counts, &self.walked, b, &movable))
                .collect(),
            None => vec![None; others.len()],
        };
        let mut with_walked = Vec::new();
        let mut by_rest: Vec<(usize, Vec<String>)> = Vec::new();
        for (b, choice) in others.into_iter().zip(chosen) {
            let Some(i) = choice else {
                with_walked.push(b);
                continue;
            };
            match by_rest.iter_mut().find(|(j, _)| *j == i) {
                Some((_, list)) => list.push(b),
                None => by_rest.push((i, vec![b])),
            }
        }
        let mut arms = Vec::new();
        for (i, words) in by_rest {
            let r = &movable[i];
            match words_in_range(db, r).await? {
                Some(right) if !right.is_empty() => arms.push(Arm {
                    left: words,
                    right,
                    likes: std::iter::once(self.walked_word.clone())
                        .chain(self.rest.iter().filter(|w| *w != r).cloned())
                        .collect(),
                }),
                // Nothing under the rest word: none of these pairs can match.
                Some(_) => {}
                None => with_walked.extend(words),
            }
        }
        if !with_walked.is_empty() {
            arms.push(Arm {
                left: self.walked.clone(),
                right: with_walked,
                likes: self.rest.clone(),
            });
        }
        let pairs: usize = arms.iter().map(|a| a.left.len() * a.right.len()).sum();
        Ok((pairs <= PAIR_ARMS).then_some(arms))
    }

    /// The statements reading `arm`'s first `reach` children of each exact pair in name order,
    /// added to `parts`.
    fn arm_rows(&self, db: &Db, p: &mut Params, arm: &Arm, reach: &str, parts: &mut Vec<String>) {
        match db.backend {
            Backend::Postgres => {
                let (a, b) = (p.push(arm.left.join(" ")), p.push(arm.right.join(" ")));
                let from = self.from(
                    p,
                    vec!["t.word = wa.word".into(), "t.other = wb.other".into()],
                    &arm.likes,
                );
                parts.push(format!(
                    "SELECT x.child_id, x.sort_key FROM unnest(string_to_array({a}, ' ')) AS wa(word) \
                     CROSS JOIN unnest(string_to_array({b}, ' ')) AS wb(other) \
                     CROSS JOIN LATERAL (SELECT t.child_id, t.sort_key {from} \
                     ORDER BY t.sort_key, t.child_id LIMIT {reach}) x"
                ));
            }
            Backend::Sqlite => {
                for a in &arm.left {
                    for b in &arm.right {
                        let pair = vec![
                            format!("t.word = {}", p.push(a.as_str())),
                            format!("t.other = {}", p.push(b.as_str())),
                        ];
                        let from = self.from(p, pair, &arm.likes);
                        parts.push(format!(
                            "SELECT * FROM (SELECT t.child_id, t.sort_key {from} \
                             ORDER BY t.sort_key, t.child_id LIMIT {reach}) a{}",
                            parts.len()
                        ));
                    }
                }
            }
        }
    }
}

/// Exact pairs of words a page is read from (each `left` word with each `right` word), the
/// child's text holding a word started by each of `likes`.
struct Arm {
    left: Vec<String>,
    right: Vec<String>,
    likes: Vec<String>,
}

/// Which of the `rest` query words the word `b` is best read with, rather than with the
/// `walked` words: the one whose pairs with `b` have the fewest rows, if fewer than the walked
/// words' pairs with `b` (from the counts).
fn partner(counts: &Read, walked: &[String], b: &str, rest: &[String]) -> Option<usize> {
    let with_b = counts.pairs.get(b);
    let walked_rows: i64 = walked
        .iter()
        .map(|a| {
            counts
                .pairs
                .get(a)
                .and_then(|m| m.get(b))
                .copied()
                .unwrap_or(0)
        })
        .sum();
    rest.iter()
        .enumerate()
        .map(|(i, r)| (with_b.map_or(0, |m| rows_under(m, r)), i))
        .min()
        .filter(|(n, _)| *n < walked_rows)
        .map(|(_, i)| i)
}

/// The list's rows of the children `ids`, in name order.
async fn page_of(db: &Db, cols: &str, ids: &[i64]) -> StorageResult<Vec<sqlx::any::AnyRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut p = Params::default();
    let sql = format!(
        "SELECT {cols} FROM child c JOIN village v ON v.id = c.village_id{} WHERE {}{} \
         ORDER BY c.sort_key, c.id",
        db.and_own("v"),
        p.among_ids(db.backend, "c.id", ids),
        db.and_own("c")
    );
    Ok(bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, &str, i64)]) -> Read {
        let mut read = Read::default();
        for (a, b, n) in pairs {
            read.pairs
                .entry(a.to_string())
                .or_default()
                .insert(b.to_string(), *n);
        }
        read
    }

    #[test]
    fn a_word_is_read_with_the_rest_word_it_meets_far_less_often() {
        let read = counts(&[
            ("sung", "van", 7_500),
            ("sung", "va", 1_700),
            ("van", "thi", 3),
            ("va", "thi", 13_000),
            ("van", "giang", 40),
            ("va", "giang", 5_000),
            ("vang", "thi", 2),
            ("sung", "vang", 900),
        ]);
        let walked = ["sung".to_string()];
        let rest = ["giang".to_string(), "thi".to_string()];
        // «văn» meets «thị» 3 times, «sùng» 7,500: read with «thị».
        assert_eq!(partner(&read, &walked, "van", &rest), Some(1));
        // «va» meets «sùng» less often than either rest word: read with the walked words.
        assert_eq!(partner(&read, &walked, "va", &rest), None);
        // «vàng» meets «sùng» 900 times, never «giàng»: read with it, nothing (no child can
        // match).
        assert_eq!(partner(&read, &walked, "vang", &rest), Some(0));
        // Nothing under the counts for either side: as before, with the walked words.
        assert_eq!(partner(&read, &walked, "vu", &rest), None);
        assert_eq!(partner(&read, &walked, "van", &[]), None);
    }
}
