//! Checks that need only the entry itself: required fields and consistent choices
//! ([`EntryKind::validate`]). Checks against the case are the state machine's.
use super::*;
use crate::register::DobPrecision;
use crate::validation::FieldErrors;

impl EntryKind {
    /// Checks that need only the entry: required fields, consistent choices. Field names are
    /// the serde paths (`child.full_name`, `measures[2].responsible`).
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        match self {
            EntryKind::Intake(i) => validate_intake(i, &mut e),
            EntryKind::InitialAssessment(a) => validate_initial(a, &mut e),
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
            EntryKind::SpecificAssessment(s) => validate_specific(s, &mut e),
            EntryKind::Plan(p) => validate_plan(p, &mut e),
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

/// Mẫu 02: a sexual-abuse kind only with sexual abuse; "other" abuse described.
fn validate_initial(a: &InitialAssessment, e: &mut FieldErrors) {
    validate_ratings("ratings", &a.ratings, e);
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

/// The specific assessment: information, needs and the meeting written down.
fn validate_specific(s: &SpecificAssessment, e: &mut FieldErrors) {
    required(e, "information", &s.information, "thông tin đã thu thập");
    if !s.ratings.is_empty() {
        validate_ratings("ratings", &s.ratings, e);
    }
    if s.needs.iter().all(|n| blank(n)) {
        e.push("needs", "ghi ít nhất một nhu cầu của trẻ em");
    }
    if s.meeting.attendees.iter().all(|a| blank(&a.name)) {
        e.push("meeting.attendees", "ghi người dự họp");
    }
    required(
        e,
        "meeting.minutes",
        &s.meeting.minutes,
        "biên bản cuộc họp",
    );
}

/// Mẫu 04: objectives, measures, each with who is responsible and a period in order.
fn validate_plan(p: &SupportPlan, e: &mut FieldErrors) {
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
