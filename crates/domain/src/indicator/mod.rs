//! The indicator engine: a figure and a status for each target (chỉ tiêu) of the plan, from an
//! in-memory [`Snapshot`] of the register and the figures agencies entered.
//!
//! Where a target's figure comes from is the plan's `source`:
//! * `register`: computed from the children's register by a [`RegisterIndicator`] (targets 13,
//!   14, 19 and 21 of the Sính Phình 2026 plan), and with the health station's records
//!   ([`Snapshot::health`]) for the health targets (3–7, 9–11, 15); the figure carries the ids
//!   of the children behind its numerator and denominator and a [`Breakdown`] by village, sex,
//!   ethnicity and age band (target 11 is aggregate counts: no ids, no breakdown);
//! * `reported`: the [`ReportedValue`] an agency entered for the target and the reporting
//!   period (check it with [`validate_reported`] before storing it);
//! * `assessment`: the latest [`AssessmentValue`] (child-friendly commune self-assessment,
//!   QĐ 06/QĐ-TTg, 03/01/2019) on or before the as-of date.
//!
//! A figure with no usable denominator or no data has `value = None` and the status
//! [`TargetStatus::NoData`] ("chưa có số liệu"), never 0 %. The status otherwise comes from the
//! plan's comparator ([`Target::status`], [`SubTarget::status`]); a target that states two
//! figures is met only when both are. [`compute_all_with`] also looks at earlier periods and
//! turns a met target whose figure moved the wrong way twice in a row into
//! [`TargetStatus::AtRisk`] (rule in [`trend_status`]).
//!
//! Pure: the caller loads the register versions, supports, entries and assessments.

mod activities;
mod breakdown;
mod cases;
mod child_ids;
mod definition;
mod formulas;
mod health;
mod known;
mod plan_file;
mod prepared;
mod records;
mod reported;
mod selection;
mod shared;
mod snapshot;
mod trend;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_health;

pub use crate::date::Period;
pub use activities::ActivityIndicator;
pub use breakdown::{AgeBand, Breakdown, Cell};
pub use cases::{note_damaged_cases, CaseIndicator};
pub use child_ids::ChildIds;
pub use definition::{definition_vi, definitions_vi, yearly, Definition, Yearly};
pub use formulas::{age5_cohort, RegisterIndicator, UnknownIndicator, SCHOOL_YEAR_START_MONTH};
pub use known::Known;
pub use plan_file::read_plan_file;
pub use records::RecordsIndicator;
pub use reported::validate_reported;
pub use shared::SharedHealth;
pub(crate) use snapshot::Rec;
pub use snapshot::{AssessmentValue, ChildFacts, Children, ReportedValue, Snapshot, SupportRecord};
pub use trend::{trend_status, Trend, TREND_POINTS};

use crate::health::Schedule;
use crate::plan::{Comparator, Place, Plan, Problem, Source, Status, SubTarget, Target, Unit};
use prepared::Prepared;
use serde::{Deserialize, Serialize};

/// Parameters of the engine. The defaults are what this module documents; a deployment may
/// change them (the legal age limit is settled, the stability thresholds are a design choice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Children are under this age (completed years) for targets 13 and 14. Law on Children
    /// 2016, Art. 1: "Trẻ em là người dưới 16 tuổi". Default 16.
    pub child_age_limit: i32,
    /// A percentage is flagged unstable below this denominator. Default 20: below it one child
    /// moves the rate by more than 5 percentage points.
    pub min_denominator_percent: u64,
    /// A rate per 1.000 is flagged unstable below this denominator. Default 1.000: below it
    /// one event moves the rate by more than 1 ‰ (a commune with ~120 births a year always has
    /// unstable mortality rates; show the count, as the research notes advise).
    pub min_denominator_per_mille: u64,
    /// A rate per 100.000 is flagged unstable below this denominator. Default 100.000, on the
    /// same reasoning (one event moves the rate by more than 1/100.000).
    pub min_denominator_per_100000: u64,
    /// The immunization schedule for targets 9 and 10. Default: the embedded
    /// `data/epi-schedule.toml` ([`Schedule::default`]).
    #[serde(default)]
    pub epi_schedule: Schedule,
    /// Which kinds of support answer which circumstance group, for target 14 (the commune's
    /// setting, [`crate::support::SupportAnswers`]). Default: every kind answers every group.
    #[serde(default)]
    pub support_answers: crate::support::SupportAnswers,
    /// When help after a disaster counts as timely for target 17 (the commune's setting,
    /// [`crate::work::ReliefRule`]). Default: within 7 days.
    #[serde(default)]
    pub relief: crate::work::ReliefRule,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            child_age_limit: 16,
            min_denominator_percent: 20,
            min_denominator_per_mille: 1_000,
            min_denominator_per_100000: 100_000,
            epi_schedule: Schedule::default(),
            support_answers: Default::default(),
            relief: Default::default(),
        }
    }
}

