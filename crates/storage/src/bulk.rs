//! Importing many children at once: one transaction, every row or none.
//!
//! The rows' derived values (folded text, sort key, stored JSON) and the statements' arguments
//! are built on a blocking thread while the database writes the previous batch, so on SQLite
//! the import runs at about the speed of SQLite's own inserts. The children come a part at a
//! time ([`ChildParts`]; a large file's are built again from its cells, so that they are never
//! all held at once); each part goes in a table at a time and in key order (see
//! [`Plan::versions_first`] for the order of the tables), then the search index word by word,
//! so each B-tree only grows at its end. The search index is copied from the new
//! `child` rows by the database (`INSERT … SELECT`, given each word's list of children), rather
//! than sent as a million rows of repeated text.
use crate::audit;
use crate::db::{now_text, Backend, Db};
use crate::error::{unique_to_field, StorageError, StorageResult};
use crate::households::household_entries;
use crate::scope::write_scope;
use crate::seal::{Digester, Sealed, V};
use crate::stored::stored_child_json;
use crate::villages::village_codes;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, Row};
use std::collections::HashMap;
use treem_domain::import::ChildParts;
use treem_domain::register::{ChildData, HouseholdIndex};
use treem_domain::role::Actor;
use treem_domain::text;

/// From this many rows an import rebuilds the SQLite indexes instead of maintaining them.
const BULK_ROWS: usize = 50_000;

/// Children per word in one statement writing the search index.
const WORD_CHILDREN: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Table {
    Child,
    Version,
    /// The figures' copy of each version (`child_fact`), when the copying trigger is set aside.
    Fact,
    /// The same three for an import with history ([`History`]): each row's version number and
    /// times are parameters rather than the import's constants.
    ChildDated,
    VersionDated,
    FactDated,
    Circumstance,
    Token,
    /// The search index's pairs of words ([`crate::word_pairs`]).
    Pair,
}

impl Table {
    /// The columns given as parameters, in order.
    fn params(self) -> &'static [&'static str] {
        match self {
            Table::Child => &[
                "id",
                "village_id",
                "household_id",
                "full_name",
                "search_text",
                "sort_key",
                "sex",
                "dob",
                "personal_id",
                "ethnicity",
                "birth_registered",
                "disability",
                "present",
            ],
            Table::Version => &["child_id", "village_id", "data"],
            Table::Fact => &["child_id", "village_id", "line"],
            Table::ChildDated => &[
                "id",
                "village_id",
                "household_id",
                "full_name",
                "search_text",
                "sort_key",
                "sex",
                "dob",
                "personal_id",
                "ethnicity",
                "birth_registered",
                "disability",
                "present",
                "version",
                "created_at",
                "updated_at",
            ],
            Table::VersionDated => &["child_id", "village_id", "data", "version", "recorded_at"],
            Table::FactDated => &["child_id", "village_id", "line", "version", "recorded_at"],
            Table::Circumstance => &["child_id", "code", "from_date", "to_date"],
            // A word, and the JSON array of its children's ids.
            Table::Token => &["token", "child_id"],
            Table::Pair => &crate::word_pairs::COLUMNS,
        }
    }

    /// Rows per statement: as many as the parameter limit allows.
    fn rows_per_statement(self) -> usize {
        match self {
            Table::Token => WORD_CHILDREN,
            _ => (crate::params::max_params() / self.params().len()).max(1),
        }
    }
}

/// The values every row of one import shares, written into the statements as constants.
struct Constants {
    now: String,
    user_id: i64,
    /// The seal of every version the import writes ([`crate::seal`]).
    seal: i64,
}

/// On SQLite, a statement that may fail half-way is ordinarily undone on its own, which costs a
/// statement journal: a copy of every page it changes that existed before it began (for the
/// personal-ID index, hundreds of scattered pages per statement). A failure here fails the whole
/// import and rolls the transaction back, so `OR FAIL` (keep the statement's earlier rows, stop)
/// is as safe, and needs no such copies.
fn insert_into(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "INSERT OR FAIL INTO",
        Backend::Postgres => "INSERT INTO",
    }
}

