//! WHO 2006 Child Growth Standards z-scores, birth to 60 months, computed
//! exactly as WHO's own software (R package `anthro`, igrowup) does.
//!
//! Indicators: length/height-for-age (LHFA), weight-for-age (WFA),
//! weight-for-length (WFL, under 731 days), weight-for-height (WFH, from 731
//! days) and BMI-for-age.
//!
//! * [`zscores`] computes every indicator for one child, with input checks
//!   (an impossible input is an error, never a panic).
//! * [`zscores_raw`] is WHO's algorithm as is: anything missing or invalid
//!   just leaves the affected z-scores empty. [`batch::zscores_csv`] uses it.
//! * [`zscore`], [`wfa`], [`lhfa`], [`wfl`], [`wfh`], [`bmi_for_age`] compute a
//!   single indicator from an age (or length) that needs no correction.
//! * [`curve`] gives the SD lines of a chart.
//!
//! ```
//! use growth::{zscores, round_who, Measure, Measurement, Sex, WflhTable};
//!
//! let z = zscores(&Measurement {
//!     sex: Sex::Male,
//!     age_days: 730,
//!     weight_kg: Some(13.30),
//!     lenhei_cm: Some(85.9),
//!     measure: Some(Measure::Lying),
//! })?;
//! assert_eq!(z.lhfa.map(round_who), Some(-0.62));
//! assert_eq!(z.wfa.map(round_who), Some(0.79));
//! assert_eq!(z.wflh_table, Some(WflhTable::Wfl));
//! assert_eq!(z.stunted(), Some(false));
//!
//! // WHO's test vector: restricted −4.14, plain −4.28.
//! assert_eq!(round_who(growth::wfa(Sex::Male, 365, 6.0)?), -4.14);
//! # Ok::<(), growth::GrowthError>(())
//! ```
//!
//! The tables are © World Health Organization: WHO Multicentre Growth
//! Reference Study Group (2006). *WHO Child Growth Standards: Length/height-
//! for-age, weight-for-age, weight-for-length, weight-for-height and body mass
//! index-for-age: Methods and development.* Geneva: WHO.

mod lms;
mod tables;

pub mod batch;

use std::fmt;

pub use lms::Lms;

/// Days in one month, as WHO defines it (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Last age in days for which WHO computes a z-score (`age_days / 30.4375 < 60`).
pub const MAX_AGE_DAYS: u32 = tables::MAX_TABLE_DAY;

/// Age (days) from which length is expected standing (24 months).
pub const HEIGHT_FROM_DAY: u32 = 731;

/// Correction between recumbent length and standing height, in cm.
pub const LENGTH_HEIGHT_SHIFT_CM: f64 = 0.7;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/// Sex of the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// How length was measured: `L` lying (recumbent length) or `H` standing
/// (height).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Recumbent length, `"L"`.
    Lying,
    /// Standing height, `"H"`.
    Standing,
}

/// The five WHO 2006 indicators (each with its own table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Indicator {
    /// Weight-for-age, by age in days; restricted beyond ±3 SD.
    Wfa,
    /// Length/height-for-age, by age in days; plain LMS z (L = 1).
    Lhfa,
    /// Weight-for-length, by length 45–110 cm; restricted beyond ±3 SD.
    Wfl,
    /// Weight-for-height, by height 65–120 cm; restricted beyond ±3 SD.
    Wfh,
    /// BMI-for-age, by age in days; restricted beyond ±3 SD.
    BmiForAge,
}

impl Indicator {
    /// Indexed by age in days (`true`) or by length/height in cm (`false`).
    pub fn is_age_based(self) -> bool {
        matches!(
            self,
            Indicator::Wfa | Indicator::Lhfa | Indicator::BmiForAge
        )
    }

    /// Whether WHO's restricted application beyond ±3 SD applies (every
    /// weight-based indicator, i.e. all but length/height-for-age).
    pub fn is_restricted(self) -> bool {
        !matches!(self, Indicator::Lhfa)
    }

