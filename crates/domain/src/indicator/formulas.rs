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
//!
//! The health indicators (targets 3–7, 9–11, 15) read the health station's records as well;
//! their rules are in [`super::health`].
use super::prepared::{Entry, IdHasher, Prepared};
use super::selection::Selection;
use super::{Rec, Settings};
use crate::plan::Unit;
use crate::support::SupportKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;

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
    /// Present children of the school year's 5-year-old cohort whose school level is
    /// `mau_giao` ÷ present children of that cohort × 100. The school sector counts "trẻ 5
    /// tuổi" by birth year for the school year ([`age5_cohort`]: in the school year 2025–2026,
    /// the children born in 2020), not by age on the date, which mixes two cohorts.
    KindergartenAge5,
    /// `neonatal_mortality` (chỉ tiêu 3: "tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống
    /// xuống dưới 2,9‰"), per mille.
    ///
    /// Deaths in the period of children aged under 28 days (death date − birth date ≤ 27 days)
    /// ÷ live births in the period × 1.000. Live births (3, 4, 5): every child of the register
    /// born in the period, with a health station birth record or not (registered by the
    /// officer, imported), each once (see [`super::health`]).
    NeonatalMortality,
    /// `infant_mortality` (chỉ tiêu 4: "tỷ suất tử vong trẻ em <1 tuổi trên 1.000 trẻ đẻ sống"),
    /// per mille.
    ///
    /// Deaths in the period before the first birthday ÷ live births in the period × 1.000
    /// (D0 / B × 1.000, GSO).
    InfantMortality,
    /// `under5_mortality` (chỉ tiêu 5: "tỷ suất tử vong trẻ em <5 tuổi trên 1.000 trẻ đẻ sống"),
    /// per mille.
    ///
    /// Deaths in the period before the fifth birthday ÷ live births in the period × 1.000
    /// (5D0 / B × 1.000, GSO). This is the commune's period-rate approximation, not a
    /// life-table probability of dying before 5 (5q0): deaths of children born in earlier
    /// years are set against this period's births.
    Under5Mortality,
    /// `underweight_under5` (chỉ tiêu 6: "tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể cân
    /// nặng theo tuổi"), percent.
    ///
    /// Present children under 5 on the as-of date whose last weighing in the period has
    /// weight-for-age z < −2 ÷ present children under 5 weighed in the period (with a usable
    /// weight-for-age z) × 100.
    UnderweightUnder5,
    /// `stunting_under5` (chỉ tiêu 7: "tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể chiều cao
    /// theo tuổi"), percent.
    ///
    /// As 6, with length/height-for-age z < −2 over children whose length or height was
    /// measured in the period.
    StuntingUnder5,
    /// `fully_immunised_under1` (chỉ tiêu 9: "tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8
    /// loại vắc xin"), percent.
    ///
    /// Children whose first birthday fell in the period (up to the as-of date), present on it,
    /// fully immunised before it
    /// ([`crate::health::Compiled::fully_immunised_before_first_birthday`]: BCG, OPV 1–3,
    /// DPT-VGB-Hib 1–3 and measles 1; the hepatitis B birth dose is [`Self::HepBBirthDose`])
    /// ÷ those children × 100.
    FullyImmunisedUnder1,
    /// `under5_schedule_complete` (chỉ tiêu 10: "tỷ lệ trẻ em dưới 5 tuổi được tiêm chủng đầy đủ
    /// các loại vắc xin (12 loại)"), percent.
    ///
    /// Present children under 5 on the as-of date old enough to have a dose of the rule overdue
    /// ([`crate::health::Compiled::under5_counted`]: a newborn with nothing due yet is not
    /// counted either way) with nothing lacking for their age
    /// ([`crate::health::Schedule::complete_under5_schedule`]: every dose of the 12 diseases'
    /// vaccines due for the age given) ÷ those children × 100.
    Under5ScheduleComplete,
    /// `injury_rate` (chỉ tiêu 15, first figure: "tỷ suất trẻ em bị tai nạn thương tích … trên
    /// 100.000 trẻ em"), per 100.000.
    ///
    /// Children injured at least once in the period (under the age limit on the day) ÷ present
    /// children under [`Settings::child_age_limit`] × 100.000.
    InjuryRate,
    /// `injury_death_rate` (chỉ tiêu 15, second figure: "tỷ suất trẻ em bị tử vong do tai nạn
    /// thương tích … trên 100.000 trẻ em"), per 100.000.
    ///
    /// Children who died of an injury cause ([`crate::health::DeathCause::is_injury`]) in the
    /// period ÷ present children under the age limit × 100.000.
    InjuryDeathRate,
    /// `hepb_birth_dose` (not a target of the seed plan: the health pages show it beside
    /// target 9, and a plan may name it): "tỷ lệ trẻ sơ sinh được tiêm vắc xin viêm gan B trong
    /// 24 giờ đầu sau sinh", percent.
    ///
    /// Live births in the period (as for 3, 4, 5) given the schedule's `birth_dose` in time
    /// ([`crate::health::Compiled::birth_dose_in_time`]) ÷ live births in the period whose
    /// time for it has passed by the as-of date (or who had it) × 100.
    #[serde(rename = "hepb_birth_dose")]
    HepBBirthDose,
    /// `hiv_mother_to_child` (chỉ tiêu 11: "tỷ lệ lây truyền HIV từ mẹ sang con ≤ 2%"), percent.
    ///
    /// From the aggregate [`crate::health::HivFollowUp`] counts whose period lies within the
    /// reporting period: infants infected ÷ infants born to HIV-positive mothers × 100. No child
    /// ids and no breakdown.
    HivMotherToChild,
}

