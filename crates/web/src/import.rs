//! Children from CSV or XLSX with Vietnamese column headers, shared by the import page, the
//! API and `treem import children`: the file is read here into text cells, and every row is
//! checked by [`treem_domain::import::check_rows`] before anything is written.
pub use treem_domain::import::{check_rows, header_label, RowIssue, COLUMNS};
use treem_domain::import::{ImportContext, ImportReport, Rows, RowsToWrite, RELATIONSHIPS};
use treem_domain::limits::ImportLimits;
use treem_domain::register::{HouseholdEntry, HouseholdIndex, Village, VillageIndex};

/// Checks a file's rows against the villages and households the user may write.
pub fn check_file(
    header: &[String],
    rows: &Rows,
    villages: &[Village],
    households: Vec<HouseholdEntry>,
    today: jiff::civil::Date,
) -> ImportReport {
    let villages = VillageIndex::new(villages);
    let households = HouseholdIndex::new(households);
    check_rows(
        header,
        rows,
        &ImportContext {
            today,
            villages: &villages,
            households: &households,
        },
    )
}

/// [`check_file`] for a file too large to hold as children: the report's `children` stay empty,
/// and the rows come back to be written a part at a time
/// ([`treem_domain::import::RowsToWrite`]) when the header could be read.
pub fn check_file_in_parts(
    header: &[String],
    rows: Rows,
    villages: &[Village],
    households: Vec<HouseholdEntry>,
    today: jiff::civil::Date,
) -> (ImportReport, Option<RowsToWrite>) {
    RowsToWrite::check(
        header,
        rows,
        VillageIndex::new(villages),
        HouseholdIndex::new(households),
        today,
    )
}

/// A refusal by storage of checked rows (`rows[3].household`: a household removed meanwhile,
/// a personal ID given to another child meanwhile), with the file's lines.
pub fn storage_problem(e: &treem_domain::validation::FieldErrors, lines: &[usize]) -> String {
    e.0.iter()
        .map(|f| {
            let at = f
                .field
                .strip_prefix("rows[")
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, rest)| {
                    let line = lines.get(i.parse::<usize>().ok()?)?;
                    Some(format!(
                        "dòng {line}, cột «{}»",
                        header_label(rest.trim_start_matches('.'))
                    ))
                })
                .unwrap_or_else(|| header_label(&f.field));
            format!("{at}: {}", f.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads a file into header + rows of text cells, within `limits` (the channel's: the page's
/// or the command line's). CSV and XLSX only: the other spreadsheet formats cannot be bounded
/// before they are read (ODS repeats cells by count, XLS is not a zip).
pub fn read_table(
    name: &str,
    bytes: Vec<u8>,
    limits: &ImportLimits,
) -> Result<(Vec<String>, Rows), String> {
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    if bytes.len() as u64 > limits.file_bytes {
        return Err(format!(
            "tệp quá lớn: tối đa {} (tệp này {})",
            size_vi(limits.file_bytes),
            size_vi(bytes.len() as u64)
        ));
    }
    match ext.as_str() {
        "xlsx" => read_xlsx(name, bytes, limits),
        "xls" | "xlsm" | "xlsb" | "ods" => Err(format!(
            "chỉ nhận tệp .csv hoặc .xlsx; hãy lưu {name} dưới dạng .xlsx (Excel Workbook)"
        )),
        _ => read_csv(bytes, limits),
    }
}

fn too_many_rows(limits: &ImportLimits) -> String {
    format!(
        "tệp có quá nhiều dòng: tối đa {} trẻ em mỗi lần nhập{}",
        limits.rows,
        if limits.rows < treem_domain::limits::IMPORT_CLI.rows {
            " trên trang này; tệp lớn hơn nhập bằng lệnh treem import children"
        } else {
            ""
        }
    )
}

/// Past what [`Rows`] holds; every import's own limits stop a file well before.
fn file_too_large(limits: &ImportLimits) -> String {
    format!("tệp quá lớn: tối đa {}", size_vi(limits.file_bytes))
}

fn too_many_columns(limits: &ImportLimits) -> String {
    format!(
        "tệp có quá nhiều cột: tối đa {} cột (mẫu có {})",
        limits.columns,
        COLUMNS.len()
    )
}

/// "64 MB", "2 GB": sizes as a person reads them.
fn size_vi(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= 1024 * MIB {
        format!("{} GB", bytes.div_ceil(1024 * MIB))
    } else {
        format!("{} MB", bytes.div_ceil(MIB).max(1))
    }
}

fn read_csv(bytes: Vec<u8>, limits: &ImportLimits) -> Result<(Vec<String>, Rows), String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::Cursor::new(bytes));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("tệp CSV không đọc được: {e}"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    if header.len() > limits.columns {
        return Err(too_many_columns(limits));
    }
    let mut rows = Rows::new();
    // One record read again and again: its buffer is reused, the cells go into `rows`'s.
    let mut r = csv::StringRecord::new();
    for i in 0.. {
        match rdr.read_record(&mut r) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("dòng {}: {e}", i + 2)),
        }
        if rows.len() == limits.rows {
            return Err(too_many_rows(limits));
        }
        if r.len() > limits.columns {
            return Err(format!("dòng {}: {}", i + 2, too_many_columns(limits)));
        }
        rows.push(r.iter()).map_err(|_| file_too_large(limits))?;
    }
    Ok((header, rows))
}

