//! The child form: a flat map of text fields to and from [`ChildDraft`], select options, and
//! per-field errors. The same names are used by the template, the merge on conflict and tests.
use crate::i18n::{vn_date, Texts};
use std::collections::{BTreeMap, HashMap};
use treem_domain::register::{CaregiverDraft, ChildDraft, CircumstanceDraft};
use treem_domain::validation::FieldErrors;

pub const CAREGIVER_ROWS: usize = 3;
pub const CIRCUMSTANCE_ROWS: usize = 4;

fn iso_to_form(s: &Option<String>) -> String {
    match s {
        Some(v) if v.len() == 10 && v.as_bytes()[4] == b'-' => vn_date(v),
        Some(v) => v.clone(),
        None => String::new(),
    }
}

/// A JSON value of the draft (a number or a text) as the form shows it.
fn value_text(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map(|v| v.to_string().trim_matches('"').to_string())
        .unwrap_or_default()
}

/// The form's values for a draft: its scalar fields, then the rows of caregivers and special
/// circumstances.
pub fn draft_to_form(d: &ChildDraft) -> BTreeMap<String, String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut m: BTreeMap<String, String> = [
        ("full_name", text(&d.full_name)),
        ("aliases", d.aliases.join("; ")),
        ("sex", text(&d.sex)),
        ("date_of_birth", iso_to_form(&d.date_of_birth)),
        // An estimate stays an estimate while the date shown is not edited.
        ("dob_precision", text(&d.dob_precision)),
        ("dob_shown", iso_to_form(&d.date_of_birth)),
        ("estimated_age", value_text(&d.estimated_age)),
        ("personal_id", text(&d.personal_id)),
        ("ethnicity", value_text(&d.ethnicity)),
        ("village", text(&d.village)),
        // The household as every page shows it: its code (the page puts it in), or "#12".
        (
            "household",
            d.household
                .clone()
                .or_else(|| d.household_id.map(|h| format!("#{h}")))
                .unwrap_or_default(),
        ),
        ("birth_registered_on", iso_to_form(&d.birth_registered_on)),
        (
            "birth_registration_place",
            text(&d.birth_registration_place),
        ),
        ("insurance_card", text(&d.insurance_card)),
        ("school_level", text(&d.school_level)),
        ("school", text(&d.school)),
        ("grade", text(&d.grade)),
        ("disability_type", text(&d.disability_type)),
        ("disability_severity", text(&d.disability_severity)),
        ("moved_in", iso_to_form(&d.moved_in)),
        ("moved_out", iso_to_form(&d.moved_out)),
        ("died_on", iso_to_form(&d.died_on)),
        ("notes", text(&d.notes)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    m.extend(row_fields(d));
    m
}

/// The rows of caregivers (`cg0_…`) and special circumstances (`hc0_…`), empty ones included.
fn row_fields(d: &ChildDraft) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..CAREGIVER_ROWS {
        let c = d.caregivers.get(i);
        let field = |f: fn(&CaregiverDraft) -> &Option<String>| {
            c.and_then(|c| f(c).clone()).unwrap_or_default()
        };
        out.push((format!("cg{i}_relationship"), field(|c| &c.relationship)));
        out.push((format!("cg{i}_full_name"), field(|c| &c.full_name)));
        out.push((format!("cg{i}_phone"), field(|c| &c.phone)));
    }
    for i in 0..CIRCUMSTANCE_ROWS {
        let c = d.circumstances.get(i);
        out.push((
            format!("hc{i}_code"),
            c.and_then(|c| c.code.clone()).unwrap_or_default(),
        ));
        out.push((
            format!("hc{i}_from"),
            iso_to_form(&c.and_then(|c| c.from.clone())),
        ));
        out.push((
            format!("hc{i}_to"),
            iso_to_form(&c.and_then(|c| c.to.clone())),
        ));
    }
    out
}

