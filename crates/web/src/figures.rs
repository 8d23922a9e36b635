//! The plan's figures for a date: the register as of that date, the agencies' reported
//! values, support records and assessments, through the domain's indicator engine. Results are
//! kept while nothing they depend on has changed.
use crate::error::ApiError;
use crate::AppState;
use std::sync::{Arc, Mutex};
use treem_domain::case::WorkingCalendar;
use treem_domain::disclosure::{self, PublishedResult};
use treem_domain::health::HealthRecords;
use treem_domain::indicator::{
    apply_trend, compute_all_shared, AssessmentValue, ChildFacts, Figure, Known, Period,
    ReportedValue, Settings, SharedHealth, Snapshot, SupportRecord, TargetResult, TREND_POINTS,
};
use treem_domain::plan::{Plan, Target, Unit};
use treem_domain::role::{Actor, Role};
use treem_domain::Date;

/// The plan shipped with treem, used when a database has none stored for its year.
pub const SEED_PLAN: &str = include_str!("../../../plans/sinh-phinh-2026.toml");

pub struct Computed {
    pub plan: Plan,
    pub as_of: Date,
    /// Which records were read: all known now, or those recorded by a day.
    pub known: Known,
    pub period: Period,
    pub results: Vec<TargetResult>,
    pub cases: CaseFigures,
}

/// What the case files give beside target 16's figure, counted with it so that a page does not
/// open every case again. Case ids only: the pages show them to those who open every case.
#[derive(Debug, Clone, Default)]
pub struct CaseFigures {
    /// Target 16's cases: (case id, had an intervention).
    pub counted: Vec<(i64, bool)>,
    /// Plans approved on time, approvals due (and settled) in the period; `None` without cases.
    pub plans_on_time: Option<(usize, usize)>,
    /// Case files left out because they are damaged (hồ sơ bị hỏng).
    pub damaged: Vec<i64>,
}

fn case_figures(
    cases: &treem_storage::FigureCases,
    period: Period,
    as_of: Date,
    calendar: &treem_domain::case::WorkingCalendar,
) -> CaseFigures {
    let damaged = cases.damaged.clone();
    let cases = &cases.cases;
    if cases.is_empty() {
        return CaseFigures {
            damaged,
            ..CaseFigures::default()
        };
    }
    let (with, all) = treem_domain::case::abused_with_intervention(cases, period);
    let (on_time, due) = treem_domain::case::plans_approved_on_time(cases, period, as_of, calendar);
    CaseFigures {
        counted: all.into_iter().map(|id| (id, with.contains(&id))).collect(),
        plans_on_time: Some((on_time.len(), due.len())),
        damaged,
    }
}

/// A few recent computations (dashboard, trend points), newest last.
#[derive(Default)]
pub struct FiguresCache(Mutex<Vec<(String, Arc<Computed>)>>);

const KEEP: usize = 12;

impl FiguresCache {
    /// The computations kept, oldest first, each with the number of earlier dates its trend
    /// read (0 for a trend point, kept for a later date's trend).
    pub fn kept(&self) -> Vec<(usize, Arc<Computed>)> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, c)| {
                let priors = k.rsplit('/').next().and_then(|p| p.parse().ok());
                (priors.unwrap_or(0), c.clone())
            })
            .collect()
    }
}

