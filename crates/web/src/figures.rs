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
    let stamp = state.store.figures_stamp().await?;
    let dates: Vec<Date> = trend_dates(year, as_of)
        .into_iter()
        .filter(|d| *d < as_of)
        .collect();
    if let Some(hit) = cached(state, &key(year, as_of, &stamp, dates.len())) {
        return Ok(hit);
    }
    // What does not depend on the date is read once for all the quarter ends.
    let inputs = Inputs {
        plan: load_plan(state, year).await?,
        reported: state.store.reported_values(year).await?,
        assessments: state.store.assessments().await?,
        health: health_records(state, as_of).await?,
        cases: cases_for_figures(state).await,
        stamp,
    };
    // The earlier quarter ends are independent: read them side by side.
    let earlier = futures_util::future::try_join_all(
        dates.iter().map(|d| compute_at(state, &inputs, *d, &[])),
    )
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
    compute_at(state, &inputs, as_of, &prior).await
}

struct Inputs {
    plan: Plan,
    reported: Vec<treem_domain::indicator::ReportedValue>,
    assessments: Vec<treem_domain::indicator::AssessmentValue>,
    health: treem_domain::health::HealthRecords,
    cases: Vec<treem_domain::case::CaseFile>,
    stamp: String,
}

fn key(year: i16, as_of: Date, stamp: &str, priors: usize) -> String {
    format!("{year}/{as_of}/{stamp}/{priors}")
}

fn cached(state: &AppState, key: &str) -> Option<Arc<Computed>> {
    state
        .figures
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.clone())
}

/// Health records dated on or before `d` (what was known then).
fn until(h: &treem_domain::health::HealthRecords, d: Date) -> treem_domain::health::HealthRecords {
    treem_domain::health::HealthRecords {
        births: h.births.iter().filter(|x| x.date <= d).cloned().collect(),
        deaths: h.deaths.iter().filter(|x| x.date <= d).cloned().collect(),
        vaccinations: h
            .vaccinations
            .iter()
            .filter(|x| x.date <= d)
            .cloned()
            .collect(),
        measurements: h
            .measurements
            .iter()
            .filter(|x| x.date <= d)
            .cloned()
            .collect(),
        injuries: h.injuries.iter().filter(|x| x.date <= d).cloned().collect(),
        hiv: h
            .hiv
            .iter()
            .filter(|x| x.period_start <= d)
            .cloned()
            .collect(),
    }
}

async fn compute_at(
    state: &AppState,
    inputs: &Inputs,
    as_of: Date,
    prior: &[(Period, Vec<TargetResult>)],
) -> Result<Arc<Computed>, ApiError> {
    let year = inputs.plan.year;
    let key = key(year, as_of, &inputs.stamp, prior.len());
    if let Some(hit) = cached(state, &key) {
        return Ok(hit);
    }
    let plan = inputs.plan.clone();
    let period = period_for(&plan, as_of);
    // Figures are aggregates: the whole commune is counted, whoever asks; which records a
    // person may then open is decided by their own scope.
    let children = state.store.children_as_of(&Actor::system(), as_of).await?;
    let supports = state.store.supports(period.start, period.end).await?;
    let health = until(&inputs.health, as_of);
    let snap = Snapshot {
        health: &health,
        as_of,
        period,
        children: &children,
        supports: &supports,
        reported: &inputs.reported,
        assessments: &inputs.assessments,
        cases: &inputs.cases,
        calendar: state.store.calendar(),
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

/// The health station's records up to `as_of`, as the domain's types (stored as JSON with
/// child and date kept beside them).
pub async fn health_records(
    state: &AppState,
    as_of: Date,
) -> Result<treem_domain::health::HealthRecords, ApiError> {
    let packed = state
        .store
        .health_events_packed(
            &Actor::system(),
            &[
                "birth",
                "death",
                "vaccination",
                "measurement",
                "injury",
                "hiv",
            ],
            Some(as_of),
        )
        .await?;
    let rows: Vec<(i64, String, Option<i64>, String, serde_json::Value)> =
        serde_json::from_str(&packed)
            .map_err(|e| ApiError::Internal(format!("sự kiện y tế: {e}")))?;
    let mut h = treem_domain::health::HealthRecords::default();
    for (id, kind, child, date, mut data) in rows {
        if let (Some(o), Some(child)) = (data.as_object_mut(), child) {
            o.insert("child_id".into(), child.into());
            o.insert("date".into(), date.into());
        }
        let bad = |err: serde_json::Error| ApiError::Internal(format!("sự kiện y tế {id}: {err}"));
        match kind.as_str() {
            "birth" => h.births.push(serde_json::from_value(data).map_err(bad)?),
            "death" => h.deaths.push(serde_json::from_value(data).map_err(bad)?),
            "vaccination" => h
                .vaccinations
                .push(serde_json::from_value(data).map_err(bad)?),
            "measurement" => h
                .measurements
                .push(serde_json::from_value(data).map_err(bad)?),
            "injury" => h.injuries.push(serde_json::from_value(data).map_err(bad)?),
            "hiv" => h.hiv.push(serde_json::from_value(data).map_err(bad)?),
            _ => {}
        }
    }
    Ok(h)
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

/// The case files for target 16, or none when they cannot be read (a wrong or missing key):
/// the target then says "no data" and the other agencies' figures still show; `treem check`
/// names the rows that do not open.
pub async fn cases_for_figures(state: &AppState) -> Vec<treem_domain::case::CaseFile> {
    match state.store.cases_for_figures().await {
        Ok(cases) => cases,
        Err(e) => {
            tracing::error!("case files left out of the figures: {e}");
            vec![]
        }
    }
}
