//! The plan's work itself as records (issue 17, items 1, 6, 7, 8): the details of a support
//! (value, funding source, giver) and a distribution list given in one go; disasters and the
//! register children they affected and who was helped (target 17); marriages involving a person
//! under the legal age (target 18); the disability follow-up of a child of group d (II.5).
//!
//! The rules that count, each with its number as data:
//! * target 17: a child affected by a disaster dated in the period counts as helped when the
//!   help is recorded no later than [`ReliefRule::within_days`] days after the disaster's date
//!   (7 unless the commune sets another; no law fixes the number — "kịp thời" is the plan's word);
//! * target 18: a child marriage (tảo hôn) is a marriage in which a party is under the legal
//!   age ([`LEGAL_MARRIAGE_AGE`]: woman 18, man 20, Luật Hôn nhân và gia đình 2014, Điều 8);
//!   one that was prevented is recorded but not counted. The year's count is compared with the
//!   year before's, counted the same way from the records.
use crate::validation::{self, FieldErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where the money of a support came from (nguồn kinh phí), as plan section IV names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    StateBudget,
    TargetProgramme,
    Contributions,
    ChildFund,
    Other,
}

impl FundingSource {
    pub const ALL: [FundingSource; 5] = [
        FundingSource::StateBudget,
        FundingSource::TargetProgramme,
        FundingSource::Contributions,
        FundingSource::ChildFund,
        FundingSource::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            FundingSource::StateBudget => "state_budget",
            FundingSource::TargetProgramme => "target_programme",
            FundingSource::Contributions => "contributions",
            FundingSource::ChildFund => "child_fund",
            FundingSource::Other => "other",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            FundingSource::StateBudget => "Ngân sách nhà nước",
            FundingSource::TargetProgramme => "Chương trình mục tiêu quốc gia",
            FundingSource::Contributions => "Nguồn vận động, xã hội hóa",
            FundingSource::ChildFund => "Quỹ Bảo trợ trẻ em",
            FundingSource::Other => "Nguồn khác",
        }
    }
    /// From its code or its words (accents and case ignored).
    pub fn parse(text: &str) -> Option<FundingSource> {
        let t = crate::text::fold(text.trim());
        Self::ALL
            .into_iter()
            .find(|f| f.code() == text.trim() || crate::text::fold(f.label_vi()) == t)
    }
}

/// The largest value a support may have (1 tỷ đồng): more is a typing slip.
pub const MAX_VALUE_VND: i64 = 1_000_000_000;

/// Reads an amount in đồng as officials type it ("500.000", "500000", "500 000 đ"); empty is
/// `None`. Negative, fractional or absurd amounts are refused with the reason.
pub fn parse_vnd(text: &str) -> Result<Option<i64>, String> {
    let t = text
        .trim()
        .trim_end_matches('đ')
        .trim_end_matches("đồng")
        .trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with('-') {
        return Err("giá trị không được âm".into());
    }
    // Thousands grouped by "." "," or spaces ("500.000", "500,000"); a group of other than
    // three digits is a decimal ("1,5"), not whole đồng.
    let groups: Vec<&str> = t.split(['.', ',', ' ']).collect();
    let grouped_well = groups.iter().skip(1).all(|g| g.len() == 3);
    let digits: String = groups.concat();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || !grouped_well {
        return Err(format!(
            "«{}» không phải số tiền (đồng), ví dụ 500.000",
            text.trim()
        ));
    }
    match digits.parse::<i64>() {
        Ok(v) if v <= MAX_VALUE_VND => Ok(Some(v)),
        _ => Err("giá trị quá lớn (quá 1 tỷ đồng)".into()),
    }
}

/// The details of a support besides its day and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SupportDetails {
    /// Value in đồng for each child; `None` when not priced (psychosocial support, referral).
    pub value_vnd: Option<i64>,
    pub funding: Option<FundingSource>,
    /// Who gave it (đơn vị, cá nhân trao).
    pub giver: String,
}

