//! The plan's budget (kinh phí thực hiện, section IV; V.2, Phòng Kinh tế): budget lines by
//! funding source and activity, planned, and the spendings against each; the totals a report
//! needs (per source, per activity, planned against spent). Amounts are whole đồng, never
//! negative. Who sees money — and that the economic office sees no child — is here too.
use crate::hazard::plan_year_date;
use crate::role::Role;
use crate::validation::FieldErrors;
use crate::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The largest amount accepted (10^15 đồng): more is a slip, and sums stay within i64.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;
/// The longest activity or note.
pub const TEXT_CHARS: usize = 300;

/// A funding source (nguồn kinh phí), as section IV names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// Ngân sách nhà nước.
    StateBudget,
    /// Chương trình mục tiêu quốc gia.
    NationalProgramme,
    /// Vận động xã hội.
    Mobilised,
    /// Quỹ Bảo trợ trẻ em.
    ChildFund,
}

impl FundingSource {
    pub const ALL: [FundingSource; 4] = [
        FundingSource::StateBudget,
        FundingSource::NationalProgramme,
        FundingSource::Mobilised,
        FundingSource::ChildFund,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FundingSource::StateBudget => "state_budget",
            FundingSource::NationalProgramme => "national_programme",
            FundingSource::Mobilised => "mobilised",
            FundingSource::ChildFund => "child_fund",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            FundingSource::StateBudget => "Ngân sách nhà nước",
            FundingSource::NationalProgramme => "Chương trình mục tiêu quốc gia",
            FundingSource::Mobilised => "Vận động xã hội",
            FundingSource::ChildFund => "Quỹ Bảo trợ trẻ em",
        }
    }

    pub fn parse(text: &str) -> Option<FundingSource> {
        let t = text.trim();
        let f = crate::text::fold(t);
        Self::ALL
            .into_iter()
            .find(|s| s.code() == t || crate::text::fold(s.label_vi()) == f)
    }
}

/// Reads an amount of đồng as typed: digits, with dots, commas or spaces between thousands
/// ("1.500.000"), "đ" after; a minus is refused as negative. `what` names it.
pub fn parse_amount(errs: &mut FieldErrors, field: &str, what: &str, text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        errs.push(field, format!("cần ghi {what}"));
        return None;
    }
    let body = t
        .trim_end_matches(['đ', 'd', 'Đ', 'D'])
        .trim_end()
        .trim_end_matches("VND")
        .trim();
    if body.starts_with('-') {
        errs.push(field, format!("{what} không được âm («{t}»)"));
        return None;
    }
    let digits: String = body
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}' | '+'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errs.push(
            field,
            format!("{what} «{t}» không phải số tiền (ghi số đồng, ví dụ 1.500.000)"),
        );
        return None;
    }
    match digits.parse::<i64>() {
        Ok(v) if v <= MAX_AMOUNT => Some(v),
        _ => {
            errs.push(field, format!("{what} «{t}» lớn quá mức cho phép"));
            None
        }
    }
}

/// An amount as officials write it: "1.500.000".
pub fn amount_vi(v: i64) -> String {
    crate::text::format_integer_vi(v.into())
}

fn text_field(
    errs: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    required: bool,
) -> String {
    let t = text.trim();
    if required && t.is_empty() {
        errs.push(field, format!("cần ghi {what}"));
    } else if t.chars().count() > TEXT_CHARS {
        errs.push(field, format!("{what} dài quá {TEXT_CHARS} ký tự"));
    }
    t.to_string()
}

/// A budget line: the plan year's money from one source for one activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewBudgetLine {
    pub year: i16,
    pub source: FundingSource,
    pub activity: String,
    pub planned: i64,
}

/// A budget line as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetLineDraft {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub activity: String,
    #[serde(default)]
    pub planned: String,
}

impl BudgetLineDraft {
    /// A line of the plan year (`today`'s): its source, activity and planned amount.
    pub fn parse(&self, today: Date) -> Result<NewBudgetLine, FieldErrors> {
        let mut errs = FieldErrors::default();
        let source = match FundingSource::parse(&self.source) {
            Some(s) => Some(s),
            None if self.source.trim().is_empty() => {
                errs.push("source", "cần chọn nguồn kinh phí");
                None
            }
            None => {
                errs.push(
                    "source",
                    format!(
                        "nguồn kinh phí «{}» không có trong danh mục",
                        self.source.trim()
                    ),
                );
                None
            }
        };
        let activity = text_field(&mut errs, "activity", "hoạt động", &self.activity, true);
        let planned = parse_amount(&mut errs, "planned", "kinh phí dự kiến", &self.planned);
        match (source, planned) {
            (Some(source), Some(planned)) if errs.is_empty() => Ok(NewBudgetLine {
                year: today.year(),
                source,
                activity,
                planned,
            }),
            _ => Err(errs),
        }
    }
}

/// A spending against a budget line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSpending {
    pub date: Date,
    pub amount: i64,
    pub note: String,
}

/// A spending as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpendingDraft {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub note: String,
}

impl SpendingDraft {
    /// The date in the plan year and not after `today`; the amount ≥ 0.
    pub fn parse(&self, today: Date) -> Result<NewSpending, FieldErrors> {
        let mut errs = FieldErrors::default();
        let date = plan_year_date(&mut errs, "date", "ngày chi", &self.date, today);
        let amount = parse_amount(&mut errs, "amount", "số tiền đã chi", &self.amount);
        let note = text_field(&mut errs, "note", "nội dung chi", &self.note, false);
        match (date, amount) {
            (Some(date), Some(amount)) if errs.is_empty() => Ok(NewSpending { date, amount, note }),
            _ => Err(errs),
        }
    }
}

