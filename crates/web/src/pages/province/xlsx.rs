//! The province's table as XLSX (bảng tổng hợp): one row per commune, per target its value,
//! numerator, denominator and status; the province's totals last. Numbers are numbers; a
//! count not published is the text "<5" or "ẩn".
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use treem_domain::report::package::{PackageCount, ProvinceTable};

const HEADS: [&str; 4] = ["Mã xã", "Tên xã", "Gửi báo cáo", "Ngày nhận"];

fn count(ws: &mut Worksheet, row: u32, col: u16, c: Option<PackageCount>) -> Result<(), XlsxError> {
    match c {
        Some(PackageCount { value: Some(n), .. }) => ws.write_number(row, col, n as f64)?,
        Some(c) => ws.write_string(row, col, c.text())?,
        None => ws,
    };
    Ok(())
}

pub fn table(t: &ProvinceTable) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tổng hợp")?;
    let bold = Format::new().set_bold();
    let one = Format::new().set_num_format("0.0");
    ws.write_string_with_format(0, 0, format!("{} năm {}", t.kind_name, t.year), &bold)?;
    for (i, h) in HEADS.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &bold)?;
    }
    let first = HEADS.len() as u16;
    for (i, h) in t.targets.iter().enumerate() {
        for (k, part) in ["giá trị", "tử số", "mẫu số", "đánh giá"]
            .iter()
            .enumerate()
        {
            let col = first + 4 * i as u16 + k as u16;
            ws.write_string_with_format(2, col, format!("CT {} — {part}", h.target), &bold)?;
        }
    }
    let mut row = 3u32;
    for r in &t.rows {
        ws.write_string(row, 0, &r.code)?;
        ws.write_string(row, 1, &r.name)?;
        ws.write_string(row, 2, super::arrival_words(r.on_time).0)?;
        ws.write_string(row, 3, r.received_at.as_deref().unwrap_or(""))?;
        for (i, c) in r.cells.iter().enumerate() {
            let col = first + 4 * i as u16;
            match c.number {
                Some(v) => ws.write_number_with_format(row, col, v, &one)?,
                None => ws.write_string(row, col, &c.value)?,
            };
            count(ws, row, col + 1, c.numerator)?;
            count(ws, row, col + 2, c.denominator)?;
            ws.write_string(row, col + 3, c.status_vi)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 1, "Toàn tỉnh (tổng tử số / tổng mẫu số)", &bold)?;
    for (i, total) in t.totals.iter().enumerate() {
        let col = first + 4 * i as u16;
        match total.value {
            Some(v) => ws.write_number_with_format(row, col, v, &one)?,
            None => ws.write_string(row, col, total.missing.unwrap_or(""))?,
        };
        for (k, x) in [total.numerator, total.denominator].into_iter().enumerate() {
            if let Some(x) = x {
                ws.write_number(row, col + 1 + k as u16, x as f64)?;
            }
        }
    }
    wb.save_to_buffer()
}
