//! What follows the plan: services given, visits, referrals, the offender's handling, and the
//! review (Mẫu 06) that closes the case or starts a new plan.
use super::{MeasureKind, RatedItem};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
