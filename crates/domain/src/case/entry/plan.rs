//! Mẫu 04: the support plan — objectives and measures, each with who is responsible and when.
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
