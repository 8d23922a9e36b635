//! An agency's narrative (phần thuyết minh của cơ quan): the four boxes it writes, checked
//! before anything is stored.
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// The longest text a box holds: several pages of a report, far beyond what one writes.
pub const MAX_BOX_CHARS: usize = 20_000;

/// The four boxes of a section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    /// Kết quả thực hiện.
    #[serde(default)]
    pub done: String,
    /// Kết quả đạt được.
    #[serde(default)]
    pub results: String,
    /// Khó khăn, vướng mắc.
    #[serde(default)]
    pub difficulties: String,
    /// Đề xuất, kiến nghị.
    #[serde(default)]
    pub proposals: String,
}

impl Narrative {
    /// The boxes trimmed; an error naming each box too long or holding control characters.
    pub fn checked(&self) -> Result<Narrative, FieldErrors> {
        let mut errs = FieldErrors::default();
        let mut check = |field: &str, label: &str, text: &str| {
            let t = text.trim().replace("\r\n", "\n");
            if t.chars().count() > MAX_BOX_CHARS {
                errs.push(field, format!("{label}: dài quá {MAX_BOX_CHARS} ký tự"));
            }
            if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                errs.push(field, format!("{label}: có ký tự điều khiển không hợp lệ"));
            }
            t
        };
        let n = Narrative {
            done: check("done", "Kết quả thực hiện", &self.done),
            results: check("results", "Kết quả đạt được", &self.results),
            difficulties: check("difficulties", "Khó khăn, vướng mắc", &self.difficulties),
            proposals: check("proposals", "Đề xuất, kiến nghị", &self.proposals),
        };
        if errs.is_empty() {
            Ok(n)
        } else {
            Err(errs)
        }
    }

    /// Nothing written yet.
    pub fn is_empty(&self) -> bool {
        [
            &self.done,
            &self.results,
            &self.difficulties,
            &self.proposals,
        ]
        .iter()
        .all(|t| t.trim().is_empty())
    }
}
