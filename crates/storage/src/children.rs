//! Children: reads within scope, versioned writes with history, search.
use crate::audit;
use crate::db::{date_of, now_text, today, Db};
use crate::error::{unique_to_field, StorageError, StorageResult};
use crate::households::link_household;
use crate::params::{bind_all, insert_many, Params, P};
use crate::seal::{Seal, Sealed};
use crate::villages::{resolve_village, village_codes};
use crate::Register;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::indicator::{ChildFacts, Known};
use treem_domain::register::{Child, ChildData, DobPrecision, Sex};
use treem_domain::role::{Actor, Role};
use treem_domain::text;
use treem_domain::Date;

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
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Số trẻ theo thôn và giới tính.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChildCount {
    pub village: String,
    pub sex: String,
    pub count: i64,
}

/// A village with when its list last changed (for "not updated this month").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VillageActivity {
    pub code: String,
    pub name: String,
    pub children: i64,
    pub last_change: Option<String>,
}

/// One change in a child's history: who, when, which fields.
#[derive(Debug, Clone, Serialize)]
pub struct ChildVersion {
    pub version: i64,
    pub recorded_at: String,
    pub recorded_by: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// The village a reader is confined to, or `None` for the whole commune.
pub(crate) fn read_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.reads_children() {
        return Err(StorageError::Forbidden);
    }
    if actor.role == Role::VillageHead {
        return actor.village_id.map(Some).ok_or(StorageError::Forbidden);
    }
    Ok(None)
}

pub(crate) fn write_scope(actor: &Actor) -> StorageResult<Option<i64>> {
    if !actor.role.writes_children() {
        return Err(StorageError::Forbidden);
    }
    read_scope(actor)
}

/// Writes the next version of a child already read in this transaction (`before`), sealing
/// it with `seal`; the caller writes the audit entry. Answers the changed fields, in words.
pub(crate) async fn write_update(
    tx: &mut Transaction<'_, Any>,
    seal: &mut Seal,
    actor: &Actor,
    before: &Child,
    d: &ChildData,
    scope: Option<i64>,
) -> StorageResult<String> {
    let id = before.id;
    let version = before.version;
    let village_id = resolve_village(tx, &d.village, scope).await?;
    check_household(tx, d.household_id, village_id).await?;
    let now = now_text();
    let ix = indexed(d, &now);
    let done = bind_columns(
        sqlx::query(
            "UPDATE child SET village_id = $1, household_id = $2, full_name = $3, search_text = $4, sort_key = $5, sex = $6, \
             dob = $7, personal_id = $8, ethnicity = $9, birth_registered = $10, disability = $11, present = $12, \
             version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15",
        ),
        village_id,
        d,
        &ix,
        &now,
    )
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(|e| unique_to_field(e, "personal_id", "mã định danh này đã có trong sổ"))?;
    if done.rows_affected() != 1 {
        return Err(StorageError::Conflict {
            current: version + 1,
        });
    }
    seal.insert(
        tx,
        Sealed::ChildVersion,
        vec![vec![
            P::from(id),
            P::from(version + 1),
            P::from(village_id),
            P::from(now),
            P::from(actor.user_id),
            P::from(stored_json(d)),
        ]],
    )
    .await?;
    // The search index is keyed by word, so remove this child's old words one by one.
    for t in tokens_of(&before.data.search_text()) {
        sqlx::query("DELETE FROM child_token WHERE token = $1 AND child_id = $2")
            .bind(t)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM child_circumstance WHERE child_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    write_derived(tx, id, village_id, d, &ix).await?;
    let changes = diff(
        &serde_json::to_value(&before.data).unwrap_or_default(),
        &serde_json::to_value(d).unwrap_or_default(),
    );
    Ok(changed_fields(&changes))
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Binds the columns kept beside a child's JSON as `$1`…`$13`, in the order the insert and
/// the update both name them (village, household, name, search text, sort key, sex, birth
/// date, personal ID, ethnicity, birth registered, disability, present, time).
fn bind_columns<'q>(
    q: AnyQuery<'q>,
    village_id: i64,
    d: &'q ChildData,
    ix: &'q Indexed,
    now: &'q str,
) -> AnyQuery<'q> {
    q.bind(village_id)
        .bind(d.household_id)
        .bind(d.full_name.as_str())
        .bind(ix.search_text.as_str())
        .bind(ix.sort_key.as_str())
        .bind(d.sex.as_str())
        .bind(d.date_of_birth.map(|x| x.to_string()))
        .bind(d.personal_id.as_ref().map(|p| p.to_string()))
        .bind(d.ethnicity.map(i64::from))
        .bind(ix.birth_registered)
        .bind(ix.disability)
        .bind(ix.present)
        .bind(now)
}

