//! The sizes of an entry against [`crate::limits`] ([`EntryKind::check_limits`]).
use super::*;
use crate::limits::{self, CASE_NARRATIVE_CHARS, CASE_SHORT_CHARS, CASE_TEXT_CHARS};
use crate::validation::FieldErrors;
use jiff::civil::{Date, DateTime};

/// Checks the sizes of an entry against [`crate::limits`]: every text within its length, every
/// list within its count, every date within [`limits::DATE_YEARS`]. Returns whether the lists
/// fit (their items are then worth checking).
pub(super) fn within_limits(kind: &EntryKind, e: &mut FieldErrors) -> bool {
    let mut sz = Sizes { e, lists_fit: true };
    match kind {
        EntryKind::Intake(i) => intake_sizes(i, &mut sz),
        EntryKind::InitialAssessment(a) => {
            let fits = sz.count(
                "ratings",
                "tiêu chí đánh giá",
                a.ratings.len(),
                limits::CASE_RATINGS,
            );
            sz.ratings(&a.ratings, fits);
            sz.text(
                "abuse_description",
                "mô tả sự việc",
                &a.abuse_description,
                CASE_NARRATIVE_CHARS,
            );
            sz.text("summary", "nhận định", &a.summary, CASE_NARRATIVE_CHARS);
        }
        EntryKind::EmergencyMeasures(m) => {
            sz.count(
                "measures",
                "biện pháp khẩn cấp",
                m.measures.len(),
                limits::CASE_MEASURES,
            );
            sz.datetime("taken_at", m.taken_at);
            if let Some(d) = &m.decision_no {
                sz.short("decision_no", "số quyết định", d);
            }
            sz.text(
                "description",
                "mô tả biện pháp",
                &m.description,
                CASE_NARRATIVE_CHARS,
            );
        }
        EntryKind::SpecificAssessment(s) => specific_sizes(s, &mut sz),
        EntryKind::Plan(p) => plan_sizes(p, &mut sz),
        other => follow_up_sizes(other, &mut sz),
    }
    sz.lists_fit
}

/// The checks of one entry's sizes, and whether its lists fit so far.
struct Sizes<'a> {
    e: &'a mut FieldErrors,
    lists_fit: bool,
}

impl Sizes<'_> {
    fn count(&mut self, field: &str, what: &str, n: usize, max: usize) -> bool {
        let fits = limits::check_count(self.e, field, what, n, max);
        self.lists_fit &= fits;
        fits
    }

    fn text(&mut self, field: &str, label: &str, v: &str, max: usize) {
        limits::check_chars(self.e, field, label, v, max);
    }

    fn short(&mut self, field: &str, label: &str, v: &str) {
        self.text(field, label, v, CASE_SHORT_CHARS)
    }

    fn date(&mut self, field: &str, d: Date) {
        limits::check_date(self.e, field, d);
    }

    fn datetime(&mut self, field: &str, d: DateTime) {
        limits::check_date(self.e, field, d.date());
    }

    fn ratings(&mut self, items: &[RatedItem], fits: bool) {
        if fits {
            for (i, it) in items.iter().enumerate() {
                self.short(&format!("ratings[{}].item", i + 1), "tiêu chí", &it.item);
            }
        }
    }
}

/// Mẫu 01: the report's narratives and dates.
fn intake_sizes(i: &Intake, sz: &mut Sizes) {
    sz.datetime("received_at", i.received_at);
    sz.short("place", "nơi xảy ra sự việc", &i.place);
    sz.text(
        "current_condition",
        "tình trạng hiện tại của trẻ",
        &i.current_condition,
        CASE_NARRATIVE_CHARS,
    );
    sz.text(
        "predicted_consequence",
        "dự đoán hậu quả",
        &i.predicted_consequence,
        CASE_NARRATIVE_CHARS,
    );
    sz.text(
        "family_circumstances",
        "hoàn cảnh gia đình",
        &i.family_circumstances,
        CASE_NARRATIVE_CHARS,
    );
    sz.text(
        "actions_taken",
        "những việc đã làm",
        &i.actions_taken,
        CASE_NARRATIVE_CHARS,
    );
    people_sizes(i, sz);
}

