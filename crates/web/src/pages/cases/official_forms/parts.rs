//! The pieces the forms are built of: fields, headings, dates in the forms' words, the ratings
//! and measures tables, the signature.
use super::doc::{Block, FormContext, FormTable, Signature, TableKind};
use jiff::civil::Date;
use treem_domain::case::{rating_counts, Measure, RatedItem, Rating, STANDARD_ITEMS};

pub(super) const BLANK: &str = "……………";

pub(super) fn or_blank(s: &str) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s.trim().to_string()
    }
}

pub(super) fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

pub(super) fn place_date(place: &str, d: Date) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        d.day(),
        d.month(),
        d.year()
    )
}

pub(super) fn field(label: &str, value: &str) -> Block {
    Block::Field(label.to_string(), or_blank(value))
}

pub(super) fn heading(s: impl Into<String>) -> Block {
    Block::Heading(s.into())
}

pub(super) fn para(s: impl Into<String>) -> Block {
    Block::Paragraph(s.into())
}

pub(super) fn bullets(items: &[String]) -> Block {
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

/// The signature of whoever recorded the step: the block's title, their position (upper case,
/// when set) and their full name (their login while no name is set).
pub(super) fn officer_signature(cx: &FormContext, title: &str, by: &str) -> Block {
    let who = cx.signer(by);
    let mut titles = vec![title.to_string()];
    if !who.position.trim().is_empty() {
        titles.push(who.position.trim().to_uppercase());
    }
    Block::Signature(Signature {
        recipients: Vec::new(),
        titles,
        name: who.name().to_string(),
    })
}

pub(super) fn child_fields(cx: &FormContext) -> Vec<Block> {
    vec![
        field("Họ và tên trẻ em", &cx.child.name),
        field(
            "Ngày, tháng, năm sinh (hoặc tuổi ước tính)",
            &cx.child.birth,
        ),
        field("Giới tính", &cx.child.sex),
    ]
}

pub(super) fn item_label(item: &str) -> String {
    STANDARD_ITEMS
        .iter()
        .find(|(code, _)| *code == item)
        .map(|(_, label)| label.to_string())
        .unwrap_or_else(|| item.to_string())
}

/// The Cao / Trung bình / Thấp table with its "Tổng số" row.
pub(super) fn ratings_table(items: &[RatedItem]) -> Block {
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

pub(super) fn measure_text(m: &Measure) -> String {
    if m.description.trim().is_empty() {
        m.kind.label_vi().to_string()
    } else {
        format!("{}: {}", m.kind.label_vi(), m.description.trim())
    }
}

pub(super) fn measures_table(measures: &[Measure]) -> Block {
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

pub(super) fn org(cx: &FormContext) -> [String; 2] {
    ["ỦY BAN NHÂN DÂN".to_string(), cx.unit.clone()]
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