/// `INSERT` of `rows` rows into `table`.
fn insert_sql(backend: Backend, table: Table, rows: usize, k: &Constants) -> String {
    // `now` is our own timestamp (digits, `-`, `:`, `.`, `T`, `Z`); quoted as SQL text anyway.
    let now = format!("'{}'", k.now.replace('\'', "''"));
    let user = k.user_id.to_string();
    let seal = k.seal.to_string();
    let (name, constants): (&str, Vec<(&str, &str)>) = match table {
        Table::Child => (
            "child",
            vec![("version", "1"), ("created_at", &now), ("updated_at", &now)],
        ),
        Table::Version => (
            "child_version",
            vec![
                ("version", "1"),
                ("recorded_at", &now),
                ("recorded_by", &user),
                ("seal", &seal),
            ],
        ),
        Table::Fact => ("child_fact", vec![("version", "1"), ("recorded_at", &now)]),
        Table::ChildDated => ("child", vec![]),
        Table::VersionDated => (
            "child_version",
            vec![("recorded_by", &user), ("seal", &seal)],
        ),
        Table::FactDated => ("child_fact", vec![]),
        Table::Circumstance => ("child_circumstance", vec![]),
        Table::Token => {
            // Each word's rows copy the child's village, presence, sort key and folded text, in
            // the order of the ids given (ascending), which is the index's key order.
            let ids = match backend {
                Backend::Sqlite => "json_each(?) AS j CROSS JOIN child AS c ON c.id = j.value",
                Backend::Postgres => {
                    "json_array_elements_text(CAST($2 AS json)) AS j(v) JOIN child AS c ON c.id = CAST(j.v AS BIGINT)"
                }
            };
            let word = if backend == Backend::Sqlite {
                "?"
            } else {
                "$1"
            };
            return format!(
                "{} child_token (token, child_id, village_id, present, sort_key, search_text) \
                 SELECT {word}, c.id, c.village_id, c.present, c.sort_key, c.search_text FROM {ids}",
                insert_into(backend)
            );
        }
        Table::Pair => ("child_word_pair", vec![]),
    };
    let params = table.params();
    let mut sql = format!("{} {name} ({}", insert_into(backend), params.join(", "));
    for (c, _) in &constants {
        sql.push_str(", ");
        sql.push_str(c);
    }
    sql.push_str(") VALUES ");
    let mut row_tail = String::new();
    for (_, v) in &constants {
        row_tail.push_str(", ");
        row_tail.push_str(v);
    }
    row_tail.push(')');
    sql.reserve(rows * (params.len() * 4 + row_tail.len()));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..params.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            // SQLite looks named parameters up by a linear scan, so thousands of `$n` in one
            // statement cost quadratic time; anonymous `?` are bound by position.
            if backend == Backend::Sqlite {
                sql.push('?');
            } else {
                sql.push('$');
                sql.push_str(&n.to_string());
            }
        }
        sql.push_str(&row_tail);
    }
    sql
}

/// One statement's rows with their arguments, ready to run.
struct Batch {
    table: Table,
    rows: usize,
    args: AnyArguments<'static>,
}

/// Collects one table's rows and hands them over a full statement at a time.
struct Batcher<'a> {
    table: Table,
    per: usize,
    rows: usize,
    args: AnyArguments<'static>,
    send: &'a mut dyn FnMut(StorageResult<Batch>) -> bool,
}

impl<'a> Batcher<'a> {
    fn new(table: Table, send: &'a mut dyn FnMut(StorageResult<Batch>) -> bool) -> Self {
        Batcher {
            table,
            per: table.rows_per_statement(),
            rows: 0,
            args: Self::empty(table),
            send,
        }
    }

    fn empty(table: Table) -> AnyArguments<'static> {
        let mut args = AnyArguments::default();
        if table != Table::Token {
            args.reserve(table.rows_per_statement() * table.params().len(), 0);
        }
        args
    }

    fn add<T>(&mut self, v: T)
    where
        T: sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any> + 'static,
    {
        // Encoding strings and integers for `Any` cannot fail.
        let _ = self.args.add(v);
    }

    /// Ends a row; false when the receiver has gone (the import failed).
    fn end_row(&mut self) -> bool {
        self.rows += 1;
        self.rows < self.per || self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.rows == 0 {
            return true;
        }
        let batch = Batch {
            table: self.table,
            rows: std::mem::take(&mut self.rows),
            args: std::mem::replace(&mut self.args, Self::empty(self.table)),
        };
        (self.send)(Ok(batch))
    }
}