pub async fn load_plan(state: &AppState, year: i16) -> Result<Plan, ApiError> {
    if !treem_domain::limits::PLAN_YEARS.contains(&year) {
        return Err(ApiError::NotFound);
    }
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

/// The reporting period of each date ([`Plan::period_for`]), with the periods the officer
/// confirmed; an error naming the report whose period waits for the officer.
pub async fn periods_for(
    state: &AppState,
    plan: &Plan,
    dates: &[Date],
) -> Result<Vec<Period>, ApiError> {
    let confirmed = state.store.confirmed_periods(plan.year).await?;
    dates
        .iter()
        .map(|d| {
            plan.period_for(&confirmed, *d)
                .map_err(ApiError::PeriodNotConfirmed)
        })
        .collect()
}

/// Everything the engine reads for the dates of one computation, read once.
struct Inputs {
    year: i16,
    known: Known,
    plan: Plan,
    /// The quarter ends before `as_of` that the status reads, then `as_of`.
    dates: Vec<Date>,
    /// The reporting period of each date.
    periods: Vec<Period>,
    reported: Vec<ReportedValue>,
    assessments: Vec<AssessmentValue>,
    supports: Vec<SupportRecord>,
    /// Which kinds of support count for target 14 (the commune's setting).
    support_answers: treem_domain::support::SupportAnswers,
    health: HealthRecords,
    register: Vec<ChildFacts>,
    cases: treem_storage::FigureCases,
    calendar: WorkingCalendar,
    /// Disasters and relief, child marriages (targets 17, 18), with the commune's relief rule.
    work: treem_domain::work::WorkRecords,
    relief: treem_domain::work::ReliefRule,
    /// Forums' participants, villages and play places (targets 26–29).
    activities: treem_domain::activity::ActivityFacts,
    /// The earlier dates' results already computed.
    hits: Vec<Option<Arc<Computed>>>,
}

impl Inputs {
    /// Where the last date (`as_of`) is in `dates`.
    fn last(&self) -> usize {
        self.dates.len() - 1
    }

    fn snapshot(&self, i: usize) -> Snapshot<'_> {
        Snapshot {
            as_of: self.dates[i],
            period: self.periods[i],
            // Every date reads the same records, each placed on the date by its own dates.
            children: self.register.as_slice().into(),
            supports: &self.supports,
            reported: &self.reported,
            assessments: &self.assessments,
            health: &self.health,
            cases: &self.cases.cases,
            calendar: &self.calendar,
            work: &self.work,
            activities: &self.activities,
        }
    }

    /// The engine's results for each date not already computed, one date per thread.
    fn results(&self) -> Vec<Option<Vec<TargetResult>>> {
        let settings = Settings {
            support_answers: self.support_answers.clone(),
            relief: self.relief,
            ..Settings::default()
        };
        // Built once for all the dates: the vaccinations and measurements by child.
        let shared = Arc::new(SharedHealth::new(&self.health, &settings));
        let mut results: Vec<Option<Vec<TargetResult>>> = std::thread::scope(|s| {
            let work: Vec<_> = (0..self.dates.len())
                .map(|i| {
                    let hit = self.hits.get(i).cloned().flatten();
                    let (settings, shared) = (&settings, &shared);
                    s.spawn(move || match hit {
                        Some(_) => None,
                        None => Some(compute_all_shared(
                            &self.plan,
                            &self.snapshot(i),
                            settings,
                            &[],
                            Some(shared),
                        )),
                    })
                })
                .collect();
            work.into_iter()
                .map(|w| w.join().expect("figures computation"))
                .collect()
        });
        // Target 16 counts the cases that open and says how many do not.
        for r in results.iter_mut().flatten() {
            treem_domain::indicator::note_damaged_cases(&self.plan, r, self.cases.damaged.len());
        }
        results
    }

    fn computed(&self, i: usize, results: Vec<TargetResult>) -> Arc<Computed> {
        Arc::new(Computed {
            plan: self.plan.clone(),
            as_of: self.dates[i],
            known: self.known,
            period: self.periods[i],
            results,
            cases: case_figures(&self.cases, self.periods[i], self.dates[i], &self.calendar),
        })
    }

    /// Each date's figures, the last with each target's direction over the earlier ones.
    fn compute(self) -> Vec<Arc<Computed>> {
        let mut results = self.results();
        let earlier = self.last();
        let mut out: Vec<Arc<Computed>> = Vec::new();
        for (i, result) in results.iter_mut().enumerate().take(earlier) {
            out.push(match &self.hits[i] {
                Some(hit) => hit.clone(),
                None => self.computed(i, values_only(result.take().unwrap_or_default())),
            });
        }
        let prior = prior_values(self.year, &self.dates, &out);
        let mut last = results[earlier].take().unwrap_or_default();
        apply_trend(&self.plan, self.periods[earlier], &mut last, &prior);
        out.push(self.computed(earlier, last));
        // Freeing a million records takes a while: the figures are ready, so it is left to a
        // thread of its own.
        let Inputs {
            register, health, ..
        } = self;
        std::thread::spawn(move || drop((register, health)));
        out
    }
}

/// An earlier date's results as a trend point keeps them: without the children behind each
/// figure. A trend point is read for its values only ([`prior_values`]) and kept under a key of
/// its own, which only a later date's trend reads; the children it counted took 46 MB a point at
/// a million (a page asking for that date's children computes it as its own date).
fn values_only(mut results: Vec<TargetResult>) -> Vec<TargetResult> {
    for r in &mut results {
        r.figure.numerator_ids = Default::default();
        r.figure.denominator_ids = Default::default();
        if let Some(s) = &mut r.secondary {
            s.numerator_ids = Default::default();
            s.denominator_ids = Default::default();
        }
    }
    results
}

