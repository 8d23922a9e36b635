//! Plans and their targets' figures over the API.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::figures;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::disclosure::PublishedResult;
use treem_domain::indicator::{
    definitions_vi, validate_reported, Known, ReportedValue, Settings, TargetResult, TargetStatus,
};
use treem_domain::plan::{Source, Target};
use treem_domain::validation::{date_problem, parse_date, FieldErrors};
use treem_domain::Date;

fn no_admin(user: &ApiUser) -> Result<(), ApiError> {
    if !user.0.role.sees_plan() {
        Err(ApiError::Forbidden)
    } else {
        Ok(())
    }
}

pub async fn list(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    no_admin(&user)?;
    let mut years = s.store.plan_years().await?;
    if years.is_empty() {
        years.push(
            treem_domain::plan::Plan::from_toml(figures::SEED_PLAN)
                .map(|p| p.year)
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        );
    }
    let mut items = Vec::new();
    for y in years {
        let p = figures::load_plan(&s, y).await?;
        items.push(json!({"year": p.year, "commune": p.commune, "title": p.title, "targets": p.targets.len(), "status": p.status}));
    }
    Ok(Json(json!({ "items": items })))
}

/// A plan year from the path; a year outside [`treem_domain::limits::PLAN_YEARS`] has no plan.
fn year_of(s: &str) -> Result<i16, ApiError> {
    s.parse::<i64>()
        .ok()
        .and_then(treem_domain::limits::plan_year)
        .ok_or(ApiError::NotFound)
}

/// The figures asked for: `as_of` (YYYY-MM-DD, today when absent) and `recorded_by` (only what
/// had been recorded by the end of that day), as sent.
#[derive(Deserialize)]
pub struct TargetsQuery {
    as_of: Option<String>,
    recorded_by: Option<String>,
}

/// The day and the records asked for ([`Known`]).
pub struct FiguresAsked {
    as_of: Date,
    known: Known,
}

impl TryFrom<TargetsQuery> for FiguresAsked {
    type Error = FieldErrors;

    fn try_from(q: TargetsQuery) -> Result<FiguresAsked, FieldErrors> {
        let date = |field: &str, v: Option<String>| match v.filter(|v| !v.is_empty()) {
            Some(d) => parse_date(&d)
                .map(Some)
                .ok_or_else(|| FieldErrors::single(field, date_problem(&d))),
            None => Ok(None),
        };
        let as_of = date("as_of", q.as_of)?.unwrap_or_else(treem_storage::today);
        // The figures as an earlier report saw them: only what had been recorded by that day.
        let recorded_by = date("recorded_by", q.recorded_by)?;
        Ok(FiguresAsked {
            as_of,
            known: Known::from_recorded_by(recorded_by),
        })
    }
}

pub async fn targets(
    State(s): State<AppState>,
    user: ApiUser,
    Path(year): Path<String>,
    Query(q): Query<TargetsQuery>,
) -> Result<Json<Value>, ApiError> {
    no_admin(&user)?;
    let year = year_of(&year)?;
    let asked = FiguresAsked::try_from(q)?;
    let role = user.0.role;
    let (as_of, known) = figures::date_for(role, asked.as_of, asked.known);
    let c = figures::compute(&s, year, as_of, known).await?;
    let earlier = if role.sees_protected_counts() {
        figures::earlier_points(&s, year, as_of, known).await?
    } else {
        vec![]
    };
    let items: Vec<Value> = c
        .plan
        .targets
        .iter()
        .filter_map(|t| {
            let r = c.results.iter().find(|r| r.number == t.number)?;
            let mut item = if role.sees_protected_counts() {
                protected_item(t, &figures::published(role, t, r, &earlier), r)
            } else {
                exact_item(t, r)
            };
            item["definitions"] = json!(definitions_vi(t, &Settings::default(), c.period, c.as_of));
            item["origin"] = json!(treem_domain::reported_needs::origin_vi(&t.source));
            item["needs"] = json!(treem_domain::reported_needs::for_target(
                t.number, &t.source
            ));
            Some(item)
        })
        .collect();
    Ok(Json(json!({
        "year": year,
        "as_of": as_of.to_string(),
        "recorded_by": known.recorded_by().map(|d| d.to_string()),
        "period": {"start": c.period.start.to_string(), "end": c.period.end.to_string()},
        "items": items
    })))
}