impl Settings {
    /// Whether a rate in `unit` over `denominator` is too small to be stable. Counts are never
    /// flagged; an empty denominator is not flagged (the figure has no value at all).
    pub fn unstable(&self, unit: Option<Unit>, denominator: f64) -> bool {
        let min = match unit.unwrap_or(Unit::Percent) {
            Unit::Percent => self.min_denominator_percent,
            Unit::PerMille => self.min_denominator_per_mille,
            Unit::Per100000 => self.min_denominator_per_100000,
            Unit::Count => return false,
        };
        denominator > 0.0 && denominator < min as f64
    }
}

/// One figure of a target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// numerator / denominator × the unit's scale (or the count, or 1/0 for qualitative
    /// targets). `None` when the denominator is 0 or there is no data: "chưa có số liệu",
    /// never 0 %.
    pub value: Option<f64>,
    /// Register children behind the numerator, by id, ascending (empty unless from the register).
    pub numerator_ids: ChildIds,
    /// Register children behind the denominator, by id, ascending.
    pub denominator_ids: ChildIds,
    /// The denominator is too small for a stable rate ([`Settings::unstable`]).
    pub unstable: bool,
    /// For "không quá" / "dưới" targets (and counts): how many numerator events the target
    /// allows at this denominator ([`Target::allowed_events`]); 1 neonatal death in 120 births
    /// is 8,3 ‰, and "dưới 2,9 ‰" allows 0.
    pub allowed_events: Option<u64>,
    /// When the figure was entered: `entered_at` of the reported value used, or the date of
    /// the assessment used; `None` for register figures (they are as of `as_of`).
    pub last_entered: Option<String>,
    /// The assessment's score, for assessment-sourced targets.
    pub score: Option<f64>,
}

/// Status of a target in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// Đạt.
    Met,
    /// Chưa đạt.
    NotMet,
    /// Có nguy cơ không đạt: met now, but the figure moved away from the target in each of the
    /// last two periods ([`trend_status`]).
    AtRisk,
    /// Chưa có số liệu: nothing entered, no assessment, or an empty denominator.
    NoData,
    /// Chưa xác định được: a figure exists but cannot be compared (e.g. a "giảm x% so với năm
    /// trước" target whose baseline has no value yet).
    Undetermined,
}

impl TargetStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            TargetStatus::Met => "đạt",
            TargetStatus::NotMet => "chưa đạt",
            TargetStatus::AtRisk => "có nguy cơ không đạt",
            TargetStatus::NoData => "chưa có số liệu",
            TargetStatus::Undetermined => "chưa xác định được",
        }
    }
}

/// A target's figure(s) and status for the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    pub number: u16,
    pub figure: Figure,
    /// The second figure, for targets that state two (15, 20, 25 in the seed).
    pub secondary: Option<Figure>,
    pub status: TargetStatus,
    /// Direction over the last periods; only from [`compute_all_with`] with earlier periods.
    pub trend: Option<Trend>,
    /// Register targets only (empty otherwise); breaks down the first figure.
    pub breakdown: Breakdown,
    /// Why there is no figure or no status, in Vietnamese (unknown indicator, no baseline, …).
    pub note: Option<String>,
    /// Figures shown beside the target's ([`RegisterIndicator::related`]: the hepatitis B birth
    /// dose beside target 9), computed with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedFigure>,
}

/// A figure shown beside a target's ([`TargetResult::related`]): a percentage with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedFigure {
    /// The indicator's name in the plan file's words ("hepb_birth_dose").
    pub indicator: String,
    /// Its Vietnamese name.
    pub title: String,
    pub figure: Figure,
}

