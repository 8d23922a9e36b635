//! The rules of an import of children (nhập danh sách trẻ từ tệp): the template's columns, and
//! the check of every row of a file already read into text cells, into the children to write,
//! the **errors** (nothing is written until they are fixed) and the **warnings** (shown; the
//! clerk may go on). The page, the command line and the API all call [`check_rows`].
//!
//! Besides each row's own check ([`ChildDraft::parse`]), a file is checked as a whole:
//! - a row repeated in the file (same folded name, birth date and village, no personal ID; or
//!   the same personal ID twice) is an error naming both rows; with the birth date unknown,
//!   a warning;
//! - dates are written day first (dd/mm/yyyy, as in Vietnam). A date that can only be read
//!   month first (2/13/2020) is an error; when a file has any, every date of the file whose
//!   order is ambiguous (3/4/2019) is an error too, naming the rows that show the file mixes
//!   the two orders. A file whose dates are all day first, or ambiguous, is read day first;
//! - villages are matched by code or by name ([`VillageIndex`]), households by code
//!   ([`HouseholdIndex`]);
//! - a caregiver without "Quan hệ với trẻ" gets [`UNKNOWN_RELATIONSHIP`], with one warning for
//!   the whole file;
//! - names in capitals without accents are warnings.
use crate::register::{
    name_warning, CaregiverDraft, ChildData, ChildDraft, CircumstanceDraft, HouseholdIndex,
    VillageIndex,
};
use crate::validation::{date_order, DateOrder};
use jiff::civil::Date;
use std::collections::HashMap;

mod rows;
pub use rows::{Row, Rows, TooLarge};

/// (header, field) in template order. Headers are matched after folding, so "Ho va ten" works.
pub const COLUMNS: [(&str, &str); 26] = [
    ("Họ và tên", "full_name"),
    ("Tên gọi khác", "aliases"),
    ("Giới tính", "sex"),
    ("Ngày sinh", "date_of_birth"),
    ("Tuổi ước tính", "estimated_age"),
    ("Mã định danh", "personal_id"),
    ("Dân tộc", "ethnicity"),
    ("Mã thôn", "village"),
    ("Mã hộ", "household"),
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
    ("Người chăm sóc 2", "caregiver2_name"),
    ("Quan hệ với trẻ 2", "caregiver2_relationship"),
    ("Điện thoại 2", "caregiver2_phone"),
    ("Ghi chú", "notes"),
];

/// Other headers villages write for the same columns.
pub const HEADER_ALIASES: [(&str, &str); 7] = [
    ("Thôn", "village"),
    ("Thôn/bản", "village"),
    ("Thôn bản", "village"),
    ("Tên thôn", "village"),
    ("Hộ gia đình", "household"),
    ("Mã hộ gia đình", "household"),
    ("Quan hệ", "caregiver_relationship"),
];

/// The relationship given to a caregiver whose "Quan hệ với trẻ" was left blank.
pub const UNKNOWN_RELATIONSHIP: &str = "chưa rõ";

/// The relationships offered by the template's drop-down list (others may be typed).
pub const RELATIONSHIPS: [&str; 10] = [
    "mẹ",
    "bố",
    "ông",
    "bà",
    "anh",
    "chị",
    "cô",
    "chú",
    "người giám hộ",
    "người chăm sóc thay thế",
];

/// Past this many rows with the same warning, one warning lists them instead.
const WARNINGS_PER_KIND: usize = 10;

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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowIssue {
    /// Row number in the file, counting the header as row 1.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What checking a file found.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The children to write (complete only when `errors` is empty).
    pub children: Vec<ChildData>,
    /// The file's row of each child.
    pub lines: Vec<usize>,
    /// Nothing is written until these are fixed. In row order.
    pub errors: Vec<RowIssue>,
    /// Shown; the clerk may go on. In row order.
    pub warnings: Vec<RowIssue>,
}

impl ImportReport {
    /// The report of a file refused whole (a header problem).
    fn refused(errors: Vec<RowIssue>) -> Self {
        ImportReport {
            errors,
            ..Default::default()
        }
    }
}

/// What a check reads besides the file.
pub struct ImportContext<'a> {
    pub today: Date,
    /// The villages the user may write.
    pub villages: &'a VillageIndex,
    /// The households the user may link children to.
    pub households: &'a HouseholdIndex,
}

