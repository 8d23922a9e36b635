//! When someone else saved the record while this person edited it: a three-way merge against
//! the version this person started from. What only the other person changed is taken; what
//! both changed differently is shown side by side.
use super::field_label;
use crate::i18n::Texts;
use crate::pages::forms::draft_to_form;
use crate::pages::{Ctx, PageError};
use std::collections::BTreeMap;
use treem_domain::register::{Child, ChildDraft};

pub struct ConflictRow {
    pub field: String,
    pub stored: String,
    pub yours: String,
}

impl ConflictRow {
    pub fn label(&self, t: &Texts) -> String {
        field_label(t, &self.field)
    }
}

/// The values merged, and the fields both changed differently.
pub(super) fn three_way(
    base: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
    values: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<ConflictRow>) {
    let same = |a: Option<&String>, b: Option<&String>| {
        a.map(|s| s.trim()).unwrap_or("") == b.map(|s| s.trim()).unwrap_or("")
    };
    let mut merged = values.clone();
    let mut conflicts = Vec::new();
    for (k, theirs) in stored {
        let mine = values.get(k);
        let was = base.get(k);
        if same(mine, Some(theirs)) || same(was, Some(theirs)) {
            continue;
        }
        if same(mine, was) {
            merged.insert(k.clone(), theirs.clone());
        } else {
            conflicts.push(ConflictRow {
                field: k.clone(),
                stored: theirs.clone(),
                yours: mine.cloned().unwrap_or_default(),
            });
        }
    }
    (merged, conflicts)
}

/// The stored version now, the values merged with it, and the conflicts (at least the
/// version's, when no field differs).
pub(super) async fn merge(
    ctx: &Ctx,
    id: i64,
    version: i64,
    values: &BTreeMap<String, String>,
) -> Result<(i64, BTreeMap<String, String>, Vec<ConflictRow>), PageError> {
    let store = &ctx.state.store;
    let current = store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let stored = child_values(ctx, &current).await;
    let base = match store.child_at_version(&ctx.actor(), id, version).await {
        Ok(b) => child_values(ctx, &b).await,
        Err(_) => BTreeMap::new(),
    };
    let (merged, mut conflicts) = three_way(&base, &stored, values);
    if conflicts.is_empty() {
        conflicts.push(ConflictRow {
            field: "version".into(),
            stored: current.version.to_string(),
            yours: version.to_string(),
        });
    }
    Ok((current.version, merged, conflicts))
}

/// The form's values for a stored child, the household by the code every page shows.
pub(super) async fn child_values(ctx: &Ctx, c: &Child) -> BTreeMap<String, String> {
    let mut draft = ChildDraft::from(&c.data);
    if let Some(id) = c.data.household_id {
        draft.household = Some(household_text(ctx, id).await);
        draft.household_id = None;
    }
    draft_to_form(&draft)
}

/// A household as pages show it: its code ("SP01-0124"), or "#12" when it has none (or cannot
/// be read).
async fn household_text(ctx: &Ctx, id: i64) -> String {
    let code = ctx
        .state
        .store
        .household(&ctx.actor(), id)
        .await
        .ok()
        .and_then(|h| h.data.code);
    treem_domain::register::household_shown(id, code.as_deref())
}
