//! What each step records (Nghị định 56/2017/NĐ-CP, Mẫu 01–06), as entry kinds.
//!
//! Narratives are plain `String`s here; the storage layer encrypts them at rest. Field-level
//! checks that need nothing but the entry itself are in [`EntryKind::validate`]; checks against
//! the case (times after the intake, the referral answered exists, …) are in the state machine.
use crate::limits::{self, CASE_NARRATIVE_CHARS, CASE_SHORT_CHARS, CASE_TEXT_CHARS};
use crate::register::{Caregiver, DobPrecision, Sex};
use crate::role::Role;
use crate::validation::FieldErrors;
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

/// Biện pháp hỗ trợ, can thiệp (Luật Trẻ em, Điều 49–50).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    MedicalCare,
    PsychologicalSupport,
    SafeShelter,
    AlternativeCare,
    Education,
    LegalAid,
    FamilyCounselling,
    SocialAssistance,
    Other,
}

impl MeasureKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            MeasureKind::MedicalCare => "Chăm sóc y tế",
            MeasureKind::PsychologicalSupport => "Trị liệu tâm lý, phục hồi thể chất và tinh thần",
            MeasureKind::SafeShelter => "Bố trí nơi tạm trú an toàn",
            MeasureKind::AlternativeCare => "Chăm sóc thay thế",
            MeasureKind::Education => "Hỗ trợ giáo dục",
            MeasureKind::LegalAid => "Tư vấn pháp luật, trợ giúp pháp lý",
            MeasureKind::FamilyCounselling => "Tư vấn cho cha mẹ, người chăm sóc, gia đình",
            MeasureKind::SocialAssistance => "Trợ giúp xã hội",
            MeasureKind::Other => "Khác",
        }
    }
}

/// One measure of a plan: what, who is responsible, when, with what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub kind: MeasureKind,
    #[serde(default)]
    pub description: String,
    /// Người, cơ quan chịu trách nhiệm.
    pub responsible: String,
    pub from: Date,
    pub to: Date,
    /// Nguồn lực.
    #[serde(default)]
    pub resources: String,
}

/// Mẫu 04 — Kế hoạch hỗ trợ, can thiệp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPlan {
    pub objectives: Vec<String>,
    pub measures: Vec<Measure>,
}

/// A service delivered to the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub date: Date,
    /// `measure` in JSON: the entry's own tag is `kind`.
    #[serde(rename = "measure")]
    pub kind: MeasureKind,
    /// Who delivered it.
    pub by: String,
    #[serde(default)]
    pub description: String,
}

/// A visit to the child or family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub date: Date,
    pub by: String,
    pub findings: String,
}

/// The body a case is referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralBody {
    Police,
    HealthStation,
    LegalAidCentre,
    SocialAssistanceFacility,
    Province,
    Other,
}

impl ReferralBody {
    pub fn label_vi(self) -> &'static str {
        match self {
            ReferralBody::Police => "Công an",
            ReferralBody::HealthStation => "Trạm Y tế",
            ReferralBody::LegalAidCentre => "Trung tâm trợ giúp pháp lý",
            ReferralBody::SocialAssistanceFacility => "Cơ sở trợ giúp xã hội",
            ReferralBody::Province => "Cơ quan cấp tỉnh",
            ReferralBody::Other => "Cơ quan khác",
        }
    }
}

/// A referral (chuyển gửi) to another body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub to: ReferralBody,
    /// The body's name; required for [`ReferralBody::Other`].
    #[serde(default)]
    pub organisation: String,
    pub date: Date,
    pub reason: String,
    /// The answer, when it is known at once; otherwise a later [`EntryKind::ReferralAnswer`].
    #[serde(default)]
    pub answer: Option<String>,
}

/// How the person who harmed the child was dealt with (xử lý người vi phạm): target 16 counts a
/// case as done only when the child was helped and this is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    /// Chuyển cơ quan công an (tố giác, báo tin về tội phạm).
    ReferredToPolice,
    /// Xử phạt vi phạm hành chính.
    AdministrativeSanction,
    /// Khởi tố, truy cứu trách nhiệm hình sự.
    Prosecuted,
    /// Không xác định được người vi phạm.
    NoKnownOffender,
}

