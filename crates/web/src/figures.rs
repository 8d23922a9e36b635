//! The plan's figures for a date: the register as of that date, the agencies' reported
//! values, support records and assessments, through the domain's indicator engine. Results are
//! kept while nothing they depend on has changed.
use crate::error::ApiError;
use crate::AppState;
use std::sync::{Arc, Mutex};
use treem_domain::indicator::{compute_all_with, Period, Settings, Snapshot, TargetResult};
use treem_domain::plan::Plan;
use treem_domain::role::Actor;
use treem_domain::Date;

/// The plan shipped with treem, used when a database has none stored for its year.
pub const SEED_PLAN: &str = include_str!("../../../plans/sinh-phinh-2026.toml");

pub struct Computed {
    pub plan: Plan,
    pub as_of: Date,
    pub period: Period,
    pub results: Vec<TargetResult>,
}

/// A few recent computations (dashboard, trend points), newest last.
#[derive(Default)]
pub struct FiguresCache(Mutex<Vec<(String, Arc<Computed>)>>);

const KEEP: usize = 12;

pub async fn load_plan(state: &AppState, year: i16) -> Result<Plan, ApiError> {
    let text = match state.store.plan_toml(year).await? {
        Some(t) => t,
        None => {
            let seed = Plan::from_toml(SEED_PLAN).map_err(|e| ApiError::Internal(e.to_string()))?;
            if seed.year != year {
                return Err(ApiError::NotFound);
            }
            return Ok(seed);
        }
    };
    Plan::from_toml(&text).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The reporting period a date falls in: the first report period that has not ended before
/// it, else the plan's last; a plan without reports reports on its calendar year.
pub fn period_for(plan: &Plan, as_of: Date) -> Period {
    let mut reports: Vec<_> = plan.reports.iter().collect();
    reports.sort_by_key(|r| r.period_end);
    reports
        .iter()
        .find(|r| r.period_start <= as_of && as_of <= r.period_end)
        .or_else(|| reports.iter().find(|r| as_of <= r.period_end))
        .or(reports.last())
        .map(|r| Period::new(r.period_start, r.period_end))
        .unwrap_or_else(|| {
            Period::new(
                jiff::civil::date(plan.year, 1, 1),
                jiff::civil::date(plan.year, 12, 31),
            )
        })
}

/// The figures on `as_of`, with each target's direction over the year's earlier quarter ends
/// (a target met but worsening twice in a row is "có nguy cơ").
pub async fn compute(state: &AppState, year: i16, as_of: Date) -> Result<Arc<Computed>, ApiError> {
    let dates: Vec<Date> = trend_dates(year, as_of)
        .into_iter()
        .filter(|d| *d < as_of)
        .collect();
    // The earlier quarter ends are independent: read them side by side.
    let earlier =
        futures_util::future::try_join_all(dates.iter().map(|d| compute_at(state, year, *d, &[])))
            .await?;
    let prior: Vec<_> = dates
        .iter()
        .zip(earlier)
        .map(|(d, at)| {
            (
                Period::new(jiff::civil::date(year, 1, 1), *d),
                at.results.clone(),
            )
        })
        .collect();
    compute_at(state, year, as_of, &prior).await
}

async fn compute_at(
    state: &AppState,
    year: i16,
    as_of: Date,
    prior: &[(Period, Vec<TargetResult>)],
) -> Result<Arc<Computed>, ApiError> {
    let stamp = state.store.figures_stamp().await?;
    let key = format!("{year}/{as_of}/{stamp}/{}", prior.len());
    if let Some(hit) = state
        .figures
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.clone())
    {
        return Ok(hit);
    }
    let plan = load_plan(state, year).await?;
    let period = period_for(&plan, as_of);
    // Figures are aggregates: the whole commune is counted, whoever asks; which records a
    // person may then open is decided by their own scope.
    let children = state.store.children_as_of(&Actor::system(), as_of).await?;
    let supports = state.store.supports(period.start, period.end).await?;
    let reported = state.store.reported_values(year).await?;
    let assessments = state.store.assessments().await?;
    let snap = Snapshot {
        as_of,
        period,
        children: &children,
        supports: &supports,
        reported: &reported,
        assessments: &assessments,
    };
    let results = compute_all_with(&plan, &snap, &Settings::default(), prior);
    let computed = Arc::new(Computed {
        plan,
        as_of,
        period,
        results,
    });
    let mut cache = state.figures.0.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|(k, _)| *k != key);
    cache.push((key, computed.clone()));
    if cache.len() > KEEP {
        cache.remove(0);
    }
    Ok(computed)
}

/// "8,3 ‰" — a figure the way officials write it.
pub fn show(value: Option<f64>, unit: Option<treem_domain::plan::Unit>) -> String {
    match value {
        None => "—".into(),
        Some(v) => {
            let n = treem_domain::plan::format_number_vi((v * 10.0).round() / 10.0);
            match unit {
                Some(u) if !u.symbol().is_empty() => {
                    if u.symbol().starts_with('/') {
                        format!("{n}{}", u.symbol())
                    } else {
                        format!("{n} {}", u.symbol())
                    }
                }
                _ => n,
            }
        }
    }
}

/// Quarter ends of the plan year up to the date, for the trend.
pub fn trend_dates(year: i16, as_of: Date) -> Vec<Date> {
    let mut v: Vec<Date> = [(3, 31), (6, 30), (9, 30), (12, 31)]
        .iter()
        .map(|(m, d)| jiff::civil::date(year, *m, *d))
        .filter(|d| *d < as_of)
        .collect();
    v.push(as_of);
    v
}
