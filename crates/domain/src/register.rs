//! The children's register (sổ theo dõi trẻ em): children, caregivers, households, villages.
//!
//! A [`ChildDraft`] is what arrives from a form, the API or an import row, loosely typed so that
//! every problem can be reported by field; [`ChildDraft::parse`] turns it into [`ChildData`] or
//! the list of [`FieldErrors`].
use crate::circumstance::{self, Circumstance};
use crate::limits;
use crate::personal_id::PersonalId;
pub use crate::sex::Sex;
use crate::validation::{date_problem, parse_date, FieldErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// How much of the birth date is known (Mẫu 01 allows an estimated age or nothing at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DobPrecision {
    Day,
    Month,
    Year,
    Estimated,
    Unknown,
}

impl DobPrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            DobPrecision::Day => "day",
            DobPrecision::Month => "month",
            DobPrecision::Year => "year",
            DobPrecision::Estimated => "estimated",
            DobPrecision::Unknown => "unknown",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "day" => Self::Day,
            "month" => Self::Month,
            "year" => Self::Year,
            "estimated" => Self::Estimated,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }
}

/// Cấp học.
pub const SCHOOL_LEVELS: [(&str, &str); 6] = [
    ("none", "Không đi học"),
    ("nha_tre", "Nhà trẻ"),
    ("mau_giao", "Mẫu giáo"),
    ("tieu_hoc", "Tiểu học"),
    ("thcs", "Trung học cơ sở"),
    ("thpt", "Trung học phổ thông"),
];

/// Mức độ khuyết tật (Luật Người khuyết tật 2010, Art. 3).
pub const DISABILITY_SEVERITIES: [(&str, &str); 3] = [
    ("nhe", "Nhẹ"),
    ("nang", "Nặng"),
    ("dac_biet_nang", "Đặc biệt nặng"),
];

/// Dạng khuyết tật.
pub const DISABILITY_TYPES: [(&str, &str); 6] = [
    ("van_dong", "Vận động"),
    ("nghe_noi", "Nghe, nói"),
    ("nhin", "Nhìn"),
    ("than_kinh_tam_than", "Thần kinh, tâm thần"),
    ("tri_tue", "Trí tuệ"),
    ("khac", "Khác"),
];

/// Người chăm sóc: parent, grandparent or other caregiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caregiver {
    /// Quan hệ với trẻ: "mẹ", "bố", "ông", "bà", …
    pub relationship: String,
    pub full_name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// Completed years on `on` of a child born on `dob` ([`ChildData::age_on`]).
pub(crate) fn age_on(dob: Option<Date>, on: Date) -> Option<i32> {
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

/// [`ChildData::present_on`] from the dates it reads.
pub(crate) fn present_on(
    dob: Option<Date>,
    moved_in: Option<Date>,
    moved_out: Option<Date>,
    died_on: Option<Date>,
    on: Date,
) -> bool {
    dob.is_none_or(|d| d <= on)
        && moved_in.is_none_or(|d| d <= on)
        && moved_out.is_none_or(|d| d > on)
        && died_on.is_none_or(|d| d > on)
}

/// A child's data as kept in the register, validated. JSON field names are the API's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildData {
    pub full_name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub sex: Sex,
    /// The date used for ages: exact, or the first of the month, or 1 July of the year.
    pub date_of_birth: Option<Date>,
    pub dob_precision: DobPrecision,
    pub personal_id: Option<PersonalId>,
    /// Code from Quyết định 1019/QĐ-TCTK.
    pub ethnicity: Option<u8>,
    /// Village code (mã thôn/bản).
    pub village: String,
    pub household_id: Option<i64>,
    /// The household as typed (its code, "SP01-0124"), which storage turns into
    /// `household_id` when it writes the record, or refuses naming the field `household`;
    /// never stored itself (the code of a household may change).
    #[serde(skip)]
    pub household_code: Option<String>,
    pub birth_registered_on: Option<Date>,
    pub birth_registration_place: Option<String>,
    /// Thẻ BHYT.
    pub insurance_card: Option<String>,
    pub school_level: Option<String>,
    pub school: Option<String>,
    pub grade: Option<String>,
    pub disability_type: Option<String>,
    pub disability_severity: Option<String>,
    #[serde(default)]
    pub caregivers: Vec<Caregiver>,
    #[serde(default)]
    pub circumstances: Vec<Circumstance>,
    pub moved_in: Option<Date>,
    pub moved_out: Option<Date>,
    pub died_on: Option<Date>,
    pub notes: Option<String>,
}

impl ChildData {
    pub fn birth_year(&self) -> Option<i16> {
        match self.dob_precision {
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year => {
                self.date_of_birth.map(|d| d.year())
            }
            _ => None,
        }
    }

    /// Completed years on `on` (tuổi tròn).
    pub fn age_on(&self, on: Date) -> Option<i32> {
        age_on(self.date_of_birth, on)
    }

    /// The record once a death on `on` is known (ngày mất): the child stops counting as present
    /// from that day. `None` when the record already has a date of death, which stays: a
    /// second report of the same death does not move it.
    pub fn with_death(&self, on: Date) -> Option<ChildData> {
        if self.died_on.is_some() {
            return None;
        }
        let mut d = self.clone();
        d.died_on = Some(on);
        Some(d)
    }

    /// In the commune on `on`: born, moved in, not moved out, alive.
    pub fn present_on(&self, on: Date) -> bool {
        present_on(
            self.date_of_birth,
            self.moved_in,
            self.moved_out,
            self.died_on,
            on,
        )
    }

    /// Words to search on: the name and every alias, folded.
    pub fn search_text(&self) -> String {
        let mut s = crate::text::fold(&self.full_name);
        for a in &self.aliases {
            s.push(' ');
            s.push_str(&crate::text::fold(a));
        }
        s
    }

