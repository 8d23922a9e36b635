//! Reading a plan file so that one run finds every problem it can (`treem plan check`).
//!
//! `toml` and serde stop at the first field of the wrong type, which would hide everything after
//! it: an empty target number would hide a doubled lead agency three targets down. So the file is
//! read as a TOML table first, each entry of each list is read on its own, an entry that does not
//! read is reported field by field and left out, and the rest of the plan is read and validated
//! as usual.
use super::validate::{self, Place, Problem};
use super::{Activity, Agency, Goal, Plan, Report, Target};
use serde::de::DeserializeOwned;
use toml::{Table, Value};

/// A plan file as far as it could be read, with every problem found.
#[derive(Debug)]
pub struct Reading {
    /// The plan without the entries that could not be read; `None` when even the plan's own
    /// fields (year, commune…) could not be read.
    pub plan: Option<Plan>,
    /// Every problem found: any one of them stops the plan from being stored.
    pub problems: Vec<Problem>,
}

/// Read a plan file, finding every problem: syntax, fields of the wrong type or unknown, entries
/// that do not read, and then [`Plan::validate`]'s checks on what could be read. The plan is
/// usable exactly when `problems` is empty (then it equals [`Plan::from_toml`]'s).
pub fn read_all(text: &str) -> Reading {
    let mut table: Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            return Reading {
                plan: None,
                problems: vec![Problem {
                    place: Place::Plan,
                    field: String::new(),
                    message: format!("tệp không đọc được (TOML): {}", e.to_string().trim()),
                }],
            }
        }
    };
    let mut problems = Vec::new();
    sift::<Agency>(&mut table, "agencies", &mut problems);
    sift::<Goal>(&mut table, "goals", &mut problems);
    sift::<Target>(&mut table, "targets", &mut problems);
    sift::<Activity>(&mut table, "activities", &mut problems);
    sift::<Report>(&mut table, "reports", &mut problems);
    let plan = read_entry::<Plan>(table, &Place::Plan, &mut problems);
    if let Some(plan) = &plan {
        problems.extend(validate::validate(plan));
    }
    Reading { plan, problems }
}

/// Read each entry of the list `key` on its own; those that do not read are reported and left
/// out, so that the rest of the plan can still be read.
fn sift<T: DeserializeOwned>(table: &mut Table, key: &str, problems: &mut Vec<Problem>) {
    let Some(list) = table.get_mut(key) else {
        return;
    };
    let Value::Array(entries) = list else {
        problems.push(Problem {
            place: Place::Plan,
            field: key.to_string(),
            message: "phải là một danh sách ([[…]])".into(),
        });
        table.remove(key);
        return;
    };
    let mut kept = Vec::with_capacity(entries.len());
    for (i, entry) in std::mem::take(entries).into_iter().enumerate() {
        let Value::Table(fields) = entry else {
            problems.push(Problem {
                place: Place::Entry(key.to_string(), i + 1),
                field: String::new(),
                message: "phải là một bảng ([[…]])".into(),
            });
            continue;
        };
        let place = place_of(key, i, &fields);
        if read_entry::<T>(fields.clone(), &place, problems).is_some() {
            kept.push(Value::Table(fields));
        }
    }
    *entries = kept;
}

/// Where an entry is, by its own number or code when that much can be read.
fn place_of(key: &str, i: usize, fields: &Table) -> Place {
    let number = fields
        .get("number")
        .and_then(Value::as_integer)
        .and_then(|n| u16::try_from(n).ok());
    let code = fields
        .get("code")
        .and_then(Value::as_str)
        .map(str::to_string);
    match (key, number, code) {
        ("agencies", _, Some(c)) => Place::Agency(c),
        ("goals", Some(n), _) => Place::Goal(n),
        ("targets", Some(n), _) => Place::Target(n),
        ("activities", Some(n), _) => Place::Activity(n),
        ("reports", _, Some(c)) => Place::Report(c),
        _ => Place::Entry(key.to_string(), i + 1),
    }
}

