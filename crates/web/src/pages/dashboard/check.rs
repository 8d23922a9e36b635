//! What a careful officer wants to know before adopting the plan (kiểm tra kế hoạch): the
//! findings of [`treem_domain::plan::check`].
use super::{params, sees_plan, FiguresQuery};
use crate::figures;
use crate::pages::{render, Ctx, Layout, PageError};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;

#[derive(Template)]
#[template(path = "plan_check.html")]
struct PlanCheckPage {
    l: Layout,
    year: i16,
    title: String,
    document: String,
    findings: Vec<(String, String)>,
}

pub async fn plan_check(ctx: Ctx, Query(q): Query<FiguresQuery>) -> Result<Response, PageError> {
    sees_plan(&ctx)?;
    let (year, _, _) = params(&ctx, q)?;
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let findings = treem_domain::plan::check::check(&plan)
        .into_iter()
        .map(|f| {
            let targets = f
                .targets
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            (targets, f.message)
        })
        .collect();
    let page = PlanCheckPage {
        l: ctx.layout(format!("Kiểm tra kế hoạch {year}")),
        year,
        title: plan.title.clone(),
        document: plan.document.reference(),
        findings,
    };
    Ok(render(&page))
}
