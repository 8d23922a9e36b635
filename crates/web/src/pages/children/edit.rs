//! Adding and editing a child: the form ([`ChildFormBody`], read into the domain's
//! [`ChildDraft`], checked by [`ChildDraft::parse`]), possible duplicates before a new record,
//! and the merge when someone else saved the record meanwhile ([`super::merge`]).
use super::merge::{child_values, merge, ConflictRow};
use crate::pages::forms::{draft_to_form, form_to_draft, ChildForm};
use crate::pages::{render, sent_id, Ctx, Layout, PageError, PageErrorKind, TypedForm};
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use treem_domain::register::{ChildData, ChildDraft};
use treem_domain::validation::FieldErrors;
use treem_storage::{ChildQuery, ChildSummary, StorageError};

/// The child form as sent: the hidden fields, and every field of the record by its form name
/// (`full_name`, `cg0_phone`, `hc1_from`, …; after a conflict `take_<name>` for the stored
/// values the person keeps).
#[derive(Deserialize)]
pub struct ChildFormBody {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(rename = "_version")]
    version: Option<String>,
    #[serde(rename = "_confirm_duplicates")]
    confirm_duplicates: Option<String>,
    /// The id this sending was made under (a fresh one with each empty form; a phone's own
    /// for an entry kept offline): sent again, nothing more is stored.
    #[serde(rename = "_submission")]
    submission: Option<String>,
    #[serde(flatten)]
    fields: BTreeMap<String, String>,
}