/// The draft of the form's values (each trimmed; empty is absent).
pub fn form_to_draft(f: &BTreeMap<String, String>) -> ChildDraft {
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    ChildDraft {
        full_name: get("full_name"),
        aliases: get("aliases")
            .map(|a| {
                a.split(';')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        sex: get("sex"),
        date_of_birth: get("date_of_birth"),
        dob_precision: get("dob_precision").filter(|p| {
            p == "estimated"
                && get("date_of_birth") == get("dob_shown")
                && get("estimated_age").is_none()
        }),
        estimated_age: get("estimated_age").map(serde_json::Value::from),
        personal_id: get("personal_id"),
        ethnicity: get("ethnicity").map(serde_json::Value::from),
        village: get("village"),
        household: get("household"),
        household_id: None,
        birth_registered_on: get("birth_registered_on"),
        birth_registration_place: get("birth_registration_place"),
        insurance_card: get("insurance_card"),
        school_level: get("school_level"),
        school: get("school"),
        grade: get("grade"),
        disability_type: get("disability_type"),
        disability_severity: get("disability_severity"),
        caregivers: (0..CAREGIVER_ROWS)
            .map(|i| CaregiverDraft {
                relationship: get(&format!("cg{i}_relationship")),
                full_name: get(&format!("cg{i}_full_name")),
                phone: get(&format!("cg{i}_phone")),
            })
            .filter(|c| c.relationship.is_some() || c.full_name.is_some() || c.phone.is_some())
            .collect(),
        circumstances: (0..CIRCUMSTANCE_ROWS)
            .map(|i| CircumstanceDraft {
                code: get(&format!("hc{i}_code")),
                from: get(&format!("hc{i}_from")),
                to: get(&format!("hc{i}_to")),
            })
            .filter(|c| c.code.is_some() || c.from.is_some() || c.to.is_some())
            .collect(),
        moved_in: get("moved_in"),
        moved_out: get("moved_out"),
        died_on: get("died_on"),
        notes: get("notes"),
    }
}

/// Maps the domain's field paths (caregivers[0].phone) to form names (cg0_phone).
pub fn form_field(domain_field: &str) -> String {
    if let Some(rest) = domain_field.strip_prefix("caregivers[") {
        if let Some((i, f)) = rest.split_once("].") {
            return format!("cg{i}_{f}");
        }
    }
    if let Some(rest) = domain_field.strip_prefix("circumstances[") {
        if let Some((i, f)) = rest.split_once("].") {
            return format!("hc{i}_{f}");
        }
    }
    match domain_field {
        "household_id" => "household".into(),
        f => f.to_string(),
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Form values and errors, asked for by name from the template.
pub struct ChildForm {
    pub values: BTreeMap<String, String>,
    pub errors: HashMap<String, String>,
    pub village_options: Vec<(String, String)>,
}

impl ChildForm {
    pub fn new(
        values: BTreeMap<String, String>,
        errors: &FieldErrors,
        villages: Vec<(String, String)>,
    ) -> Self {
        ChildForm {
            values,
            errors: errors
                .0
                .iter()
                .map(|e| (form_field(&e.field), e.message.clone()))
                .collect(),
            village_options: villages,
        }
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn e(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    /// "field-error" for the wrapper of a field with a problem.
    pub fn cls(&self, name: &str) -> &'static str {
        if self.errors.contains_key(name) {
            "field-error"
        } else {
            ""
        }
    }

    fn opts(&self, name: &str, choices: Vec<(String, String)>) -> Vec<Opt> {
        let current = self.v(name);
        let mut v = vec![Opt {
            value: String::new(),
            label: "—".into(),
            selected: current.is_empty(),
        }];
        v.extend(choices.into_iter().map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        }));
        v
    }

    pub fn sex_options(&self, t: &Texts) -> Vec<Opt> {
        self.opts(
            "sex",
            vec![
                ("male".into(), t.male.into()),
                ("female".into(), t.female.into()),
                ("unknown".into(), t.unknown.into()),
            ],
        )
    }

    pub fn village_opts(&self) -> Vec<Opt> {
        self.opts("village", self.village_options.clone())
    }

    pub fn ethnicity_options(&self) -> Vec<Opt> {
        let current = self.v("ethnicity").to_string();
        let code = treem_domain::ethnicity::parse(&current);
        let mut v = self.opts(
            "ethnicity",
            treem_domain::ethnicity::ETHNIC_GROUPS
                .iter()
                .map(|(c, n)| (format!("{c:02}"), format!("{c:02} {n}")))
                .collect(),
        );
        for o in v.iter_mut() {
            o.selected = match code {
                Some(c) => o.value == format!("{c:02}"),
                None => o.value.is_empty(),
            };
        }
        v
    }

    pub fn list_options(&self, name: &str, list: &[(&str, &str)]) -> Vec<Opt> {
        self.opts(
            name,
            list.iter()
                .map(|(c, l)| (c.to_string(), l.to_string()))
                .collect(),
        )
    }

    pub fn school_options(&self) -> Vec<Opt> {
        self.list_options("school_level", &treem_domain::register::SCHOOL_LEVELS)
    }

    pub fn disability_type_options(&self) -> Vec<Opt> {
        self.list_options("disability_type", &treem_domain::register::DISABILITY_TYPES)
    }

    pub fn severity_options(&self) -> Vec<Opt> {
        self.list_options(
            "disability_severity",
            &treem_domain::register::DISABILITY_SEVERITIES,
        )
    }

    pub fn circumstance_options(&self, i: &usize) -> Vec<Opt> {
        self.opts(
            &format!("hc{i}_code"),
            treem_domain::circumstance::GROUPS
                .iter()
                .map(|(c, l)| (c.to_string(), format!("{c}. {l}")))
                .collect(),
        )
    }

    pub fn cg(&self, i: &usize, f: &str) -> String {
        format!("cg{i}_{f}")
    }

    pub fn hc(&self, i: &usize, f: &str) -> String {
        format!("hc{i}_{f}")
    }

    pub fn caregiver_rows(&self) -> Vec<usize> {
        (0..CAREGIVER_ROWS).collect()
    }

    pub fn circumstance_rows(&self) -> Vec<usize> {
        (0..CIRCUMSTANCE_ROWS).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_draft_agree() {
        let d = ChildDraft {
            full_name: Some("Giàng A Páo".into()),
            aliases: vec!["Pao".into(), "Pháo".into()],
            date_of_birth: Some("2018-03-15".into()),
            caregivers: vec![CaregiverDraft {
                relationship: Some("mẹ".into()),
                full_name: Some("Giàng Thị Mỷ".into()),
                phone: None,
            }],
            ..Default::default()
        };
        let form = draft_to_form(&d);
        assert_eq!(form["date_of_birth"], "15/03/2018");
        let back = form_to_draft(&form);
        assert_eq!(back.aliases, d.aliases);
        assert_eq!(back.caregivers.len(), 1);
        assert_eq!(form_field("caregivers[0].phone"), "cg0_phone");
    }
}