/// The target's figure(s) and status, with the default [`Settings`].
pub fn compute_target(plan_target: &Target, snap: &Snapshot) -> TargetResult {
    compute_target_with(plan_target, snap, &Settings::default())
}

/// The target's figure(s) and status.
pub fn compute_target_with(t: &Target, snap: &Snapshot, settings: &Settings) -> TargetResult {
    target_with(t, &Prepared::new(*snap, settings), settings)
}

fn target_with(t: &Target, prep: &Prepared, settings: &Settings) -> TargetResult {
    let mut notes = Vec::new();
    let (figure, breakdown) = figure_for(Fig::Main(t), t.number, prep, settings, &mut notes);
    let first = figure
        .value
        .map(|x| records_status(t, x, &prep.snap, &mut notes));
    let (secondary, second) = match &t.secondary {
        None => (None, None),
        Some(s) => {
            let (f, _) = figure_for(Fig::Sub(s), t.number, prep, settings, &mut notes);
            let st = f.value.map(|x| s.status(x));
            (Some(f), Some(st))
        }
    };
    let status = combine(first, second);
    if status == TargetStatus::Undetermined {
        let no_baseline = |c: Comparator, b: Option<f64>| {
            c == Comparator::ReduceByPercent && b.is_none_or(|b| !b.is_finite())
        };
        let base = |b: &Option<crate::plan::Baseline>| b.as_ref().and_then(|b| b.value);
        if no_baseline(t.comparator, base(&t.baseline))
            || t.secondary
                .as_ref()
                .is_some_and(|s| no_baseline(s.comparator, base(&s.baseline)))
        {
            notes.push(
                "chưa có số liệu năm cơ sở để so sánh (mục `baseline` của chỉ tiêu)".to_string(),
            );
        }
    }
    let related = match &t.source {
        Source::Register { indicator } => RegisterIndicator::parse(indicator)
            .map(|ind| ind.related())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let sel = r.select(prep, settings);
                let mut figure = sel.figure(Some(r.unit()));
                figure.unstable = figure.value.is_some()
                    && settings.unstable(Some(r.unit()), figure.denominator.unwrap_or(0.0));
                RelatedFigure {
                    indicator: r.as_str().into(),
                    title: r.title_vi().into(),
                    figure,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    TargetResult {
        number: t.number,
        figure,
        secondary,
        status,
        trend: None,
        related,
        breakdown,
        note: if notes.is_empty() {
            None
        } else {
            Some(notes.join("; "))
        },
    }
}

/// Every target of the plan, in the plan's order, with the default [`Settings`] and no trend.
pub fn compute_all(plan: &Plan, snap: &Snapshot) -> Vec<TargetResult> {
    compute_all_with(plan, snap, &Settings::default(), &[])
}

/// Every target of the plan, in the plan's order. `prior` holds results of earlier periods
/// (any order; entries for `snap.period` itself are ignored): each target gets a
/// [`trend_status`] over them and the current figure, and a met target whose trend is
/// [`Trend::Worsening`] becomes [`TargetStatus::AtRisk`] (see [`apply_trend`]).
pub fn compute_all_with(
    plan: &Plan,
    snap: &Snapshot,
    settings: &Settings,
    prior: &[(Period, Vec<TargetResult>)],
) -> Vec<TargetResult> {
    compute_all_shared(plan, snap, settings, prior, None)
}

/// [`compute_all_with`], reading what the snapshots of several dates over the same health
/// records share from `shared` ([`SharedHealth::new`] with these records and settings; any
/// other is not used): a caller computing several dates builds it once.
pub fn compute_all_shared<'a>(
    plan: &Plan,
    snap: &Snapshot<'a>,
    settings: &Settings,
    prior: &[(Period, Vec<TargetResult>)],
    shared: Option<&std::sync::Arc<SharedHealth<'a>>>,
) -> Vec<TargetResult> {
    let threads = if snap.children.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    // What several targets read (children by id, vaccinations by child, …) is built once.
    let prep = match shared {
        Some(shared) => Prepared::with_shared(*snap, settings, shared),
        None => Prepared::new(*snap, settings),
    };
    compute_prepared(plan, &prep, settings, prior, threads)
}

#[cfg(test)]
fn compute_all_on(
    plan: &Plan,
    snap: &Snapshot,
    settings: &Settings,
    prior: &[(Period, Vec<TargetResult>)],
    threads: usize,
) -> Vec<TargetResult> {
    compute_prepared(
        plan,
        &Prepared::new(*snap, settings),
        settings,
        prior,
        threads,
    )
}

fn compute_prepared(
    plan: &Plan,
    prep: &Prepared,
    settings: &Settings,
    prior: &[(Period, Vec<TargetResult>)],
    threads: usize,
) -> Vec<TargetResult> {
    let snap = &prep.snap;
    let mut results = if threads <= 1 {
        plan.targets
            .iter()
            .map(|t| target_with(t, prep, settings))
            .collect()
    } else {
        in_parallel(plan, prep, settings, threads)
    };
    apply_trend(plan, snap.period, &mut results, prior);
    results
}

/// From this many children the targets of a snapshot are computed on every core.
const PARALLEL_FROM: usize = 50_000;

/// The plan's targets, in its order, computed by `threads` threads taking the next target as
/// they finish one.
fn in_parallel(
    plan: &Plan,
    prep: &Prepared,
    settings: &Settings,
    threads: usize,
) -> Vec<TargetResult> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(t) = plan.targets.get(i) else {
                return done;
            };
            done.push((i, target_with(t, prep, settings)));
        }
    };
    let mut all: Vec<(usize, TargetResult)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in others {
            all.extend(h.join().expect("indicator thread"));
        }
        all
    });
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Gives `results` (of the plan's targets for `period`, in the plan's order, computed without
/// earlier periods) their trend over `prior`, as [`compute_all_with`] does: the results of earlier periods can
/// then be computed at the same time as these.
pub fn apply_trend(
    plan: &Plan,
    period: Period,
    results: &mut [TargetResult],
    prior: &[(Period, Vec<TargetResult>)],
) {
    if prior.is_empty() {
        return;
    }
    for (r, t) in results.iter_mut().zip(&plan.targets) {
        let mut history: Vec<(Period, Option<f64>)> = prior
            .iter()
            .filter(|(p, _)| *p != period)
            .map(|(p, rs)| {
                let v = rs
                    .iter()
                    .find(|x| x.number == t.number)
                    .and_then(|x| x.figure.value);
                (*p, v)
            })
            .collect();
        history.push((period, r.figure.value));
        r.trend = trend_status(&history, t);
        if r.status == TargetStatus::Met && r.trend == Some(Trend::Worsening) {
            r.status = TargetStatus::AtRisk;
        }
    }
}

/// What the indicator engine needs from a plan that plan validation does not check: every
/// register-sourced figure names a known [`RegisterIndicator`], with the indicator's unit
/// ([`RegisterIndicator::unit`]: ‰ for mortality, /100.000 for injuries, % otherwise).
pub fn validate_plan(plan: &Plan) -> Vec<Problem> {
    let mut out = Vec::new();
    for t in &plan.targets {
        let mut check = |prefix: &str, source: &Source, unit: Option<Unit>| {
            if let Source::Activities { indicator } = source {
                if let Err(message) = ActivityIndicator::parse(indicator) {
                    out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}source.indicator"),
                        message,
                    });
                } else if unit.unwrap_or(Unit::Percent) != Unit::Percent {
                    out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}unit"),
                        message:
                            "chỉ số hoạt động là một tỷ lệ phần trăm; đơn vị phải là `percent`"
                                .into(),
                    });
                }
                return;
            }
            if let Source::Cases { indicator } = source {
                if let Err(message) = CaseIndicator::parse(indicator) {
                    out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}source.indicator"),
                        message,
                    });
                } else if unit.unwrap_or(Unit::Percent) != Unit::Percent {
                    out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}unit"),
                        message: "chỉ số hồ sơ là một tỷ lệ phần trăm; đơn vị phải là `percent`"
                            .into(),
                    });
                }
                return;
            }
            if let Source::Records { indicator } = source {
                match RecordsIndicator::parse(indicator) {
                    Err(message) => out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}source.indicator"),
                        message,
                    }),
                    Ok(ind) if unit.unwrap_or(Unit::Percent) != ind.unit() => out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}unit"),
                        message: format!(
                            "chỉ số «{indicator}» tính theo đơn vị `{}`",
                            match ind.unit() {
                                Unit::Count => "count",
                                _ => "percent",
                            }
                        ),
                    }),
                    Ok(_) => {}
                }
                return;
            }
            let Source::Register { indicator } = source else {
                return;
            };
            match RegisterIndicator::parse(indicator) {
                Err(e) => out.push(Problem {
                    place: Place::Target(t.number),
                    field: format!("{prefix}source.indicator"),
                    message: e.to_string(),
                }),
                Ok(ind) if unit.unwrap_or(Unit::Percent) != ind.unit() => {
                    let (what, name) = match ind.unit() {
                        Unit::PerMille => ("một tỷ suất trên 1.000", "per_mille"),
                        Unit::Per100000 => ("một tỷ suất trên 100.000", "per_100000"),
                        Unit::Count => ("một số đếm", "count"),
                        Unit::Percent => ("một tỷ lệ phần trăm", "percent"),
                    };
                    out.push(Problem {
                        place: Place::Target(t.number),
                        field: format!("{prefix}unit"),
                        message: format!("chỉ số «{indicator}» là {what}; đơn vị phải là `{name}`"),
                    })
                }
                Ok(_) => {}
            }
        };
        check("", &t.source, t.unit);
        if let Some(s) = &t.secondary {
            check("secondary.", &s.source, s.unit);
        }
    }
    out
}