/// The trend reads each earlier figure's value only.
fn prior_values(
    year: i16,
    dates: &[Date],
    out: &[Arc<Computed>],
) -> Vec<(Period, Vec<TargetResult>)> {
    dates
        .iter()
        .zip(out)
        .map(|(d, c)| {
            let values = c.results.iter().map(|r| TargetResult {
                number: r.number,
                figure: Figure {
                    value: r.figure.value,
                    ..Figure::default()
                },
                secondary: None,
                status: r.status,
                trend: None,
                breakdown: Default::default(),
                note: None,
                related: Vec::new(),
            });
            (
                Period::new(jiff::civil::date(year, 1, 1), *d),
                values.collect(),
            )
        })
        .collect()
}

/// Reads what the engine needs for `dates` (the register, the health records up to `as_of`,
/// the supports of every period involved, …); `hits` are the earlier dates already computed.
async fn inputs(
    state: &AppState,
    year: i16,
    known: Known,
    dates: Vec<Date>,
    hits: Vec<Option<Arc<Computed>>>,
    period: Option<Period>,
) -> Result<Inputs, ApiError> {
    let as_of = *dates.last().expect("the date asked for");
    let plan = load_plan(state, year).await?;
    let periods = match period {
        Some(p) => vec![p; dates.len()],
        None => periods_for(state, &plan, &dates).await?,
    };
    let from = periods.iter().map(|p| p.start).min().unwrap_or(as_of);
    let to = periods.iter().map(|p| p.end).max().unwrap_or(as_of);
    // Figures are aggregates: the whole commune is counted, whoever asks; which records a
    // person may then open is decided by their own scope.
    let system = Actor::system();
    let store = &state.store;
    let (reported, assessments, supports, health, register, support_answers) = tokio::try_join!(
        store.reported_values(year, known),
        store.assessments(known),
        store.supports(from, to, known),
        store.health_records(&system, Some(as_of), known),
        store.register_for_figures(&system, known),
        store.support_answers(),
    )?;
    let (work, relief) = tokio::try_join!(store.work_for_figures(), store.relief_rule())?;
    let activities = store.activity_facts(from, to, known).await?;
    let mut cases = cases_for_figures(state).await;
    if let Some(day) = known.recorded_by() {
        cases.cases = cases
            .cases
            .iter()
            .filter_map(|c| c.as_recorded_by(day))
            .collect();
    }
    Ok(Inputs {
        year,
        known,
        plan,
        dates,
        periods,
        reported,
        assessments,
        supports,
        support_answers,
        health,
        register,
        cases,
        calendar: store.calendar().clone(),
        work,
        relief,
        activities,
        hits,
    })
}

/// The figures on `as_of`, with each target's direction over the year's two quarter ends before
/// it (a target met but worsening twice in a row is "có nguy cơ"), from every record known now
/// or from what was recorded by a day (`known`), each record placed by its own dates
/// ([`Known`]).
///
/// Everything is read once for all the dates: the register (each child's latest version
/// known: the engine places it on each date by its dates), the health records up to `as_of`
/// (the engine leaves out those dated after each date), the supports of every period involved.
/// Nothing is computed for a date whose report period waits for the officer's confirmation
/// ([`ApiError::PeriodNotConfirmed`]).
pub async fn compute(
    state: &AppState,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<Arc<Computed>, ApiError> {
    // No plan outside the plan years; their dates may not even exist (year 10000).
    if !treem_domain::limits::PLAN_YEARS.contains(&year) {
        return Err(ApiError::NotFound);
    }
    let stamp = format!(
        "{}/{}",
        state.store.figures_stamp().await?,
        state.store.activities_stamp().await?
    );
    // The status reads the trend's last points only: the earlier quarter ends are computed when
    // a target's chart asks for them.
    let mut dates = trend_dates(year, as_of);
    dates.drain(..dates.len().saturating_sub(TREND_POINTS));
    let earlier = dates.len() - 1;
    if let Some(hit) = cached(state, &key(year, as_of, known, &stamp, earlier)) {
        return Ok(hit);
    }
    let hits: Vec<Option<Arc<Computed>>> = dates
        .iter()
        .take(earlier)
        .map(|d| cached(state, &key(year, *d, known, &stamp, 0)))
        .collect();
    let was_cached: Vec<bool> = hits.iter().map(Option::is_some).collect();
    let inputs = inputs(state, year, known, dates, hits, None).await?;
    let computed = compute_off_thread(inputs).await?;
    keep(state, year, known, &stamp, &computed, &was_cached);
    Ok(computed[earlier].clone())
}

/// The figures of one report's own period on `as_of` (the Month of Action's June, a forum's
/// day), whatever period the date falls in for the dashboard: no trend, not kept.
pub async fn compute_for_period(
    state: &AppState,
    year: i16,
    period: Period,
    as_of: Date,
    known: Known,
) -> Result<Arc<Computed>, ApiError> {
    if !treem_domain::limits::PLAN_YEARS.contains(&year) {
        return Err(ApiError::NotFound);
    }
    let inputs = inputs(state, year, known, vec![as_of], vec![None], Some(period)).await?;
    let mut computed = compute_off_thread(inputs).await?;
    computed
        .pop()
        .ok_or_else(|| ApiError::Internal("figures: no result".into()))
}

/// The engine is plain computation: off the async threads. Its inputs (the whole register and
/// every health record) are freed when it ends, and their memory given back to the system.
async fn compute_off_thread(inputs: Inputs) -> Result<Vec<Arc<Computed>>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let computed = inputs.compute();
        crate::memory::give_back();
        computed
    })
    .await
    .map_err(|e| ApiError::Internal(format!("figures: {e}")))
}