/// The columns kept beside the JSON for indexing and listing.
pub(crate) struct Indexed {
    pub search_text: String,
    pub sort_key: String,
    pub birth_registered: i64,
    pub disability: i64,
    pub present: i64,
}

/// The indexed columns of a version recorded at `now` (presence is as on that day in Vietnam,
/// which `treem check` recomputes from the version's time).
pub(crate) fn indexed(d: &ChildData, now: &str) -> Indexed {
    Indexed {
        search_text: d.search_text(),
        sort_key: text::sort_key(&d.full_name),
        birth_registered: d.birth_registered_on.is_some() as i64,
        disability: d.disability_type.is_some() as i64,
        present: d.present_on(date_of(now)) as i64,
    }
}

pub(crate) fn tokens_of(search_text: &str) -> Vec<String> {
    let mut t: Vec<String> = text::tokens(search_text).map(str::to_string).collect();
    t.sort();
    t.dedup();
    t
}

pub(crate) fn child_from(r: &AnyRow, codes: &HashMap<i64, String>) -> StorageResult<Child> {
    let data: String = r.try_get("data")?;
    let mut data: ChildData = serde_json::from_str(&data)
        .map_err(|e| StorageError::Corrupt(format!("child data: {e}")))?;
    let village_id: i64 = r.try_get("village_id")?;
    if let Some(code) = codes.get(&village_id) {
        data.village = code.clone();
    }
    let notices = data
        .personal_id
        .as_ref()
        .and_then(|p| p.note())
        .into_iter()
        .collect();
    Ok(Child {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        data,
        notices,
    })
}

/// The search index carries what a name search filters and sorts on, so that a search reads
/// the index alone: word, child, village, present, sort key, folded text.
const TOKEN_COLUMNS: [&str; 6] = [
    "token",
    "child_id",
    "village_id",
    "present",
    "sort_key",
    "search_text",
];

fn token_rows_of(id: i64, village_id: i64, ix: &Indexed) -> Vec<Vec<P>> {
    tokens_of(&ix.search_text)
        .into_iter()
        .map(|t| {
            vec![
                P::from(t),
                P::from(id),
                P::from(village_id),
                P::from(ix.present),
                P::from(ix.sort_key.clone()),
                P::from(ix.search_text.clone()),
            ]
        })
        .collect()
}

/// Writes the derived rows (tokens, circumstances) of one child version.
async fn write_derived(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    village_id: i64,
    d: &ChildData,
    ix: &Indexed,
) -> StorageResult<()> {
    let tokens = token_rows_of(id, village_id, ix);
    insert_many(tx, "child_token", &TOKEN_COLUMNS, tokens).await?;
    let circ = d
        .circumstances
        .iter()
        .map(|c| {
            vec![
                P::from(id),
                P::from(c.code.clone()),
                P::from(c.from.to_string()),
                P::from(c.to.map(|t| t.to_string())),
            ]
        })
        .collect();
    insert_many(
        tx,
        "child_circumstance",
        &["child_id", "code", "from_date", "to_date"],
        circ,
    )
    .await
}