impl Handling {
    pub const ALL: [Handling; 4] = [
        Handling::ReferredToPolice,
        Handling::AdministrativeSanction,
        Handling::Prosecuted,
        Handling::NoKnownOffender,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            Handling::ReferredToPolice => "Đã chuyển cơ quan công an",
            Handling::AdministrativeSanction => "Đã xử phạt vi phạm hành chính",
            Handling::Prosecuted => "Đã khởi tố, truy cứu trách nhiệm hình sự",
            Handling::NoKnownOffender => "Không xác định được người vi phạm",
        }
    }

    /// The serde code ("referred_to_police", …).
    pub fn code(self) -> &'static str {
        match self {
            Handling::ReferredToPolice => "referred_to_police",
            Handling::AdministrativeSanction => "administrative_sanction",
            Handling::Prosecuted => "prosecuted",
            Handling::NoKnownOffender => "no_known_offender",
        }
    }
}

/// The handling of the offender, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffenderHandling {
    pub handling: Handling,
    /// The day it was done (or found that no offender is known).
    pub date: Date,
    /// Số quyết định, cơ quan xử lý, …
    #[serde(default)]
    pub note: String,
}

/// Mẫu 06 conclusion (Điều 30): end the plan, or build a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Close,
    Replan,
}

/// Mẫu 06 — Rà soát, đánh giá tình trạng của trẻ em sau khi thực hiện kế hoạch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub ratings: Vec<RatedItem>,
    /// Sự phục hồi của trẻ em (thể chất, tâm lý, nhận thức, tình cảm).
    pub recovery: String,
    pub decision: ReviewDecision,
    #[serde(default)]
    pub note: String,
}

/// What an entry records. See [`super`] for which role may record each, in which state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// Mẫu 01.
    Intake(Box<Intake>),
    /// Mẫu 02.
    InitialAssessment(InitialAssessment),
    EmergencyMeasures(EmergencyMeasures),
    SpecificAssessment(SpecificAssessment),
    /// Mẫu 04 (a draft; the latest one submitted is the plan).
    Plan(SupportPlan),
    /// Mẫu 05: the draft decision and plan go to the leader.
    SubmitForApproval {
        #[serde(default)]
        note: String,
    },
    /// The leader approves the plan, or the closing.
    Approve {
        #[serde(default)]
        decision_no: Option<String>,
        #[serde(default)]
        note: String,
    },
    /// The leader returns the plan, or refuses the closing, with a reason.
    Return {
        reason: String,
    },
    Service(Service),
    Visit(Visit),
    Referral(Referral),
    /// The answer of the body a referral (entry `referral`) went to.
    ReferralAnswer {
        referral: u32,
        date: Date,
        answer: String,
    },
    /// How the offender was dealt with (target 16).
    OffenderHandling(OffenderHandling),
    /// Mẫu 06.
    Review(Review),
    /// Strikes out entry `of` (a service, visit, referral or answer recorded by mistake).
    /// Entries that moved the case are corrected by a replacement instead
    /// ([`super::correct`]).
    Correction {
        of: u32,
        note: String,
    },
    /// Gives `username` access to the case and the right to record services, visits and
    /// referral answers.
    Assign {
        username: String,
        role: Role,
    },
    Unassign {
        username: String,
        #[serde(default)]
        reason: String,
    },
}

