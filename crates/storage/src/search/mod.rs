//! The register list: children found by name, village, age, circumstance and missing data,
//! a page at a time, within the reader's scope.
use crate::db::{today, Db};
use crate::error::StorageResult;
use crate::params::{bind_all, Params};
use crate::scope::read_scope;
use serde::Serialize;
use sqlx::Row;
use treem_domain::register::{DobPrecision, Sex};
use treem_domain::role::Actor;
use treem_domain::text;

mod pairs;
mod total;
mod words;

use pairs::PairSearch;
use total::{Total, TOKENS_PER_CHILD};
use words::{by_rows, words_in_range};

/// What the register list asks for. Ages are in completed years on `today`.
#[derive(Debug, Clone, Default)]
pub struct ChildQuery {
    pub q: Option<String>,
    pub village: Option<String>,
    pub sex: Option<Sex>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub circumstance: Option<String>,
    pub disability: Option<bool>,
    pub no_personal_id: bool,
    pub birth_not_registered: bool,
    /// Include children who moved out or died.
    pub include_absent: bool,
    /// Only children with no known date of birth.
    pub dob_unknown: bool,
    pub personal_id: Option<String>,
    pub household_id: Option<i64>,
    /// Only these children (at most a few hundred: the records behind a figure).
    pub ids: Option<Vec<i64>>,
    /// Only children added or changed at or after this instant (RFC 3339, UTC).
    pub changed_since: Option<String>,
    /// Most recently changed first instead of Vietnamese name order.
    pub recent_first: bool,
    /// Count a name search's matches only up to this many (or to the end of the page asked,
    /// if further): [`Page::total_is_lower_bound`] says when there are more. `None`: exact.
    pub total_bound: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// One line of the register list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChildSummary {
    pub id: i64,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: Option<String>,
    /// How much of `date_of_birth` is known: show it with
    /// [`treem_domain::birth_date::BirthDate`], never as a day unless "day".
    pub dob_precision: DobPrecision,
    pub personal_id: Option<String>,
    pub village: String,
    pub version: i64,
}