/// What the builder needs besides the rows.
struct Plan {
    last_id: i64,
    by_code: HashMap<String, i64>,
    scope: Option<i64>,
    /// The tables go in as children, search index, versions, circumstances — or, with this,
    /// versions first. SQLite (without foreign-key checks) then reads the new `child` rows for
    /// the search index and the index rebuild while they are still in its page cache;
    /// PostgreSQL checks the versions' references, so children go first there.
    versions_first: bool,
    /// Write the figures' copies (`child_fact`) too: the database's trigger that would copy
    /// each version is set aside for a big SQLite load.
    facts: bool,
    /// When and by whom the versions are recorded (the times: unless `history` gives them).
    now: String,
    user_id: i64,
    /// Each child's earlier versions and times, for an import with history.
    history: Option<History>,
}

/// What an import with history ([`Db::import_children_history`]) adds to its rows, which are
/// each child's current version.
pub(crate) struct History {
    /// Per child, its versions before the current one, oldest first, each with its time.
    pub earlier: Vec<Vec<(ChildData, String)>>,
    /// Per child, when its first and its current versions were recorded.
    pub first_at: Vec<String>,
    pub current_at: Vec<String>,
}

/// Each earlier version's village id, child by child of a part (empty without history).
type EarlierVillages = Vec<Vec<i64>>;

/// The village id of a row, or the import's failure naming it.
fn village_of(plan: &Plan, field: String, d: &ChildData) -> StorageResult<i64> {
    match plan.by_code.get(d.village.as_str()) {
        Some(v) if plan.scope.is_none_or(|s| s == *v) => Ok(*v),
        _ => Err(StorageError::invalid(
            &field,
            format!(
                "không có thôn/bản mã «{}» (hoặc ngoài phạm vi của bạn)",
                d.village
            ),
        )),
    }
}

/// Builds every row of the import and passes them to `send` a statement at a time; stops early
/// when `send` says the import has failed. The children come a part at a time ([`ChildParts`]):
/// each part's children, versions, copies and circumstances go in, then, once every part is
/// in, the search index and its pairs word by word. Returns the digest of the versions written,
/// which the import's audit entry seals, and how many children the parts gave.
fn build(
    mut parts: Box<dyn ChildParts>,
    mut plan: Plan,
    households: Option<HouseholdIndex>,
    send: &mut dyn FnMut(StorageResult<Batch>) -> bool,
) -> Option<(String, usize)> {
    let mut digest = Digester::default();
    let mut words = Words::default();
    let on = crate::db::date_of(&plan.now);
    let mut first = 0usize;
    while let Some(mut rows) = parts.next_part() {
        if let Err(e) = link_households(households.as_ref(), &mut rows, first) {
            send(Err(e));
            return None;
        }
        // A child's earlier versions are of its current household.
        if let Some(h) = plan.history.as_mut() {
            for (current, earlier) in rows.iter().zip(&mut h.earlier[first..]) {
                for (d, _) in earlier {
                    d.household_id = current.household_id;
                    d.household_code = None;
                }
            }
        }
        // Every village of the part first, so that a wrong one fails before its rows are sent
        // (the transaction undoes the parts before).
        let mut village_ids: Vec<i64> = Vec::with_capacity(rows.len());
        for (i, d) in rows.iter().enumerate() {
            match village_of(&plan, format!("rows[{}].village", first + i), d) {
                Ok(v) => village_ids.push(v),
                Err(e) => {
                    send(Err(e));
                    return None;
                }
            }
        }
        let mut earlier: EarlierVillages = Vec::new();
        if let Some(h) = plan.history.as_ref() {
            for (i, versions) in h.earlier[first..first + rows.len()].iter().enumerate() {
                let mut mine = Vec::with_capacity(versions.len());
                for (k, (d, _)) in versions.iter().enumerate() {
                    let field = format!("rows[{}].versions[{k}].village", first + i);
                    match village_of(&plan, field, d) {
                        Ok(v) => mine.push(v),
                        Err(e) => {
                            send(Err(e));
                            return None;
                        }
                    }
                }
                earlier.push(mine);
            }
        }
        let part = Part {
            first,
            rows: &rows,
            village_ids: &village_ids,
            earlier: &earlier,
        };
        if plan.versions_first && !versions(&part, &plan, &mut digest, send) {
            return None;
        }
        if plan.facts && !facts(&part, &plan, send) {
            return None;
        }
        if !children(&part, &plan, on, &mut words, send) {
            return None;
        }
        if !plan.versions_first && !versions(&part, &plan, &mut digest, send) {
            return None;
        }
        if !circumstances(&part, &plan, send) {
            return None;
        }
        first += rows.len();
    }
    if !index(&words, plan.last_id + 1, send) || !pairs(&words, plan.last_id + 1, send) {
        return None;
    }
    Some((digest.finish(), first))
}

