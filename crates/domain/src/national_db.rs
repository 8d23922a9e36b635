//! The national children's database (cơ sở dữ liệu quốc gia về trẻ em; Đề án 06, "bổ sung Mã
//! định danh và cập nhật dữ liệu"): which records need cleaning before upload ([`gaps`]: no or
//! malformed personal ID, or no name, birth date, sex, ethnic group or caregiver), the commune
//! police's answers read back ([`read_answers`]: all rows or none, each bad row named), and the
//! flat export keyed by personal ID whose columns are data (`data/national-export.toml`,
//! [`ExportLayout`]).
use crate::personal_id::PersonalId;
use crate::register::{Child, ChildData, VillageNames};
use crate::role::Role;
use crate::sex::Sex;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// Who runs the clean-up and the export: the officer (owns the register) and the commune
/// police (verifies the IDs).
pub fn may_clean(role: Role) -> bool {
    matches!(role, Role::Officer | Role::Police)
}

/// What a record lacks for the national database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Gap {
    NoPersonalId,
    /// The ID does not agree with the sex or birth year (the message says how).
    MalformedId(String),
    NoName,
    NoBirthDate,
    NoSex,
    NoEthnicity,
    NoCaregiver,
}

impl Gap {
    pub fn label_vi(&self) -> String {
        match self {
            Gap::NoPersonalId => "chưa có mã định danh".into(),
            Gap::MalformedId(why) => format!("mã định danh sai: {why}"),
            Gap::NoName => "thiếu họ tên".into(),
            Gap::NoBirthDate => "thiếu ngày sinh".into(),
            Gap::NoSex => "thiếu giới tính".into(),
            Gap::NoEthnicity => "thiếu dân tộc".into(),
            Gap::NoCaregiver => "thiếu người chăm sóc".into(),
        }
    }
}

/// What `d` lacks (empty: ready for upload).
pub fn gaps(d: &ChildData) -> Vec<Gap> {
    let mut out = Vec::new();
    match &d.personal_id {
        None => out.push(Gap::NoPersonalId),
        Some(id) => {
            if let Err(e) = PersonalId::parse_for(id.as_str(), d.sex, d.birth_year()) {
                out.push(Gap::MalformedId(e.to_string()));
            }
        }
    }
    if d.full_name.trim().is_empty() {
        out.push(Gap::NoName);
    }
    if d.date_of_birth.is_none() {
        out.push(Gap::NoBirthDate);
    }
    if d.sex == Sex::Unknown {
        out.push(Gap::NoSex);
    }
    if d.ethnicity.is_none() {
        out.push(Gap::NoEthnicity);
    }
    if d.caregivers.iter().all(|c| c.full_name.trim().is_empty()) {
        out.push(Gap::NoCaregiver);
    }
    out
}

/// One answer of the police as typed: the child (treem's number) and the verified ID.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TypedAnswer {
    #[serde(default)]
    pub child: String,
    #[serde(default)]
    pub personal_id: String,
}

/// An answer read: the child's id and the ID as typed (checked against the child's record by
/// [`check_answer`] once the record is read).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub child: i64,
    pub personal_id: String,
}

/// The field naming row `i` (from 1) of a batch.
pub fn row_field(i: usize) -> String {
    format!("rows.{i}")
}

