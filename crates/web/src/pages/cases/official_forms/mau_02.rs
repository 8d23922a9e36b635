//! Mẫu 02: Báo cáo đánh giá ban đầu về mức độ tổn hại và nguy cơ (the first initial
//! assessment, as corrected, with the emergency measures standing).
use super::doc::{Block, FormContext, FormDoc, FormMissing};
use super::parts::{
    child_fields, field, heading, officer_signature, or_blank, org, para, place_date, ratings_table,
};
use crate::pages::cases::vn_dt;
use treem_domain::case::{CaseEntry, CaseFile, EntryKind};

const MISSING: &str = "Chưa ghi đánh giá ban đầu (Mẫu 02).";

pub(super) fn form_02(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    let entry = case
        .first_of(|k| matches!(k, EntryKind::InitialAssessment(_)))
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let EntryKind::InitialAssessment(a) = &entry.kind else {
        return Err(FormMissing::NotRecorded(MISSING));
    };
    let mut blocks = child_fields(cx);
    if let Some(r) = case.received_at() {
        blocks.push(field("Thời điểm tiếp nhận thông tin", &vn_dt(r)));
    }
    blocks.extend([
        heading("1. Đánh giá mức độ tổn hại và nguy cơ"),
        ratings_table(&a.ratings),
        heading("2. Hình thức xâm hại"),
        field(
            "Hình thức",
            a.abuse_type
                .map(|t| t.label_vi())
                .unwrap_or("Chưa phát hiện hành vi xâm hại"),
        ),
    ]);
    if let Some(s) = a.sub_type {
        blocks.push(field("Dạng xâm hại tình dục", s.label_vi()));
    }
    if !a.abuse_description.trim().is_empty() {
        blocks.push(field("Mô tả sự việc", &a.abuse_description));
    }
    blocks.extend([
        heading("3. Cấp độ bảo vệ"),
        field("Cấp độ", a.level.label_vi()),
        heading("4. Nguy cơ tổn hại nghiêm trọng (Điều 26 khoản 3)"),
        para(if a.serious_harm {
            "Có: trẻ em có nguy cơ hoặc đang bị tổn hại nghiêm trọng về tính mạng, sức khỏe, \
             nhân phẩm; phải áp dụng biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em \
             trong vòng 12 giờ kể từ khi nhận được thông tin."
        } else {
            "Không."
        }),
        heading("5. Nhận định chung"),
        para(or_blank(&a.summary)),
    ]);
    blocks.extend(emergency_blocks(case));
    blocks.push(officer_signature(cx, "NGƯỜI LẬP BÁO CÁO", &entry.by));
    Ok(FormDoc {
        n: 2,
        org: org(cx),
        number: "Số: …/BC-UBND".into(),
        place_date: place_date(&cx.place, entry.at.date()),
        title: "BÁO CÁO ĐÁNH GIÁ BAN ĐẦU VỀ MỨC ĐỘ TỔN HẠI VÀ NGUY CƠ ĐỐI VỚI TRẺ EM".into(),
        subtitle: None,
        draft: false,
        blocks,
    })
}

/// 6: the emergency measures taken (none, no section).
fn emergency_blocks(case: &CaseFile) -> Vec<Block> {
    let mut blocks = Vec::new();
    let emergencies: Vec<&CaseEntry> = case
        .effective()
        .into_iter()
        .filter(|e| matches!(e.kind, EntryKind::EmergencyMeasures(_)))
        .collect();
    if !emergencies.is_empty() {
        blocks.push(heading("6. Biện pháp khẩn cấp đã áp dụng"));
        for e in emergencies {
            if let EntryKind::EmergencyMeasures(m) = &e.kind {
                let what: Vec<&str> = m.measures.iter().map(|k| k.label_vi()).collect();
                let mut s = format!(
                    "{} ({}): {}",
                    what.join("; "),
                    vn_dt(m.taken_at),
                    m.description.trim()
                );
                if let Some(no) = m.decision_no.as_deref().filter(|n| !n.trim().is_empty()) {
                    s.push_str(&format!(" Quyết định số {}.", no.trim()));
                }
                blocks.push(Block::Bullets(vec![s]));
            }
        }
    }
    blocks
}
