//! Personal identification number (số định danh cá nhân), 12 digits `PPP G YY RRRRRR`.
//!
//! PPP is the province where the birth was registered (011 = Điện Biên), G encodes century and
//! sex (2/3 for boys/girls born 2000-2099), YY the last two digits of the birth year. A code from
//! another province is legitimate (a child born elsewhere), so it is a note, not an error.
use crate::sex::Sex;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Province code of Điện Biên (Thông tư 07/2016/TT-BCA).
pub const HOME_PROVINCE: &str = "011";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

/// Why a personal ID was refused; messages are shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalIdError {
    #[error("mã định danh phải gồm đúng 12 chữ số")]
    Format,
    #[error("chữ số thứ 4 của mã định danh ({got}) không khớp giới tính và thế kỷ sinh (phải là {expected})")]
    SexCentury { got: char, expected: String },
    #[error("chữ số thứ 5-6 của mã định danh ({got}) không khớp năm sinh {year}")]
    Year { got: String, year: i16 },
}

impl PersonalId {
    /// Checks the shape only; use [`PersonalId::parse_for`] when sex and birth year are known.
    pub fn parse(s: &str) -> Result<Self, PersonalIdError> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PersonalIdError::Format);
        }
        Ok(Self(s))
    }

    /// Parses and checks G and YY against the child's sex and birth year (when known).
    pub fn parse_for(s: &str, sex: Sex, birth_year: Option<i16>) -> Result<Self, PersonalIdError> {
        let id = Self::parse(s)?;
        let g = id.0.as_bytes()[3] as char;
        let g_digit = g.to_digit(10).unwrap_or(0) as i16;
        if let Some(year) = birth_year {
            let century_base = 2 * ((year / 100) - 19);
            let expected: Vec<i16> = match sex {
                Sex::Male => vec![century_base],
                Sex::Female => vec![century_base + 1],
                Sex::Unknown => vec![century_base, century_base + 1],
            };
            if !expected.contains(&g_digit) {
                let expected = expected
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" hoặc ");
                return Err(PersonalIdError::SexCentury { got: g, expected });
            }
            let yy = &id.0[4..6];
            if yy != format!("{:02}", year.rem_euclid(100)) {
                return Err(PersonalIdError::Year {
                    got: yy.to_string(),
                    year,
                });
            }
        } else {
            // Without a birth year only the sex parity can be checked.
            let parity_ok = match sex {
                Sex::Male => g_digit % 2 == 0,
                Sex::Female => g_digit % 2 == 1,
                Sex::Unknown => true,
            };
            if !parity_ok {
                return Err(PersonalIdError::SexCentury {
                    got: g,
                    expected: if sex == Sex::Male {
                        "số chẵn"
                    } else {
                        "số lẻ"
                    }
                    .into(),
                });
            }
        }
        Ok(id)
    }

    pub fn province(&self) -> &str {
        &self.0[..3]
    }

    /// A note worth showing (not an error): registered in another province.
    pub fn note(&self) -> Option<String> {
        (self.province() != HOME_PROVINCE).then(|| {
            format!(
                "mã tỉnh {} khác Điện Biên ({HOME_PROVINCE}): trẻ đăng ký khai sinh ở tỉnh khác",
                self.province()
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PersonalId {
    type Error = PersonalIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonalId> for String {
    fn from(p: PersonalId) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_boy_and_girl_of_this_century() {
        assert!(PersonalId::parse_for("011218123456", Sex::Male, Some(2018)).is_ok());
        assert!(PersonalId::parse_for("011320000001", Sex::Female, Some(2020)).is_ok());
        assert!(PersonalId::parse_for("011 320 000 001", Sex::Unknown, Some(2020)).is_ok());
    }

    #[test]
    fn refuses_wrong_shape() {
        assert_eq!(
            PersonalId::parse("01121812345"),
            Err(PersonalIdError::Format)
        );
        assert_eq!(
            PersonalId::parse("01121812345a"),
            Err(PersonalIdError::Format)
        );
        assert_eq!(
            PersonalId::parse("0112181234567"),
            Err(PersonalIdError::Format)
        );
    }

    #[test]
    fn refuses_sex_and_year_mismatch() {
        assert!(matches!(
            PersonalId::parse_for("011318123456", Sex::Male, Some(2018)),
            Err(PersonalIdError::SexCentury { .. })
        ));
        assert!(matches!(
            PersonalId::parse_for("011218123456", Sex::Male, Some(1998)),
            Err(PersonalIdError::SexCentury { .. })
        ));
        assert!(matches!(
            PersonalId::parse_for("011219123456", Sex::Male, Some(2018)),
            Err(PersonalIdError::Year { .. })
        ));
        assert!(PersonalId::parse_for("011318123456", Sex::Male, None).is_err());
    }

    #[test]
    fn another_province_is_a_note_not_an_error() {
        let id = PersonalId::parse_for("012218123456", Sex::Male, Some(2018)).unwrap();
        assert!(id.note().unwrap().contains("012"));
        let home = PersonalId::parse_for("011218123456", Sex::Male, Some(2018)).unwrap();
        assert_eq!(home.note(), None);
    }
}
