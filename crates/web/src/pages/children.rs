//! The register pages: the list with search, a child's page, add and edit.
use super::forms::{draft_to_form, form_to_draft, ChildForm};
use super::PageForm as Form;
use super::{render, Ctx, Layout, PageError, PageErrorKind};
use crate::api::child_query;
use crate::i18n::{vn_date, vn_datetime, Texts};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::{BTreeMap, HashMap};
use treem_domain::register::{Child, ChildData, ChildDraft};
use treem_domain::validation::FieldErrors;
use treem_storage::{ChildQuery, ChildSummary, StorageError};

fn sex_label(t: &Texts, s: &str) -> &'static str {
    match s {
        "male" => t.male,
        "female" => t.female,
        _ => t.unknown,
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub sex: &'static str,
    pub dob: String,
    pub personal_id: String,
    pub village: String,
}

#[derive(Template)]
#[template(path = "children_results.html")]
struct Results {
    t: &'static Texts,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "children.html")]
struct ListPage {
    l: Layout,
    q: String,
    villages: Vec<Opt>,
    sexes: Vec<Opt>,
    circumstances: Vec<Opt>,
    disability: Vec<Opt>,
    age_min: String,
    age_max: String,
    no_personal_id: bool,
    birth_not_registered: bool,
    include_absent: bool,
    can_add: bool,
    errors: Vec<String>,
    results_html: String,
}

fn opts(current: &str, all_label: &str, items: Vec<(String, String)>) -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: all_label.into(),
        selected: current.is_empty(),
    }];
    v.extend(items.into_iter().map(|(value, label)| Opt {
        selected: value == current,
        value,
        label,
    }));
    v
}

fn query_string(p: &HashMap<String, String>, page: i64) -> String {
    let mut parts: Vec<String> = p
        .iter()
        .filter(|(k, v)| !v.is_empty() && *k != "page" && *k != "partial")
        .map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v)))
        .collect();
    parts.sort();
    parts.push(format!("page={page}"));
    format!("/children?{}", parts.join("&"))
}