/// The first or second figure of a target.
#[derive(Clone, Copy)]
enum Fig<'t> {
    Main(&'t Target),
    Sub(&'t SubTarget),
}

impl Fig<'_> {
    fn source(&self) -> &Source {
        match self {
            Fig::Main(t) => &t.source,
            Fig::Sub(s) => &s.source,
        }
    }
    fn unit(&self) -> Option<Unit> {
        match self {
            Fig::Main(t) => t.unit,
            Fig::Sub(s) => s.unit,
        }
    }
    fn comparator(&self) -> Comparator {
        match self {
            Fig::Main(t) => t.comparator,
            Fig::Sub(s) => s.comparator,
        }
    }
    fn is_secondary(&self) -> bool {
        matches!(self, Fig::Sub(_))
    }
    fn allowed_events(&self, denominator: u64) -> Option<u64> {
        match self {
            Fig::Main(t) => t.allowed_events(denominator),
            Fig::Sub(s) => s.allowed_events(denominator),
        }
    }
}

/// value = numerator / denominator × the unit's scale; a count is the numerator itself.
/// Unit absent: a percentage.
impl RegisterIndicator {
    /// The denominator's children, each marked in the numerator or not: the health indicators'
    /// rules ([`health::select`]) or the register's ([`RegisterIndicator::select_register`]).
    fn select<'a>(self, prep: &Prepared<'a>, settings: &Settings) -> selection::Selection<'a> {
        if self.is_health() {
            health::select(self, prep, settings)
        } else {
            self.select_register(prep, settings)
        }
    }
}

