//! `treem report docx|xlsx --year 2026 --kind six_month OUT`: the approved report of a plan
//! year and kind as Word or Excel, made from its frozen figures only. Exits non-zero when the
//! year has no approved report of that kind.
use anyhow::{bail, Result};
use treem_storage::{Actor, Reports};
use treem_web::report_documents::{bytes, frozen, village_names, DocumentKind};

pub async fn write(
    url: &str,
    year: i16,
    kind: &str,
    out: &std::path::Path,
    format: DocumentKind,
) -> Result<i32> {
    let db = super::ops::open(url).await?;
    let actor = Actor::system();
    // The latest approved report of the kind (an amending report replaces the one it amends).
    let approved = db
        .reports(&actor, Some(year))
        .await?
        .into_iter()
        .filter(|r| r.kind == kind && r.state == treem_domain::report::ReportState::Approved)
        .max_by_key(|r| r.id);
    let Some(rep) = approved else {
        bail!("năm {year} chưa có báo cáo «{kind}» đã được phê duyệt; chỉ báo cáo đã phê duyệt mới xuất được văn bản");
    };
    let state = treem_web::AppState::new(std::sync::Arc::new(db));
    let fail = |e: treem_web::ApiError| anyhow::anyhow!("{e}");
    let report = frozen(&state, &actor, rep.id).await.map_err(fail)?;
    let villages = village_names(&state, &actor).await.map_err(fail)?;
    let body = bytes(&report, format, &villages).map_err(fail)?;
    std::fs::write(out, &body)?;
    println!(
        "Đã ghi báo cáo #{} (số {}/{}) vào {} ({} byte).",
        rep.id,
        report.number,
        report.symbol,
        out.display(),
        body.len()
    );
    Ok(0)
}