/// Keeps the new results (the last under its key with the earlier points it read).
fn keep(
    state: &AppState,
    year: i16,
    known: Known,
    stamp: &str,
    computed: &[Arc<Computed>],
    was_cached: &[bool],
) {
    let earlier = computed.len() - 1;
    let mut cache = state.figures.0.lock().unwrap_or_else(|e| e.into_inner());
    for (i, c) in computed.iter().enumerate() {
        if was_cached.get(i) == Some(&true) {
            continue;
        }
        let k = key(
            year,
            c.as_of,
            known,
            stamp,
            if i == earlier { earlier } else { 0 },
        );
        cache.retain(|(x, _)| *x != k);
        cache.push((k, c.clone()));
    }
    while cache.len() > KEEP {
        cache.remove(0);
    }
}

fn key(year: i16, as_of: Date, known: Known, stamp: &str, priors: usize) -> String {
    format!("{year}/{as_of}/{known:?}/{stamp}/{priors}")
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
        .filter_map(|(m, d)| Date::new(year, *m, *d).ok())
        .filter(|d| *d < as_of)
        .collect();
    v.push(as_of);
    v
}

/// The case files for target 16: those that open, and the ids of the damaged ones, which are
/// left out and noted (with a wrong key none open, and the target says "no data"); none when
/// they cannot be read at all. The other agencies' figures show either way; `treem check`
/// names the rows that do not open.
async fn cases_for_figures(state: &AppState) -> treem_storage::FigureCases {
    match state.store.cases_for_figures().await {
        Ok(cases) => cases,
        Err(e) => {
            tracing::error!("case files left out of the figures: {e}");
            treem_storage::FigureCases::default()
        }
    }
}

/// The date figures are computed at for this role, and what they read: the date and records
/// asked, or for those who see protected counts the last quarter end on or before it and today,
/// as recorded by then ([`disclosure::publication`]).
pub fn date_for(role: Role, asked: Date, known: Known) -> (Date, Known) {
    if role.sees_protected_counts() {
        disclosure::publication(asked, treem_storage::today())
    } else {
        (asked, known)
    }
}

/// The results "có nguy cơ" reads besides the date's own: the last quarter ends before it
/// (at most [`TREND_POINTS`] − 1), oldest first.
pub async fn earlier_points(
    state: &AppState,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<Vec<Arc<Computed>>, ApiError> {
    let mut dates = trend_dates(year, as_of);
    dates.pop();
    let keep = dates.len().saturating_sub(TREND_POINTS - 1);
    let mut out = Vec::new();
    for d in dates.drain(keep..) {
        out.push(compute(state, year, d, known).await?);
    }
    Ok(out)
}

/// A target's result as `role` sees it: exact, or protected for the province
/// ([`disclosure::publish_result`]) with "có nguy cơ" kept only when the figures it is read
/// from (`earlier`, from [`earlier_points`]) are published.
pub fn published(
    role: Role,
    t: &Target,
    r: &TargetResult,
    earlier: &[Arc<Computed>],
) -> PublishedResult {
    if !role.sees_protected_counts() {
        return PublishedResult::exact(r);
    }
    let trend_published = earlier.len() == TREND_POINTS - 1
        && earlier.iter().all(|c| {
            c.results
                .iter()
                .find(|x| x.number == r.number)
                .is_some_and(|x| disclosure::value_published(t, x))
        });
    disclosure::publish_result(t, r, trend_published)
}

/// "8,3 ‰", or "ẩn" for a figure the viewer may not see.
pub fn show_published(f: &disclosure::PublishedFigure, unit: Option<Unit>) -> String {
    if f.value_hidden {
        "ẩn".into()
    } else {
        show(f.value, unit)
    }
}
