//! Mẫu 06: Rà soát, đánh giá tình trạng của trẻ em sau khi thực hiện kế hoạch (the latest
//! review, as corrected).
use super::doc::{FormContext, FormDoc, FormMissing};
use super::parts::{
    child_fields, dmy, field, heading, officer_signature, or_blank, org, para, place_date,
    ratings_table,
};
use treem_domain::case::{CaseFile, EntryKind, ReviewDecision};

pub(super) fn form_06(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa ghi rà soát, đánh giá sau khi thực hiện kế hoạch (Mẫu 06).";
    let entry = case
        .last_of(|k| matches!(k, EntryKind::Review(_)))
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let EntryKind::Review(r) = &entry.kind else {
        return Err(FormMissing::NotRecorded(MISSING));
    };
    let mut blocks = child_fields(cx);
    blocks.extend([
        field("Ngày rà soát, đánh giá", &dmy(entry.at.date())),
        heading("1. Đánh giá nguy cơ ở giai đoạn kết thúc"),
        ratings_table(&r.ratings),
        heading("2. Sự phục hồi của trẻ em (thể chất, tâm lý, nhận thức, tình cảm)"),
        para(or_blank(&r.recovery)),
        heading("3. Đề xuất"),
        para(match r.decision {
            ReviewDecision::Close => {
                "Đề nghị Chủ tịch Ủy ban nhân dân xã kết thúc kế hoạch hỗ trợ, can thiệp: trẻ em \
                 không còn nguy cơ bị xâm hại; tình trạng thể chất, tâm lý, nhận thức, tình cảm \
                 của trẻ em đã ổn định (Điều 30)."
            }
            ReviewDecision::Replan => {
                "Đề nghị tiếp tục xây dựng, phê duyệt và thực hiện kế hoạch hỗ trợ, can thiệp \
                 mới đối với trẻ em (Điều 30)."
            }
        }),
    ]);
    if !r.note.trim().is_empty() {
        blocks.push(field("Ghi chú", &r.note));
    }
    blocks.push(officer_signature(cx, "NGƯỜI LẬP BÁO CÁO", &entry.by));
    Ok(FormDoc {
        n: 6,
        org: org(cx),
        number: "Số: …/BC-UBND".into(),
        place_date: place_date(&cx.place, entry.at.date()),
        title: "RÀ SOÁT, ĐÁNH GIÁ TÌNH TRẠNG CỦA TRẺ EM SAU KHI THỰC HIỆN KẾ HOẠCH HỖ TRỢ, \
                CAN THIỆP"
            .into(),
        subtitle: None,
        draft: false,
        blocks,
    })
}