pub async fn list(
    ctx: Ctx,
    Query(p): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let t = ctx.t;
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let (query, errors) = match child_query(&p) {
        Ok(q) => (q, vec![]),
        Err(e) => (
            ChildQuery {
                // A search the check refused is not run.
                q: p.get("q").cloned().filter(|_| e.for_field("q").is_none()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
            e.0.iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect(),
        ),
    };
    let page = ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .map_err(|e| ctx.fail(e))?;
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let results = Results {
        t,
        rows: page
            .items
            .into_iter()
            .map(|c: ChildSummary| Row {
                dob: c.birth_date().map(|b| b.text()).unwrap_or_default(),
                id: c.id,
                name: c.full_name,
                sex: sex_label(t, &c.sex),
                personal_id: c.personal_id.unwrap_or_default(),
                village: c.village,
            })
            .collect(),
        total: page.total,
        page: page.page,
        pages,
        prev_href: (page.page > 1).then(|| query_string(&p, page.page - 1)),
        next_href: (page.page < pages).then(|| query_string(&p, page.page + 1)),
    };
    let results_html = results
        .render()
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    if p.get("partial").map(String::as_str) == Some("1") {
        return Ok(Html(results_html).into_response());
    }
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = ListPage {
        l: ctx.layout(t.register),
        q: get("q"),
        villages: opts(
            &get("village"),
            t.all,
            villages
                .into_iter()
                .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
                .collect(),
        ),
        sexes: opts(
            &get("sex"),
            t.all,
            vec![
                ("male".into(), t.male.into()),
                ("female".into(), t.female.into()),
                ("unknown".into(), t.unknown.into()),
            ],
        ),
        circumstances: opts(
            &get("circumstance"),
            t.all,
            treem_domain::circumstance::GROUPS
                .iter()
                .map(|(c, l)| (c.to_string(), format!("{c}. {l}")))
                .collect(),
        ),
        disability: opts(
            &get("disability"),
            t.all,
            vec![("true".into(), t.yes.into()), ("false".into(), t.no.into())],
        ),
        age_min: get("age_min"),
        age_max: get("age_max"),
        no_personal_id: !get("no_personal_id").is_empty(),
        birth_not_registered: !get("birth_not_registered").is_empty(),
        include_absent: !get("include_absent").is_empty(),
        can_add: ctx.user.role.writes_children(),
        errors,
        results_html,
    };
    Ok(render(&page))
}

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct CaregiverRow {
    pub relationship: String,
    pub name: String,
    pub phone: String,
}

pub struct CircRow {
    pub code: String,
    pub label: String,
    pub from: String,
    pub to: String,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    l: Layout,
    id: i64,
    name: String,
    can_edit: bool,
    identity: Vec<Fact>,
    schooling: Vec<Fact>,
    moves: Vec<Fact>,
    caregivers: Vec<CaregiverRow>,
    circumstances: Vec<CircRow>,
    history: Vec<HistoryRow>,
    notices: Vec<String>,
    printed_on: String,
    growth_svg: Option<String>,
    hf: Option<super::health::HealthForms>,
    /// Case files of this child that this person may open ("có hồ sơ"); nobody else learns
    /// that one exists.
    case_ids: Vec<i64>,
    /// May file a report (Mẫu 01) about this child.
    may_report_case: bool,
    health_events: Vec<(String, String)>,
}

fn label_of(list: &[(&str, &str)], code: &Option<String>) -> String {
    code.as_deref()
        .map(|c| {
            list.iter()
                .find(|(k, _)| *k == c)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| c.to_string())
        })
        .unwrap_or_default()
}

fn d(x: &Option<jiff::civil::Date>) -> String {
    x.map(|d| vn_date(&d.to_string())).unwrap_or_default()
}

fn dob_text(t: &Texts, c: &ChildData) -> String {
    use treem_domain::birth_date::BirthDate;
    use treem_domain::register::DobPrecision::*;
    if t.lang != "en" {
        // As known: never an estimate or a month shown as a day.
        return BirthDate::new(c.date_of_birth, c.dob_precision)
            .map(|b| b.text_with_age(treem_storage::today()))
            .unwrap_or_else(|| t.unknown.to_string());
    }
    match (c.dob_precision, c.date_of_birth) {
        (Day, Some(x)) => vn_date(&x.to_string()),
        (Month, Some(x)) => format!("{:02}/{} (day unknown)", x.month(), x.year()),
        (Year, Some(x)) => x.year().to_string(),
        (Estimated, Some(x)) => format!("~{} (estimated)", x.year()),
        _ => t.unknown.to_string(),
    }
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let t = ctx.t;
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let child = ctx
        .state
        .store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let history = ctx
        .state
        .store
        .child_history(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let c = &child.data;
    let household = match c.household_id {
        Some(h) => ctx
            .state
            .store
            .household(&ctx.actor(), h)
            .await
            .ok()
            .map(|h| {
                format!(
                    "{} — {}",
                    treem_domain::register::household_shown(h.id, h.data.code.as_deref()),
                    h.data.head_name
                )
            }),
        None => None,
    };
    let identity = vec![
        Fact {
            label: t.full_name,
            value: c.full_name.clone(),
        },
        Fact {
            label: t.aliases,
            value: c.aliases.join("; "),
        },
        Fact {
            label: t.sex,
            value: sex_label(t, c.sex.as_str()).into(),
        },
        Fact {
            label: t.date_of_birth,
            value: dob_text(t, c),
        },
        Fact {
            label: t.personal_id,
            value: c
                .personal_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        },
        Fact {
            label: t.ethnicity,
            value: c
                .ethnicity
                .and_then(treem_domain::ethnicity::name)
                .unwrap_or("")
                .into(),
        },
        Fact {
            label: t.village,
            value: c.village.clone(),
        },
        Fact {
            label: t.household,
            value: household.unwrap_or_default(),
        },
        Fact {
            label: t.birth_registered_on,
            value: d(&c.birth_registered_on),
        },
        Fact {
            label: t.birth_registration_place,
            value: c.birth_registration_place.clone().unwrap_or_default(),
        },
        Fact {
            label: t.insurance_card,
            value: c.insurance_card.clone().unwrap_or_default(),
        },
    ];
    let schooling = vec![
        Fact {
            label: t.school_level,
            value: label_of(&treem_domain::register::SCHOOL_LEVELS, &c.school_level),
        },
        Fact {
            label: t.school,
            value: c.school.clone().unwrap_or_default(),
        },
        Fact {
            label: t.grade,
            value: c.grade.clone().unwrap_or_default(),
        },
        Fact {
            label: t.disability_type,
            value: label_of(
                &treem_domain::register::DISABILITY_TYPES,
                &c.disability_type,
            ),
        },
        Fact {
            label: t.disability_severity,
            value: label_of(
                &treem_domain::register::DISABILITY_SEVERITIES,
                &c.disability_severity,
            ),
        },
    ];
    let moves = vec![
        Fact {
            label: t.moved_in,
            value: d(&c.moved_in),
        },
        Fact {
            label: t.moved_out,
            value: d(&c.moved_out),
        },
        Fact {
            label: t.died_on,
            value: d(&c.died_on),
        },
        Fact {
            label: t.notes,
            value: c.notes.clone().unwrap_or_default(),
        },
    ];
    let page = ChildPage {
        l: ctx.layout(c.full_name.clone()),
        id,
        name: c.full_name.clone(),
        can_edit: ctx.user.role.writes_children(),
        identity,
        schooling,
        moves,
        caregivers: c
            .caregivers
            .iter()
            .map(|g| CaregiverRow {
                relationship: g.relationship.clone(),
                name: g.full_name.clone(),
                phone: g.phone.clone().unwrap_or_default(),
            })
            .collect(),
        circumstances: c
            .circumstances
            .iter()
            .map(|x| CircRow {
                code: x.code.clone(),
                label: treem_domain::circumstance::label(&x.code)
                    .unwrap_or("")
                    .into(),
                from: vn_date(&x.from.to_string()),
                to: x.to.map(|d| vn_date(&d.to_string())).unwrap_or_default(),
            })
            .collect(),
        history: history
            .iter()
            .rev()
            .map(|h| HistoryRow {
                when: vn_datetime(&h.recorded_at),
                who: h.recorded_by.clone(),
                what: h
                    .changes
                    .iter()
                    .map(|c| field_label(t, &c.field))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        notices: child.notices.clone(),
        printed_on: vn_date(&treem_storage::today().to_string()),
        growth_svg: growth_points(&ctx, id, c).await,
        hf: super::health::health_forms(ctx.user.role),
        health_events: super::health::event_rows(
            &ctx,
            id,
            treem_domain::birth_date::BirthDate::new(c.date_of_birth, c.dob_precision),
        )
        .await,
        case_ids: ctx
            .state
            .store
            .cases(&ctx.actor())
            .await
            .map(|cs| {
                cs.into_iter()
                    .filter(|c| c.child_id == Some(id))
                    .map(|c| c.id)
                    .collect()
            })
            .unwrap_or_default(),
        may_report_case: super::cases::files_reports(ctx.user.role),
    };
    Ok(render(&page))
}

/// The child's weights on the WHO curves, for those who may read measurements.
async fn growth_points(ctx: &Ctx, id: i64, c: &ChildData) -> Option<String> {
    if !treem_storage::readable_kinds(ctx.user.role).contains(&"measurement") {
        return None;
    }
    let dob = c.date_of_birth?;
    let events = ctx
        .state
        .store
        .health_events(&ctx.actor(), &["measurement"], Some(id), None, None)
        .await
        .ok()?;
    let points: Vec<(u32, f64)> = events
        .iter()
        .filter_map(|e| {
            let d: jiff::civil::Date = e.date.parse().ok()?;
            let days = u32::try_from((d - dob).get_days()).ok()?;
            Some((days, e.data["weight_kg"].as_f64()?))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    super::health::growth_chart(c.sex, &points)
}

pub struct ConflictRow {
    pub field: String,
    pub stored: String,
    pub yours: String,
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
struct FormPage {
    l: Layout,
    action: String,
    f: ChildForm,
    version: i64,
    has_errors: bool,
    conflicts: Vec<ConflictRow>,
    duplicates: Vec<DupRow>,
    cancel_href: String,
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

#[allow(clippy::too_many_arguments)]
async fn form_page(
    ctx: &Ctx,
    title: &str,
    action: String,
    values: BTreeMap<String, String>,
    errors: &FieldErrors,
    version: i64,
    conflicts: Vec<ConflictRow>,
    duplicates: Vec<DupRow>,
    cancel_href: String,
) -> Result<FormPage, PageError> {
    Ok(FormPage {
        l: ctx.layout(title.to_string()),
        action,
        f: ChildForm::new(values, errors, village_options(ctx).await?),
        version,
        has_errors: !errors.is_empty(),
        conflicts,
        duplicates,
        cancel_href,
    })
}

pub async fn new_page(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let mut values = draft_to_form(&ChildDraft::default());
    if let Some(v) = village_options(&ctx).await?.first() {
        if ctx.user.village_id.is_some() {
            values.insert("village".into(), v.0.clone());
        }
    }
    let page = form_page(
        &ctx,
        ctx.t.add_child,
        "/children/new".into(),
        values,
        &FieldErrors::default(),
        0,
        vec![],
        vec![],
        "/children".into(),
    )
    .await?;
    Ok(render(&page))
}

/// Same folded name and birth year in the user's scope, or the same personal ID.
async fn possible_duplicates(ctx: &Ctx, c: &ChildData) -> Result<Vec<DupRow>, PageError> {
    let mut found: Vec<ChildSummary> = Vec::new();
    let folded = treem_domain::text::fold(&c.full_name);
    let by_name = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                q: Some(folded.clone()),
                include_absent: true,
                page: 1,
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    let year = c.date_of_birth.map(|d| d.year().to_string());
    for s in by_name.items {
        let same_year = match (&year, &s.date_of_birth) {
            (Some(y), Some(d)) => d.starts_with(y.as_str()),
            _ => true,
        };
        if treem_domain::text::fold(&s.full_name) == folded && same_year {
            found.push(s);
        }
    }
    if let Some(pid) = &c.personal_id {
        let by_id = ctx
            .state
            .store
            .search_children(
                &ctx.actor(),
                &ChildQuery {
                    personal_id: Some(pid.to_string()),
                    include_absent: true,
                    page: 1,
                    per_page: 5,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| ctx.fail(e))?;
        for s in by_id.items {
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

fn unprocessable(page: &FormPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
}

pub async fn create(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let values: BTreeMap<String, String> = f
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let draft = form_to_draft(&f);
    let again = |errors: FieldErrors, dups: Vec<DupRow>| {
        let values = values.clone();
        let ctx = &ctx;
        async move {
            let page = form_page(
                ctx,
                ctx.t.add_child,
                "/children/new".into(),
                values,
                &errors,
                0,
                vec![],
                dups,
                "/children".into(),
            )
            .await?;
            Ok::<_, PageError>(unprocessable(&page))
        }
    };
    let data = match draft.parse(treem_storage::today()) {
        Ok(d) => d,
        Err(e) => return again(e, vec![]).await,
    };
    if f.get("_confirm_duplicates").map(String::as_str) != Some("1") {
        let dups = possible_duplicates(&ctx, &data).await?;
        if !dups.is_empty() {
            return again(FieldErrors::default(), dups).await;
        }
    }
    match ctx.state.store.create_child(&ctx.actor(), &data).await {
        Ok(c) => Ok(Redirect::to(&format!("/children/{}", c.id)).into_response()),
        Err(StorageError::Invalid(e)) => again(e, vec![]).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The form's values for a stored child, the household by the code every page shows.
async fn child_values(ctx: &Ctx, c: &Child) -> BTreeMap<String, String> {
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

pub async fn edit_page(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let child = ctx
        .state
        .store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let title = format!("{} — {}", ctx.t.edit, child.data.full_name);
    let page = form_page(
        &ctx,
        &title,
        format!("/children/{id}/edit"),
        child_values(&ctx, &child).await,
        &FieldErrors::default(),
        child.version,
        vec![],
        vec![],
        format!("/children/{id}"),
    )
    .await?;
    Ok(render(&page))
}

pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let version: i64 = f.get("_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut values: BTreeMap<String, String> = f
        .iter()
        .filter(|(k, _)| !k.starts_with('_') && !k.starts_with("take_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // After a conflict the person may take the stored value for some fields.
    if f.keys().any(|k| k.starts_with("take_")) {
        let current = ctx
            .state
            .store
            .child(&ctx.actor(), id)
            .await
            .map_err(|e| ctx.fail(e))?;
        let stored = child_values(&ctx, &current).await;
        for k in f.keys().filter_map(|k| k.strip_prefix("take_")) {
            if let Some(v) = stored.get(k) {
                values.insert(k.to_string(), v.clone());
            }
        }
    }
    let form: HashMap<String, String> = values.clone().into_iter().collect();
    let title = format!(
        "{} — {}",
        ctx.t.edit,
        values.get("full_name").cloned().unwrap_or_default()
    );
    let again = |errors: FieldErrors,
                 version: i64,
                 conflicts: Vec<ConflictRow>,
                 values: BTreeMap<String, String>| {
        let ctx = &ctx;
        let title = title.clone();
        async move {
            let page = form_page(
                ctx,
                &title,
                format!("/children/{id}/edit"),
                values,
                &errors,
                version,
                conflicts,
                vec![],
                format!("/children/{id}"),
            )
            .await?;
            Ok::<_, PageError>(unprocessable(&page))
        }
    };
    let data = match form_to_draft(&form).parse(treem_storage::today()) {
        Ok(d) => d,
        Err(e) => return again(e, version, vec![], values).await,
    };
    match ctx
        .state
        .store
        .update_child(&ctx.actor(), id, version, &data)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => again(e, version, vec![], values).await,
        Err(StorageError::Conflict { .. }) => {
            // Three-way merge against the version this person started from: what only the
            // other person changed is taken; what both changed differently is shown.
            let current = ctx
                .state
                .store
                .child(&ctx.actor(), id)
                .await
                .map_err(|e| ctx.fail(e))?;
            let stored = child_values(&ctx, &current).await;
            let base = match ctx
                .state
                .store
                .child_at_version(&ctx.actor(), id, version)
                .await
            {
                Ok(b) => child_values(&ctx, &b).await,
                Err(_) => BTreeMap::new(),
            };
            let same = |a: Option<&String>, b: Option<&String>| {
                a.map(|s| s.trim()).unwrap_or("") == b.map(|s| s.trim()).unwrap_or("")
            };
            let mut merged = values.clone();
            let mut conflicts = Vec::new();
            for (k, theirs) in &stored {
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
            if conflicts.is_empty() {
                conflicts.push(ConflictRow {
                    field: "version".into(),
                    stored: current.version.to_string(),
                    yours: version.to_string(),
                });
            }
            again(FieldErrors::default(), current.version, conflicts, merged).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// Labels of the form's scalar fields, for the conflict table.
pub fn field_label(t: &Texts, name: &str) -> String {
    let l = match name {
        "full_name" => t.full_name,
        "aliases" => t.aliases,
        "sex" => t.sex,
        "date_of_birth" => t.date_of_birth,
        "estimated_age" => t.estimated_age,
        "personal_id" => t.personal_id,
        "ethnicity" => t.ethnicity,
        "village" => t.village,
        "household" | "household_id" => t.household,
        "birth_registered_on" => t.birth_registered_on,
        "birth_registration_place" => t.birth_registration_place,
        "insurance_card" => t.insurance_card,
        "school_level" => t.school_level,
        "school" => t.school,
        "grade" => t.grade,
        "disability_type" => t.disability_type,
        "disability_severity" => t.disability_severity,
        "moved_in" => t.moved_in,
        "moved_out" => t.moved_out,
        "died_on" => t.died_on,
        "notes" => t.notes,
        "version" => t.conflict_title,
        other if other.starts_with("cg") && other.len() > 4 => {
            let n = other[2..3].parse::<usize>().unwrap_or(0) + 1;
            let what = match &other[4..] {
                "relationship" => t.relationship,
                "phone" => t.phone,
                _ => t.full_name,
            };
            return format!("{} {n}: {what}", t.caregivers);
        }
        other if other.starts_with("hc") && other.len() > 4 => {
            let n = other[2..3].parse::<usize>().unwrap_or(0) + 1;
            let what = match &other[4..] {
                "from" => t.from_date,
                "to" => t.to_date,
                _ => t.circumstance,
            };
            return format!("{} {n}: {what}", t.circumstance);
        }
        "caregivers" => t.caregivers,
        "circumstances" => t.circumstances,
        "dob_precision" => t.date_of_birth,
        other => return other.to_string(),
    };
    l.to_string()
}

impl ConflictRow {
    pub fn label(&self, t: &Texts) -> String {
        field_label(t, &self.field)
    }
}
