//! A case entry in words for the case page: each step's fields as label–value lines.
use crate::i18n::vn_date;
use treem_domain::case::*;

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

/// The entry's fields in words; empty fields are left out.
pub fn details(kind: &EntryKind) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| {
        if !v.trim().is_empty() {
            out.push((k.to_string(), v));
        }
    };
    let ratings = |items: &[RatedItem]| {
        items
            .iter()
            .map(|i| format!("{}: {}", item_label(&i.item), i.rating.label_vi()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match kind {
        EntryKind::Intake(i) => {
            put("Nguồn thông tin", i.channel.label_vi().into());
            put("Nhận lúc", vn_dt(i.received_at));
            put("Tình trạng", i.category.label_vi().into());
            match &i.child {
                ChildRef::Registered { child_id } => {
                    put("Trẻ", format!("trẻ số {child_id} trong sổ"))
                }
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
                        treem_domain::register::Sex::Male => "nam",
                        treem_domain::register::Sex::Female => "nữ",
                        treem_domain::register::Sex::Unknown => "chưa rõ giới tính",
                    };
                    put(
                        "Trẻ (chưa có trong sổ)",
                        format!("{name}, {sex}{age}. {}", c.description),
                    );
                }
            }
            put("Nơi xảy ra", i.place.clone());
            put("Tình trạng hiện tại", i.current_condition.clone());
            put("Dự đoán hậu quả", i.predicted_consequence.clone());
            for (who, p) in [("Cha", &i.father), ("Mẹ", &i.mother)] {
                if let Some(p) = p {
                    let age = p.age.map(|a| format!(", {a} tuổi")).unwrap_or_default();
                    put(who, format!("{}{age} {}", p.full_name, p.occupation));
                }
            }
            put("Hoàn cảnh gia đình", i.family_circumstances.clone());
            if let Some(c) = &i.caregiver {
                put(
                    "Người chăm sóc",
                    format!(
                        "{} ({}) {}",
                        c.full_name,
                        c.relationship,
                        c.phone.clone().unwrap_or_default()
                    ),
                );
            }
            put("Việc đã làm", i.actions_taken.clone());
            if let Some(inf) = &i.informant {
                put(
                    "Người báo tin (bảo mật)",
                    format!(
                        "{} {} {} {}",
                        inf.full_name, inf.phone, inf.address, inf.note
                    ),
                );
            }
        }
        EntryKind::InitialAssessment(a) => {
            put("Mức độ", ratings(&a.ratings));
            if let Some(t) = a.abuse_type {
                let sub = a
                    .sub_type
                    .map(|s| format!(" ({})", s.label_vi()))
                    .unwrap_or_default();
                put("Hình thức xâm hại", format!("{}{sub}", t.label_vi()));
            } else {
                put("Hình thức xâm hại", "không phát hiện xâm hại".into());
            }
            put("Sự việc", a.abuse_description.clone());
            put("Cấp độ bảo vệ", a.level.label_vi().into());
            put(
                "Tổn hại nghiêm trọng",
                if a.serious_harm {
                    "có — cần biện pháp khẩn cấp trong 12 giờ".into()
                } else {
                    "không".into()
                },
            );
            put("Nhận định", a.summary.clone());
        }
        EntryKind::EmergencyMeasures(m) => {
            put(
                "Biện pháp",
                m.measures
                    .iter()
                    .map(|k| k.label_vi())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            put("Áp dụng lúc", vn_dt(m.taken_at));
            put("Quyết định số", m.decision_no.clone().unwrap_or_default());
            put("Mô tả", m.description.clone());
        }
        EntryKind::SpecificAssessment(s) => {
            put("Thông tin thu thập", s.information.clone());
            put("Mức độ", ratings(&s.ratings));
            put("Nhu cầu", s.needs.join("; "));
            put("Họp lúc", vn_dt(s.meeting.held_at));
            put(
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
            put("Biên bản", s.meeting.minutes.clone());
        }
        EntryKind::Plan(p) => {
            put("Mục tiêu", p.objectives.join("; "));
            for (i, m) in p.measures.iter().enumerate() {
                put(
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
        EntryKind::SubmitForApproval { note } => put("Ghi chú", note.clone()),
        EntryKind::Approve { decision_no, note } => {
            put("Quyết định số", decision_no.clone().unwrap_or_default());
            put("Ghi chú", note.clone());
        }
        EntryKind::Return { reason } => put("Lý do", reason.clone()),
        EntryKind::Service(s) => {
            put("Ngày", day(s.date));
            put("Dịch vụ", s.kind.label_vi().into());
            put("Người cung cấp", s.by.clone());
            put("Nội dung", s.description.clone());
        }
        EntryKind::Visit(v) => {
            put("Ngày", day(v.date));
            put("Người thăm", v.by.clone());
            put("Ghi nhận", v.findings.clone());
        }
        EntryKind::Referral(r) => {
            put(
                "Chuyển đến",
                format!("{} {}", r.to.label_vi(), r.organisation),
            );
            put("Ngày", day(r.date));
            put("Lý do", r.reason.clone());
            put("Trả lời", r.answer.clone().unwrap_or_default());
        }
        EntryKind::ReferralAnswer {
            referral,
            date,
            answer,
        } => {
            put("Trả lời cho mục", referral.to_string());
            put("Ngày", day(*date));
            put("Nội dung", answer.clone());
        }
        EntryKind::OffenderHandling(h) => {
            put("Cách xử lý", h.handling.label_vi().into());
            put("Ngày", day(h.date));
            put("Ghi chú", h.note.clone());
        }
        EntryKind::Review(r) => {
            put("Mức độ", ratings(&r.ratings));
            let (h, m, l) = rating_counts(&r.ratings);
            put("Tổng số", format!("Cao {h}, Trung bình {m}, Thấp {l}"));
            put("Sự phục hồi", r.recovery.clone());
            put(
                "Kết luận",
                match r.decision {
                    ReviewDecision::Close => "đề nghị kết thúc".into(),
                    ReviewDecision::Replan => "lập kế hoạch mới".into(),
                },
            );
            put("Ghi chú", r.note.clone());
        }
        EntryKind::Correction { of, note } => {
            put("Gạch bỏ mục", of.to_string());
            put("Lý do", note.clone());
        }
        EntryKind::Assign { username, role } => {
            put("Người", format!("{username} ({})", role.label_vi()))
        }
        EntryKind::Unassign { username, reason } => {
            put("Người", username.clone());
            put("Lý do", reason.clone());
        }
    }
    out
}
