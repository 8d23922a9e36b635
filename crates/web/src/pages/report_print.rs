//! An approved report as an A4 page to print (bản in báo cáo), and its Word and Excel files:
//! `/reports/{id}/print`, `/reports/{id}/docx`, `/reports/{id}/xlsx`. The page renders the same
//! [`ReportDoc`] as the DOCX, so the printed and the downloaded report say the same. Storage
//! checks who may read reports; a report not approved yet has no documents (404).
use crate::pages::{Ctx, Layout, PageError, PageErrorKind};
use crate::report_documents::{download, frozen, DocumentKind};
use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use treem_reports::{FrozenReport, ReportDoc};

#[derive(Template)]
#[template(path = "report_print.html")]
struct PrintPage {
    l: Layout,
    id: i64,
    doc: ReportDoc,
}

/// The printable page of `report` inside the site's frame (`l`): the heading table, the title,
/// the target table, each agency's section, the changes of an amending report, "Nơi nhận" and
/// the signer kept together.
pub fn render_print(l: Layout, report: &FrozenReport) -> Result<String, askama::Error> {
    PrintPage {
        l,
        id: report.id,
        doc: ReportDoc::of(report),
    }
    .render()
}

fn id_of(ctx: &Ctx, id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))
}

/// `GET /reports/{id}/print`.
pub async fn print(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = id_of(&ctx, &id)?;
    let report = frozen(&ctx.state, &ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let title = format!("Báo cáo số {}/{}", report.number, report.symbol);
    let html = render_print(ctx.layout(title), &report)
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok(Html(html).into_response())
}

/// `GET /reports/{id}/docx`.
pub async fn docx(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = id_of(&ctx, &id)?;
    download(&ctx.state, &ctx.actor(), id, DocumentKind::Docx)
        .await
        .map_err(|e| ctx.fail_api(e))
}

/// `GET /reports/{id}/xlsx`.
pub async fn xlsx(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = id_of(&ctx, &id)?;
    download(&ctx.state, &ctx.actor(), id, DocumentKind::Xlsx)
        .await
        .map_err(|e| ctx.fail_api(e))
}
