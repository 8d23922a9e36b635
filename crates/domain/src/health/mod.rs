//! Sức khỏe trẻ em: what the commune health station (Trạm Y tế xã) records about the register's
//! children, for the health targets of the plan (3–7, 9–11 and 15 of Sính Phình 2026).
//!
//! * [`Birth`] (sinh), [`Death`] (tử vong), [`Vaccination`] (tiêm chủng), [`Measurement`] (cân,
//!   đo), [`Injury`] (tai nạn thương tích): one record per event, keyed by the register's
//!   child id;
//! * [`HivFollowUp`]: counts only (target 11), with no child behind them;
//! * [`Schedule`]: the Expanded Programme on Immunization (Chương trình tiêm chủng mở rộng) as
//!   data, `data/epi-schedule.toml`.
//!
//! The indicator engine reads them from [`HealthRecords`]
//! ([`crate::indicator::Snapshot::health`]).
//!
//! Z-scores (WHO 2006) are computed with the `growth` crate when a measurement is recorded
//! ([`Measurement::assess`], `zscores.rs`) and stored on it as plain numbers; what they say is
//! [`Measurement::status`]. One event of any kind is an [`Event`] (`event.rs`); the growth
//! watch of the health lists is [`growth_watch`] (`watch.rs`).
//!
//! Pure: no I/O. Every `validate` takes "today" as an argument, and, for a child's record, the
//! child's birth date `born` when it is known to the day (`None` otherwise: an estimated or
//! month-only birth date must not reject a real record).

pub mod compiled;
pub mod correction;
pub mod event;
pub mod findings;
pub mod schedule;
pub mod watch;
pub mod zscores;

#[cfg(test)]
mod tests;

pub use compiled::{Compiled, Slot};
pub use correction::{
    correctable, reason_problem, replaced_note_vi, Correction, ALREADY_REPLACED_VI, CORRECTABLE,
};
pub use event::{BirthFields, Event, BIRTH, DEATH, HIV, INJURY, KINDS, MEASUREMENT, VACCINATION};
pub use findings::{z_vi, Finding, GrowthIndicator, GROWTH_INDICATORS};
pub use schedule::{
    vaccine_name, Age, Disease, Dose, DoseRef, Due, DueAround, Rule, Schedule, ScheduleError,
    Vaccine,
};
pub use watch::{growth_watch, under_five, GrowthWatch, WEIGH_EVERY_MONTHS};
pub use zscores::{GrowthStatus, Reading};

use crate::validation::FieldErrors;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Nơi sinh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthPlace {
    /// Sinh tại nhà.
    Home,
    /// Sinh tại trạm y tế xã.
    HealthStation,
    /// Sinh tại bệnh viện.
    Hospital,
    /// Nơi khác (trên đường đi, …).
    Other,
}

impl BirthPlace {
    pub fn label_vi(self) -> &'static str {
        match self {
            BirthPlace::Home => "Tại nhà",
            BirthPlace::HealthStation => "Trạm y tế",
            BirthPlace::Hospital => "Bệnh viện",
            BirthPlace::Other => "Nơi khác",
        }
    }
}

/// Một lần sinh (sổ đẻ của trạm y tế). Live births (`live = true`) are the denominator of the
/// mortality rates (targets 3, 4, 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Birth {
    /// Mã trẻ trong sổ theo dõi trẻ em.
    pub child_id: i64,
    /// Ngày sinh.
    pub date: Date,
    /// Giờ sinh, "HH:MM" (24 giờ), nếu biết.
    #[serde(default)]
    pub time: Option<String>,
    /// Cân nặng khi sinh, gam.
    #[serde(default)]
    pub weight_g: Option<u32>,
    /// Nơi sinh.
    pub place: BirthPlace,
    /// Đẻ sống (true) hay thai chết lưu (false).
    pub live: bool,
}

/// Cân nặng khi sinh hợp lệ, gam.
pub const BIRTH_WEIGHT_G: (u32, u32) = (300, 6_000);