pub(crate) async fn check_household(
    tx: &mut Transaction<'_, Any>,
    household: Option<i64>,
    village_id: i64,
) -> StorageResult<()> {
    if let Some(h) = household {
        let row = sqlx::query("SELECT village_id FROM household WHERE id = $1")
            .bind(h)
            .fetch_optional(&mut **tx)
            .await?;
        match row {
            None => {
                return Err(StorageError::invalid(
                    "household_id",
                    format!("không có hộ #{h}"),
                ))
            }
            Some(r) if r.try_get::<i64, _>("village_id")? != village_id => {
                return Err(StorageError::invalid(
                    "household_id",
                    "hộ gia đình thuộc thôn/bản khác",
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The stored form of a child's data: the API's JSON without empty fields, which are most of
/// them (a million children's history is then half the size).
pub(crate) fn stored_json<T: serde::Serialize>(d: &T) -> String {
    let mut v = serde_json::to_value(d).expect("record serialises");
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(|a| a.is_empty())));
    }
    v.to_string()
}

/// [`stored_json`] of a child, written field by field instead of through a JSON tree: the same
/// text (the keys in the order a `serde_json::Map` keeps them, sorted; empty fields left out),
/// several times faster, which matters when an import writes a million of them.
pub(crate) fn stored_child_json(d: &ChildData) -> String {
    struct Out(Vec<u8>);
    impl Out {
        fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) {
            self.0.push(if self.0.is_empty() { b'{' } else { b',' });
            self.0.push(b'"');
            self.0.extend_from_slice(key.as_bytes());
            self.0.extend_from_slice(b"\":");
            serde_json::to_writer(&mut self.0, v).expect("record serialises");
        }
        fn opt<T: Serialize>(&mut self, key: &str, v: &Option<T>) {
            if let Some(v) = v {
                self.field(key, v);
            }
        }
        /// Nested records go through a JSON tree, as in `stored_json`, so their keys are
        /// sorted the same way.
        fn list<T: Serialize>(&mut self, key: &str, v: &[T]) {
            if !v.is_empty() {
                let tree = serde_json::to_value(v).expect("record serialises");
                self.field(key, &tree);
            }
        }
    }
    let mut o = Out(Vec::with_capacity(320));
    // In byte order of the keys.
    if !d.aliases.is_empty() {
        o.field("aliases", &d.aliases);
    }
    o.opt("birth_registered_on", &d.birth_registered_on);
    o.opt("birth_registration_place", &d.birth_registration_place);
    o.list("caregivers", &d.caregivers);
    o.list("circumstances", &d.circumstances);
    o.opt("date_of_birth", &d.date_of_birth);
    o.opt("died_on", &d.died_on);
    o.opt("disability_severity", &d.disability_severity);
    o.opt("disability_type", &d.disability_type);
    o.field("dob_precision", &d.dob_precision);
    o.opt("ethnicity", &d.ethnicity);
    o.field("full_name", &d.full_name);
    o.opt("grade", &d.grade);
    o.opt("household_id", &d.household_id);
    o.opt("insurance_card", &d.insurance_card);
    o.opt("moved_in", &d.moved_in);
    o.opt("moved_out", &d.moved_out);
    o.opt("notes", &d.notes);
    o.opt("personal_id", &d.personal_id);
    o.opt("school", &d.school);
    o.opt("school_level", &d.school_level);
    o.field("sex", &d.sex);
    o.field("village", &d.village);
    o.0.push(b'}');
    String::from_utf8(o.0).expect("JSON is UTF-8")
}

/// Field-level differences between two JSON versions of a record.
pub(crate) fn diff(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let x = b.get(k).cloned().unwrap_or(serde_json::Value::Null);
            let y = a.get(k).cloned().unwrap_or(serde_json::Value::Null);
            (x != y).then(|| FieldChange {
                field: k.clone(),
                before: x,
                after: y,
            })
        })
        .collect()
}

fn changed_fields(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| c.field.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

impl Db {
    /// Writes a new child and its first version, sealed with `seal`.
    pub(crate) async fn insert_child(
        &self,
        tx: &mut Transaction<'_, Any>,
        actor: &Actor,
        d: &ChildData,
        village_id: i64,
        seal: &mut Seal,
    ) -> StorageResult<i64> {
        let now = now_text();
        let ix = indexed(d, &now);
        let row = bind_columns(
            sqlx::query(
                "INSERT INTO child (village_id, household_id, full_name, search_text, sort_key, sex, dob, personal_id, ethnicity, \
                 birth_registered, disability, present, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) RETURNING id",
            ),
            village_id,
            d,
            &ix,
            &now,
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_to_field(e, "personal_id", "mã định danh này đã có trong sổ"))?;
        let id: i64 = row.try_get("id")?;
        seal.insert(
            tx,
            Sealed::ChildVersion,
            vec![vec![
                P::from(id),
                P::from(1),
                P::from(village_id),
                P::from(now),
                P::from(actor.user_id),
                P::from(stored_json(d)),
            ]],
        )
        .await?;
        write_derived(tx, id, village_id, d, &ix).await?;
        Ok(id)
    }

    pub(crate) async fn read_child_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        id: i64,
        scope: Option<i64>,
    ) -> StorageResult<Child> {
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT c.id, c.version, c.village_id, v.data FROM child c JOIN child_version v ON v.child_id = c.id AND v.version = c.version WHERE c.id = {}",
            p.push(id)
        );
        if let Some(v) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(v));
        }
        let row = bind_all(sqlx::query(&sql), p.0)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StorageError::NotFound)?;
        let codes = village_codes(&mut **tx).await?;
        child_from(&row, &codes)
    }
}