type Send<'a> = &'a mut dyn FnMut(StorageResult<Batch>) -> bool;

/// One part of the import's children, `first` being the place of its first row in the import.
struct Part<'a> {
    first: usize,
    rows: &'a [ChildData],
    village_ids: &'a [i64],
    earlier: &'a EarlierVillages,
}

impl Plan {
    /// The id of the import's row at `place`.
    fn id(&self, place: usize) -> i64 {
        self.last_id + 1 + place as i64
    }
}

/// The words of an import's names, for the search index and its pairs, held for every row
/// until the last part is in. Each row's words and texts sit in shared buffers: at two million
/// rows, a vector and two strings of their own per row were 400 MB.
#[derive(Default)]
struct Words {
    /// Each distinct word once; the others refer to it by its place here.
    names: Vec<String>,
    number: HashMap<String, u32>,
    /// Per word, the places of the rows having it (ascending).
    rows: Vec<Vec<u32>>,
    /// Every row's distinct words, row after row.
    row_words: Vec<u32>,
    /// Every row's sort key and search text, row after row.
    text: String,
    of_row: Vec<PairedRow>,
}

/// One row of the import as its pairs of words carry it: where its words and texts begin in
/// [`Words`], its village and whether it is present.
struct PairedRow {
    words_from: usize,
    text_from: usize,
    key_len: usize,
    village_id: i64,
    present: bool,
}

impl Words {
    /// Adds the next row (rows are added in order).
    fn add(&mut self, words: &[&str], village_id: i64, present: bool, key: &str, text: &str) {
        let place = self.of_row.len() as u32;
        self.of_row.push(PairedRow {
            words_from: self.row_words.len(),
            text_from: self.text.len(),
            key_len: key.len(),
            village_id,
            present,
        });
        self.text.push_str(key);
        self.text.push_str(text);
        for w in words {
            let n = match self.number.get(*w) {
                Some(n) => *n,
                None => {
                    let n = self.names.len() as u32;
                    self.names.push(w.to_string());
                    self.number.insert(w.to_string(), n);
                    self.rows.push(Vec::new());
                    n
                }
            };
            self.rows[n as usize].push(place);
            self.row_words.push(n);
        }
    }

    /// The distinct words of the row at `place`.
    fn words_of(&self, place: usize) -> &[u32] {
        let to = self
            .of_row
            .get(place + 1)
            .map_or(self.row_words.len(), |r| r.words_from);
        &self.row_words[self.of_row[place].words_from..to]
    }

    /// The sort key and the search text of the row at `place`.
    fn texts_of(&self, place: usize) -> (&str, &str) {
        let row = &self.of_row[place];
        let to = self
            .of_row
            .get(place + 1)
            .map_or(self.text.len(), |r| r.text_from);
        self.text[row.text_from..to].split_at(row.key_len)
    }

    /// The words' numbers in the order of the words.
    fn in_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.names[*a as usize].cmp(&self.names[*b as usize]));
        order
    }
}

