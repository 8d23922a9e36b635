//! Giới tính: the sex a child's record states and the personal ID encodes (with the century
//! of birth, [`crate::personal_id`]).
use serde::{Deserialize, Serialize};

/// Giới tính. "unknown" is allowed because Mẫu 01 allows "không biết" at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unknown => "unknown",
        }
    }
    /// The word a page or a printed book shows.
    pub fn label_vi(self) -> &'static str {
        match self {
            Sex::Male => "Nam",
            Sex::Female => "Nữ",
            Sex::Unknown => "Không rõ",
        }
    }

    pub fn parse(s: &str) -> Option<Sex> {
        match crate::text::fold(s).as_str() {
            "male" | "nam" | "m" | "trai" => Some(Sex::Male),
            "female" | "nu" | "f" | "gai" => Some(Sex::Female),
            "unknown" | "khong biet" | "khong ro" | "" => Some(Sex::Unknown),
            _ => None,
        }
    }
}