    /// Required data a register entry should have but lacks (for the "to do" lists).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.date_of_birth.is_none() {
            m.push("date_of_birth");
        }
        if self.personal_id.is_none() {
            m.push("personal_id");
        }
        if self.ethnicity.is_none() {
            m.push("ethnicity");
        }
        if self.birth_registered_on.is_none() {
            m.push("birth_registered_on");
        }
        m
    }
}

/// A stored child: data plus identity and optimistic-lock version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Child {
    pub id: i64,
    pub version: i64,
    #[serde(flatten)]
    pub data: ChildData,
    /// Notes worth a look that are not errors (e.g. personal ID from another province).
    #[serde(default)]
    pub notices: Vec<String>,
}

/// What arrives from a form, the API or an import row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildDraft {
    pub full_name: Option<String>,
    pub aliases: Vec<String>,
    pub sex: Option<String>,
    pub date_of_birth: Option<String>,
    pub dob_precision: Option<String>,
    pub estimated_age: Option<serde_json::Value>,
    pub personal_id: Option<String>,
    pub ethnicity: Option<serde_json::Value>,
    pub village: Option<String>,
    /// The household by the code shown on every page ("SP01-0124"; case and spaces do not
    /// matter), or "#12" (its number) for a household without a code.
    pub household: Option<String>,
    pub household_id: Option<i64>,
    pub birth_registered_on: Option<String>,
    pub birth_registration_place: Option<String>,
    pub insurance_card: Option<String>,
    pub school_level: Option<String>,
    pub school: Option<String>,
    pub grade: Option<String>,
    pub disability_type: Option<String>,
    pub disability_severity: Option<String>,
    pub caregivers: Vec<CaregiverDraft>,
    pub circumstances: Vec<CircumstanceDraft>,
    pub moved_in: Option<String>,
    pub moved_out: Option<String>,
    pub died_on: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaregiverDraft {
    pub relationship: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CircumstanceDraft {
    pub code: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn opt_date(errs: &mut FieldErrors, field: &str, v: &Option<String>, today: Date) -> Option<Date> {
    let s = non_empty(v)?;
    match parse_date(&s) {
        Some(d) if d > today => {
            errs.push(field, "ngày không được ở tương lai");
            None
        }
        Some(d) => Some(d),
        None => {
            errs.push(field, date_problem(&s));
            None
        }
    }
}

/// A code from `allowed`, given as the code or its label in any case and with or without
/// accents. `labels` keeps the folded labels of `allowed` once computed.
fn one_of(
    errs: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
    allowed: &[(&str, &str)],
    labels: &OnceLock<Vec<String>>,
) -> Option<String> {
    let s = non_empty(v)?;
    let folded_s = crate::text::fold(&s);
    let folded = folded_s.replace(' ', "_");
    let labels = labels.get_or_init(|| {
        allowed
            .iter()
            .map(|(_, label)| crate::text::fold(label))
            .collect()
    });
    match allowed
        .iter()
        .zip(labels)
        .find(|((code, _), label)| *code == s || *code == folded || **label == folded_s)
    {
        Some(((code, _), _)) => Some(code.to_string()),
        None => {
            let codes: Vec<&str> = allowed.iter().map(|(c, _)| *c).collect();
            errs.push(
                field,
                format!(
                    "giá trị «{s}» không hợp lệ; chọn một trong: {}",
                    codes.join(", ")
                ),
            );
            None
        }
    }
}

/// At most `max` characters (the limit named in the message with `label`), no control
/// characters.
fn check_text(errs: &mut FieldErrors, field: &str, label: &str, s: &str, max: usize) {
    limits::check_chars(errs, field, label, s, max);
    if s.chars().any(|c| c.is_control()) {
        errs.push(field, "chứa ký tự điều khiển không hợp lệ");
    }
}

/// An estimated age as written: "4" or "4 tuổi"/"4 năm" (years), "3 tuần" (weeks),
/// "2 tháng" (months); anything else is [`EstimatedAge::Invalid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimatedAge {
    Years(i64),
    Months(i64),
    Weeks(i64),
    Invalid,
}

impl EstimatedAge {
    pub fn parse(s: &str) -> EstimatedAge {
        let folded = crate::text::fold(s);
        let digits: String = folded.chars().take_while(|c| c.is_ascii_digit()).collect();
        let Ok(n) = digits.parse::<i64>() else {
            return EstimatedAge::Invalid;
        };
        match folded[digits.len()..].trim() {
            "" | "tuoi" | "nam" | "y" => EstimatedAge::Years(n),
            "thang" | "m" => EstimatedAge::Months(n),
            "tuan" | "w" => EstimatedAge::Weeks(n),
            _ => EstimatedAge::Invalid,
        }
    }
}

/// Parses the date of birth with its precision: "dd/mm/yyyy", "mm/yyyy", "yyyy", or an
/// estimated age ([`EstimatedAge`]) counted back from `today`: in years, to 1 July of the year
/// (precision "estimated"); in weeks or months, to the month it falls in (precision "month").
fn parse_birth(
    errs: &mut FieldErrors,
    d: &ChildDraft,
    today: Date,
) -> (Option<Date>, DobPrecision) {
    let asked = non_empty(&d.dob_precision);
    if let Some(p) = &asked {
        if DobPrecision::parse(p).is_none() {
            errs.push(
                "dob_precision",
                "chỉ nhận day, month, year, estimated hoặc unknown",
            );
            return (None, DobPrecision::Unknown);
        }
    }
    let estimated = d.estimated_age.as_ref().and_then(|v| match v {
        serde_json::Value::Number(n) => Some(
            n.as_i64()
                .map(EstimatedAge::Years)
                .unwrap_or(EstimatedAge::Invalid),
        ),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(EstimatedAge::parse(s)),
        serde_json::Value::Null => None,
        serde_json::Value::String(_) => None,
        _ => Some(EstimatedAge::Invalid),
    });
    // A stored estimate comes back as its date with precision "estimated" (edits, exports).
    if asked.as_deref() == Some("estimated") && estimated.is_none() {
        if let Some(date) = non_empty(&d.date_of_birth).and_then(|s| parse_date(&s)) {
            if date <= today {
                return (Some(date), DobPrecision::Estimated);
            }
        }
    }
    if asked.as_deref() == Some("estimated")
        || (non_empty(&d.date_of_birth).is_none() && estimated.is_some())
    {
        return match estimated {
            Some(EstimatedAge::Years(a)) if (0..=17).contains(&a) => {
                let year = today.year() - a as i16;
                // Mid-year, but never after today (a baby estimated at 0 in spring).
                let mid = Date::new(year, 7, 1).ok().map(|d| d.min(today));
                (mid, DobPrecision::Estimated)
            }
            // A young child's age in weeks or months places the birth in a month: kept as
            // that month (as if "mm/yyyy" had been written), shown "khoảng mm/yyyy".
            Some(EstimatedAge::Weeks(n @ 0..=104)) => {
                let born = today.checked_sub(jiff::Span::new().weeks(n)).ok();
                (born.map(|d| d.first_of_month()), DobPrecision::Month)
            }
            Some(EstimatedAge::Months(n @ 0..=36)) => {
                let born = today.checked_sub(jiff::Span::new().months(n)).ok();
                (born.map(|d| d.first_of_month()), DobPrecision::Month)
            }
            _ => {
                errs.push(
                    "estimated_age",
                    "tuổi ước tính: ghi số năm từ 0 đến 17, hoặc số tuần (đến 104 tuần) hay số \
                     tháng (đến 36 tháng) cho trẻ nhỏ, ví dụ «3 tuần», «2 tháng», «4»",
                );
                (None, DobPrecision::Estimated)
            }
        };
    }
    let Some(s) = non_empty(&d.date_of_birth) else {
        if asked.is_some() && asked.as_deref() != Some("unknown") {
            errs.push("date_of_birth", "cần nhập ngày sinh");
        }
        return (None, DobPrecision::Unknown);
    };
    if let Some(m) =
        crate::validation::two_digit_year(&s).or_else(|| crate::validation::month_first(&s))
    {
        errs.push("date_of_birth", m);
        return (None, DobPrecision::Unknown);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let parsed = match parts.len() {
        1 => s
            .parse::<i16>()
            .ok()
            .and_then(|y| Date::new(y, 7, 1).ok())
            .map(|d| (d, DobPrecision::Year)),
        2 => {
            // mm/yyyy or yyyy-mm
            let (m, y) = if parts[0].len() == 4 {
                (parts[1], parts[0])
            } else {
                (parts[0], parts[1])
            };
            match (m.parse::<i8>(), y.parse::<i16>()) {
                (Ok(m), Ok(y)) => Date::new(y, m, 1).ok().map(|d| (d, DobPrecision::Month)),
                _ => None,
            }
        }
        _ => parse_date(&s).map(|d| (d, DobPrecision::Day)),
    };
    match parsed {
        None => {
            errs.push(
                "date_of_birth",
                format!("ngày sinh không hợp lệ: «{s}» (viết dd/mm/yyyy, mm/yyyy hoặc yyyy)"),
            );
            (None, DobPrecision::Unknown)
        }
        Some((date, p))
            if date > today && !(p == DobPrecision::Year && date.year() == today.year()) =>
        {
            errs.push("date_of_birth", "ngày sinh không được ở tương lai");
            (None, DobPrecision::Unknown)
        }
        // Born this year, month unknown: 1 July may still be ahead, so count from 1 January.
        Some((date, DobPrecision::Year)) if date > today => {
            (Date::new(date.year(), 1, 1).ok(), DobPrecision::Year)
        }
        Some((date, _)) if today.year() - date.year() > 25 => {
            errs.push(
                "date_of_birth",
                "ngày sinh quá xa: sổ chỉ theo dõi trẻ em và người chưa thành niên",
            );
            (None, DobPrecision::Unknown)
        }
        Some((date, p)) => (Some(date), p),
    }
}

/// The aliases (tên gọi khác) with their spaces tidied, within [`limits::ALIASES`] of at most
/// [`limits::ALIAS_CHARS`] each, and with the name within [`limits::NAME_WORDS`] distinct words
/// in all (each distinct word is a row of the search index).
fn parse_aliases(errs: &mut FieldErrors, given: &[String], full_name: &str) -> Vec<String> {
    let given_count = given.iter().filter(|a| !a.trim().is_empty()).count();
    if !limits::check_count(
        errs,
        "aliases",
        "tên gọi khác",
        given_count,
        limits::ALIASES,
    ) {
        return vec![];
    }
    let aliases: Vec<String> = given
        .iter()
        .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|a| !a.is_empty())
        .collect();
    for a in &aliases {
        check_text(errs, "aliases", "tên gọi khác", a, limits::ALIAS_CHARS);
    }
    let mut words: Vec<String> = std::iter::once(full_name)
        .chain(aliases.iter().map(String::as_str))
        .flat_map(|t| {
            crate::text::tokens(&crate::text::fold(t))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.len() > limits::NAME_WORDS {
        errs.push(
            if aliases.is_empty() {
                "full_name"
            } else {
                "aliases"
            },
            format!(
                "họ tên và tên gọi khác có tối đa {} từ khác nhau (đã có {})",
                limits::NAME_WORDS,
                words.len()
            ),
        );
    }
    aliases
}

/// The household field of a draft: `household` (a code, or "#12") or, from API clients that
/// read `household_id` back, the number. A code is checked here for its form only; storage
/// finds the household ([`HouseholdIndex::resolve`]) when it writes the record.
fn parse_household(errs: &mut FieldErrors, d: &ChildDraft) -> (Option<i64>, Option<String>) {
    let Some(typed) = non_empty(&d.household) else {
        return (d.household_id, None);
    };
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if d.household_id.is_some() {
        errs.push(
            "household",
            "gửi mã hộ (household) hoặc số hộ (household_id), không gửi cả hai",
        );
        return (None, None);
    }
    check_text(
        errs,
        "household",
        "mã hộ",
        &typed,
        limits::HOUSEHOLD_CODE_CHARS,
    );
    if let Some(n) = household_number(&typed) {
        return (Some(n), None);
    }
    if household_key(&typed).is_empty() {
        errs.push(
            "household",
            format!("mã hộ «{typed}» không hợp lệ (ghi như trên danh sách hộ, ví dụ SP01-0124)"),
        );
        return (None, None);
    }
    (None, Some(typed))
}

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

/// Villages as a village's list writes them: by code ("SP01") or by name ("Thôn 1",
/// "bản Sính Phình", "Sinh Phinh"), in any case and with or without accents.
#[derive(Debug, Default)]
pub struct VillageIndex {
    by_code: std::collections::HashMap<String, String>,
    /// Folded name without its "thôn"/"bản"/… word → codes.
    by_name: std::collections::HashMap<String, Vec<String>>,
}

/// The words a village name may start with, folded: thôn, bản, xóm, làng, tổ, khu, ấp, buôn,
/// sóc, khối, tổ dân phố, plus "thon ban".
const VILLAGE_WORDS: [&str; 11] = [
    "to dan pho",
    "thon ban",
    "thon",
    "ban",
    "xom",
    "lang",
    "to",
    "khu",
    "ap",
    "buon",
    "soc",
];

/// A village name folded and without the word for "village" in front: "Thôn 1" → "1",
/// "bản Sính Phình" → "sinh phinh".
fn village_name_key(name: &str) -> String {
    let f = crate::text::fold(name);
    for w in VILLAGE_WORDS {
        if let Some(rest) = f.strip_prefix(w).and_then(|r| r.strip_prefix(' ')) {
            return rest.to_string();
        }
    }
    f
}

impl VillageIndex {
    pub fn new(villages: &[Village]) -> Self {
        let mut ix = VillageIndex::default();
        for v in villages {
            ix.by_code
                .insert(crate::text::fold(&v.code), v.code.clone());
            let k = village_name_key(&v.name);
            if !k.is_empty() {
                ix.by_name.entry(k).or_default().push(v.code.clone());
            }
        }
        ix
    }

    /// The village code `typed` stands for, or why none, in Vietnamese. A code wins over a
    /// name; a name shared by two villages is not guessed.
    pub fn resolve(&self, typed: &str) -> Result<String, String> {
        let typed = typed.trim();
        if let Some(c) = self.by_code.get(&crate::text::fold(typed)) {
            return Ok(c.clone());
        }
        match self
            .by_name
            .get(&village_name_key(typed))
            .map(Vec::as_slice)
        {
            Some([one]) => Ok(one.clone()),
            Some(many) if !many.is_empty() => Err(format!(
                "«{typed}» có thể là thôn/bản {}: hãy ghi mã thôn",
                many.join(" hoặc ")
            )),
            _ => Err(format!(
                "không có thôn/bản «{typed}» (ghi mã hoặc tên thôn như trang Danh mục của tệp mẫu)"
            )),
        }
    }
}

/// A name typed in capitals without accents ("GIANG A PAO"): accepted, with a request to check
/// it, since the register shows names as they are written.
pub fn name_warning(name: &str) -> Option<String> {
    let letters = || name.chars().filter(|c| c.is_alphabetic());
    let shouting = letters().count() >= 2 && letters().all(|c| c.is_ascii_uppercase());
    shouting.then(|| {
        format!("«{name}» viết hoa, không dấu: hãy kiểm tra và viết lại có dấu nếu cần (ví dụ Giàng A Páo)")
    })
}

impl ChildDraft {
    /// Checks every field; returns the child data or every problem found.
    pub fn parse(&self, today: Date) -> Result<ChildData, FieldErrors> {
        let mut errs = FieldErrors::default();
        let full_name = match non_empty(&self.full_name) {
            Some(n) => {
                check_text(
                    &mut errs,
                    "full_name",
                    "họ và tên",
                    &n,
                    limits::FULL_NAME_CHARS,
                );
                n.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            None => {
                errs.push("full_name", "cần nhập họ và tên");
                String::new()
            }
        };
        let aliases = parse_aliases(&mut errs, &self.aliases, &full_name);
        let sex = match self.sex.as_deref().map(Sex::parse) {
            Some(Some(s)) => s,
            None => Sex::Unknown,
            Some(None) => {
                errs.push(
                    "sex",
                    "giới tính chỉ nhận: nam (male), nữ (female) hoặc không biết (unknown)",
                );
                Sex::Unknown
            }
        };
        let (date_of_birth, dob_precision) = parse_birth(&mut errs, self, today);
        let birth_year = match dob_precision {
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year => {
                date_of_birth.map(|d| d.year())
            }
            _ => None,
        };
        let personal_id = non_empty(&self.personal_id).and_then(|s| {
            match PersonalId::parse_for(&s, sex, birth_year) {
                Ok(p) => Some(p),
                Err(e) => {
                    errs.push("personal_id", e.to_string());
                    None
                }
            }
        });
        let ethnicity = match &self.ethnicity {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match crate::ethnicity::parse(&s) {
                    Some(c) => Some(c),
                    None => {
                        errs.push("ethnicity", format!("dân tộc «{s}» không có trong danh mục 54 dân tộc (QĐ 1019/QĐ-TCTK)"));
                        None
                    }
                }
            }
        };
        let village = match non_empty(&self.village) {
            Some(v) if v.chars().count() > limits::VILLAGE_CODE_CHARS => {
                limits::check_chars(
                    &mut errs,
                    "village",
                    "mã thôn/bản",
                    &v,
                    limits::VILLAGE_CODE_CHARS,
                );
                String::new()
            }
            Some(v) => v,
            None => {
                errs.push("village", "cần chọn thôn/bản");
                String::new()
            }
        };
        let (household_id, household_code) = parse_household(&mut errs, self);
        let birth_registered_on = opt_date(
            &mut errs,
            "birth_registered_on",
            &self.birth_registered_on,
            today,
        );
        if let (Some(r), Some(b)) = (birth_registered_on, date_of_birth) {
            if r < b && dob_precision == DobPrecision::Day {
                errs.push(
                    "birth_registered_on",
                    "ngày đăng ký khai sinh trước ngày sinh",
                );
            }
        }
        let school_level = one_of(
            &mut errs,
            "school_level",
            &self.school_level,
            &SCHOOL_LEVELS,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        let disability_type = one_of(
            &mut errs,
            "disability_type",
            &self.disability_type,
            &DISABILITY_TYPES,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        let disability_severity = one_of(
            &mut errs,
            "disability_severity",
            &self.disability_severity,
            &DISABILITY_SEVERITIES,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        if disability_severity.is_some() && disability_type.is_none() {
            errs.push("disability_type", "cần chọn dạng khuyết tật khi có mức độ");
        }
        let mut caregivers = Vec::new();
        let caregiver_rows = if limits::check_count(
            &mut errs,
            "caregivers",
            "người chăm sóc",
            self.caregivers.len(),
            limits::CAREGIVERS,
        ) {
            &self.caregivers[..]
        } else {
            &[]
        };
        for (i, c) in caregiver_rows.iter().enumerate() {
            let rel = non_empty(&c.relationship);
            let name = non_empty(&c.full_name);
            let phone = non_empty(&c.phone).map(|p| {
                p.chars()
                    .filter(|c| !c.is_whitespace() && *c != '.')
                    .collect::<String>()
            });
            if rel.is_none() && name.is_none() && phone.is_none() {
                continue;
            }
            let field = |f: &str| format!("caregivers[{i}].{f}");
            match &rel {
                None => errs.push(&field("relationship"), "cần ghi quan hệ với trẻ"),
                Some(r) => check_text(
                    &mut errs,
                    &field("relationship"),
                    "quan hệ với trẻ",
                    r,
                    limits::RELATIONSHIP_CHARS,
                ),
            }
            match &name {
                None => errs.push(&field("full_name"), "cần ghi họ tên người chăm sóc"),
                Some(n) => check_text(
                    &mut errs,
                    &field("full_name"),
                    "họ tên người chăm sóc",
                    n,
                    limits::FULL_NAME_CHARS,
                ),
            }
            if let Some(p) = &phone {
                let digits = p.strip_prefix('+').unwrap_or(p);
                if !(9..=12).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    errs.push(
                        &field("phone"),
                        "số điện thoại phải gồm 10 chữ số (ví dụ 0912345678)",
                    );
                }
            }
            caregivers.push(Caregiver {
                relationship: rel.unwrap_or_default(),
                full_name: name.unwrap_or_default(),
                phone,
            });
        }
        let mut circumstances: Vec<Circumstance> = Vec::new();
        let circumstance_rows = if limits::check_count(
            &mut errs,
            "circumstances",
            "giai đoạn hoàn cảnh đặc biệt",
            self.circumstances.len(),
            limits::CIRCUMSTANCE_PERIODS,
        ) {
            &self.circumstances[..]
        } else {
            &[]
        };
        for (i, c) in circumstance_rows.iter().enumerate() {
            let field = |f: &str| format!("circumstances[{i}].{f}");
            let code = match non_empty(&c.code).as_deref().map(circumstance::parse) {
                Some(Some(code)) => code.to_string(),
                _ => {
                    errs.push(
                        &field("code"),
                        "nhóm hoàn cảnh đặc biệt phải là một mã a…o theo Điều 10 Luật Trẻ em",
                    );
                    continue;
                }
            };
            let from = opt_date(&mut errs, &field("from"), &c.from, today);
            let to = opt_date(&mut errs, &field("to"), &c.to, today);
            match from {
                Some(from) => {
                    if to.is_some_and(|t| t < from) {
                        errs.push(&field("to"), "ngày kết thúc trước ngày bắt đầu");
                    }
                    let same = circumstances.iter().filter(|x| x.code == code).count();
                    if same == limits::PERIODS_PER_CIRCUMSTANCE {
                        errs.push(
                            &field("code"),
                            limits::too_many(
                                &format!("giai đoạn của nhóm hoàn cảnh «{code}»"),
                                limits::PERIODS_PER_CIRCUMSTANCE,
                                same + 1,
                            ),
                        );
                    }
                    circumstances.push(Circumstance { code, from, to });
                }
                None if non_empty(&c.from).is_none() => {
                    errs.push(&field("from"), "cần ghi từ ngày")
                }
                None => {}
            }
        }
        let moved_in = opt_date(&mut errs, "moved_in", &self.moved_in, today);
        let moved_out = opt_date(&mut errs, "moved_out", &self.moved_out, today);
        if let (Some(i), Some(o)) = (moved_in, moved_out) {
            if o < i {
                errs.push("moved_out", "ngày chuyển đi trước ngày chuyển đến");
            }
        }
        let died_on = opt_date(&mut errs, "died_on", &self.died_on, today);
        if let (Some(d), Some(b)) = (died_on, date_of_birth) {
            if d < b && dob_precision == DobPrecision::Day {
                errs.push("died_on", "ngày mất trước ngày sinh");
            }
        }
        let notes = non_empty(&self.notes);
        if let Some(n) = &notes {
            check_text(
                &mut errs,
                "notes",
                "ghi chú",
                &n.replace(['\n', '\r', '\t'], " "),
                limits::NOTES_CHARS,
            );
        }
        let text = |v: &Option<String>, f: &str, label: &str, errs: &mut FieldErrors| {
            let s = non_empty(v);
            if let Some(s) = &s {
                check_text(errs, f, label, s, limits::SHORT_TEXT_CHARS);
            }
            s
        };
        let birth_registration_place = text(
            &self.birth_registration_place,
            "birth_registration_place",
            "nơi đăng ký khai sinh",
            &mut errs,
        );
        let insurance_card = text(
            &self.insurance_card,
            "insurance_card",
            "số thẻ BHYT",
            &mut errs,
        );
        let school = text(&self.school, "school", "trường", &mut errs);
        let grade = text(&self.grade, "grade", "lớp", &mut errs);
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ChildData {
            full_name,
            aliases,
            sex,
            date_of_birth,
            dob_precision,
            personal_id,
            ethnicity,
            village,
            household_id,
            household_code,
            birth_registered_on,
            birth_registration_place,
            insurance_card,
            school_level,
            school,
            grade,
            disability_type,
            disability_severity,
            caregivers,
            circumstances,
            moved_in,
            moved_out,
            died_on,
            notes,
        })
    }
}

impl From<&ChildData> for ChildDraft {
    fn from(c: &ChildData) -> Self {
        let d = |d: &Option<Date>| d.map(|d| d.to_string());
        ChildDraft {
            full_name: Some(c.full_name.clone()),
            aliases: c.aliases.clone(),
            sex: Some(c.sex.as_str().into()),
            date_of_birth: match c.dob_precision {
                DobPrecision::Year => c.date_of_birth.map(|d| d.year().to_string()),
                DobPrecision::Month => c
                    .date_of_birth
                    .map(|d| format!("{:02}/{}", d.month(), d.year())),
                _ => d(&c.date_of_birth),
            },
            dob_precision: Some(c.dob_precision.as_str().into()),
            estimated_age: None,
            personal_id: c.personal_id.as_ref().map(|p| p.to_string()),
            ethnicity: c.ethnicity.map(|e| serde_json::Value::from(e as i64)),
            village: Some(c.village.clone()),
            household: c.household_code.clone(),
            household_id: c.household_id,
            birth_registered_on: d(&c.birth_registered_on),
            birth_registration_place: c.birth_registration_place.clone(),
            insurance_card: c.insurance_card.clone(),
            school_level: c.school_level.clone(),
            school: c.school.clone(),
            grade: c.grade.clone(),
            disability_type: c.disability_type.clone(),
            disability_severity: c.disability_severity.clone(),
            caregivers: c
                .caregivers
                .iter()
                .map(|g| CaregiverDraft {
                    relationship: Some(g.relationship.clone()),
                    full_name: Some(g.full_name.clone()),
                    phone: g.phone.clone(),
                })
                .collect(),
            circumstances: c
                .circumstances
                .iter()
                .map(|x| CircumstanceDraft {
                    code: Some(x.code.clone()),
                    from: Some(x.from.to_string()),
                    to: x.to.map(|t| t.to_string()),
                })
                .collect(),
            moved_in: d(&c.moved_in),
            moved_out: d(&c.moved_out),
            died_on: d(&c.died_on),
            notes: c.notes.clone(),
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

/// Thôn/bản. Codes are editable: communes were merged in 2025 and villages renumbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
}

impl Village {
    /// A village's code and name as typed: a code of 1–[`limits::VILLAGE_CODE_CHARS`]
    /// characters without spaces, a name of at most [`limits::VILLAGE_NAME_CHARS`].
    pub fn check(code: &str, name: &str) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = code.trim();
        if code.is_empty()
            || code.chars().count() > limits::VILLAGE_CODE_CHARS
            || code.contains(char::is_whitespace)
        {
            errs.push(
                "code",
                format!(
                    "mã thôn/bản phải có 1-{} ký tự, không có dấu cách",
                    limits::VILLAGE_CODE_CHARS
                ),
            );
        }
        if name.trim().is_empty() {
            errs.push(
                "name",
                format!(
                    "cần ghi tên thôn/bản (tối đa {} ký tự)",
                    limits::VILLAGE_NAME_CHARS
                ),
            );
        } else {
            check_text(
                &mut errs,
                "name",
                "tên thôn/bản",
                name.trim(),
                limits::VILLAGE_NAME_CHARS,
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn today() -> Date {
        date(2026, 11, 30)
    }

    fn draft() -> ChildDraft {
        ChildDraft {
            full_name: Some("  Giàng  A Páo ".into()),
            sex: Some("male".into()),
            date_of_birth: Some("15/03/2018".into()),
            personal_id: Some("011218123456".into()),
            ethnicity: Some(serde_json::json!("H'Mông")),
            village: Some("SP01".into()),
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_good_child() {
        let c = draft().parse(today()).unwrap();
        assert_eq!(c.full_name, "Giàng A Páo");
        assert_eq!(c.date_of_birth, Some(date(2018, 3, 15)));
        assert_eq!(c.dob_precision, DobPrecision::Day);
        assert_eq!(c.ethnicity, Some(8));
        assert_eq!(c.age_on(date(2026, 3, 14)), Some(7));
        assert_eq!(c.age_on(date(2026, 3, 15)), Some(8));
    }

    #[test]
    fn reports_every_bad_field_in_vietnamese() {
        let mut d = draft();
        d.full_name = None;
        d.personal_id = Some("011318123456".into());
        d.sex = Some("boy?".into());
        d.circumstances = vec![CircumstanceDraft {
            code: Some("f".into()),
            ..Default::default()
        }];
        let e = d.parse(today()).unwrap_err();
        assert!(e.for_field("full_name").unwrap().contains("họ và tên"));
        assert!(e.for_field("sex").is_some());
        assert!(e.for_field("circumstances[0].code").is_some());
    }

    #[test]
    fn personal_id_checked_against_sex_and_year() {
        let mut d = draft();
        d.personal_id = Some("011219123456".into());
        let e = d.parse(today()).unwrap_err();
        assert!(e.for_field("personal_id").unwrap().contains("năm sinh"));
    }

    #[test]
    fn birth_date_precisions() {
        let mut d = draft();
        d.personal_id = None;
        d.date_of_birth = Some("2019".into());
        assert_eq!(d.parse(today()).unwrap().dob_precision, DobPrecision::Year);
        d.date_of_birth = Some("05/2019".into());
        let c = d.parse(today()).unwrap();
        assert_eq!(
            (c.dob_precision, c.date_of_birth),
            (DobPrecision::Month, Some(date(2019, 5, 1)))
        );
        d.date_of_birth = None;
        d.estimated_age = Some(serde_json::json!(6));
        let c = d.parse(today()).unwrap();
        assert_eq!(
            (c.dob_precision, c.date_of_birth),
            (DobPrecision::Estimated, Some(date(2020, 7, 1)))
        );
        d.estimated_age = None;
        assert_eq!(
            d.parse(today()).unwrap().dob_precision,
            DobPrecision::Unknown
        );
        d.date_of_birth = Some("01/01/2030".into());
        assert!(d.parse(today()).is_err());
        d.date_of_birth = Some("15/12/2026".into());
        assert!(d.parse(today()).is_err());
        d.date_of_birth = Some("2026".into());
        assert_eq!(
            d.parse(date(2026, 3, 1)).unwrap().date_of_birth,
            Some(date(2026, 1, 1))
        );
    }

    #[test]
    fn a_newborn_estimate_in_weeks_or_months_is_accepted() {
        // The issue: "3 tuần" was refused, so a newborn's only estimate was 0 years.
        let mut d = draft();
        d.personal_id = None;
        d.date_of_birth = None;
        d.dob_precision = Some("estimated".into());
        let on = date(2026, 12, 5);
        for (typed, month) in [
            ("3 tuần", date(2026, 11, 1)),
            ("3tuan", date(2026, 11, 1)),
            ("2 tháng", date(2026, 10, 1)),
            ("18 THÁNG", date(2025, 6, 1)),
            ("0 tuần", date(2026, 12, 1)),
        ] {
            d.estimated_age = Some(serde_json::json!(typed));
            let c = d.parse(on).unwrap();
            assert_eq!(
                (c.dob_precision, c.date_of_birth),
                (DobPrecision::Month, Some(month)),
                "{typed}"
            );
        }
        for (typed, year) in [("4", 2022), ("4 tuổi", 2022), ("0", 2026)] {
            d.estimated_age = Some(serde_json::json!(typed));
            let c = d.parse(on).unwrap();
            assert_eq!(c.dob_precision, DobPrecision::Estimated, "{typed}");
            assert_eq!(c.date_of_birth.map(|d| d.year()), Some(year), "{typed}");
        }
        for bad in ["3 ngày mưa", "ba tuần", "200 tuần", "40 tháng", "18"] {
            d.estimated_age = Some(serde_json::json!(bad));
            let e = d.parse(on).unwrap_err();
            assert_eq!(e.0[0].field, "estimated_age", "{bad}");
        }
    }

    #[test]
    fn presence_follows_moves_and_death() {
        let mut c = draft().parse(today()).unwrap();
        c.moved_out = Some(date(2026, 6, 1));
        assert!(c.present_on(date(2026, 5, 31)));
        assert!(!c.present_on(date(2026, 6, 1)));
        assert!(!c.present_on(date(2017, 1, 1)));
    }

    #[test]
    fn lists_past_their_limits_get_one_message_naming_the_limit() {
        let mut d = draft();
        d.aliases = (0..15_000).map(|i| format!("a{i}")).collect();
        d.caregivers = vec![
            CaregiverDraft {
                relationship: Some("mẹ".into()),
                full_name: Some("Giàng Thị Mỷ".into()),
                phone: None,
            };
            1_000
        ];
        d.circumstances = vec![
            CircumstanceDraft {
                code: Some("a".into()),
                from: Some("01/01/2020".into()),
                to: None,
            };
            41
        ];
        let e = d.parse(today()).unwrap_err();
        assert_eq!(
            e.for_field("aliases"),
            Some("tối đa 10 tên gọi khác (đã nhập 15000)")
        );
        assert_eq!(
            e.for_field("caregivers"),
            Some("tối đa 10 người chăm sóc (đã nhập 1000)")
        );
        assert_eq!(
            e.for_field("circumstances"),
            Some("tối đa 40 giai đoạn hoàn cảnh đặc biệt (đã nhập 41)")
        );
        // One message per list, not one per item.
        assert_eq!(e.0.len(), 3, "{e}");
    }

    #[test]
    fn names_aliases_and_periods_at_and_past_their_limits() {
        let mut d = draft();
        d.personal_id = None;
        // Ten aliases of 50 characters, 30 distinct words with the name: accepted.
        let word = |i: usize| {
            let (a, b) = (
                (b'a' + (i / 26) as u8) as char,
                (b'a' + (i % 26) as u8) as char,
            );
            format!("khongdaumotchu{a}{b}")
        };
        d.full_name = Some((0..5).map(word).collect::<Vec<_>>().join(" "));
        d.aliases = (0..10)
            .map(|k| {
                let w: Vec<String> = (0..3).map(|j| word(5 + (3 * k + j) % 25)).collect();
                w.join(" ")
            })
            .collect();
        assert!(d.aliases.iter().all(|a| a.chars().count() == 50));
        let c = d.parse(today()).unwrap();
        let text = c.search_text();
        let words: std::collections::BTreeSet<&str> = crate::text::tokens(&text).collect();
        assert_eq!(words.len(), 30);
        // One more word is one too many (the last alias's words are in the first two too).
        d.aliases[9] = "khongdaumotchuzz".into();
        let e = d.parse(today()).unwrap_err();
        assert_eq!(
            e.for_field("aliases"),
            Some("họ tên và tên gọi khác có tối đa 30 từ khác nhau (đã có 31)")
        );
        d.aliases = vec!["x".repeat(51)];
        let e = d.parse(today()).unwrap_err();
        assert_eq!(
            e.for_field("aliases"),
            Some("tên gọi khác quá dài: tối đa 50 ký tự (đã nhập 51)")
        );
        d.aliases = vec![];
        d.full_name = Some("Giàng ".repeat(20) + "Páo");
        let e = d.parse(today()).unwrap_err();
        assert!(e
            .for_field("full_name")
            .unwrap()
            .contains("tối đa 100 ký tự"));
        let d = ChildDraft {
            circumstances: (0..11)
                .map(|_| CircumstanceDraft {
                    code: Some("a".into()),
                    from: Some("01/01/2020".into()),
                    to: None,
                })
                .collect(),
            ..draft()
        };
        let e = d.parse(today()).unwrap_err();
        assert_eq!(
            e.for_field("circumstances[10].code"),
            Some("tối đa 10 giai đoạn của nhóm hoàn cảnh «a» (đã nhập 11)")
        );
    }

    #[test]
    fn dates_outside_the_years_allowed_name_the_range() {
        let mut d = draft();
        d.moved_in = Some("01/01/1800".into());
        let e = d.parse(today()).unwrap_err();
        assert!(e
            .for_field("moved_in")
            .unwrap()
            .contains("năm phải từ 1900 đến 2100"));
    }

    #[test]
    fn the_household_is_taken_as_its_code_in_any_case_or_spacing() {
        let mut d = draft();
        d.household = Some("  sp01 - 0124 ".into());
        let c = d.parse(today()).unwrap();
        assert_eq!(
            (c.household_code.as_deref(), c.household_id),
            (Some("sp01 - 0124"), None)
        );
        d.household = Some("#12".into());
        let c = d.parse(today()).unwrap();
        assert_eq!((c.household_code, c.household_id), (None, Some(12)));
        d.household = Some("--".into());
        let e = d.parse(today()).unwrap_err();
        assert!(e
            .for_field("household")
            .unwrap()
            .contains("mã hộ «--» không hợp lệ"));
        d.household = Some("SP01-0124".into());
        d.household_id = Some(3);
        assert!(d
            .parse(today())
            .unwrap_err()
            .for_field("household")
            .is_some());
        let ix = HouseholdIndex::new(vec![
            HouseholdEntry {
                id: 7,
                village: "SP01".into(),
                code: Some("SP01-0124".into()),
                head_name: "Giàng A Lử".into(),
            },
            HouseholdEntry {
                id: 9,
                village: "SP01".into(),
                code: Some("sp01 0124".into()),
                head_name: "Vàng A Dình".into(),
            },
            HouseholdEntry {
                id: 8,
                village: "SP01".into(),
                code: None,
                head_name: "Sùng A Dế".into(),
            },
        ]);
        assert_eq!(ix.resolve("#8", "SP01"), Ok(8));
        assert_eq!(
            ix.resolve("SP01-9999", "SP01"),
            Err("không có hộ mã SP01-9999".into())
        );
        assert_eq!(
            ix.resolve("SP01.0124", "SP01"),
            Err("có 2 hộ mã SP01.0124 ở thôn/bản SP01 (Giàng A Lử, Vàng A Dình); ghi số hộ để chọn: #7 hoặc #9".into())
        );
    }

    #[test]
    fn villages_are_found_by_code_or_name() {
        let v = |id, code: &str, name: &str| Village {
            id,
            code: code.into(),
            name: name.into(),
            version: 1,
        };
        let ix = VillageIndex::new(&[
            v(1, "SP01", "Thôn 1"),
            v(2, "SP02", "Bản Sính Phình"),
            v(3, "SP03", "Thôn Cáo"),
            v(4, "SP04", "Bản Cáo"),
        ]);
        assert_eq!(ix.resolve("sp01"), Ok("SP01".into()));
        assert_eq!(ix.resolve("Thôn 1"), Ok("SP01".into()));
        assert_eq!(ix.resolve("thon 1"), Ok("SP01".into()));
        assert_eq!(ix.resolve("bản Sính Phình"), Ok("SP02".into()));
        assert_eq!(ix.resolve("Sinh Phinh"), Ok("SP02".into()));
        assert!(ix.resolve("Cáo").unwrap_err().contains("SP03 hoặc SP04"));
        assert!(ix.resolve("Thôn 2").is_err());
    }

    #[test]
    fn names_in_capitals_without_accents_are_questioned() {
        assert!(name_warning("GIANG A PAO").is_some());
        assert!(name_warning("GIÀNG A PÁO").is_none());
        assert!(name_warning("Giang A Pao").is_none());
        assert!(name_warning("Giàng A Páo").is_none());
    }

    #[test]
    fn birth_dates_with_two_digit_years_or_month_first() {
        let mut d = draft();
        d.personal_id = None;
        for (typed, wanted) in [
            ("12-05-17", "ví dụ 12/05/2017"),
            ("5/17", "ví dụ 05/2017"),
            ("2/13/2020", "13/02/2020"),
        ] {
            d.date_of_birth = Some(typed.into());
            let e = d.parse(today()).unwrap_err();
            assert!(
                e.for_field("date_of_birth").unwrap().contains(wanted),
                "{e}"
            );
        }
    }

    #[test]
    fn draft_round_trips() {
        let c = draft().parse(today()).unwrap();
        let again = ChildDraft::from(&c).parse(today()).unwrap();
        assert_eq!(c, again);
    }
}