/// Read one table as `T`; when it does not read, report every field that stops it. serde stops
/// at the first bad field, which its message names (`in `source.kind``); that field is reported
/// and left out, and the table read again, until it reads or only a missing field remains.
fn read_entry<T: DeserializeOwned>(
    mut fields: Table,
    place: &Place,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut left_out: Vec<String> = Vec::new();
    loop {
        let error = match Value::Table(fields.clone()).try_into::<T>() {
            Ok(v) => return left_out.is_empty().then_some(v),
            Err(e) => e.to_string(),
        };
        let (message, path) = split_path(&error);
        let named = named_field(message);
        let field = match (path, named) {
            (Some(p), Some(n)) => format!("{p}.{n}"),
            (Some(p), None) => p.to_string(),
            (None, Some(n)) => n.to_string(),
            (None, None) => String::new(),
        };
        let top = field.split('.').next().unwrap_or_default().to_string();
        // A required field missing because it was left out above was reported already.
        if !left_out.contains(&top) {
            problems.push(Problem {
                place: place.clone(),
                field: field.clone(),
                message: in_vietnamese(message),
            });
        }
        fields.remove(&top)?;
        left_out.push(top);
    }
}

/// serde's message and the path it names (`…\nin `targets.unit``), if any.
fn split_path(error: &str) -> (&str, Option<&str>) {
    let error = error.trim();
    match error.rsplit_once("\nin `") {
        Some((message, path)) => (message.trim(), path.strip_suffix('`')),
        None => (error, None),
    }
}

/// The field a message names itself: an unknown or a missing one.
fn named_field(message: &str) -> Option<&str> {
    ["unknown field `", "missing field `"]
        .iter()
        .find_map(|lead| message.strip_prefix(lead))
        .and_then(|rest| rest.split('`').next())
}

/// serde's messages, in the officer's words; what is not recognised is kept after a Vietnamese
/// lead-in, never dropped.
fn in_vietnamese(error: &str) -> String {
    let error = error.trim();
    if error.starts_with("missing field `") {
        return "thiếu trường bắt buộc".into();
    }
    if let Some(rest) = error.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("trường `{name}` không có trong định dạng kế hoạch (xem plan-format.md)");
    }
    if let Some(rest) = error.strip_prefix("unknown variant `") {
        let mut parts = rest.splitn(2, "`, expected ");
        let value = parts.next().unwrap_or_default();
        let allowed = parts.next().unwrap_or_default().replace("one of ", "");
        return format!("giá trị `{value}` không hợp lệ; các giá trị được dùng: {allowed}");
    }
    if let Some(rest) = error.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "sai kiểu: có {}, cần {}",
            kind_vi(found),
            expected_vi(expected)
        );
    }
    if let Some(rest) = error.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "giá trị không hợp lệ: có {}, cần {}",
            kind_vi(found),
            expected_vi(expected)
        );
    }
    format!("giá trị không đọc được ({error})")
}

fn kind_vi(found: &str) -> String {
    let found = found.trim();
    if let Some(s) = found.strip_prefix("string ") {
        return format!("chuỗi chữ {s}");
    }
    if let Some(n) = found.strip_prefix("integer ") {
        return format!("số {n}");
    }
    if let Some(n) = found.strip_prefix("floating point ") {
        return format!("số {n}");
    }
    match found {
        "sequence" => "một danh sách".into(),
        "map" => "một bảng".into(),
        "boolean `true`" | "boolean `false`" => "giá trị đúng/sai".into(),
        other => other.to_string(),
    }
}