/// The template's header for a field of [`ChildDraft`] (`caregivers[1].phone` → "Điện thoại
/// 2"; the field itself if unknown).
pub fn header_label(field: &str) -> String {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let second = field.starts_with("caregivers[1]");
    let mapped = match (base, field.rsplit('.').next().unwrap_or("")) {
        ("caregivers", "phone") if second => "caregiver2_phone",
        ("caregivers", "relationship") if second => "caregiver2_relationship",
        ("caregivers", _) if second => "caregiver2_name",
        ("caregivers", "phone") => "caregiver_phone",
        ("caregivers", "relationship") => "caregiver_relationship",
        ("caregivers", _) => "caregiver_name",
        ("circumstances", "from") | ("circumstances", "to") => "circumstances_from",
        ("circumstances", _) => "circumstances",
        ("household_id", _) => "household",
        (b, _) => b,
    };
    COLUMNS
        .iter()
        .find(|(_, f)| *f == mapped)
        .map(|(h, _)| h.to_string())
        .unwrap_or_else(|| field.to_string())
}

/// The file's columns: each field of [`COLUMNS`] with its place in the header.
type Columns = HashMap<&'static str, usize>;

/// Checks every row of a file. Rows are checked on every core, a slice each; what concerns
/// the file as a whole (repeated rows, the order of day and month) after, in memory: no row
/// costs a database query.
pub fn check_rows(header: &[String], rows: &Rows, cx: &ImportContext) -> ImportReport {
    match columns_of(header) {
        Ok(columns) => check_all(&columns, rows, cx, true),
        Err(errors) => ImportReport::refused(errors),
    }
}

/// Reads the header: each column's field, or the errors that refuse the file.
fn columns_of(header: &[String]) -> Result<Columns, Vec<RowIssue>> {
    let mut index: Columns = HashMap::new();
    let mut errors = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let f = crate::text::fold(h);
        if f.is_empty() {
            continue;
        }
        match COLUMNS
            .iter()
            .chain(HEADER_ALIASES.iter())
            .find(|(label, _)| crate::text::fold(label) == f)
        {
            Some((_, field)) => {
                if index.insert(field, i).is_some() {
                    errors.push(RowIssue {
                        row: 1,
                        column: h.clone(),
                        message: format!("cột «{}» có hai lần", header_label(field)),
                    });
                }
            }
            None => errors.push(RowIssue {
                row: 1,
                column: h.clone(),
                message: "cột không có trong mẫu; hãy dùng tệp mẫu (treem template children)"
                    .into(),
            }),
        }
    }
    for required in ["full_name", "village"] {
        if !index.contains_key(required) {
            errors.push(RowIssue {
                row: 1,
                column: header_label(required),
                message: "thiếu cột bắt buộc".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(index)
    } else {
        Err(errors)
    }
}

/// [`check_rows`] once the header is read; `keep`: whether the report holds the children, or
/// only their lines (they are built again a part at a time: [`RowsToWrite`]).
fn check_all(index: &Columns, rows: &Rows, cx: &ImportContext, keep: bool) -> ImportReport {
    let threads = if rows.len() >= 20_000 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    let per = rows.len().div_ceil(threads).max(1);
    let parts: Vec<Checked> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..rows.len())
            .step_by(per)
            .map(|from| {
                let slice = from..(from + per).min(rows.len());
                // The first slice keeps room for every row, so the others are appended to it
                // without moving it.
                let room = match (keep, from) {
                    (false, _) => None,
                    (true, 0) => Some(rows.len()),
                    (true, _) => Some(slice.len()),
                };
                s.spawn(move || check_slice(index, rows, slice, cx, room))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("row check panicked"))
            .collect()
    });
    let mut report = ImportReport::default();
    let mut file = FileFacts::default();
    for part in parts {
        report.errors.extend(part.errors);
        report.warnings.extend(part.warnings);
        if report.lines.is_empty() {
            report.children = part.children;
            report.lines = part.lines;
        } else {
            report.children.extend(part.children);
            report.lines.extend(part.lines);
        }
        file.add(part.facts);
    }
    file.check(&mut report);
    // In row order; a sort that keeps each row's messages in the order found.
    report.errors.sort_by_key(|e| e.row);
    report.warnings.sort_by_key(|e| e.row);
    report
}

/// Where an import's children come from, a part at a time, in the order they are written: all
/// at once from memory ([`AllAtOnce`]), or built again from a file's cells as the write
/// reaches them ([`RowsToWrite`]).
pub trait ChildParts: Send {
    /// How many children all the parts hold.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The next part; `None` after the last.
    fn next_part(&mut self) -> Option<Vec<ChildData>>;
    /// Whether a child may name a household, which the write then looks up.
    fn names_households(&self) -> bool;
}

