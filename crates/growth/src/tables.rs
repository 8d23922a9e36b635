//! The WHO 2006 LMS tables, compiled in by `build.rs` from `data/*.csv`.

use crate::lms::Lms;
use crate::{Indicator, Sex};

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// Last day of the day-indexed tables (60 months).
pub(crate) const MAX_TABLE_DAY: u32 = 1826;

/// A length/height-indexed table: rows every 0.1 cm from `first_tenths / 10`.
pub(crate) struct LengthTable {
    pub rows: &'static [Lms],
    pub first_tenths: i64,
    pub min_cm: f64,
    pub max_cm: f64,
}

pub(crate) fn day_table(indicator: Indicator, sex: Sex) -> Option<&'static [Lms]> {
    Some(match (indicator, sex) {
        (Indicator::Wfa, Sex::Male) => &WFA_BOYS,
        (Indicator::Wfa, Sex::Female) => &WFA_GIRLS,
        (Indicator::Lhfa, Sex::Male) => &LHFA_BOYS,
        (Indicator::Lhfa, Sex::Female) => &LHFA_GIRLS,
        (Indicator::BmiForAge, Sex::Male) => &BMI_BOYS,
        (Indicator::BmiForAge, Sex::Female) => &BMI_GIRLS,
        (Indicator::Wfl | Indicator::Wfh, _) => return None,
    })
}

pub(crate) fn length_table(indicator: Indicator, sex: Sex) -> Option<LengthTable> {
    let (rows, first_tenths, min_cm, max_cm): (&'static [Lms], i64, f64, f64) =
        match (indicator, sex) {
            (Indicator::Wfl, Sex::Male) => (&WFL_BOYS, 450, 45.0, 110.0),
            (Indicator::Wfl, Sex::Female) => (&WFL_GIRLS, 450, 45.0, 110.0),
            (Indicator::Wfh, Sex::Male) => (&WFH_BOYS, 650, 65.0, 120.0),
            (Indicator::Wfh, Sex::Female) => (&WFH_GIRLS, 650, 65.0, 120.0),
            _ => return None,
        };
    Some(LengthTable {
        rows,
        first_tenths,
        min_cm,
        max_cm,
    })
}

impl LengthTable {
    /// WHO's lookup with linear interpolation between 0.1 cm rows
    /// (R `anthro`'s `anthro_zscore_weight_for_lenhei`):
    ///
    /// * lower row `trunc(10·x) / 10`, upper row `trunc(10·x + 1) / 10`;
    /// * `f = (x − lower) / 0.1`;
    /// * if `f > 0`, `L = L_low + f·(L_up − L_low)` (same for M and S),
    ///   otherwise the lower row as it is.
    ///
    /// Returns `None` outside `[min_cm, max_cm]`.
    #[inline]
    pub fn lookup(&self, x: f64) -> Option<Lms> {
        // `!(a && b)` form so that NaN is rejected too.
        if !(x >= self.min_cm && x <= self.max_cm) {
            return None;
        }
        let low_k = (x * 10.0).trunc();
        let upp_k = (x * 10.0 + 1.0).trunc();
        let low = low_k / 10.0;
        let diff = (x - low) / 0.1;
        let lo = self
            .rows
            .get(usize::try_from(low_k as i64 - self.first_tenths).ok()?)?;
        if diff > 0.0 {
            let up = self
                .rows
                .get(usize::try_from(upp_k as i64 - self.first_tenths).ok()?)?;
            Some(Lms {
                l: lo.l + diff * (up.l - lo.l),
                m: lo.m + diff * (up.m - lo.m),
                s: lo.s + diff * (up.s - lo.s),
            })
        } else {
            Some(*lo)
        }
    }

    /// The `x` value (cm) of row `i`, the same `f64` as the CSV's text.
    pub fn x_of(&self, i: usize) -> f64 {
        (self.first_tenths + i as i64) as f64 / 10.0
    }
}