fn expected_vi(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "u16" | "u32" | "u64" | "i16" | "i32" | "i64" | "u8" => "một số nguyên".into(),
        "f64" | "f32" => "một số".into(),
        "a string" => "một chuỗi chữ".into(),
        "a sequence" => "một danh sách".into(),
        "a boolean" => "đúng hoặc sai (true/false)".into(),
        "" => "giá trị khác".into(),
        other if other.starts_with("struct ") || other.starts_with("a map") => "một bảng".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::check::{check, FindingKind};

    const SEED: &str = include_str!("../../../../plans/sinh-phinh-2026.toml");

    fn fields(r: &Reading) -> Vec<(String, String)> {
        r.problems
            .iter()
            .map(|p| (p.place.to_string(), p.field.clone()))
            .collect()
    }

    #[test]
    fn the_seed_reads_whole_and_equals_the_strict_reading() {
        let r = read_all(SEED);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.plan, Some(Plan::from_toml(SEED).unwrap()));
    }

    #[test]
    fn an_empty_document_number_does_not_hide_the_doubled_lead() {
        let text = SEED.replace(
            "symbol = \"KH-UBND\"",
            "number = \"\"\nsymbol = \"KH-UBND\"",
        );
        assert!(Plan::from_toml(&text).is_err());
        let r = read_all(&text);
        assert_eq!(
            fields(&r),
            vec![("kế hoạch".into(), "document.number".into())]
        );
        let findings = check(r.plan.as_ref().unwrap());
        assert!(findings
            .iter()
            .any(|f| f.kind == FindingKind::SharedOwnership && f.targets == vec![27]));
    }

    #[test]
    fn every_bad_field_of_every_entry_is_listed_and_the_rest_still_validated() {
        // Target 5's number is text, target 12 has two bad fields, and goal 4 is referred to by a
        // target whose goal does not exist: four problems, one run.
        let text = SEED
            .replacen("number = 5\ngoal = 1", "number = \"\"\ngoal = 1", 1)
            .replacen(
                "number = 12\ngoal = 1\n",
                "number = 12\ngoal = \"một\"\ncolour = \"đỏ\"\n",
                1,
            )
            .replacen("number = 28\ngoal = 4", "number = 28\ngoal = 9", 1);
        let r = read_all(&text);
        let f = fields(&r);
        assert!(
            f.contains(&("mục thứ 5 của `targets`".into(), "number".into())),
            "{f:?}"
        );
        assert!(f.contains(&("chỉ tiêu 12".into(), "goal".into())), "{f:?}");
        assert!(
            f.contains(&("chỉ tiêu 12".into(), "colour".into())),
            "{f:?}"
        );
        assert!(f.contains(&("chỉ tiêu 28".into(), "goal".into())), "{f:?}");
        assert_eq!(r.problems.len(), 4, "{:?}", r.problems);
        let plan = r.plan.unwrap();
        assert_eq!(
            plan.targets.len(),
            26,
            "the two unreadable targets are left out"
        );
        let number = &r.problems.iter().find(|p| p.field == "number").unwrap();
        assert!(number.message.contains("sai kiểu"), "{}", number.message);
        assert!(number.message.contains("số nguyên"), "{}", number.message);
        let colour = &r.problems.iter().find(|p| p.field == "colour").unwrap();
        assert!(
            colour.message.contains("không có trong định dạng"),
            "{}",
            colour.message
        );
    }

    #[test]
    fn a_nested_field_is_named_by_its_path_and_a_wrong_word_lists_the_right_ones() {
        let text = SEED
            .replacen(
                "kind = \"register\", indicator = \"neonatal_mortality\"",
                "kind = \"registr\"",
                1,
            )
            .replacen("unit = \"percent\"", "unit = \"pct\"", 1);
        let r = read_all(&text);
        let f = fields(&r);
        assert!(
            f.contains(&("chỉ tiêu 3".into(), "source.kind".into())),
            "{f:?}"
        );
        let unit = r.problems.iter().find(|p| p.field == "unit").unwrap();
        assert!(
            unit.message.contains("`pct` không hợp lệ"),
            "{}",
            unit.message
        );
        assert!(unit.message.contains("`percent`"), "{}", unit.message);
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let text = SEED.replacen("title = ", "tieu_de = ", 1);
        let r = read_all(&text);
        assert!(r.plan.is_none());
        let f = fields(&r);
        assert!(f.contains(&("kế hoạch".into(), "title".into())), "{f:?}");
        assert!(f.contains(&("kế hoạch".into(), "tieu_de".into())), "{f:?}");
    }

    #[test]
    fn broken_toml_is_one_problem_with_its_line() {
        let r = read_all("format = 1\nyear = [2026\n");
        assert!(r.plan.is_none());
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].message.contains("TOML"),
            "{}",
            r.problems[0].message
        );
        assert!(
            r.problems[0].message.contains("line 2"),
            "{}",
            r.problems[0].message
        );
    }

    #[test]
    fn the_engines_problems_are_in_the_same_list() {
        let text = SEED.replacen("\"neonatal_mortality\"", "\"no_such_thing\"", 1);
        let r = crate::indicator::read_plan_file(&text);
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].field, "source.indicator");
    }
}
