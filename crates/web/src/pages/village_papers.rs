//! A village's papers, printed on A4 (giấy tờ của thôn): the village book (sổ theo dõi trẻ em
//! of one village, landscape) and the one-page summary read at the village meeting (họp
//! thôn, large print, counts only). Who may print them and which records they read is
//! storage's ([`treem_storage::village_records`]); who is in the book and the counts are the
//! domain's ([`treem_domain::village_papers`]).
use crate::i18n::vn_date;
use crate::pages::{render, Ctx, Layout, PageError};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use treem_domain::birth_date::BirthDate;
use treem_domain::village_papers::{
    book, counts, health_counts, BookLine, BookOrder, ChildHealth, HealthCounts, VillageCounts,
};

#[derive(Deserialize, Default)]
pub struct BookQuery {
    /// `ho`: household by household; anything else: by name.
    #[serde(default)]
    pub order: Option<String>,
}

#[derive(Template)]
#[template(path = "village_book.html")]
struct BookPage {
    l: Layout,
    code: String,
    village: String,
    today: String,
    by_household: bool,
    lines: Vec<BookLine>,
}

/// `GET /villages/{code}/book`: the village book, by name or (`?order=ho`) by household.
pub async fn village_book(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<BookQuery>,
) -> Result<Response, PageError> {
    let today = treem_storage::today();
    let r = treem_storage::village_records(
        ctx.state.store.as_ref(),
        &ctx.actor(),
        &code,
        &format!("sổ theo dõi trẻ em thôn {code}"),
    )
    .await
    .map_err(|e| ctx.fail(e))?;
    let order = match q.order.as_deref() {
        Some("ho") => BookOrder::ByHousehold,
        _ => BookOrder::ByName,
    };
    let page = BookPage {
        l: ctx.layout(format!("Sổ theo dõi trẻ em — {}", r.village.name)),
        code: r.village.code.clone(),
        village: r.village.name.clone(),
        today: vn_date(&today.to_string()),
        by_household: order == BookOrder::ByHousehold,
        lines: book(&r.children, &r.household_codes, order, today),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "village_summary.html")]
struct SummaryPage {
    l: Layout,
    code: String,
    village: String,
    today: String,
    year: i16,
    month: String,
    counts: VillageCounts,
    health: HealthCounts,
    reads_measurements: bool,
    open_cases: u32,
}

/// `GET /villages/{code}/summary`: the village meeting's one page of counts.
pub async fn village_summary(ctx: Ctx, Path(code): Path<String>) -> Result<Response, PageError> {
    let today = treem_storage::today();
    let store = ctx.state.store.as_ref();
    let r = treem_storage::village_records(
        store,
        &ctx.actor(),
        &code,
        &format!("tóm tắt họp thôn {code}"),
    )
    .await
    .map_err(|e| ctx.fail(e))?;
    let h = treem_storage::village_health(store, &ctx.actor(), &r, today)
        .await
        .map_err(|e| ctx.fail(e))?;
    let present = r.children.iter().filter(|c| c.data.present_on(today));
    let health = health_counts(
        present.filter_map(|c| {
            Some(ChildHealth {
                born: BirthDate::new(c.data.date_of_birth, c.data.dob_precision)?,
                given: h.given.get(&c.id).map(Vec::as_slice).unwrap_or(&[]),
                last: h.last.get(&c.id),
            })
        }),
        today,
    );
    let page = SummaryPage {
        l: ctx.layout(format!("Tóm tắt họp thôn — {}", r.village.name)),
        code: r.village.code.clone(),
        village: r.village.name.clone(),
        today: vn_date(&today.to_string()),
        year: today.year(),
        month: format!("{:02}/{}", today.month(), today.year()),
        counts: counts(&r.children, today),
        health,
        reads_measurements: h.reads_measurements,
        open_cases: h.open_cases,
    };
    Ok(render(&page))
}
