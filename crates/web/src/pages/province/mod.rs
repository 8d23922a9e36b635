//! The province's pages (role `province`): the communes × targets table with the province's
//! totals, a commune's report as received, the upload of packages, the table as XLSX. What a
//! package may hold and how totals are made are the domain's
//! (`treem_domain::report::package`); who may see is storage's.
mod live;
mod upload;
mod xlsx;

pub use live::live;
pub use upload::{packages, upload};

use super::dashboard::status_class;
use super::{render, Ctx, PageError, PageErrorKind};
use crate::i18n::vn_datetime;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use treem_domain::date::format_vi;
use treem_domain::indicator::TargetStatus;
use treem_domain::report::package::{
    PackageCell, PackageContent, PackageFigure, ProvinceTable, TargetTotal, HIDDEN_TOTAL,
    NOT_PUBLISHED,
};

pub use crate::api::province::TableQuery;

/// A status as the province reads it: words and colour.
pub fn status_view(s: Option<TargetStatus>) -> (&'static str, &'static str) {
    match s {
        Some(s) => (s.label_vi(), status_class(s)),
        None => (NOT_PUBLISHED, "st-nodata"),
    }
}

pub struct CellView {
    pub target: u16,
    pub value: String,
    pub counts: String,
    pub status: &'static str,
    pub class: &'static str,
}

pub struct RowView {
    pub code: String,
    pub name: String,
    /// "đúng hạn", "muộn hạn", "chưa gửi".
    pub arrival: &'static str,
    pub arrival_class: &'static str,
    pub received: String,
    pub link: Option<String>,
    pub amending: bool,
    pub cells: Vec<CellView>,
}

pub struct TotalView {
    pub target: u16,
    pub value: String,
    pub counts: String,
    pub missing: &'static str,
}

/// The on-time words of a commune's row.
pub fn arrival_words(on_time: Option<bool>) -> (&'static str, &'static str) {
    match on_time {
        Some(true) => ("đúng hạn", "st-met"),
        Some(false) => ("muộn hạn", "st-risk"),
        None => ("chưa gửi", "st-notmet"),
    }
}

pub fn total_view(t: &TargetTotal) -> TotalView {
    let counts = match (t.numerator, t.denominator) {
        (Some(n), Some(d)) => format!(
            "{}/{}",
            treem_domain::text::format_number_vi(n as f64),
            treem_domain::text::format_number_vi(d as f64)
        ),
        (Some(n), None) => treem_domain::text::format_number_vi(n as f64),
        _ => String::new(),
    };
    TotalView {
        target: t.target,
        value: t
            .value
            .map(|v| treem_domain::text::format_number_vi((v * 10.0).round() / 10.0))
            .unwrap_or_default(),
        counts,
        missing: t.missing.unwrap_or(""),
    }
}

#[derive(Template)]
#[template(path = "province.html")]
struct TablePage {
    l: super::Layout,
    table: Option<ProvinceTable>,
    rows: Vec<RowView>,
    totals: Vec<TotalView>,
    hidden_total: &'static str,
    xlsx: String,
    /// The server hosts communes whose figures now the province may see.
    live: bool,
}

