//! Each step's form as posted, one typed request per step, into the entry it records.
use super::check::{lines, some_text, ticked, Check, RatingsForm};
use super::posted::{decode, Posted};
use super::MEASURE_ROWS;
use serde::Deserialize;
use treem_domain::case::*;
use treem_domain::role::Role;
use treem_domain::validation::FieldErrors;

/// The entry of step `code` from its form (the domain checks the rest when it is applied).
pub fn parse_step(code: &str, f: &Posted) -> Result<EntryKind, FieldErrors> {
    fn read<T>(f: &Posted) -> Result<EntryKind, FieldErrors>
    where
        T: serde::de::DeserializeOwned + TryInto<EntryKind, Error = FieldErrors>,
    {
        decode::<T>(f)?.try_into()
    }
    match code {
        "initial_assessment" => read::<InitialAssessmentForm>(f),
        "emergency_measures" => read::<EmergencyForm>(f),
        "specific_assessment" => read::<SpecificAssessmentForm>(f),
        "plan" => read::<PlanForm>(f),
        "submit_for_approval" => read::<SubmitForm>(f),
        "approve" => read::<ApproveForm>(f),
        "return" => read::<ReturnForm>(f),
        "service" => read::<ServiceForm>(f),
        "visit" => read::<VisitForm>(f),
        "referral" => read::<ReferralForm>(f),
        "referral_answer" => read::<ReferralAnswerForm>(f),
        "offender_handling" => read::<OffenderHandlingForm>(f),
        "review" => read::<ReviewForm>(f),
        "assign" => read::<AssignForm>(f),
        "unassign" => read::<UnassignForm>(f),
        "correction" => read::<CorrectionForm>(f),
        _ => Err(FieldErrors::single(
            "kind",
            format!("không có bước «{code}»"),
        )),
    }
}

/// Mẫu 02: the initial assessment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InitialAssessmentForm {
    #[serde(flatten)]
    ratings: RatingsForm,
    abuse_type: String,
    sub_type: String,
    abuse_description: String,
    level: String,
    serious_harm: Vec<String>,
    summary: String,
}

impl TryFrom<InitialAssessmentForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: InitialAssessmentForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let ratings = f.ratings.read(&mut c);
        let abuse_type = c.opt_choice("abuse_type", &f.abuse_type);
        let sub_type = c.opt_choice("sub_type", &f.sub_type);
        let level = c.choice("level", &f.level, "cấp độ bảo vệ");
        c.done(EntryKind::InitialAssessment(InitialAssessment {
            ratings,
            abuse_type,
            sub_type,
            abuse_description: f.abuse_description,
            level: level.unwrap_or(ProtectionLevel::Prevention),
            serious_harm: ticked(&f.serious_harm),
            summary: f.summary,
        }))
    }
}

/// Emergency measures: what was done, when, under which decision.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmergencyForm {
    measures: Vec<String>,
    taken_at: String,
    taken_at_time: String,
    decision_no: String,
    description: String,
}

impl TryFrom<EmergencyForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: EmergencyForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let mut measures = Vec::new();
        for m in &f.measures {
            match serde_json::from_value(serde_json::Value::String(m.clone())) {
                Ok(k) => measures.push(k),
                Err(_) => c
                    .errors
                    .push("measures", format!("không có biện pháp «{m}»")),
            }
        }
        let taken_at = c.datetime(
            "taken_at",
            &f.taken_at,
            &f.taken_at_time,
            "thời điểm áp dụng",
        );
        c.done(EntryKind::EmergencyMeasures(EmergencyMeasures {
            measures,
            taken_at: taken_at.unwrap_or_default(),
            decision_no: some_text(f.decision_no),
            description: f.description,
        }))
    }
}

/// The specific assessment and the meeting on the child's needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SpecificAssessmentForm {
    #[serde(flatten)]
    ratings: RatingsForm,
    information: String,
    needs: String,
    #[serde(rename = "meeting.held_at")]
    held_at: String,
    #[serde(rename = "meeting.held_at_time")]
    held_at_time: String,
    /// One attendee a line: "name - position".
    #[serde(rename = "meeting.attendees")]
    attendees: String,
    #[serde(rename = "meeting.minutes")]
    minutes: String,
}

/// "Name - position" (or "Name — position"; the name alone).
fn attendee(line: String) -> Attendee {
    match line.split_once(" - ").or_else(|| line.split_once(" — ")) {
        Some((n, p)) => Attendee {
            name: n.trim().into(),
            position: p.trim().into(),
        },
        None => Attendee {
            name: line,
            position: String::new(),
        },
    }
}

