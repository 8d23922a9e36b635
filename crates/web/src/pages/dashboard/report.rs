//! The form where an agency enters a figure the register does not hold (`POST
//! /dashboard/targets/{n}`): who may is the plan's rule ([`Plan::may_report`]), what is valid
//! the indicator's ([`validate_reported`]).
use super::plan_year;
use super::target::target_page;
use crate::figures;
use crate::pages::{Ctx, PageError, PageErrorKind, TypedForm};
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::indicator::{validate_reported, Known, ReportedValue};
use treem_domain::validation::{parse_date, parse_decimal_vi};
use treem_domain::Date;

/// The reported figure's form, every field as typed: the decimals as officials write them
/// ("8,3"), the period as `start|end` from the list of the plan's periods.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    year: Option<String>,
    as_of: Option<String>,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    secondary: String,
    #[serde(default)]
    note: String,
}

/// What the agency entered, read: a [`ReportedValue`] but for the target and who entered it.
pub struct Entered {
    secondary: bool,
    period_start: Date,
    period_end: Date,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    note: String,
}

impl Entered {
    fn reported_value(self, target: u16, entered_by: &str) -> ReportedValue {
        ReportedValue {
            target,
            secondary: self.secondary,
            period_start: self.period_start,
            period_end: self.period_end,
            numerator: self.numerator,
            denominator: self.denominator,
            value: self.value,
            note: self.note,
            entered_by: entered_by.to_string(),
            entered_at: String::new(),
        }
    }
}

impl TryFrom<&ReportForm> for Entered {
    /// The problems, each naming its field in Vietnamese.
    type Error = String;

    fn try_from(f: &ReportForm) -> Result<Entered, String> {
        let mut problems = Vec::new();
        let mut num = |text: &str, label: &str| match parse_decimal_vi(text) {
            Some(v) => v,
            None => {
                problems.push(format!("{label}: không phải là số"));
                None
            }
        };
        let numerator = num(&f.numerator, "Tử số");
        let denominator = num(&f.denominator, "Mẫu số");
        let value = num(&f.value, "Giá trị");
        let (start, end) = f
            .period
            .split_once('|')
            .map(|(a, b)| (parse_date(a), parse_date(b)))
            .unwrap_or((None, None));
        let (Some(period_start), Some(period_end)) = (start, end) else {
            return Err("Kỳ báo cáo: cần chọn kỳ".into());
        };
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(Entered {
            secondary: f.secondary == "1",
            period_start,
            period_end,
            numerator,
            denominator,
            value,
            note: f.note.trim().to_string(),
        })
    }
}

pub async fn report(
    ctx: Ctx,
    Path(n): Path<String>,
    TypedForm(f): TypedForm<ReportForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let number: u16 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let year: i16 = match f.year.as_deref().filter(|y| !y.is_empty()) {
        Some(y) => plan_year(y).ok_or_else(|| ctx.error(PageErrorKind::NotFound))?,
        None => treem_storage::today().year(),
    };
    let as_of = f
        .as_of
        .as_deref()
        .and_then(parse_date)
        .unwrap_or_else(treem_storage::today);
    // An entry is made on the figures from every record known.
    let at = (as_of, Known::Now);
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let t = plan
        .target(number)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    if !plan.may_report(t, ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let rv = match Entered::try_from(&f) {
        Ok(e) => e.reported_value(number, &ctx.user.username),
        Err(problem) => {
            return target_page(&ctx, number, year, at, &Default::default(), Some(problem)).await
        }
    };
    if let Err(e) = validate_reported(&rv, t) {
        return target_page(
            &ctx,
            number,
            year,
            at,
            &Default::default(),
            Some(e.to_string()),
        )
        .await;
    }
    ctx.state
        .store
        .add_reported_value(&ctx.actor(), year, &rv)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!(
        "/dashboard/targets/{number}?year={year}&as_of={as_of}"
    ))
    .into_response())
}
