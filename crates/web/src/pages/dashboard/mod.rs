//! The plan's targets with their live figures (bảng theo dõi chỉ tiêu): the board of every
//! target (`board`), one target's page (`target`, its trend drawn by `trend`), the form where
//! an agency enters the figures the register does not hold (`report`), the reports' periods the
//! officer confirms (`periods`) and the plan's check (`check`). The rules — who enters which
//! figure, which report is due, what the province may see — are the domain's
//! ([`treem_domain::plan`], [`treem_domain::disclosure`]); here they are put in words.
mod board;
mod check;
mod people;
mod periods;
mod report;
mod target;
mod trend;

pub use board::dashboard;
pub use check::plan_check;
pub use periods::{confirm_period, periods};
pub use report::report;
pub use target::target;
/// Decimals as officials write them ("8,3"); the health pages read their figures with it.
pub use treem_domain::validation::parse_decimal_vi as parse_decimal;

use super::{Ctx, PageError, PageErrorKind};
use crate::figures::{self, show, Computed};
use serde::Deserialize;
use std::sync::Arc;
use treem_domain::disclosure::{self, PublishedResult};
use treem_domain::indicator::{yearly, Known, TargetResult, TargetStatus};
use treem_domain::plan::{format_number_vi, with_unit_vi, Plan, Target, Unit};
use treem_domain::validation::parse_date;
use treem_domain::Date;

pub fn status_class(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => "st-met",
        TargetStatus::NotMet => "st-notmet",
        TargetStatus::AtRisk => "st-risk",
        _ => "st-nodata",
    }
}

/// A status as shown: "không công bố" when the province may not see it.
fn status_view(s: Option<TargetStatus>) -> (&'static str, &'static str) {
    match s {
        Some(s) => (s.label_vi(), status_class(s)),
        None => (STATUS_HIDDEN, "st-nodata"),
    }
}

/// The status of a target the province may not see (it would tell a hidden count).
const STATUS_HIDDEN: &str = "không công bố";

pub struct TargetRow {
    pub number: u16,
    pub text: String,
    pub figure: String,
    pub num_den: String,
    pub target: String,
    pub baseline: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub owners: String,
    pub last_entered: String,
    pub unstable: bool,
    /// "số liệu 6 tháng; quy ra một năm: …" for a yearly rate over part of a year.
    pub span: String,
    /// «tính từ hồ sơ» or «nhập tay» ([`treem_domain::reported_needs::origin_vi`]).
    pub origin: &'static str,
}

/// A published figure with the digits its status needs ([`Target::figure_text_vi`]), "ẩn"
/// when the viewer may not see it, "—" when there is none.
fn figure_text(
    f: &disclosure::PublishedFigure,
    unit: Option<Unit>,
    text: impl Fn(f64) -> String,
) -> String {
    match (f.value_hidden, f.value) {
        (true, _) => "ẩn".into(),
        (false, Some(v)) => with_unit_vi(&text(v), unit),
        (false, None) => "—".into(),
    }
}

/// A target's line as the viewer sees it (`p`: [`figures::published`]).
fn row(plan: &Plan, t: &Target, r: &TargetResult, p: &PublishedResult, c: &Computed) -> TargetRow {
    let (status, class) = status_view(p.status);
    // A yearly rate over part of a year says so, with the rate for a year beside it.
    let span = if p.figure.value_hidden {
        None
    } else {
        yearly(&t.source, p.figure.value, c.period, c.as_of)
    };
    TargetRow {
        span: span
            .map(|y| {
                let n = format_number_vi((y.per_year * 10.0).round() / 10.0);
                format!(
                    "số liệu {}; quy ra một năm: {}",
                    y.covers,
                    with_unit_vi(&n, t.unit)
                )
            })
            .unwrap_or_default(),
        number: t.number,
        origin: treem_domain::reported_needs::origin_vi(&t.source),
        text: t.text.clone(),
        figure: figure_text(&p.figure, t.unit, |v| t.figure_text_vi(v)),
        num_den: p.figure.num_den_text(),
        target: t.describe_vi(),
        baseline: t
            .baseline
            .as_ref()
            .map(|b| format!("{} ({})", show(b.value, t.unit), b.year))
            .unwrap_or_default(),
        status,
        status_class: class,
        owners: plan.owners_vi(t),
        last_entered: r
            .figure
            .last_entered
            .as_deref()
            .map(crate::i18n::vn_datetime)
            .unwrap_or_default(),
        unstable: p.figure.unstable,
    }
}

