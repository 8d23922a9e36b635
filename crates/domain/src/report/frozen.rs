//! An approved report as it was approved (báo cáo đã phê duyệt): its figures with the records
//! behind them, the agencies' narratives and who approved it. Stored as JSON beside the
//! report; documents and the province package read only this.
use crate::date::Period;
use crate::indicator::TargetResult;
use crate::Date;
use serde::{Deserialize, Serialize};

/// The commune a report comes from (đơn vị báo cáo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    /// Mã đơn vị hành chính (the commune's code); empty until the commune sets it.
    pub code: String,
    /// "Sính Phình".
    pub name: String,
    /// "Điện Biên".
    pub province: String,
}

/// One target's line of the report (dòng chỉ tiêu): the engine's result as approved, with the
/// words the table prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrozenFigure {
    pub target: u16,
    /// The plan's measure ("Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi").
    pub measure: String,
    /// The plan's value in words ("không quá 30,9 %").
    pub plan_value: String,
    /// The owning agencies' names, joined.
    pub agency: String,
    /// The owning agencies' codes (the sections the figure belongs to).
    pub agency_codes: Vec<String>,
    /// Where the figure comes from, in Vietnamese ("Sổ theo dõi trẻ em", "Số liệu cơ quan báo
    /// cáo", "Tự đánh giá xã phù hợp với trẻ em").
    pub source: String,
    /// The engine's result: numerator, denominator, value, the ids of the records behind
    /// them, status and breakdowns, exactly as approved.
    pub result: TargetResult,
}

/// An agency's section of the report (phần báo cáo của cơ quan): its narrative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionText {
    /// The agency's code in the plan ("health").
    pub agency: String,
    /// The agency's name ("Trạm Y tế xã").
    pub agency_name: String,
    /// Kết quả thực hiện: what was done.
    pub done: String,
    /// Kết quả đạt được.
    pub results: String,
    /// Khó khăn, vướng mắc.
    pub difficulties: String,
    /// Đề xuất, kiến nghị.
    pub proposals: String,
    /// Login of who submitted it; `None` while it is a draft.
    pub submitted_by: Option<String>,
    /// When, RFC 3339.
    pub submitted_at: Option<String>,
    /// What the agency's records say for the period (counts, no names), as approved
    /// ([`super::work_lines`]); empty in reports approved before these lines existed.
    #[serde(default)]
    pub lines: Vec<super::WorkLine>,
}

/// Who approved the report and when (phê duyệt); the signature block of the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub login: String,
    /// Họ và tên, as the signature block prints it.
    pub full_name: String,
    /// Chức vụ ("Phó Chủ tịch"); the block's first lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ
    /// TỊCH") come from the plan's issuer.
    pub position: String,
    /// RFC 3339.
    pub at: String,
    /// The day printed after the place ("Sính Phình, ngày … tháng … năm …").
    pub date: Date,
}

/// A figure that differs between an approved report and the records now (or an amending
/// report and the report it amends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureChange {
    pub target: u16,
    pub numerator: (Option<f64>, Option<f64>),
    pub denominator: (Option<f64>, Option<f64>),
    pub value: (Option<f64>, Option<f64>),
    /// Status codes before and after (`met`, `not_met`, …).
    pub status: (
        crate::indicator::TargetStatus,
        crate::indicator::TargetStatus,
    ),
}

/// An approved report, frozen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrozenReport {
    /// The report's id in the commune's database.
    pub id: i64,
    /// The report kind's code in the plan (`six_month`, `yearly`, …).
    pub kind: String,
    /// Its name ("Báo cáo định kỳ 6 tháng").
    pub kind_name: String,
    /// The plan year.
    pub year: i16,
    pub period: Period,
    /// The figures are as of this day (the period's end, or the day it was consolidated when
    /// earlier).
    pub as_of: Date,
    /// The number part of "Số: 12/BC-UBND" ("12"), given at approval; empty when not given.
    pub number: String,
    /// The symbol after the number ("BC-UBND").
    pub symbol: String,
    pub commune: Commune,
    /// Cơ quan ban hành: "UBND xã Sính Phình".
    pub issuer: String,
    /// Nơi nhận: the receivers' names, first the one it is sent to ("Sở Y tế tỉnh Điện Biên").
    pub receivers: Vec<String>,
    /// The title under "BÁO CÁO" ("Kết quả thực hiện công tác bảo vệ trẻ em 6 tháng đầu năm
    /// 2026").
    pub title: String,
    /// Every target the report draws on, in the plan's order.
    pub figures: Vec<FrozenFigure>,
    /// Every agency's section, in the plan's order.
    pub sections: Vec<SectionText>,
    pub approved: Approval,
    /// The report this one amends (báo cáo bổ sung), by id.
    pub amends: Option<i64>,
    /// For an amending report: what differs from the report it amends.
    pub changes: Vec<FigureChange>,
    /// The commune's audit chain head when it was approved (hex).
    pub audit_head: String,
}

impl FigureChange {
    /// What differs between `before` and `after` (the same target's results); `None` when the
    /// figure, its counts and its status are the same.
    pub fn between(before: &TargetResult, after: &TargetResult) -> Option<FigureChange> {
        let (b, a) = (&before.figure, &after.figure);
        let same = b.numerator == a.numerator
            && b.denominator == a.denominator
            && b.value == a.value
            && before.status == after.status;
        if same {
            return None;
        }
        Some(FigureChange {
            target: after.number,
            numerator: (b.numerator, a.numerator),
            denominator: (b.denominator, a.denominator),
            value: (b.value, a.value),
            status: (before.status, after.status),
        })
    }
}

impl FrozenReport {
    /// The figures that would differ now: `now` holds the results computed today for the same
    /// period and targets (any order; targets missing from `now` are not compared).
    pub fn changes_against(&self, now: &[TargetResult]) -> Vec<FigureChange> {
        self.figures
            .iter()
            .filter_map(|f| {
                let current = now.iter().find(|r| r.number == f.target)?;
                FigureChange::between(&f.result, current)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Figure, TargetStatus};

    fn result(number: u16, num: f64, den: f64, status: TargetStatus) -> TargetResult {
        TargetResult {
            number,
            figure: Figure {
                numerator: Some(num),
                denominator: Some(den),
                value: Some(num / den * 100.0),
                ..Figure::default()
            },
            secondary: None,
            status,
            trend: None,
            breakdown: Default::default(),
            note: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn a_changed_count_is_a_change_and_an_unchanged_one_is_not() {
        let before = result(7, 30.0, 100.0, TargetStatus::Met);
        assert_eq!(FigureChange::between(&before, &before.clone()), None);
        let after = result(7, 32.0, 100.0, TargetStatus::NotMet);
        let c = FigureChange::between(&before, &after).expect("a change");
        assert_eq!(c.numerator, (Some(30.0), Some(32.0)));
        assert_eq!(c.status, (TargetStatus::Met, TargetStatus::NotMet));
    }
}
