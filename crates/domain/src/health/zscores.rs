//! A measurement's WHO 2006 z-scores, computed with the `growth` crate as the measurement is
//! recorded (the weighing page, the API and the demo alike), and what they say about the
//! child ([`GrowthStatus`]).
use super::{Measure, Measurement, FLAG_LHFA, FLAG_WFA, FLAG_WFLH};
use crate::register::Sex;
use jiff::civil::Date;

/// What was weighed and measured on a weighing day, before the z-scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// Cân nặng, kg.
    pub weight_kg: Option<f64>,
    /// Chiều dài (đo nằm) hoặc chiều cao (đo đứng), cm.
    pub length_cm: Option<f64>,
    /// Đo nằm hay đo đứng.
    pub measure: Measure,
    /// Phù dinh dưỡng.
    pub oedema: bool,
}

/// What a measurement's z-scores say, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthStatus {
    /// A z-score WHO calls implausible (flagged): check the numbers again.
    Implausible,
    /// Suy dinh dưỡng nặng: a usable z below −3.
    Severe,
    /// Suy dinh dưỡng: a usable z below −2 ([`Measurement::underweight`], `stunted`, `wasted`).
    Low,
    /// Nothing below −2 (or nothing to judge by).
    Normal,
}

/// Children are measured lying down (length) until this many days old, standing (height)
/// from then on: two years, as WHO's standards switch from length to height.
pub const STANDING_FROM_DAYS: i32 = 731;

impl Measure {
    /// How a child born on `born` is usually measured on `on`: lying under two years
    /// ([`STANDING_FROM_DAYS`]), standing from then on.
    pub fn usual(born: Date, on: Date) -> Measure {
        if (on - born).get_days() >= STANDING_FROM_DAYS {
            Measure::Standing
        } else {
            Measure::Lying
        }
    }
}

impl Measurement {
    /// The measurement of `reading` taken on `date` from a child of `sex` born on `born` (the
    /// register's birth date), with its WHO 2006 z-scores: weight-based z-scores are left out
    /// with oedema, and implausible ones flagged ([`FLAG_WFA`], …). The age is counted in days
    /// from `born` (0 for a date before it, which [`Measurement::validate`] refuses).
    pub fn assess(child_id: i64, date: Date, sex: Sex, born: Date, reading: Reading) -> Self {
        let sex = match sex {
            Sex::Male => Some(growth::Sex::Male),
            Sex::Female => Some(growth::Sex::Female),
            Sex::Unknown => None,
        };
        let age_days = u32::try_from((date - born).get_days()).unwrap_or(0);
        let z = growth::zscores_raw(&growth::RawMeasurement {
            sex,
            age_days: Some(age_days),
            weight_kg: reading.weight_kg,
            lenhei_cm: reading.length_cm,
            measure: reading.length_cm.map(|_| match reading.measure {
                Measure::Standing => growth::Measure::Standing,
                Measure::Lying => growth::Measure::Lying,
            }),
        });
        // WHO: weight-based z-scores are not valid with oedema.
        let (z_wfa, z_wflh) = if reading.oedema {
            (None, None)
        } else {
            (z.wfa, z.wflh)
        };
        let flags = [
            (z.flag_wfa, FLAG_WFA),
            (z.flag_lhfa, FLAG_LHFA),
            (z.flag_wflh, FLAG_WFLH),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| f.to_string())
        .collect();
        Measurement {
            child_id,
            date,
            weight_kg: reading.weight_kg,
            length_cm: reading.length_cm,
            measure: reading.measure,
            oedema: reading.oedema,
            z_wfa,
            z_lhfa: z.lhfa,
            z_wflh,
            flags,
        }
    }

    /// The flags of implausible z-scores this measurement carries (of [`FLAG_WFA`],
    /// [`FLAG_LHFA`], [`FLAG_WFLH`]; other words are ignored).
    pub fn implausible(&self) -> Vec<&str> {
        [FLAG_WFA, FLAG_LHFA, FLAG_WFLH]
            .into_iter()
            .filter(|f| self.flagged(f))
            .collect()
    }

    /// The lowest usable z-score (weight-for-age, length/height-for-age,
    /// weight-for-length/height; flagged ones and, with oedema, weight-based ones left out).
    pub fn lowest_z(&self) -> Option<f64> {
        [self.wfa(), self.lhfa(), self.wflh()]
            .into_iter()
            .flatten()
            .reduce(f64::min)
    }

    /// Suy dinh dưỡng nặng: a usable z below −3 (on the z rounded to 2 decimals, as WHO
    /// reports it and as the nutrition rule reads −2: [`Measurement::underweight`]).
    pub fn severe(&self) -> bool {
        self.lowest_z().is_some_and(below_minus_three)
    }

    /// What the z-scores say: implausible first, then severe, low, normal.
    pub fn status(&self) -> GrowthStatus {
        if !self.implausible().is_empty() {
            GrowthStatus::Implausible
        } else if self.severe() {
            GrowthStatus::Severe
        } else if [self.underweight(), self.stunted(), self.wasted()].contains(&Some(true)) {
            GrowthStatus::Low
        } else {
            GrowthStatus::Normal
        }
    }
}