impl EntryKind {
    /// A code for logs and the API (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            EntryKind::Intake(_) => "intake",
            EntryKind::InitialAssessment(_) => "initial_assessment",
            EntryKind::EmergencyMeasures(_) => "emergency_measures",
            EntryKind::SpecificAssessment(_) => "specific_assessment",
            EntryKind::Plan(_) => "plan",
            EntryKind::SubmitForApproval { .. } => "submit_for_approval",
            EntryKind::Approve { .. } => "approve",
            EntryKind::Return { .. } => "return",
            EntryKind::Service(_) => "service",
            EntryKind::Visit(_) => "visit",
            EntryKind::Referral(_) => "referral",
            EntryKind::ReferralAnswer { .. } => "referral_answer",
            EntryKind::OffenderHandling(_) => "offender_handling",
            EntryKind::Review(_) => "review",
            EntryKind::Correction { .. } => "correction",
            EntryKind::Assign { .. } => "assign",
            EntryKind::Unassign { .. } => "unassign",
        }
    }

    /// The action, as error messages name it ("không được {label}").
    pub fn label_vi(&self) -> &'static str {
        match self {
            EntryKind::Intake(_) => "tiếp nhận thông tin (Mẫu 01)",
            EntryKind::InitialAssessment(_) => "đánh giá ban đầu (Mẫu 02)",
            EntryKind::EmergencyMeasures(_) => "ghi biện pháp khẩn cấp",
            EntryKind::SpecificAssessment(_) => "đánh giá cụ thể và họp xác định nhu cầu",
            EntryKind::Plan(_) => "lập kế hoạch hỗ trợ, can thiệp (Mẫu 04)",
            EntryKind::SubmitForApproval { .. } => "trình phê duyệt kế hoạch (Mẫu 05)",
            EntryKind::Approve { .. } => "phê duyệt",
            EntryKind::Return { .. } => "trả lại",
            EntryKind::Service(_) => "ghi dịch vụ đã cung cấp",
            EntryKind::Visit(_) => "ghi lần thăm",
            EntryKind::Referral(_) => "chuyển gửi",
            EntryKind::ReferralAnswer { .. } => "ghi trả lời chuyển gửi",
            EntryKind::OffenderHandling(_) => "ghi việc xử lý người vi phạm",
            EntryKind::Review(_) => "rà soát, đánh giá (Mẫu 06)",
            EntryKind::Correction { .. } => "đính chính",
            EntryKind::Assign { .. } => "phân công người tham gia",
            EntryKind::Unassign { .. } => "thôi phân công",
        }
    }

    /// Whether two kinds are the same variant (a replacement must be).
    pub fn same_kind(&self, other: &EntryKind) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Sizes against [`crate::limits`]: every text within its length, every list within its
    /// count, every date within [`limits::DATE_YEARS`]. Checked when an entry is recorded (before
    /// [`EntryKind::validate`], which then never walks a list past its limit), not when a
    /// stored case is replayed: entries recorded before a limit existed stay readable.
    pub fn check_limits(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        within_limits(self, &mut e);
        e
    }

    /// Checks that need only the entry: required fields, consistent choices. Field names are
    /// the serde paths (`child.full_name`, `measures[2].responsible`).
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        match self {
            EntryKind::Intake(i) => validate_intake(i, &mut e),
            EntryKind::InitialAssessment(a) => {
                validate_ratings("ratings", &a.ratings, &mut e);
                match (a.abuse_type, a.sub_type) {
                    (Some(AbuseType::SexualAbuse), _) | (_, None) => {}
                    (_, Some(_)) => e.push(
                        "sub_type",
                        "chỉ ghi dạng xâm hại tình dục khi hình thức là xâm hại tình dục",
                    ),
                }
                if a.abuse_type == Some(AbuseType::Other) && blank(&a.abuse_description) {
                    e.push("abuse_description", "hình thức «khác»: ghi rõ sự việc");
                }
            }
            EntryKind::EmergencyMeasures(m) => {
                if m.measures.is_empty() {
                    e.push("measures", "chọn ít nhất một biện pháp khẩn cấp");
                }
                required(
                    &mut e,
                    "description",
                    &m.description,
                    "mô tả biện pháp đã áp dụng",
                );
            }
            EntryKind::SpecificAssessment(s) => {
                required(
                    &mut e,
                    "information",
                    &s.information,
                    "thông tin đã thu thập",
                );
                if !s.ratings.is_empty() {
                    validate_ratings("ratings", &s.ratings, &mut e);
                }
                if s.needs.iter().all(|n| blank(n)) {
                    e.push("needs", "ghi ít nhất một nhu cầu của trẻ em");
                }
                if s.meeting.attendees.iter().all(|a| blank(&a.name)) {
                    e.push("meeting.attendees", "ghi người dự họp");
                }
                required(
                    &mut e,
                    "meeting.minutes",
                    &s.meeting.minutes,
                    "biên bản cuộc họp",
                );
            }
            EntryKind::Plan(p) => {
                if p.objectives.iter().all(|o| blank(o)) {
                    e.push("objectives", "ghi ít nhất một mục tiêu");
                }
                if p.measures.is_empty() {
                    e.push("measures", "ghi ít nhất một biện pháp");
                }
                for (i, m) in p.measures.iter().enumerate() {
                    let f = |x: &str| format!("measures[{}].{x}", i + 1);
                    if blank(&m.responsible) {
                        e.push(&f("responsible"), "thiếu người chịu trách nhiệm");
                    }
                    if m.from > m.to {
                        e.push(&f("to"), "ngày kết thúc trước ngày bắt đầu");
                    }
                    if m.kind == MeasureKind::Other && blank(&m.description) {
                        e.push(&f("description"), "biện pháp «khác»: ghi rõ nội dung");
                    }
                }
            }
            EntryKind::SubmitForApproval { .. } | EntryKind::Approve { .. } => {}
            EntryKind::Return { reason } => {
                required(&mut e, "reason", reason, "lý do trả lại");
            }
            EntryKind::Service(s) => {
                required(&mut e, "by", &s.by, "người cung cấp dịch vụ");
                if s.kind == MeasureKind::Other && blank(&s.description) {
                    e.push("description", "dịch vụ «khác»: ghi rõ nội dung");
                }
            }
            EntryKind::Visit(v) => {
                required(&mut e, "by", &v.by, "người đi thăm");
                required(&mut e, "findings", &v.findings, "ghi nhận khi thăm");
            }
            EntryKind::Referral(r) => {
                required(&mut e, "reason", &r.reason, "lý do chuyển gửi");
                if r.to == ReferralBody::Other && blank(&r.organisation) {
                    e.push("organisation", "ghi tên cơ quan nhận");
                }
                if r.answer.as_deref().is_some_and(blank) {
                    e.push("answer", "để trống thì bỏ trường trả lời");
                }
            }
            EntryKind::ReferralAnswer { answer, .. } => {
                required(&mut e, "answer", answer, "nội dung trả lời");
            }
            EntryKind::OffenderHandling(_) => {}
            EntryKind::Review(r) => {
                validate_ratings("ratings", &r.ratings, &mut e);
                required(&mut e, "recovery", &r.recovery, "sự phục hồi của trẻ em");
            }
            EntryKind::Correction { note, .. } => {
                required(&mut e, "note", note, "lý do đính chính");
            }
            EntryKind::Assign { username, role } => {
                required(&mut e, "username", username, "tên đăng nhập");
                if !role.reads_children() {
                    e.push(
                        "role",
                        format!(
                            "không thể phân công {}: vai trò này không được xem hồ sơ trẻ em",
                            role.label_vi()
                        ),
                    );
                }
            }
            EntryKind::Unassign { username, .. } => {
                required(&mut e, "username", username, "tên đăng nhập");
            }
        }
        e
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Checks the sizes of an entry against [`crate::limits`]: every text within its length, every
/// list within its count, every date within [`limits::DATE_YEARS`]. Returns whether the lists
/// fit (their items are then worth checking).
fn within_limits(kind: &EntryKind, e: &mut FieldErrors) -> bool {
    let mut lists_fit = true;
    let mut count = |e: &mut FieldErrors, field: &str, what: &str, n: usize, max: usize| {
        let fits = limits::check_count(e, field, what, n, max);
        lists_fit &= fits;
        fits
    };
    let text = |e: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize| {
        limits::check_chars(e, field, label, v, max);
    };
    let short = |e: &mut FieldErrors, field: &str, label: &str, v: &str| {
        text(e, field, label, v, CASE_SHORT_CHARS)
    };
    let date = |e: &mut FieldErrors, field: &str, d: Date| {
        limits::check_date(e, field, d);
    };
    let datetime = |e: &mut FieldErrors, field: &str, d: DateTime| {
        limits::check_date(e, field, d.date());
    };
    let ratings = |e: &mut FieldErrors, items: &[RatedItem], fits: bool| {
        if fits {
            for (i, it) in items.iter().enumerate() {
                short(e, &format!("ratings[{}].item", i + 1), "tiêu chí", &it.item);
            }
        }
    };
    match kind {
        EntryKind::Intake(i) => {
            datetime(e, "received_at", i.received_at);
            short(e, "place", "nơi xảy ra sự việc", &i.place);
            text(
                e,
                "current_condition",
                "tình trạng hiện tại của trẻ",
                &i.current_condition,
                CASE_NARRATIVE_CHARS,
            );
            text(
                e,
                "predicted_consequence",
                "dự đoán hậu quả",
                &i.predicted_consequence,
                CASE_NARRATIVE_CHARS,
            );
            text(
                e,
                "family_circumstances",
                "hoàn cảnh gia đình",
                &i.family_circumstances,
                CASE_NARRATIVE_CHARS,
            );
            text(
                e,
                "actions_taken",
                "những việc đã làm",
                &i.actions_taken,
                CASE_NARRATIVE_CHARS,
            );
            if let ChildRef::New(c) = &i.child {
                text(
                    e,
                    "child.full_name",
                    "họ và tên trẻ",
                    &c.full_name,
                    limits::FULL_NAME_CHARS,
                );
                if let Some(d) = c.date_of_birth {
                    date(e, "child.date_of_birth", d);
                }
                if let Some(v) = &c.village {
                    text(
                        e,
                        "child.village",
                        "mã thôn/bản",
                        v,
                        limits::VILLAGE_CODE_CHARS,
                    );
                }
                text(
                    e,
                    "child.description",
                    "đặc điểm nhận dạng",
                    &c.description,
                    CASE_TEXT_CHARS,
                );
            }
            for (who, p) in [("father", &i.father), ("mother", &i.mother)] {
                if let Some(p) = p {
                    text(
                        e,
                        &format!("{who}.full_name"),
                        "họ và tên",
                        &p.full_name,
                        limits::FULL_NAME_CHARS,
                    );
                    short(
                        e,
                        &format!("{who}.occupation"),
                        "nghề nghiệp",
                        &p.occupation,
                    );
                }
            }
            if let Some(c) = &i.caregiver {
                text(
                    e,
                    "caregiver.relationship",
                    "quan hệ với trẻ",
                    &c.relationship,
                    limits::RELATIONSHIP_CHARS,
                );
                text(
                    e,
                    "caregiver.full_name",
                    "họ tên người chăm sóc",
                    &c.full_name,
                    limits::FULL_NAME_CHARS,
                );
                if let Some(p) = &c.phone {
                    short(e, "caregiver.phone", "số điện thoại", p);
                }
            }
            if let Some(inf) = &i.informant {
                text(
                    e,
                    "informant.full_name",
                    "họ tên người báo",
                    &inf.full_name,
                    limits::FULL_NAME_CHARS,
                );
                short(e, "informant.phone", "số điện thoại", &inf.phone);
                short(e, "informant.address", "địa chỉ", &inf.address);
                text(e, "informant.note", "ghi chú", &inf.note, CASE_TEXT_CHARS);
            }
        }
        EntryKind::InitialAssessment(a) => {
            let fits = count(
                e,
                "ratings",
                "tiêu chí đánh giá",
                a.ratings.len(),
                limits::CASE_RATINGS,
            );
            ratings(e, &a.ratings, fits);
            text(
                e,
                "abuse_description",
                "mô tả sự việc",
                &a.abuse_description,
                CASE_NARRATIVE_CHARS,
            );
            text(e, "summary", "nhận định", &a.summary, CASE_NARRATIVE_CHARS);
        }
        EntryKind::EmergencyMeasures(m) => {
            count(
                e,
                "measures",
                "biện pháp khẩn cấp",
                m.measures.len(),
                limits::CASE_MEASURES,
            );
            datetime(e, "taken_at", m.taken_at);
            if let Some(d) = &m.decision_no {
                short(e, "decision_no", "số quyết định", d);
            }
            text(
                e,
                "description",
                "mô tả biện pháp",
                &m.description,
                CASE_NARRATIVE_CHARS,
            );
        }
        EntryKind::SpecificAssessment(s) => {
            text(
                e,
                "information",
                "thông tin đã thu thập",
                &s.information,
                CASE_NARRATIVE_CHARS,
            );
            let fits = count(
                e,
                "ratings",
                "tiêu chí đánh giá",
                s.ratings.len(),
                limits::CASE_RATINGS,
            );
            ratings(e, &s.ratings, fits);
            if count(e, "needs", "nhu cầu", s.needs.len(), limits::CASE_LINES) {
                for (i, n) in s.needs.iter().enumerate() {
                    text(
                        e,
                        &format!("needs[{}]", i + 1),
                        "nhu cầu",
                        n,
                        CASE_TEXT_CHARS,
                    );
                }
            }
            datetime(e, "meeting.held_at", s.meeting.held_at);
            if count(
                e,
                "meeting.attendees",
                "người dự họp",
                s.meeting.attendees.len(),
                limits::CASE_ATTENDEES,
            ) {
                for (i, a) in s.meeting.attendees.iter().enumerate() {
                    let f = |x: &str| format!("meeting.attendees[{}].{x}", i + 1);
                    text(
                        e,
                        &f("name"),
                        "họ tên người dự họp",
                        &a.name,
                        limits::FULL_NAME_CHARS,
                    );
                    short(e, &f("position"), "chức vụ, cơ quan", &a.position);
                }
            }
            text(
                e,
                "meeting.minutes",
                "biên bản cuộc họp",
                &s.meeting.minutes,
                CASE_NARRATIVE_CHARS,
            );
        }
        EntryKind::Plan(p) => {
            if count(
                e,
                "objectives",
                "mục tiêu",
                p.objectives.len(),
                limits::CASE_LINES,
            ) {
                for (i, o) in p.objectives.iter().enumerate() {
                    text(
                        e,
                        &format!("objectives[{}]", i + 1),
                        "mục tiêu",
                        o,
                        CASE_TEXT_CHARS,
                    );
                }
            }
            if count(
                e,
                "measures",
                "biện pháp",
                p.measures.len(),
                limits::CASE_MEASURES,
            ) {
                for (i, m) in p.measures.iter().enumerate() {
                    let f = |x: &str| format!("measures[{}].{x}", i + 1);
                    text(
                        e,
                        &f("description"),
                        "nội dung",
                        &m.description,
                        CASE_TEXT_CHARS,
                    );
                    short(
                        e,
                        &f("responsible"),
                        "người chịu trách nhiệm",
                        &m.responsible,
                    );
                    date(e, &f("from"), m.from);
                    date(e, &f("to"), m.to);
                    text(
                        e,
                        &f("resources"),
                        "nguồn lực",
                        &m.resources,
                        CASE_TEXT_CHARS,
                    );
                }
            }
        }
        EntryKind::SubmitForApproval { note } => text(e, "note", "ghi chú", note, CASE_TEXT_CHARS),
        EntryKind::Approve { decision_no, note } => {
            if let Some(d) = decision_no {
                short(e, "decision_no", "số quyết định", d);
            }
            text(e, "note", "ghi chú", note, CASE_TEXT_CHARS);
        }
        EntryKind::Return { reason } => text(e, "reason", "lý do", reason, CASE_TEXT_CHARS),
        EntryKind::Service(s) => {
            date(e, "date", s.date);
            short(e, "by", "người cung cấp", &s.by);
            text(
                e,
                "description",
                "nội dung",
                &s.description,
                CASE_TEXT_CHARS,
            );
        }
        EntryKind::Visit(v) => {
            date(e, "date", v.date);
            short(e, "by", "người đi thăm", &v.by);
            text(
                e,
                "findings",
                "ghi nhận khi thăm",
                &v.findings,
                CASE_NARRATIVE_CHARS,
            );
        }
        EntryKind::Referral(r) => {
            short(e, "organisation", "tên cơ quan nhận", &r.organisation);
            date(e, "date", r.date);
            text(e, "reason", "lý do chuyển gửi", &r.reason, CASE_TEXT_CHARS);
            if let Some(a) = &r.answer {
                text(e, "answer", "trả lời", a, CASE_TEXT_CHARS);
            }
        }
        EntryKind::ReferralAnswer {
            date: d, answer, ..
        } => {
            date(e, "date", *d);
            text(e, "answer", "trả lời", answer, CASE_TEXT_CHARS);
        }
        EntryKind::OffenderHandling(h) => {
            date(e, "date", h.date);
            text(e, "note", "ghi chú xử lý", &h.note, CASE_TEXT_CHARS);
        }
        EntryKind::Review(r) => {
            let fits = count(
                e,
                "ratings",
                "tiêu chí đánh giá",
                r.ratings.len(),
                limits::CASE_RATINGS,
            );
            ratings(e, &r.ratings, fits);
            text(
                e,
                "recovery",
                "sự phục hồi của trẻ em",
                &r.recovery,
                CASE_NARRATIVE_CHARS,
            );
            text(e, "note", "ghi chú", &r.note, CASE_TEXT_CHARS);
        }
        EntryKind::Correction { note, .. } => {
            text(e, "note", "lý do đính chính", note, CASE_TEXT_CHARS)
        }
        EntryKind::Assign { username, .. } => short(e, "username", "tên đăng nhập", username),
        EntryKind::Unassign { username, reason } => {
            short(e, "username", "tên đăng nhập", username);
            text(e, "reason", "lý do", reason, CASE_TEXT_CHARS);
        }
    }
    lists_fit
}