/// The first sheet of an XLSX, read cell by cell: the zip's unpacked size is checked first,
/// and cells far from the others never make a dense table (calamine's `worksheet_range` would
/// allocate every cell between A1 and XFD1048576).
fn read_xlsx(
    name: &str,
    bytes: Vec<u8>,
    limits: &ImportLimits,
) -> Result<(Vec<String>, Rows), String> {
    use calamine::{Data, Reader, Xlsx};
    check_unpacked(&bytes, limits.unpacked_bytes)?;
    let unreadable = |e: &dyn std::fmt::Display| format!("không đọc được bảng tính {name}: {e}");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or("tệp không có trang tính nào")?;
    let mut reader = wb
        .worksheet_cells_reader(&sheet)
        .map_err(|e| unreadable(&e))?;
    // Non-empty cells only, with their places; at most as many as a full table may hold.
    let most = (limits.rows + 1).saturating_mul(limits.columns);
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let text = match Data::from(cell.get_value().clone()) {
            Data::Empty => continue,
            Data::String(s) => s,
            Data::Float(f) if f.fract() == 0.0 => format!("{}", f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => excel_date(d.as_f64()),
            Data::DateTimeIso(s) => s.chars().take(10).collect(),
            other => other.to_string(),
        };
        if cells.len() == most {
            return Err(too_many_rows(limits));
        }
        let (row, col) = cell.get_position();
        cells.push((row, col, text));
    }
    // The table starts at its first used row and column, as a spreadsheet shows it.
    let Some(top) = cells.iter().map(|c| c.0).min() else {
        return Ok((vec![], Rows::new()));
    };
    let left = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let bottom = cells.iter().map(|c| c.0).max().unwrap_or(top);
    let right = cells.iter().map(|c| c.1).max().unwrap_or(left);
    if (bottom - top) as usize > limits.rows {
        return Err(too_many_rows(limits));
    }
    if (right - left) as usize >= limits.columns {
        return Err(too_many_columns(limits));
    }
    // Row by row in place order, each row's gaps empty: the cells go straight into `rows`,
    // with no dense table of strings in between.
    cells.sort_unstable_by_key(|c| (c.0, c.1));
    let width = (right - left + 1) as usize;
    let mut line: Vec<&str> = vec![""; width];
    let mut header = Vec::new();
    let mut rows = Rows::new();
    let mut next = cells.iter().peekable();
    for row in top..=bottom {
        line.fill("");
        while let Some((_, col, text)) = next.next_if(|c| c.0 == row) {
            line[(col - left) as usize] = text;
        }
        if row == top {
            header = line.iter().map(|s| s.to_string()).collect();
        } else {
            rows.push(line.iter().copied())
                .map_err(|_| file_too_large(limits))?;
        }
    }
    Ok((header, rows))
}