impl SupportDetails {
    pub fn parse(value: &str, funding: &str, giver: &str) -> Result<SupportDetails, FieldErrors> {
        let mut errs = FieldErrors::default();
        let value_vnd = parse_vnd(value).unwrap_or_else(|e| {
            errs.push("value", e);
            None
        });
        let funding = match funding.trim() {
            "" => None,
            t => {
                let f = FundingSource::parse(t);
                if f.is_none() {
                    errs.push(
                        "funding",
                        format!("nguồn kinh phí «{t}» không có trong danh mục"),
                    );
                }
                f
            }
        };
        let giver = giver.trim();
        if giver.chars().count() > 200 {
            errs.push("giver", "tên người, đơn vị trao quá dài (tối đa 200 ký tự)");
        }
        if errs.is_empty() {
            Ok(SupportDetails {
                value_vnd,
                funding,
                giver: giver.to_string(),
            })
        } else {
            Err(errs)
        }
    }
}

/// Refuses a date after `today` or outside the plan `year`, naming `field`.
pub fn check_date(
    errs: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    year: i16,
    today: Date,
) -> Option<Date> {
    match text.trim() {
        "" => {
            errs.push(field, format!("cần ghi {what}"));
            None
        }
        t => match validation::parse_date(t) {
            None => {
                errs.push(field, validation::date_problem(t));
                None
            }
            Some(d) if d > today => {
                errs.push(field, format!("{what} ở sau hôm nay"));
                None
            }
            Some(d) if d.year() != year => {
                errs.push(field, format!("{what} không thuộc năm kế hoạch {year}"));
                None
            }
            Some(d) => Some(d),
        },
    }
}

/// The most children one distribution list may hold.
pub const MAX_DISTRIBUTION: usize = 5_000;

/// A distribution list (danh sách cấp phát): one support given to many children on one day,
/// entered and stored once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDistribution {
    pub title: String,
    pub date: Date,
    pub kind: crate::support::SupportKind,
    pub details: SupportDetails,
    /// Register children, ascending, each once.
    pub children: Vec<i64>,
}

impl NewDistribution {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        title: &str,
        date: &str,
        kind: &str,
        value: &str,
        funding: &str,
        giver: &str,
        children: &[i64],
        year: i16,
        today: Date,
    ) -> Result<NewDistribution, FieldErrors> {
        let mut errs = FieldErrors::default();
        let title = title.trim();
        if title.is_empty() {
            errs.push(
                "title",
                "cần ghi tên đợt cấp phát (ví dụ: Quà Tết Nguyên đán 2026)",
            );
        } else if title.chars().count() > 200 {
            errs.push("title", "tên đợt cấp phát quá dài (tối đa 200 ký tự)");
        }
        let day = check_date(&mut errs, "date", "ngày cấp phát", date, year, today);
        let kind = match kind.trim() {
            "" => {
                errs.push("kind", "cần chọn hình thức trợ giúp");
                None
            }
            t => {
                let k = crate::support::SupportKind::parse(t);
                if k.is_none() {
                    errs.push(
                        "kind",
                        format!("hình thức trợ giúp «{t}» không có trong danh mục"),
                    );
                }
                k
            }
        };
        let details = SupportDetails::parse(value, funding, giver).unwrap_or_else(|e| {
            errs.0.extend(e.0);
            SupportDetails::default()
        });
        let mut ids = children.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            errs.push("children", "chưa chọn trẻ em nào trong danh sách");
        } else if ids.len() > MAX_DISTRIBUTION {
            errs.push(
                "children",
                format!("một danh sách tối đa {MAX_DISTRIBUTION} trẻ; hãy chia thành nhiều đợt"),
            );
        }
        match (day, kind) {
            (Some(date), Some(kind)) if errs.is_empty() => Ok(NewDistribution {
                title: title.to_string(),
                date,
                kind,
                details,
                children: ids,
            }),
            _ => Err(errs),
        }
    }
}

/// A register child as the upload of a distribution list is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub id: i64,
    pub personal_id: Option<String>,
    pub full_name: String,
    pub date_of_birth: Option<Date>,
}

/// A row of an uploaded list: a personal ID, or a name with a birth date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRow {
    /// The sheet's row number (1 = the header).
    pub row: usize,
    pub personal_id: String,
    pub full_name: String,
    pub date_of_birth: String,
}

/// A row that matched no child, or more than one, with the reason in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    pub row: usize,
    pub reason: String,
}