    /// Range of the table's x axis: days for age-based, cm otherwise.
    pub fn x_range(self) -> (f64, f64) {
        match self {
            Indicator::Wfa | Indicator::Lhfa | Indicator::BmiForAge => (0.0, MAX_AGE_DAYS as f64),
            Indicator::Wfl => (45.0, 110.0),
            Indicator::Wfh => (65.0, 120.0),
        }
    }

    /// Short lowercase name: `wfa`, `lhfa`, `wfl`, `wfh`, `bmi`.
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Wfa => "wfa",
            Indicator::Lhfa => "lhfa",
            Indicator::Wfl => "wfl",
            Indicator::Wfh => "wfh",
            Indicator::BmiForAge => "bmi",
        }
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which weight-for-length/height table was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WflhTable {
    /// Weight-for-length (45–110 cm).
    Wfl,
    /// Weight-for-height (65–120 cm).
    Wfh,
}

impl WflhTable {
    /// `"wfl"` or `"wfh"`.
    pub fn as_str(self) -> &'static str {
        match self {
            WflhTable::Wfl => "wfl",
            WflhTable::Wfh => "wfh",
        }
    }

    /// The corresponding [`Indicator`].
    pub fn indicator(self) -> Indicator {
        match self {
            WflhTable::Wfl => Indicator::Wfl,
            WflhTable::Wfh => Indicator::Wfh,
        }
    }
}

/// One child's measurement, age known (see [`RawMeasurement`] for an unknown
/// age or sex).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    pub sex: Sex,
    /// Age in completed days.
    pub age_days: u32,
    pub weight_kg: Option<f64>,
    /// Length or height as measured (before the ±0.7 cm correction).
    pub lenhei_cm: Option<f64>,
    /// Position of the length measurement; `None` if unknown.
    pub measure: Option<Measure>,
}

/// Input to [`zscores_raw`]: like [`Measurement`] but every field may be
/// missing, as in WHO's software.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct RawMeasurement {
    pub sex: Option<Sex>,
    pub age_days: Option<u32>,
    pub weight_kg: Option<f64>,
    pub lenhei_cm: Option<f64>,
    pub measure: Option<Measure>,
}

impl From<&Measurement> for RawMeasurement {
    fn from(m: &Measurement) -> Self {
        RawMeasurement {
            sex: Some(m.sex),
            age_days: Some(m.age_days),
            weight_kg: m.weight_kg,
            lenhei_cm: m.lenhei_cm,
            measure: m.measure,
        }
    }
}

impl From<Measurement> for RawMeasurement {
    fn from(m: Measurement) -> Self {
        RawMeasurement::from(&m)
    }
}

/// All z-scores of one child. A z-score is `None` when WHO's software leaves
/// it missing. z-scores are not rounded; flags and [`ZScores::stunted`] etc.
/// use the 2-decimal z, as WHO does (see [`round_who`]).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct ZScores {
    /// Length/height after the ±0.7 cm correction (cm).
    pub clenhei_cm: Option<f64>,
    /// weight / (clenhei/100)², kg/m².
    pub bmi: Option<f64>,
    /// Length/height-for-age z (plain LMS).
    pub lhfa: Option<f64>,
    /// Weight-for-age z (restricted beyond ±3).
    pub wfa: Option<f64>,
    /// Weight-for-length or weight-for-height z (restricted beyond ±3).
    pub wflh: Option<f64>,
    /// BMI-for-age z (restricted beyond ±3).
    pub bmi_for_age: Option<f64>,
    /// The table `wflh` comes from; `None` exactly when `wflh` is `None`.
    pub wflh_table: Option<WflhTable>,
    /// LHFA implausible: |z| > 6.
    pub flag_lhfa: bool,
    /// WFA implausible: z < −6 or z > 5.
    pub flag_wfa: bool,
    /// WFL/H implausible: |z| > 5.
    pub flag_wflh: bool,
    /// BMI-for-age implausible: |z| > 5.
    pub flag_bmi: bool,
}

