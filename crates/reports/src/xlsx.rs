//! The report as an XLSX workbook: "Chỉ tiêu" (the target table, numbers as numbers), one sheet
//! per breakdown kind (village names, sex, ethnic group, age band), one per agency section and,
//! for an amending report, "Thay đổi".
use crate::content::{ReportDoc, CHANGE_COLUMNS, SECTION_PARTS};
use crate::{DocumentError, Names};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use treem_domain::indicator::Cell;
use treem_domain::report::FrozenReport;

/// The headers of "Chỉ tiêu".
pub const TARGET_HEADERS: [&str; 9] = [
    "STT",
    "Chỉ tiêu",
    "Giá trị kế hoạch",
    "Kết quả",
    "Tử số",
    "Mẫu số",
    "Đánh giá",
    "Cơ quan",
    "Ghi chú",
];

/// The headers of a breakdown sheet; the third is the group's kind ("Thôn/bản").
const BREAKDOWN_HEADERS: [&str; 6] = ["STT", "Chỉ tiêu", "", "Tử số", "Mẫu số", "Giá trị"];

struct Formats {
    head: Format,
    wrap: Format,
    number: Format,
}

fn formats() -> Formats {
    Formats {
        head: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center),
        wrap: Format::new().set_text_wrap(),
        // Two decimals at most, as the documents print them.
        number: Format::new().set_num_format("#,##0.##"),
    }
}

