//! What the step and report forms show besides the posted values: the choice lists, in the
//! domain's words, and the messages by field.
use super::entry_form::{by_field, Posted, MEASURE_ROWS};
use super::entry_words::{item_label, title};
use super::vn_dt;
use crate::i18n::vn_date;
use serde::Serialize;
use std::collections::BTreeMap;
use treem_domain::case::*;
use treem_domain::role::Role;
use treem_domain::validation::FieldErrors;
use treem_storage::Actor;

/// Choice lists for the step forms: (value as posted, label).
fn opts<T: Serialize + Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let code = serde_json::to_value(v)
                .ok()
                .and_then(|x| x.as_str().map(String::from))
                .unwrap_or_default();
            (code, label(*v).to_string())
        })
        .collect()
}

/// Everything a step or intake form shows besides the posted values.
pub struct Choices {
    pub channels: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub abuse_types: Vec<(String, String)>,
    pub sub_types: Vec<(String, String)>,
    pub levels: Vec<(String, String)>,
    pub emergency: Vec<(String, String)>,
    pub measures: Vec<(String, String)>,
    pub bodies: Vec<(String, String)>,
    pub handlings: Vec<(String, String)>,
    pub ratings: Vec<(String, String)>,
    pub items: Vec<(String, String)>,
    pub roles: Vec<(String, String)>,
    pub villages: Vec<(String, String)>,
    pub referrals: Vec<(String, String)>,
    pub assigned: Vec<(String, String)>,
    pub strikable: Vec<(String, String)>,
    pub rows: Vec<MeasureRow>,
}

/// The field names of one row of a plan's measures.
pub struct MeasureRow {
    pub n: usize,
    pub kind: String,
    pub description: String,
    pub responsible: String,
    pub from: String,
    pub to: String,
    pub resources: String,
}

impl MeasureRow {
    fn new(n: usize) -> MeasureRow {
        let k = |x: &str| format!("measures[{n}].{x}");
        MeasureRow {
            n,
            kind: k("kind"),
            description: k("description"),
            responsible: k("responsible"),
            from: k("from"),
            to: k("to"),
            resources: k("resources"),
        }
    }
}

impl Choices {
    /// The lists every form offers (the case's own lists empty).
    pub fn new() -> Choices {
        let (abuse_types, sub_types, levels, emergency) = assessment_lists();
        Choices {
            channels: opts(
                &[
                    Channel::VillageHead,
                    Channel::Hotline111,
                    Channel::InPerson,
                    Channel::Phone,
                    Channel::OtherPerson,
                    Channel::School,
                    Channel::Police,
                ],
                Channel::label_vi,
            ),
            categories: opts(
                &[
                    IntakeCategory::Abused,
                    IntakeCategory::AtRisk,
                    IntakeCategory::SpecialCircumstances,
                ],
                IntakeCategory::label_vi,
            ),
            abuse_types,
            sub_types,
            levels,
            emergency,
            measures: measure_list(),
            bodies: opts(
                &[
                    ReferralBody::Police,
                    ReferralBody::HealthStation,
                    ReferralBody::LegalAidCentre,
                    ReferralBody::SocialAssistanceFacility,
                    ReferralBody::Province,
                    ReferralBody::Other,
                ],
                ReferralBody::label_vi,
            ),
            handlings: opts(&Handling::ALL, Handling::label_vi),
            ratings: opts(
                &[Rating::High, Rating::Medium, Rating::Low],
                Rating::label_vi,
            ),
            items: STANDARD_ITEMS
                .iter()
                .map(|(c, _)| (format!("rating.{c}"), item_label(c).to_string()))
                .collect(),
            roles: opts(&assignable_roles(), Role::label_vi),
            villages: vec![],
            referrals: vec![],
            assigned: vec![],
            strikable: vec![],
            rows: (1..=MEASURE_ROWS).map(MeasureRow::new).collect(),
        }
    }