/// A budget line as stored, with what was spent on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineFigures {
    pub id: i64,
    pub source: FundingSource,
    pub activity: String,
    pub planned: i64,
    pub spent: i64,
}

/// Planned and spent of one group of lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sum {
    pub planned: i64,
    pub spent: i64,
}

impl Sum {
    fn add(&mut self, l: &LineFigures) {
        self.planned = self.planned.saturating_add(l.planned);
        self.spent = self.spent.saturating_add(l.spent);
    }

    /// Spent as a share of planned, in per cent (none when nothing was planned).
    pub fn percent(&self) -> Option<f64> {
        (self.planned > 0).then(|| self.spent as f64 * 100.0 / self.planned as f64)
    }
}

/// The totals of a year's budget: per source (every source, in the plan's order), per
/// activity (in the order of their words), and all.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub by_source: Vec<(FundingSource, Sum)>,
    pub by_activity: Vec<(String, Sum)>,
    pub all: Sum,
}

/// Adds the lines up. Activities are grouped by their words with accents and case ignored,
/// shown as first written.
pub fn totals(lines: &[LineFigures]) -> Totals {
    let mut by_source: BTreeMap<FundingSource, Sum> = FundingSource::ALL
        .iter()
        .map(|s| (*s, Sum::default()))
        .collect();
    let mut by_activity: BTreeMap<String, (String, Sum)> = BTreeMap::new();
    let mut all = Sum::default();
    for l in lines {
        by_source.entry(l.source).or_default().add(l);
        by_activity
            .entry(crate::text::fold(l.activity.trim()))
            .or_insert_with(|| (l.activity.trim().to_string(), Sum::default()))
            .1
            .add(l);
        all.add(l);
    }
    Totals {
        by_source: by_source.into_iter().collect(),
        by_activity: by_activity.into_values().collect(),
        all,
    }
}

impl Role {
    /// May see the budget: the economic office, the officer and the leader.
    pub fn reads_budget(self) -> bool {
        matches!(self, Role::Economic | Role::Officer | Role::Leader)
    }

    /// May enter budget lines and spendings: the economic office (Phòng Kinh tế).
    pub fn writes_budget(self) -> bool {
        self == Role::Economic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        id: i64,
        source: FundingSource,
        activity: &str,
        planned: i64,
        spent: i64,
    ) -> LineFigures {
        LineFigures {
            id,
            source,
            activity: activity.into(),
            planned,
            spent,
        }
    }

    #[test]
    fn amounts_read_as_officials_write_them_and_negative_is_refused() {
        let mut e = FieldErrors::default();
        assert_eq!(
            parse_amount(&mut e, "a", "số tiền", "1.500.000"),
            Some(1_500_000)
        );
        assert_eq!(
            parse_amount(&mut e, "a", "số tiền", "2 000 000 đ"),
            Some(2_000_000)
        );
        assert_eq!(parse_amount(&mut e, "a", "số tiền", "0"), Some(0));
        assert!(e.is_empty());
        assert_eq!(parse_amount(&mut e, "a", "số tiền", "-5000"), None);
        assert!(e.for_field("a").unwrap().contains("không được âm"));
        let mut e = FieldErrors::default();
        assert_eq!(parse_amount(&mut e, "a", "số tiền", "năm triệu"), None);
        assert_eq!(
            parse_amount(&mut e, "a", "số tiền", "99999999999999999999"),
            None
        );
        assert_eq!(e.0.len(), 2);
        assert_eq!(amount_vi(1_500_000), "1.500.000");
        assert_eq!(amount_vi(999), "999");
    }

    #[test]
    fn totals_by_source_and_activity_add_up_by_hand() {
        use FundingSource::*;
        let t = totals(&[
            line(1, StateBudget, "Tháng hành động", 10_000_000, 8_000_000),
            line(2, ChildFund, "tháng hành động", 5_000_000, 5_000_000),
            line(3, StateBudget, "Tập huấn", 3_000_000, 0),
        ]);
        assert_eq!(
            t.all,
            Sum {
                planned: 18_000_000,
                spent: 13_000_000
            }
        );
        assert_eq!(t.by_source.len(), 4);
        assert_eq!(
            t.by_source[0],
            (
                StateBudget,
                Sum {
                    planned: 13_000_000,
                    spent: 8_000_000
                }
            )
        );
        assert_eq!(t.by_source[2].1, Sum::default());
        assert_eq!(t.by_activity.len(), 2);
        let month = t
            .by_activity
            .iter()
            .find(|(a, _)| a == "Tháng hành động")
            .unwrap();
        assert_eq!(
            month.1,
            Sum {
                planned: 15_000_000,
                spent: 13_000_000
            }
        );
    }

    #[test]
    fn a_spending_is_of_the_plan_year_and_not_negative() {
        let today: Date = "2026-12-06".parse().unwrap();
        let e = SpendingDraft {
            date: "01/01/2025".into(),
            amount: "-1".into(),
            note: String::new(),
        }
        .parse(today)
        .unwrap_err();
        assert!(e.for_field("date").is_some() && e.for_field("amount").is_some());
        assert!(SpendingDraft {
            date: "15/03/2026".into(),
            amount: "200.000".into(),
            note: "In tờ rơi".into(),
        }
        .parse(today)
        .is_ok());
    }

    #[test]
    fn the_economic_office_sees_money_not_children() {
        assert!(Role::Economic.reads_budget() && Role::Economic.writes_budget());
        assert!(!Role::Economic.reads_children());
        assert!(!Role::VillageHead.reads_budget());
    }
}