/// Children already in memory, given as one part.
pub struct AllAtOnce {
    count: usize,
    children: Option<Vec<ChildData>>,
}

impl AllAtOnce {
    pub fn new(children: Vec<ChildData>) -> Self {
        AllAtOnce {
            count: children.len(),
            children: Some(children),
        }
    }
}

impl ChildParts for AllAtOnce {
    fn len(&self) -> usize {
        self.count
    }
    fn next_part(&mut self) -> Option<Vec<ChildData>> {
        self.children.take()
    }
    fn names_households(&self) -> bool {
        self.children
            .iter()
            .flatten()
            .any(|c| c.household_code.is_some() || c.household_id.is_some())
    }
}

/// Rows of a part built again by [`RowsToWrite`]: about 36 MB of children.
pub const PART_ROWS: usize = 50_000;

/// A file checked without keeping its children, which builds them again from its cells a part
/// at a time as they are written (tệp đã kiểm tra, chờ ghi). A child as written holds about
/// 720 bytes, its row's cells about 180: a file of two million rows held as children took the
/// command past 1 GB. Every part is built by the same check, so it gives the children the
/// check counted, in the same order.
pub struct RowsToWrite {
    columns: Columns,
    rows: Rows,
    villages: VillageIndex,
    households: HouseholdIndex,
    today: Date,
    next: usize,
    count: usize,
    part_rows: usize,
}

impl RowsToWrite {
    /// Checks the file as [`check_rows`] does; the report's `children` stay empty (its
    /// `lines` are all there), and the rows to write come back when the header could be read.
    pub fn check(
        header: &[String],
        rows: Rows,
        villages: VillageIndex,
        households: HouseholdIndex,
        today: Date,
    ) -> (ImportReport, Option<RowsToWrite>) {
        let columns = match columns_of(header) {
            Ok(c) => c,
            Err(errors) => return (ImportReport::refused(errors), None),
        };
        let mut parts = RowsToWrite {
            columns,
            rows,
            villages,
            households,
            today,
            next: 0,
            count: 0,
            part_rows: PART_ROWS,
        };
        let report = check_all(&parts.columns, &parts.rows, &parts.context(), false);
        parts.count = report.lines.len();
        (report, Some(parts))
    }

    /// What the check reads besides the file, for the whole file and for each part alike.
    fn context(&self) -> ImportContext<'_> {
        ImportContext {
            today: self.today,
            villages: &self.villages,
            households: &self.households,
        }
    }

    /// Parts of `rows` rows of the file ([`PART_ROWS`] unless set; tests cut small files in
    /// many parts).
    pub fn parts_of(mut self, rows: usize) -> Self {
        self.part_rows = rows.max(1);
        self
    }
}

impl ChildParts for RowsToWrite {
    fn len(&self) -> usize {
        self.count
    }

    fn next_part(&mut self) -> Option<Vec<ChildData>> {
        if self.next >= self.rows.len() {
            return None;
        }
        let slice = self.next..(self.next + self.part_rows).min(self.rows.len());
        self.next = slice.end;
        let room = Some(slice.len());
        Some(check_slice(&self.columns, &self.rows, slice, &self.context(), room).children)
    }

    fn names_households(&self) -> bool {
        self.columns.contains_key("household")
    }
}

/// Who a child without a personal ID is, for finding the same child twice in a file: folded
/// name, birth date, village.
type Person = (String, Option<Date>, String);

/// What the whole file's checks need from the rows, collected per slice.
#[derive(Default)]
struct FileFacts {
    /// Personal IDs (as numbers: 12 digits) with their lines.
    ids: Vec<(u64, usize)>,
    /// (folded name, birth date, village) of children without a personal ID, with their lines.
    people: Vec<(Person, usize)>,
    /// Dates that read only day first, only month first, or either: (line, column, text).
    day_first: Vec<(usize, String)>,
    month_first: Vec<(usize, String)>,
    either: Vec<(usize, String, String)>,
    /// Lines whose caregiver had no relationship.
    no_relationship: Vec<usize>,
    /// Lines whose child's name is in capitals without accents: (line, column, name).
    shouting: Vec<(usize, String, String)>,
}

impl FileFacts {
    fn add(&mut self, other: FileFacts) {
        self.ids.extend(other.ids);
        self.people.extend(other.people);
        self.day_first.extend(other.day_first);
        self.month_first.extend(other.month_first);
        self.either.extend(other.either);
        self.no_relationship.extend(other.no_relationship);
        self.shouting.extend(other.shouting);
    }