fn required(e: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if blank(value) {
        e.push(field, format!("thiếu {what}"));
    }
}

fn validate_ratings(field: &str, items: &[RatedItem], e: &mut FieldErrors) {
    if items.is_empty() {
        e.push(
            field,
            "đánh giá ít nhất một tiêu chí (Cao / Trung bình / Thấp)",
        );
    }
    for (i, it) in items.iter().enumerate() {
        if blank(&it.item) {
            e.push(&format!("{field}[{}].item", i + 1), "thiếu tên tiêu chí");
        } else if items[..i].iter().any(|o| o.item.trim() == it.item.trim()) {
            e.push(
                &format!("{field}[{}].item", i + 1),
                "tiêu chí bị ghi hai lần",
            );
        }
    }
}

fn validate_intake(i: &Intake, e: &mut FieldErrors) {
    required(e, "place", &i.place, "nơi xảy ra sự việc");
    required(
        e,
        "current_condition",
        &i.current_condition,
        "tình trạng hiện tại của trẻ",
    );
    if let ChildRef::New(c) = &i.child {
        match c.dob_precision {
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year => {
                if c.date_of_birth.is_none() {
                    e.push("child.date_of_birth", "thiếu ngày sinh");
                }
            }
            DobPrecision::Estimated => {
                if c.estimated_age.is_none() && c.date_of_birth.is_none() {
                    e.push("child.estimated_age", "thiếu tuổi ước tính");
                }
            }
            DobPrecision::Unknown => {
                if c.date_of_birth.is_some() || c.estimated_age.is_some() {
                    e.push(
                        "child.dob_precision",
                        "đã ghi ngày sinh hoặc tuổi thì không chọn «không biết»",
                    );
                }
            }
        }
        if c.estimated_age.is_some_and(|a| a >= 18) {
            e.push("child.estimated_age", "tuổi ước tính phải dưới 18");
        }
        if blank(&c.full_name) && blank(&c.description) {
            e.push(
                "child.description",
                "chưa rõ tên trẻ: ghi đặc điểm nhận dạng",
            );
        }
    }
    if let Some(inf) = &i.informant {
        if !inf.consent {
            e.push(
                "informant.consent",
                "chỉ ghi thông tin người báo khi người đó đồng ý",
            );
        }
    }
}
