//! Support given to a child in special circumstances (trợ giúp, hỗ trợ trẻ em có hoàn cảnh đặc
//! biệt): its kinds, and which kinds answer which of the 14 circumstance groups, as the commune
//! decides. Target 14 ("trẻ em có hoàn cảnh đặc biệt được trợ giúp") counts a child as supported
//! in a period when a support of a kind that answers one of the child's circumstances was given
//! in it.
//!
//! No law maps kinds to groups (Decree 56/2017 lists the measures, not which one "counts"), so the
//! mapping is a setting: unset, every kind answers every group, as before.
use crate::circumstance;
use crate::validation::{self, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A kind of support (hình thức trợ giúp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    /// Trợ cấp xã hội hằng tháng, trợ giúp đột xuất.
    SocialAssistance,
    /// Thẻ bảo hiểm y tế.
    HealthInsurance,
    /// Khám, chữa bệnh; phục hồi chức năng.
    HealthCare,
    /// Miễn, giảm học phí; sách vở, đồ dùng học tập; học bổng.
    SchoolCosts,
    /// Lương thực, thực phẩm, quà tặng, thăm hỏi.
    FoodAndGifts,
    /// Hỗ trợ, tư vấn tâm lý.
    Psychosocial,
    /// Trợ giúp pháp lý.
    LegalAid,
    /// Chăm sóc thay thế (nhận chăm sóc, nuôi dưỡng).
    AlternativeCare,
    /// Chuyển gửi đến cơ sở, dịch vụ khác.
    Referral,
    /// Hình thức khác.
    Other,
}

impl SupportKind {
    pub const ALL: [SupportKind; 10] = [
        SupportKind::SocialAssistance,
        SupportKind::HealthInsurance,
        SupportKind::HealthCare,
        SupportKind::SchoolCosts,
        SupportKind::FoodAndGifts,
        SupportKind::Psychosocial,
        SupportKind::LegalAid,
        SupportKind::AlternativeCare,
        SupportKind::Referral,
        SupportKind::Other,
    ];

    /// The code stored and sent in the API.
    pub fn code(self) -> &'static str {
        match self {
            SupportKind::SocialAssistance => "social_assistance",
            SupportKind::HealthInsurance => "health_insurance",
            SupportKind::HealthCare => "health_care",
            SupportKind::SchoolCosts => "school_costs",
            SupportKind::FoodAndGifts => "food_and_gifts",
            SupportKind::Psychosocial => "psychosocial",
            SupportKind::LegalAid => "legal_aid",
            SupportKind::AlternativeCare => "alternative_care",
            SupportKind::Referral => "referral",
            SupportKind::Other => "other",
        }
    }

    /// The words an officer reads.
    pub fn label_vi(self) -> &'static str {
        match self {
            SupportKind::SocialAssistance => "Trợ cấp xã hội, trợ giúp đột xuất",
            SupportKind::HealthInsurance => "Thẻ bảo hiểm y tế",
            SupportKind::HealthCare => "Khám, chữa bệnh, phục hồi chức năng",
            SupportKind::SchoolCosts => "Miễn giảm học phí, đồ dùng học tập, học bổng",
            SupportKind::FoodAndGifts => "Lương thực, quà tặng, thăm hỏi",
            SupportKind::Psychosocial => "Hỗ trợ, tư vấn tâm lý",
            SupportKind::LegalAid => "Trợ giúp pháp lý",
            SupportKind::AlternativeCare => "Chăm sóc thay thế",
            SupportKind::Referral => "Chuyển gửi đến dịch vụ khác",
            SupportKind::Other => "Hình thức khác",
        }
    }

    /// A kind from its code or its Vietnamese label (accents and case ignored).
    pub fn parse(text: &str) -> Option<SupportKind> {
        let code = text.trim();
        let t = crate::text::fold(code);
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code || crate::text::fold(k.label_vi()) == t)
    }

    /// The kind of a stored support. Records written before the kinds were fixed hold free
    /// words ("trợ cấp xã hội", "thăm hỏi, tặng quà"): those are placed by their words, and
    /// anything else is [`SupportKind::Other`] — still a support, never dropped.
    pub fn of_record(text: &str) -> SupportKind {
        if let Some(k) = Self::parse(text) {
            return k;
        }
        let t = crate::text::fold(text);
        let has = |w: &str| t.contains(w);
        if has("tro cap") {
            SupportKind::SocialAssistance
        } else if has("bao hiem") || has("bhyt") {
            SupportKind::HealthInsurance
        } else if has("kham") || has("chua benh") || has("phuc hoi") {
            SupportKind::HealthCare
        } else if has("hoc") {
            SupportKind::SchoolCosts
        } else if has("qua") || has("tham hoi") || has("gao") || has("luong thuc") {
            SupportKind::FoodAndGifts
        } else if has("tam ly") {
            SupportKind::Psychosocial
        } else if has("phap ly") {
            SupportKind::LegalAid
        } else {
            SupportKind::Other
        }
    }
}

