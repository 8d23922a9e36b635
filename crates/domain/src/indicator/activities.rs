//! Figures counted from the plan's activities (`source = { kind = "activities", indicator =
//! "…" }`): targets 27–29 from the forums' participants linked to the register, over the
//! register's children of the target's ages; target 26 from the directory's play places.
use super::prepared::Prepared;
use super::selection::Selection;
use super::{rate, Figure, Settings};
use crate::activity::ParticipationTarget;
use crate::plan::Unit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityIndicator {
    /// Target 27: present children aged 7 to under the age limit who took part in a forum or a
    /// consultation ([`crate::activity::ForumForm::counts_for`]) dated in the period (up to the
    /// as-of date) ÷ present children of those ages × 100.
    ConsultedAge7,
    /// Target 28: present children under the age limit who took part in any forum form in the
    /// period ÷ present children under the limit × 100 (the plan names no age).
    ParticipationAwareness,
    /// Target 29: present children aged 11 to under the limit who took part in a forum or a
    /// children's club in the period ÷ present children of those ages × 100.
    ParticipatingAge11,
    /// Target 26: villages with a play place in the directory ÷ the commune's villages × 100.
    VillagesWithPlayPlace,
}

impl ActivityIndicator {
    pub const ALL: [(&'static str, ActivityIndicator); 4] = [
        ("consulted_age7", ActivityIndicator::ConsultedAge7),
        (
            "participation_awareness",
            ActivityIndicator::ParticipationAwareness,
        ),
        ("participating_age11", ActivityIndicator::ParticipatingAge11),
        (
            "villages_with_play_place",
            ActivityIndicator::VillagesWithPlayPlace,
        ),
    ];

    pub fn parse(name: &str) -> Result<ActivityIndicator, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, i)| *i)
            .ok_or_else(|| {
                format!(
                    "không có chỉ số hoạt động «{name}»; có: {}",
                    Self::ALL.map(|(n, _)| n).join(", ")
                )
            })
    }

    /// The participation target and the lowest age, for the children's figures.
    fn children(self) -> Option<(ParticipationTarget, i32)> {
        match self {
            ActivityIndicator::ConsultedAge7 => Some((ParticipationTarget::Consulted, 7)),
            ActivityIndicator::ParticipationAwareness => Some((ParticipationTarget::Aware, 0)),
            ActivityIndicator::ParticipatingAge11 => Some((ParticipationTarget::Participating, 11)),
            ActivityIndicator::VillagesWithPlayPlace => None,
        }
    }

    /// Numerator and denominator in Vietnamese (the target's definition).
    pub fn numerator_vi(self) -> &'static str {
        match self {
            ActivityIndicator::ConsultedAge7 => "Số trẻ em từ 7 tuổi trở lên có tên trong sổ đã tham gia diễn đàn hoặc được hỏi ý kiến trong kỳ",
            ActivityIndicator::ParticipationAwareness => "Số trẻ em có tên trong sổ đã tham gia diễn đàn, hỏi ý kiến, câu lạc bộ hoặc sinh hoạt về quyền tham gia trong kỳ",
            ActivityIndicator::ParticipatingAge11 => "Số trẻ em từ 11 tuổi trở lên có tên trong sổ đã tham gia diễn đàn hoặc câu lạc bộ, nhóm trẻ em trong kỳ",
            ActivityIndicator::VillagesWithPlayPlace => "Số thôn có điểm văn hóa, vui chơi cho trẻ em trong danh bạ",
        }
    }

    pub fn denominator_vi(self) -> &'static str {
        match self {
            ActivityIndicator::ConsultedAge7 => {
                "Số trẻ em từ 7 đến dưới 16 tuổi có trong sổ vào ngày tính"
            }
            ActivityIndicator::ParticipationAwareness => {
                "Số trẻ em dưới 16 tuổi có trong sổ vào ngày tính"
            }
            ActivityIndicator::ParticipatingAge11 => {
                "Số trẻ em từ 11 đến dưới 16 tuổi có trong sổ vào ngày tính"
            }
            ActivityIndicator::VillagesWithPlayPlace => "Số thôn của xã",
        }
    }

    /// The children behind a children's figure (`None` for target 26).
    pub(super) fn select<'a>(
        self,
        prep: &Prepared<'a>,
        settings: &Settings,
    ) -> Option<Selection<'a>> {
        let (target, min_age) = self.children()?;
        let snap = &prep.snap;
        let took_part: std::collections::HashSet<i64> = snap
            .activities
            .participation
            .iter()
            .filter(|p| {
                snap.period.contains(p.date) && p.date <= snap.as_of && p.form.counts_for(target)
            })
            .map(|p| p.child_id)
            .collect();
        let limit = settings.child_age_limit;
        let in_ages = move |age: Option<i32>| match age {
            Some(a) => a >= min_age && a < limit,
            // No birth date: counted only where every age counts.
            None => min_age == 0,
        };
        Some(Selection::marked(
            prep.present()
                .filter(|e| in_ages(e.age))
                .map(|e| (e, took_part.contains(&e.id))),
        ))
    }

    /// Target 26's figure: villages with a play place ÷ villages.
    pub(super) fn villages_figure(self, prep: &Prepared, unit: Option<Unit>) -> Figure {
        let a = prep.snap.activities;
        let den = a.villages.len() as f64;
        let num = a
            .villages
            .iter()
            .filter(|v| a.play_places.contains(v))
            .count() as f64;
        Figure {
            numerator: Some(num),
            denominator: Some(den),
            value: rate(num, den, unit),
            ..Figure::default()
        }
    }
}