/// Refuses an XLSX (a zip) that unpacks to more than `limit` bytes, by the sizes its entries
/// declare and then by the bytes they really give (a declared size can lie), before anything
/// is parsed: a 1 MB upload unpacking to a 1 GB sheet once took the server to 3.2 GB.
pub fn check_unpacked(bytes: &[u8], limit: u64) -> Result<(), String> {
    use std::io::Read;
    let too_big = || {
        format!(
            "bảng tính giải nén ra quá lớn: tối đa {} khi giải nén; hãy chia thành nhiều tệp nhỏ hơn",
            size_vi(limit)
        )
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("tệp .xlsx không đọc được (không phải bảng tính Excel): {e}"))?;
    if zip.len() > treem_domain::limits::XLSX_ENTRIES {
        return Err(format!(
            "tệp .xlsx có quá nhiều thành phần: tối đa {}",
            treem_domain::limits::XLSX_ENTRIES
        ));
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| format!("tệp .xlsx hỏng: {e}"))?;
        declared = declared.saturating_add(f.size());
    }
    if declared > limit {
        return Err(too_big());
    }
    let mut actual: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|e| format!("tệp .xlsx hỏng: {e}"))?;
        // Read no further than one byte past what is left of the limit.
        let n = std::io::copy(&mut f.take(limit - actual + 1), &mut std::io::sink())
            .map_err(|e| format!("tệp .xlsx hỏng: {e}"))?;
        actual += n;
        if actual > limit {
            return Err(too_big());
        }
    }
    Ok(())
}

/// Excel stores dates as days since 30/12/1899. A serial past jiff's range (a huge number in
/// a date cell) stays a number, which the row check then reports as not a date.
fn excel_date(serial: f64) -> String {
    let base = jiff::civil::date(1899, 12, 30);
    jiff::Span::new()
        .try_days(serial.floor() as i64)
        .and_then(|span| base.checked_add(span))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| serial.to_string())
}

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, Formula, Workbook, XlsxError,
};

/// The sheet of the template's lists (villages, ethnic groups, relationships).
const LISTS: &str = "Danh mục";

/// The example row's cell of a column.
fn example(field: &str, village: &str) -> String {
    match field {
        "full_name" => "Giàng A Páo",
        "aliases" => "Pao; Pháo",
        "sex" => "nam",
        "date_of_birth" => "15/03/2018",
        "personal_id" => "011218123456",
        "ethnicity" => "H'Mông",
        "village" => village,
        "birth_registered_on" => "20/04/2018",
        "birth_registration_place" => "UBND xã Sính Phình",
        "school_level" => "Tiểu học",
        "school" => "Trường PTDTBT Tiểu học Sính Phình",
        "grade" => "3",
        "caregiver_name" => "Giàng Thị Mỷ",
        "caregiver_relationship" => "mẹ",
        "caregiver_phone" => "0912345678",
        _ => "",
    }
    .to_string()
}

/// A list of the [`LISTS`] sheet's column (`C` for ethnic groups) as a drop-down.
fn list_of(
    column: char,
    len: usize,
    style: DataValidationErrorStyle,
    message: &str,
) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "='{LISTS}'!${column}$2:${column}${}",
            len + 1
        )))
        .set_error_style(style)
        .set_error_message(message)
}

