//! Children from CSV or XLSX with Vietnamese column headers, shared by the import page and
//! `treem import children`: every row is checked before anything is written.
use std::collections::HashMap;
use treem_domain::limits::ImportLimits;
use treem_domain::register::{CaregiverDraft, ChildData, ChildDraft, CircumstanceDraft};

/// (header, field) in template order. Headers are matched after folding, so "Ho va ten" works.
pub const COLUMNS: [(&str, &str); 22] = [
    ("Họ và tên", "full_name"),
    ("Tên gọi khác", "aliases"),
    ("Giới tính", "sex"),
    ("Ngày sinh", "date_of_birth"),
    ("Tuổi ước tính", "estimated_age"),
    ("Mã định danh", "personal_id"),
    ("Dân tộc", "ethnicity"),
    ("Mã thôn", "village"),
    ("Ngày đăng ký khai sinh", "birth_registered_on"),
    ("Nơi đăng ký khai sinh", "birth_registration_place"),
    ("Số thẻ BHYT", "insurance_card"),
    ("Cấp học", "school_level"),
    ("Trường", "school"),
    ("Lớp", "grade"),
    ("Dạng khuyết tật", "disability_type"),
    ("Mức độ khuyết tật", "disability_severity"),
    ("Nhóm hoàn cảnh đặc biệt", "circumstances"),
    ("Hoàn cảnh đặc biệt từ ngày", "circumstances_from"),
    ("Người chăm sóc", "caregiver_name"),
    ("Quan hệ với trẻ", "caregiver_relationship"),
    ("Điện thoại", "caregiver_phone"),
    ("Ghi chú", "notes"),
];

/// The place of `field` in [`COLUMNS`] (at compile time; an unknown field does not compile).
const fn field_position(field: &str) -> usize {
    let f = field.as_bytes();
    let mut k = 0;
    while k < COLUMNS.len() {
        let c = COLUMNS[k].1.as_bytes();
        if c.len() == f.len() {
            let mut i = 0;
            while i < f.len() && c[i] == f[i] {
                i += 1;
            }
            if i == f.len() {
                return k;
            }
        }
        k += 1;
    }
    panic!("not a column of the template")
}

/// One problem, located as a spreadsheet user would look for it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// Row number in the file, counting the header as row 1.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// Reads a file into header + rows of text cells, within `limits` (the channel's: the page's
/// or the command line's). CSV and XLSX only: the other spreadsheet formats cannot be bounded
/// before they are read (ODS repeats cells by count, XLS is not a zip).
pub fn read_table(
    name: &str,
    bytes: Vec<u8>,
    limits: &ImportLimits,
) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
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

fn read_csv(
    bytes: Vec<u8>,
    limits: &ImportLimits,
) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
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
    let mut rows = Vec::new();
    for (i, r) in rdr.records().enumerate() {
        let r = r.map_err(|e| format!("dòng {}: {e}", i + 2))?;
        if rows.len() == limits.rows {
            return Err(too_many_rows(limits));
        }
        if r.len() > limits.columns {
            return Err(format!("dòng {}: {}", i + 2, too_many_columns(limits)));
        }
        rows.push(r.iter().map(str::to_string).collect());
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
) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
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
        return Ok((vec![], vec![]));
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
    let width = (right - left + 1) as usize;
    let mut table = vec![vec![String::new(); width]; (bottom - top + 1) as usize];
    for (row, col, text) in cells {
        table[(row - top) as usize][(col - left) as usize] = text;
    }
    let mut rows = table.into_iter();
    let header = rows.next().unwrap_or_default();
    Ok((header, rows.collect()))
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

/// Rows whose village code is not among `known`, from the raw cells (so the report lists them
/// even when other cells of the file are wrong too).
pub fn unknown_villages(
    header: &[String],
    rows: &[Vec<String>],
    known: &std::collections::HashSet<String>,
) -> Vec<RowError> {
    let label = header_label("village");
    let folded = treem_domain::text::fold(&label);
    let Some(col) = header
        .iter()
        .position(|h| treem_domain::text::fold(h) == folded)
    else {
        return vec![];
    };
    rows.iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let v = r.get(col).map(|s| s.trim()).unwrap_or("");
            (!v.is_empty() && !known.contains(v)).then(|| RowError {
                row: i + 2,
                column: label.clone(),
                message: format!("không có thôn/bản mã «{v}»"),
            })
        })
        .collect()
}

fn header_label(field: &str) -> String {
    if let Some((h, _)) = COLUMNS.iter().find(|(_, f)| *f == field) {
        return h.to_string();
    }
    // Nested fields from the draft map back to the flat columns.
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let mapped = match (base, field.rsplit('.').next().unwrap_or("")) {
        ("caregivers", "phone") => "caregiver_phone",
        ("caregivers", "relationship") => "caregiver_relationship",
        ("caregivers", _) => "caregiver_name",
        ("circumstances", "from") | ("circumstances", "to") => "circumstances_from",
        ("circumstances", _) => "circumstances",
        (b, _) => b,
    };
    COLUMNS
        .iter()
        .find(|(_, f)| *f == mapped)
        .map(|(h, _)| h.to_string())
        .unwrap_or_else(|| field.to_string())
}

