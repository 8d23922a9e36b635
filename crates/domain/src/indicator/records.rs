//! Figures computed from the plan's work records (`source = { kind = "records", indicator =
//! "…" }`): target 17 from the disasters and the help recorded, target 18 from the child
//! marriages. The rules themselves are [`crate::work`]'s. Counts only: no child is named.
use super::{rate, Definition, Figure, Snapshot};
use crate::plan::Unit;
use crate::work::{marriages_in, relief_counts};

/// A figure over the work records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordsIndicator {
    /// Target 17: children affected by a disaster in the period helped in time ÷ affected.
    DisasterChildrenHelped,
    /// Target 18: child marriages (not prevented) in the period; compared with the same span
    /// of the year before ([`RecordsIndicator::baseline`]).
    ChildMarriages,
}

impl RecordsIndicator {
    pub const ALL: [(&'static str, RecordsIndicator); 2] = [
        (
            "disaster_children_helped",
            RecordsIndicator::DisasterChildrenHelped,
        ),
        ("child_marriages", RecordsIndicator::ChildMarriages),
    ];

    pub fn parse(name: &str) -> Result<RecordsIndicator, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, i)| *i)
            .ok_or_else(|| {
                format!(
                    "không có chỉ số công tác «{name}»; có: {}",
                    Self::ALL.map(|(n, _)| n).join(", ")
                )
            })
    }

    /// The unit the figure is computed in.
    pub fn unit(self) -> Unit {
        match self {
            RecordsIndicator::DisasterChildrenHelped => Unit::Percent,
            RecordsIndicator::ChildMarriages => Unit::Count,
        }
    }

    fn span(snap: &Snapshot) -> (jiff::civil::Date, jiff::civil::Date) {
        (snap.period.start, snap.period.end.min(snap.as_of))
    }

    pub fn figure(self, snap: &Snapshot, settings: &super::Settings, unit: Option<Unit>) -> Figure {
        let (from, to) = Self::span(snap);
        match self {
            RecordsIndicator::DisasterChildrenHelped => {
                let (n, d) = relief_counts(&snap.work.disasters, from, to, settings.relief);
                let (n, d) = (n as f64, d as f64);
                Figure {
                    numerator: Some(n),
                    denominator: Some(d),
                    value: rate(n, d, unit),
                    ..Figure::default()
                }
            }
            RecordsIndicator::ChildMarriages => {
                let n = marriages_in(&snap.work.marriages, from, to) as f64;
                Figure {
                    numerator: Some(n),
                    value: Some(n),
                    ..Figure::default()
                }
            }
        }
    }

    /// The figure a "giảm x% so với năm trước" target is compared with when the plan file
    /// gives no baseline value: the same span a year earlier, counted from the records.
    pub fn baseline(self, snap: &Snapshot) -> Option<f64> {
        let (from, to) = Self::span(snap);
        match self {
            RecordsIndicator::ChildMarriages => {
                let back = |d: jiff::civil::Date| d.checked_sub(jiff::Span::new().years(1)).ok();
                Some(marriages_in(&snap.work.marriages, back(from)?, back(to)?) as f64)
            }
            RecordsIndicator::DisasterChildrenHelped => None,
        }
    }

    pub fn definition(self, span: &str, within_days: u16) -> Definition {
        let (numerator, denominator, period, left_out) = match self {
            RecordsIndicator::DisasterChildrenHelped => (
                format!(
                    "Số trẻ em (trong mẫu số) được cứu trợ, hỗ trợ trong vòng {within_days} ngày \
                     kể từ ngày xảy ra thiên tai (số ngày do xã cài đặt)"
                ),
                "Số trẻ em trong sổ bị ảnh hưởng bởi các đợt thiên tai, thảm họa xảy ra trong kỳ"
                    .to_string(),
                format!("Thiên tai xảy ra {span}"),
                vec![
                    "Trẻ bị ảnh hưởng bởi hai đợt được tính hai lần: mỗi đợt cần được cứu trợ"
                        .to_string(),
                ],
            ),
            RecordsIndicator::ChildMarriages => (
                "Số cuộc tảo hôn (một bên chưa đủ tuổi kết hôn: nữ 18, nam 20) ghi nhận trong \
                 kỳ, so với cùng kỳ năm trước"
                    .to_string(),
                String::new(),
                format!("Ngày phát hiện {span}"),
                vec!["Cuộc tảo hôn đã được ngăn chặn: có ghi, không tính".to_string()],
            ),
        };
        Definition {
            figure: String::new(),
            numerator,
            denominator,
            period,
            left_out,
            rule: None,
        }
    }
}