    fn check(mut self, report: &mut ImportReport) {
        let pid = header_label("personal_id");
        let name = header_label("full_name");
        // Each repeat of an ID names the line where it was first seen.
        self.ids.sort_unstable();
        let mut first_of = None;
        for pair in self.ids.windows(2) {
            let ((a, first), (b, line)) = (pair[0], pair[1]);
            if a != b {
                first_of = None;
                continue;
            }
            let first = *first_of.get_or_insert(first);
            report.errors.push(RowIssue {
                row: line,
                column: pid.clone(),
                message: format!("trùng mã định danh với dòng {first}"),
            });
        }
        // The same child twice without a personal ID: a hash map of the first line of each.
        let mut seen: HashMap<Person, usize> = HashMap::with_capacity(self.people.len());
        self.people.sort_unstable_by_key(|p| p.1);
        for (key, line) in self.people {
            let known_date = key.1.is_some();
            match seen.get(&key) {
                None => {
                    seen.insert(key, line);
                }
                Some(&first) if known_date => report.errors.push(RowIssue {
                    row: line,
                    column: name.clone(),
                    message: format!(
                        "dòng {first} và dòng {line} là một trẻ: cùng họ tên, ngày sinh và thôn/bản, không có mã định danh; hãy bỏ một dòng (hoặc ghi mã định danh nếu là hai trẻ)"
                    ),
                }),
                Some(&first) => report.warnings.push(RowIssue {
                    row: line,
                    column: name.clone(),
                    message: format!(
                        "có thể trùng với dòng {first}: cùng họ tên và thôn/bản, chưa biết ngày sinh; hãy kiểm tra"
                    ),
                }),
            }
        }
        // Dates: a file with any date only month first has its ambiguous dates questioned.
        if let Some((m_line, m_text)) = self.month_first.iter().min() {
            let day = self
                .day_first
                .iter()
                .min()
                .map(|(l, t)| format!(" và ngày viết ngày trước (dòng {l}: {t})"))
                .unwrap_or_default();
            for (line, column, text) in self.either {
                report.errors.push(RowIssue {
                    row: line,
                    column,
                    message: format!(
                        "ngày «{text}» đọc được hai cách (ngày/tháng hoặc tháng/ngày): tệp này có ngày viết tháng trước (dòng {m_line}: {m_text}){day}; hãy viết mọi ngày theo dd/mm/yyyy, hoặc yyyy-mm-dd"
                    ),
                });
            }
        }
        if let Some(&first) = self.no_relationship.iter().min() {
            report.warnings.push(RowIssue {
                row: first,
                column: header_label("caregiver_relationship"),
                message: format!(
                    "để trống ở {} dòng ({}): đã ghi «{UNKNOWN_RELATIONSHIP}»; sửa trên trang của trẻ khi biết",
                    self.no_relationship.len(),
                    lines_text(&mut self.no_relationship)
                ),
            });
        }
        if self.shouting.len() > WARNINGS_PER_KIND {
            let mut lines: Vec<usize> = self.shouting.iter().map(|s| s.0).collect();
            report.warnings.push(RowIssue {
                row: lines.iter().copied().min().unwrap_or(2),
                column: name,
                message: format!(
                    "{} dòng viết họ tên hoa, không dấu ({}): hãy kiểm tra và viết lại có dấu nếu cần",
                    lines.len(),
                    lines_text(&mut lines)
                ),
            });
        } else {
            for (row, column, n) in self.shouting {
                if let Some(message) = name_warning(&n) {
                    report.warnings.push(RowIssue {
                        row,
                        column,
                        message,
                    });
                }
            }
        }
    }
}

/// "dòng 2, 3, 5, … (10 dòng đầu)".
fn lines_text(lines: &mut [usize]) -> String {
    lines.sort_unstable();
    let shown: Vec<String> = lines.iter().take(10).map(|l| l.to_string()).collect();
    format!(
        "dòng {}{}",
        shown.join(", "),
        if lines.len() > 10 { ", …" } else { "" }
    )
}

/// What checking a slice of rows found.
struct Checked {
    children: Vec<ChildData>,
    lines: Vec<usize>,
    errors: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
    facts: FileFacts,
}

/// The date columns, whose order of day and month the file check looks at.
const DATE_FIELDS: [&str; 3] = ["date_of_birth", "birth_registered_on", "circumstances_from"];

