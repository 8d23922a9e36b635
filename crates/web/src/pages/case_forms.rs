//! The printable forms of Nghị định 56/2017/NĐ-CP for one case: Mẫu 01 (tiếp nhận thông tin),
//! 02 (đánh giá ban đầu), 03 (thu thập thông tin, đánh giá nguy cơ cụ thể — its number is
//! unverified), 04 (kế hoạch hỗ trợ, can thiệp), 05 (quyết định phê duyệt kế hoạch) and 06 (rà
//! soát, đánh giá), laid out as Nghị định 30/2020/NĐ-CP asks.
//!
//! The content of each form is built once, from the case, as a neutral [`FormDoc`] (heading,
//! number, place and date, title, then [`Block`]s); that model is rendered to an A4 HTML page
//! (askama, `case_form.html` + `static/form.css`) and to a DOCX file ([`docx`]), so the two
//! always say the same thing.
//!
//! A form whose step is not recorded yet answers 404 with a page that says so; a form number
//! that does not exist, or a case the user may not open, answers the plain 404.
mod docx;

use super::cases::open;
use super::{render, Ctx, Layout, MessagePage, PageError, PageErrorKind};
use crate::pages::cases::vn_dt;
use askama::Template;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use treem_domain::case::{
    rating_counts, CaseEntry, CaseFile, CaseState, ChildRef, EntryKind, Measure, RatedItem, Rating,
    ReviewDecision, STANDARD_ITEMS,
};
use treem_domain::register::{DobPrecision, Sex};

/// The forms this page prints, with what the case page calls them.
pub const FORMS: [(u8, &str); 6] = [
    (1, "Báo cáo tiếp nhận thông tin"),
    (2, "Đánh giá ban đầu"),
    (3, "Thu thập thông tin, đánh giá nguy cơ cụ thể"),
    (4, "Kế hoạch hỗ trợ, can thiệp"),
    (5, "Quyết định phê duyệt kế hoạch"),
    (6, "Rà soát, đánh giá"),
];

/// One printable document, as neutral as the two renderers need.
pub struct FormDoc {
    /// 1–6.
    pub n: u8,
    /// The issuing body, left of the heading: "ỦY BAN NHÂN DÂN", "XÃ SÍNH PHÌNH".
    pub org: [String; 2],
    /// "Số: …/BC-UBND".
    pub number: String,
    /// "Sính Phình, ngày 02 tháng 03 năm 2026".
    pub place_date: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// A draft (the decision not yet signed).
    pub draft: bool,
    pub blocks: Vec<Block>,
}

impl FormDoc {
    /// "Mẫu số 01".
    pub fn form_label(&self) -> String {
        format!("Mẫu số {:02}", self.n)
    }
}

/// A piece of a form's body.
pub enum Block {
    /// A bold section heading.
    Heading(String),
    /// A justified paragraph with a first-line indent.
    Paragraph(String),
    /// An italic paragraph (the legal bases of a decision, notes).
    Italic(String),
    /// A bold, centred line ("QUYẾT ĐỊNH:").
    Centered(String),
    /// "Label: value".
    Field(String, String),
    /// "- item" lines.
    Bullets(Vec<String>),
    Table(FormTable),
    Signature(Signature),
}

pub struct FormTable {
    pub kind: TableKind,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The bold "Tổng số" row.
    pub total: Option<Vec<String>>,
}

#[derive(Clone, Copy)]
pub enum TableKind {
    Ratings,
    Measures,
    Attendees,
}

impl TableKind {
    /// The HTML class (its column widths are in `static/form.css`).
    pub fn class(self) -> &'static str {
        match self {
            TableKind::Ratings => "ratings",
            TableKind::Measures => "measures",
            TableKind::Attendees => "attendees",
        }
    }

    /// Each column's width (per cent of the text width) and whether it is centred.
    pub fn columns(self) -> &'static [(u32, bool)] {
        match self {
            TableKind::Ratings => &[(8, true), (50, false), (14, true), (14, true), (14, true)],
            TableKind::Measures => &[(8, true), (30, false), (22, false), (20, true), (20, false)],
            TableKind::Attendees => &[(8, true), (42, false), (50, false)],
        }
    }

    /// Whether column `i` is centred (for the template).
    pub fn centred(&self, i: &usize) -> bool {
        self.columns().get(*i).is_some_and(|c| c.1)
    }
}

