//! Mẫu 04: Kế hoạch hỗ trợ, can thiệp (the current plan, as corrected).
use super::doc::{FormContext, FormDoc, FormMissing};
use super::parts::{
    bullets, child_fields, field, heading, measures_table, officer_signature, org, para, place_date,
};
use treem_domain::case::{CaseFile, EntryKind};

pub(super) fn form_04(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa lập kế hoạch hỗ trợ, can thiệp (Mẫu 04).";
    let entry = case
        .last_of(|k| matches!(k, EntryKind::Plan(_)))
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let plan = case
        .current_plan()
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let mut blocks = child_fields(cx);
    if let Some(a) = case.initial_assessment() {
        blocks.push(field("Cấp độ bảo vệ", a.level.label_vi()));
    }
    blocks.extend([
        heading("I. MỤC TIÊU"),
        bullets(&plan.objectives),
        heading("II. CÁC BIỆN PHÁP HỖ TRỢ, CAN THIỆP"),
        measures_table(&plan.measures),
        heading("III. TỔ CHỨC THỰC HIỆN"),
        para(
            "Các cơ quan, tổ chức, cá nhân được phân công chịu trách nhiệm thực hiện các biện \
             pháp nêu trên theo đúng thời gian; người làm công tác bảo vệ trẻ em cấp xã theo dõi, \
             đánh giá việc thực hiện kế hoạch và báo cáo Chủ tịch Ủy ban nhân dân xã./.",
        ),
        officer_signature(cx, "NGƯỜI LẬP KẾ HOẠCH", &entry.by),
    ]);
    Ok(FormDoc {
        n: 4,
        org: org(cx),
        number: "Số: …/KH-UBND".into(),
        place_date: place_date(&cx.place, entry.at.date()),
        title: "KẾ HOẠCH HỖ TRỢ, CAN THIỆP".into(),
        subtitle: Some(format!("Đối với trẻ em {}", cx.child.name)),
        draft: false,
        blocks,
    })
}