/// Checks one slice of the rows; `room`: keep the children, with room for that many (or only
/// their lines).
fn check_slice(
    index: &Columns,
    rows: &Rows,
    slice: std::ops::Range<usize>,
    cx: &ImportContext,
    room: Option<usize>,
) -> Checked {
    let mut c = Checked {
        children: Vec::with_capacity(room.unwrap_or(0)),
        lines: Vec::with_capacity(room.unwrap_or(slice.len())),
        errors: Vec::new(),
        warnings: Vec::new(),
        facts: FileFacts::default(),
    };
    // Each field's column in the file, by the field's place in COLUMNS: looked up once, not for
    // every cell.
    let columns: [Option<usize>; COLUMNS.len()] =
        std::array::from_fn(|k| index.get(COLUMNS[k].1).copied());
    let date_columns: Vec<(usize, String)> = DATE_FIELDS
        .iter()
        .filter_map(|f| index.get(f).map(|&i| (i, header_label(f))))
        .collect();
    for n in slice {
        let row = rows.row(n);
        let line = n + 2;
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
        let mut row_errors: Vec<RowIssue> = Vec::new();
        let issue = |field: &str, message: String| RowIssue {
            row: line,
            column: header_label(field),
            message,
        };
        for (i, column) in &date_columns {
            let Some(text) = row.get(*i).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
                continue;
            };
            match date_order(text) {
                DateOrder::DayFirst => c.facts.day_first.push((line, text.to_string())),
                DateOrder::MonthFirst(_) => c.facts.month_first.push((line, text.to_string())),
                DateOrder::Either => c
                    .facts
                    .either
                    .push((line, column.clone(), text.to_string())),
                DateOrder::Plain => {}
            }
        }
        let village = match cell!("village") {
            None => None,
            Some(v) => match cx.villages.resolve(&v) {
                Ok(code) => Some(code),
                Err(e) => {
                    row_errors.push(issue("village", e));
                    // Kept so that the row's other fields are still checked.
                    Some(String::from("?"))
                }
            },
        };
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
            village,
            household: cell!("household"),
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
        let mut no_relationship = false;
        for (name, relationship, phone) in [
            (
                cell!("caregiver_name"),
                cell!("caregiver_relationship"),
                cell!("caregiver_phone"),
            ),
            (
                cell!("caregiver2_name"),
                cell!("caregiver2_relationship"),
                cell!("caregiver2_phone"),
            ),
        ] {
            if name.is_none() && relationship.is_none() && phone.is_none() {
                continue;
            }
            let relationship = match relationship {
                None if name.is_some() => {
                    no_relationship = true;
                    Some(UNKNOWN_RELATIONSHIP.to_string())
                }
                r => r,
            };
            d.caregivers.push(CaregiverDraft {
                relationship,
                full_name: name,
                phone,
            });
        }
        match d.parse(cx.today) {
            Ok(mut child) if row_errors.is_empty() => {
                let typed = match (&child.household_code, child.household_id) {
                    (Some(code), _) => Some(code.clone()),
                    (None, Some(id)) => Some(format!("#{id}")),
                    _ => None,
                };
                if let Some(typed) = typed {
                    match cx.households.resolve(&typed, &child.village) {
                        Ok(id) => {
                            child.household_id = Some(id);
                            child.household_code = None;
                        }
                        Err(e) => {
                            c.errors.push(issue("household", e));
                            continue;
                        }
                    }
                }
                if no_relationship {
                    c.facts.no_relationship.push(line);
                }
                if name_warning(&child.full_name).is_some() {
                    c.facts.shouting.push((
                        line,
                        header_label("full_name"),
                        child.full_name.clone(),
                    ));
                }
                for (k, g) in child.caregivers.iter().enumerate() {
                    if name_warning(&g.full_name).is_some() {
                        c.facts.shouting.push((
                            line,
                            header_label(&format!("caregivers[{k}].full_name")),
                            g.full_name.clone(),
                        ));
                    }
                }
                match &child.personal_id {
                    Some(pid) => c
                        .facts
                        .ids
                        .push((pid.as_str().parse::<u64>().unwrap_or(u64::MAX), line)),
                    None => c.facts.people.push((
                        (
                            crate::text::fold(&child.full_name),
                            child.date_of_birth,
                            child.village.clone(),
                        ),
                        line,
                    )),
                }
                if room.is_some() {
                    c.children.push(child);
                }
                c.lines.push(line);
            }
            Ok(_) => c.errors.append(&mut row_errors),
            Err(e) => {
                c.errors.append(&mut row_errors);
                for f in e.0 {
                    c.errors.push(RowIssue {
                        row: line,
                        column: header_label(&f.field),
                        message: f.message,
                    });
                }
            }
        }
    }
    c
}

#[cfg(test)]
mod tests;