/// Matches every row of an uploaded list to a register child: by personal ID when the row has
/// one, otherwise by name (accents and case ignored) and birth date. All or nothing: any row
/// unmatched (or matching two children) gives every such row with its reason, and no child.
pub fn match_rows(
    rows: &[ListRow],
    register: &[RegisterEntry],
) -> Result<Vec<i64>, Vec<Unmatched>> {
    use std::collections::HashMap;
    let mut by_pid: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut by_name: HashMap<(String, Date), Vec<i64>> = HashMap::new();
    for e in register {
        if let Some(p) = e.personal_id.as_deref().filter(|p| !p.is_empty()) {
            by_pid.entry(p).or_default().push(e.id);
        }
        if let Some(d) = e.date_of_birth {
            by_name
                .entry((crate::text::fold(e.full_name.trim()), d))
                .or_default()
                .push(e.id);
        }
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for r in rows {
        let pid = r.personal_id.trim();
        let found = if !pid.is_empty() {
            by_pid
                .get(pid)
                .cloned()
                .ok_or_else(|| format!("không có trẻ nào trong sổ có số định danh cá nhân {pid}"))
        } else if r.full_name.trim().is_empty() {
            Err("thiếu số định danh cá nhân và họ tên".to_string())
        } else {
            match validation::parse_date(r.date_of_birth.trim()) {
                None if r.date_of_birth.trim().is_empty() => {
                    Err("không có số định danh: cần ghi ngày sinh cùng họ tên".to_string())
                }
                None => Err(format!(
                    "ngày sinh: {}",
                    validation::date_problem(r.date_of_birth.trim())
                )),
                Some(d) => by_name
                    .get(&(crate::text::fold(r.full_name.trim()), d))
                    .cloned()
                    .ok_or_else(|| {
                        format!(
                            "không có trẻ nào trong sổ tên «{}» sinh ngày {}",
                            r.full_name.trim(),
                            r.date_of_birth.trim()
                        )
                    }),
            }
        };
        match found {
            Ok(v) if v.len() == 1 => ids.push(v[0]),
            Ok(_) => bad.push(Unmatched {
                row: r.row,
                reason: "khớp với nhiều trẻ trong sổ; hãy ghi số định danh cá nhân".into(),
            }),
            Err(reason) => bad.push(Unmatched { row: r.row, reason }),
        }
    }
    if bad.is_empty() {
        Ok(ids)
    } else {
        Err(bad)
    }
}

/// A kind of disaster or emergency (thiên tai, thảm họa, sự cố).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisasterKind {
    Flood,
    Landslide,
    Storm,
    ColdSpell,
    Drought,
    Fire,
    Other,
}

impl DisasterKind {
    pub const ALL: [DisasterKind; 7] = [
        DisasterKind::Flood,
        DisasterKind::Landslide,
        DisasterKind::Storm,
        DisasterKind::ColdSpell,
        DisasterKind::Drought,
        DisasterKind::Fire,
        DisasterKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DisasterKind::Flood => "flood",
            DisasterKind::Landslide => "landslide",
            DisasterKind::Storm => "storm",
            DisasterKind::ColdSpell => "cold_spell",
            DisasterKind::Drought => "drought",
            DisasterKind::Fire => "fire",
            DisasterKind::Other => "other",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            DisasterKind::Flood => "Lũ, lũ quét, ngập lụt",
            DisasterKind::Landslide => "Sạt lở đất",
            DisasterKind::Storm => "Bão, lốc, mưa đá",
            DisasterKind::ColdSpell => "Rét đậm, rét hại",
            DisasterKind::Drought => "Hạn hán",
            DisasterKind::Fire => "Cháy nhà, cháy rừng",
            DisasterKind::Other => "Thảm họa, sự cố khác",
        }
    }
    pub fn parse(text: &str) -> Option<DisasterKind> {
        let t = crate::text::fold(text.trim());
        Self::ALL
            .into_iter()
            .find(|k| k.code() == text.trim() || crate::text::fold(k.label_vi()) == t)
    }
}

/// A disaster to record: its day, kind, the villages it struck (codes) and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisaster {
    pub date: Date,
    pub kind: DisasterKind,
    pub villages: Vec<String>,
    pub note: String,
}