/// A plan names an indicator the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "chỉ số «{0}» không có trong bộ chỉ số tính từ sổ theo dõi trẻ em; dùng một trong: {list}",
    list = RegisterIndicator::ALL.map(RegisterIndicator::as_str).join(", ")
)]
pub struct UnknownIndicator(pub String);

impl RegisterIndicator {
    pub const ALL: [RegisterIndicator; 15] = [
        RegisterIndicator::SpecialCircumstancesShare,
        RegisterIndicator::SpecialCircumstancesSupported,
        RegisterIndicator::BirthRegisteredUnder5,
        RegisterIndicator::KindergartenAge5,
        RegisterIndicator::NeonatalMortality,
        RegisterIndicator::InfantMortality,
        RegisterIndicator::Under5Mortality,
        RegisterIndicator::UnderweightUnder5,
        RegisterIndicator::StuntingUnder5,
        RegisterIndicator::FullyImmunisedUnder1,
        RegisterIndicator::Under5ScheduleComplete,
        RegisterIndicator::InjuryRate,
        RegisterIndicator::InjuryDeathRate,
        RegisterIndicator::HivMotherToChild,
        RegisterIndicator::HepBBirthDose,
    ];

    /// The name used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterIndicator::SpecialCircumstancesShare => "special_circumstances_share",
            RegisterIndicator::SpecialCircumstancesSupported => "special_circumstances_supported",
            RegisterIndicator::BirthRegisteredUnder5 => "birth_registered_under5",
            RegisterIndicator::KindergartenAge5 => "kindergarten_age5",
            RegisterIndicator::NeonatalMortality => "neonatal_mortality",
            RegisterIndicator::InfantMortality => "infant_mortality",
            RegisterIndicator::Under5Mortality => "under5_mortality",
            RegisterIndicator::UnderweightUnder5 => "underweight_under5",
            RegisterIndicator::StuntingUnder5 => "stunting_under5",
            RegisterIndicator::FullyImmunisedUnder1 => "fully_immunised_under1",
            RegisterIndicator::Under5ScheduleComplete => "under5_schedule_complete",
            RegisterIndicator::InjuryRate => "injury_rate",
            RegisterIndicator::InjuryDeathRate => "injury_death_rate",
            RegisterIndicator::HivMotherToChild => "hiv_mother_to_child",
            RegisterIndicator::HepBBirthDose => "hepb_birth_dose",
        }
    }

    /// The unit the indicator is computed in; the plan's target must use it.
    pub fn unit(self) -> Unit {
        match self {
            RegisterIndicator::NeonatalMortality
            | RegisterIndicator::InfantMortality
            | RegisterIndicator::Under5Mortality => Unit::PerMille,
            RegisterIndicator::InjuryRate | RegisterIndicator::InjuryDeathRate => Unit::Per100000,
            _ => Unit::Percent,
        }
    }

    /// Whether the figure is a rate per year of events in the period (target 15, per 100.000
    /// children): a figure over part of a year is shown with its span and the rate for a year
    /// ([`super::yearly`]). Mortality per 1.000 live births is a ratio of the period's own
    /// births, not a yearly rate.
    pub fn is_yearly_rate(self) -> bool {
        matches!(
            self,
            RegisterIndicator::InjuryRate | RegisterIndicator::InjuryDeathRate
        )
    }

    /// Other figures the health pages show beside this one: the hepatitis B birth dose beside
    /// target 9 (it left target 9's rule to be a figure of its own).
    pub fn related(self) -> &'static [RegisterIndicator] {
        match self {
            RegisterIndicator::FullyImmunisedUnder1 => &[RegisterIndicator::HepBBirthDose],
            _ => &[],
        }
    }

    /// The indicator's name as a page heads it.
    pub fn title_vi(self) -> &'static str {
        match self {
            RegisterIndicator::HepBBirthDose => {
                "Tỷ lệ trẻ sơ sinh được tiêm vắc xin viêm gan B trong 24 giờ đầu"
            }
            _ => self.numerator_vi(),
        }
    }

    /// Whether the indicator reads the health station's records ([`crate::health`]).
    pub fn is_health(self) -> bool {
        !matches!(
            self,
            RegisterIndicator::SpecialCircumstancesShare
                | RegisterIndicator::SpecialCircumstancesSupported
                | RegisterIndicator::BirthRegisteredUnder5
                | RegisterIndicator::KindergartenAge5
        )
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
                 lần trong kỳ báo cáo, bằng một hình thức đáp ứng hoàn cảnh của trẻ (theo danh \
                 mục xã đặt ở trang «Hình thức trợ giúp được tính cho chỉ tiêu 14»)"
            }
            RegisterIndicator::BirthRegisteredUnder5 => {
                "Số trẻ em dưới 5 tuổi đã được đăng ký khai sinh"
            }
            RegisterIndicator::KindergartenAge5 => {
                "Số trẻ em 5 tuổi của năm học (sinh năm bắt đầu năm học trừ 5) đang học mẫu giáo"
            }
            RegisterIndicator::NeonatalMortality => {
                "Số trẻ em tử vong trong 28 ngày đầu sau sinh trong kỳ"
            }
            RegisterIndicator::InfantMortality => "Số trẻ em dưới 1 tuổi tử vong trong kỳ",
            RegisterIndicator::Under5Mortality => "Số trẻ em dưới 5 tuổi tử vong trong kỳ",
            RegisterIndicator::UnderweightUnder5 => {
                "Số trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân (cân nặng theo tuổi < −2SD, lần \
                 cân cuối cùng trong kỳ)"
            }
            RegisterIndicator::StuntingUnder5 => {
                "Số trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi (chiều cao theo tuổi < −2SD, \
                 lần đo cuối cùng trong kỳ)"
            }
            RegisterIndicator::FullyImmunisedUnder1 => {
                "Số trẻ tròn 1 tuổi trong kỳ được tiêm chủng đầy đủ 8 loại vắc xin trước sinh nhật \
                 đầu tiên"
            }
            RegisterIndicator::Under5ScheduleComplete => {
                "Số trẻ em dưới 5 tuổi được tiêm chủng đầy đủ các loại vắc xin theo tuổi"
            }
            RegisterIndicator::InjuryRate => "Số trẻ em bị tai nạn thương tích trong kỳ",
            RegisterIndicator::InjuryDeathRate => {
                "Số trẻ em tử vong do tai nạn thương tích trong kỳ"
            }
            RegisterIndicator::HivMotherToChild => "Số trẻ sinh ra từ mẹ nhiễm HIV bị nhiễm HIV",
            RegisterIndicator::HepBBirthDose => {
                "Số trẻ đẻ sống trong kỳ được tiêm vắc xin viêm gan B sơ sinh trong 24 giờ đầu \
                 (trong ngày sinh hoặc ngày hôm sau)"
            }
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
                "Tổng số trẻ em 5 tuổi của năm học (sinh năm bắt đầu năm học trừ 5) đang sinh sống \
                 trên địa bàn xã"
            }
            RegisterIndicator::NeonatalMortality
            | RegisterIndicator::InfantMortality
            | RegisterIndicator::Under5Mortality => "Số trẻ đẻ sống trong kỳ",
            RegisterIndicator::UnderweightUnder5 => {
                "Số trẻ em dưới 5 tuổi đang sinh sống trên địa bàn xã được cân trong kỳ"
            }
            RegisterIndicator::StuntingUnder5 => {
                "Số trẻ em dưới 5 tuổi đang sinh sống trên địa bàn xã được đo chiều dài/chiều cao \
                 trong kỳ"
            }
            RegisterIndicator::FullyImmunisedUnder1 => "Số trẻ tròn 1 tuổi trong kỳ",
            RegisterIndicator::Under5ScheduleComplete => {
                "Tổng số trẻ em dưới 5 tuổi đang sinh sống trên địa bàn xã"
            }
            RegisterIndicator::InjuryRate | RegisterIndicator::InjuryDeathRate => {
                "Tổng số trẻ em dưới 16 tuổi đang sinh sống trên địa bàn xã"
            }
            RegisterIndicator::HivMotherToChild => {
                "Số trẻ sinh ra từ mẹ nhiễm HIV được theo dõi, xét nghiệm"
            }
            RegisterIndicator::HepBBirthDose => "Số trẻ đẻ sống trong kỳ",
        }
    }

    /// The denominator's children, each marked in the numerator or not, for the indicators
    /// that read the register only (the health indicators' are [`super::health::select`]).
    pub(super) fn select_register<'a>(
        self,
        prep: &Prepared<'a>,
        settings: &Settings,
    ) -> Selection<'a> {
        let snap = &prep.snap;
        let on = snap.as_of;
        let present = || prep.present();
        let special = |c: Rec| c.circumstances().iter().any(|x| x.active_on(on));
        let under_limit = |e: &Entry| e.age.is_none_or(|a| a < settings.child_age_limit);
        match self {
            RegisterIndicator::SpecialCircumstancesShare => {
                Selection::marked(present().filter(under_limit).map(|e| (e, special(e.child))))
            }
            RegisterIndicator::SpecialCircumstancesSupported => {
                // A child counts when a support given in the period answers one of the
                // circumstances the child is in on the day (the commune's setting).
                let mut given: HashMap<i64, Vec<SupportKind>, BuildHasherDefault<IdHasher>> =
                    HashMap::default();
                for s in snap
                    .supports
                    .iter()
                    .filter(|s| snap.period.contains(s.date))
                {
                    given
                        .entry(s.child_id)
                        .or_default()
                        .push(SupportKind::of_record(&s.kind));
                }
                let answers = &settings.support_answers;
                let answered = |e: &Entry| {
                    given.get(&e.id).is_some_and(|kinds| {
                        let circumstances = e.child.circumstances();
                        kinds.iter().any(|k| answers.counts(circumstances, on, *k))
                    })
                };
                Selection::marked(
                    present()
                        .filter(under_limit)
                        .filter(|e| special(e.child))
                        .map(|e| (e, answered(&e))),
                )
            }
            RegisterIndicator::BirthRegisteredUnder5 => {
                Selection::marked(present().filter(|e| e.age.is_some_and(|a| a < 5)).map(|e| {
                    let registered = e.child.birth_registered_on().is_some_and(|d| d <= on);
                    (e, registered)
                }))
            }
            RegisterIndicator::KindergartenAge5 => {
                let (_, born) = age5_cohort(on);
                // Born in that year, the children are 4 to 6 on any date of the school year: the
                // age the entry keeps rules out the others without reading their record.
                let in_cohort = |e: &Entry| {
                    e.age.is_some_and(|a| (4..=6).contains(&a))
                        && e.child.date_of_birth().is_some_and(|d| d.year() == born)
                };
                Selection::marked(present().filter(in_cohort).map(|e| {
                    let school = e.child.school_level() == Some("mau_giao");
                    (e, school)
                }))
            }
            _ => unreachable!("health indicators are selected above"),
        }
    }
}

/// The month a school year starts (năm học: September; a date from 1 September belongs to the
/// school year starting that year).
pub const SCHOOL_YEAR_START_MONTH: i8 = 9;

/// Target 21's cohort on `on`: (the year the school year started, the birth year of its
/// 5-year-olds = that year − 5). 30/06/2026 is in the school year 2025–2026: children born in
/// 2020; 01/09/2026 starts 2026–2027: children born in 2021.
pub fn age5_cohort(on: jiff::civil::Date) -> (i16, i16) {
    let start = if on.month() >= SCHOOL_YEAR_START_MONTH {
        on.year()
    } else {
        on.year() - 1
    };
    (start, start - 5)
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
