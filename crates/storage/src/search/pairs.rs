//! A name search answered from the pairs of words ([`crate::word_pairs`]): the children with a
//! word under one query word's prefix and another under a second's, and the query's other words
//! in their name. Counted from the pairs under the first word's words; a page of few matches is
//! sorted whole, a page of many read from each exact pair of words in name order.
use super::total::{Total, TOKENS_PER_CHILD};
use super::words::words_in_range;
use crate::db::{Backend, Db};
use crate::error::StorageResult;
use crate::params::{bind_all, Params};
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
    /// The words of the index under the walked query word.
    walked: Vec<String>,
    /// The other query word: a prefix the paired word starts with.
    other: String,
    /// The query's remaining words, each starting a word of the name or an alias.
    rest: Vec<String>,
    /// Conditions on the pairs' village and presence (`t.village_id`, `t.present`) and their
    /// parameters.
    place: Vec<String>,
    params: Params,
    /// The commune named on the joined text's table (`Db::and_own`).
    own_text: String,
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
        let (walked, other) = match words_in_range(db, a).await? {
            Some(list) => (list, b),
            None => match words_in_range(db, b).await? {
                Some(list) => (list, a),
                None => return Ok(None),
            },
        };
        if walked.is_empty() {
            return Ok(None);
        }
        Ok(Some(PairSearch {
            walked,
            other: other.to_string(),
            rest: words
                .iter()
                .filter(|w| **w != a && **w != b)
                .map(|w| w.to_string())
                .collect(),
            place: place.to_vec(),
            params,
            own_text: db.and_own("c"),
        }))
    }

    /// `FROM … WHERE …` of the pairs `pair` selects (conditions on `t`), joined to the child's
    /// search text (`c`) when other words are asked, with its parameters in `p`.
    fn from(&self, p: &mut Params, pair: Vec<String>) -> String {
        let mut conds = pair;
        conds.extend(self.place.iter().cloned());
        let join = if self.rest.is_empty() {
            String::new()
        } else {
            // The pair's first word's row of the single-word index carries the child's text:
            // found by its key, among that word's rows, where the child's own row is one of all.
            format!(
                " JOIN child_token c ON c.token = t.word AND c.child_id = t.child_id{}",
                self.own_text
            )
        };
        for w in &self.rest {
            conds.push(format!(
                "(' ' || c.search_text) LIKE {}",
                p.push(format!("% {w}%"))
            ));
        }
        format!("FROM child_word_pair t{join} WHERE {}", conds.join(" AND "))
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
        self.from(p, pair)
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
        // A child has a row per pair of its words that matches: the rows read are capped at a
        // few per child the count or the sort needs.
        let wanted = bound
            .unwrap_or(PAIR_SORT)
            .min(PAIR_SORT.max(offset + per_page));
        let cap = (wanted + 1) * TOKENS_PER_CHILD;
        let mut p = self.params.clone();
        let from = self.matches(db, &mut p);
        let sql = format!("SELECT t.child_id, t.sort_key {from} LIMIT {cap}");
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
        let mut p = self.params.clone();
        let candidates = {
            let Some(others) = words_in_range(db, &self.other).await? else {
                return Ok(None);
            };
            if others.is_empty() || others.len() * self.walked.len() > PAIR_ARMS {
                return Ok(None);
            }
            let reach = p.push(offset + per_page);
            match db.backend {
                Backend::Postgres => {
                    let (a, b) = (p.push(self.walked.join(" ")), p.push(others.join(" ")));
                    let from = self.from(
                        &mut p,
                        vec!["t.word = wa.word".into(), "t.other = wb.other".into()],
                    );
                    format!(
                        "SELECT x.child_id, x.sort_key FROM unnest(string_to_array({a}, ' ')) AS wa(word) \
                         CROSS JOIN unnest(string_to_array({b}, ' ')) AS wb(other) \
                         CROSS JOIN LATERAL (SELECT t.child_id, t.sort_key {from} \
                         ORDER BY t.sort_key, t.child_id LIMIT {reach}) x"
                    )
                }
                Backend::Sqlite => {
                    let mut arms = Vec::new();
                    for a in &self.walked {
                        for b in &others {
                            let pair = vec![
                                format!("t.word = {}", p.push(a.as_str())),
                                format!("t.other = {}", p.push(b.as_str())),
                            ];
                            let from = self.from(&mut p, pair);
                            arms.push(format!(
                                "SELECT * FROM (SELECT t.child_id, t.sort_key {from} \
                                 ORDER BY t.sort_key, t.child_id LIMIT {reach}) a{}",
                                arms.len()
                            ));
                        }
                    }
                    arms.join(" UNION ALL ")
                }
            }
        };
        let (limit, off) = (p.push(per_page), p.push(offset));
        let sql = format!(
            "SELECT {cols} FROM (SELECT DISTINCT m.child_id, m.sort_key FROM ({candidates}) m \
             ORDER BY m.sort_key, m.child_id LIMIT {limit} OFFSET {off}) pg \
             JOIN child c ON c.id = pg.child_id{} JOIN village v ON v.id = c.village_id{} \
             ORDER BY pg.sort_key, pg.child_id",
            db.and_own("c"),
            db.and_own("v")
        );
        Ok(Some(
            bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?,
        ))
    }
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
