//! A case entry in words for the case page: each step's fields as label–value lines, and the
//! dates and labels the case pages share.
use crate::i18n::vn_date;
use treem_domain::case::*;
use treem_domain::register::Sex;

/// "dd/mm/yyyy hh:mm" from a civil date-time.
pub fn vn_dt(d: jiff::civil::DateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        vn_date(&d.date().to_string()),
        d.hour(),
        d.minute()
    )
}

fn day(d: jiff::civil::Date) -> String {
    vn_date(&d.to_string())
}

/// The label of a rated item: the standard wording for its code, or the item as written.
pub fn item_label(item: &str) -> &str {
    STANDARD_ITEMS
        .iter()
        .find(|(c, _)| *c == item)
        .map(|(_, l)| *l)
        .unwrap_or(item)
}

/// What the step is called on the case page (a heading, not a sentence).
pub fn title(kind: &EntryKind) -> &'static str {
    match kind {
        EntryKind::Intake(_) => "Tiếp nhận thông tin (Mẫu 01)",
        EntryKind::InitialAssessment(_) => "Đánh giá ban đầu (Mẫu 02)",
        EntryKind::EmergencyMeasures(_) => "Biện pháp khẩn cấp",
        EntryKind::SpecificAssessment(_) => "Đánh giá cụ thể, họp xác định nhu cầu",
        EntryKind::Plan(_) => "Kế hoạch hỗ trợ, can thiệp (Mẫu 04)",
        EntryKind::SubmitForApproval { .. } => "Trình phê duyệt (Mẫu 05)",
        EntryKind::Approve { .. } => "Phê duyệt",
        EntryKind::Return { .. } => "Trả lại",
        EntryKind::Service(_) => "Dịch vụ đã cung cấp",
        EntryKind::Visit(_) => "Thăm trẻ, gia đình",
        EntryKind::Referral(_) => "Chuyển gửi",
        EntryKind::ReferralAnswer { .. } => "Trả lời chuyển gửi",
        EntryKind::OffenderHandling(_) => "Xử lý người vi phạm",
        EntryKind::Review(_) => "Rà soát, đánh giá (Mẫu 06)",
        EntryKind::Correction { .. } => "Đính chính",
        EntryKind::Assign { .. } => "Phân công",
        EntryKind::Unassign { .. } => "Thôi phân công",
    }
}

/// Label–value lines; empty values are left out.
#[derive(Default)]
struct Lines(Vec<(String, String)>);

impl Lines {
    fn put(&mut self, k: &str, v: String) {
        if !v.trim().is_empty() {
            self.0.push((k.to_string(), v));
        }
    }
}

