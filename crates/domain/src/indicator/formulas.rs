//! Figures computed from the children's register. Each indicator selects its denominator (the
//! children it is a share of) and marks which of them are in the numerator.
//!
//! Common rules:
//! * "present" is [`crate::register::ChildData::present_on`] on the as-of date: born, moved in,
//!   not moved out, not dead on that date (a child who moved out or died on the as-of date is
//!   no longer counted; one who moves out after it still is);
//! * ages are completed years on the as-of date ([`crate::register::ChildData::age_on`]); a
//!   child turning 5 on the as-of date is 5. Birth dates known only to the month or year, or
//!   estimated, use the stored date (1st of the month, 1 July);
//! * a child with no date of birth is left out of every age-based denominator (19, 21) but
//!   counted in 13 and 14 when present: the register keeps children, and leaving out a present
//!   child in special circumstances because the birth date is missing would hide them.
use super::{rate, Figure, Settings, Snapshot};
use crate::plan::Unit;
use crate::register::Child;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// The indicators the register can compute, named in the plan as
/// `source = { kind = "register", indicator = "…" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterIndicator {
    /// `special_circumstances_share` (chỉ tiêu 13: "Giảm tỷ lệ trẻ em có hoàn cảnh đặc biệt từ
    /// 4,6% (năm 2025) xuống còn 4,5% (năm 2026)").
    ///
    /// Present children under [`Settings::child_age_limit`] (16) with at least one
    /// circumstance (Law on Children Art. 10) active on the as-of date ÷ present children under
    /// the limit × 100. Children with no birth date are counted when present.
    SpecialCircumstancesShare,
    /// `special_circumstances_supported` (chỉ tiêu 14: "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được
    /// chăm sóc, nuôi dưỡng, trợ giúp đạt 100%").
    ///
    /// Children in the numerator of 13 with at least one [`super::SupportRecord`] (any kind)
    /// dated within the reporting period ÷ the numerator of 13 × 100.
    SpecialCircumstancesSupported,
    /// `birth_registered_under5` (chỉ tiêu 19: "Duy trì tỷ lệ trẻ em dưới 5 tuổi được đăng ký
    /// khai sinh đạt 100%").
    ///
    /// Present children aged under 5 on the as-of date whose birth was registered on or before
    /// it ÷ present children aged under 5 × 100 (GSO indicator "Tỷ lệ trẻ em dưới 05 tuổi đã
    /// được đăng ký khai sinh"). A child turning 5 on the as-of date is not under 5.
    BirthRegisteredUnder5,
    /// `kindergarten_age5` (chỉ tiêu 21: "Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo đạt
    /// 100%").
    ///
    /// Present children aged exactly 5 (completed years) on the as-of date whose school level
    /// is `mau_giao` ÷ present 5-year-olds × 100. A child turning 5 on the as-of date is 5.
    /// (Schools count "trẻ 5 tuổi" by birth year for the school year; the plan's figure is
    /// taken here as completed years on the as-of date, as the register states ages.)
    KindergartenAge5,
}

/// A plan names an indicator the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "chỉ số «{0}» không có trong bộ chỉ số tính từ sổ theo dõi trẻ em; dùng một trong: {list}",
    list = RegisterIndicator::ALL.map(RegisterIndicator::as_str).join(", ")
)]
pub struct UnknownIndicator(pub String);

impl RegisterIndicator {
    pub const ALL: [RegisterIndicator; 4] = [
        RegisterIndicator::SpecialCircumstancesShare,
        RegisterIndicator::SpecialCircumstancesSupported,
        RegisterIndicator::BirthRegisteredUnder5,
        RegisterIndicator::KindergartenAge5,
    ];