impl Birth {
    /// Checks: the date is not after `today`; the time is "HH:MM"; the weight is within
    /// 300–6.000 g.
    pub fn validate(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        not_future(&mut errs, "date", self.date, today);
        if let Some(t) = &self.time {
            if parse_hh_mm(t).is_none() {
                errs.push(
                    "time",
                    format!("giờ sinh không hợp lệ: «{t}» (viết giờ:phút, ví dụ 07:45)"),
                );
            }
        }
        if let Some(w) = self.weight_g {
            let (lo, hi) = BIRTH_WEIGHT_G;
            if !(lo..=hi).contains(&w) {
                errs.push(
                    "weight_g",
                    format!("cân nặng khi sinh phải từ {lo} đến {hi} gam (đã nhập {w})"),
                );
            }
        }
        done(errs)
    }
}

/// Parses "HH:MM" (24-hour clock) into (hour, minute).
pub fn parse_hh_mm(s: &str) -> Option<(u8, u8)> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    (h < 24 && m < 60).then_some((h, m))
}

/// Nguyên nhân tử vong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathCause {
    /// Bệnh tật.
    Illness,
    /// Đuối nước.
    Drowning,
    /// Tai nạn giao thông.
    Traffic,
    /// Ngã.
    Fall,
    /// Bỏng.
    Burn,
    /// Động vật cắn, húc, đốt.
    AnimalBite,
    /// Ngộ độc.
    Poisoning,
    /// Tai nạn thương tích khác.
    OtherInjury,
    /// Nguyên nhân khác.
    Other,
    /// Không rõ nguyên nhân.
    Unknown,
}

impl DeathCause {
    /// Whether the death is due to an injury (tử vong do tai nạn thương tích, target 15's second
    /// figure): drowning, traffic, fall, burn, animal bite, poisoning, other injury.
    pub fn is_injury(self) -> bool {
        matches!(
            self,
            DeathCause::Drowning
                | DeathCause::Traffic
                | DeathCause::Fall
                | DeathCause::Burn
                | DeathCause::AnimalBite
                | DeathCause::Poisoning
                | DeathCause::OtherInjury
        )
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            DeathCause::Illness => "Bệnh tật",
            DeathCause::Drowning => "Đuối nước",
            DeathCause::Traffic => "Tai nạn giao thông",
            DeathCause::Fall => "Ngã",
            DeathCause::Burn => "Bỏng",
            DeathCause::AnimalBite => "Động vật cắn",
            DeathCause::Poisoning => "Ngộ độc",
            DeathCause::OtherInjury => "Tai nạn thương tích khác",
            DeathCause::Other => "Nguyên nhân khác",
            DeathCause::Unknown => "Không rõ",
        }
    }
}

/// Một trường hợp tử vong của trẻ em (numerator of targets 3, 4, 5 and of target 15's second
/// figure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Death {
    /// Mã trẻ trong sổ theo dõi trẻ em.
    pub child_id: i64,
    /// Ngày mất.
    pub date: Date,
    /// Nguyên nhân tử vong.
    pub cause: DeathCause,
}

impl Death {
    /// Checks: the date is not after `today`, nor before the child's birth date `born` (when
    /// known).
    pub fn validate(&self, today: Date, born: Option<Date>) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        not_future(&mut errs, "date", self.date, today);
        not_before_birth(&mut errs, "date", self.date, born, "ngày mất");
        done(errs)
    }
}

/// Một mũi tiêm (hoặc liều uống) vắc xin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccination {
    /// Mã trẻ trong sổ theo dõi trẻ em.
    pub child_id: i64,
    /// Mã vắc xin trong lịch tiêm chủng (`data/epi-schedule.toml`), ví dụ "OPV", "DPT_VGB_HIB".
    /// Kept inline: codes are short, and the figures read millions of vaccinations.
    pub vaccine: compact_str::CompactString,
    /// Mũi (liều) thứ mấy, 1–5.
    pub dose: u8,
    /// Ngày tiêm.
    pub date: Date,
}

