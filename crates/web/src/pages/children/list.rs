//! The register's list: search and filters ([`ChildListQuery`], read by the storage's
//! [`ChildQuery`]), the results page by page, alone for the search as one types.
use super::sex_label;
use crate::api::ChildListQuery;
use crate::i18n::Texts;
use crate::pages::{render, urlencode, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use treem_storage::{ChildQuery, ChildSummary, Page};

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
    /// The matches in words: "1.234", or "hơn 500" past the search's bound.
    total: String,
    page: i64,
    /// `None` when the matches were counted only up to a bound.
    pages: Option<i64>,
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

/// The address of another page of the same list.
fn query_string(p: &ChildListQuery, page: i64) -> String {
    let mut parts: Vec<String> = p
        .filters()
        .into_iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect();
    parts.push(format!("page={page}"));
    format!("/children?{}", parts.join("&"))
}

/// The search asked for, or — when a filter is refused — the first page of the search alone
/// (none when the search itself is refused), with the problems to show.
fn query(p: &ChildListQuery) -> (ChildQuery, Vec<String>) {
    match ChildQuery::try_from(p) {
        Ok(q) => (q, vec![]),
        Err(e) => (
            ChildQuery {
                // A search the check refused is not run.
                q: p.q.clone().filter(|_| e.for_field("q").is_none()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
            e.0.iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect(),
        ),
    }
}

/// The results' part of the page (the whole answer for `partial=1`).
fn results(
    ctx: &Ctx,
    p: &ChildListQuery,
    page: Page<ChildSummary>,
    names: &treem_domain::register::VillageNames,
) -> Result<String, PageError> {
    let t = ctx.t;
    let counted = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let more = page.total_is_lower_bound;
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
                village: names.name(&c.village),
            })
            .collect(),
        total: format!(
            "{}{}",
            if more { "hơn " } else { "" },
            treem_domain::text::format_integer_vi(page.total as i128)
        ),
        page: page.page,
        pages: (!more).then_some(counted),
        prev_href: (page.page > 1).then(|| query_string(p, page.page - 1)),
        next_href: (more || page.page < counted).then(|| query_string(p, page.page + 1)),
    };
    results
        .render()
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))
}

/// The filters' choices, the current ones selected.
async fn list_page(
    ctx: &Ctx,
    p: &ChildListQuery,
    errors: Vec<String>,
    results_html: String,
) -> Result<ListPage, PageError> {
    let t = ctx.t;
    let get = |v: &Option<String>| v.clone().unwrap_or_default();
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(ListPage {
        l: ctx.layout(t.register),
        q: get(&p.q),
        villages: opts(
            &get(&p.village),
            t.all,
            villages
                .into_iter()
                .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
                .collect(),
        ),
        sexes: opts(
            &get(&p.sex),
            t.all,
            vec![
                ("male".into(), t.male.into()),
                ("female".into(), t.female.into()),
                ("unknown".into(), t.unknown.into()),
            ],
        ),
        circumstances: opts(
            &get(&p.circumstance),
            t.all,
            treem_domain::circumstance::GROUPS
                .iter()
                .map(|(c, l)| (c.to_string(), format!("{c}. {l}")))
                .collect(),
        ),
        disability: opts(
            &get(&p.disability),
            t.all,
            vec![("true".into(), t.yes.into()), ("false".into(), t.no.into())],
        ),
        age_min: get(&p.age_min),
        age_max: get(&p.age_max),
        no_personal_id: !get(&p.no_personal_id).is_empty(),
        birth_not_registered: !get(&p.birth_not_registered).is_empty(),
        include_absent: !get(&p.include_absent).is_empty(),
        can_add: ctx.user.role.writes_children(),
        errors,
        results_html,
    })
}

pub async fn list(ctx: Ctx, Query(p): Query<ChildListQuery>) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (query, errors) = query(&p);
    let page = ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .map_err(|e| ctx.fail(e))?;
    let results_html = results(&ctx, &p, page, &ctx.village_names().await?)?;
    if p.partial.as_deref() == Some("1") {
        return Ok(Html(results_html).into_response());
    }
    Ok(render(&list_page(&ctx, &p, errors, results_html).await?))
}