    /// The lists a step form takes from the case: the referrals an answer may name, the people
    /// assigned, the entries this person may strike out (all the domain's answers).
    pub fn for_case(case: &CaseFile, actor: &Actor) -> Choices {
        let mut c = Choices::new();
        c.referrals = answerable_referrals(case)
            .into_iter()
            .filter_map(referral_choice)
            .collect();
        c.assigned = case
            .assigned()
            .iter()
            .map(|a| {
                (
                    a.username.clone(),
                    format!("{} ({})", a.username, a.role.label_vi()),
                )
            })
            .collect();
        c.strikable = strikable(case, actor)
            .into_iter()
            .map(|e| {
                (
                    e.seq.to_string(),
                    format!("Mục {}: {} ({})", e.seq, title(&e.kind), vn_dt(e.at)),
                )
            })
            .collect();
        c
    }
}

/// A referral as the answer form offers it: the first version's number, and its words.
fn referral_choice(e: &CaseEntry) -> Option<(String, String)> {
    let EntryKind::Referral(r) = &e.kind else {
        return None;
    };
    Some((
        e.corrects.unwrap_or(e.seq).to_string(),
        format!(
            "Mục {}: {} {} ({})",
            e.seq,
            r.to.label_vi(),
            r.organisation,
            vn_date(&r.date.to_string())
        ),
    ))
}

type List = Vec<(String, String)>;

/// Abuse types, sexual abuse kinds, protection levels, emergency measures.
fn assessment_lists() -> (List, List, List, List) {
    use AbuseType::*;
    (
        opts(
            &[
                Violence,
                Exploitation,
                SexualAbuse,
                Trafficking,
                Abandonment,
                Neglect,
                AbuseType::Other,
            ],
            AbuseType::label_vi,
        ),
        opts(
            &[
                SexualAbuseKind::Rape,
                SexualAbuseKind::Coercion,
                SexualAbuseKind::Intercourse,
                SexualAbuseKind::Molestation,
                SexualAbuseKind::ProstitutionPornography,
            ],
            SexualAbuseKind::label_vi,
        ),
        opts(
            &[
                ProtectionLevel::Prevention,
                ProtectionLevel::Support,
                ProtectionLevel::Intervention,
            ],
            ProtectionLevel::label_vi,
        ),
        opts(
            &[
                EmergencyKind::EmergencyIntervention,
                EmergencyKind::TemporarySeparation,
            ],
            EmergencyKind::label_vi,
        ),
    )
}

fn measure_list() -> List {
    use MeasureKind::*;
    opts(
        &[
            MedicalCare,
            PsychologicalSupport,
            SafeShelter,
            AlternativeCare,
            Education,
            LegalAid,
            FamilyCounselling,
            SocialAssistance,
            MeasureKind::Other,
        ],
        MeasureKind::label_vi,
    )
}

/// What the form macros (`case_macros.html`) read from a page: the posted values and the
/// message for each field.
pub trait FormValues {
    fn posted(&self) -> &Posted;
    fn messages(&self) -> &BTreeMap<String, String>;
    fn v(&self, k: &str) -> &str {
        self.posted().get(k)
    }
    fn sel(&self, k: &str, v: &str) -> bool {
        self.posted().has(k, v)
    }
    fn err(&self, k: &str) -> &str {
        self.messages().get(k).map(String::as_str).unwrap_or("")
    }
}

/// The messages by field, and those about fields the form does not show (`shown` says which
/// it does), for the top of the page.
pub fn messages(
    errors: Option<FieldErrors>,
    shown: impl Fn(&str) -> bool,
) -> (BTreeMap<String, String>, Vec<String>) {
    let errors = errors.map(|e| by_field(&e)).unwrap_or_default();
    let other = errors
        .iter()
        .filter(|(k, _)| !shown(k))
        .map(|(k, v)| {
            if k == "entry" {
                v.clone()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    (errors, other)
}