impl NewDisaster {
    pub fn parse(
        date: &str,
        kind: &str,
        villages: &[String],
        note: &str,
        year: i16,
        today: Date,
    ) -> Result<NewDisaster, FieldErrors> {
        let mut errs = FieldErrors::default();
        let day = check_date(&mut errs, "date", "ngày xảy ra", date, year, today);
        let kind = match DisasterKind::parse(kind) {
            Some(k) => Some(k),
            None if kind.trim().is_empty() => {
                errs.push("kind", "cần chọn loại thiên tai, thảm họa");
                None
            }
            None => {
                errs.push(
                    "kind",
                    format!("loại thiên tai «{}» không có trong danh mục", kind.trim()),
                );
                None
            }
        };
        let mut villages: Vec<String> = villages
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        villages.sort();
        villages.dedup();
        if villages.is_empty() {
            errs.push("villages", "cần chọn ít nhất một thôn, bản bị ảnh hưởng");
        }
        if note.chars().count() > 2000 {
            errs.push("note", "mô tả quá dài (tối đa 2000 ký tự)");
        }
        match (day, kind) {
            (Some(date), Some(kind)) if errs.is_empty() => Ok(NewDisaster {
                date,
                kind,
                villages,
                note: note.trim().to_string(),
            }),
            _ => Err(errs),
        }
    }
}

/// A child affected by a disaster, and the help (when, how) once given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefEntry {
    pub child_id: i64,
    pub helped: Option<(Date, String)>,
}

impl ReliefEntry {
    /// Reads "helped on … how …" for an affected child of a disaster dated `disaster`: the help
    /// comes on or after the disaster, not after today; a help needs its "how".
    pub fn parse(
        child_id: i64,
        helped_on: &str,
        how: &str,
        disaster: Date,
        today: Date,
    ) -> Result<ReliefEntry, FieldErrors> {
        let mut errs = FieldErrors::default();
        let helped = match helped_on.trim() {
            "" => {
                if !how.trim().is_empty() {
                    errs.push("helped_on", "cần ghi ngày cứu trợ, hỗ trợ");
                }
                None
            }
            t => match validation::parse_date(t) {
                None => {
                    errs.push("helped_on", validation::date_problem(t));
                    None
                }
                Some(d) if d > today => {
                    errs.push("helped_on", "ngày cứu trợ ở sau hôm nay");
                    None
                }
                Some(d) if d < disaster => {
                    errs.push("helped_on", "ngày cứu trợ ở trước ngày xảy ra thiên tai");
                    None
                }
                Some(d) if how.trim().is_empty() => {
                    errs.push(
                        "how",
                        "cần ghi hình thức cứu trợ (ví dụ: gạo, chăn, tiền mặt)",
                    );
                    let _ = d;
                    None
                }
                Some(d) => Some((d, how.trim().to_string())),
            },
        };
        if errs.is_empty() {
            Ok(ReliefEntry { child_id, helped })
        } else {
            Err(errs)
        }
    }

    /// One line of the relief page: a ticked child was helped and needs the date and the how;
    /// an unticked one is not helped yet (whatever was typed beside it is not kept).
    pub fn from_tick(
        child_id: i64,
        ticked: bool,
        helped_on: &str,
        how: &str,
        disaster: Date,
        today: Date,
    ) -> Result<ReliefEntry, FieldErrors> {
        if !ticked {
            return Ok(ReliefEntry {
                child_id,
                helped: None,
            });
        }
        if helped_on.trim().is_empty() {
            let mut errs = FieldErrors::default();
            errs.push(
                "helped_on",
                "đã đánh dấu được cứu trợ: cần ghi ngày cứu trợ, hỗ trợ",
            );
            if how.trim().is_empty() {
                errs.push(
                    "how",
                    "cần ghi hình thức cứu trợ (ví dụ: gạo, chăn, tiền mặt)",
                );
            }
            return Err(errs);
        }
        Self::parse(child_id, helped_on, how, disaster, today)
    }
}

/// Days from a disaster to `today` (0 on the day itself; never negative).
pub fn days_since(disaster: Date, today: Date) -> i64 {
    (today - disaster).get_days().max(0) as i64
}

/// When help counts as timely for target 17 (cứu trợ kịp thời): within this many days of the
/// disaster's date. A setting of the commune, not a law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReliefRule {
    pub within_days: u16,
}

impl Default for ReliefRule {
    fn default() -> Self {
        ReliefRule { within_days: 7 }
    }
}