/// The `child` rows of a part, their words added to `words`; false if the import has failed.
fn children(
    part: &Part,
    plan: &Plan,
    today: jiff::civil::Date,
    words: &mut Words,
    send: Send,
) -> bool {
    let history = plan.history.as_ref();
    let table = if history.is_some() {
        Table::ChildDated
    } else {
        Table::Child
    };
    let mut children = Batcher::new(table, send);
    for (i, (d, village_id)) in part.rows.iter().zip(part.village_ids).enumerate() {
        let place = part.first + i;
        let id = plan.id(place);
        let search_text = d.search_text();
        let mut mine: Vec<&str> = text::tokens(&search_text).collect();
        mine.sort_unstable();
        mine.dedup();
        let present = match history {
            None => d.present_on(today),
            // Present on the day the current version was recorded, as a write then would
            // have stored it (`treem check` compares it so).
            Some(h) => d.present_on(crate::db::date_of(&h.current_at[place])),
        };
        let sort_key = text::sort_key(&d.full_name);
        words.add(&mine, *village_id, present, &sort_key, &search_text);
        children.add(id);
        children.add(*village_id);
        children.add(d.household_id);
        children.add(d.full_name.clone());
        children.add(search_text);
        children.add(sort_key);
        children.add(d.sex.as_str());
        children.add(d.date_of_birth.map(|x| x.to_string()));
        children.add(d.personal_id.as_ref().map(|p| p.to_string()));
        children.add(d.ethnicity.map(i64::from));
        children.add(d.birth_registered_on.is_some() as i64);
        children.add(d.disability_type.is_some() as i64);
        children.add(present as i64);
        if let Some(h) = history {
            children.add(h.earlier[place].len() as i64 + 1);
            children.add(h.first_at[place].clone());
            children.add(h.current_at[place].clone());
        }
        if !children.end_row() {
            return false;
        }
    }
    children.flush()
}

/// Calls `one(id, record, village, version, recorded_at)` for every version a part writes,
/// each child's in order: the one version recorded now, or, with a history, the earlier ones and
/// then the current. Stops at the first `false` (the import has failed).
fn each_version(
    part: &Part,
    plan: &Plan,
    mut one: impl FnMut(i64, &ChildData, i64, i64, &str) -> bool,
) -> bool {
    for (i, (d, village_id)) in part.rows.iter().zip(part.village_ids).enumerate() {
        let place = part.first + i;
        let Some(h) = plan.history.as_ref() else {
            if !one(plan.id(place), d, *village_id, 1, &plan.now) {
                return false;
            }
            continue;
        };
        for (k, ((old, at), village)) in h.earlier[place].iter().zip(&part.earlier[i]).enumerate() {
            if !one(plan.id(place), old, *village, k as i64 + 1, at) {
                return false;
            }
        }
        let current = h.earlier[place].len() as i64 + 1;
        if !one(
            plan.id(place),
            d,
            *village_id,
            current,
            &h.current_at[place],
        ) {
            return false;
        }
    }
    true
}

/// A part's `child_version` rows, added to `digest` for the seal (in id order, as `treem check`
/// reads them back); false if the import has failed.
fn versions(part: &Part, plan: &Plan, digest: &mut Digester, send: Send) -> bool {
    let history = plan.history.as_ref();
    let table = if history.is_some() {
        Table::VersionDated
    } else {
        Table::Version
    };
    let mut versions = Batcher::new(table, send);
    let one = |id: i64, d: &ChildData, village_id: i64, version: i64, at: &str| {
        let json = stored_child_json(d);
        digest.row(
            Sealed::ChildVersion,
            &[
                V::I(id),
                V::I(version),
                V::I(village_id),
                V::S(at),
                V::I(plan.user_id),
                V::S(&json),
            ],
        );
        versions.add(id);
        versions.add(village_id);
        versions.add(json);
        if history.is_some() {
            versions.add(version);
            versions.add(at.to_string());
        }
        versions.end_row()
    };
    each_version(part, plan, one) && versions.flush()
}

/// Each new version's line for the figures, as the view `child_fact_source` (migration 0005)
/// makes it from the stored record: `child_id,version,village_id,recorded_at`, US, the
/// indicator fields as a JSON array (`treem check` reads both back and compares them).
fn facts(part: &Part, plan: &Plan, send: Send) -> bool {
    let history = plan.history.as_ref();
    let table = if history.is_some() {
        Table::FactDated
    } else {
        Table::Fact
    };
    let mut facts = Batcher::new(table, send);
    let one = |id: i64, d: &ChildData, village_id: i64, version: i64, at: &str| {
        let fields = (
            d.sex,
            d.date_of_birth,
            d.dob_precision,
            d.ethnicity,
            &d.village,
            d.birth_registered_on,
            &d.school_level,
            &d.circumstances,
            d.moved_in,
            d.moved_out,
            d.died_on,
        );
        let json = serde_json::to_string(&fields).expect("record serialises");
        facts.add(id);
        facts.add(village_id);
        facts.add(format!("{id},{version},{village_id},{at}\u{1f}{json}"));
        if history.is_some() {
            facts.add(version);
            facts.add(at.to_string());
        }
        facts.end_row()
    };
    each_version(part, plan, one) && facts.flush()
}