/// A target with its exact figures, and the figures shown beside it (target 9's birth dose).
fn exact_item(t: &Target, r: &TargetResult) -> Value {
    json!({
        "number": t.number,
        "goal": t.goal,
        "text": t.text,
        "comparator": t.comparator,
        "target_value": t.value,
        "unit": t.unit,
        "owner": t.owners,
        "source": source_name(t),
        "figure": r.figure.value,
        "numerator": r.figure.numerator,
        "denominator": r.figure.denominator,
        "status": status_name(r.status),
        "status_vi": r.status.label_vi(),
        "unstable": r.figure.unstable,
        "allowed_events": r.figure.allowed_events,
        "last_entered": r.figure.last_entered,
        "note": r.note,
        "related": r.related.iter().map(|x| json!({
            "indicator": x.indicator,
            "title": x.title,
            "figure": x.figure.value,
            "numerator": x.figure.numerator,
            "denominator": x.figure.denominator,
            "unstable": x.figure.unstable,
        })).collect::<Vec<_>>(),
    })
}

fn source_name(t: &Target) -> &'static str {
    match &t.source {
        Source::Register { .. } => "register",
        Source::Reported => "reported",
        Source::Assessment => "assessment",
        Source::Cases { .. } => "cases",
        Source::Records { .. } => "records",
        Source::Activities { .. } => "activities",
    }
}

fn status_name(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => "met",
        TargetStatus::NotMet => "not_met",
        TargetStatus::AtRisk => "at_risk",
        TargetStatus::NoData => "no_data",
        TargetStatus::Undetermined => "undetermined",
    }
}

/// A target as the province receives it: counts from [`treem_domain::disclosure`], `null`
/// where not published, and `suppressed` saying what each absent number stands for ("<5": 1
/// to 4; "ẩn": hidden so that no small count can be worked out).
fn protected_item(t: &Target, p: &PublishedResult, r: &TargetResult) -> Value {
    let f = &p.figure;
    let mut suppressed = serde_json::Map::new();
    for (field, shown) in [("numerator", f.numerator), ("denominator", f.denominator)] {
        if let Some(mark) = shown.and_then(|s| s.mark()) {
            suppressed.insert(field.into(), json!(mark));
        }
    }
    if f.value_hidden {
        suppressed.insert("figure".into(), json!("ẩn"));
    }
    if p.status.is_none() {
        suppressed.insert("status".into(), json!("ẩn"));
    }
    if r.figure.allowed_events.is_some() && f.allowed_events.is_none() {
        suppressed.insert("allowed_events".into(), json!("ẩn"));
    }
    // The figures beside the target's carry exact counts: none for the province.
    if !r.related.is_empty() {
        suppressed.insert("related".into(), json!("ẩn"));
    }
    json!({
        "number": t.number,
        "goal": t.goal,
        "text": t.text,
        "comparator": t.comparator,
        "target_value": t.value,
        "unit": t.unit,
        "owner": t.owners,
        "source": source_name(t),
        "figure": f.value,
        "numerator": f.numerator.and_then(|s| s.number()),
        "denominator": f.denominator.and_then(|s| s.number()),
        "status": p.status.map_or("hidden", status_name),
        "status_vi": p.status.map_or("không công bố", |s| s.label_vi()),
        "unstable": f.unstable,
        "allowed_events": f.allowed_events,
        "last_entered": r.figure.last_entered,
        "related": [],
        "suppressed": suppressed,
    })
}

#[derive(Deserialize)]
pub struct ReportBody {
    #[serde(default)]
    pub(crate) period_start: String,
    #[serde(default)]
    pub(crate) period_end: String,
    pub(crate) numerator: Option<f64>,
    pub(crate) denominator: Option<f64>,
    pub(crate) value: Option<f64>,
    #[serde(default)]
    pub(crate) secondary: bool,
    #[serde(default)]
    pub(crate) note: String,
}