    /// The name used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterIndicator::SpecialCircumstancesShare => "special_circumstances_share",
            RegisterIndicator::SpecialCircumstancesSupported => "special_circumstances_supported",
            RegisterIndicator::BirthRegisteredUnder5 => "birth_registered_under5",
            RegisterIndicator::KindergartenAge5 => "kindergarten_age5",
        }
    }

    /// Parses the plan's indicator name (surrounding spaces ignored).
    pub fn parse(name: &str) -> Result<RegisterIndicator, UnknownIndicator> {
        let n = name.trim();
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == n)
            .ok_or_else(|| UnknownIndicator(name.to_string()))
    }

    /// What the numerator counts, in Vietnamese (for reports' "thuyết minh nguồn số liệu").
    pub fn numerator_vi(self) -> &'static str {
        match self {
            RegisterIndicator::SpecialCircumstancesShare => {
                "Số trẻ em dưới 16 tuổi có hoàn cảnh đặc biệt (ít nhất một nhóm theo Điều 10 \
                 Luật Trẻ em còn hiệu lực vào ngày tính)"
            }
            RegisterIndicator::SpecialCircumstancesSupported => {
                "Số trẻ em có hoàn cảnh đặc biệt được chăm sóc, nuôi dưỡng, trợ giúp ít nhất một \
                 lần trong kỳ báo cáo"
            }
            RegisterIndicator::BirthRegisteredUnder5 => {
                "Số trẻ em dưới 5 tuổi đã được đăng ký khai sinh"
            }
            RegisterIndicator::KindergartenAge5 => "Số trẻ em 5 tuổi đang học mẫu giáo",
        }
    }

    /// What the denominator counts, in Vietnamese.
    pub fn denominator_vi(self) -> &'static str {
        match self {
            RegisterIndicator::SpecialCircumstancesShare => {
                "Tổng số trẻ em dưới 16 tuổi đang sinh sống trên địa bàn xã"
            }
            RegisterIndicator::SpecialCircumstancesSupported => {
                "Tổng số trẻ em dưới 16 tuổi có hoàn cảnh đặc biệt"
            }
            RegisterIndicator::BirthRegisteredUnder5 => {
                "Tổng số trẻ em dưới 5 tuổi đang sinh sống trên địa bàn xã"
            }
            RegisterIndicator::KindergartenAge5 => {
                "Tổng số trẻ em 5 tuổi đang sinh sống trên địa bàn xã"
            }
        }
    }

    /// The denominator's children, each marked in the numerator or not.
    pub(super) fn select<'a>(self, snap: &Snapshot<'a>, settings: &Settings) -> Selection<'a> {
        let on = snap.as_of;
        let present = || snap.children.iter().filter(move |c| c.data.present_on(on));
        let special = |c: &Child| c.data.circumstances.iter().any(|x| x.active_on(on));
        let under_limit = |c: &&Child| {
            c.data
                .age_on(on)
                .is_none_or(|a| a < settings.child_age_limit)
        };
        let members: Vec<(&'a Child, bool)> = match self {
            RegisterIndicator::SpecialCircumstancesShare => present()
                .filter(under_limit)
                .map(|c| (c, special(c)))
                .collect(),
            RegisterIndicator::SpecialCircumstancesSupported => {
                let supported: HashSet<i64> = snap
                    .supports
                    .iter()
                    .filter(|s| snap.period.contains(s.date))
                    .map(|s| s.child_id)
                    .collect();
                present()
                    .filter(under_limit)
                    .filter(|c| special(c))
                    .map(|c| (c, supported.contains(&c.id)))
                    .collect()
            }
            RegisterIndicator::BirthRegisteredUnder5 => present()
                .filter(|c| c.data.age_on(on).is_some_and(|a| a < 5))
                .map(|c| {
                    let registered = c.data.birth_registered_on.is_some_and(|d| d <= on);
                    (c, registered)
                })
                .collect(),
            RegisterIndicator::KindergartenAge5 => present()
                .filter(|c| c.data.age_on(on) == Some(5))
                .map(|c| (c, c.data.school_level.as_deref() == Some("mau_giao")))
                .collect(),
        };
        Selection { members }
    }
}

impl fmt::Display for RegisterIndicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RegisterIndicator {
    type Err = UnknownIndicator;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegisterIndicator::parse(s)
    }
}

/// The denominator of an indicator, each child marked `true` when in the numerator.
pub(super) struct Selection<'a> {
    pub members: Vec<(&'a Child, bool)>,
}

impl Selection<'_> {
    pub fn figure(&self, unit: Option<Unit>) -> Figure {
        let mut denominator_ids: Vec<i64> = self.members.iter().map(|(c, _)| c.id).collect();
        let mut numerator_ids: Vec<i64> = self
            .members
            .iter()
            .filter(|(_, n)| *n)
            .map(|(c, _)| c.id)
            .collect();
        denominator_ids.sort_unstable();
        numerator_ids.sort_unstable();
        let num = numerator_ids.len() as f64;
        let den = denominator_ids.len() as f64;
        Figure {
            numerator: Some(num),
            denominator: Some(den),
            value: rate(num, den, unit).filter(|_| den > 0.0),
            numerator_ids,
            denominator_ids,
            ..Figure::default()
        }
    }
}