fn headers(ws: &mut Worksheet, f: &Formats, heads: &[&str]) -> Result<(), XlsxError> {
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &f.head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn number(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    x: Option<f64>,
) -> Result<(), XlsxError> {
    if let Some(x) = x {
        ws.write_number_with_format(row, col, x, &f.number)?;
    }
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(raw: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let base: String = clean.trim().chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    name
}

fn targets_sheet(wb: &mut Workbook, f: &Formats, doc: &ReportDoc) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Chỉ tiêu")?;
    headers(ws, f, &TARGET_HEADERS)?;
    for (i, t) in doc.targets.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, t.number as f64)?;
        ws.write_string_with_format(r, 1, &t.measure, &f.wrap)?;
        ws.write_string(r, 2, &t.plan_value)?;
        number(ws, f, r, 3, t.value)?;
        number(ws, f, r, 4, t.numerator)?;
        number(ws, f, r, 5, t.denominator)?;
        ws.write_string(r, 6, t.status)?;
        ws.write_string_with_format(r, 7, &t.agency, &f.wrap)?;
        ws.write_string_with_format(r, 8, &t.note, &f.wrap)?;
    }
    for (col, width) in [
        (0, 5.0),
        (1, 50.0),
        (2, 18.0),
        (3, 10.0),
        (4, 9.0),
        (5, 9.0),
        (6, 14.0),
        (7, 28.0),
        (8, 30.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    Ok(())
}

/// One breakdown kind: each target's groups, one row per group.
fn breakdown_sheet(
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
    group: &str,
    rows: Vec<(u16, &str, String, &Cell)>,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let mut heads = BREAKDOWN_HEADERS;
    heads[2] = group;
    headers(ws, f, &heads)?;
    for (i, (target, measure, label, c)) in rows.into_iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, target as f64)?;
        ws.write_string(r, 1, measure)?;
        ws.write_string(r, 2, &label)?;
        ws.write_number(r, 3, c.numerator as f64)?;
        ws.write_number(r, 4, c.denominator as f64)?;
        number(ws, f, r, 5, c.value)?;
    }
    for (col, width) in [
        (0, 5.0),
        (1, 50.0),
        (2, 24.0),
        (3, 9.0),
        (4, 9.0),
        (5, 10.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    Ok(())
}

fn breakdown_sheets(
    wb: &mut Workbook,
    f: &Formats,
    r: &FrozenReport,
    names: &Names,
) -> Result<(), XlsxError> {
    macro_rules! rows {
        ($field:ident, $label:expr) => {
            r.figures
                .iter()
                .flat_map(|fig| {
                    fig.result
                        .breakdown
                        .$field
                        .iter()
                        .map(move |(k, c)| (fig.target, fig.measure.as_str(), $label(k), c))
                })
                .collect::<Vec<_>>()
        };
    }
    let village = rows!(by_village, |k: &String| names.village(k));
    breakdown_sheet(wb, f, "Theo thôn, bản", "Thôn/bản", village)?;
    let sex = rows!(by_sex, |k: &treem_domain::sex::Sex| k
        .label_vi()
        .to_string());
    breakdown_sheet(wb, f, "Theo giới tính", "Giới tính", sex)?;
    let ethnic = rows!(by_ethnicity, |k: &Option<u8>| k
        .and_then(treem_domain::ethnicity::name)
        .unwrap_or("Chưa rõ")
        .to_string());
    breakdown_sheet(wb, f, "Theo dân tộc", "Dân tộc", ethnic)?;
    let age = rows!(by_age_band, |k: &treem_domain::age::AgeBand| k
        .label_vi()
        .to_string());
    breakdown_sheet(wb, f, "Theo nhóm tuổi", "Nhóm tuổi", age)
}

fn section_sheets(wb: &mut Workbook, f: &Formats, doc: &ReportDoc) -> Result<(), XlsxError> {
    let mut taken: HashSet<String> = [
        "Chỉ tiêu",
        "Theo thôn, bản",
        "Theo giới tính",
        "Theo dân tộc",
        "Theo nhóm tuổi",
        "Thay đổi",
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect();
    for s in &doc.sections {
        let ws = wb
            .add_worksheet()
            .set_name(sheet_name(&s.agency, &mut taken))?;
        ws.write_string_with_format(0, 0, "Cơ quan", &f.head)?;
        ws.write_string_with_format(0, 1, &s.agency, &f.wrap)?;
        for (i, (h, text)) in s.parts.iter().enumerate() {
            debug_assert_eq!(*h, SECTION_PARTS[i]);
            ws.write_string_with_format(i as u32 + 1, 0, *h, &f.head)?;
            ws.write_string_with_format(i as u32 + 1, 1, text, &f.wrap)?;
        }
        // The counts from the agency's records, one row each, under the four boxes.
        let first = s.parts.len() as u32 + 2;
        if !s.lines.is_empty() {
            ws.write_string_with_format(first, 0, crate::content::LINES_HEADING, &f.head)?;
        }
        for (i, (label, value)) in s.lines.iter().enumerate() {
            let r = first + 1 + i as u32;
            ws.write_string_with_format(r, 0, label, &f.wrap)?;
            ws.write_string_with_format(r, 1, value, &f.wrap)?;
        }
        ws.set_column_width(0, 22.0)?;
        ws.set_column_width(1, 90.0)?;
    }
    Ok(())
}

fn changes_sheet(wb: &mut Workbook, f: &Formats, doc: &ReportDoc) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Thay đổi")?;
    headers(ws, f, &CHANGE_COLUMNS)?;
    for (i, c) in doc.changes.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("{}. {}", c.number, c.measure))?;
        ws.write_string(r, 1, &c.numerator)?;
        ws.write_string(r, 2, &c.denominator)?;
        ws.write_string(r, 3, &c.value)?;
        ws.write_string(r, 4, &c.status)?;
    }
    ws.set_column_width(0, 50.0)?;
    Ok(())
}

pub fn render(r: &FrozenReport, doc: &ReportDoc, names: &Names) -> Result<Vec<u8>, DocumentError> {
    let f = formats();
    let mut wb = Workbook::new();
    targets_sheet(&mut wb, &f, doc)?;
    breakdown_sheets(&mut wb, &f, r, names)?;
    section_sheets(&mut wb, &f, doc)?;
    if !doc.changes.is_empty() {
        changes_sheet(&mut wb, &f, doc)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
pub(crate) fn sheet_name_for_test(raw: &str, taken: &mut HashSet<String>) -> String {
    sheet_name(raw, taken)
}
