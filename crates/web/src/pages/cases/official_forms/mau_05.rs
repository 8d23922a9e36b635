//! Mẫu 05: Quyết định phê duyệt kế hoạch hỗ trợ, can thiệp (the last submission: the plan as
//! submitted, a draft until the leader approves; numbered and dated by the approval).
use super::doc::{Block, FormContext, FormDoc, FormMissing, Signature};
use super::parts::{bullets, capitalise, measures_table, org, para, place_date};
use treem_domain::case::{CaseFile, SupportPlan};

const MISSING: &str = "Chưa trình phê duyệt kế hoạch hỗ trợ, can thiệp (Mẫu 05).";

pub(super) fn form_05(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    let sub = case
        .last_submission()
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    let approval = sub.approval();
    let number = match sub.decision_no.as_deref() {
        Some(n) if n.contains('/') => format!("Số: {n}"),
        Some(n) => format!("Số: {n}/QĐ-UBND"),
        None => "Số: …/QĐ-UBND".to_string(),
    };
    let dated = approval.unwrap_or(sub.submit);
    let signer = approval.map(|e| cx.signer(&e.by)).unwrap_or_default();
    let mut blocks = decision_blocks(sub.plan, cx);
    blocks.push(Block::Signature(Signature {
        recipients: vec![
            "Nơi nhận:".into(),
            "- Như Điều 3;".into(),
            "- Lưu: VT, hồ sơ trường hợp.".into(),
        ],
        // The leader who approved: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a vice-chairman signs.
        titles: treem_reports::signer_titles(&signer.position),
        name: approval
            .map(|_| signer.name().to_string())
            .unwrap_or_default(),
    }));
    Ok(FormDoc {
        n: 5,
        org: org(cx),
        number,
        place_date: place_date(&cx.place, dated.at.date()),
        title: "QUYẾT ĐỊNH".into(),
        subtitle: Some(format!(
            "Về việc phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em {}",
            cx.child.name
        )),
        draft: approval.is_none(),
        blocks,
    })
}

/// Who carries the decision out: the office, the officer, then each body responsible for a
/// measure, once.
fn executors(plan: &SupportPlan) -> String {
    let mut executors = vec![
        "Văn phòng HĐND và UBND xã".to_string(),
        "người làm công tác bảo vệ trẻ em cấp xã".to_string(),
    ];
    let mut responsible: Vec<String> = Vec::new();
    for m in &plan.measures {
        let r = m.responsible.trim().to_string();
        if !r.is_empty() && !responsible.contains(&r) {
            responsible.push(r);
        }
    }
    executors.extend(responsible);
    capitalise(&executors.join(", "))
}

/// The legal bases and the three articles.
fn decision_blocks(plan: &SupportPlan, cx: &FormContext) -> Vec<Block> {
    vec![
        Block::Centered(format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", cx.unit)),
        Block::Italic("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;".into()),
        Block::Italic("Căn cứ Luật Trẻ em số 102/2016/QH13;".into()),
        Block::Italic(
            "Căn cứ Nghị định số 56/2017/NĐ-CP ngày 09 tháng 5 năm 2017 của Chính phủ quy định \
             chi tiết một số điều của Luật Trẻ em;"
                .into(),
        ),
        Block::Italic(
            "Xét đề nghị của người làm công tác bảo vệ trẻ em cấp xã về kế hoạch hỗ trợ, can \
             thiệp đối với trẻ em."
                .into(),
        ),
        Block::Centered("QUYẾT ĐỊNH:".into()),
        para(format!(
            "Điều 1. Phê duyệt Kế hoạch hỗ trợ, can thiệp đối với trẻ em {} (ngày sinh hoặc \
             tuổi: {}; giới tính: {}) với các nội dung sau:",
            cx.child.name, cx.child.birth, cx.child.sex
        )),
        para("1. Mục tiêu:"),
        bullets(&plan.objectives),
        para("2. Các biện pháp hỗ trợ, can thiệp:"),
        measures_table(&plan.measures),
        para("Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
        para(format!(
            "Điều 3. {} và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành \
             Quyết định này./.",
            executors(plan)
        )),
    ]
}
