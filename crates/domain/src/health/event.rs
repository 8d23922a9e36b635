//! One health event of any kind, typed: what the health station records and the storage
//! writes (its fields as JSON, beside the kind, the child and the date).
use super::{Birth, BirthPlace, Death, HivFollowUp, Injury, Measurement, Vaccination};
use crate::register::DobPrecision;
use jiff::civil::Date;

/// The kinds of health events, as stored beside each event and named in the API.
pub const BIRTH: &str = "birth";
/// See [`BIRTH`].
pub const DEATH: &str = "death";
/// See [`BIRTH`].
pub const VACCINATION: &str = "vaccination";
/// See [`BIRTH`].
pub const MEASUREMENT: &str = "measurement";
/// See [`BIRTH`].
pub const INJURY: &str = "injury";
/// See [`BIRTH`].
pub const HIV: &str = "hiv";

/// Every kind there is, in the order the figures read them.
pub const KINDS: [&str; 6] = [BIRTH, DEATH, VACCINATION, MEASUREMENT, INJURY, HIV];

/// Một sự kiện y tế: one of the health station's records.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Birth(Birth),
    Death(Death),
    Vaccination(Vaccination),
    Measurement(Measurement),
    Injury(Injury),
    /// HIV follow-up counts (no child), recorded as of `date`.
    Hiv {
        date: Date,
        counts: HivFollowUp,
    },
}

impl Event {
    /// The kind, as stored ([`KINDS`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Birth(_) => BIRTH,
            Event::Death(_) => DEATH,
            Event::Vaccination(_) => VACCINATION,
            Event::Measurement(_) => MEASUREMENT,
            Event::Injury(_) => INJURY,
            Event::Hiv { .. } => HIV,
        }
    }

    /// The register's child the event is about; none for HIV follow-up counts.
    pub fn child_id(&self) -> Option<i64> {
        match self {
            Event::Birth(e) => Some(e.child_id),
            Event::Death(e) => Some(e.child_id),
            Event::Vaccination(e) => Some(e.child_id),
            Event::Measurement(e) => Some(e.child_id),
            Event::Injury(e) => Some(e.child_id),
            Event::Hiv { .. } => None,
        }
    }

    /// The event's date.
    pub fn date(&self) -> Date {
        match self {
            Event::Birth(e) => e.date,
            Event::Death(e) => e.date,
            Event::Vaccination(e) => e.date,
            Event::Measurement(e) => e.date,
            Event::Injury(e) => e.date,
            Event::Hiv { date, .. } => *date,
        }
    }

    /// The child whose entry in the register this event closes, and from when: a death closes
    /// it (ngày mất), in the same step as the event is recorded.
    pub fn closes_entry(&self) -> Option<(i64, Date)> {
        match self {
            Event::Death(d) => Some((d.child_id, d.date)),
            _ => None,
        }
    }
}

/// A birth's own fields as the health station writes them (sổ đẻ), without the child.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct BirthFields {
    /// Giờ sinh, "HH:MM".
    #[serde(default)]
    pub time: Option<String>,
    /// Cân nặng khi sinh, gam.
    #[serde(default)]
    pub weight_g: Option<u32>,
    pub place: BirthPlace,
    pub live: bool,
}

impl Birth {
    /// The birth of a newborn entering the register born on `born` (the record's date of birth
    /// and its precision): on that date, which must be known to the day (`None` otherwise).
    /// `child_id` is 0 until the child is stored.
    pub fn of_newborn(
        born: Option<Date>,
        precision: DobPrecision,
        fields: BirthFields,
    ) -> Option<Birth> {
        let date = born.filter(|_| precision == DobPrecision::Day)?;
        Some(Birth {
            child_id: 0,
            date,
            time: fields.time,
            weight_g: fields.weight_g,
            place: fields.place,
            live: fields.live,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{DeathCause, Measure};
    use jiff::civil::date;

    #[test]
    fn a_newborn_is_born_on_a_date_of_birth_known_to_the_day() {
        let fields = BirthFields {
            time: Some("04:30".into()),
            weight_g: Some(2900),
            place: BirthPlace::HealthStation,
            live: true,
        };
        let born = Some(date(2026, 3, 1));
        let b = Birth::of_newborn(born, DobPrecision::Day, fields.clone()).unwrap();
        assert_eq!(
            (b.child_id, b.date, b.weight_g),
            (0, date(2026, 3, 1), Some(2900))
        );
        assert_eq!(
            Birth::of_newborn(born, DobPrecision::Month, fields.clone()),
            None
        );
        assert_eq!(Birth::of_newborn(None, DobPrecision::Day, fields), None);
    }

    #[test]
    fn each_event_names_its_kind_child_and_date() {
        let on = date(2026, 3, 1);
        let death = Event::Death(Death {
            child_id: 7,
            date: on,
            cause: DeathCause::Illness,
        });
        assert_eq!(
            (death.kind(), death.child_id(), death.date()),
            (DEATH, Some(7), on)
        );
        assert_eq!(death.closes_entry(), Some((7, on)));
        let v = Event::Vaccination(Vaccination {
            child_id: 8,
            vaccine: "BCG".into(),
            dose: 1,
            date: on,
        });
        assert_eq!(
            (v.kind(), v.child_id(), v.closes_entry()),
            (VACCINATION, Some(8), None)
        );
        let m = Event::Measurement(Measurement {
            child_id: 9,
            date: on,
            weight_kg: Some(10.0),
            length_cm: None,
            measure: Measure::Lying,
            oedema: false,
            z_wfa: None,
            z_lhfa: None,
            z_wflh: None,
            flags: vec![],
        });
        assert_eq!(m.kind(), MEASUREMENT);
        let hiv = Event::Hiv {
            date: on,
            counts: HivFollowUp {
                period_start: date(2026, 1, 1),
                period_end: on,
                infants_born_to_hiv_positive_mothers: 2,
                infants_infected: 0,
            },
        };
        assert_eq!((hiv.kind(), hiv.child_id(), hiv.date()), (HIV, None, on));
        assert!(KINDS.contains(&hiv.kind()) && KINDS.contains(&m.kind()));
    }
}