pub async fn report(
    State(s): State<AppState>,
    user: ApiUser,
    Path((year, n)): Path<(String, String)>,
    JsonBody(b): JsonBody<ReportBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let year = year_of(&year)?;
    // A number that is no u16 names no target (not the target it would wrap to).
    let number = u16::try_from(parse_id(&n)?).map_err(|_| ApiError::NotFound)?;
    let plan = figures::load_plan(&s, year).await?;
    let t = plan.target(number).ok_or(ApiError::NotFound)?;
    if !plan.may_report(t, user.0.role) {
        return Err(ApiError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let start = parse_date(&b.period_start);
    let end = parse_date(&b.period_end);
    for (field, given, parsed, what) in [
        ("period_start", &b.period_start, start, "bắt đầu"),
        ("period_end", &b.period_end, end, "kết thúc"),
    ] {
        match parsed {
            Some(_) => {}
            None if given.trim().is_empty() => {
                errs.push(field, format!("cần ngày {what} kỳ báo cáo (YYYY-MM-DD)"))
            }
            None => errs.push(field, date_problem(given)),
        }
    }
    let (Some(period_start), Some(period_end)) = (start, end) else {
        return Err(errs.into());
    };
    let rv = ReportedValue {
        target: number,
        secondary: b.secondary,
        period_start,
        period_end,
        numerator: b.numerator,
        denominator: b.denominator,
        value: b.value,
        note: b.note.trim().to_string(),
        entered_by: user.0.username.clone(),
        entered_at: String::new(),
    };
    validate_reported(&rv, t)?;
    s.store.add_reported_value(&user.actor(), year, &rv).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"target": number, "year": year})),
    ))
}

/// A report and its period: stated in the plan, confirmed by the officer, or waiting for the
/// officer (with the period proposed).
fn report_item(
    plan: &treem_domain::plan::Plan,
    r: &treem_domain::plan::Report,
    confirmed: &[treem_domain::plan::ConfirmedPeriod],
) -> Value {
    use treem_domain::plan::ReportPeriod;
    let rp = plan.report_period(r, confirmed);
    let shown = rp.shown();
    let by = confirmed.iter().find(|c| c.code == r.code);
    json!({
        "code": r.code,
        "name": r.name,
        "due_before": r.due_before.to_string(),
        "period_stated": r.period_stated,
        "status": match rp {
            ReportPeriod::Stated(_) => "stated",
            ReportPeriod::Confirmed(_) => "confirmed",
            ReportPeriod::Unconfirmed { .. } => "unconfirmed",
        },
        "period": {"start": shown.start.to_string(), "end": shown.end.to_string()},
        "confirmed_by": by.filter(|_| !r.period_stated).map(|c| &c.confirmed_by),
        "confirmed_at": by.filter(|_| !r.period_stated).map(|c| &c.confirmed_at),
    })
}

/// The plan's reports with their periods (every role but the administrator).
pub async fn reports(
    State(s): State<AppState>,
    user: ApiUser,
    Path(year): Path<String>,
) -> Result<Json<Value>, ApiError> {
    no_admin(&user)?;
    let year = year_of(&year)?;
    let plan = figures::load_plan(&s, year).await?;
    let confirmed = s.store.confirmed_periods(year).await?;
    let items: Vec<Value> = plan
        .reports
        .iter()
        .map(|r| report_item(&plan, r, &confirmed))
        .collect();
    Ok(Json(json!({"year": year, "items": items})))
}

#[derive(Deserialize)]
pub struct PeriodBody {
    #[serde(default)]
    pub(crate) period_start: String,
    #[serde(default)]
    pub(crate) period_end: String,
}

/// The officer confirms (or sets) the period of a report the plan does not state.
pub async fn confirm_period(
    State(s): State<AppState>,
    user: ApiUser,
    Path((year, code)): Path<(String, String)>,
    JsonBody(b): JsonBody<PeriodBody>,
) -> Result<Json<Value>, ApiError> {
    let year = year_of(&year)?;
    let plan = figures::load_plan(&s, year).await?;
    let r = plan
        .reports
        .iter()
        .find(|r| r.code == code)
        .ok_or(ApiError::NotFound)?;
    if !user.0.role.confirms_report_periods() {
        return Err(ApiError::Forbidden);
    }
    if r.period_stated {
        return Err(FieldErrors::single(
            "period_start",
            "kế hoạch đã nêu kỳ của báo cáo này; muốn đổi kỳ thì sửa kế hoạch",
        )
        .into());
    }
    let mut errs = FieldErrors::default();
    let mut given = |field: &str, text: &str| {
        if text.trim().is_empty() {
            return None;
        }
        let d = parse_date(text);
        if d.is_none() {
            errs.push(field, date_problem(text));
        }
        d
    };
    let start = given("period_start", &b.period_start);
    let end = given("period_end", &b.period_end);
    if !errs.is_empty() {
        return Err(errs.into());
    }
    let period = r.check_period(start, end)?;
    s.store
        .confirm_report_period(&user.actor(), year, &r.code, period)
        .await?;
    let confirmed = s.store.confirmed_periods(year).await?;
    Ok(Json(report_item(&plan, r, &confirmed)))
}
