//! The health station's growth watch (danh sách cần theo dõi): under-5s not weighed for six
//! months, and those whose last measurement shows malnutrition — underweight, stunted or
//! wasted (z < −2), each indicator named ([`Finding`]).
use super::findings::Finding;
use super::Measurement;
use crate::age::AgeBand;
use crate::register::age_on;
use jiff::civil::Date;

/// An under-5 is weighed at least this often (months); longer, and the list names them.
pub const WEIGH_EVERY_MONTHS: i8 = 6;

/// Why a child is on the growth watch.
#[derive(Debug, Clone, PartialEq)]
pub enum GrowthWatch<'a> {
    /// Not weighed or measured in the last [`WEIGH_EVERY_MONTHS`] months: the last time, if any.
    Unmeasured { last: Option<Date> },
    /// The last measurement, recent enough, is low on at least one indicator (z < −2): which,
    /// with their z ([`Measurement::findings`]; a finding below −3 is severe).
    Malnourished {
        measurement: &'a Measurement,
        findings: Vec<Finding>,
    },
}

/// Under 5 on `on` (completed years, the figures' age band [`AgeBand::Under5`]).
pub fn under_five(born: Date, on: Date) -> bool {
    AgeBand::of(age_on(Some(born), on)) == AgeBand::Under5
}

/// Whether and why a child born on `born` is on the growth watch on `today`, given their last
/// measurement dated up to `today`: only under-5s are; one not weighed in the last
/// [`WEIGH_EVERY_MONTHS`] months is unmeasured, one whose last measurement is severe is severe.
pub fn growth_watch(
    born: Date,
    today: Date,
    last: Option<&Measurement>,
) -> Option<GrowthWatch<'_>> {
    if !under_five(born, today) {
        return None;
    }
    let since = today
        .checked_sub(jiff::Span::new().months(WEIGH_EVERY_MONTHS))
        .unwrap_or(today);
    match last {
        Some(m) if m.date >= since => {
            let findings = m.findings();
            (!findings.is_empty()).then_some(GrowthWatch::Malnourished {
                measurement: m,
                findings,
            })
        }
        other => Some(GrowthWatch::Unmeasured {
            last: other.map(|m| m.date),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Measure;
    use jiff::civil::date;

    fn measured(on: Date, z: f64) -> Measurement {
        Measurement {
            child_id: 1,
            date: on,
            weight_kg: Some(8.0),
            length_cm: None,
            measure: Measure::Lying,
            oedema: false,
            z_wfa: Some(z),
            z_lhfa: None,
            z_wflh: None,
            flags: vec![],
        }
    }

    #[test]
    fn under_five_is_the_figures_age_band() {
        let born = date(2021, 6, 15);
        assert!(under_five(born, date(2026, 6, 14)));
        assert!(!under_five(born, date(2026, 6, 15)), "five on the birthday");
        assert!(under_five(born, born));
    }

    #[test]
    fn only_under_fives_are_watched() {
        let born = date(2021, 6, 15);
        assert_eq!(growth_watch(born, date(2026, 6, 15), None), None);
        assert_eq!(
            growth_watch(born, date(2026, 6, 14), None),
            Some(GrowthWatch::Unmeasured { last: None })
        );
    }

    #[test]
    fn unweighed_for_six_months_or_malnourished_at_the_last_weighing() {
        use crate::health::GrowthIndicator;
        let born = date(2025, 1, 10);
        let today = date(2026, 9, 30);
        // Weighed on 30/3: six months ago to the day, recent enough.
        let m = measured(date(2026, 3, 30), -3.5);
        let Some(GrowthWatch::Malnourished {
            measurement,
            findings,
        }) = growth_watch(born, today, Some(&m))
        else {
            panic!("severe underweight is watched")
        };
        assert_eq!(measurement, &m);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].indicator, GrowthIndicator::WeightForAge);
        assert!(findings[0].severe && findings[0].z == -3.5);
        // Below −2 but not −3: watched too, not severe.
        let low = measured(date(2026, 3, 30), -2.5);
        let Some(GrowthWatch::Malnourished { findings, .. }) =
            growth_watch(born, today, Some(&low))
        else {
            panic!("underweight is watched")
        };
        assert!(!findings[0].severe);
        let fine = measured(date(2026, 3, 30), -1.5);
        assert_eq!(growth_watch(born, today, Some(&fine)), None);
        // A day older: unmeasured, whatever it showed.
        let old = measured(date(2026, 3, 29), -3.5);
        assert_eq!(
            growth_watch(born, today, Some(&old)),
            Some(GrowthWatch::Unmeasured {
                last: Some(date(2026, 3, 29))
            })
        );
    }
}
