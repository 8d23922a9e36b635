//! Households (hộ gia đình): their data, their codes (SP01-0124) and the index that links a
//! child to a household by code.
use super::*;

/// A household code as compared: folded (no accents, lower case) with every run of spaces,
/// dashes, dots or slashes as one space, so "SP01-0124", "sp01 0124" and " SP01 - 0124 " are
/// the same code.
pub fn household_key(code: &str) -> String {
    crate::text::fold(code)
}

/// "#12": a household by its number, for one without a code.
pub fn household_number(s: &str) -> Option<i64> {
    let n = s.trim().strip_prefix('#')?.trim();
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n.parse().ok())
        .flatten()
        .filter(|n| *n > 0)
}

/// How a household is referred to on pages and forms: its code, or "#12" without one.
pub fn household_shown(id: i64, code: Option<&str>) -> String {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => format!("#{id}"),
    }
}

/// One household as [`HouseholdIndex`] knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdEntry {
    pub id: i64,
    /// Village code.
    pub village: String,
    pub code: Option<String>,
    pub head_name: String,
}

/// The households a user may link children to (those of the villages in their scope), found
/// by code: built once per form or import from one read, then looked up in memory.
#[derive(Debug, Default)]
pub struct HouseholdIndex {
    entries: Vec<HouseholdEntry>,
    by_key: std::collections::HashMap<String, Vec<usize>>,
    by_id: std::collections::HashMap<i64, usize>,
}

impl HouseholdIndex {
    pub fn new(entries: Vec<HouseholdEntry>) -> Self {
        let mut by_key: std::collections::HashMap<String, Vec<usize>> = Default::default();
        let mut by_id = std::collections::HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            by_id.insert(e.id, i);
            if let Some(c) = &e.code {
                let k = household_key(c);
                if !k.is_empty() {
                    by_key.entry(k).or_default().push(i);
                }
            }
        }
        HouseholdIndex {
            entries,
            by_key,
            by_id,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The household `typed` (a code or "#12") names, for a child of `village`: its id, or
    /// why not, in Vietnamese (the field is `household`). A household outside the index (of a
    /// village out of the user's scope) is not named: it reads as unknown.
    pub fn resolve(&self, typed: &str, village: &str) -> Result<i64, String> {
        let typed = typed.trim();
        let found: Vec<&HouseholdEntry> = match household_number(typed) {
            Some(n) => self
                .by_id
                .get(&n)
                .map(|&i| &self.entries[i])
                .into_iter()
                .collect(),
            None => self
                .by_key
                .get(&household_key(typed))
                .map(|v| v.iter().map(|&i| &self.entries[i]).collect())
                .unwrap_or_default(),
        };
        let here: Vec<&&HouseholdEntry> = found.iter().filter(|e| e.village == village).collect();
        match (here.as_slice(), found.as_slice()) {
            ([one], _) => Ok(one.id),
            ([], []) => Err(format!("không có hộ mã {typed}")),
            ([], [other, ..]) => Err(format!(
                "hộ mã {typed} thuộc thôn/bản {}, không phải thôn/bản của trẻ ({village})",
                other.village
            )),
            (many, _) => Err(format!(
                "có {} hộ mã {typed} ở thôn/bản {village} ({}); ghi số hộ để chọn: {}",
                many.len(),
                many.iter()
                    .map(|e| e.head_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                many.iter()
                    .map(|e| format!("#{}", e.id))
                    .collect::<Vec<_>>()
                    .join(" hoặc ")
            )),
        }
    }
}

/// Tình trạng nghèo của hộ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PovertyStatus {
    /// Hộ nghèo.
    Poor,
    /// Hộ cận nghèo.
    NearPoor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PovertyPeriod {
    pub status: PovertyStatus,
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
}

/// Hộ gia đình.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdData {
    pub village: String,
    /// Số hộ / mã hộ as the village keeps it.
    pub code: Option<String>,
    pub head_name: String,
    pub address: Option<String>,
    #[serde(default)]
    pub poverty: Vec<PovertyPeriod>,
}

impl HouseholdData {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        if self.head_name.trim().is_empty() {
            errs.push("head_name", "cần ghi tên chủ hộ");
        }
        check_text(
            &mut errs,
            "head_name",
            "tên chủ hộ",
            &self.head_name,
            limits::FULL_NAME_CHARS,
        );
        if self.village.trim().is_empty() {
            errs.push("village", "cần chọn thôn/bản");
        }
        limits::check_chars(
            &mut errs,
            "village",
            "mã thôn/bản",
            &self.village,
            limits::VILLAGE_CODE_CHARS,
        );
        if let Some(c) = &self.code {
            check_text(&mut errs, "code", "mã hộ", c, limits::HOUSEHOLD_CODE_CHARS);
        }
        if let Some(a) = &self.address {
            check_text(&mut errs, "address", "địa chỉ", a, limits::SHORT_TEXT_CHARS);
        }
        let poverty = if limits::check_count(
            &mut errs,
            "poverty",
            "giai đoạn hộ nghèo, cận nghèo",
            self.poverty.len(),
            limits::POVERTY_PERIODS,
        ) {
            &self.poverty[..]
        } else {
            &[]
        };
        for (i, p) in poverty.iter().enumerate() {
            limits::check_date(&mut errs, &format!("poverty[{i}].from"), p.from);
            if let Some(t) = p.to {
                limits::check_date(&mut errs, &format!("poverty[{i}].to"), t);
            }
            if p.to.is_some_and(|t| t < p.from) {
                errs.push(
                    &format!("poverty[{i}].to"),
                    "ngày kết thúc trước ngày bắt đầu",
                );
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    pub fn poverty_on(&self, on: Date) -> Option<PovertyStatus> {
        self.poverty
            .iter()
            .find(|p| p.from <= on && p.to.is_none_or(|t| on <= t))
            .map(|p| p.status)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: i64,
    pub version: i64,
    #[serde(flatten)]
    pub data: HouseholdData,
}