/// Which kinds of support answer which circumstance group (cấu hình "hình thức trợ giúp được
/// tính cho chỉ tiêu 14"). A group not set is answered by every kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportAnswers {
    by_group: BTreeMap<String, Vec<SupportKind>>,
}

/// A setting that cannot be used: an unknown group, or a group answered by no kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupportAnswersError {
    #[error("nhóm hoàn cảnh đặc biệt `{0}` không có trong Điều 10 Luật Trẻ em")]
    UnknownGroup(String),
    #[error(
        "nhóm `{0}` phải có ít nhất một hình thức trợ giúp được tính (nếu không, không trẻ nào \
         của nhóm được tính là đã trợ giúp)"
    )]
    NoKind(String),
}

impl SupportAnswers {
    /// Who sets which kinds count: the officer, who answers for the figures the commune reports.
    pub fn may_set(role: crate::role::Role) -> bool {
        role == crate::role::Role::Officer
    }

    /// Whether the commune has narrowed the kinds that answer `group`.
    pub fn is_narrowed(&self, group: &str) -> bool {
        self.by_group.contains_key(group)
    }

    /// Whether a support of `kind` answers circumstance group `group`.
    pub fn answers(&self, group: &str, kind: SupportKind) -> bool {
        self.by_group
            .get(group)
            .is_none_or(|kinds| kinds.contains(&kind))
    }

    /// Whether a support of `kind` given to a child in these circumstances counts on day `on`
    /// (target 14): it answers one of the circumstances active that day.
    pub fn counts(
        &self,
        circumstances: &[circumstance::Circumstance],
        on: jiff::civil::Date,
        kind: SupportKind,
    ) -> bool {
        circumstances
            .iter()
            .any(|c| c.active_on(on) && self.answers(&c.code, kind))
    }

    /// The kinds that answer `group` (every kind when it is not set).
    pub fn kinds_for(&self, group: &str) -> Vec<SupportKind> {
        match self.by_group.get(group) {
            Some(k) => k.clone(),
            None => SupportKind::ALL.to_vec(),
        }
    }

    /// Set the kinds that answer a group; every kind is the same as unset.
    pub fn set(&mut self, group: &str, kinds: &[SupportKind]) -> Result<(), SupportAnswersError> {
        let code = circumstance::parse(group)
            .ok_or_else(|| SupportAnswersError::UnknownGroup(group.to_string()))?;
        if kinds.is_empty() {
            return Err(SupportAnswersError::NoKind(code.to_string()));
        }
        let mut kinds = kinds.to_vec();
        kinds.sort();
        kinds.dedup();
        if kinds.len() == SupportKind::ALL.len() {
            self.by_group.remove(code);
        } else {
            self.by_group.insert(code.to_string(), kinds);
        }
        Ok(())
    }

    /// Whether the commune has narrowed any group.
    pub fn is_default(&self) -> bool {
        self.by_group.is_empty()
    }

    /// As stored in the settings (JSON).
    pub fn to_setting(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From the stored setting; a setting that no longer reads is an error, never ignored.
    pub fn from_setting(text: &str) -> Result<SupportAnswers, String> {
        let raw: SupportAnswers = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut out = SupportAnswers::default();
        for (g, kinds) in &raw.by_group {
            out.set(g, kinds).map_err(|e| e.to_string())?;
        }
        Ok(out)
    }
}

/// One support to record, from a form or the API: the day it was given and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSupport {
    pub date: jiff::civil::Date,
    pub kind: SupportKind,
}