fn circumstances(part: &Part, plan: &Plan, send: Send) -> bool {
    let mut circumstances = Batcher::new(Table::Circumstance, send);
    for (i, d) in part.rows.iter().enumerate() {
        for c in &d.circumstances {
            circumstances.add(plan.id(part.first + i));
            circumstances.add(c.code.clone());
            circumstances.add(c.from.to_string());
            circumstances.add(c.to.map(|t| t.to_string()));
            if !circumstances.end_row() {
                return false;
            }
        }
    }
    circumstances.flush()
}

/// The search index, word by word in order: each word with its children's ids, `first_id`
/// being the first row's id.
fn index(words: &Words, first_id: i64, send: Send) -> bool {
    for n in words.in_order() {
        let (word, places) = (&words.names[n as usize], &words.rows[n as usize]);
        for part in places.chunks(WORD_CHILDREN) {
            let mut list = String::with_capacity(part.len() * 8 + 2);
            list.push('[');
            for (k, place) in part.iter().enumerate() {
                if k > 0 {
                    list.push(',');
                }
                list.push_str(&(first_id + i64::from(*place)).to_string());
            }
            list.push(']');
            let mut args = AnyArguments::default();
            let _ = args.add(word.clone());
            let _ = args.add(list);
            let batch = Batch {
                table: Table::Token,
                rows: part.len(),
                args,
            };
            if !send(Ok(batch)) {
                return false;
            }
        }
    }
    true
}

/// The search index's pairs, word by word in order, each word's in key order (the other word,
/// the sort key, the child). Rows keep their places, so a place's order is its id's.
fn pairs(words: &Words, first_id: i64, send: Send) -> bool {
    let order = words.in_order();
    let mut rank = vec![0u32; order.len()];
    for (r, n) in order.iter().enumerate() {
        rank[*n as usize] = r as u32;
    }
    let mut batch = Batcher::new(Table::Pair, send);
    for &n in &order {
        let mut rows: Vec<(u32, &str, u32)> = Vec::new();
        for &place in &words.rows[n as usize] {
            let key = words.texts_of(place as usize).0;
            rows.extend(
                words
                    .words_of(place as usize)
                    .iter()
                    .filter(|o| **o != n)
                    .map(|o| (rank[*o as usize], key, place)),
            );
        }
        rows.sort_unstable();
        for (r, key, place) in rows {
            let row = &words.of_row[place as usize];
            batch.add(words.names[n as usize].clone());
            batch.add(words.names[order[r as usize] as usize].clone());
            batch.add(key.to_string());
            batch.add(first_id + i64::from(place));
            batch.add(row.village_id);
            batch.add(row.present as i64);
            batch.add(words.texts_of(place as usize).1.to_string());
            if !batch.end_row() {
                return false;
            }
        }
    }
    batch.flush()
}

/// Links each row of a part that names a household (by code, or by number) to it, looked up in
/// the households read in the import's transaction. A row naming a household that is not there,
/// or is of another village, fails the import naming the row.
fn link_households(
    index: Option<&HouseholdIndex>,
    rows: &mut [ChildData],
    first: usize,
) -> StorageResult<()> {
    for (i, r) in rows.iter_mut().enumerate() {
        let typed = match (&r.household_code, r.household_id) {
            (Some(code), _) => code.clone(),
            (None, Some(id)) => format!("#{id}"),
            (None, None) => continue,
        };
        let found = match index {
            Some(index) => index.resolve(&typed, &r.village),
            None => Err(format!("không có hộ «{typed}»")),
        };
        match found {
            Ok(id) => {
                r.household_id = Some(id);
                r.household_code = None;
            }
            Err(e) => {
                let field = format!("rows[{}].household", first + i);
                return Err(StorageError::invalid(&field, e));
            }
        }
    }
    Ok(())
}