impl Vaccination {
    /// Checks: the vaccine is in `schedule`; the dose is 1–5 and one of that vaccine's doses in
    /// the schedule; the date is not after `today`, nor before the birth date `born` (when
    /// known).
    pub fn validate(
        &self,
        schedule: &Schedule,
        today: Date,
        born: Option<Date>,
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let vaccine = schedule.vaccine(self.vaccine.trim());
        if vaccine.is_none() {
            let codes: Vec<&str> = schedule.vaccines.iter().map(|v| v.code.as_str()).collect();
            errs.push(
                "vaccine",
                format!(
                    "vắc xin «{}» không có trong lịch tiêm chủng; chọn một trong: {}",
                    self.vaccine,
                    codes.join(", ")
                ),
            );
        }
        if !(1..=5).contains(&self.dose) {
            errs.push("dose", "mũi tiêm phải là số từ 1 đến 5");
        } else if let Some(v) = vaccine {
            if v.dose(self.dose).is_none() {
                let doses: Vec<String> = v.doses.iter().map(|d| d.dose.to_string()).collect();
                errs.push(
                    "dose",
                    format!(
                        "lịch tiêm chủng không có mũi {} của vắc xin {}; các mũi: {}",
                        self.dose,
                        v.code,
                        doses.join(", ")
                    ),
                );
            }
        }
        not_future(&mut errs, "date", self.date, today);
        not_before_birth(&mut errs, "date", self.date, born, "ngày tiêm");
        done(errs)
    }
}

/// Tư thế đo chiều dài/chiều cao.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Đo nằm (chiều dài, trẻ dưới 2 tuổi).
    Lying,
    /// Đo đứng (chiều cao).
    Standing,
}

/// Flags, in [`Measurement::flags`], that mark a z-score as implausible (the names of the
/// `growth` crate's `ZScores` flags): such a z-score is not used by the indicators.
pub const FLAG_WFA: &str = "flag_wfa";
/// See [`FLAG_WFA`].
pub const FLAG_LHFA: &str = "flag_lhfa";
/// See [`FLAG_WFA`].
pub const FLAG_WFLH: &str = "flag_wflh";

/// Cân nặng có thể có của trẻ dưới 5 tuổi, kg: the one home of the range. The server refuses a
/// weight outside it ([`Measurement::validate`]) and the weighing page renders the same numbers
/// into its inputs' `min`/`max` and the browser's warning as they are typed.
///
/// From the WHO Child Growth Standards (2006), weight-for-age, birth to 60 months: −5 SD at
/// birth is 1.3 kg and +5 SD at 60 months is 35.3 kg (boys) and 38.8 kg (girls) — WHO Anthro
/// flags a weight-for-age z beyond −6/+5 as implausible. Below, 0.5 kg is about the smallest
/// surviving preterm newborn (a birth weight is accepted from 300 g, but a child brought to a
/// weighing day has grown); above, 40 kg covers +5 SD of a girl of 5 with a margin. Anything
/// outside (118 kg, 0.2 kg) is a typing slip, not a child. Within the range, a z-score WHO
/// calls implausible is still stored, flagged, and kept out of the indicators.
pub const WEIGHT_KG: (f64, f64) = (0.5, 40.0);
/// Chiều dài/chiều cao có thể có của trẻ dưới 5 tuổi, cm (one home, as [`WEIGHT_KG`]).
///
/// WHO length/height-for-age, birth to 60 months: −5 SD at birth is 39.8 cm (girls), +5 SD at
/// 60 months 133.2 cm; WHO Anthro's implausible flag is beyond ±6 SD (about 38 and 138 cm).
/// 30 cm is about the length of a 500 g preterm newborn; 140 cm is beyond +6 SD at 5 years.
///
/// Head circumference is not recorded by treem (the weighing day records weight, length or
/// height, the position and oedema), so it has no range here.
pub const LENGTH_CM: (f64, f64) = (30.0, 140.0);

