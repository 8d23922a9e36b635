//! Mẫu 01: the report that opens a case — how it came, the child, the family, the informant.
use crate::register::{Caregiver, DobPrecision, Sex};
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

/// How the information reached the commune (Mẫu 01, A.1 "Nguồn thông tin").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Tổng đài điện thoại quốc gia bảo vệ trẻ em 111.
    Hotline111,
    InPerson,
    Phone,
    /// Người khác báo.
    OtherPerson,
    VillageHead,
    School,
    Police,
}

impl Channel {
    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::Hotline111 => "Tổng đài 111",
            Channel::InPerson => "Gặp trực tiếp",
            Channel::Phone => "Điện thoại",
            Channel::OtherPerson => "Người khác báo",
            Channel::VillageHead => "Trưởng thôn/bản báo",
            Channel::School => "Nhà trường báo",
            Channel::Police => "Công an báo",
        }
    }
}

/// The child's situation as reported (Mẫu 01, note (4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntakeCategory {
    Abused,
    AtRisk,
    SpecialCircumstances,
}

impl IntakeCategory {
    pub fn label_vi(self) -> &'static str {
        match self {
            IntakeCategory::Abused => "Trẻ em bị xâm hại",
            IntakeCategory::AtRisk => "Trẻ em có nguy cơ bị bạo lực, bóc lột, bỏ rơi",
            IntakeCategory::SpecialCircumstances => "Trẻ em có hoàn cảnh đặc biệt",
        }
    }
}

/// The child the report is about: a child of the register, or one not (yet) in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChildRef {
    Registered { child_id: i64 },
    New(NewChild),
}

impl ChildRef {
    pub fn child_id(&self) -> Option<i64> {
        match self {
            ChildRef::Registered { child_id } => Some(*child_id),
            ChildRef::New(_) => None,
        }
    }
}

/// A child not in the register, as the informant describes them. Mẫu 01 allows an unknown
/// birth date ("hoặc tuổi ước tính") and "Không biết" for sex; the name may be unknown too
/// (an abandoned infant), in which case `description` identifies the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChild {
    #[serde(default)]
    pub full_name: String,
    pub sex: Sex,
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    pub dob_precision: DobPrecision,
    /// Tuổi ước tính (years), with `dob_precision = estimated`.
    #[serde(default)]
    pub estimated_age: Option<u8>,
    /// Village code, when known.
    #[serde(default)]
    pub village: Option<String>,
    /// Đặc điểm nhận dạng.
    #[serde(default)]
    pub description: String,
}

/// Father or mother (Mẫu 01: họ tên, tuổi, nghề nghiệp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    pub full_name: String,
    #[serde(default)]
    pub age: Option<u8>,
    #[serde(default)]
    pub occupation: String,
}

/// The informant (Mẫu 01, A.3), recorded only with their consent and kept confidential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Informant {
    /// Must be true: without consent nothing about the informant is recorded.
    pub consent: bool,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub note: String,
}

/// Mẫu 01 — Báo cáo tiếp nhận thông tin trẻ em.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub channel: Channel,
    /// Date and hour the information was received (giờ, ngày): the emergency clock starts here.
    pub received_at: DateTime,
    pub category: IntakeCategory,
    pub child: ChildRef,
    /// Nơi xảy ra sự việc.
    pub place: String,
    /// Tình trạng hiện tại của trẻ.
    pub current_condition: String,
    /// Dự đoán hậu quả nếu không được hỗ trợ, can thiệp.
    #[serde(default)]
    pub predicted_consequence: String,
    #[serde(default)]
    pub father: Option<Parent>,
    #[serde(default)]
    pub mother: Option<Parent>,
    /// Hoàn cảnh gia đình.
    #[serde(default)]
    pub family_circumstances: String,
    /// Người đang chăm sóc trẻ (nếu biết).
    #[serde(default)]
    pub caregiver: Option<Caregiver>,
    /// Những việc đã làm trước khi báo.
    #[serde(default)]
    pub actions_taken: String,
    #[serde(default)]
    pub informant: Option<Informant>,
}
