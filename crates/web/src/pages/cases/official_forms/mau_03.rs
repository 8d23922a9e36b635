//! Mẫu 03: Báo cáo thu thập thông tin, đánh giá nguy cơ cụ thể và xác định nhu cầu của trẻ em
//! (the first specific assessment, as corrected, with its meeting). Its number is unverified
//! (legal-framework §2.1).
use super::doc::{Block, FormContext, FormDoc, FormMissing, FormTable, TableKind};
use super::parts::{
    bullets, child_fields, field, heading, officer_signature, or_blank, org, para, place_date,
    ratings_table,
};
use crate::pages::cases::vn_dt;
use treem_domain::case::{Attendee, CaseFile, EntryKind};

pub(super) fn form_03(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa ghi thu thập thông tin, đánh giá nguy cơ cụ thể và họp xác định \
                           nhu cầu (Mẫu 03).";
    let entry = case
        .first_of(|k| matches!(k, EntryKind::SpecificAssessment(_)))
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let EntryKind::SpecificAssessment(s) = &entry.kind else {
        return Err(FormMissing::NotRecorded(MISSING));
    };
    let mut blocks = child_fields(cx);
    let mut k = 0;
    let mut next = |t: &str| {
        k += 1;
        heading(format!("{k}. {t}"))
    };
    blocks.extend([
        next("Thông tin đã thu thập"),
        para(or_blank(&s.information)),
    ]);
    if !s.ratings.is_empty() {
        blocks.extend([next("Đánh giá nguy cơ cụ thể"), ratings_table(&s.ratings)]);
    }
    blocks.extend([
        next("Nhu cầu của trẻ em"),
        bullets(&s.needs),
        next("Cuộc họp xác định nhu cầu của trẻ em (Điều 27 khoản 2)"),
        field("Thời gian họp", &vn_dt(s.meeting.held_at)),
        attendees_table(&s.meeting.attendees),
        Block::Field("Nội dung biên bản".into(), String::new()),
        para(or_blank(&s.meeting.minutes)),
    ]);
    blocks.push(officer_signature(cx, "NGƯỜI LẬP BÁO CÁO", &entry.by));
    Ok(FormDoc {
        n: 3,
        org: org(cx),
        number: "Số: …/BC-UBND".into(),
        place_date: place_date(&cx.place, entry.at.date()),
        title: "BÁO CÁO THU THẬP THÔNG TIN, ĐÁNH GIÁ NGUY CƠ CỤ THỂ".into(),
        subtitle: Some("và xác định nhu cầu của trẻ em".into()),
        draft: false,
        blocks,
    })
}

/// Who attended the needs meeting (Điều 27 khoản 2), unnamed lines left out.
fn attendees_table(attendees: &[Attendee]) -> Block {
    Block::Table(FormTable {
        kind: TableKind::Attendees,
        head: ["STT", "Họ và tên người dự họp", "Chức vụ, cơ quan"]
            .map(String::from)
            .to_vec(),
        rows: attendees
            .iter()
            .filter(|a| !a.name.trim().is_empty())
            .enumerate()
            .map(|(i, a)| {
                vec![
                    (i + 1).to_string(),
                    a.name.trim().to_string(),
                    a.position.trim().to_string(),
                ]
            })
            .collect(),
        total: None,
    })
}
