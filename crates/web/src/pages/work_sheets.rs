//! The `/work` hub's lists as XLSX for printing or sending: disasters with their relief counts,
//! and child marriages (read with its audit entry, as the hub's list is). Villages and ethnic
//! groups by name, dates as officials write them.
use super::{Ctx, PageError, PageErrorKind};
use crate::i18n::vn_date;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use treem_domain::register::VillageNames;

/// `GET /work/disasters.xlsx`.
pub async fn disasters(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let (rows, villages) = tokio::try_join!(store.disasters(&actor), store.villages(&actor))
        .map_err(|e| ctx.fail(e))?;
    let names = VillageNames::new(&villages);
    let heads = [
        "Ngày",
        "Loại",
        "Thôn, bản",
        "Trẻ bị ảnh hưởng",
        "Đã được cứu trợ",
        "Ghi chú",
    ];
    let bytes = sheet(
        "Thiên tai",
        &heads,
        |ws, row, i| {
            let d = &rows[i];
            ws.write_string(row, 0, vn_date(&d.date.to_string()))?;
            ws.write_string(row, 1, d.kind.label_vi())?;
            let v: Vec<String> = d.villages.iter().map(|c| names.name(c)).collect();
            ws.write_string(row, 2, v.join(", "))?;
            ws.write_number(row, 3, d.affected as f64)?;
            ws.write_number(row, 4, d.helped as f64)?;
            ws.write_string(row, 5, &d.note)?;
            Ok(())
        },
        rows.len(),
    )
    .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok(download(bytes, "thien-tai.xlsx"))
}

/// `GET /work/marriages.xlsx`.
pub async fn marriages(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let (rows, villages) = tokio::try_join!(store.marriages(&actor), store.villages(&actor))
        .map_err(|e| ctx.fail(e))?;
    let names = VillageNames::new(&villages);
    let heads = [
        "Ngày",
        "Thôn, bản",
        "Dân tộc",
        "Tuổi vợ",
        "Tuổi chồng",
        "Đã ngăn chặn",
        "Ghi chú",
    ];
    let bytes = sheet(
        "Tảo hôn",
        &heads,
        |ws, row, i| {
            let m = &rows[i];
            ws.write_string(row, 0, vn_date(&m.date.to_string()))?;
            ws.write_string(row, 1, names.name(&m.village))?;
            let ethnic = m.ethnicity.and_then(treem_domain::ethnicity::name);
            ws.write_string(row, 2, ethnic.unwrap_or(""))?;
            if let Some(a) = m.wife_age {
                ws.write_number(row, 3, f64::from(a))?;
            }
            if let Some(a) = m.husband_age {
                ws.write_number(row, 4, f64::from(a))?;
            }
            ws.write_string(row, 5, if m.prevented { "Có" } else { "Không" })?;
            ws.write_string(row, 6, &m.note)?;
            Ok(())
        },
        rows.len(),
    )
    .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok(download(bytes, "tao-hon.xlsx"))
}

fn sheet(
    name: &str,
    heads: &[&str],
    mut write: impl FnMut(&mut rust_xlsxwriter::Worksheet, u32, usize) -> Result<(), XlsxError>,
    rows: usize,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for i in 0..rows {
        write(ws, i as u32 + 1, i)?;
    }
    wb.save_to_buffer()
}

fn download(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