impl Db {
    pub(crate) async fn bulk_import_children(
        &self,
        actor: &Actor,
        parts: Box<dyn ChildParts>,
    ) -> StorageResult<usize> {
        self.bulk_import(actor, parts, None).await
    }

    /// Imports the children of `parts`, each child's current version; with `history`, each
    /// child's earlier versions too, every version with its own time.
    pub(crate) async fn bulk_import(
        &self,
        actor: &Actor,
        parts: Box<dyn ChildParts>,
        history: Option<History>,
    ) -> StorageResult<usize> {
        let scope = write_scope(actor)?;
        let n = parts.len();
        let versions_count = n + history
            .as_ref()
            .map_or(0, |h| h.earlier.iter().map(Vec::len).sum());
        let sqlite = self.backend == Backend::Sqlite;
        let _turn = self.write_turn().await?;
        let mut conn = self.pool.acquire().await?;
        if sqlite {
            // This connection is set up for the load (no per-row foreign-key lookups, a large
            // page cache) and closed afterwards instead of going back to the pool, even if the
            // import fails or is abandoned half-way.
            conn.close_on_drop();
            // Every reference the import writes is to a row it writes itself, or to a village
            // or household it reads in its transaction (link_households).
            sqlx::query("PRAGMA foreign_keys = OFF")
                .execute(&mut *conn)
                .await?;
            // 64 MB of page cache. A big load writes each table in key order without its
            // indexes (below), so a larger cache bought nothing: 256 MB took the import of a
            // million rows past 1 GB resident (1,092 MB; 922 MB with 64) and was no faster
            // (103.6 s against 65.8 s, same machine and hour).
            sqlx::query("PRAGMA cache_size = -65536")
                .execute(&mut *conn)
                .await?;
        }
        let mut tx = sqlx::Connection::begin_with(&mut *conn, self.begin_statement()).await?;
        // PostgreSQL: the figures' copies of the versions are made at the end in one statement,
        // not by the trigger row by row (migration 0024), for this transaction only.
        let facts_at_end = self.backend == Backend::Postgres
            && crate::migrate::has_applied(self, crate::copies::FACTS_AT_END_SINCE_SCHEMA).await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE child IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        if facts_at_end {
            crate::copies::bulk_load(&mut tx, true).await?;
        }
        // A big load into SQLite is faster without the secondary indexes: they are dropped and
        // built again from sorted data at the end, inside the same transaction.
        let rebuild: Vec<String> = if sqlite && n >= BULK_ROWS {
            let defs: Vec<(String, String)> = sqlx::query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND tbl_name IN ('child', 'child_version', 'child_circumstance', 'child_token')",
            )
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("sql")?)))
            .collect::<StorageResult<_>>()?;
            for (name, _) in &defs {
                let drop = format!("DROP INDEX {name}");
                sqlx::query(&drop).execute(&mut *tx).await?;
            }
            defs.into_iter().map(|(_, sql)| sql).collect()
        } else {
            Vec::new()
        };
        // Likewise the trigger that copies each new version for the figures (`child_fact`):
        // row by row it would cost a third of the import's time. The copies are built with the
        // rows instead, and the trigger put back in the same transaction.
        let copy_trigger: Option<String> = if sqlite && n >= BULK_ROWS {
            let sql: Option<String> = sqlx::query(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'child_fact_insert'",
            )
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("sql"))
            .transpose()?;
            if sql.is_some() {
                sqlx::query("DROP TRIGGER child_fact_insert")
                    .execute(&mut *tx)
                    .await?;
            }
            sql
        } else {
            None
        };
        // The households the rows may name, read once in the transaction.
        let households = if parts.names_households() {
            Some(HouseholdIndex::new(
                household_entries(&mut *tx, self.backend, scope, None).await?,
            ))
        } else {
            None
        };
        let codes = village_codes(&mut *tx).await?;
        let last_id: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM child")
                .fetch_one(&mut *tx)
                .await?
                .try_get("m")?;
        let constants = Constants {
            now: now_text(),
            user_id: actor.user_id,
            seal: crate::seal::next_id(&mut tx).await?,
        };
        let plan = Plan {
            last_id,
            by_code: codes.into_iter().map(|(id, c)| (c, id)).collect(),
            scope,
            versions_first: sqlite,
            facts: copy_trigger.is_some(),
            now: constants.now.clone(),
            user_id: constants.user_id,
            history,
        };
        crate::profile::phase("import: prepare");
        let (send, mut batches) = tokio::sync::mpsc::channel::<StorageResult<Batch>>(4);
        let builder = tokio::task::spawn_blocking(move || {
            build(parts, plan, households, &mut |b| {
                send.blocking_send(b).is_ok()
            })
        });
        let mut statements: HashMap<(Table, usize), String> = HashMap::new();
        while let Some(batch) = batches.recv().await {
            crate::profile::phase("import: wait for rows");
            let Batch { table, rows, args } = batch?;
            // All full batches of a table, and every word of the index, share one statement,
            // which SQLite then compiles once.
            let by_word = table == Table::Token;
            let rows = if by_word { 0 } else { rows };
            let reuse = sqlite && (by_word || rows == table.rows_per_statement());
            let sql = statements
                .entry((table, rows))
                .or_insert_with(|| insert_sql(self.backend, table, rows, &constants));
            let done = sqlx::query_with(sql.as_str(), args)
                .persistent(reuse)
                .execute(&mut *tx)
                .await;
            match (done, table) {
                (Ok(_), _) => {}
                (Err(e), Table::Child | Table::ChildDated) => {
                    return Err(unique_to_field(
                        e,
                        "personal_id",
                        "có mã định danh đã có trong sổ hoặc bị trùng trong tệp",
                    ))
                }
                (Err(e), _) => return Err(e.into()),
            }
            crate::profile::phase(match table {
                Table::Child | Table::ChildDated => "child",
                Table::Version | Table::VersionDated => "child_version",
                Table::Fact | Table::FactDated => "child_fact",
                Table::Circumstance => "child_circumstance",
                Table::Token => "child_token",
                Table::Pair => "child_word_pair",
            });
        }
        let (digest, built) = builder
            .await
            .map_err(|e| StorageError::Corrupt(format!("import rows: {e}")))?
            .ok_or_else(|| StorageError::Corrupt("import rows: stopped".into()))?;
        // The parts are built by the check that counted them; were they ever to give another
        // number, the import is refused whole rather than writing more or fewer than checked.
        if built != n {
            return Err(StorageError::Corrupt(format!(
                "nhập trẻ: đã kiểm tra {n} trẻ nhưng dựng lại {built}; không ghi dòng nào"
            )));
        }
        crate::profile::phase("import: rows");
        if facts_at_end {
            crate::copies::bulk_load(&mut tx, false).await?;
            crate::copies::fill_facts(&mut tx, last_id).await?;
            crate::profile::phase("import: child_fact");
        }
        for sql in &rebuild {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        crate::profile::phase("import: indexes");
        if let Some(trigger) = copy_trigger {
            sqlx::query(&trigger).execute(&mut *tx).await?;
        }
        crate::db::fix_sequences(&mut tx, self.backend, &["child"]).await?;
        audit::append_entry(
            &mut tx,
            actor,
            "import",
            "child",
            None,
            &if versions_count > n {
                format!("nhập {n} trẻ ({versions_count} phiên bản, ghi kèm thời điểm)")
            } else {
                format!("nhập {n} trẻ")
            },
            Some((constants.seal, &digest)),
        )
        .await?;
        tx.commit().await?;
        crate::profile::phase("import: audit+commit");
        drop(conn);
        if n >= LOAD_NEEDING_STATISTICS {
            // The rows are in: statistics not read again cost speed, never the import.
            if let Err(e) = self.refresh_statistics(LOADED_TABLES).await {
                tracing::warn!("statistics after the import not read again: {e}");
            }
            crate::profile::phase("import: statistics");
        }
        Ok(n)
    }
}

/// From this many children a load changes the tables enough that the planner's statistics of
/// them are read again at once ([`Db::refresh_statistics`]); smaller ones are left to
/// autovacuum.
const LOAD_NEEDING_STATISTICS: usize = 1_000;

/// The tables an import of children writes.
const LOADED_TABLES: &[&str] = &[
    "child",
    "child_version",
    "child_fact",
    "child_token",
    "child_word_pair",
    "child_circumstance",
];