impl ZScores {
    /// Stunted: unflagged LHFA with 2-decimal z < −2. `None` when LHFA is
    /// missing or flagged.
    pub fn stunted(&self) -> Option<bool> {
        below_minus_two(self.lhfa, self.flag_lhfa)
    }

    /// Underweight: unflagged WFA with 2-decimal z < −2. `None` when WFA is
    /// missing or flagged.
    pub fn underweight(&self) -> Option<bool> {
        below_minus_two(self.wfa, self.flag_wfa)
    }

    /// Wasted: unflagged WFL/H with 2-decimal z < −2. `None` when WFL/H is
    /// missing or flagged.
    pub fn wasted(&self) -> Option<bool> {
        below_minus_two(self.wflh, self.flag_wflh)
    }

    /// Classification of an unflagged LHFA z (stunting).
    pub fn lhfa_class(&self) -> Option<Classification> {
        unflagged(self.lhfa, self.flag_lhfa).map(classify)
    }

    /// Classification of an unflagged WFA z (underweight).
    pub fn wfa_class(&self) -> Option<Classification> {
        unflagged(self.wfa, self.flag_wfa).map(classify)
    }

    /// Classification of an unflagged WFL/H z (wasting).
    pub fn wflh_class(&self) -> Option<Classification> {
        unflagged(self.wflh, self.flag_wflh).map(classify)
    }
}

fn unflagged(z: Option<f64>, flag: bool) -> Option<f64> {
    z.filter(|_| !flag)
}

fn below_minus_two(z: Option<f64>, flag: bool) -> Option<bool> {
    unflagged(z, flag).map(|z| round_who_cents(z) < -200)
}

/// WHO classification of a z-score (on the 2-decimal z).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Classification {
    /// z ≥ −2.
    Normal,
    /// −3 ≤ z < −2.
    Moderate,
    /// z < −3.
    Severe,
}

/// Classify a z-score as WHO does: on the z rounded to 2 decimals, so
/// `−2.003` is `Normal` and `−2.006` is `Moderate`.
///
/// A non-finite `z` has no class and gives `Normal`; use
/// [`classify_checked`] to tell it apart.
pub fn classify(z: f64) -> Classification {
    classify_checked(z).unwrap_or(Classification::Normal)
}

/// Like [`classify`], but `None` for a non-finite `z`.
pub fn classify_checked(z: f64) -> Option<Classification> {
    if !z.is_finite() {
        return None;
    }
    let c = round_who_cents(z);
    Some(if c < -300 {
        Classification::Severe
    } else if c < -200 {
        Classification::Moderate
    } else {
        Classification::Normal
    })
}

/// Round a z-score to 2 decimals as WHO reports it: the exact binary value is
/// rounded to the nearest hundredth, exact ties away from zero. Non-finite
/// values are returned unchanged.
pub fn round_who(z: f64) -> f64 {
    if !z.is_finite() {
        return z;
    }
    round_who_cents(z) as f64 / 100.0
}

/// `z` in hundredths, rounded as in [`round_who`]. Only for finite `z`.
fn round_who_cents(z: f64) -> i64 {
    let scaled = z * 100.0;
    if scaled.abs() >= 1e15 {
        return scaled.round() as i64;
    }
    // `z * 100` is itself rounded (relative error ≤ 2⁻⁵³); only when it lands
    // that close to a .5 tie can this change the result. Then decide on the
    // exact decimal expansion of `z`.
    let dist_to_tie = ((scaled - scaled.trunc()).abs() - 0.5).abs();
    if dist_to_tie > scaled.abs() * 4.0 * f64::EPSILON {
        return scaled.round() as i64;
    }
    exact_cents(z)
}