#[async_trait::async_trait]
impl Register for Db {
    async fn commune(&self) -> StorageResult<Option<crate::Commune>> {
        crate::villages::commune(self).await
    }
    async fn set_commune(&self, actor: &Actor, c: &crate::Commune) -> StorageResult<()> {
        crate::villages::set_commune(self, actor, c).await
    }
    async fn villages(&self, actor: &Actor) -> StorageResult<Vec<treem_domain::register::Village>> {
        crate::villages::villages(self, actor).await
    }
    async fn create_village(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
    ) -> StorageResult<treem_domain::register::Village> {
        crate::villages::create_village(self, actor, code, name).await
    }
    async fn update_village(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        code: &str,
        name: &str,
    ) -> StorageResult<treem_domain::register::Village> {
        crate::villages::update_village(self, actor, id, version, code, name).await
    }
    async fn household(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::household(self, actor, id).await
    }
    async fn households(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<treem_domain::register::Household>> {
        crate::households::households(self, actor, village).await
    }
    async fn create_household(
        &self,
        actor: &Actor,
        data: &treem_domain::register::HouseholdData,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::create_household(self, actor, data).await
    }
    async fn update_household(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        data: &treem_domain::register::HouseholdData,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::update_household(self, actor, id, version, data).await
    }

    async fn import_households(
        &self,
        actor: &Actor,
        rows: &[treem_domain::register::HouseholdData],
    ) -> StorageResult<Vec<i64>> {
        crate::households::import_households(self, actor, rows).await
    }

    async fn household_entries(
        &self,
        actor: &Actor,
    ) -> StorageResult<Vec<treem_domain::register::HouseholdEntry>> {
        let scope = write_scope(actor)?;
        crate::households::household_entries(&self.pool, self.backend, scope, None).await
    }

    async fn child(&self, actor: &Actor, id: i64) -> StorageResult<Child> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let child = self.read_child_in(&mut tx, id, scope).await?;
        audit::append(&mut tx, actor, "read", "child", Some(id), "xem hồ sơ trẻ").await?;
        tx.commit().await?;
        Ok(child)
    }