impl ReliefRule {
    pub fn timely(self, disaster: Date, helped: Date) -> bool {
        helped >= disaster && (helped - disaster).get_days() <= i32::from(self.within_days)
    }
    /// From the stored setting (a whole number of days, 0–90).
    pub fn from_setting(text: &str) -> Result<ReliefRule, String> {
        match text.trim().parse::<u16>() {
            Ok(d) if d <= 90 => Ok(ReliefRule { within_days: d }),
            _ => Err(format!(
                "số ngày cứu trợ kịp thời «{text}» phải là số từ 0 đến 90"
            )),
        }
    }
}

/// A disaster as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisasterFacts {
    pub date: Date,
    pub children: Vec<(i64, Option<Date>)>,
}

/// Target 17 over the disasters dated in `[from, to]` (to = the as-of date at most): (children
/// helped in time, children affected); a child affected twice counts twice (each event needs
/// its help).
pub fn relief_counts(
    disasters: &[DisasterFacts],
    from: Date,
    to: Date,
    rule: ReliefRule,
) -> (usize, usize) {
    let mut helped = 0;
    let mut affected = 0;
    for d in disasters.iter().filter(|d| d.date >= from && d.date <= to) {
        for (_, h) in &d.children {
            affected += 1;
            if h.is_some_and(|h| h <= to && rule.timely(d.date, h)) {
                helped += 1;
            }
        }
    }
    (helped, affected)
}

/// The legal marriage ages (Luật Hôn nhân và gia đình 2014, Điều 8 khoản 1 điểm a): a woman
/// from 18, a man from 20. Data, so that a change of law is a change of this table only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MarriageAge {
    pub woman: u8,
    pub man: u8,
}

pub const LEGAL_MARRIAGE_AGE: MarriageAge = MarriageAge { woman: 18, man: 20 };

impl MarriageAge {
    /// Whether a marriage of these ages is a child marriage (tảo hôn): a party under their age.
    pub fn is_child_marriage(self, wife_age: Option<u8>, husband_age: Option<u8>) -> bool {
        wife_age.is_some_and(|a| a < self.woman) || husband_age.is_some_and(|a| a < self.man)
    }
}

/// A child marriage to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMarriage {
    pub date: Date,
    pub village: String,
    pub ethnicity: Option<u8>,
    /// The register child, when known.
    pub child_id: Option<i64>,
    pub wife_age: Option<u8>,
    pub husband_age: Option<u8>,
    /// Phát hiện và ngăn chặn được: recorded, not counted.
    pub prevented: bool,
    pub note: String,
}

impl NewMarriage {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        date: &str,
        village: &str,
        ethnicity: &str,
        child_id: Option<i64>,
        wife_age: &str,
        husband_age: &str,
        prevented: bool,
        note: &str,
        year: i16,
        today: Date,
    ) -> Result<NewMarriage, FieldErrors> {
        let mut errs = FieldErrors::default();
        let day = check_date(&mut errs, "date", "ngày phát hiện", date, year, today);
        let village = village.trim();
        if village.is_empty() {
            errs.push("village", "cần chọn thôn, bản");
        }
        let ethnicity = match ethnicity.trim() {
            "" => None,
            t => {
                let e = crate::ethnicity::parse(t);
                if e.is_none() {
                    errs.push(
                        "ethnicity",
                        format!("dân tộc «{t}» không có trong danh mục"),
                    );
                }
                e
            }
        };
        let mut age = |field: &str, text: &str| -> Option<u8> {
            match text.trim() {
                "" => None,
                t => match t.parse::<u8>() {
                    Ok(a) if (10..=99).contains(&a) => Some(a),
                    _ => {
                        errs.push(field, format!("tuổi «{t}» phải là số từ 10 đến 99"));
                        None
                    }
                },
            }
        };
        let wife_age = age("wife_age", wife_age);
        let husband_age = age("husband_age", husband_age);
        if errs.for_field("wife_age").is_none()
            && errs.for_field("husband_age").is_none()
            && !LEGAL_MARRIAGE_AGE.is_child_marriage(wife_age, husband_age)
        {
            errs.push(
                "wife_age",
                format!(
                    "không bên nào dưới tuổi kết hôn (nữ {}, nam {}): không phải tảo hôn",
                    LEGAL_MARRIAGE_AGE.woman, LEGAL_MARRIAGE_AGE.man
                ),
            );
        }
        match day {
            Some(date) if errs.is_empty() => Ok(NewMarriage {
                date,
                village: village.to_string(),
                ethnicity,
                child_id,
                wife_age,
                husband_age,
                prevented,
                note: note.trim().to_string(),
            }),
            _ => Err(errs),
        }
    }
}