/// Exact rounding of the binary value of `z` to hundredths (ties away from
/// zero), via its exact decimal expansion.
fn exact_cents(z: f64) -> i64 {
    // 1100 digits are enough for the exact expansion of any f64.
    let s = format!("{:.1100}", z.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.as_bytes();
    let digit = |i: usize| frac.get(i).map_or(0, |b| i64::from(b - b'0'));
    let mut cents = int.parse::<i64>().unwrap_or(0) * 100 + digit(0) * 10 + digit(1);
    // Third decimal 5 or more: above the half, or an exact tie, which goes
    // away from zero. Either way the magnitude rounds up.
    if digit(2) >= 5 {
        cents += 1;
    }
    if z < 0.0 {
        -cents
    } else {
        cents
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// What a checked computation rejects.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GrowthError {
    /// Age outside the WHO standards' 0–60 months (0..=1826 days), or not a
    /// finite number.
    #[error("age {age_days} days is outside the WHO standards' range of 0 to {max} days (under 60 months)", max = MAX_AGE_DAYS)]
    AgeOutOfRange { age_days: f64 },
    /// A weight that is not a finite number greater than 0.
    #[error("weight {0} kg is not a finite number greater than 0")]
    InvalidWeight(f64),
    /// A length/height that is not a finite number greater than 0.
    #[error("length/height {0} cm is not a finite number greater than 0")]
    InvalidLength(f64),
    /// A BMI that is not a finite number greater than 0.
    #[error("BMI {0} kg/m² is not a finite number greater than 0")]
    InvalidBmi(f64),
    /// A length/height outside the table of weight-for-length (45–110 cm)
    /// or weight-for-height (65–120 cm).
    #[error("{indicator} is defined for {min} to {max} cm, got {value} cm")]
    LengthOutOfRange {
        indicator: Indicator,
        value: f64,
        min: f64,
        max: f64,
    },
    /// The inputs are numbers but so extreme that the z-score overflows.
    #[error("the {indicator} z-score of {value} is not a finite number")]
    NotComputable { indicator: Indicator, value: f64 },
}

// ---------------------------------------------------------------------------
// Single indicators
// ---------------------------------------------------------------------------

/// A single z-score: WHO's (restricted beyond ±3 for the weight-based
/// indicators) and the plain LMS z.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZScore {
    /// The z-score WHO reports: restricted for WFA, WFL, WFH and BMI-for-age;
    /// the plain z for LHFA.
    pub z: f64,
    /// The plain LMS z, `((y/M)^L − 1) / (L·S)`, without restriction.
    pub plain: f64,
}

/// Round a fractional age in days half up, as WHO does; check its range.
fn age_index(age_days: f64) -> Result<usize, GrowthError> {
    if !age_days.is_finite() || age_days < 0.0 {
        return Err(GrowthError::AgeOutOfRange { age_days });
    }
    let d = (age_days + 0.5).floor();
    if d > MAX_AGE_DAYS as f64 {
        return Err(GrowthError::AgeOutOfRange { age_days });
    }
    Ok(d as usize)
}

/// The LMS parameters of `indicator` for `sex` at `x`: age in days for the
/// age-based indicators (a fractional age is rounded half up), or length /
/// height in cm for WFL / WFH (interpolated between 0.1 cm rows as WHO does).
pub fn lms(indicator: Indicator, sex: Sex, x: f64) -> Result<Lms, GrowthError> {
    if let Some(rows) = tables::day_table(indicator, sex) {
        return Ok(rows[age_index(x)?]);
    }
    let table = tables::length_table(indicator, sex).expect("length-based indicator");
    if !x.is_finite() || x <= 0.0 {
        return Err(GrowthError::InvalidLength(x));
    }
    table.lookup(x).ok_or(GrowthError::LengthOutOfRange {
        indicator,
        value: x,
        min: table.min_cm,
        max: table.max_cm,
    })
}

/// z-score of measurement `y` for `indicator` at `x` (see [`lms`] for `x`).
///
/// `y` is the weight (kg) for WFA/WFL/WFH, the length/height (cm) for LHFA,
/// the BMI (kg/m²) for BMI-for-age. `x` and `y` are used as given: apply the
/// ±0.7 cm lying/standing correction first (or use [`zscores`]).
pub fn zscore(indicator: Indicator, sex: Sex, x: f64, y: f64) -> Result<ZScore, GrowthError> {
    if !y.is_finite() || y <= 0.0 {
        return Err(match indicator {
            Indicator::Lhfa => GrowthError::InvalidLength(y),
            Indicator::BmiForAge => GrowthError::InvalidBmi(y),
            _ => GrowthError::InvalidWeight(y),
        });
    }
    let p = lms(indicator, sex, x)?;
    let plain = p.z(y);
    let z = if indicator.is_restricted() {
        p.z_restricted(y)
    } else {
        plain
    };
    if !z.is_finite() || !plain.is_finite() {
        return Err(GrowthError::NotComputable {
            indicator,
            value: y,
        });
    }
    Ok(ZScore { z, plain })
}

/// Weight-for-age z (restricted beyond ±3, as WHO reports it).
pub fn wfa(sex: Sex, age_days: u32, weight_kg: f64) -> Result<f64, GrowthError> {
    zscore(Indicator::Wfa, sex, age_days as f64, weight_kg).map(|z| z.z)
}

/// Length/height-for-age z. `lenhei_cm` must already be corrected: length
/// (lying) under 731 days, height (standing) from 731 days.
pub fn lhfa(sex: Sex, age_days: u32, lenhei_cm: f64) -> Result<f64, GrowthError> {
    zscore(Indicator::Lhfa, sex, age_days as f64, lenhei_cm).map(|z| z.z)
}

/// Weight-for-length z (45–110 cm; restricted beyond ±3).
pub fn wfl(sex: Sex, length_cm: f64, weight_kg: f64) -> Result<f64, GrowthError> {
    zscore(Indicator::Wfl, sex, length_cm, weight_kg).map(|z| z.z)
}

/// Weight-for-height z (65–120 cm; restricted beyond ±3).
pub fn wfh(sex: Sex, height_cm: f64, weight_kg: f64) -> Result<f64, GrowthError> {
    zscore(Indicator::Wfh, sex, height_cm, weight_kg).map(|z| z.z)
}

/// BMI-for-age z (restricted beyond ±3). `bmi` from the corrected length.
pub fn bmi_for_age(sex: Sex, age_days: u32, bmi: f64) -> Result<f64, GrowthError> {
    zscore(Indicator::BmiForAge, sex, age_days as f64, bmi).map(|z| z.z)
}

// ---------------------------------------------------------------------------
// All indicators for one child
// ---------------------------------------------------------------------------

/// All z-scores for one child, with checked inputs.
///
/// Errors: an age over 1826 days (WHO computes nothing from 60 months on), a
/// weight or length that is given but not a finite number greater than 0.
/// A missing weight or length just leaves the z-scores that need it `None`,
/// as does a length outside the WFL/WFH table.
pub fn zscores(m: &Measurement) -> Result<ZScores, GrowthError> {
    if m.age_days > MAX_AGE_DAYS {
        return Err(GrowthError::AgeOutOfRange {
            age_days: m.age_days as f64,
        });
    }
    if let Some(w) = m.weight_kg {
        if !w.is_finite() || w <= 0.0 {
            return Err(GrowthError::InvalidWeight(w));
        }
    }
    if let Some(l) = m.lenhei_cm {
        if !l.is_finite() || l <= 0.0 {
            return Err(GrowthError::InvalidLength(l));
        }
    }
    Ok(zscores_raw(&RawMeasurement::from(m)))
}

/// The corrected length/height WHO uses (`clenhei`), with the position
/// already cleaned (standing under 9 months counts as unknown):
/// standing under 731 days +0.7 cm, lying from 731 days −0.7 cm, otherwise
/// unchanged (also when age or position is unknown).
pub fn corrected_lenhei(age_days: Option<u32>, lenhei_cm: f64, measure: Option<Measure>) -> f64 {
    let measure = clean_measure(age_days, measure);
    match (age_days, measure) {
        (Some(d), Some(Measure::Standing)) if d < HEIGHT_FROM_DAY => {
            lenhei_cm + LENGTH_HEIGHT_SHIFT_CM
        }
        (Some(d), Some(Measure::Lying)) if d >= HEIGHT_FROM_DAY => {
            lenhei_cm - LENGTH_HEIGHT_SHIFT_CM
        }
        _ => lenhei_cm,
    }
}

/// WHO treats a standing height before 9 months (`age_days / 30.4375 < 9`)
/// as implausible and the position as unknown.
fn clean_measure(age_days: Option<u32>, measure: Option<Measure>) -> Option<Measure> {
    match (measure, age_days) {
        (Some(Measure::Standing), Some(d)) if (d as f64 / DAYS_PER_MONTH) < 9.0 => None,
        _ => measure,
    }
}

/// The WFL/WFH table WHO chooses: by age (WFL under 731 days), else by the
/// position (lying → WFL), else by length (WFL under 87 cm).
pub fn choose_wflh_table(
    age_days: Option<u32>,
    clenhei_cm: Option<f64>,
    measure: Option<Measure>,
) -> Option<WflhTable> {
    match (age_days, clean_measure(age_days, measure), clenhei_cm) {
        (Some(d), _, _) => Some(if d < HEIGHT_FROM_DAY {
            WflhTable::Wfl
        } else {
            WflhTable::Wfh
        }),
        (None, Some(Measure::Lying), _) => Some(WflhTable::Wfl),
        (None, Some(Measure::Standing), _) => Some(WflhTable::Wfh),
        (None, None, Some(h)) if h < 87.0 => Some(WflhTable::Wfl),
        (None, None, Some(h)) if h >= 87.0 => Some(WflhTable::Wfh),
        _ => None,
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// WHO's algorithm exactly, never failing: what is missing or invalid just
/// leaves the z-scores that need it `None`.
///
/// * no sex: nothing at all (not even `clenhei_cm`/`bmi`);
/// * a weight or length that is not a finite number > 0 counts as missing;
/// * no age: only WFL/H (table chosen by position, else by length < 87 cm);
/// * age from 1827 days (60 months): no z-score at all, WFL/H included.
pub fn zscores_raw(r: &RawMeasurement) -> ZScores {
    let mut out = ZScores::default();
    let Some(sex) = r.sex else {
        return out;
    };
    let valid = |x: Option<f64>| x.filter(|v| v.is_finite() && *v > 0.0);
    let weight = valid(r.weight_kg);
    let lenhei = valid(r.lenhei_cm);
    let age = r.age_days;

    let clenhei = lenhei.map(|l| corrected_lenhei(age, l, r.measure));
    out.clenhei_cm = clenhei;
    let bmi = match (weight, clenhei) {
        (Some(w), Some(h)) => finite(w / ((h / 100.0) * (h / 100.0))),
        _ => None,
    };
    out.bmi = bmi;

    // z-scores only under 60 months; with age unknown, WFL/H only.
    let day = match age {
        Some(d) if (d as f64 / DAYS_PER_MONTH) < 60.0 => Some(d as usize),
        Some(_) => return out,
        None => None,
    };

    if let Some(d) = day {
        if let Some(h) = clenhei {
            let p = tables::day_table(Indicator::Lhfa, sex).expect("table")[d];
            out.lhfa = finite(p.z(h));
        }
        if let Some(w) = weight {
            let p = tables::day_table(Indicator::Wfa, sex).expect("table")[d];
            out.wfa = finite(p.z_restricted(w));
        }
        if let Some(b) = bmi {
            let p = tables::day_table(Indicator::BmiForAge, sex).expect("table")[d];
            out.bmi_for_age = finite(p.z_restricted(b));
        }
    }

    if let (Some(w), Some(h)) = (weight, clenhei) {
        if let Some(t) = choose_wflh_table(age, clenhei, r.measure) {
            let table = tables::length_table(t.indicator(), sex).expect("table");
            if let Some(p) = table.lookup(h) {
                out.wflh = finite(p.z_restricted(w));
                out.wflh_table = out.wflh.map(|_| t);
            }
        }
    }

    let flag = |z: Option<f64>, low: i64, high: i64| {
        z.is_some_and(|z| {
            let c = round_who_cents(z);
            c < low || c > high
        })
    };
    out.flag_lhfa = flag(out.lhfa, -600, 600);
    out.flag_wfa = flag(out.wfa, -600, 500);
    out.flag_wflh = flag(out.wflh, -500, 500);
    out.flag_bmi = flag(out.bmi_for_age, -500, 500);
    out
}

// ---------------------------------------------------------------------------
// Curves
// ---------------------------------------------------------------------------

/// The line at `sd` standard deviations of `indicator` for `sex`, one point
/// per table row: `(x, y)` with x the age in days (0..=1826) for the
/// age-based indicators or the length/height in cm (0.1 cm steps) for
/// WFL/WFH, and y the measurement (kg, cm or kg/m²).
///
/// Within ±3 SD this is the LMS centile `M·(1 + L·S·sd)^(1/L)`; beyond, for
/// the weight-based indicators, WHO's restricted scale (linear in the 2–3 SD
/// distance). Points that do not exist (non-finite) are left out, so a
/// non-finite `sd` gives an empty vector.
pub fn curve(indicator: Indicator, sex: Sex, sd: f64) -> Vec<(f64, f64)> {
    if !sd.is_finite() {
        return Vec::new();
    }
    let value = |p: &Lms| {
        if indicator.is_restricted() {
            p.value_at_restricted(sd)
        } else {
            p.sd(sd)
        }
    };
    let points: Vec<(f64, f64)> = if let Some(rows) = tables::day_table(indicator, sex) {
        rows.iter()
            .enumerate()
            .map(|(i, p)| (i as f64, value(p)))
            .collect()
    } else {
        let table = tables::length_table(indicator, sex).expect("length-based indicator");
        table
            .rows
            .iter()
            .enumerate()
            .map(|(i, p)| (table.x_of(i), value(p)))
            .collect()
    };
    points.into_iter().filter(|(_, y)| y.is_finite()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_test_vector() {
        // WHO: boy, 365 days, 6.0 kg → plain −4.28, restricted −4.14.
        let z = zscore(Indicator::Wfa, Sex::Male, 365.0, 6.0).unwrap();
        assert_eq!(round_who(z.plain), -4.28);
        assert_eq!(round_who(z.z), -4.14);
        assert_eq!(wfa(Sex::Male, 365, 6.0).unwrap(), z.z);
    }

    #[test]
    fn rounding_is_exact() {
        assert_eq!(round_who(-2.004999), -2.0);
        assert_eq!(round_who(-2.005001), -2.01);
        assert_eq!(round_who(0.125), 0.13); // exact tie, away from zero
        assert_eq!(round_who(-0.125), -0.13);
        assert_eq!(round_who(1.005), 1.0); // 1.005 is 1.00499999999999989...
        assert_eq!(round_who(5.0), 5.0);
        assert_eq!(exact_cents(2.675), 267); // 2.67499999999999982236431605997495353221893310546875
    }

    #[test]
    fn tables_are_complete() {
        assert_eq!(tables::WFA_BOYS.len(), 1827);
        assert_eq!(tables::WFL_GIRLS.len(), 651);
        assert_eq!(tables::WFH_BOYS.len(), 551);
        assert_eq!(
            tables::WFA_BOYS[0],
            Lms {
                l: 0.3487,
                m: 3.3464,
                s: 0.14602
            }
        );
    }
}