/// A target's status; a "giảm x% so với năm trước" target counted from the work records with
/// no baseline value in the plan file is compared with the year before's count of the same
/// records ([`RecordsIndicator::baseline`]), which is then noted.
fn records_status(t: &Target, x: f64, snap: &Snapshot, notes: &mut Vec<String>) -> Status {
    let from_records = match &t.source {
        Source::Records { indicator } => RecordsIndicator::parse(indicator).ok(),
        _ => None,
    };
    let has_base = t.baseline.as_ref().and_then(|b| b.value).is_some();
    match from_records.and_then(|i| i.baseline(snap)) {
        Some(b) if t.comparator == Comparator::ReduceByPercent && !has_base => {
            let limit = b * (1.0 - t.value.unwrap_or(0.0) / 100.0);
            notes.push(format!(
                "cùng kỳ năm trước: {b} (tính từ sổ ghi chép); giảm {}% là không quá {}",
                t.value.unwrap_or(0.0),
                (limit * 100.0).round() / 100.0
            ));
            t.comparator.evaluate(x, t.value, Some(b))
        }
        _ => t.status(x),
    }
}

pub(crate) fn rate(numerator: f64, denominator: f64, unit: Option<Unit>) -> Option<f64> {
    match unit {
        Some(Unit::Count) => Some(numerator),
        _ => {
            let scale = unit.and_then(Unit::scale).unwrap_or(100.0);
            (denominator > 0.0).then(|| numerator / denominator * scale)
        }
    }
}