/// A marriage as the figures read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarriageFacts {
    pub date: Date,
    pub prevented: bool,
}

/// Child marriages (not prevented) dated in `[from, to]`.
pub fn marriages_in(marriages: &[MarriageFacts], from: Date, to: Date) -> usize {
    marriages
        .iter()
        .filter(|m| !m.prevented && m.date >= from && m.date <= to)
        .count()
}

/// The records behind targets 17 and 18, for the indicator engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkRecords {
    pub disasters: Vec<DisasterFacts>,
    pub marriages: Vec<MarriageFacts>,
}

pub static EMPTY: WorkRecords = WorkRecords {
    disasters: Vec::new(),
    marriages: Vec::new(),
};

/// A disability follow-up for a child of group d (trẻ em khuyết tật, II.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisabilityRecord {
    pub date: Date,
    pub needs: String,
    pub services: String,
    pub devices: String,
}

impl NewDisabilityRecord {
    pub fn parse(
        date: &str,
        needs: &str,
        services: &str,
        devices: &str,
        year: i16,
        today: Date,
    ) -> Result<NewDisabilityRecord, FieldErrors> {
        let mut errs = FieldErrors::default();
        let day = check_date(&mut errs, "date", "ngày đánh giá", date, year, today);
        let (needs, services, devices) = (needs.trim(), services.trim(), devices.trim());
        if needs.is_empty() && services.is_empty() && devices.is_empty() {
            errs.push(
                "needs",
                "cần ghi nhu cầu được đánh giá, dịch vụ đã nhận hoặc dụng cụ hỗ trợ",
            );
        }
        for (f, v) in [
            ("needs", needs),
            ("services", services),
            ("devices", devices),
        ] {
            if v.chars().count() > 2000 {
                errs.push(f, "quá dài (tối đa 2000 ký tự)");
            }
        }
        match day {
            Some(date) if errs.is_empty() => Ok(NewDisabilityRecord {
                date,
                needs: needs.into(),
                services: services.into(),
                devices: devices.into(),
            }),
            _ => Err(errs),
        }
    }

    /// Whether a child may have a disability record: group d (trẻ em khuyết tật) active on `on`.
    pub fn applies(circumstances: &[crate::circumstance::Circumstance], on: Date) -> bool {
        circumstances
            .iter()
            .any(|c| c.code == "d" && c.active_on(on))
    }
}

/// Why a child may not have a disability record.
pub const NOT_DISABLED: &str =
    "trẻ không thuộc nhóm trẻ em khuyết tật (nhóm d, Điều 10 Luật Trẻ em) vào ngày đánh giá";