    async fn create_child(&self, actor: &Actor, d: &ChildData) -> StorageResult<Child> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let village_id = resolve_village(&mut tx, &d.village, scope).await?;
        let linked = ChildData {
            household_id: link_household(&mut tx, self.backend, d, village_id, scope).await?,
            household_code: None,
            ..d.clone()
        };
        let d = &linked;
        let mut seal = Seal::begin(&mut tx).await?;
        let id = self
            .insert_child(&mut tx, actor, d, village_id, &mut seal)
            .await?;
        audit::append_sealed(
            &mut tx,
            actor,
            "create",
            "child",
            Some(id),
            "thêm trẻ",
            seal,
        )
        .await?;
        let child = self.read_child_in(&mut tx, id, None).await?;
        tx.commit().await?;
        Ok(child)
    }

    async fn update_child(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        d: &ChildData,
    ) -> StorageResult<Child> {
        let scope = write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let before = self.read_child_in(&mut tx, id, scope).await?;
        if before.version != version {
            return Err(StorageError::Conflict {
                current: before.version,
            });
        }
        // The household is linked by its code here; `write_update` checks the link again.
        let village_id = resolve_village(&mut tx, &d.village, scope).await?;
        let linked = ChildData {
            household_id: link_household(&mut tx, self.backend, d, village_id, scope).await?,
            household_code: None,
            ..d.clone()
        };
        let d = &linked;
        let mut seal = Seal::begin(&mut tx).await?;
        let changed = write_update(&mut tx, &mut seal, actor, &before, d, scope).await?;
        audit::append_sealed(
            &mut tx,
            actor,
            "update",
            "child",
            Some(id),
            &format!("sửa: {changed}"),
            seal,
        )
        .await?;
        let child = self.read_child_in(&mut tx, id, None).await?;
        tx.commit().await?;
        Ok(child)
    }

    async fn search_children(
        &self,
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
        let mut place: Vec<String> = Vec::new();
        if let Some(v) = scope {
            place.push(format!("{on}.village_id = {}", p.push(v)));
        }
        if let Some(code) = q.village.as_deref().filter(|s| !s.is_empty()) {
            place.push(format!(
                "{on}.village_id = (SELECT id FROM village WHERE code = {})",
                p.push(code)
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
                "c.id IN (SELECT child_id FROM child_circumstance WHERE code = {} AND from_date <= {t} AND (to_date IS NULL OR to_date >= {t}))",
                p.push(code)
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
            let list: Vec<String> = ids.iter().take(1000).map(|i| i.to_string()).collect();
            conds.push(if list.is_empty() {
                "1 = 0".into()
            } else {
                format!("c.id IN ({})", list.join(", "))
            });
        }
        if let Some(since) = q.changed_since.as_deref() {
            conds.push(format!("c.updated_at >= {}", p.push(since)));
        }
        let per_page = q.per_page.clamp(1, 500);
        let page = q.page.max(1);
        let offset = (page - 1) * per_page;
        let order = if q.recent_first {
            "c.updated_at DESC, c.id DESC"
        } else {
            "c.sort_key, c.id"
        };
        // The birth date's precision from the current version's record (the lists must not
        // show a month or an estimate as a day).
        let precision = match self.backend {
            crate::db::Backend::Sqlite => "json_extract(cv.data, '$.dob_precision')",
            crate::db::Backend::Postgres => "(cv.data::jsonb ->> 'dob_precision')",
        };
        let cols = format!(
            "c.id, c.full_name, c.sex, c.dob, c.personal_id, c.version, v.code AS village, \
             (SELECT {precision} FROM child_version cv WHERE cv.child_id = c.id AND cv.version = c.version) AS dob_precision"
        );
        let (total, rows) = if words.is_empty() {
            conds.extend(place);
            let where_sql = if conds.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", conds.join(" AND "))
            };
            let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM child c{where_sql}");
            let total: i64 = bind_all(sqlx::query(&count_sql), p.0.clone())
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            let (limit, off) = (p.push(per_page), p.push(offset));
            let sql = format!(
                "SELECT {cols} FROM child c JOIN village v ON v.id = c.village_id{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {off}"
            );
            (
                total,
                bind_all(sqlx::query(&sql), p.0)
                    .fetch_all(&self.pool)
                    .await?,
            )
        } else {
            // Drive the search from the rarest word's range of the index; each other word must
            // start a word of the name or an alias.
            let rarest = self.rarest_prefix(&words).await?;
            let mut tconds = vec![format!(
                "t.token >= {} AND t.token < {}",
                p.push(rarest),
                p.push(format!("{rarest}{{"))
            )];
            for w in words.iter().filter(|w| **w != rarest) {
                tconds.push(format!(
                    "(' ' || t.search_text) LIKE {}",
                    p.push(format!("% {w}%"))
                ));
            }
            tconds.extend(place);
            let matches = format!(
                "SELECT t.child_id, t.sort_key FROM child_token t WHERE {}",
                tconds.join(" AND ")
            );
            if conds.is_empty() && !q.recent_first {
                // The index alone answers: count and page without touching the children.
                let count_sql = format!(
                    "SELECT CAST(COUNT(DISTINCT m.child_id) AS BIGINT) AS n FROM ({matches}) m"
                );
                let total: i64 = bind_all(sqlx::query(&count_sql), p.0.clone())
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                let (limit, off) = (p.push(per_page), p.push(offset));
                let sql = format!(
                    "SELECT {cols} FROM (SELECT DISTINCT m.child_id, m.sort_key FROM ({matches}) m ORDER BY m.sort_key, m.child_id LIMIT {limit} OFFSET {off}) pg \
                     JOIN child c ON c.id = pg.child_id JOIN village v ON v.id = c.village_id ORDER BY pg.sort_key, pg.child_id"
                );
                (
                    total,
                    bind_all(sqlx::query(&sql), p.0)
                        .fetch_all(&self.pool)
                        .await?,
                )
            } else {
                conds.push(format!("c.id IN (SELECT m.child_id FROM ({matches}) m)"));
                let where_sql = format!(" WHERE {}", conds.join(" AND "));
                let count_sql =
                    format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM child c{where_sql}");
                let total: i64 = bind_all(sqlx::query(&count_sql), p.0.clone())
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                let (limit, off) = (p.push(per_page), p.push(offset));
                let sql = format!(
                    "SELECT {cols} FROM child c JOIN village v ON v.id = c.village_id{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {off}"
                );
                (
                    total,
                    bind_all(sqlx::query(&sql), p.0)
                        .fetch_all(&self.pool)
                        .await?,
                )
            }
        };
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
            total,
            page,
            per_page,
        })
    }

    async fn child_history(&self, actor: &Actor, id: i64) -> StorageResult<Vec<ChildVersion>> {
        let scope = read_scope(actor)?;
        let mut p = Params::default();
        let mut sql = format!(
            "SELECT v.version, v.recorded_at, COALESCE(u.username, 'system') AS who, v.data \
             FROM child_version v JOIN child c ON c.id = v.child_id LEFT JOIN app_user u ON u.id = v.recorded_by \
             WHERE v.child_id = {}",
            p.push(id)
        );
        if let Some(s) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(s));
        }
        sql += " ORDER BY v.version";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            return Err(StorageError::NotFound);
        }
        let mut prev = serde_json::Value::Null;
        let mut out = Vec::new();
        for r in rows {
            let data: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("data")?)
                .map_err(|e| StorageError::Corrupt(e.to_string()))?;
            out.push(ChildVersion {
                version: r.try_get("version")?,
                recorded_at: r.try_get("recorded_at")?,
                recorded_by: r.try_get("who")?,
                changes: diff(&prev, &data),
            });
            prev = data;
        }
        Ok(out)
    }

    async fn child_at_version(&self, actor: &Actor, id: i64, version: i64) -> StorageResult<Child> {
        let scope = read_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        // Same scope as the current record: the child must be within reach today.
        self.read_child_in(&mut tx, id, scope).await?;
        let row = sqlx::query(
            "SELECT child_id AS id, version, village_id, data FROM child_version WHERE child_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StorageError::NotFound)?;
        let codes = village_codes(&mut *tx).await?;
        let child = child_from(&row, &codes)?;
        audit::append(
            &mut tx,
            actor,
            "read",
            "child",
            Some(id),
            &format!("xem phiên bản {version}"),
        )
        .await?;
        tx.commit().await?;
        Ok(child)
    }

    async fn children_as_of(&self, actor: &Actor, date: Date) -> StorageResult<Vec<Child>> {
        let scope = read_scope(actor)?;
        let r = self.register_at::<Child>(scope, &[date]).await?;
        // One date: every version read is that date's, in child id order.
        debug_assert_eq!(r.at[0].len(), r.versions.len());
        Ok(r.versions)
    }

    async fn register_for_figures(
        &self,
        actor: &Actor,
        known: Known,
    ) -> StorageResult<Vec<ChildFacts>> {
        let scope = read_scope(actor)?;
        self.register_known(scope, known).await
    }

    async fn child_counts(&self, actor: &Actor) -> StorageResult<Vec<ChildCount>> {
        if actor.role == Role::Admin {
            return Err(StorageError::Forbidden);
        }
        let mut p = Params::default();
        let mut sql = String::from(
            "SELECT v.code AS village, c.sex, CAST(COUNT(*) AS BIGINT) AS n FROM child c JOIN village v ON v.id = c.village_id WHERE c.present = 1",
        );
        if actor.role == Role::VillageHead {
            let v = actor.village_id.ok_or(StorageError::Forbidden)?;
            sql += &format!(" AND c.village_id = {}", p.push(v));
        }
        sql += " GROUP BY v.code, c.sex ORDER BY v.code, c.sex";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ChildCount {
                    village: r.try_get("village")?,
                    sex: r.try_get("sex")?,
                    count: r.try_get("n")?,
                })
            })
            .collect()
    }

    async fn village_activity(&self, actor: &Actor) -> StorageResult<Vec<VillageActivity>> {
        let scope = read_scope(actor)?;
        let mut p = Params::default();
        // One index range per village (village_id, present, updated_at): a count and two
        // maxima, never a scan of the whole register.
        let mut sql = String::from(
            "SELECT v.code, v.name, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM child c WHERE c.village_id = v.id AND c.present = 1) AS n, \
             (SELECT MAX(c.updated_at) FROM child c WHERE c.village_id = v.id AND c.present = 1) AS last_present, \
             (SELECT MAX(c.updated_at) FROM child c WHERE c.village_id = v.id AND c.present = 0) AS last_absent \
             FROM village v",
        );
        if let Some(s) = scope {
            sql += &format!(" WHERE v.id = {}", p.push(s));
        }
        sql += " ORDER BY v.code";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VillageActivity {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    children: r.try_get("n")?,
                    last_change: std::cmp::max(
                        r.try_get::<Option<String>, _>("last_present")?,
                        r.try_get::<Option<String>, _>("last_absent")?,
                    ),
                })
            })
            .collect()
    }

    async fn import_children(&self, actor: &Actor, rows: Vec<ChildData>) -> StorageResult<usize> {
        self.bulk_import_children(actor, rows).await
    }
}