/// The figures asked for in the address: `year`, `as_of` (the day), `recorded_by` (only what
/// had been recorded by the end of that day). Every field is text as sent; [`Asked`] reads it.
#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    year: Option<String>,
    as_of: Option<String>,
    recorded_by: Option<String>,
}

/// The year, the date and which records the figures read ([`Known`]), as asked.
pub struct Asked {
    pub year: i16,
    pub as_of: Date,
    pub known: Known,
}

/// A date that is not one, or a year outside the plan years, has no figures: not found.
pub struct NoSuchFigures;

impl TryFrom<FiguresQuery> for Asked {
    type Error = NoSuchFigures;

    fn try_from(q: FiguresQuery) -> Result<Asked, NoSuchFigures> {
        let given = |v: Option<String>| v.filter(|s| !s.is_empty());
        let as_of = match given(q.as_of) {
            Some(s) => parse_date(&s).ok_or(NoSuchFigures)?,
            None => treem_storage::today(),
        };
        let recorded_by = match q.recorded_by.filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(parse_date(&s).ok_or(NoSuchFigures)?),
            None => None,
        };
        // A year that is not a number, or outside the plan years, has no plan (jiff cannot even
        // hold the dates of year 10000).
        let year = match given(q.year) {
            Some(y) => plan_year(&y).ok_or(NoSuchFigures)?,
            None => as_of.year(),
        };
        Ok(Asked {
            year,
            as_of,
            known: Known::from_recorded_by(recorded_by),
        })
    }
}

/// A plan year written in a form or an address.
fn plan_year(text: &str) -> Option<i16> {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(treem_domain::limits::plan_year)
}

/// The figures asked for, as this person may see them: the province's at the last quarter end
/// ([`figures::date_for`]).
fn params(ctx: &Ctx, q: FiguresQuery) -> Result<(i16, Date, Known), PageError> {
    let a = Asked::try_from(q).map_err(|NoSuchFigures| ctx.error(PageErrorKind::NotFound))?;
    let (as_of, known) = figures::date_for(ctx.user.role, a.as_of, a.known);
    Ok((a.year, as_of, known))
}

/// The plan's pages are for everyone but the administrator.
fn sees_plan(ctx: &Ctx) -> Result<(), PageError> {
    if ctx.user.role.sees_plan() {
        Ok(())
    } else {
        Err(ctx.error(PageErrorKind::Forbidden))
    }
}

/// The figures, or the page where the officer confirms the report periods they wait for.
async fn computed(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<Arc<Computed>, PageError> {
    match figures::compute(&ctx.state, year, as_of, known).await {
        Ok(c) => Ok(c),
        Err(crate::ApiError::PeriodNotConfirmed(p)) => Err(PageError::page(
            periods::periods_page(ctx, year, as_of, Some(p), None).await?,
        )),
        Err(e) => Err(ctx.fail_api(e)),
    }
}

/// The earlier figures the province's "có nguy cơ" needs ([`figures::earlier_points`]); none
/// for those who see exact results.
async fn earlier(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<Vec<Arc<Computed>>, PageError> {
    if !ctx.user.role.sees_protected_counts() {
        return Ok(vec![]);
    }
    figures::earlier_points(&ctx.state, year, as_of, known)
        .await
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))
}

/// `&recorded_by=…` for the links of a page showing figures as recorded by a day.
fn known_query(known: Known) -> String {
    known
        .recorded_by()
        .map(|d| format!("&recorded_by={d}"))
        .unwrap_or_default()
}

/// The day asked for in `recorded_by` (dd/mm/yyyy), or empty.
fn recorded_by_text(known: Known) -> String {
    known
        .recorded_by()
        .map(|d| crate::i18n::vn_date(&d.to_string()))
        .unwrap_or_default()
}