/// Rated items as "item: rating; …".
fn ratings_text(items: &[RatedItem]) -> String {
    items
        .iter()
        .map(|i| format!("{}: {}", item_label(&i.item), i.rating.label_vi()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The entry's fields in words; empty fields are left out. `child` names a register child
/// ([`super::list::child_words`]).
pub fn details(kind: &EntryKind, child: &str) -> Vec<(String, String)> {
    let mut out = Lines::default();
    match kind {
        EntryKind::Intake(i) => intake_lines(i, child, &mut out),
        EntryKind::InitialAssessment(a) => initial_lines(a, &mut out),
        EntryKind::EmergencyMeasures(m) => {
            out.put(
                "Biện pháp",
                m.measures
                    .iter()
                    .map(|k| k.label_vi())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            out.put("Áp dụng lúc", vn_dt(m.taken_at));
            out.put("Quyết định số", m.decision_no.clone().unwrap_or_default());
            out.put("Mô tả", m.description.clone());
        }
        EntryKind::SpecificAssessment(s) => specific_lines(s, &mut out),
        EntryKind::Plan(p) => plan_lines(p, &mut out),
        EntryKind::Review(r) => review_lines(r, &mut out),
        other => short_lines(other, &mut out),
    }
    out.0
}

/// The report (Mẫu 01).
fn intake_lines(i: &Intake, child: &str, out: &mut Lines) {
    out.put("Nguồn thông tin", i.channel.label_vi().into());
    out.put("Nhận lúc", vn_dt(i.received_at));
    out.put("Tình trạng", i.category.label_vi().into());
    match &i.child {
        ChildRef::Registered { .. } => out.put("Trẻ", child.to_string()),
        ChildRef::New(c) => {
            let age = match (c.date_of_birth, c.estimated_age) {
                (Some(d), _) => format!(", sinh {}", day(d)),
                (None, Some(a)) => format!(", khoảng {a} tuổi"),
                _ => ", chưa rõ tuổi".into(),
            };
            let name = if c.full_name.is_empty() {
                "chưa rõ tên"
            } else {
                &c.full_name
            };
            let sex = match c.sex {
                Sex::Male => "nam",
                Sex::Female => "nữ",
                Sex::Unknown => "chưa rõ giới tính",
            };
            out.put(
                "Trẻ (chưa có trong sổ)",
                format!("{name}, {sex}{age}. {}", c.description),
            );
        }
    }
    out.put("Nơi xảy ra", i.place.clone());
    out.put("Tình trạng hiện tại", i.current_condition.clone());
    out.put("Dự đoán hậu quả", i.predicted_consequence.clone());
    for (who, p) in [("Cha", &i.father), ("Mẹ", &i.mother)] {
        if let Some(p) = p {
            let age = p.age.map(|a| format!(", {a} tuổi")).unwrap_or_default();
            out.put(who, format!("{}{age} {}", p.full_name, p.occupation));
        }
    }
    out.put("Hoàn cảnh gia đình", i.family_circumstances.clone());
    if let Some(c) = &i.caregiver {
        out.put(
            "Người chăm sóc",
            format!(
                "{} ({}) {}",
                c.full_name,
                c.relationship,
                c.phone.clone().unwrap_or_default()
            ),
        );
    }
    out.put("Việc đã làm", i.actions_taken.clone());
    if let Some(inf) = &i.informant {
        out.put(
            "Người báo tin (bảo mật)",
            format!(
                "{} {} {} {}",
                inf.full_name, inf.phone, inf.address, inf.note
            ),
        );
    }
}

fn initial_lines(a: &InitialAssessment, out: &mut Lines) {
    out.put("Mức độ", ratings_text(&a.ratings));
    if let Some(t) = a.abuse_type {
        let sub = a
            .sub_type
            .map(|s| format!(" ({})", s.label_vi()))
            .unwrap_or_default();
        out.put("Hình thức xâm hại", format!("{}{sub}", t.label_vi()));
    } else {
        out.put("Hình thức xâm hại", "không phát hiện xâm hại".into());
    }
    out.put("Sự việc", a.abuse_description.clone());
    out.put("Cấp độ bảo vệ", a.level.label_vi().into());
    out.put(
        "Tổn hại nghiêm trọng",
        if a.serious_harm {
            "có — cần biện pháp khẩn cấp trong 12 giờ".into()
        } else {
            "không".into()
        },
    );
    out.put("Nhận định", a.summary.clone());
}

fn specific_lines(s: &SpecificAssessment, out: &mut Lines) {
    out.put("Thông tin thu thập", s.information.clone());
    out.put("Mức độ", ratings_text(&s.ratings));
    out.put("Nhu cầu", s.needs.join("; "));
    out.put("Họp lúc", vn_dt(s.meeting.held_at));
    out.put(
        "Người dự họp",
        s.meeting
            .attendees
            .iter()
            .map(|a| {
                if a.position.is_empty() {
                    a.name.clone()
                } else {
                    format!("{} ({})", a.name, a.position)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.put("Biên bản", s.meeting.minutes.clone());
}

fn plan_lines(p: &SupportPlan, out: &mut Lines) {
    out.put("Mục tiêu", p.objectives.join("; "));
    for (i, m) in p.measures.iter().enumerate() {
        out.put(
            &format!("Biện pháp {}", i + 1),
            format!(
                "{} {} — {} — {} đến {}{}",
                m.kind.label_vi(),
                m.description,
                m.responsible,
                day(m.from),
                day(m.to),
                if m.resources.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", m.resources)
                }
            ),
        );
    }
}

fn review_lines(r: &Review, out: &mut Lines) {
    out.put("Mức độ", ratings_text(&r.ratings));
    let (h, m, l) = rating_counts(&r.ratings);
    out.put("Tổng số", format!("Cao {h}, Trung bình {m}, Thấp {l}"));
    out.put("Sự phục hồi", r.recovery.clone());
    out.put(
        "Kết luận",
        match r.decision {
            ReviewDecision::Close => "đề nghị kết thúc".into(),
            ReviewDecision::Replan => "lập kế hoạch mới".into(),
        },
    );
    out.put("Ghi chú", r.note.clone());
}

/// The entries of a few fields.
fn short_lines(kind: &EntryKind, out: &mut Lines) {
    match kind {
        EntryKind::SubmitForApproval { note } => out.put("Ghi chú", note.clone()),
        EntryKind::Approve { decision_no, note } => {
            out.put("Quyết định số", decision_no.clone().unwrap_or_default());
            out.put("Ghi chú", note.clone());
        }
        EntryKind::Return { reason } => out.put("Lý do", reason.clone()),
        EntryKind::Service(s) => {
            out.put("Ngày", day(s.date));
            out.put("Dịch vụ", s.kind.label_vi().into());
            out.put("Người cung cấp", s.by.clone());
            out.put("Nội dung", s.description.clone());
        }
        EntryKind::Visit(v) => {
            out.put("Ngày", day(v.date));
            out.put("Người thăm", v.by.clone());
            out.put("Ghi nhận", v.findings.clone());
        }
        EntryKind::Referral(r) => {
            out.put(
                "Chuyển đến",
                format!("{} {}", r.to.label_vi(), r.organisation),
            );
            out.put("Ngày", day(r.date));
            out.put("Lý do", r.reason.clone());
            out.put("Trả lời", r.answer.clone().unwrap_or_default());
        }
        EntryKind::ReferralAnswer {
            referral,
            date,
            answer,
        } => {
            out.put("Trả lời cho mục", referral.to_string());
            out.put("Ngày", day(*date));
            out.put("Nội dung", answer.clone());
        }
        EntryKind::OffenderHandling(h) => {
            out.put("Cách xử lý", h.handling.label_vi().into());
            out.put("Ngày", day(h.date));
            out.put("Ghi chú", h.note.clone());
        }
        EntryKind::Correction { of, note } => {
            out.put("Gạch bỏ mục", of.to_string());
            out.put("Lý do", note.clone());
        }
        EntryKind::Assign { username, role } => {
            out.put("Người", format!("{username} ({})", role.label_vi()))
        }
        EntryKind::Unassign { username, reason } => {
            out.put("Người", username.clone());
            out.put("Lý do", reason.clone());
        }
        _ => {}
    }
}