fn figure_for(
    fig: Fig,
    number: u16,
    prep: &Prepared,
    settings: &Settings,
    notes: &mut Vec<String>,
) -> (Figure, Breakdown) {
    let snap = &prep.snap;
    let unit = fig.unit();
    let (mut figure, breakdown) = match fig.source() {
        Source::Register { indicator } => match RegisterIndicator::parse(indicator) {
            Ok(ind) => {
                let sel = ind.select(prep, settings);
                let figure = sel.figure(unit);
                let breakdown = breakdown::build(&sel, unit, &prep.entries().villages);
                notes.extend(sel.notes);
                (figure, breakdown)
            }
            Err(e) => {
                notes.push(e.to_string());
                (Figure::default(), Breakdown::default())
            }
        },
        Source::Reported => {
            let f = reported::find(snap.reported, number, fig.is_secondary(), snap.period)
                .map(|rv| reported::figure(rv, unit))
                .unwrap_or_default();
            (f, Breakdown::default())
        }
        Source::Assessment => (
            assessment_figure(fig.comparator(), number, snap),
            Breakdown::default(),
        ),
        Source::Cases { indicator } => match CaseIndicator::parse(indicator) {
            Ok(ind) => (ind.figure(snap, snap.calendar, unit), Breakdown::default()),
            Err(e) => {
                notes.push(e);
                (Figure::default(), Breakdown::default())
            }
        },
        Source::Records { indicator } => match RecordsIndicator::parse(indicator) {
            Ok(ind) => (ind.figure(snap, settings, unit), Breakdown::default()),
            Err(e) => {
                notes.push(e);
                (Figure::default(), Breakdown::default())
            }
        },
        Source::Activities { indicator } => match ActivityIndicator::parse(indicator) {
            Ok(ind) => match ind.select(prep, settings) {
                Some(sel) => {
                    let figure = sel.figure(unit);
                    let breakdown = breakdown::build(&sel, unit, &prep.entries().villages);
                    (figure, breakdown)
                }
                None => (ind.villages_figure(prep, unit), Breakdown::default()),
            },
            Err(e) => {
                notes.push(e);
                (Figure::default(), Breakdown::default())
            }
        },
    };
    if figure.value.is_some() {
        let den = figure.denominator.unwrap_or(0.0);
        figure.unstable = settings.unstable(unit, den);
        figure.allowed_events = if unit == Some(Unit::Count) {
            fig.allowed_events(0)
        } else if den > 0.0 {
            fig.allowed_events(den.round() as u64)
        } else {
            None
        };
    }
    (figure, breakdown)
}

/// The latest assessment of the target on or before `as_of` (the later one in the slice when
/// two share a date). Qualitative targets take `met` as 1/0; others take the score.
fn assessment_figure(c: Comparator, number: u16, snap: &Snapshot) -> Figure {
    let Some(a) = snap
        .assessments
        .iter()
        .filter(|a| a.target == number && a.date <= snap.as_of)
        .max_by_key(|a| a.date)
    else {
        return Figure::default();
    };
    let value = if c == Comparator::Qualitative {
        a.met.map(|m| if m { 1.0 } else { 0.0 })
    } else {
        a.score
    };
    Figure {
        value,
        score: a.score,
        last_entered: Some(a.date.to_string()),
        ..Figure::default()
    }
}

/// Status of the whole target from its figure(s): `second` is `None` for one-figure targets,
/// `Some(None)` when the second figure has no data. Not met when any figure is not met; met
/// only when every figure is met; otherwise no data when a figure is missing, else
/// undetermined.
pub(crate) fn combine(first: Option<Status>, second: Option<Option<Status>>) -> TargetStatus {
    let all: Vec<Option<Status>> = std::iter::once(first).chain(second).collect();
    if all.contains(&Some(Status::NotMet)) {
        TargetStatus::NotMet
    } else if all.iter().all(|s| *s == Some(Status::Met)) {
        TargetStatus::Met
    } else if all.contains(&None) {
        TargetStatus::NoData
    } else {
        TargetStatus::Undetermined
    }
}