impl NewSupport {
    /// Reads the day (dd/mm/yyyy or yyyy-mm-dd, not after `today`) and the kind (its code or
    /// its words); every problem named by its field, in Vietnamese.
    pub fn parse(
        date: &str,
        kind: &str,
        today: jiff::civil::Date,
    ) -> Result<NewSupport, FieldErrors> {
        let mut errs = FieldErrors::default();
        let day = match date.trim() {
            "" => {
                errs.push("date", "cần ghi ngày trợ giúp");
                None
            }
            text => match validation::parse_date(text) {
                None => {
                    errs.push("date", validation::date_problem(text));
                    None
                }
                Some(d) if d > today => {
                    errs.push("date", "ngày trợ giúp ở sau hôm nay");
                    None
                }
                Some(d) => Some(d),
            },
        };
        let kind = match kind.trim() {
            "" => {
                errs.push("kind", "cần chọn hình thức trợ giúp");
                None
            }
            text => {
                let k = SupportKind::parse(text);
                if k.is_none() {
                    errs.push(
                        "kind",
                        format!("hình thức trợ giúp «{text}» không có trong danh mục"),
                    );
                }
                k
            }
        };
        match (day, kind) {
            (Some(date), Some(kind)) if errs.is_empty() => Ok(NewSupport { date, kind }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_from_code_label_or_the_old_free_words() {
        assert_eq!(SupportKind::parse("legal_aid"), Some(SupportKind::LegalAid));
        assert_eq!(
            SupportKind::parse("the bao hiem y te"),
            Some(SupportKind::HealthInsurance)
        );
        assert_eq!(
            SupportKind::of_record("trợ cấp xã hội"),
            SupportKind::SocialAssistance
        );
        assert_eq!(
            SupportKind::of_record("thăm hỏi, tặng quà"),
            SupportKind::FoodAndGifts
        );
        assert_eq!(
            SupportKind::of_record("hỗ trợ học tập"),
            SupportKind::SchoolCosts
        );
        assert_eq!(
            SupportKind::of_record("khám chữa bệnh"),
            SupportKind::HealthCare
        );
        assert_eq!(SupportKind::of_record("???"), SupportKind::Other);
        for k in SupportKind::ALL {
            assert_eq!(SupportKind::parse(k.code()), Some(k));
            assert_eq!(SupportKind::parse(k.label_vi()), Some(k));
        }
    }

    #[test]
    fn a_group_answers_every_kind_until_the_commune_narrows_it() {
        let mut a = SupportAnswers::default();
        assert!(a.answers("d", SupportKind::FoodAndGifts));
        assert!(!a.is_narrowed("d"));
        assert!(SupportAnswers::may_set(crate::role::Role::Officer));
        assert!(!SupportAnswers::may_set(crate::role::Role::Leader));
        a.set("d", &[SupportKind::HealthCare, SupportKind::SchoolCosts])
            .unwrap();
        assert!(!a.answers("d", SupportKind::FoodAndGifts));
        assert!(a.answers("d", SupportKind::HealthCare));
        assert!(a.is_narrowed("d"));
        assert!(a.answers("a", SupportKind::FoodAndGifts));
        // "dd" is đ.
        a.set("dd", &[SupportKind::HealthCare]).unwrap();
        assert!(!a.answers("đ", SupportKind::LegalAid));
        let back = SupportAnswers::from_setting(&a.to_setting()).unwrap();
        assert_eq!(back, a);
        a.set("d", &SupportKind::ALL).unwrap();
        assert!(a.answers("d", SupportKind::FoodAndGifts));
    }

    #[test]
    fn an_unknown_group_or_no_kind_is_refused() {
        let mut a = SupportAnswers::default();
        assert_eq!(
            a.set("z", &[SupportKind::Other]),
            Err(SupportAnswersError::UnknownGroup("z".into()))
        );
        assert!(matches!(
            a.set("a", &[]),
            Err(SupportAnswersError::NoKind(_))
        ));
        assert!(SupportAnswers::from_setting(r#"{"by_group":{"z":["other"]}}"#).is_err());
    }

    #[test]
    fn a_new_support_names_each_bad_field() {
        let today = jiff::civil::date(2026, 12, 5);
        let ok = NewSupport::parse("03/12/2026", "legal_aid", today).unwrap();
        assert_eq!(ok.kind, SupportKind::LegalAid);
        assert_eq!(ok.date, jiff::civil::date(2026, 12, 3));
        let e = NewSupport::parse("06/12/2026", "", today).unwrap_err();
        assert!(e.for_field("date").unwrap().contains("sau hôm nay"));
        assert!(e.for_field("kind").unwrap().contains("hình thức"));
        let e = NewSupport::parse("31/02/2026", "vàng bạc", today).unwrap_err();
        assert!(e.for_field("date").is_some());
        assert!(e.for_field("kind").unwrap().contains("vàng bạc"));
    }
}
