//! A household's poverty status (hộ nghèo, hộ cận nghèo) by its code, as the household form
//! and the API write it.
use crate::register::PovertyStatus;

impl PovertyStatus {
    /// The code: `poor`, `near_poor`.
    pub fn code(self) -> &'static str {
        match self {
            PovertyStatus::Poor => "poor",
            PovertyStatus::NearPoor => "near_poor",
        }
    }

    /// The status a form's choice stands for: `near_poor` is near-poor, any other choice
    /// poor (the form offers the two).
    pub fn from_choice(code: &str) -> PovertyStatus {
        if code == PovertyStatus::NearPoor.code() {
            PovertyStatus::NearPoor
        } else {
            PovertyStatus::Poor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_read_back() {
        for s in [PovertyStatus::Poor, PovertyStatus::NearPoor] {
            assert_eq!(PovertyStatus::from_choice(s.code()), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        assert_eq!(PovertyStatus::from_choice("poor"), PovertyStatus::Poor);
    }
}