fn rows_of(t: &ProvinceTable) -> Vec<RowView> {
    t.rows
        .iter()
        .map(|r| {
            let (arrival, arrival_class) = arrival_words(r.on_time);
            RowView {
                code: r.code.clone(),
                name: r.name.clone(),
                arrival,
                arrival_class,
                received: r
                    .received_at
                    .as_deref()
                    .map(vn_datetime)
                    .unwrap_or_default(),
                link: r
                    .package
                    .map(|id| format!("/province/communes/{}/reports/{id}", r.code)),
                amending: r.amending,
                cells: r
                    .cells
                    .iter()
                    .map(|c| {
                        let (status, class) = status_view(c.status);
                        CellView {
                            target: c.target,
                            value: c.value.clone(),
                            counts: c.counts.clone(),
                            status,
                            class,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The kind and year asked; a bad one is the page's "not found".
fn asked<'a>(ctx: &Ctx, q: &'a TableQuery) -> Result<Option<(&'a str, i16)>, PageError> {
    q.asked().map_err(|_| ctx.error(PageErrorKind::NotFound))
}

pub async fn table(ctx: Ctx, Query(q): Query<TableQuery>) -> Result<Response, PageError> {
    let table = ctx
        .state
        .store
        .province_table(&ctx.actor(), asked(&ctx, &q)?)
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows = table.as_ref().map(rows_of).unwrap_or_default();
    let totals = table
        .as_ref()
        .map(|t| t.totals.iter().map(total_view).collect())
        .unwrap_or_default();
    let xlsx = table
        .as_ref()
        .map(|t| format!("/province/table.xlsx?kind={}&year={}", t.kind, t.year))
        .unwrap_or_default();
    Ok(render(&TablePage {
        l: ctx.layout("Tổng hợp báo cáo các xã"),
        table,
        rows,
        totals,
        hidden_total: HIDDEN_TOTAL,
        xlsx,
        live: !ctx.state.hosted.is_empty(),
    }))
}

pub async fn table_xlsx(ctx: Ctx, Query(q): Query<TableQuery>) -> Result<Response, PageError> {
    let table = ctx
        .state
        .store
        .province_table(&ctx.actor(), asked(&ctx, &q)?)
        .await
        .map_err(|e| ctx.fail(e))?
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let bytes =
        xlsx::table(&table).map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    let name = format!(
        "attachment; filename=\"tong-hop-{}-{}.xlsx\"",
        table.kind, table.year
    );
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

pub struct FigureView {
    pub target: u16,
    pub measure: String,
    pub plan_value: String,
    pub agency: String,
    pub value: String,
    pub counts: String,
    pub status: &'static str,
    pub class: &'static str,
    pub note: String,
    /// (dimension's name, "label: n/d" of each group).
    pub breakdowns: Vec<(&'static str, Vec<String>)>,
}

fn counts_of(f: &PackageFigure) -> String {
    match (&f.numerator, &f.denominator) {
        (Some(n), Some(d)) => format!("{}/{}", n.text(), d.text()),
        (Some(n), None) => n.text(),
        _ => String::new(),
    }
}

fn groups(cells: &[PackageCell]) -> Vec<String> {
    cells
        .iter()
        .map(|c| {
            format!(
                "{}: {}/{}",
                c.label,
                c.numerator.text(),
                c.denominator.text()
            )
        })
        .collect()
}

fn figure_views(c: &PackageContent) -> Vec<FigureView> {
    c.targets
        .iter()
        .map(|t| {
            let (status, class) = status_view(t.status);
            let value = match t.figure.value {
                Some(v) => treem_domain::text::format_number_vi((v * 10.0).round() / 10.0),
                None if t.figure.value_hidden => "ẩn".into(),
                None => String::new(),
            };
            let breakdowns = [
                ("Theo thôn", groups(&t.by_village)),
                ("Theo giới tính", groups(&t.by_sex)),
                ("Theo dân tộc", groups(&t.by_ethnicity)),
                ("Theo nhóm tuổi", groups(&t.by_age_band)),
            ]
            .into_iter()
            .filter(|(_, g)| !g.is_empty())
            .collect();
            FigureView {
                target: t.target,
                measure: t.measure.clone(),
                plan_value: t.plan_value.clone(),
                agency: t.agency.clone(),
                value,
                counts: counts_of(&t.figure),
                status,
                class,
                note: t.note.clone().unwrap_or_default(),
                breakdowns,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "province_report.html")]
struct ReportPage {
    l: super::Layout,
    c: PackageContent,
    period: String,
    approved_on: String,
    received: String,
    arrival: &'static str,
    arrival_class: &'static str,
    figures: Vec<FigureView>,
}

pub async fn report(
    ctx: Ctx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let a = ctx
        .state
        .store
        .received_package(&ctx.actor(), &code, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let (arrival, arrival_class) = arrival_words(Some(a.on_time));
    let c = a.content;
    Ok(render(&ReportPage {
        l: ctx.layout(format!("{} — {}", c.kind_name, c.commune.name)),
        period: format!(
            "{} – {}",
            format_vi(c.period.start),
            format_vi(c.period.end)
        ),
        approved_on: format_vi(c.approved_on),
        received: vn_datetime(&a.received_at),
        arrival,
        arrival_class,
        figures: figure_views(&c),
        c,
    }))
}

/// `GET /reports/{id}/package` (the report page's button "Tạo gói gửi tỉnh"): the same file as
/// the API's.
pub async fn report_package(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (name, bytes) = crate::api::province::signed_package(&ctx.state, &ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    Ok(crate::api::province::package_download(&name, bytes))
}