/// Một lần cân, đo (theo dõi tăng trưởng), with its WHO 2006 z-scores.
///
/// The z-scores are computed by the caller (`growth::zscores`) and stored as given, unrounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Mã trẻ trong sổ theo dõi trẻ em.
    pub child_id: i64,
    /// Ngày cân, đo.
    pub date: Date,
    /// Cân nặng, kg.
    #[serde(default)]
    pub weight_kg: Option<f64>,
    /// Chiều dài (đo nằm) hoặc chiều cao (đo đứng), cm.
    #[serde(default)]
    pub length_cm: Option<f64>,
    /// Đo nằm hay đo đứng.
    pub measure: Measure,
    /// Phù (phù dinh dưỡng hai chân). With oedema the weight-based z-scores (cân nặng theo tuổi,
    /// cân nặng theo chiều dài/cao) are not used, as WHO Anthro does.
    #[serde(default)]
    pub oedema: bool,
    /// Z-score cân nặng theo tuổi (WFA).
    #[serde(default)]
    pub z_wfa: Option<f64>,
    /// Z-score chiều dài/chiều cao theo tuổi (LHFA).
    #[serde(default)]
    pub z_lhfa: Option<f64>,
    /// Z-score cân nặng theo chiều dài/chiều cao (WFL/WFH).
    #[serde(default)]
    pub z_wflh: Option<f64>,
    /// Cờ: [`FLAG_WFA`], [`FLAG_LHFA`], [`FLAG_WFLH`] for implausible z-scores; other words are
    /// kept but ignored.
    #[serde(default)]
    pub flags: Vec<String>,
}

impl Measurement {
    fn flagged(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// The weight-for-age z usable for indicators: present, finite, not flagged, no oedema.
    pub fn wfa(&self) -> Option<f64> {
        usable(self.z_wfa, self.oedema || self.flagged(FLAG_WFA))
    }

    /// The length/height-for-age z usable for indicators: present, finite, not flagged.
    pub fn lhfa(&self) -> Option<f64> {
        usable(self.z_lhfa, self.flagged(FLAG_LHFA))
    }

    /// The weight-for-length/height z usable for indicators: present, finite, not flagged, no
    /// oedema.
    pub fn wflh(&self) -> Option<f64> {
        usable(self.z_wflh, self.oedema || self.flagged(FLAG_WFLH))
    }

    /// Suy dinh dưỡng thể nhẹ cân: weight-for-age z < −2 (on the z rounded to 2 decimals, as
    /// WHO reports it). `None` when there is no usable z.
    pub fn underweight(&self) -> Option<bool> {
        self.wfa().map(below_minus_two)
    }

    /// Suy dinh dưỡng thể thấp còi: length/height-for-age z < −2 (2 decimals).
    pub fn stunted(&self) -> Option<bool> {
        self.lhfa().map(below_minus_two)
    }

    /// Suy dinh dưỡng thể gầy còm: weight-for-length/height z < −2 (2 decimals).
    pub fn wasted(&self) -> Option<bool> {
        self.wflh().map(below_minus_two)
    }

    /// Checks: the date is not after `today`, nor before the birth date `born`; something was
    /// measured; the weight is within [`WEIGHT_KG`] and the length/height within [`LENGTH_CM`];
    /// z-scores are finite.
    pub fn validate(&self, today: Date, born: Option<Date>) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        not_future(&mut errs, "date", self.date, today);
        not_before_birth(&mut errs, "date", self.date, born, "ngày cân đo");
        if self.weight_kg.is_none() && self.length_cm.is_none() {
            errs.push("weight_kg", "cần nhập cân nặng hoặc chiều dài/chiều cao");
        }
        let range = |errs: &mut FieldErrors, field: &str, v: Option<f64>, r: (f64, f64), what| {
            if let Some(x) = v {
                if !x.is_finite() || x < r.0 || x > r.1 {
                    errs.push(
                        field,
                        format!(
                            "{what} phải từ {} đến {}",
                            crate::text::format_number_vi(r.0),
                            crate::text::format_number_vi(r.1)
                        ),
                    );
                }
            }
        };
        range(
            &mut errs,
            "weight_kg",
            self.weight_kg,
            WEIGHT_KG,
            "cân nặng (kg)",
        );
        range(
            &mut errs,
            "length_cm",
            self.length_cm,
            LENGTH_CM,
            "chiều dài/chiều cao (cm)",
        );
        for (field, z) in [
            ("z_wfa", self.z_wfa),
            ("z_lhfa", self.z_lhfa),
            ("z_wflh", self.z_wflh),
        ] {
            if z.is_some_and(|z| !z.is_finite()) {
                errs.push(field, "chỉ số Z không hợp lệ");
            }
        }
        done(errs)
    }
}