impl TryFrom<SpecificAssessmentForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: SpecificAssessmentForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let ratings = f.ratings.read(&mut c);
        let held_at = c.datetime(
            "meeting.held_at",
            &f.held_at,
            &f.held_at_time,
            "thời điểm họp",
        );
        c.done(EntryKind::SpecificAssessment(SpecificAssessment {
            information: f.information,
            ratings,
            needs: lines(&f.needs),
            meeting: Meeting {
                held_at: held_at.unwrap_or_default(),
                attendees: lines(&f.attendees).into_iter().map(attendee).collect(),
                minutes: f.minutes,
            },
        }))
    }
}

/// Mẫu 04: the objectives, one a line, and up to [`MEASURE_ROWS`] rows of measures
/// (`measures[1].kind` … `measures[6].resources`).
#[derive(Debug, Default)]
pub struct PlanForm {
    objectives: String,
    rows: Vec<MeasureRowForm>,
}

/// One row of a plan's measures.
#[derive(Debug, Default, Clone)]
struct MeasureRowForm {
    kind: String,
    description: String,
    responsible: String,
    from: String,
    to: String,
    resources: String,
}

impl<'de> Deserialize<'de> for PlanForm {
    /// The rows' names carry their number, so the rows are gathered from the pairs by name.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PlanForm, D::Error> {
        let all = std::collections::BTreeMap::<String, String>::deserialize(d)?;
        let get = |k: &str| all.get(k).cloned().unwrap_or_default();
        let rows = (1..=MEASURE_ROWS)
            .map(|i| {
                let k = |x: &str| get(&format!("measures[{i}].{x}"));
                MeasureRowForm {
                    kind: k("kind"),
                    description: k("description"),
                    responsible: k("responsible"),
                    from: k("from"),
                    to: k("to"),
                    resources: k("resources"),
                }
            })
            .collect();
        Ok(PlanForm {
            objectives: get("objectives"),
            rows,
        })
    }
}

impl MeasureRowForm {
    fn filled(&self) -> bool {
        [
            &self.kind,
            &self.description,
            &self.responsible,
            &self.from,
            &self.to,
        ]
        .iter()
        .any(|s| !s.is_empty())
    }

    /// Row `i`'s measure, or its messages.
    fn read(self, i: usize, c: &mut Check) -> Option<Measure> {
        let k = |x: &str| format!("measures[{i}].{x}");
        let kind = c.choice(&k("kind"), &self.kind, "biện pháp");
        let from = c.date(&k("from"), &self.from, "ngày bắt đầu");
        let to = c.date(&k("to"), &self.to, "ngày kết thúc");
        Some(Measure {
            kind: kind?,
            description: self.description,
            responsible: self.responsible,
            from: from?,
            to: to?,
            resources: self.resources,
        })
    }
}

impl TryFrom<PlanForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: PlanForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let mut measures = Vec::new();
        for (i, row) in (1..).zip(f.rows) {
            if row.filled() {
                if let Some(m) = row.read(i, &mut c) {
                    measures.push((i, m));
                }
            }
        }
        // The domain numbers measures from 1 in the list it gets: keep the rows' numbers by
        // refusing gaps here rather than letting messages point at another row.
        if measures.iter().enumerate().any(|(n, (i, _))| n + 1 != *i) {
            c.errors.push(
                "measures",
                "ghi các biện pháp liền nhau từ dòng 1, không bỏ dòng",
            );
        }
        c.done(EntryKind::Plan(SupportPlan {
            objectives: lines(&f.objectives),
            measures: measures.into_iter().map(|(_, m)| m).collect(),
        }))
    }
}

/// Mẫu 05: the plan goes to the leader.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubmitForm {
    note: String,
}

impl TryFrom<SubmitForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: SubmitForm) -> Result<EntryKind, FieldErrors> {
        Ok(EntryKind::SubmitForApproval { note: f.note })
    }
}

/// The leader approves (the plan, or the closing).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApproveForm {
    decision_no: String,
    note: String,
}

impl TryFrom<ApproveForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ApproveForm) -> Result<EntryKind, FieldErrors> {
        Ok(EntryKind::Approve {
            decision_no: some_text(f.decision_no),
            note: f.note,
        })
    }
}