/// Mẫu 01: the child described, the parents, the caregiver, the informant.
fn people_sizes(i: &Intake, sz: &mut Sizes) {
    if let ChildRef::New(c) = &i.child {
        sz.text(
            "child.full_name",
            "họ và tên trẻ",
            &c.full_name,
            limits::FULL_NAME_CHARS,
        );
        if let Some(d) = c.date_of_birth {
            sz.date("child.date_of_birth", d);
        }
        if let Some(v) = &c.village {
            sz.text(
                "child.village",
                "mã thôn/bản",
                v,
                limits::VILLAGE_CODE_CHARS,
            );
        }
        sz.text(
            "child.description",
            "đặc điểm nhận dạng",
            &c.description,
            CASE_TEXT_CHARS,
        );
    }
    for (who, p) in [("father", &i.father), ("mother", &i.mother)] {
        if let Some(p) = p {
            sz.text(
                &format!("{who}.full_name"),
                "họ và tên",
                &p.full_name,
                limits::FULL_NAME_CHARS,
            );
            sz.short(&format!("{who}.occupation"), "nghề nghiệp", &p.occupation);
        }
    }
    if let Some(c) = &i.caregiver {
        sz.text(
            "caregiver.relationship",
            "quan hệ với trẻ",
            &c.relationship,
            limits::RELATIONSHIP_CHARS,
        );
        sz.text(
            "caregiver.full_name",
            "họ tên người chăm sóc",
            &c.full_name,
            limits::FULL_NAME_CHARS,
        );
        if let Some(p) = &c.phone {
            sz.short("caregiver.phone", "số điện thoại", p);
        }
    }
    if let Some(inf) = &i.informant {
        sz.text(
            "informant.full_name",
            "họ tên người báo",
            &inf.full_name,
            limits::FULL_NAME_CHARS,
        );
        sz.short("informant.phone", "số điện thoại", &inf.phone);
        sz.short("informant.address", "địa chỉ", &inf.address);
        sz.text("informant.note", "ghi chú", &inf.note, CASE_TEXT_CHARS);
    }
}

fn specific_sizes(s: &SpecificAssessment, sz: &mut Sizes) {
    sz.text(
        "information",
        "thông tin đã thu thập",
        &s.information,
        CASE_NARRATIVE_CHARS,
    );
    let fits = sz.count(
        "ratings",
        "tiêu chí đánh giá",
        s.ratings.len(),
        limits::CASE_RATINGS,
    );
    sz.ratings(&s.ratings, fits);
    if sz.count("needs", "nhu cầu", s.needs.len(), limits::CASE_LINES) {
        for (i, n) in s.needs.iter().enumerate() {
            sz.text(&format!("needs[{}]", i + 1), "nhu cầu", n, CASE_TEXT_CHARS);
        }
    }
    sz.datetime("meeting.held_at", s.meeting.held_at);
    if sz.count(
        "meeting.attendees",
        "người dự họp",
        s.meeting.attendees.len(),
        limits::CASE_ATTENDEES,
    ) {
        for (i, a) in s.meeting.attendees.iter().enumerate() {
            let f = |x: &str| format!("meeting.attendees[{}].{x}", i + 1);
            sz.text(
                &f("name"),
                "họ tên người dự họp",
                &a.name,
                limits::FULL_NAME_CHARS,
            );
            sz.short(&f("position"), "chức vụ, cơ quan", &a.position);
        }
    }
    sz.text(
        "meeting.minutes",
        "biên bản cuộc họp",
        &s.meeting.minutes,
        CASE_NARRATIVE_CHARS,
    );
}

