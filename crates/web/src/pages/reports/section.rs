//! An agency's section of a report (phần báo cáo của cơ quan): its targets' figures, read
//! only, and the four boxes it writes; save a draft, submit, reopen.
use super::{figure_rows, flash_words, version_of, FigureRow, Flash};
use crate::pages::{render_status, Ctx, PageError, TypedForm};
use crate::reports as svc;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::report::{take, Narrative, Step};
use treem_storage::StorageError;

#[derive(Template)]
#[template(path = "report_section.html")]
struct SectionPage {
    l: crate::pages::Layout,
    id: i64,
    agency: String,
    agency_name: String,
    kind: String,
    state: &'static str,
    version: i64,
    text: Narrative,
    figures: Vec<FigureRow>,
    /// What the agency's records say for the period (frozen once approved).
    lines: Vec<treem_domain::report::WorkLine>,
    may_write: bool,
    may_reopen: bool,
    errors: Vec<String>,
}

#[derive(Default, serde::Deserialize)]
pub struct SectionForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    /// The version the page showed (a form sends text).
    #[serde(default)]
    pub version: String,
    /// `save`, `submit` or `reopen`.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub results: String,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub proposals: String,
}

async fn page(
    ctx: &Ctx,
    id: i64,
    agency: &str,
    typed: Option<Narrative>,
    flash: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let actor = ctx.actor();
    let rep = ctx
        .state
        .store
        .report(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let sec = rep
        .section(agency)
        .ok_or_else(|| ctx.fail(StorageError::NotFound))?;
    let (plan, kind) = svc::plan_and_kind(&ctx.state, rep.year, &rep.kind)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let c = svc::computed(&ctx.state, rep.year, rep.period, svc::as_of(&rep))
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let lines = svc::lines_of(&ctx.state, &actor, &plan, &rep)
        .await
        .map_err(|e| ctx.fail_api(e))?
        .into_iter()
        .find(|(a, _)| a == agency)
        .map(|(_, l)| l)
        .unwrap_or_default();
    let role = ctx.user.role;
    let agency_name = plan
        .agency(agency)
        .map_or(agency.to_string(), |a| a.name.clone());
    let mut l = ctx.layout(format!("{agency_name} · {}", kind.name));
    l.flash = flash;
    let refused = !errors.is_empty();
    let p = SectionPage {
        l,
        id,
        agency: agency.to_string(),
        agency_name,
        kind: format!("{} {}", kind.name, rep.year),
        state: sec.state.label_vi(),
        version: sec.version,
        text: typed.unwrap_or_else(|| sec.narrative.clone()),
        figures: figure_rows(&svc::figures_json(&plan, &kind, &c.results, Some(agency))),
        lines,
        may_write: take(
            &plan,
            role,
            Step::SaveSection { agency },
            rep.state,
            Some(sec.state),
        )
        .is_ok(),
        may_reopen: take(
            &plan,
            role,
            Step::ReopenSection { agency },
            rep.state,
            Some(sec.state),
        )
        .is_ok(),
        errors,
    };
    Ok(render_status(&p, refused))
}

/// `/reports/{id}/sections/{agency}`.
pub async fn show_section(
    ctx: Ctx,
    Path((id, agency)): Path<(i64, String)>,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    page(
        &ctx,
        id,
        &agency,
        None,
        flash_words(q.saved.as_deref()),
        Vec::new(),
    )
    .await
}

/// Saves the draft, then submits or reopens as the button says.
pub async fn save_section(
    ctx: Ctx,
    Path((id, agency)): Path<(i64, String)>,
    TypedForm(f): TypedForm<SectionForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let actor = ctx.actor();
    let year = ctx
        .state
        .store
        .report(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?
        .year;
    let plan = crate::figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let text = Narrative {
        done: f.done.clone(),
        results: f.results.clone(),
        difficulties: f.difficulties.clone(),
        proposals: f.proposals.clone(),
    };
    let store = &ctx.state.store;
    let result = match f.action.as_str() {
        "reopen" => store
            .reopen_section(&actor, &plan, id, &agency, version_of(&f.version))
            .await
            .map(|_| "reopened"),
        action => {
            // Submitting saves what was typed first, so nothing typed is lost.
            match store
                .save_section(&actor, &plan, id, &agency, version_of(&f.version), &text)
                .await
            {
                Ok(r) if action == "submit" => {
                    let v = r
                        .section(&agency)
                        .map_or(version_of(&f.version), |s| s.version);
                    store
                        .submit_section(&actor, &plan, id, &agency, v)
                        .await
                        .map(|_| "submitted")
                }
                Ok(_) => Ok("draft"),
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(what) => Ok(
            Redirect::to(&format!("/reports/{id}/sections/{agency}?saved={what}")).into_response(),
        ),
        Err(StorageError::Invalid(e)) => {
            let words = e.0.iter().map(|x| x.message.clone()).collect();
            page(&ctx, id, &agency, Some(text), None, words).await
        }
        Err(StorageError::Refused(m)) => page(&ctx, id, &agency, Some(text), None, vec![m]).await,
        Err(StorageError::Conflict { .. }) => {
            let m = "Phần này đã được lưu từ nơi khác sau khi bạn mở trang: nội dung bạn gõ vẫn ở dưới, \
                     hãy xem bản mới rồi lưu lại."
                .to_string();
            page(&ctx, id, &agency, Some(text), None, vec![m]).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
