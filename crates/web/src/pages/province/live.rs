//! The seat's table of the hosted communes' figures now (bảng tạm tính), on a server that hosts
//! many communes: the communes the province registered (`treem province trust`) that this
//! database hosts, each computed in its own scope and published as its package would be
//! (`crate::province_live`). Who may see is storage's: the list of registered communes is read
//! with the reader's role, and only the seat holds one.
use super::{rows_of, total_view, RowView, TableQuery, TotalView};
use crate::pages::{render, Ctx, PageError, PageErrorKind};
use crate::province_live::{live_table, LiveCommune};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use treem_domain::report::package::{ProvinceTable, HIDDEN_TOTAL};

#[derive(Template)]
#[template(path = "province_live.html")]
struct LivePage {
    l: crate::pages::Layout,
    table: ProvinceTable,
    rows: Vec<RowView>,
    totals: Vec<TotalView>,
    hidden_total: &'static str,
    /// Registered communes this database does not host (they send packages).
    elsewhere: usize,
}

pub async fn live(ctx: Ctx, Query(q): Query<TableQuery>) -> Result<Response, PageError> {
    let registered = ctx
        .state
        .store
        .trusted_communes(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    if ctx.state.hosted.is_empty() {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let today = treem_storage::today();
    let (kind, year) = q
        .asked()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?
        .map(|(k, y)| (k.to_string(), y))
        .unwrap_or_else(|| (crate::province_live::FIRST_KIND.to_string(), today.year()));
    let communes: Vec<LiveCommune> = registered
        .iter()
        .filter_map(|r| {
            ctx.state
                .hosted
                .iter()
                .find(|h| h.code == r.code)
                .map(|h| LiveCommune {
                    name: r.name.clone(),
                    ..h.clone()
                })
        })
        .collect();
    let elsewhere = registered.len() - communes.len();
    let live = live_table(&communes, &kind, year, today)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let mut rows = rows_of(&live.table);
    for r in &mut rows {
        // Figures now, not a package received: no arrival, no link to a report; an empty row
        // says why.
        r.link = None;
        (r.arrival, r.arrival_class) = match live.missing_for(&r.code) {
            Some(why) => (why, "st-nodata"),
            None => ("tạm tính", "st-risk"),
        };
    }
    let table = live.table;
    let totals = table.totals.iter().map(total_view).collect();
    Ok(render(&LivePage {
        l: ctx.layout("Số liệu tạm tính của các xã"),
        table,
        rows,
        totals,
        hidden_total: HIDDEN_TOTAL,
        elsewhere,
    }))
}