impl ChildFormBody {
    /// The record's fields as typed.
    fn values(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|(k, _)| !k.starts_with('_') && !k.starts_with("take_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The fields whose stored value the person takes after a conflict.
    fn taken(&self) -> Vec<&str> {
        self.fields
            .keys()
            .filter_map(|k| k.strip_prefix("take_"))
            .collect()
    }

    /// The version the person started from (0 when not sent).
    fn version(&self) -> i64 {
        self.version
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

pub struct DupRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub village: String,
    pub personal_id: String,
}

#[derive(Template)]
#[template(path = "child_form.html")]
pub(super) struct FormPage {
    l: Layout,
    action: String,
    f: ChildForm,
    version: i64,
    /// The id this form is sent under ([`crate::pages::sent_id`]).
    submission: String,
    has_errors: bool,
    conflicts: Vec<ConflictRow>,
    duplicates: Vec<DupRow>,
    cancel_href: String,
}

/// Where a form page leads: its title, where it is sent, where "cancel" goes.
struct Target {
    title: String,
    action: String,
    cancel_href: String,
}

impl Target {
    fn new_child(ctx: &Ctx) -> Target {
        Target {
            title: ctx.t.add_child.to_string(),
            action: "/children/new".into(),
            cancel_href: "/children".into(),
        }
    }

    fn edit(ctx: &Ctx, id: i64, name: &str) -> Target {
        Target {
            title: format!("{} — {}", ctx.t.edit, name),
            action: format!("/children/{id}/edit"),
            cancel_href: format!("/children/{id}"),
        }
    }
}

/// What the form shows besides the values: the problems, the version, the conflicts, the
/// possible duplicates.
#[derive(Default)]
struct Shown {
    errors: FieldErrors,
    version: i64,
    /// The id the refused sending carried (kept: nothing was stored under it).
    submission: Option<String>,
    conflicts: Vec<ConflictRow>,
    duplicates: Vec<DupRow>,
}

async fn village_options(ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(villages
        .into_iter()
        .filter(|v| ctx.user.village_id.is_none_or(|mine| mine == v.id))
        .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
        .collect())
}

async fn form_page(
    ctx: &Ctx,
    to: Target,
    values: BTreeMap<String, String>,
    shown: Shown,
) -> Result<FormPage, PageError> {
    Ok(FormPage {
        l: ctx.layout(to.title),
        action: to.action,
        f: ChildForm::new(values, &shown.errors, village_options(ctx).await?),
        version: shown.version,
        submission: shown
            .submission
            .unwrap_or_else(crate::pages::new_submission_id),
        has_errors: !shown.errors.is_empty(),
        conflicts: shown.conflicts,
        duplicates: shown.duplicates,
        cancel_href: to.cancel_href,
    })
}

/// The form again with what stopped it: 422, or 409 when someone saved the record meanwhile
/// (a phone sending an update kept offline tells the conflict from a mistake by it).
async fn again(
    ctx: &Ctx,
    to: Target,
    values: BTreeMap<String, String>,
    shown: Shown,
) -> Result<Response, PageError> {
    let status = if shown.conflicts.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let page = form_page(ctx, to, values, shown).await?;
    Ok((status, render(&page)).into_response())
}

fn writer(ctx: &Ctx) -> Result<(), PageError> {
    if ctx.user.role.writes_children() {
        Ok(())
    } else {
        Err(ctx.error(PageErrorKind::Forbidden))
    }
}

pub async fn new_page(ctx: Ctx) -> Result<Response, PageError> {
    writer(&ctx)?;
    let mut values = draft_to_form(&ChildDraft::default());
    if let Some(v) = village_options(&ctx).await?.first() {
        if ctx.user.village_id.is_some() {
            values.insert("village".into(), v.0.clone());
        }
    }
    let page = form_page(&ctx, Target::new_child(&ctx), values, Shown::default()).await?;
    Ok(render(&page))
}

async fn search(ctx: &Ctx, q: ChildQuery) -> Result<Vec<ChildSummary>, PageError> {
    Ok(ctx
        .state
        .store
        .search_children(&ctx.actor(), &q)
        .await
        .map_err(|e| ctx.fail(e))?
        .items)
}

/// Children in the user's scope who may be this one ([`ChildData::may_be_the_same_as`]): the
/// same name and birth year, or the same personal ID.
async fn possible_duplicates(ctx: &Ctx, c: &ChildData) -> Result<Vec<DupRow>, PageError> {
    let by_name = ChildQuery {
        q: Some(treem_domain::text::fold(&c.full_name)),
        include_absent: true,
        page: 1,
        per_page: 200,
        ..Default::default()
    };
    let mut found: Vec<ChildSummary> = search(ctx, by_name)
        .await?
        .into_iter()
        .filter(|s| c.may_be_the_same_as(&s.full_name, s.date_of_birth.as_deref()))
        .collect();
    if let Some(pid) = &c.personal_id {
        let by_id = ChildQuery {
            personal_id: Some(pid.to_string()),
            include_absent: true,
            page: 1,
            per_page: 5,
            ..Default::default()
        };
        for s in search(ctx, by_id).await? {
            if !found.iter().any(|f| f.id == s.id) {
                found.push(s);
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|s| DupRow {
            dob: s.birth_date().map(|b| b.text()).unwrap_or_default(),
            id: s.id,
            name: s.full_name,
            village: s.village,
            personal_id: s.personal_id.unwrap_or_default(),
        })
        .collect())
}

pub async fn create(
    ctx: Ctx,
    headers: HeaderMap,
    TypedForm(f): TypedForm<ChildFormBody>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    writer(&ctx)?;
    let token = sent_id(&headers, f.submission.as_deref());
    let values: BTreeMap<String, String> = f
        .fields
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let refused = |errors: FieldErrors, duplicates: Vec<DupRow>| Shown {
        errors,
        duplicates,
        submission: token.clone(),
        ..Shown::default()
    };
    let to = Target::new_child(&ctx);
    let data = match form_to_draft(&values).parse(treem_storage::today()) {
        Ok(d) => d,
        Err(e) => return again(&ctx, to, values, refused(e, vec![])).await,
    };
    // Sent again (a phone retrying): the child stored the first time, not a duplicate warning.
    if let Some(t) = token.as_deref() {
        let done = ctx.state.store.child_added_under(&ctx.actor(), t).await;
        if let Some(id) = done.map_err(|e| ctx.fail(e))? {
            return Ok(Redirect::to(&format!("/children/{id}")).into_response());
        }
    }
    if f.confirm_duplicates.as_deref() != Some("1") {
        let dups = possible_duplicates(&ctx, &data).await?;
        if !dups.is_empty() {
            return again(&ctx, to, values, refused(FieldErrors::default(), dups)).await;
        }
    }
    match ctx
        .state
        .store
        .create_child_once(&ctx.actor(), &data, token.as_deref())
        .await
    {
        Ok((c, _)) => Ok(Redirect::to(&format!("/children/{}", c.id)).into_response()),
        Err(StorageError::Invalid(e)) => again(&ctx, to, values, refused(e, vec![])).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit_page(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    writer(&ctx)?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let child = ctx
        .state
        .store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let to = Target::edit(&ctx, id, &child.data.full_name);
    let shown = Shown {
        version: child.version,
        ..Shown::default()
    };
    let page = form_page(&ctx, to, child_values(&ctx, &child).await, shown).await?;
    Ok(render(&page))
}

/// The values sent, with the stored value of each field the person took after a conflict.
async fn values_sent(
    ctx: &Ctx,
    id: i64,
    f: &ChildFormBody,
) -> Result<BTreeMap<String, String>, PageError> {
    let mut values = f.values();
    let taken = f.taken();
    if taken.is_empty() {
        return Ok(values);
    }
    let current = ctx
        .state
        .store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let stored = child_values(ctx, &current).await;
    for k in taken {
        if let Some(v) = stored.get(k) {
            values.insert(k.to_string(), v.clone());
        }
    }
    Ok(values)
}

pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    TypedForm(f): TypedForm<ChildFormBody>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    writer(&ctx)?;
    let token = sent_id(&headers, f.submission.as_deref());
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let version = f.version();
    let values = values_sent(&ctx, id, &f).await?;
    let to = || {
        let name = values.get("full_name").cloned().unwrap_or_default();
        Target::edit(&ctx, id, &name)
    };
    let refused = |errors: FieldErrors| Shown {
        errors,
        version,
        submission: token.clone(),
        ..Shown::default()
    };
    let data = match form_to_draft(&values).parse(treem_storage::today()) {
        Ok(d) => d,
        Err(e) => return again(&ctx, to(), values.clone(), refused(e)).await,
    };
    match ctx
        .state
        .store
        .update_child_once(&ctx.actor(), id, version, &data, token.as_deref())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => again(&ctx, to(), values.clone(), refused(e)).await,
        Err(StorageError::Conflict { .. }) => {
            let (current, merged, conflicts) = merge(&ctx, id, version, &values).await?;
            let shown = Shown {
                version: current,
                conflicts,
                submission: token.clone(),
                ..Shown::default()
            };
            again(&ctx, to(), merged, shown).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
