//! The plan's reports with their periods; the officer confirms those the plan does not state
//! ([`treem_domain::plan::ReportPeriod`]).
use super::{params, plan_year, sees_plan, FiguresQuery};
use crate::figures;
use crate::i18n::vn_date;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind, TypedForm};
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::plan::{ConfirmedPeriod, PeriodNotConfirmed, Plan, Report, ReportPeriod};
use treem_domain::validation::parse_date;
use treem_domain::Date;

pub struct PeriodRow {
    pub code: String,
    pub name: String,
    pub due: String,
    /// "Kế hoạch nêu kỳ", "Đã xác nhận (…)", "Chưa xác nhận".
    pub status: String,
    pub waiting: bool,
    pub stated: bool,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "report_periods.html")]
struct PeriodsPage {
    l: Layout,
    year: i16,
    as_of_iso: String,
    /// Why the figures wait, when they do.
    waiting: Option<String>,
    rows: Vec<PeriodRow>,
    may_confirm: bool,
    error: Option<String>,
}

/// A report's line: its period in force or proposed, and whether the officer confirmed it.
fn period_row(plan: &Plan, r: &Report, confirmed: &[ConfirmedPeriod]) -> PeriodRow {
    let rp = plan.report_period(r, confirmed);
    let shown = rp.shown();
    let status = match &rp {
        ReportPeriod::Stated(_) => "Kế hoạch nêu kỳ".to_string(),
        ReportPeriod::Confirmed(_) => {
            let c = confirmed.iter().find(|c| c.code == r.code);
            format!(
                "Đã xác nhận ({}, {})",
                c.map(|c| c.confirmed_by.as_str()).unwrap_or_default(),
                c.map(|c| crate::i18n::vn_datetime(&c.confirmed_at))
                    .unwrap_or_default()
            )
        }
        ReportPeriod::Unconfirmed { .. } => "Chưa xác nhận — kỳ đề xuất".to_string(),
    };
    PeriodRow {
        code: r.code.clone(),
        name: r.name.clone(),
        due: vn_date(&r.last_day().to_string()),
        status,
        waiting: matches!(rp, ReportPeriod::Unconfirmed { .. }),
        stated: matches!(rp, ReportPeriod::Stated(_)),
        start: vn_date(&shown.start.to_string()),
        end: vn_date(&shown.end.to_string()),
    }
}

/// The plan's reports with their periods; the officer confirms those the plan does not state.
pub(super) async fn periods_page(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    waiting: Option<PeriodNotConfirmed>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let confirmed = ctx
        .state
        .store
        .confirmed_periods(year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = PeriodsPage {
        l: ctx.layout(format!("Kỳ báo cáo {year}")),
        year,
        as_of_iso: as_of.to_string(),
        waiting: waiting.map(|w| w.to_string()),
        rows: plan
            .reports
            .iter()
            .map(|r| period_row(&plan, r, &confirmed))
            .collect(),
        may_confirm: ctx.user.role.confirms_report_periods(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

/// `/dashboard/periods?year=`: the reports' periods.
pub async fn periods(ctx: Ctx, Query(q): Query<FiguresQuery>) -> Result<Response, PageError> {
    sees_plan(&ctx)?;
    let (year, as_of, _) = params(&ctx, q)?;
    periods_page(&ctx, year, as_of, None, None).await
}

/// The form confirming a report's period: the report's code, the dates (dd/mm/yyyy, empty for
/// the dates proposed), and the year and day of the page it came from.
#[derive(Deserialize)]
pub struct PeriodForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    year: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
}

/// The dates the officer wrote: `None` for a date left empty (the one proposed).
pub struct PeriodDates {
    start: Option<Date>,
    end: Option<Date>,
}

/// A date written that is not one.
pub struct BadPeriodDate;

impl TryFrom<&PeriodForm> for PeriodDates {
    type Error = BadPeriodDate;

    fn try_from(f: &PeriodForm) -> Result<PeriodDates, BadPeriodDate> {
        let date = |text: &str| match text.trim().is_empty() {
            true => Ok(None),
            false => parse_date(text).map(Some).ok_or(BadPeriodDate),
        };
        Ok(PeriodDates {
            start: date(&f.period_start)?,
            end: date(&f.period_end)?,
        })
    }
}

/// The officer confirms a report's period (the dates proposed, or others before the due date).
pub async fn confirm_period(
    ctx: Ctx,
    TypedForm(f): TypedForm<PeriodForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !ctx.user.role.confirms_report_periods() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let year = plan_year(&f.year).ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let as_of = parse_date(&f.as_of).unwrap_or_else(treem_storage::today);
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let r = plan
        .reports
        .iter()
        .find(|r| r.code == f.code && !r.period_stated)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let Ok(dates) = PeriodDates::try_from(&f) else {
        let msg = "Ngày bắt đầu và ngày cuối kỳ ghi theo dạng dd/mm/yyyy".to_string();
        return periods_page(&ctx, year, as_of, None, Some(msg)).await;
    };
    let period = match r.check_period(dates.start, dates.end) {
        Ok(p) => p,
        Err(e) => {
            let msg =
                e.0.iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
            return periods_page(&ctx, year, as_of, None, Some(format!("{}: {msg}", r.name))).await;
        }
    };
    ctx.state
        .store
        .confirm_report_period(&ctx.actor(), year, &r.code, period)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/dashboard?year={year}&as_of={as_of}")).into_response())
}