/// The leader returns, with a reason.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReturnForm {
    reason: String,
}

impl TryFrom<ReturnForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ReturnForm) -> Result<EntryKind, FieldErrors> {
        Ok(EntryKind::Return { reason: f.reason })
    }
}

/// A service given.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    date: String,
    kind: String,
    by: String,
    description: String,
}

impl TryFrom<ServiceForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ServiceForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let date = c.date("date", &f.date, "ngày cung cấp");
        let kind = c.choice("kind", &f.kind, "loại dịch vụ");
        c.done(EntryKind::Service(Service {
            date: date.unwrap_or_default(),
            kind: kind.unwrap_or(MeasureKind::Other),
            by: f.by,
            description: f.description,
        }))
    }
}

/// A visit to the child or the family.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VisitForm {
    date: String,
    by: String,
    findings: String,
}

impl TryFrom<VisitForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: VisitForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let date = c.date("date", &f.date, "ngày thăm");
        c.done(EntryKind::Visit(Visit {
            date: date.unwrap_or_default(),
            by: f.by,
            findings: f.findings,
        }))
    }
}

/// A referral to another body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReferralForm {
    to: String,
    organisation: String,
    date: String,
    reason: String,
    answer: String,
}

impl TryFrom<ReferralForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ReferralForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let to = c.choice("to", &f.to, "nơi chuyển gửi");
        let date = c.date("date", &f.date, "ngày chuyển gửi");
        c.done(EntryKind::Referral(Referral {
            to: to.unwrap_or(ReferralBody::Other),
            organisation: f.organisation,
            date: date.unwrap_or_default(),
            reason: f.reason,
            answer: some_text(f.answer),
        }))
    }
}

/// The answer to a referral (the referral's entry number).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReferralAnswerForm {
    referral: String,
    date: String,
    answer: String,
}

impl TryFrom<ReferralAnswerForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ReferralAnswerForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let referral = c.number("referral", &f.referral, "chọn lần chuyển gửi");
        let date = c.date("date", &f.date, "ngày trả lời");
        c.done(EntryKind::ReferralAnswer {
            referral: referral.unwrap_or(0),
            date: date.unwrap_or_default(),
            answer: f.answer,
        })
    }
}

/// How the offender was dealt with.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OffenderHandlingForm {
    handling: String,
    date: String,
    note: String,
}

impl TryFrom<OffenderHandlingForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: OffenderHandlingForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let handling = c.choice("handling", &f.handling, "cách xử lý người vi phạm");
        let date = c.date("date", &f.date, "ngày xử lý");
        c.done(EntryKind::OffenderHandling(OffenderHandling {
            handling: handling.unwrap_or(Handling::NoKnownOffender),
            date: date.unwrap_or_default(),
            note: f.note,
        }))
    }
}

/// Mẫu 06: the review and its decision.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    #[serde(flatten)]
    ratings: RatingsForm,
    recovery: String,
    decision: String,
    note: String,
}

impl TryFrom<ReviewForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: ReviewForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let ratings = f.ratings.read(&mut c);
        let decision = c.choice(
            "decision",
            &f.decision,
            "kết luận (kết thúc hoặc lập kế hoạch mới)",
        );
        c.done(EntryKind::Review(Review {
            ratings,
            recovery: f.recovery,
            decision: decision.unwrap_or(ReviewDecision::Replan),
            note: f.note,
        }))
    }
}

/// Someone assigned to the case.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    username: String,
    role: String,
}

impl TryFrom<AssignForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: AssignForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let role: Option<Role> = c.choice("role", &f.role, "vai trò");
        c.done(EntryKind::Assign {
            username: f.username,
            role: role.unwrap_or(Role::Police),
        })
    }
}

/// Someone no longer assigned, and why.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnassignForm {
    username: String,
    reason: String,
}

impl TryFrom<UnassignForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: UnassignForm) -> Result<EntryKind, FieldErrors> {
        Ok(EntryKind::Unassign {
            username: f.username,
            reason: f.reason,
        })
    }
}

/// An entry struck out (its number), and why.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    of: String,
    note: String,
}

impl TryFrom<CorrectionForm> for EntryKind {
    type Error = FieldErrors;
    fn try_from(f: CorrectionForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let of = c.number("of", &f.of, "chọn mục cần gạch bỏ");
        c.done(EntryKind::Correction {
            of: of.unwrap_or(0),
            note: f.note,
        })
    }
}
