//! The assessments: Mẫu 02 (initial: ratings, abuse, protection level, serious harm), the
//! emergency measures it may call for, and the specific assessment with the needs meeting.
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

/// Cao / Trung bình / Thấp (Mẫu 02 and Mẫu 06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rating {
    #[serde(rename = "thap")]
    Low,
    #[serde(rename = "trung_binh")]
    Medium,
    #[serde(rename = "cao")]
    High,
}

impl Rating {
    pub fn label_vi(self) -> &'static str {
        match self {
            Rating::High => "Cao",
            Rating::Medium => "Trung bình",
            Rating::Low => "Thấp",
        }
    }
}

/// One rated item of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedItem {
    /// An item code of [`STANDARD_ITEMS`] or the item's wording.
    pub item: String,
    pub rating: Rating,
}

/// The items of Mẫu 06 part 1 (verified), used for Mẫu 02 too (its item list is UNVERIFIED).
pub const STANDARD_ITEMS: [(&str, &str); 4] = [
    ("muc_do_ton_hai", "Mức độ tổn hại đối với trẻ em"),
    (
        "tiep_can_cua_nguoi_gay_ton_hai",
        "Khả năng tiếp cận trẻ em của người gây tổn hại",
    ),
    (
        "can_tro_trong_moi_truong_cham_soc",
        "Những cản trở trong môi trường chăm sóc trẻ em",
    ),
    (
        "kha_nang_tu_bao_ve_phuc_hoi",
        "Khả năng tự bảo vệ và phục hồi của trẻ em",
    ),
];

/// The "Tổng số" row of Mẫu 06: how many items are rated (Cao, Trung bình, Thấp).
pub fn rating_counts(items: &[RatedItem]) -> (usize, usize, usize) {
    let n = |r| items.iter().filter(|i| i.rating == r).count();
    (n(Rating::High), n(Rating::Medium), n(Rating::Low))
}

/// Hình thức xâm hại (Luật Trẻ em 2016, Điều 4 khoản 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AbuseType {
    #[serde(rename = "bao_luc")]
    Violence,
    #[serde(rename = "boc_lot")]
    Exploitation,
    #[serde(rename = "xam_hai_tinh_duc")]
    SexualAbuse,
    #[serde(rename = "mua_ban")]
    Trafficking,
    #[serde(rename = "bo_roi")]
    Abandonment,
    #[serde(rename = "bo_mac")]
    Neglect,
    #[serde(rename = "khac")]
    Other,
}

impl AbuseType {
    pub fn label_vi(self) -> &'static str {
        match self {
            AbuseType::Violence => "Bạo lực",
            AbuseType::Exploitation => "Bóc lột",
            AbuseType::SexualAbuse => "Xâm hại tình dục",
            AbuseType::Trafficking => "Mua bán",
            AbuseType::Abandonment => "Bỏ rơi",
            AbuseType::Neglect => "Bỏ mặc",
            AbuseType::Other => "Hình thức gây tổn hại khác",
        }
    }
}

/// The five sexual-abuse cases of Decree 56.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SexualAbuseKind {
    #[serde(rename = "hiep_dam")]
    Rape,
    #[serde(rename = "cuong_dam")]
    Coercion,
    #[serde(rename = "giao_cau")]
    Intercourse,
    #[serde(rename = "dam_o")]
    Molestation,
    #[serde(rename = "mai_dam_khieu_dam")]
    ProstitutionPornography,
}

impl SexualAbuseKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            SexualAbuseKind::Rape => "Hiếp dâm",
            SexualAbuseKind::Coercion => "Cưỡng dâm",
            SexualAbuseKind::Intercourse => "Giao cấu",
            SexualAbuseKind::Molestation => "Dâm ô",
            SexualAbuseKind::ProstitutionPornography => "Sử dụng vào mục đích mại dâm, khiêu dâm",
        }
    }
}

/// Cấp độ bảo vệ (Luật Trẻ em 2016, Điều 47).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProtectionLevel {
    #[serde(rename = "phong_ngua")]
    Prevention,
    #[serde(rename = "ho_tro")]
    Support,
    #[serde(rename = "can_thiep")]
    Intervention,
}

impl ProtectionLevel {
    pub fn label_vi(self) -> &'static str {
        match self {
            ProtectionLevel::Prevention => "Phòng ngừa",
            ProtectionLevel::Support => "Hỗ trợ",
            ProtectionLevel::Intervention => "Can thiệp",
        }
    }
}

/// Mẫu 02 — Đánh giá ban đầu về mức độ tổn hại và nguy cơ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialAssessment {
    pub ratings: Vec<RatedItem>,
    /// `None`: no abuse found (the child is at risk or in special circumstances).
    #[serde(default)]
    pub abuse_type: Option<AbuseType>,
    /// Only with [`AbuseType::SexualAbuse`].
    #[serde(default)]
    pub sub_type: Option<SexualAbuseKind>,
    /// What happened; required for [`AbuseType::Other`].
    #[serde(default)]
    pub abuse_description: String,
    pub level: ProtectionLevel,
    /// The child is at risk of, or suffering, serious harm to life, health or dignity (Điều 26
    /// khoản 3): emergency measures are then required within 12 hours of the intake.
    pub serious_harm: bool,
    #[serde(default)]
    pub summary: String,
}

/// Biện pháp khẩn cấp (Điều 26 khoản 3; thủ tục "Áp dụng các biện pháp can thiệp khẩn cấp hoặc
/// tạm thời cách ly trẻ em").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyKind {
    EmergencyIntervention,
    TemporarySeparation,
}

impl EmergencyKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            EmergencyKind::EmergencyIntervention => "Can thiệp khẩn cấp",
            EmergencyKind::TemporarySeparation => {
                "Tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại"
            }
        }
    }
}

/// Emergency measures taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyMeasures {
    pub measures: Vec<EmergencyKind>,
    /// When they were taken (the 12-hour deadline is met at this time, not when recorded).
    pub taken_at: DateTime,
    #[serde(default)]
    pub decision_no: Option<String>,
    pub description: String,
}

/// One attendee of the needs meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    /// Chức vụ, cơ quan.
    #[serde(default)]
    pub position: String,
}

/// The meeting that determines the child's needs (Điều 27 khoản 2: biên bản cuộc họp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub held_at: DateTime,
    pub attendees: Vec<Attendee>,
    pub minutes: String,
}

/// Step 4 — thu thập thông tin, đánh giá nguy cơ cụ thể, xác định nhu cầu (Điều 27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecificAssessment {
    /// Thông tin đã thu thập.
    pub information: String,
    #[serde(default)]
    pub ratings: Vec<RatedItem>,
    /// Nhu cầu của trẻ em.
    pub needs: Vec<String>,
    pub meeting: Meeting,
}
