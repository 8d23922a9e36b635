//! The sizes of an entry against [`crate::limits`] ([`EntryKind::check_limits`]).
use super::*;
use crate::limits::{self, CASE_NARRATIVE_CHARS, CASE_SHORT_CHARS, CASE_TEXT_CHARS};
use crate::validation::FieldErrors;
use jiff::civil::{Date, DateTime};

/// Checks the sizes of an entry against [`crate::limits`]: every text within its length, every
/// list within its count, every date within [`limits::DATE_YEARS`]. Returns whether the lists
/// fit (their items are then worth checking).
pub(super) fn within_limits(kind: &EntryKind, e: &mut FieldErrors) -> bool {
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