fn usable(z: Option<f64>, excluded: bool) -> Option<f64> {
    z.filter(|z| z.is_finite() && !excluded)
}

/// z < −2 on the z rounded to hundredths, ties away from zero (WHO's 2-decimal z; the `growth`
/// crate's `round_who` also settles exact binary ties, which this does not need to).
fn below_minus_two(z: f64) -> bool {
    (z * 100.0).round() < -200.0
}

/// Loại tai nạn thương tích.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjuryKind {
    /// Đuối nước.
    Drowning,
    /// Tai nạn giao thông.
    Traffic,
    /// Ngã.
    Fall,
    /// Bỏng.
    Burn,
    /// Động vật cắn, húc, đốt.
    AnimalBite,
    /// Ngộ độc.
    Poisoning,
    /// Loại khác.
    Other,
}

impl InjuryKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            InjuryKind::Drowning => "Đuối nước",
            InjuryKind::Traffic => "Tai nạn giao thông",
            InjuryKind::Fall => "Ngã",
            InjuryKind::Burn => "Bỏng",
            InjuryKind::AnimalBite => "Động vật cắn",
            InjuryKind::Poisoning => "Ngộ độc",
            InjuryKind::Other => "Loại khác",
        }
    }
}

/// Mức độ thương tích.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nhẹ.
    Minor,
    /// Vừa.
    Moderate,
    /// Nặng.
    Severe,
}

impl Severity {
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Minor => "Nhẹ",
            Severity::Moderate => "Vừa",
            Severity::Severe => "Nặng",
        }
    }
}

/// Kết quả sau tai nạn thương tích.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Khỏi.
    Recovered,
    /// Để lại khuyết tật.
    Disabled,
    /// Tử vong (record the death as a [`Death`] too: target 15's second figure counts deaths).
    Died,
    /// Chưa rõ.
    Unknown,
}

impl Outcome {
    pub fn label_vi(self) -> &'static str {
        match self {
            Outcome::Recovered => "Khỏi",
            Outcome::Disabled => "Để lại khuyết tật",
            Outcome::Died => "Tử vong",
            Outcome::Unknown => "Chưa rõ",
        }
    }
}

/// Một lần trẻ bị tai nạn thương tích (target 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Injury {
    /// Mã trẻ trong sổ theo dõi trẻ em.
    pub child_id: i64,
    /// Ngày bị tai nạn.
    pub date: Date,
    /// Loại tai nạn thương tích.
    pub kind: InjuryKind,
    /// Mức độ.
    pub severity: Severity,
    /// Nơi xảy ra (tại nhà, trường học, đường, sông suối, …).
    #[serde(default)]
    pub place: Option<String>,
    /// Kết quả.
    pub outcome: Outcome,
}

