//! The register children a case list names (tên trẻ và thôn): read in one query for a whole
//! list, under the register's own read scope ([`crate::scope::read_scope`]).
use crate::error::StorageResult;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::role::Actor;

/// A register child as a case names them (tên trẻ và thôn): no other personal data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NamedChild {
    pub id: i64,
    pub full_name: String,
    /// The village's name (tên thôn), e.g. "Sính Phình".
    pub village: String,
}

/// The names and villages of the register children `ids`, as far as `actor` may read them
/// (the register's own scope): one query for a whole case list. Children out of scope, or no
/// longer in the register, are simply absent.
pub(super) async fn named_children(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    ids: &[i64],
) -> StorageResult<HashMap<i64, NamedChild>> {
    let mut out = HashMap::new();
    let scope = crate::scope::read_scope(actor)?;
    for chunk in ids.chunks(500) {
        let mut p = crate::params::Params::default();
        let list: Vec<String> = chunk.iter().map(|id| p.push(*id)).collect();
        let mut sql = format!(
            "SELECT c.id, c.full_name, v.name FROM child c JOIN village v ON v.id = c.village_id{} \
             WHERE c.id IN ({})",
            crate::Db::same_in(tx, "v", "c"),
            list.join(", ")
        );
        if let Some(v) = scope {
            sql += &format!(" AND c.village_id = {}", p.push(v));
        }
        for row in crate::params::bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&mut **tx)
            .await?
        {
            let id: i64 = row.try_get(0)?;
            out.insert(
                id,
                NamedChild {
                    id,
                    full_name: row.try_get(1)?,
                    village: row.try_get(2)?,
                },
            );
        }
    }
    Ok(out)
}