/// z < −3 on the z rounded to hundredths (as `below_minus_two` reads −2).
fn below_minus_three(z: f64) -> bool {
    (z * 100.0).round() < -300.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn reading(weight_kg: f64, length_cm: f64, oedema: bool) -> Reading {
        Reading {
            weight_kg: Some(weight_kg),
            length_cm: Some(length_cm),
            measure: Measure::Lying,
            oedema,
        }
    }

    #[test]
    fn z_scores_are_computed_from_the_age_in_days_and_dropped_with_oedema() {
        let born = date(2025, 1, 1);
        let on = date(2026, 1, 1);
        // A boy of one year, 9.6 kg and 75.7 cm: about the WHO median.
        let m = Measurement::assess(3, on, Sex::Male, born, reading(9.6, 75.7, false));
        assert_eq!((m.child_id, m.date), (3, on));
        assert!(m.z_wfa.is_some_and(|z| z.abs() < 0.2), "{m:?}");
        assert!(m.z_lhfa.is_some_and(|z| z.abs() < 0.2), "{m:?}");
        assert!(m.z_wflh.is_some());
        assert!(m.flags.is_empty());
        assert_eq!(m.status(), GrowthStatus::Normal);
        // Oedema: no weight-based z-score, length-for-age kept.
        let o = Measurement::assess(3, on, Sex::Male, born, reading(9.6, 75.7, true));
        assert_eq!((o.z_wfa, o.z_wflh), (None, None));
        assert_eq!(o.z_lhfa, m.z_lhfa);
        // Unknown sex: nothing to compare with.
        let u = Measurement::assess(3, on, Sex::Unknown, born, reading(9.6, 75.7, false));
        assert_eq!((u.z_wfa, u.z_lhfa, u.z_wflh), (None, None, None));
        // No length: no position given to the tables, no length-based z.
        let w = Measurement::assess(
            3,
            on,
            Sex::Female,
            born,
            Reading {
                length_cm: None,
                ..reading(9.0, 0.0, false)
            },
        );
        assert!(w.z_wfa.is_some() && w.z_lhfa.is_none() && w.z_wflh.is_none());
    }

    #[test]
    fn measured_lying_until_two_years_standing_after() {
        let born = date(2024, 3, 1);
        // Two years to the day are 730 days here: still lying; 731, standing.
        assert_eq!(Measure::usual(born, date(2026, 3, 1)), Measure::Lying);
        assert_eq!(Measure::usual(born, date(2026, 3, 2)), Measure::Standing);
    }

    #[test]
    fn implausible_z_scores_are_flagged() {
        // 3 kg at a year: weight-for-age far below −6.
        let m = Measurement::assess(
            1,
            date(2026, 1, 1),
            Sex::Male,
            date(2025, 1, 1),
            reading(3.0, 75.7, false),
        );
        assert!(m.implausible().contains(&FLAG_WFA), "{m:?}");
        assert_eq!(m.status(), GrowthStatus::Implausible);
    }

    fn with_z(wfa: Option<f64>, lhfa: Option<f64>, wflh: Option<f64>) -> Measurement {
        Measurement {
            child_id: 1,
            date: date(2026, 1, 1),
            weight_kg: Some(8.0),
            length_cm: Some(70.0),
            measure: Measure::Lying,
            oedema: false,
            z_wfa: wfa,
            z_lhfa: lhfa,
            z_wflh: wflh,
            flags: vec![],
        }
    }

    #[test]
    fn severe_is_a_usable_z_below_minus_three_on_two_decimals() {
        assert!(with_z(Some(-1.0), Some(-3.2), None).severe());
        assert_eq!(with_z(Some(-1.0), Some(-3.2), None).lowest_z(), Some(-3.2));
        assert_eq!(
            with_z(Some(-1.0), Some(-3.2), None).status(),
            GrowthStatus::Severe
        );
        // −3.004 is −3.00 as WHO reports it: not below −3.
        assert!(!with_z(Some(-3.004), None, None).severe());
        assert!(with_z(Some(-3.006), None, None).severe());
        // A flagged z is not evidence of anything.
        let mut flagged = with_z(Some(-4.5), Some(-0.5), None);
        flagged.flags = vec![FLAG_WFA.into()];
        assert!(!flagged.severe() && flagged.lowest_z() == Some(-0.5));
        // With oedema the weight-based z-scores do not count.
        let mut oedema = with_z(Some(-4.5), Some(-0.5), Some(-4.0));
        oedema.oedema = true;
        assert!(!oedema.severe());
        assert_eq!(with_z(None, None, None).lowest_z(), None);
        assert_eq!(with_z(None, None, None).status(), GrowthStatus::Normal);
    }

    #[test]
    fn low_is_the_nutrition_rule_below_minus_two() {
        assert_eq!(
            with_z(Some(-2.5), Some(0.0), Some(0.0)).status(),
            GrowthStatus::Low
        );
        assert_eq!(with_z(None, Some(-2.01), None).status(), GrowthStatus::Low);
        assert_eq!(
            with_z(Some(-2.004), None, None).status(),
            GrowthStatus::Normal
        );
        assert_eq!(
            with_z(Some(-1.9), Some(1.0), Some(2.5)).status(),
            GrowthStatus::Normal
        );
    }
}