/// The children's sheet: the headers, one example row, the drop-down lists.
fn children_sheet(wb: &mut Workbook, villages: &[Village]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let example_village = villages
        .first()
        .map(|v| v.code.clone())
        .unwrap_or_else(|| "SP01".into());
    // Rows with drop-down lists: as many as the page imports at once.
    let last = treem_domain::limits::IMPORT_PAGE.rows as u32;
    let col = |field: &str| COLUMNS.iter().position(|(_, f)| *f == field).unwrap_or(0) as u16;
    let sheet = wb.add_worksheet();
    sheet.set_name("Danh sách trẻ")?;
    for (i, (h, field)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *h, &bold)?;
        sheet.write_string(1, i as u16, example(field, &example_village))?;
        sheet.set_column_width(i as u16, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let sex = DataValidation::new()
        .allow_list_strings(&["nam", "nữ", "không biết"])?
        .set_error_message("Giới tính: chọn nam, nữ hoặc không biết")?;
    sheet.add_data_validation(1, col("sex"), last, col("sex"), &sex)?;
    let ethnicity = list_of(
        'C',
        treem_domain::ethnicity::ETHNIC_GROUPS.len(),
        DataValidationErrorStyle::Warning,
        "Dân tộc: chọn trong danh mục 54 dân tộc",
    )?;
    sheet.add_data_validation(1, col("ethnicity"), last, col("ethnicity"), &ethnicity)?;
    if !villages.is_empty() {
        // A warning, not a stop: a village may also be written by its name.
        let village = list_of(
            'A',
            villages.len(),
            DataValidationErrorStyle::Warning,
            "Thôn/bản: chọn mã thôn trong trang Danh mục",
        )?;
        sheet.add_data_validation(1, col("village"), last, col("village"), &village)?;
    }
    let relationship = list_of(
        'D',
        RELATIONSHIPS.len(),
        DataValidationErrorStyle::Information,
        "Quan hệ với trẻ: chọn trong danh sách hoặc ghi khác",
    )?;
    for field in ["caregiver_relationship", "caregiver2_relationship"] {
        sheet.add_data_validation(1, col(field), last, col(field), &relationship)?;
    }
    Ok(())
}

/// The lists' sheet: the commune's villages, the 54 ethnic groups, the relationships.
fn lists_sheet(wb: &mut Workbook, villages: &[Village]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let lists = wb.add_worksheet();
    lists.set_name(LISTS)?;
    for (i, h) in ["Mã thôn", "Tên thôn/bản", "Dân tộc", "Quan hệ với trẻ"]
        .iter()
        .enumerate()
    {
        lists.write_string_with_format(0, i as u16, *h, &bold)?;
        lists.set_column_width(i as u16, 24)?;
    }
    for (r, v) in villages.iter().enumerate() {
        lists.write_string(r as u32 + 1, 0, &v.code)?;
        lists.write_string(r as u32 + 1, 1, &v.name)?;
    }
    for (r, (_, name)) in treem_domain::ethnicity::ETHNIC_GROUPS.iter().enumerate() {
        lists.write_string(r as u32 + 1, 2, *name)?;
    }
    for (r, rel) in RELATIONSHIPS.iter().enumerate() {
        lists.write_string(r as u32 + 1, 3, *rel)?;
    }
    Ok(())
}

/// The help sheet: how each column is written.
fn help_sheet(wb: &mut Workbook) -> Result<(), XlsxError> {
    let help = wb.add_worksheet();
    help.set_name("Hướng dẫn")?;
    let mut lines: Vec<(String, String)> = [
        ("Ngày", "dd/mm/yyyy (ngày trước tháng, năm đủ 4 chữ số); ngày sinh có thể chỉ mm/yyyy hoặc yyyy, hoặc bỏ trống và ghi Tuổi ước tính"),
        ("Giới tính", "nam / nữ / không biết"),
        ("Mã định danh", "12 chữ số; chữ số thứ 4 là 2 (nam) hoặc 3 (nữ) với trẻ sinh 2000-2099; chữ số 5-6 là năm sinh"),
        ("Dân tộc", "tên hoặc mã theo QĐ 1019/QĐ-TCTK (08 = H'Mông)"),
        ("Mã thôn", "mã thôn (trang Danh mục), hoặc tên thôn: «Thôn 1», «bản Sính Phình»"),
        ("Mã hộ", "mã hộ như trên danh sách hộ gia đình (ví dụ SP01-0124); để trống nếu chưa có"),
        ("Quan hệ với trẻ", "mẹ, bố, ông, bà…; để trống thì ghi «chưa rõ» (có cảnh báo)"),
        ("Nhóm hoàn cảnh đặc biệt", "các mã a…o theo Điều 10 Luật Trẻ em, cách nhau bởi dấu ;"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for (c, l) in treem_domain::circumstance::GROUPS {
        lines.push((format!("  {c}"), l.to_string()));
    }
    // The lists by their words (the import accepts the words or the codes).
    let words = |list: &[(&str, &str)]| list.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(", ");
    use treem_domain::register::{DISABILITY_SEVERITIES, DISABILITY_TYPES, SCHOOL_LEVELS};
    lines.extend([
        ("Cấp học".to_string(), words(&SCHOOL_LEVELS)),
        ("Dạng khuyết tật".to_string(), words(&DISABILITY_TYPES)),
        (
            "Mức độ khuyết tật".to_string(),
            words(&DISABILITY_SEVERITIES),
        ),
    ]);
    for (r, (a, b)) in lines.iter().enumerate() {
        help.write_string(r as u32, 0, a)?;
        help.write_string(r as u32, 1, b)?;
    }
    Ok(())
}

/// The template: the headers with one example row and drop-down lists (sex, ethnicity,
/// village, relationship), a sheet of the commune's villages and of the lists' values, and a
/// sheet of help. `villages` are the user's (an empty list leaves the village column free).
pub fn template(villages: &[Village]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    children_sheet(&mut wb, villages)?;
    lists_sheet(&mut wb, villages)?;
    help_sheet(&mut wb)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_lists_and_a_sheet_of_villages() {
        use calamine::Reader;
        let villages = [Village {
            id: 1,
            code: "SP01".into(),
            name: "Thôn 1".into(),
            version: 1,
        }];
        let bytes = template(&villages).unwrap();
        let mut wb: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(wb.sheet_names(), ["Danh sách trẻ", "Danh mục", "Hướng dẫn"]);
        let lists = wb.worksheet_range("Danh mục").unwrap();
        assert_eq!(lists.get_value((1, 0)).unwrap().to_string(), "SP01");
        assert_eq!(lists.get_value((1, 1)).unwrap().to_string(), "Thôn 1");
        let (header, _) = read_table(
            "mau.xlsx",
            bytes.clone(),
            &treem_domain::limits::IMPORT_PAGE,
        )
        .unwrap();
        for h in ["Mã hộ", "Người chăm sóc 2", "Quan hệ với trẻ 2"] {
            assert!(header.iter().any(|x| x == h), "{h}");
        }
        // The drop-down lists: sex, ethnicity, village and both relationships.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(xml.contains("<dataValidations count=\"5\""), "{xml:.2000}");
    }

    /// An XLSX with `write` applied to its first sheet.
    fn xlsx(write: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        write(wb.add_worksheet());
        wb.save_to_buffer().unwrap()
    }

    /// A zip holding one entry of `n` zero bytes: a few kilobytes that unpack to `n`.
    fn zip_of_zeros(n: usize) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(n > u32::MAX as usize);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let block = vec![0u8; 1 << 20];
        for _ in 0..n / block.len() {
            z.write_all(&block).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_that_unpacks_past_the_limit_is_refused_before_it_is_read() {
        let bomb = zip_of_zeros(100 << 20);
        assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
        let e = read_table("bom.xlsx", bomb, &treem_domain::limits::IMPORT_PAGE).unwrap_err();
        assert_eq!(
            e,
            "bảng tính giải nén ra quá lớn: tối đa 64 MB khi giải nén; hãy chia thành nhiều tệp nhỏ hơn"
        );
        // Within the limit the check passes (and the spreadsheet reader then says what is wrong).
        assert!(check_unpacked(&zip_of_zeros(1 << 20), 64 << 20).is_ok());
    }

    #[test]
    fn a_sheet_starting_away_from_a1_reads_with_its_gaps_in_place() {
        // The table starts at B2; row 3 has no cells at all, row 4 only its last column.
        let bytes = xlsx(|ws| {
            ws.write_string(1, 1, "Họ và tên").unwrap();
            ws.write_string(1, 3, "Mã thôn").unwrap();
            ws.write_string(2, 3, "SP01").unwrap();
            ws.write_string(2, 1, "Giàng A Páo").unwrap();
            ws.write_string(4, 3, "SP02").unwrap();
        });
        let (header, rows) =
            read_table("xa.xlsx", bytes, &treem_domain::limits::IMPORT_PAGE).unwrap();
        assert_eq!(header, ["Họ và tên", "", "Mã thôn"]);
        let cells: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().collect()).collect();
        assert_eq!(
            cells,
            [
                vec!["Giàng A Páo", "", "SP01"],
                vec!["", "", ""],
                vec!["", "", "SP02"]
            ]
        );
    }

    #[test]
    fn a_cell_far_from_the_table_is_refused_without_a_dense_table() {
        // Two cells, A1 and XFD1048576: read as a dense range, 17 billion cells.
        let bytes = xlsx(|ws| {
            ws.write_string(0, 0, "Họ và tên").unwrap();
            ws.write_string(1_048_575, 16_383, "x").unwrap();
        });
        let e = read_table("xa.xlsx", bytes, &treem_domain::limits::IMPORT_PAGE).unwrap_err();
        assert!(e.contains("tối đa 20000 trẻ em"), "{e}");
        let bytes = xlsx(|ws| {
            ws.write_string(0, 0, "Họ và tên").unwrap();
            ws.write_string(1, 16_383, "x").unwrap();
        });
        let e = read_table("xa.xlsx", bytes, &treem_domain::limits::IMPORT_PAGE).unwrap_err();
        assert!(e.contains("tối đa 64 cột"), "{e}");
    }

    #[test]
    fn rows_past_the_channels_limit_are_refused_naming_it() {
        let mut csv = String::from("Họ và tên,Mã thôn\n");
        for i in 0..20_001 {
            csv.push_str(&format!("Giàng A Páo {i},SP01\n"));
        }
        let page = &treem_domain::limits::IMPORT_PAGE;
        let e = read_table("tre.csv", csv.clone().into_bytes(), page).unwrap_err();
        assert_eq!(
            e,
            "tệp có quá nhiều dòng: tối đa 20000 trẻ em mỗi lần nhập trên trang này; tệp lớn hơn nhập bằng lệnh treem import children"
        );
        // The command line takes it.
        let (_, rows) = read_table(
            "tre.csv",
            csv.into_bytes(),
            &treem_domain::limits::IMPORT_CLI,
        )
        .unwrap();
        assert_eq!(rows.len(), 20_001);
        let e = read_table("tre.ods", vec![1, 2, 3], page).unwrap_err();
        assert!(e.contains("chỉ nhận tệp .csv hoặc .xlsx"), "{e}");
    }

    #[test]
    fn a_huge_date_serial_is_a_row_error_not_a_panic() {
        let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        let bytes = xlsx(|ws| {
            for (c, h) in ["Họ và tên", "Ngày sinh", "Mã thôn"].iter().enumerate() {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            ws.write_string(1, 0, "Giàng A Páo").unwrap();
            ws.write_number_with_format(1, 1, 1e15, &date).unwrap();
            ws.write_string(1, 2, "SP01").unwrap();
        });
        let (header, rows) =
            read_table("t.xlsx", bytes, &treem_domain::limits::IMPORT_PAGE).unwrap();
        let villages = [Village {
            id: 1,
            code: "SP01".into(),
            name: "Sính Phình".into(),
            version: 1,
        }];
        let errors = check_file(
            &header,
            &rows,
            &villages,
            vec![],
            jiff::civil::date(2026, 1, 1),
        )
        .errors;
        assert_eq!(errors[0].column, "Ngày sinh");
        assert!(
            errors[0].message.contains("ngày sinh không hợp lệ"),
            "{errors:?}"
        );
    }
}