impl ChildSummary {
    /// The birth date as known, for showing it.
    pub fn birth_date(&self) -> Option<treem_domain::birth_date::BirthDate> {
        treem_domain::birth_date::BirthDate::new(
            self.date_of_birth.as_deref().and_then(|d| d.parse().ok()),
            self.dob_precision,
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The matches, exact unless `total_is_lower_bound`.
    pub total: i64,
    /// There are more than `total` matches (counted up to [`ChildQuery::total_bound`]).
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
}

pub(crate) async fn search_children(
    db: &Db,
    actor: &Actor,
    q: &ChildQuery,
) -> StorageResult<Page<ChildSummary>> {
    let scope = read_scope(actor)?;
    let mut p = Params::default();
    let folded = q.q.as_deref().map(text::fold).unwrap_or_default();
    // Each word is one more condition: past limits::SEARCH_WORDS (which the API and the
    // pages refuse with a message) the rest are left out rather than sent to the database.
    let words: Vec<&str> = text::tokens(&folded)
        .take(treem_domain::limits::SEARCH_WORDS)
        .collect();
    // Conditions on place and presence go to the search index when there is a name to
    // search (the index carries them), else to the child table.
    let on = if words.is_empty() { "c" } else { "t" };
    let mut place: Vec<String> = db.own(on).into_iter().collect();
    if let Some(v) = scope {
        place.push(format!("{on}.village_id = {}", p.push(v)));
    }
    if let Some(code) = q.village.as_deref().filter(|s| !s.is_empty()) {
        place.push(format!(
            "{on}.village_id = (SELECT id FROM village WHERE code = {}{})",
            p.push(code),
            db.and_own("village")
        ));
    }
    if !q.include_absent {
        place.push(format!("{on}.present = 1"));
    }
    let mut conds: Vec<String> = Vec::new();
    if let Some(sex) = q.sex {
        conds.push(format!("c.sex = {}", p.push(sex.as_str())));
    }
    let now = today();
    if let Some(min) = q.age_min {
        if let Ok(d) = now.checked_sub(jiff::Span::new().years(min as i64)) {
            conds.push(format!("c.dob <= {}", p.push(d.to_string())));
        }
    }
    if let Some(max) = q.age_max {
        if let Ok(d) = now.checked_sub(jiff::Span::new().years(max as i64 + 1)) {
            conds.push(format!("c.dob > {}", p.push(d.to_string())));
        }
    }
    if let Some(code) = q.circumstance.as_deref().filter(|s| !s.is_empty()) {
        let t = p.push(now.to_string());
        conds.push(format!(
            "c.id IN (SELECT child_id FROM child_circumstance WHERE code = {} AND from_date <= {t} AND (to_date IS NULL OR to_date >= {t}){})",
            p.push(code),
            db.and_own("child_circumstance")
        ));
    }
    if let Some(dis) = q.disability {
        conds.push(format!("c.disability = {}", p.push(dis as i64)));
    }
    if q.no_personal_id {
        conds.push("c.personal_id IS NULL".into());
    }
    if q.birth_not_registered {
        conds.push("c.birth_registered = 0".into());
    }
    if q.dob_unknown {
        conds.push("c.dob IS NULL".into());
    }
    if let Some(pid) = q.personal_id.as_deref().filter(|s| !s.is_empty()) {
        conds.push(format!("c.personal_id = {}", p.push(pid)));
    }
    if let Some(h) = q.household_id {
        conds.push(format!("c.household_id = {}", p.push(h)));
    }
    if let Some(ids) = &q.ids {
        // The ids come from a figure (a target's children), never from a request: every one
        // is listed, so that the page can go through all of them.
        conds.push(if ids.is_empty() {
            "1 = 0".into()
        } else {
            p.among_ids(db.backend, "c.id", ids)
        });
    }
    if let Some(since) = q.changed_since.as_deref() {
        conds.push(format!("c.updated_at >= {}", p.push(since)));
    }
    let per_page = q.per_page.clamp(1, 500);
    let page = q.page.max(1);
    let offset = (page - 1) * per_page;
    // Counted to the bound, or past the page asked: enough to know whether a next page exists.
    let bound = q.total_bound.map(|b| b.max(offset + per_page));
    let order = if q.recent_first {
        "c.updated_at DESC, c.id DESC"
    } else {
        "c.sort_key, c.id"
    };
    // The birth date's precision from the current version's record (the lists must not
    // show a month or an estimate as a day).
    let precision = match db.backend {
        crate::db::Backend::Sqlite => "json_extract(cv.data, '$.dob_precision')",
        crate::db::Backend::Postgres => "(cv.data::jsonb ->> 'dob_precision')",
    };
    let cols = format!(
        "c.id, c.full_name, c.sex, c.dob, c.personal_id, c.version, v.code AS village, \
         (SELECT {precision} FROM child_version cv WHERE cv.child_id = c.id AND cv.version = c.version{}) AS dob_precision",
        db.and_own("cv")
    );
    // The children and their villages (the children's commune is among the conditions: the
    // count reads `child` alone).
    let children = format!(
        "child c JOIN village v ON v.id = c.village_id{}",
        db.and_own("v")
    );
    let (total, rows) = if words.is_empty() {
        conds.extend(place);
        let where_sql = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let total = count_children(db, &where_sql, &p, None).await?;
        let (limit, off) = (p.push(per_page), p.push(offset));
        let sql = format!(
            "SELECT {cols} FROM {children}{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {off}"
        );
        (
            total,
            bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?,
        )
    } else {
        // What the pairs of words need, before this branch adds its own parameters.
        let (place_params, place_conds) = (p.clone(), place.clone());
        // Drive the search from the rarest word's range of the index; each other word must
        // start a word of the name or an alias.
        let ranked = by_rows(db, &words).await?;
        let rarest = ranked[0];
        let mut tconds = vec![format!(
            "t.token >= {} AND t.token < {}",
            p.push(rarest),
            p.push(format!("{rarest}{{"))
        )];
        // What a row of the index must also meet, whichever word of the range it is.
        let mut also: Vec<String> = Vec::new();
        for w in words.iter().filter(|w| **w != rarest) {
            also.push(format!(
                "(' ' || t.search_text) LIKE {}",
                p.push(format!("% {w}%"))
            ));
        }
        also.extend(place);
        tconds.extend(also.iter().cloned());
        let matches = format!(
            "SELECT t.child_id, t.sort_key FROM child_token t WHERE {}",
            tconds.join(" AND ")
        );
        if conds.is_empty() && !q.recent_first {
            // Two words that seldom meet are answered from the children that have both.
            let chosen = match counts(db) {
                Some(counts) => crate::word_pairs::choose_by(&ranked, |a, b| {
                    crate::word_counts::pair_rows_under(&counts, a, b)
                }),
                None => crate::word_pairs::choose(&ranked),
            };
            let paired = match chosen {
                Some(pair) => PairSearch::new(db, pair, &words, place_params, &place_conds).await?,
                None => None,
            };
            let mut counted = None;
            if let Some(pairs) = &paired {
                match pairs.answer(db, bound, &cols, per_page, offset).await? {
                    (total, Some(rows)) => return summaries(&rows, total, page, per_page),
                    (total, None) => counted = Some(total),
                }
            }
            // The index alone answers: count and page without touching the children.
            let total = match (counted, bound) {
                (Some(total), _) => total,
                (None, b) => match b {
                    None => {
                        let count_sql = format!(
                        "SELECT CAST(COUNT(DISTINCT m.child_id) AS BIGINT) AS n FROM ({matches}) m"
                    );
                        Total::exact(
                            bind_all(sqlx::query(&count_sql), p.0.clone())
                                .fetch_one(&db.pool)
                                .await?
                                .try_get("n")?,
                        )
                    }
                    Some(b) if db.backend == crate::db::Backend::Sqlite => {
                        // SQLite hands on each new child as it meets it, so the reading stops at
                        // the first child past the bound.
                        let count_sql = format!(
                        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT DISTINCT m.child_id FROM ({matches}) m LIMIT {}) x",
                        b + 1
                    );
                        let n: i64 = bind_all(sqlx::query(&count_sql), p.0.clone())
                            .fetch_one(&db.pool)
                            .await?
                            .try_get("n")?;
                        Total::bounded(n, false, b)
                    }
                    Some(b) => {
                        // A child has a row per word, so the rows read are capped at a few times
                        // the bound (PostgreSQL's DISTINCT reads all its input before the first
                        // row); the distinct children among them are the count.
                        let cap = b * TOKENS_PER_CHILD;
                        let count_sql = format!(
                        "SELECT CAST(COUNT(*) AS BIGINT) AS raw, CAST(COUNT(DISTINCT x.child_id) AS BIGINT) AS n \
                         FROM (SELECT m.child_id FROM ({matches}) m LIMIT {cap}) x"
                    );
                        let row = bind_all(sqlx::query(&count_sql), p.0.clone())
                            .fetch_one(&db.pool)
                            .await?;
                        let (raw, n): (i64, i64) = (row.try_get("raw")?, row.try_get("n")?);
                        Total::bounded(n, raw >= cap, b)
                    }
                },
            };
            // The page's candidates: from each word of the prefix's range, its first children in
            // name order (the index `child_token_order` holds them so), as many as the page
            // reaches; a child on the page is among the first of each of its words. A prefix
            // with very many words (one letter) sorts its whole range instead.
            let arm_where = |token: String| {
                std::iter::once(token)
                    .chain(also.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" AND ")
            };
            let page_rows = match words_in_range(db, rarest).await? {
                Some(tokens)
                    if !tokens.is_empty() && db.backend == crate::db::Backend::Postgres =>
                {
                    // One statement over the list of words, whatever their number: planned
                    // once, where an arm per word over the commune's partitions cost 5-12 ms
                    // of planning for a one-letter prefix (the words hold no space).
                    let list = p.push(tokens.join(" "));
                    let reach = p.push(offset + per_page);
                    format!(
                        "SELECT x.child_id, x.sort_key FROM unnest(string_to_array({list}, ' ')) AS w(token) \
                         CROSS JOIN LATERAL (SELECT t.child_id, t.sort_key FROM child_token t WHERE {} \
                         ORDER BY t.sort_key, t.child_id LIMIT {reach}) x",
                        arm_where("t.token = w.token".into())
                    )
                }
                Some(tokens) if !tokens.is_empty() => {
                    let reach = p.push(offset + per_page);
                    let arms: Vec<String> = tokens
                        .into_iter()
                        .enumerate()
                        .map(|(i, token)| {
                            format!(
                                "SELECT * FROM (SELECT t.child_id, t.sort_key FROM child_token t WHERE {} \
                                 ORDER BY t.sort_key, t.child_id LIMIT {reach}) a{i}",
                                arm_where(format!("t.token = {}", p.push(token)))
                            )
                        })
                        .collect();
                    arms.join(" UNION ALL ")
                }
                // No word at all (nothing matches) or too many: the range itself.
                _ => matches,
            };
            let sql = page_in_name_order(db, &mut p, &cols, &page_rows, (per_page, offset));
            (
                total,
                bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?,
            )
        } else {
            conds.push(format!("c.id IN (SELECT m.child_id FROM ({matches}) m)"));
            conds.extend(db.own("c"));
            let where_sql = format!(" WHERE {}", conds.join(" AND "));
            let total = count_children(db, &where_sql, &p, bound).await?;
            let (limit, off) = (p.push(per_page), p.push(offset));
            let sql = format!(
                "SELECT {cols} FROM {children}{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {off}"
            );
            (
                total,
                bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?,
            )
        }
    };
    summaries(&rows, total, page, per_page)
}

impl Db {
    /// Counts the search index's words and pairs of words now, where the searches otherwise
    /// start the count in the background and use it once read (a tool or test that needs the
    /// searches' choices to be those of a server at work). Not at a server's start: at a
    /// million children the count takes seconds of a core the first page's figures need.
    pub async fn count_search_words(&self) -> StorageResult<()> {
        self.word_counts
            .read_now(&self.pool, self.and_own("x"))
            .await
    }
}

/// The counts of the search index's words, if read (starting a reading when they are not).
fn counts(db: &Db) -> Option<crate::word_counts::Counts> {
    db.word_counts.get(&db.pool, db.and_own("x"))
}

/// The statement of a page of `per_page` children from `offset` among `candidates` (rows of
/// `child_id, sort_key`, a child perhaps more than once), in name order, with the list's
/// columns `cols`.
fn page_in_name_order(
    db: &Db,
    p: &mut Params,
    cols: &str,
    candidates: &str,
    (per_page, offset): (i64, i64),
) -> String {
    let (limit, off) = (p.push(per_page), p.push(offset));
    format!(
        "SELECT {cols} FROM (SELECT DISTINCT m.child_id, m.sort_key FROM ({candidates}) m \
         ORDER BY m.sort_key, m.child_id LIMIT {limit} OFFSET {off}) pg \
         JOIN child c ON c.id = pg.child_id{} JOIN village v ON v.id = c.village_id{} \
         ORDER BY pg.sort_key, pg.child_id",
        db.and_own("c"),
        db.and_own("v")
    )
}

/// The page of the register list from its rows.
fn summaries(
    rows: &[sqlx::any::AnyRow],
    total: Total,
    page: i64,
    per_page: i64,
) -> StorageResult<Page<ChildSummary>> {
    let items = rows
        .iter()
        .map(|r| {
            Ok(ChildSummary {
                id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                sex: r.try_get("sex")?,
                date_of_birth: r.try_get("dob")?,
                dob_precision: r
                    .try_get::<Option<String>, _>("dob_precision")?
                    .as_deref()
                    .and_then(DobPrecision::parse)
                    .unwrap_or(DobPrecision::Unknown),
                personal_id: r.try_get("personal_id")?,
                village: r.try_get("village")?,
                version: r.try_get("version")?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
    Ok(Page {
        items,
        total: total.n,
        total_is_lower_bound: total.more,
        page,
        per_page,
    })
}

/// The children matching `where_sql`, counted up to `bound` (and one more, to know).
async fn count_children(
    db: &Db,
    where_sql: &str,
    p: &Params,
    bound: Option<i64>,
) -> StorageResult<Total> {
    let count_sql = match bound {
        None => format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM child c{where_sql}"),
        Some(b) => format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM child c{where_sql} LIMIT {}) x",
            b + 1
        ),
    };
    let n: i64 = bind_all(sqlx::query(&count_sql), p.0.clone())
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    Ok(match bound {
        None => Total::exact(n),
        Some(b) => Total::bounded(n, false, b),
    })
}