/// Reads the rows that carry an ID (blank IDs are left out: not verified yet). Every bad row is
/// named ("dòng 3: …"); a child twice or an ID twice is refused. Nothing is kept unless every
/// row reads.
pub fn read_answers(rows: &[TypedAnswer]) -> Result<Vec<Answer>, FieldErrors> {
    let mut errs = FieldErrors::default();
    let mut out: Vec<Answer> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        let field = row_field(n);
        let id_text: String = r
            .personal_id
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if id_text.is_empty() {
            continue;
        }
        let child = match r.child.trim().parse::<i64>() {
            Ok(c) if c > 0 => c,
            _ => {
                errs.push(
                    &field,
                    format!("dòng {n}: mã trẻ «{}» không hợp lệ", r.child.trim()),
                );
                continue;
            }
        };
        if let Err(e) = PersonalId::parse(&id_text) {
            errs.push(&field, format!("dòng {n}: {e} («{id_text}»)"));
            continue;
        }
        if out.iter().any(|a| a.child == child) {
            errs.push(&field, format!("dòng {n}: trẻ số {child} ghi hai lần"));
            continue;
        }
        if out.iter().any(|a| a.personal_id == id_text) {
            errs.push(
                &field,
                format!("dòng {n}: mã định danh {id_text} ghi cho hai trẻ"),
            );
            continue;
        }
        out.push(Answer {
            child,
            personal_id: id_text,
        });
    }
    if out.is_empty() && errs.is_empty() {
        errs.push("rows", "chưa có dòng nào ghi mã định danh");
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// The answer against the child's record: the ID must agree with the sex and birth year.
/// The message names the row and the child.
pub fn check_answer(n: usize, a: &Answer, d: &ChildData) -> Result<ChildData, String> {
    match PersonalId::parse_for(&a.personal_id, d.sex, d.birth_year()) {
        Ok(id) => Ok(ChildData {
            personal_id: Some(id),
            ..d.clone()
        }),
        Err(e) => Err(format!(
            "dòng {n}: {} (trẻ số {}, {}): {e}",
            a.personal_id, a.child, d.full_name
        )),
    }
}

/// The clean-up list's columns in its XLSX (printed for the police, and read back with their
/// answers): the child's number first, the verified ID last.
pub const LIST_COLUMNS: [&str; 7] = [
    "Số",
    "Họ tên",
    "Thôn, bản",
    "Ngày sinh",
    "Mã định danh hiện có",
    "Thiếu / sai",
    "Mã định danh đã xác minh",
];

/// The answers of a file laid out as the list's XLSX ([`LIST_COLUMNS`]: the columns «Số» and
/// «Mã định danh đã xác minh» found by their headers, in any order). Row N is the file's
/// data row N.
pub fn answers_from_table(
    header: &[String],
    rows: &crate::import::Rows,
) -> Result<Vec<TypedAnswer>, FieldErrors> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| crate::text::fold(h.trim()) == crate::text::fold(name))
    };
    let (Some(child), Some(id)) = (find(LIST_COLUMNS[0]), find(LIST_COLUMNS[6])) else {
        return Err(FieldErrors::single(
            "file",
            format!(
                "tệp cần hai cột «{}» và «{}» (tải danh sách XLSX làm mẫu)",
                LIST_COLUMNS[0], LIST_COLUMNS[6]
            ),
        ));
    };
    let cell = |r: &crate::import::Row, i: usize| r.get(i).unwrap_or_default().to_string();
    Ok(rows
        .iter()
        .map(|r| TypedAnswer {
            child: cell(&r, child),
            personal_id: cell(&r, id),
        })
        .collect())
}

/// The embedded export layout.
pub const EMBEDDED_LAYOUT: &str = include_str!("../data/national-export.toml");

/// The columns of the export, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportLayout {
    pub layout: String,
    pub columns: Vec<ExportColumn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportColumn {
    pub header: String,
    pub field: String,
}

/// The fields a column may take.
pub const FIELDS: [&str; 19] = [
    "personal_id",
    "full_name",
    "date_of_birth",
    "birth_year",
    "sex",
    "sex_code",
    "ethnicity",
    "ethnicity_code",
    "village",
    "village_code",
    "caregiver_name",
    "caregiver_relationship",
    "caregiver_phone",
    "birth_registered_on",
    "birth_registration_place",
    "insurance_card",
    "circumstances",
    "disability_type",
    "treem_id",
];

impl Default for ExportLayout {
    fn default() -> Self {
        ExportLayout::read(EMBEDDED_LAYOUT).expect("embedded national-export.toml")
    }
}

impl ExportLayout {
    /// Reads a layout; an unknown field or no column is refused.
    pub fn read(text: &str) -> Result<ExportLayout, String> {
        let l: ExportLayout = toml::from_str(text).map_err(|e| e.to_string())?;
        if l.columns.is_empty() {
            return Err("mẫu xuất không có cột nào".into());
        }
        for c in &l.columns {
            if !FIELDS.contains(&c.field.as_str()) {
                return Err(format!("cột «{}»: trường «{}» không có", c.header, c.field));
            }
        }
        Ok(l)
    }

    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// A child's row: one cell per column.
    pub fn row(&self, c: &Child, names: &VillageNames) -> Vec<String> {
        self.columns
            .iter()
            .map(|col| value(&col.field, c, names))
            .collect()
    }
}

/// Whether a child goes into the export: a personal ID that agrees with the record.
pub fn exported(d: &ChildData) -> bool {
    !gaps(d)
        .iter()
        .any(|g| matches!(g, Gap::NoPersonalId | Gap::MalformedId(_)))
}