impl Injury {
    /// Checks: the date is not after `today`, nor before the birth date `born`; the place is at
    /// most 200 characters with no control characters.
    pub fn validate(&self, today: Date, born: Option<Date>) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        not_future(&mut errs, "date", self.date, today);
        not_before_birth(&mut errs, "date", self.date, born, "ngày bị tai nạn");
        if let Some(p) = &self.place {
            crate::limits::check_chars(
                &mut errs,
                "place",
                "nơi xảy ra",
                p,
                crate::limits::SHORT_TEXT_CHARS,
            );
            if p.chars().any(|c| c.is_control()) {
                errs.push("place", "chứa ký tự điều khiển không hợp lệ");
            }
        }
        done(errs)
    }
}

/// Theo dõi dự phòng lây truyền HIV từ mẹ sang con, for a period: counts only, no child ids
/// (target 11: "Tỷ lệ lây truyền HIV từ mẹ sang con ≤ 2%").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HivFollowUp {
    /// Từ ngày.
    pub period_start: Date,
    /// Đến ngày.
    pub period_end: Date,
    /// Số trẻ sinh ra từ mẹ nhiễm HIV được theo dõi, xét nghiệm.
    pub infants_born_to_hiv_positive_mothers: u32,
    /// Trong đó: số trẻ nhiễm HIV.
    pub infants_infected: u32,
}

impl HivFollowUp {
    /// Checks: the period does not end before it starts nor after `today`; infected infants are
    /// no more than infants followed.
    pub fn validate(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        crate::limits::check_date(&mut errs, "period_start", self.period_start);
        if self.period_end < self.period_start {
            errs.push("period_end", "ngày kết thúc trước ngày bắt đầu");
        }
        not_future(&mut errs, "period_end", self.period_end, today);
        if self.infants_infected > self.infants_born_to_hiv_positive_mothers {
            errs.push(
                "infants_infected",
                "số trẻ nhiễm HIV không được lớn hơn số trẻ sinh ra từ mẹ nhiễm HIV",
            );
        }
        done(errs)
    }
}

/// Everything the health station recorded, as the indicator engine reads it. Every record is
/// kept (the engine selects by date); records of children not in the register snapshot are
/// left out of the figures, with a note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthRecords {
    #[serde(default)]
    pub births: Vec<Birth>,
    #[serde(default)]
    pub deaths: Vec<Death>,
    #[serde(default)]
    pub vaccinations: Vec<Vaccination>,
    #[serde(default)]
    pub measurements: Vec<Measurement>,
    #[serde(default)]
    pub injuries: Vec<Injury>,
    #[serde(default)]
    pub hiv: Vec<HivFollowUp>,
}

/// No health records at all, for callers that have none: `health: &health::EMPTY`.
pub static EMPTY: HealthRecords = HealthRecords {
    births: Vec::new(),
    deaths: Vec::new(),
    vaccinations: Vec::new(),
    measurements: Vec::new(),
    injuries: Vec::new(),
    hiv: Vec::new(),
};

impl HealthRecords {
    /// [`EMPTY`], as a `'static` reference.
    pub fn empty() -> &'static HealthRecords {
        &EMPTY
    }

    pub fn is_empty(&self) -> bool {
        self.births.is_empty()
            && self.deaths.is_empty()
            && self.vaccinations.is_empty()
            && self.measurements.is_empty()
            && self.injuries.is_empty()
            && self.hiv.is_empty()
    }
}

/// Not after `today`, and within the years of [`crate::limits::DATE_YEARS`].
fn not_future(errs: &mut FieldErrors, field: &str, d: Date, today: Date) {
    if !crate::limits::check_date(errs, field, d) {
        return;
    }
    if d > today {
        errs.push(field, "ngày không được ở tương lai");
    }
}

fn not_before_birth(errs: &mut FieldErrors, field: &str, d: Date, born: Option<Date>, what: &str) {
    if born.is_some_and(|b| d < b) {
        errs.push(field, format!("{what} trước ngày sinh của trẻ"));
    }
}

fn done(errs: FieldErrors) -> Result<(), FieldErrors> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}