/// The signature block: "Nơi nhận" on the left (decisions), the signer on the right.
pub struct Signature {
    pub recipients: Vec<String>,
    /// Bold, upper case: "NGƯỜI LẬP BÁO CÁO"; "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH".
    pub titles: Vec<String>,
    /// Who recorded the step (empty on a draft decision).
    pub name: String,
}

pub const SIGN_NOTE: &str = "(Ký, ghi rõ họ tên)";

impl Signature {
    /// "(Ký, ghi rõ họ tên)".
    pub fn note(&self) -> &'static str {
        SIGN_NOTE
    }
}

/// What a form needs besides the case: the commune and the child as the register knows them.
pub struct FormContext {
    /// "Sính Phình".
    pub place: String,
    /// "XÃ SÍNH PHÌNH".
    pub unit: String,
    pub child: ChildFacts,
}

#[derive(Default)]
pub struct ChildFacts {
    pub name: String,
    /// Date of birth, or the estimated age.
    pub birth: String,
    pub sex: String,
    /// Đặc điểm nhận dạng (a child not in the register).
    pub description: String,
}

impl FormContext {
    /// The place and the issuing unit from the commune's name ("Xã Sính Phình (dữ liệu mẫu)"
    /// → "Sính Phình", "XÃ SÍNH PHÌNH"); Sính Phình when none is set.
    pub fn commune(name: &str, child: ChildFacts) -> FormContext {
        let name = name.split('(').next().unwrap_or("").trim();
        let lower = name.to_lowercase();
        let (kind, place) = ["xã ", "phường ", "thị trấn "]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| {
                let kind = &name[..p.len() - 1];
                (kind.to_string(), name[p.len()..].trim().to_string())
            })
            .unwrap_or_else(|| ("Xã".to_string(), name.to_string()));
        let place = if place.is_empty() {
            "Sính Phình".to_string()
        } else {
            place
        };
        FormContext {
            unit: format!("{kind} {place}").to_uppercase(),
            place,
            child,
        }
    }
}

/// Why a form cannot be printed.
#[derive(Debug, PartialEq, Eq)]
pub enum FormMissing {
    /// No such form.
    Unknown,
    /// The step is not recorded yet: the message says which.
    NotRecorded(&'static str),
}

const BLANK: &str = "……………";

fn or_blank(s: &str) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s.trim().to_string()
    }
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

fn place_date(place: &str, d: Date) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        d.day(),
        d.month(),
        d.year()
    )
}

fn field(label: &str, value: &str) -> Block {
    Block::Field(label.to_string(), or_blank(value))
}

fn heading(s: impl Into<String>) -> Block {
    Block::Heading(s.into())
}

fn para(s: impl Into<String>) -> Block {
    Block::Paragraph(s.into())
}

fn bullets(items: &[String]) -> Block {
    let v: Vec<String> = items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if v.is_empty() {
        Block::Bullets(vec![BLANK.to_string()])
    } else {
        Block::Bullets(v)
    }
}

fn officer_signature(title: &str, by: &str) -> Block {
    Block::Signature(Signature {
        recipients: Vec::new(),
        titles: vec![title.to_string()],
        name: by.to_string(),
    })
}

fn child_fields(cx: &FormContext) -> Vec<Block> {
    vec![
        field("Họ và tên trẻ em", &cx.child.name),
        field(
            "Ngày, tháng, năm sinh (hoặc tuổi ước tính)",
            &cx.child.birth,
        ),
        field("Giới tính", &cx.child.sex),
    ]
}

/// The latest version of the first original entry whose kind matches (as the domain's views).
fn first_entry(case: &CaseFile, f: impl Fn(&EntryKind) -> bool) -> Option<&CaseEntry> {
    let e = case
        .entries()
        .iter()
        .find(|e| e.corrects.is_none() && f(&e.kind))?;
    case.latest(e.seq)
}

/// The latest version of the last original entry whose kind matches.
fn last_entry(case: &CaseFile, f: impl Fn(&EntryKind) -> bool) -> Option<&CaseEntry> {
    let e = case
        .entries()
        .iter()
        .rev()
        .find(|e| e.corrects.is_none() && f(&e.kind))?;
    case.latest(e.seq)
}

fn item_label(item: &str) -> String {
    STANDARD_ITEMS
        .iter()
        .find(|(code, _)| *code == item)
        .map(|(_, label)| label.to_string())
        .unwrap_or_else(|| item.to_string())
}