impl Db {
    /// The query word whose prefix range holds the fewest index entries (counted up to a cap).
    async fn rarest_prefix<'a>(&self, words: &[&'a str]) -> StorageResult<&'a str> {
        if words.len() == 1 {
            return Ok(words[0]);
        }
        let mut best = (i64::MAX, words[0]);
        for w in words {
            let n: i64 = sqlx::query(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM child_token WHERE token >= $1 AND token < $2 LIMIT 2000) t",
            )
            .bind(*w)
            .bind(format!("{w}{{"))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
            if n < best.0 {
                best = (n, w);
            }
        }
        Ok(best.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_domain::circumstance::Circumstance;
    use treem_domain::personal_id::PersonalId;
    use treem_domain::register::{Caregiver, DobPrecision};

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn stored_child_json_is_stored_json() {
        let mut d = ChildData {
            full_name: "Giàng A \"Páo\" \\ Pháo".into(),
            aliases: vec![],
            sex: Sex::Male,
            date_of_birth: None,
            dob_precision: DobPrecision::Unknown,
            personal_id: None,
            ethnicity: None,
            village: "SP01".into(),
            household_id: None,
            household_code: None,
            birth_registered_on: None,
            birth_registration_place: None,
            insurance_card: None,
            school_level: None,
            school: None,
            grade: None,
            disability_type: None,
            disability_severity: None,
            caregivers: vec![],
            circumstances: vec![],
            moved_in: None,
            moved_out: None,
            died_on: None,
            notes: None,
        };
        assert_eq!(stored_child_json(&d), stored_json(&d));
        d = ChildData {
            aliases: vec!["Pao".into(), "Pháo\n".into()],
            sex: Sex::Female,
            date_of_birth: Some(date("2018-03-15")),
            dob_precision: DobPrecision::Day,
            personal_id: Some(PersonalId::parse("011318123456").unwrap()),
            ethnicity: Some(8),
            household_id: Some(42),
            household_code: None,
            birth_registered_on: Some(date("2018-04-20")),
            birth_registration_place: Some("UBND xã".into()),
            insurance_card: Some("TE1111".into()),
            school_level: Some("tieu_hoc".into()),
            school: Some("Trường PTDTBT".into()),
            grade: Some("3".into()),
            disability_type: Some("nhin".into()),
            disability_severity: Some("nang".into()),
            caregivers: vec![
                Caregiver {
                    relationship: "mẹ".into(),
                    full_name: "Giàng Thị Mỷ".into(),
                    phone: None,
                },
                Caregiver {
                    relationship: "bố".into(),
                    full_name: "Giàng A Chư".into(),
                    phone: Some("0912345678".into()),
                },
            ],
            circumstances: vec![
                Circumstance {
                    code: "a".into(),
                    from: date("2020-01-01"),
                    to: None,
                },
                Circumstance {
                    code: "k".into(),
                    from: date("2020-01-01"),
                    to: Some(date("2021-01-01")),
                },
            ],
            moved_in: Some(date("2019-01-01")),
            moved_out: Some(date("2024-01-01")),
            died_on: Some(date("2025-01-01")),
            notes: Some(String::new()),
            ..d
        };
        assert_eq!(stored_child_json(&d), stored_json(&d));
    }
}