fn plan_sizes(p: &SupportPlan, sz: &mut Sizes) {
    if sz.count(
        "objectives",
        "mục tiêu",
        p.objectives.len(),
        limits::CASE_LINES,
    ) {
        for (i, o) in p.objectives.iter().enumerate() {
            sz.text(
                &format!("objectives[{}]", i + 1),
                "mục tiêu",
                o,
                CASE_TEXT_CHARS,
            );
        }
    }
    if sz.count(
        "measures",
        "biện pháp",
        p.measures.len(),
        limits::CASE_MEASURES,
    ) {
        for (i, m) in p.measures.iter().enumerate() {
            let f = |x: &str| format!("measures[{}].{x}", i + 1);
            sz.text(
                &f("description"),
                "nội dung",
                &m.description,
                CASE_TEXT_CHARS,
            );
            sz.short(&f("responsible"), "người chịu trách nhiệm", &m.responsible);
            sz.date(&f("from"), m.from);
            sz.date(&f("to"), m.to);
            sz.text(&f("resources"), "nguồn lực", &m.resources, CASE_TEXT_CHARS);
        }
    }
}

/// Decisions, services, visits, referrals, answers, handling, review, corrections,
/// assignments.
fn follow_up_sizes(kind: &EntryKind, sz: &mut Sizes) {
    match kind {
        EntryKind::SubmitForApproval { note } => sz.text("note", "ghi chú", note, CASE_TEXT_CHARS),
        EntryKind::Approve { decision_no, note } => {
            if let Some(d) = decision_no {
                sz.short("decision_no", "số quyết định", d);
            }
            sz.text("note", "ghi chú", note, CASE_TEXT_CHARS);
        }
        EntryKind::Return { reason } => sz.text("reason", "lý do", reason, CASE_TEXT_CHARS),
        EntryKind::Service(s) => {
            sz.date("date", s.date);
            sz.short("by", "người cung cấp", &s.by);
            sz.text("description", "nội dung", &s.description, CASE_TEXT_CHARS);
        }
        EntryKind::Visit(v) => {
            sz.date("date", v.date);
            sz.short("by", "người đi thăm", &v.by);
            sz.text(
                "findings",
                "ghi nhận khi thăm",
                &v.findings,
                CASE_NARRATIVE_CHARS,
            );
        }
        EntryKind::Referral(r) => {
            sz.short("organisation", "tên cơ quan nhận", &r.organisation);
            sz.date("date", r.date);
            sz.text("reason", "lý do chuyển gửi", &r.reason, CASE_TEXT_CHARS);
            if let Some(a) = &r.answer {
                sz.text("answer", "trả lời", a, CASE_TEXT_CHARS);
            }
        }
        EntryKind::ReferralAnswer {
            date: d, answer, ..
        } => {
            sz.date("date", *d);
            sz.text("answer", "trả lời", answer, CASE_TEXT_CHARS);
        }
        EntryKind::OffenderHandling(h) => {
            sz.date("date", h.date);
            sz.text("note", "ghi chú xử lý", &h.note, CASE_TEXT_CHARS);
        }
        EntryKind::Review(r) => {
            let fits = sz.count(
                "ratings",
                "tiêu chí đánh giá",
                r.ratings.len(),
                limits::CASE_RATINGS,
            );
            sz.ratings(&r.ratings, fits);
            sz.text(
                "recovery",
                "sự phục hồi của trẻ em",
                &r.recovery,
                CASE_NARRATIVE_CHARS,
            );
            sz.text("note", "ghi chú", &r.note, CASE_TEXT_CHARS);
        }
        EntryKind::Correction { note, .. } => {
            sz.text("note", "lý do đính chính", note, CASE_TEXT_CHARS)
        }
        EntryKind::Assign { username, .. } => sz.short("username", "tên đăng nhập", username),
        EntryKind::Unassign { username, reason } => {
            sz.short("username", "tên đăng nhập", username);
            sz.text("reason", "lý do", reason, CASE_TEXT_CHARS);
        }
        _ => {}
    }
}