fn value(field: &str, c: &Child, names: &VillageNames) -> String {
    let d = &c.data;
    let date = |x: Option<crate::Date>| x.map(crate::date::format_vi).unwrap_or_default();
    let first = d.caregivers.first();
    match field {
        "personal_id" => d
            .personal_id
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        "full_name" => d.full_name.clone(),
        "date_of_birth" => date(d.date_of_birth),
        "birth_year" => d.birth_year().map(|y| y.to_string()).unwrap_or_default(),
        "sex" => match d.sex {
            Sex::Unknown => String::new(),
            s => s.label_vi().to_string(),
        },
        "sex_code" => match d.sex {
            Sex::Male => "1".into(),
            Sex::Female => "2".into(),
            Sex::Unknown => String::new(),
        },
        "ethnicity" => d
            .ethnicity
            .and_then(crate::ethnicity::name)
            .unwrap_or_default()
            .to_string(),
        "ethnicity_code" => d.ethnicity.map(|e| format!("{e:02}")).unwrap_or_default(),
        "village" => names.name(&d.village),
        "village_code" => d.village.clone(),
        "caregiver_name" => first.map(|g| g.full_name.clone()).unwrap_or_default(),
        "caregiver_relationship" => first.map(|g| g.relationship.clone()).unwrap_or_default(),
        "caregiver_phone" => first.and_then(|g| g.phone.clone()).unwrap_or_default(),
        "birth_registered_on" => date(d.birth_registered_on),
        "birth_registration_place" => d.birth_registration_place.clone().unwrap_or_default(),
        "insurance_card" => d.insurance_card.clone().unwrap_or_default(),
        "circumstances" => d
            .circumstances
            .iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
            .join(";"),
        "disability_type" => d.disability_type.clone().unwrap_or_default(),
        "treem_id" => c.id.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child() -> ChildData {
        serde_json::from_value(serde_json::json!({
            "full_name": "Giàng Thị Mai",
            "sex": "female",
            "date_of_birth": "2019-05-01",
            "dob_precision": "day",
            "ethnicity": 4,
            "village": "SP01",
            "caregivers": [{"relationship": "mẹ", "full_name": "Lý Thị Dợ"}]
        }))
        .unwrap()
    }

    #[test]
    fn gaps_name_each_missing_field() {
        let mut d = child();
        assert_eq!(gaps(&d), vec![Gap::NoPersonalId]);
        d.personal_id = Some(PersonalId::parse("011219000123").unwrap());
        // 2 = a boy born 2000-2099: wrong for a girl.
        assert!(matches!(gaps(&d)[..], [Gap::MalformedId(_)]));
        d.personal_id = Some(PersonalId::parse("011319000123").unwrap());
        assert!(gaps(&d).is_empty());
        assert!(exported(&d));
        d.ethnicity = None;
        d.caregivers.clear();
        assert_eq!(gaps(&d), vec![Gap::NoEthnicity, Gap::NoCaregiver]);
        assert!(exported(&d));
    }

    #[test]
    fn answers_all_or_nothing_with_each_bad_row_named() {
        let rows = vec![
            TypedAnswer {
                child: "5".into(),
                personal_id: "011 319 000 123".into(),
            },
            TypedAnswer {
                child: "6".into(),
                personal_id: "".into(),
            },
            TypedAnswer {
                child: "x".into(),
                personal_id: "011319000124".into(),
            },
            TypedAnswer {
                child: "7".into(),
                personal_id: "12345".into(),
            },
            TypedAnswer {
                child: "5".into(),
                personal_id: "011319000125".into(),
            },
        ];
        let e = read_answers(&rows).unwrap_err();
        assert!(e.for_field("rows.3").unwrap().starts_with("dòng 3"));
        assert!(e.for_field("rows.4").unwrap().contains("12 chữ số"));
        assert!(e.for_field("rows.5").unwrap().contains("hai lần"));
        let ok = read_answers(&rows[..2]).unwrap();
        assert_eq!(
            ok,
            vec![Answer {
                child: 5,
                personal_id: "011319000123".into()
            }]
        );
        assert!(check_answer(1, &ok[0], &child()).is_ok());
        let wrong = Answer {
            child: 5,
            personal_id: "011218000123".into(),
        };
        assert!(check_answer(2, &wrong, &child())
            .unwrap_err()
            .starts_with("dòng 2"));
    }

    #[test]
    fn a_file_is_read_by_its_headers() {
        let header: Vec<String> = vec![
            "Mã định danh đã xác minh".into(),
            "Họ tên".into(),
            "số".into(),
        ];
        let rows: crate::import::Rows = [vec!["011319000123", "Mai", "5"]].into_iter().collect();
        let a = answers_from_table(&header, &rows).unwrap();
        assert_eq!(
            (a[0].child.as_str(), a[0].personal_id.as_str()),
            ("5", "011319000123")
        );
        assert!(answers_from_table(&header[..2], &rows).is_err());
    }

    #[test]
    fn the_layout_is_data() {
        let l = ExportLayout::default();
        assert_eq!(l.columns[0].field, "personal_id");
        let bad = EMBEDDED_LAYOUT.replace("field = \"sex\"", "field = \"shoe_size\"");
        assert!(ExportLayout::read(&bad).unwrap_err().contains("shoe_size"));
    }
}