/// The Cao / Trung bình / Thấp table with its "Tổng số" row.
fn ratings_table(items: &[RatedItem]) -> Block {
    let mark = |on: bool| if on { "x" } else { "" }.to_string();
    let (h, m, l) = rating_counts(items);
    Block::Table(FormTable {
        kind: TableKind::Ratings,
        head: ["STT", "Tiêu chí đánh giá", "Cao", "Trung bình", "Thấp"]
            .map(String::from)
            .to_vec(),
        rows: items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    (i + 1).to_string(),
                    item_label(&it.item),
                    mark(it.rating == Rating::High),
                    mark(it.rating == Rating::Medium),
                    mark(it.rating == Rating::Low),
                ]
            })
            .collect(),
        total: Some(vec![
            String::new(),
            "Tổng số".into(),
            h.to_string(),
            m.to_string(),
            l.to_string(),
        ]),
    })
}

fn measure_text(m: &Measure) -> String {
    if m.description.trim().is_empty() {
        m.kind.label_vi().to_string()
    } else {
        format!("{}: {}", m.kind.label_vi(), m.description.trim())
    }
}

fn measures_table(measures: &[Measure]) -> Block {
    Block::Table(FormTable {
        kind: TableKind::Measures,
        head: [
            "STT",
            "Biện pháp hỗ trợ, can thiệp",
            "Người, cơ quan chịu trách nhiệm",
            "Thời gian (từ – đến)",
            "Nguồn lực",
        ]
        .map(String::from)
        .to_vec(),
        rows: measures
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    (i + 1).to_string(),
                    measure_text(m),
                    m.responsible.trim().to_string(),
                    format!("{} – {}", dmy(m.from), dmy(m.to)),
                    m.resources.trim().to_string(),
                ]
            })
            .collect(),
        total: None,
    })
}

fn org(cx: &FormContext) -> [String; 2] {
    ["ỦY BAN NHÂN DÂN".to_string(), cx.unit.clone()]
}

/// Form `n` of `case`, or why it cannot be printed.
pub fn build(n: u8, case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    match n {
        1 => form_01(case, cx),
        2 => form_02(case, cx),
        3 => form_03(case, cx),
        4 => form_04(case, cx),
        5 => form_05(case, cx),
        6 => form_06(case, cx),
        _ => Err(FormMissing::Unknown),
    }
}

fn form_01(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    let missing = FormMissing::NotRecorded("Chưa ghi báo cáo tiếp nhận thông tin (Mẫu 01).");
    let entry = case.latest(1).ok_or(missing)?;
    let EntryKind::Intake(i) = &entry.kind else {
        return Err(FormMissing::NotRecorded(
            "Chưa ghi báo cáo tiếp nhận thông tin (Mẫu 01).",
        ));
    };
    let r = i.received_at;
    let parent = |p: &Option<treem_domain::case::Parent>| match p {
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
    };
    let caregiver = i
        .caregiver
        .as_ref()
        .map(|c| {
            let mut s = c.full_name.trim().to_string();
            if !c.relationship.trim().is_empty() {
                s.push_str(&format!(" ({})", c.relationship.trim()));
            }
            if let Some(p) = c.phone.as_deref().filter(|p| !p.trim().is_empty()) {
                s.push_str(&format!("; điện thoại: {}", p.trim()));
            }
            s
        })
        .unwrap_or_default();
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
        field("Người đang chăm sóc trẻ em (nếu biết)", &caregiver),
        field("Những việc đã làm trước khi báo", &i.actions_taken),
        heading("3. Thông tin về người báo tin"),
    ]);
    // Only what the informant agreed to give (Mẫu 01, A.3).
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
    blocks.push(officer_signature("NGƯỜI LẬP BÁO CÁO", &entry.by));
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

