//! A child's record: read within scope (each read audited), created and changed as new
//! versions sealed into the audit chain, with the columns and search index kept beside it.
use crate::audit;
use crate::db::{date_of, now_text, Db};
use crate::error::{unique_to_field, StorageError, StorageResult};
use crate::history::{changed_fields, diff};
use crate::households::check_household;
use crate::households::link_household;
use crate::params::{bind_all, insert_many, Params, P};
use crate::scope::{read_scope, write_scope};
use crate::seal::{append_sealed, Seal, Sealed};
use crate::stored::stored_json;
use crate::villages::{resolve_village, village_codes};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::register::{Child, ChildData};
use treem_domain::role::Actor;
use treem_domain::text;

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
    // The key the child's pairs of words were stored under.
    let old_key: String = sqlx::query("SELECT sort_key FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("sort_key")?;
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
    let old_words = tokens_of(&before.data.search_text());
    for t in &old_words {
        sqlx::query("DELETE FROM child_token WHERE token = $1 AND child_id = $2")
            .bind(t)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    crate::word_pairs::remove(tx, id, &old_key, &old_words).await?;
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
pub(crate) const TOKEN_COLUMNS: [&str; 6] = [
    "token",
    "child_id",
    "village_id",
    "present",
    "sort_key",
    "search_text",
];

/// The index's rows of one child: a row per word of `search_text`, each carrying the child's
/// village, presence, sort key and folded text.
pub(crate) fn token_rows_of(
    id: i64,
    village_id: i64,
    present: i64,
    sort_key: &str,
    search_text: &str,
) -> Vec<Vec<P>> {
    tokens_of(search_text)
        .into_iter()
        .map(|t| {
            vec![
                P::from(t),
                P::from(id),
                P::from(village_id),
                P::from(present),
                P::from(sort_key),
                P::from(search_text),
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
    let tokens = token_rows_of(id, village_id, ix.present, &ix.sort_key, &ix.search_text);
    insert_many(tx, "child_token", &TOKEN_COLUMNS, tokens).await?;
    let paired = crate::word_pairs::Paired {
        child_id: id,
        sort_key: &ix.sort_key,
        village_id,
        present: ix.present,
        search_text: &ix.search_text,
    };
    crate::word_pairs::write(tx, &paired, &tokens_of(&ix.search_text)).await?;
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
            "SELECT c.id, c.version, c.village_id, v.data FROM child c JOIN child_version v \
             ON v.child_id = c.id AND v.version = c.version{} WHERE c.id = {}{}",
            self.and_own("v"),
            p.push(id),
            self.and_own("c")
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

pub(crate) async fn read(db: &Db, actor: &Actor, id: i64) -> StorageResult<Child> {
    let scope = read_scope(actor)?;
    let (_turn, mut tx) = db.begin_write().await?;
    let child = db.read_child_in(&mut tx, id, scope).await?;
    audit::append(&mut tx, actor, "read", "child", Some(id), "xem hồ sơ trẻ").await?;
    tx.commit().await?;
    Ok(child)
}

/// Adds a child; under `token` once (see [`crate::once`]): sent again, the child that id stored.
pub(crate) async fn create(
    db: &Db,
    actor: &Actor,
    d: &ChildData,
    token: Option<&str>,
) -> StorageResult<(Child, bool)> {
    let scope = write_scope(actor)?;
    let (_turn, mut tx) = db.begin_write().await?;
    if let Some(t) = token {
        if let Some(id) = crate::once::claim(&mut tx, actor, t, "child", &now_text()).await? {
            let child = db.read_child_in(&mut tx, id, scope).await?;
            tx.commit().await?;
            return Ok((child, true));
        }
    }
    let village_id = resolve_village(&mut tx, &d.village, scope).await?;
    let linked = ChildData {
        household_id: link_household(&mut tx, db.backend, d, village_id, scope).await?,
        household_code: None,
        ..d.clone()
    };
    let d = &linked;
    let mut seal = Seal::begin(&mut tx).await?;
    let id = db
        .insert_child(&mut tx, actor, d, village_id, &mut seal)
        .await?;
    append_sealed(
        &mut tx,
        actor,
        "create",
        "child",
        Some(id),
        "thêm trẻ",
        seal,
    )
    .await?;
    if let Some(t) = token {
        crate::once::settle(&mut tx, t, id).await?;
    }
    let child = db.read_child_in(&mut tx, id, None).await?;
    tx.commit().await?;
    Ok((child, false))
}

pub(crate) async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    d: &ChildData,
    token: Option<&str>,
) -> StorageResult<(Child, bool)> {
    let scope = write_scope(actor)?;
    let (_turn, mut tx) = db.begin_write().await?;
    // An update already stored under this id is answered before the version is compared: its
    // own write moved the version on, and sent again it is not a conflict but done.
    if let Some(t) = token {
        if let Some(done) =
            crate::once::claim(&mut tx, actor, t, "child_update", &now_text()).await?
        {
            if done != id {
                return Err(StorageError::invalid(
                    "submission",
                    "mã lần gửi đã dùng cho trẻ khác",
                ));
            }
            let child = db.read_child_in(&mut tx, id, scope).await?;
            tx.commit().await?;
            return Ok((child, true));
        }
    }
    let before = db.read_child_in(&mut tx, id, scope).await?;
    if before.version != version {
        return Err(StorageError::Conflict {
            current: before.version,
        });
    }
    // The household is linked by its code here; `write_update` checks the link again.
    let village_id = resolve_village(&mut tx, &d.village, scope).await?;
    let linked = ChildData {
        household_id: link_household(&mut tx, db.backend, d, village_id, scope).await?,
        household_code: None,
        ..d.clone()
    };
    let d = &linked;
    let mut seal = Seal::begin(&mut tx).await?;
    let changed = write_update(&mut tx, &mut seal, actor, &before, d, scope).await?;
    append_sealed(
        &mut tx,
        actor,
        "update",
        "child",
        Some(id),
        &format!("sửa: {changed}"),
        seal,
    )
    .await?;
    if let Some(t) = token {
        crate::once::settle(&mut tx, t, id).await?;
    }
    let child = db.read_child_in(&mut tx, id, None).await?;
    tx.commit().await?;
    Ok((child, false))
}

pub(crate) async fn at_version(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
) -> StorageResult<Child> {
    let scope = read_scope(actor)?;
    let (_turn, mut tx) = db.begin_write().await?;
    // Same scope as the current record: the child must be within reach today.
    db.read_child_in(&mut tx, id, scope).await?;
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