/// Turns rows into children, or every problem found.
pub fn parse_rows(
    header: &[String],
    rows: &[Vec<String>],
    today: jiff::civil::Date,
) -> Result<Vec<ChildData>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let f = treem_domain::text::fold(h);
        if let Some((_, field)) = COLUMNS
            .iter()
            .find(|(label, _)| treem_domain::text::fold(label) == f)
        {
            index.insert(field, i);
        } else if !h.trim().is_empty() {
            errors.push(RowError {
                row: 1,
                column: h.clone(),
                message: "cột không có trong mẫu; hãy dùng tệp mẫu (treem template children)"
                    .into(),
            });
        }
    }
    for required in ["full_name", "village"] {
        if !index.contains_key(required) {
            errors.push(RowError {
                row: 1,
                column: header_label(required),
                message: "thiếu cột bắt buộc".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Rows are checked on every core, a slice each; duplicates across slices are found after.
    let threads = if rows.len() >= 20_000 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    let per = rows.len().div_ceil(threads).max(1);
    let index = &index;
    let parts: Vec<Checked> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(per)
            .enumerate()
            .map(|(k, slice)| {
                s.spawn(move || parse_slice(index, k * per, slice, rows.len(), today))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("row check panicked"))
            .collect()
    });
    // Personal IDs with their lines, in line order; a personal ID is exactly 12 digits, so its
    // number identifies it.
    let mut ids: Vec<(u64, usize)> = Vec::new();
    let mut out: Vec<ChildData> = Vec::new();
    for part in parts {
        errors.extend(part.errors);
        ids.extend(part.ids);
        if out.is_empty() {
            out = part.children;
        } else {
            out.extend(part.children);
        }
    }
    // Each repeat of an ID names the line where it was last seen.
    ids.sort_unstable();
    for pair in ids.windows(2) {
        let ((a, first), (b, line)) = (pair[0], pair[1]);
        if a == b {
            errors.push(RowError {
                row: line,
                column: header_label("personal_id"),
                message: format!("trùng mã định danh với dòng {first}"),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        // In row order, as if checked one by one (a row has either its own errors or a
        // duplicate, never both).
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

/// What checking a slice of rows found.
struct Checked {
    children: Vec<ChildData>,
    /// The personal IDs given, as numbers, with their lines.
    ids: Vec<(u64, usize)>,
    errors: Vec<RowError>,
}

/// Checks one slice of rows, the first at `offset` of `total` (the first slice keeps room for
/// every row, so the others are appended to it without moving it).
fn parse_slice(
    index: &HashMap<&str, usize>,
    offset: usize,
    rows: &[Vec<String>],
    total: usize,
    today: jiff::civil::Date,
) -> Checked {
    let mut out = Vec::with_capacity(if offset == 0 { total } else { rows.len() });
    let mut ids = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    // Each field's column in the file, by the field's place in COLUMNS: looked up once, not for
    // every cell.
    let columns: [Option<usize>; COLUMNS.len()] =
        std::array::from_fn(|k| index.get(COLUMNS[k].1).copied());
    for (n, row) in rows.iter().enumerate() {
        let line = offset + n + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = |k: usize| -> Option<String> {
            columns[k]
                .and_then(|i| row.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        macro_rules! cell {
            ($field:literal) => {
                at(const { field_position($field) })
            };
        }
        let mut d = ChildDraft {
            full_name: cell!("full_name"),
            aliases: cell!("aliases")
                .map(|a| a.split([';', ',']).map(|s| s.trim().to_string()).collect())
                .unwrap_or_default(),
            sex: cell!("sex"),
            date_of_birth: cell!("date_of_birth"),
            estimated_age: cell!("estimated_age").map(serde_json::Value::from),
            personal_id: cell!("personal_id"),
            ethnicity: cell!("ethnicity").map(serde_json::Value::from),
            village: cell!("village"),
            birth_registered_on: cell!("birth_registered_on"),
            birth_registration_place: cell!("birth_registration_place"),
            insurance_card: cell!("insurance_card"),
            school_level: cell!("school_level"),
            school: cell!("school"),
            grade: cell!("grade"),
            disability_type: cell!("disability_type"),
            disability_severity: cell!("disability_severity"),
            notes: cell!("notes"),
            ..Default::default()
        };
        if let Some(codes) = cell!("circumstances") {
            let from = cell!("circumstances_from");
            d.circumstances = codes
                .split([';', ',', ' '])
                .filter(|c| !c.is_empty())
                .map(|c| CircumstanceDraft {
                    code: Some(c.to_string()),
                    from: from.clone(),
                    to: None,
                })
                .collect();
        }
        if cell!("caregiver_name").is_some()
            || cell!("caregiver_relationship").is_some()
            || cell!("caregiver_phone").is_some()
        {
            d.caregivers = vec![CaregiverDraft {
                relationship: cell!("caregiver_relationship"),
                full_name: cell!("caregiver_name"),
                phone: cell!("caregiver_phone"),
            }];
        }
        match d.parse(today) {
            Ok(c) => {
                if let Some(pid) = &c.personal_id {
                    ids.push((pid.as_str().parse::<u64>().unwrap_or(u64::MAX), line));
                }
                out.push(c);
            }
            Err(e) => {
                for f in e.0 {
                    errors.push(RowError {
                        row: line,
                        column: header_label(&f.field),
                        message: f.message,
                    });
                }
            }
        }
    }
    Checked {
        children: out,
        ids,
        errors,
    }
}

/// The template: headers, one example row, and a sheet of codes.
pub fn template() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name("Danh sách trẻ")?;
    let example = [
        "Giàng A Páo",
        "Pao; Pháo",
        "nam",
        "15/03/2018",
        "",
        "011218123456",
        "H'Mông",
        "SP01",
        "20/04/2018",
        "UBND xã Sính Phình",
        "",
        "tieu_hoc",
        "Trường PTDTBT Tiểu học Sính Phình",
        "3",
        "",
        "",
        "",
        "",
        "Giàng Thị Mỷ",
        "mẹ",
        "0912345678",
        "",
    ];
    for (i, (h, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *h, &bold)?;
        sheet.write_string(1, i as u16, example[i])?;
        sheet.set_column_width(i as u16, 18)?;
    }
    let help = wb.add_worksheet();
    help.set_name("Hướng dẫn")?;
    let mut r = 0u32;
    let mut line = |a: &str, b: &str| -> Result<(), rust_xlsxwriter::XlsxError> {
        help.write_string(r, 0, a)?;
        help.write_string(r, 1, b)?;
        r += 1;
        Ok(())
    };
    line(
        "Ngày",
        "dd/mm/yyyy; ngày sinh có thể chỉ mm/yyyy hoặc yyyy, hoặc bỏ trống và ghi Tuổi ước tính",
    )?;
    line("Giới tính", "nam / nữ / không biết")?;
    line("Mã định danh", "12 chữ số; chữ số thứ 4 là 2 (nam) hoặc 3 (nữ) với trẻ sinh 2000-2099; chữ số 5-6 là năm sinh")?;
    line("Dân tộc", "tên hoặc mã theo QĐ 1019/QĐ-TCTK (08 = H'Mông)")?;
    line(
        "Nhóm hoàn cảnh đặc biệt",
        "các mã a…o theo Điều 10 Luật Trẻ em, cách nhau bởi dấu ;",
    )?;
    for (c, l) in treem_domain::circumstance::GROUPS {
        line(&format!("  {c}"), l)?;
    }
    line("Cấp học", "none, nha_tre, mau_giao, tieu_hoc, thcs, thpt")?;
    line(
        "Dạng khuyết tật",
        "van_dong, nghe_noi, nhin, than_kinh_tam_than, tri_tue, khac",
    )?;
    line("Mức độ khuyết tật", "nhe, nang, dac_biet_nang")?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        [
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Mã định danh",
            "Mã thôn",
        ]
        .map(String::from)
        .to_vec()
    }

    fn row(name: &str, pid: &str) -> Vec<String> {
        [name, "nam", "15/03/2018", pid, "SP01"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn every_problem_of_a_large_file_by_row_with_duplicates_across_slices() {
        let today = jiff::civil::date(2026, 1, 1);
        let mut rows: Vec<Vec<String>> = (0..30_000)
            .map(|i| row(&format!("Giàng A Páo {i}"), &format!("011218{i:06}")))
            .collect();
        rows[5] = row("", "011218000005");
        rows[29_000][1] = "x".into();
        rows[29_100][3] = "011218000010".into();
        rows[29_500][3] = "011218000010".into();
        rows[20_000] = vec![String::new(); 5];
        let errors = parse_rows(&header(), &rows, today).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (7, "Họ và tên", "cần nhập họ và tên"),
                (
                    29_002,
                    "Giới tính",
                    "giới tính chỉ nhận: nam (male), nữ (female) hoặc không biết (unknown)"
                ),
                (29_102, "Mã định danh", "trùng mã định danh với dòng 12"),
                (29_502, "Mã định danh", "trùng mã định danh với dòng 29102"),
            ]
        );
        rows[5][0] = "Giàng A Páo 5".into();
        rows[29_000][1] = "nam".into();
        rows[29_100][3] = String::new();
        rows[29_500][3] = String::new();
        let children = parse_rows(&header(), &rows, today).unwrap();
        assert_eq!(children.len(), 29_999);
        assert_eq!(children[29_998].full_name, "Giàng A Páo 29999");
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
        let errors = parse_rows(&header, &rows, jiff::civil::date(2026, 1, 1)).unwrap_err();
        assert_eq!(errors[0].column, "Ngày sinh");
        assert!(
            errors[0].message.contains("ngày sinh không hợp lệ"),
            "{errors:?}"
        );
    }
}