fn form_02(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    let entry = first_entry(case, |k| matches!(k, EntryKind::InitialAssessment(_))).ok_or(
        FormMissing::NotRecorded("Chưa ghi đánh giá ban đầu (Mẫu 02)."),
    )?;
    let EntryKind::InitialAssessment(a) = &entry.kind else {
        return Err(FormMissing::NotRecorded(
            "Chưa ghi đánh giá ban đầu (Mẫu 02).",
        ));
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
    blocks.push(officer_signature("NGƯỜI LẬP BÁO CÁO", &entry.by));
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

fn form_03(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa ghi thu thập thông tin, đánh giá nguy cơ cụ thể và họp xác định \
                           nhu cầu (Mẫu 03).";
    let entry = first_entry(case, |k| matches!(k, EntryKind::SpecificAssessment(_)))
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
        Block::Table(FormTable {
            kind: TableKind::Attendees,
            head: ["STT", "Họ và tên người dự họp", "Chức vụ, cơ quan"]
                .map(String::from)
                .to_vec(),
            rows: s
                .meeting
                .attendees
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
        }),
        Block::Field("Nội dung biên bản".into(), String::new()),
        para(or_blank(&s.meeting.minutes)),
    ]);
    blocks.push(officer_signature("NGƯỜI LẬP BÁO CÁO", &entry.by));
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

fn form_04(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa lập kế hoạch hỗ trợ, can thiệp (Mẫu 04).";
    let entry = last_entry(case, |k| matches!(k, EntryKind::Plan(_)))
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
        officer_signature("NGƯỜI LẬP KẾ HOẠCH", &entry.by),
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

fn form_05(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa trình phê duyệt kế hoạch hỗ trợ, can thiệp (Mẫu 05).";
    let submit = case
        .entries()
        .iter()
        .rev()
        .find(|e| e.corrects.is_none() && matches!(e.kind, EntryKind::SubmitForApproval { .. }))
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    // The plan submitted: the last one drafted before, as it stood then.
    let mut plan_entry = case
        .entries()
        .iter()
        .rev()
        .find(|e| {
            e.seq < submit.seq && e.corrects.is_none() && matches!(e.kind, EntryKind::Plan(_))
        })
        .ok_or(FormMissing::NotRecorded(MISSING))?;
    while let Some(n) = case.replaced_by(plan_entry.seq).filter(|n| *n < submit.seq) {
        match case.entry(n) {
            Some(e) => plan_entry = e,
            None => break,
        }
    }
    let EntryKind::Plan(plan) = &plan_entry.kind else {
        return Err(FormMissing::NotRecorded(MISSING));
    };
    // The leader's answer to this submission, if any.
    let answer = case.entries().iter().find(|e| {
        e.seq > submit.seq
            && e.corrects.is_none()
            && e.from == CaseState::AwaitingApproval
            && matches!(e.kind, EntryKind::Approve { .. } | EntryKind::Return { .. })
    });
    let approval = answer.filter(|e| matches!(e.kind, EntryKind::Approve { .. }));
    let decision_no = approval
        .and_then(|e| case.latest(e.seq))
        .and_then(|e| match &e.kind {
            EntryKind::Approve { decision_no, .. } => decision_no.clone(),
            _ => None,
        })
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let number = match decision_no {
        Some(n) if n.contains('/') => format!("Số: {n}"),
        Some(n) => format!("Số: {n}/QĐ-UBND"),
        None => "Số: …/QĐ-UBND".to_string(),
    };
    let dated = approval.unwrap_or(submit);
    let mut responsible: Vec<String> = Vec::new();
    for m in &plan.measures {
        let r = m.responsible.trim().to_string();
        if !r.is_empty() && !responsible.contains(&r) {
            responsible.push(r);
        }
    }
    let mut executors = vec![
        "Văn phòng HĐND và UBND xã".to_string(),
        "người làm công tác bảo vệ trẻ em cấp xã".to_string(),
    ];
    executors.extend(responsible);
    let blocks = vec![
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
            capitalise(&executors.join(", "))
        )),
        Block::Signature(Signature {
            recipients: vec![
                "Nơi nhận:".into(),
                "- Như Điều 3;".into(),
                "- Lưu: VT, hồ sơ trường hợp.".into(),
            ],
            titles: vec!["TM. ỦY BAN NHÂN DÂN".into(), "CHỦ TỊCH".into()],
            name: approval.map(|e| e.by.clone()).unwrap_or_default(),
        }),
    ];
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn form_06(case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    const MISSING: &str = "Chưa ghi rà soát, đánh giá sau khi thực hiện kế hoạch (Mẫu 06).";
    let entry = last_entry(case, |k| matches!(k, EntryKind::Review(_)))
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
    blocks.push(officer_signature("NGƯỜI LẬP BÁO CÁO", &entry.by));
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

/// Which forms of the case can be printed now (their steps are recorded).
pub fn available(case: &CaseFile) -> Vec<u8> {
    let cx = FormContext::commune("", ChildFacts::default());
    FORMS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| build(*n, case, &cx).is_ok())
        .collect()
}

fn sex_vi(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
        Sex::Unknown => "Không biết",
    }
}

