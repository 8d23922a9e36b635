//! Mẫu 01: Báo cáo tiếp nhận thông tin trẻ em (the report, as corrected).
use super::doc::{Block, FormContext, FormDoc, FormMissing};
use super::parts::{child_fields, dmy, field, heading, officer_signature, org, place_date};
use treem_domain::case::{CaseFile, EntryKind, Intake, Parent};
use treem_domain::register::Caregiver;

const MISSING: &str = "Chưa ghi báo cáo tiếp nhận thông tin (Mẫu 01).";

pub(super) fn form_01(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    let entry = case.latest(1).ok_or(FormMissing::NotRecorded(MISSING))?;
    let EntryKind::Intake(i) = &entry.kind else {
        return Err(FormMissing::NotRecorded(MISSING));
    };
    let mut blocks = report_blocks(i, cx);
    blocks.extend(informant_blocks(i));
    blocks.push(officer_signature(cx, "NGƯỜI LẬP BÁO CÁO", &entry.by));
    Ok(FormDoc {
        n: 1,
        org: org(cx),
        number: "Số: …/BC-UBND".into(),
        place_date: place_date(&cx.place, entry.at.date()),
        title: "BÁO CÁO TIẾP NHẬN THÔNG TIN TRẺ EM".into(),
        subtitle: Some(i.category.label_vi().to_string()),
        draft: false,
        blocks,
    })
}

/// A. 1 and 2: the source of the information, the child and the family.
fn report_blocks(i: &Intake, cx: &FormContext) -> Vec<Block> {
    let r = i.received_at;
    let mut blocks = vec![
        heading("A. THÔNG TIN CHUNG"),
        heading("1. Nguồn thông tin"),
        field("Hình thức tiếp nhận", i.channel.label_vi()),
        field(
            "Thời gian tiếp nhận",
            &format!(
                "{:02} giờ {:02} phút, ngày {}",
                r.hour(),
                r.minute(),
                dmy(r.date())
            ),
        ),
        heading("2. Thông tin về trẻ em"),
    ];
    blocks.extend(child_fields(cx));
    if !cx.child.description.trim().is_empty() {
        blocks.push(field("Đặc điểm nhận dạng", &cx.child.description));
    }
    blocks.extend([
        field("Nơi xảy ra sự việc", &i.place),
        field("Tình trạng hiện tại của trẻ em", &i.current_condition),
        field(
            "Dự đoán hậu quả nếu không được hỗ trợ, can thiệp",
            &i.predicted_consequence,
        ),
        field("Họ và tên cha", &parent(&i.father)),
        field("Họ và tên mẹ", &parent(&i.mother)),
        field("Hoàn cảnh gia đình", &i.family_circumstances),
        field(
            "Người đang chăm sóc trẻ em (nếu biết)",
            &caregiver(i.caregiver.as_ref()),
        ),
        field("Những việc đã làm trước khi báo", &i.actions_taken),
    ]);
    blocks
}

/// "Name; tuổi: 38; nghề nghiệp: …", blank when no name.
fn parent(p: &Option<Parent>) -> String {
    match p {
        Some(p) if !p.full_name.trim().is_empty() => {
            let mut s = p.full_name.trim().to_string();
            if let Some(a) = p.age {
                s.push_str(&format!("; tuổi: {a}"));
            }
            if !p.occupation.trim().is_empty() {
                s.push_str(&format!("; nghề nghiệp: {}", p.occupation.trim()));
            }
            s
        }
        _ => String::new(),
    }
}

/// "Name (relationship); điện thoại: …".
fn caregiver(c: Option<&Caregiver>) -> String {
    c.map(|c| {
        let mut s = c.full_name.trim().to_string();
        if !c.relationship.trim().is_empty() {
            s.push_str(&format!(" ({})", c.relationship.trim()));
        }
        if let Some(p) = c.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            s.push_str(&format!("; điện thoại: {}", p.trim()));
        }
        s
    })
    .unwrap_or_default()
}

/// A. 3: only what the informant agreed to give (Mẫu 01, A.3).
fn informant_blocks(i: &Intake) -> Vec<Block> {
    let mut blocks = vec![heading("3. Thông tin về người báo tin")];
    match i.informant.as_ref().filter(|inf| inf.consent) {
        Some(inf) => blocks.extend([
            field("Họ và tên", &inf.full_name),
            field("Số điện thoại", &inf.phone),
            field("Địa chỉ", &inf.address),
            field("Ghi chú", &inf.note),
        ]),
        None => blocks.push(Block::Italic(
            "Không ghi: thông tin về người báo tin chỉ được ghi khi người báo tin đồng ý.".into(),
        )),
    }
    blocks
}
