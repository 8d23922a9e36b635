//! A child's age: completed years on a date ([`age_on`], the one rule every figure, list and
//! check uses) and the age bands figures are broken down by ([`AgeBand`]).
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Completed years on `on` of a child born on `dob` ([`crate::register::ChildData::age_on`]).
pub fn age_on(dob: Option<Date>, on: Date) -> Option<i32> {
    let dob = dob?;
    if dob > on {
        return None;
    }
    let mut age = (on.year() - dob.year()) as i32;
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    Some(age)
}

/// Age bands (nhóm tuổi), completed years on the as-of date (for events, on the event's date:
/// age at death, at the injury, at birth, at the first birthday):
/// * `0-4` dưới 5 tuổi (the under-5 targets 19, 20; mầm non age),
/// * `5-10` (mẫu giáo 5 tuổi and tiểu học age, 6–10),
/// * `11-15` (trung học cơ sở age, up to the Law on Children's limit of 16),
/// * `16-17` (người chưa thành niên past the Law's child age; only if the age limit is raised),
/// * `18+` (adults, ditto),
/// * `unknown` (no date of birth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "0-4")]
    Under5,
    #[serde(rename = "5-10")]
    From5To10,
    #[serde(rename = "11-15")]
    From11To15,
    #[serde(rename = "16-17")]
    From16To17,
    #[serde(rename = "18+")]
    Adult,
    #[serde(rename = "unknown")]
    Unknown,
}

impl AgeBand {
    /// The band of an age in completed years (`None`: unknown).
    pub fn of(age: Option<i32>) -> AgeBand {
        match age {
            None => AgeBand::Unknown,
            Some(a) if a < 5 => AgeBand::Under5,
            Some(a) if a <= 10 => AgeBand::From5To10,
            Some(a) if a <= 15 => AgeBand::From11To15,
            Some(a) if a <= 17 => AgeBand::From16To17,
            Some(_) => AgeBand::Adult,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            AgeBand::Under5 => "0-4",
            AgeBand::From5To10 => "5-10",
            AgeBand::From11To15 => "11-15",
            AgeBand::From16To17 => "16-17",
            AgeBand::Adult => "18+",
            AgeBand::Unknown => "unknown",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            AgeBand::Under5 => "Dưới 5 tuổi",
            AgeBand::From5To10 => "Từ 5 đến 10 tuổi",
            AgeBand::From11To15 => "Từ 11 đến 15 tuổi",
            AgeBand::From16To17 => "Từ 16 đến 17 tuổi",
            AgeBand::Adult => "Từ 18 tuổi trở lên",
            AgeBand::Unknown => "Không rõ tuổi",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn completed_years_turn_on_the_birthday() {
        let dob = Some(date(2020, 3, 1));
        assert_eq!(age_on(dob, date(2026, 2, 28)), Some(5));
        assert_eq!(age_on(dob, date(2026, 3, 1)), Some(6));
        assert_eq!(age_on(dob, date(2019, 1, 1)), None);
        assert_eq!(age_on(None, date(2026, 1, 1)), None);
        // Born on 29 February: a year older on 1 March.
        let leap = Some(date(2024, 2, 29));
        assert_eq!(age_on(leap, date(2025, 2, 28)), Some(0));
        assert_eq!(age_on(leap, date(2025, 3, 1)), Some(1));
    }

    #[test]
    fn bands_by_completed_years() {
        assert_eq!(AgeBand::of(Some(4)), AgeBand::Under5);
        assert_eq!(AgeBand::of(Some(5)), AgeBand::From5To10);
        assert_eq!(AgeBand::of(Some(15)), AgeBand::From11To15);
        assert_eq!(AgeBand::of(Some(17)), AgeBand::From16To17);
        assert_eq!(AgeBand::of(Some(18)), AgeBand::Adult);
        assert_eq!(AgeBand::of(None), AgeBand::Unknown);
        assert_eq!(AgeBand::Under5.key(), "0-4");
    }
}