fn birth_vi(d: Option<Date>, p: DobPrecision, estimated_age: Option<u8>) -> String {
    match (p, d) {
        (DobPrecision::Day, Some(d)) => dmy(d),
        (DobPrecision::Month, Some(d)) => format!("{:02}/{}", d.month(), d.year()),
        (DobPrecision::Year, Some(d)) => d.year().to_string(),
        (DobPrecision::Estimated, _) => match (estimated_age, d) {
            (Some(a), _) => format!("khoảng {a} tuổi (ước tính)"),
            (None, Some(d)) => format!("khoảng năm {} (ước tính)", d.year()),
            (None, None) => "Không biết".into(),
        },
        _ => "Không biết".into(),
    }
}

/// The child as the form names them: from the report, or from the register.
async fn child_facts(ctx: &Ctx, case: &CaseFile) -> ChildFacts {
    match case.intake().map(|i| &i.child) {
        Some(ChildRef::New(c)) => ChildFacts {
            name: c.full_name.trim().to_string(),
            birth: birth_vi(c.date_of_birth, c.dob_precision, c.estimated_age),
            sex: sex_vi(c.sex).into(),
            description: c.description.trim().to_string(),
        },
        Some(ChildRef::Registered { child_id }) => {
            match ctx.state.store.child(&ctx.actor(), *child_id).await {
                Ok(c) => ChildFacts {
                    name: c.data.full_name.clone(),
                    birth: birth_vi(c.data.date_of_birth, c.data.dob_precision, None),
                    sex: sex_vi(c.data.sex).into(),
                    description: String::new(),
                },
                Err(_) => ChildFacts {
                    name: format!("(trẻ em mã số {child_id} trong sổ theo dõi)"),
                    ..Default::default()
                },
            }
        }
        None => ChildFacts::default(),
    }
}

/// What the case's forms need besides the case.
async fn context(ctx: &Ctx, case: &CaseFile) -> FormContext {
    FormContext::commune(&ctx.commune, child_facts(ctx, case).await)
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct FormPage {
    l: Layout,
    id: i64,
    doc: FormDoc,
}

/// `GET /cases/{id}/forms/{n}`: the form as an A4 page; `…/forms/{n}.docx`: as a DOCX file.
pub async fn show(ctx: Ctx, Path((id, n)): Path<(String, String)>) -> Result<Response, PageError> {
    let (n, as_docx) = match n.strip_suffix(".docx") {
        Some(n) => (n, true),
        None => (n.as_str(), false),
    };
    let n: u8 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    if !FORMS.iter().any(|(k, _)| *k == n) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let case = open(&ctx, &id).await?;
    let cx = context(&ctx, &case).await;
    let doc = match build(n, &case, &cx) {
        Ok(d) => d,
        Err(FormMissing::Unknown) => return Err(ctx.error(PageErrorKind::NotFound)),
        Err(FormMissing::NotRecorded(why)) => return Ok(not_recorded(&ctx, case.id(), n, why)),
    };
    if as_docx {
        let bytes = docx::render(&doc).map_err(|e| ctx.error(PageErrorKind::Internal(e)))?;
        let name = format!(
            "attachment; filename=\"mau-{n:02}-ho-so-{}.docx\"",
            case.id()
        );
        return Ok((
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static(
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ),
                ),
                (
                    CONTENT_DISPOSITION,
                    HeaderValue::from_str(&name)
                        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?,
                ),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response());
    }
    let page = FormPage {
        l: ctx.layout(format!("Mẫu số {n:02} · Hồ sơ {}", case.id())),
        id: case.id(),
        doc,
    };
    Ok(render(&page))
}

/// 404: the step is not recorded yet, said in words, with the way back to the case.
fn not_recorded(ctx: &Ctx, id: i64, n: u8, why: &str) -> Response {
    let page = MessagePage {
        l: ctx.layout(format!("Mẫu số {n:02} · Hồ sơ {id}")),
        text: format!("Chưa in được Mẫu số {n:02} của hồ sơ {id}: bước này chưa được ghi. {why}"),
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}