/// The rows of an uploaded distribution list from its header and cells: the columns are found
/// by their headings ("Số định danh" / "Mã định danh", "Họ và tên" / "Họ tên", "Ngày sinh"),
/// accents and case ignored. A sheet with neither an ID column nor a name column is refused.
pub fn list_rows(header: &[String], cells: &crate::import::Rows) -> Result<Vec<ListRow>, String> {
    let find = |words: &[&str]| {
        header.iter().position(|h| {
            let h = crate::text::fold(h.trim());
            words.iter().any(|w| h.contains(w))
        })
    };
    let pid = find(&["dinh danh", "cccd", "personal_id"]);
    let name = find(&["ho va ten", "ho ten", "full_name"]);
    let dob = find(&["ngay sinh", "date_of_birth"]);
    if pid.is_none() && name.is_none() {
        return Err(
            "tệp cần cột «Số định danh cá nhân» hoặc cột «Họ và tên» cùng cột «Ngày sinh»".into(),
        );
    }
    let cell = |r: &crate::import::Row, c: Option<usize>| {
        c.and_then(|c| r.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    Ok(cells
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| ListRow {
            row: i + 2,
            personal_id: cell(&r, pid),
            full_name: cell(&r, name),
            date_of_birth: cell(&r, dob),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_ticked_relief_needs_its_date_and_how_and_an_unticked_one_is_not_helped() {
        let (d, today) = (date(2026, 3, 15), date(2026, 12, 6));
        let none = ReliefEntry::from_tick(7, false, "20/03/2026", "Gạo", d, today).unwrap();
        assert_eq!(none.helped, None);
        let errs = ReliefEntry::from_tick(7, true, "", "", d, today).unwrap_err();
        assert!(errs.0.iter().any(|e| e.field == "helped_on"));
        assert!(errs.0.iter().any(|e| e.field == "how"));
        let ok = ReliefEntry::from_tick(7, true, "20/03/2026", "Gạo", d, today).unwrap();
        assert_eq!(ok.helped, Some((date(2026, 3, 20), "Gạo".to_string())));
        assert!(ReliefEntry::from_tick(7, true, "10/03/2026", "Gạo", d, today).is_err());
        assert_eq!(days_since(d, date(2026, 3, 25)), 10);
        assert_eq!(days_since(d, date(2026, 3, 1)), 0);
    }

    #[test]
    fn amounts_read_as_officials_type_them_and_negative_is_refused() {
        assert_eq!(parse_vnd("500.000"), Ok(Some(500_000)));
        assert_eq!(parse_vnd("500 000 đ"), Ok(Some(500_000)));
        assert_eq!(parse_vnd(""), Ok(None));
        assert!(parse_vnd("-5").unwrap_err().contains("âm"));
        assert!(parse_vnd("abc").is_err());
        assert_eq!(parse_vnd("500,000"), Ok(Some(500_000)));
        assert!(parse_vnd("1,5").is_err());
        assert!(parse_vnd("2000000000").is_err());
    }

    #[test]
    fn a_distribution_names_each_bad_field_and_keeps_each_child_once() {
        let today = date(2026, 12, 6);
        let ok = NewDistribution::parse(
            "Quà Tết",
            "10/02/2026",
            "food_and_gifts",
            "300.000",
            "child_fund",
            "UBND xã",
            &[3, 1, 3],
            2026,
            today,
        )
        .unwrap();
        assert_eq!(ok.children, vec![1, 3]);
        assert_eq!(ok.details.value_vnd, Some(300_000));
        let e = NewDistribution::parse("", "10/02/2025", "x", "-1", "y", "", &[], 2026, today)
            .unwrap_err();
        assert!(e.for_field("title").is_some());
        assert!(e.for_field("date").unwrap().contains("năm kế hoạch 2026"));
        assert!(e.for_field("kind").is_some());
        assert!(e.for_field("value").unwrap().contains("âm"));
        assert!(e.for_field("funding").is_some());
        assert!(e.for_field("children").is_some());
        let e = NewDistribution::parse("Q", "07/12/2026", "other", "", "", "", &[1], 2026, today)
            .unwrap_err();
        assert!(e.for_field("date").unwrap().contains("sau hôm nay"));
    }

    #[test]
    fn rows_match_by_personal_id_or_name_and_birth_date_all_or_nothing() {
        let reg = vec![
            RegisterEntry {
                id: 1,
                personal_id: Some("011223000001".into()),
                full_name: "Giàng A Pao".into(),
                date_of_birth: Some(date(2015, 3, 1)),
            },
            RegisterEntry {
                id: 2,
                personal_id: None,
                full_name: "Lý Thị Mai".into(),
                date_of_birth: Some(date(2016, 4, 2)),
            },
        ];
        let row = |n, p: &str, name: &str, dob: &str| ListRow {
            row: n,
            personal_id: p.into(),
            full_name: name.into(),
            date_of_birth: dob.into(),
        };
        assert_eq!(
            match_rows(
                &[
                    row(2, "011223000001", "", ""),
                    row(3, "", "ly thi mai", "02/04/2016")
                ],
                &reg
            ),
            Ok(vec![1, 2])
        );
        let bad = match_rows(
            &[
                row(2, "011223000001", "", ""),
                row(3, "999", "", ""),
                row(4, "", "Lý Thị Mai", ""),
            ],
            &reg,
        )
        .unwrap_err();
        assert_eq!(bad.iter().map(|u| u.row).collect::<Vec<_>>(), vec![3, 4]);
        assert!(bad[0].reason.contains("số định danh"));
        assert!(bad[1].reason.contains("ngày sinh"));
    }

    #[test]
    fn target_17_counts_help_within_the_set_days() {
        let d = DisasterFacts {
            date: date(2026, 7, 10),
            children: vec![
                (1, Some(date(2026, 7, 12))),
                (2, Some(date(2026, 7, 20))),
                (3, None),
            ],
        };
        let (from, to) = (date(2026, 1, 1), date(2026, 12, 31));
        assert_eq!(
            relief_counts(std::slice::from_ref(&d), from, to, ReliefRule::default()),
            (1, 3)
        );
        assert_eq!(
            relief_counts(
                std::slice::from_ref(&d),
                from,
                to,
                ReliefRule { within_days: 10 }
            ),
            (2, 3)
        );
        assert_eq!(
            relief_counts(&[d], from, date(2026, 7, 9), ReliefRule::default()),
            (0, 0)
        );
        assert_eq!(
            ReliefRule::from_setting("14"),
            Ok(ReliefRule { within_days: 14 })
        );
        assert!(ReliefRule::from_setting("-1").is_err());
    }

    #[test]
    fn a_child_marriage_is_a_party_under_the_legal_age() {
        assert!(LEGAL_MARRIAGE_AGE.is_child_marriage(Some(17), Some(25)));
        assert!(LEGAL_MARRIAGE_AGE.is_child_marriage(Some(19), Some(19)));
        assert!(!LEGAL_MARRIAGE_AGE.is_child_marriage(Some(18), Some(20)));
        let today = date(2026, 12, 6);
        let e = NewMarriage::parse(
            "01/03/2026",
            "B1",
            "",
            None,
            "18",
            "20",
            false,
            "",
            2026,
            today,
        )
        .unwrap_err();
        assert!(e
            .for_field("wife_age")
            .unwrap()
            .contains("không phải tảo hôn"));
        let e = NewMarriage::parse(
            "01/03/2026",
            "",
            "Mông",
            None,
            "5",
            "",
            false,
            "",
            2026,
            today,
        )
        .unwrap_err();
        assert!(e.for_field("village").is_some());
        assert!(e.for_field("wife_age").unwrap().contains("10 đến 99"));
        let m = NewMarriage::parse(
            "01/03/2026",
            "B1",
            "",
            None,
            "16",
            "22",
            true,
            "",
            2026,
            today,
        )
        .unwrap();
        assert!(m.prevented);
        let ms = [
            MarriageFacts {
                date: date(2026, 3, 1),
                prevented: false,
            },
            MarriageFacts {
                date: date(2026, 4, 1),
                prevented: true,
            },
            MarriageFacts {
                date: date(2025, 4, 1),
                prevented: false,
            },
        ];
        assert_eq!(marriages_in(&ms, date(2026, 1, 1), date(2026, 12, 31)), 1);
        assert_eq!(marriages_in(&ms, date(2025, 1, 1), date(2025, 12, 31)), 1);
    }

    #[test]
    fn a_disability_record_needs_something_and_group_d() {
        let today = date(2026, 12, 6);
        let e = NewDisabilityRecord::parse("01/03/2026", "", " ", "", 2026, today).unwrap_err();
        assert!(e.for_field("needs").is_some());
        assert!(NewDisabilityRecord::parse(
            "01/03/2026",
            "vật lý trị liệu",
            "",
            "xe lăn",
            2026,
            today
        )
        .is_ok());
        let d = crate::circumstance::Circumstance {
            code: "d".into(),
            from: date(2020, 1, 1),
            to: None,
        };
        assert!(NewDisabilityRecord::applies(
            std::slice::from_ref(&d),
            today
        ));
        let a = crate::circumstance::Circumstance {
            code: "a".into(),
            from: date(2020, 1, 1),
            to: None,
        };
        assert!(!NewDisabilityRecord::applies(&[a], today));
    }

    #[test]
    fn sheet_columns_are_found_by_their_headings() {
        let header: Vec<String> = ["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân"]
            .map(String::from)
            .to_vec();
        let cells: crate::import::Rows = [
            vec!["1", "Giàng A Pao", "01/03/2015", ""],
            vec!["", "", "", ""],
        ]
        .into_iter()
        .collect();
        let rows = list_rows(&header, &cells).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].full_name, "Giàng A Pao");
        assert!(list_rows(&["STT".to_string()], &cells).is_err());
    }
}
