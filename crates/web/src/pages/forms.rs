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

pub fn draft_to_form(d: &ChildDraft) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put("full_name", d.full_name.clone().unwrap_or_default());
    put("aliases", d.aliases.join("; "));
    put("sex", d.sex.clone().unwrap_or_default());
    put("date_of_birth", iso_to_form(&d.date_of_birth));
    // An estimate stays an estimate while the date shown is not edited.
    put("dob_precision", d.dob_precision.clone().unwrap_or_default());
    put("dob_shown", iso_to_form(&d.date_of_birth));
    put(
        "estimated_age",
        d.estimated_age
            .as_ref()
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default(),
    );
    put("personal_id", d.personal_id.clone().unwrap_or_default());
    put(
        "ethnicity",
        d.ethnicity
            .as_ref()
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default(),
    );
    put("village", d.village.clone().unwrap_or_default());
    // The household as every page shows it: its code (the page puts it in), or "#12".
    put(
        "household",
        d.household
            .clone()
            .or_else(|| d.household_id.map(|h| format!("#{h}")))
            .unwrap_or_default(),
    );
    put("birth_registered_on", iso_to_form(&d.birth_registered_on));
    put(
        "birth_registration_place",
        d.birth_registration_place.clone().unwrap_or_default(),
    );
    put(
        "insurance_card",
        d.insurance_card.clone().unwrap_or_default(),
    );
    put("school_level", d.school_level.clone().unwrap_or_default());
    put("school", d.school.clone().unwrap_or_default());
    put("grade", d.grade.clone().unwrap_or_default());
    put(
        "disability_type",
        d.disability_type.clone().unwrap_or_default(),
    );
    put(
        "disability_severity",
        d.disability_severity.clone().unwrap_or_default(),
    );
    put("moved_in", iso_to_form(&d.moved_in));
    put("moved_out", iso_to_form(&d.moved_out));
    put("died_on", iso_to_form(&d.died_on));
    put("notes", d.notes.clone().unwrap_or_default());
    for i in 0..CAREGIVER_ROWS {
        let c = d.caregivers.get(i);
        put(
            &format!("cg{i}_relationship"),
            c.and_then(|c| c.relationship.clone()).unwrap_or_default(),
        );
        put(
            &format!("cg{i}_full_name"),
            c.and_then(|c| c.full_name.clone()).unwrap_or_default(),
        );
        put(
            &format!("cg{i}_phone"),
            c.and_then(|c| c.phone.clone()).unwrap_or_default(),
        );
    }
    for i in 0..CIRCUMSTANCE_ROWS {
        let c = d.circumstances.get(i);
        put(
            &format!("hc{i}_code"),
            c.and_then(|c| c.code.clone()).unwrap_or_default(),
        );
        put(
            &format!("hc{i}_from"),
            iso_to_form(&c.and_then(|c| c.from.clone())),
        );
        put(
            &format!("hc{i}_to"),
            iso_to_form(&c.and_then(|c| c.to.clone())),
        );
    }
    m
}

pub fn form_to_draft(f: &HashMap<String, String>) -> ChildDraft {
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
        let form: HashMap<String, String> = draft_to_form(&d).into_iter().collect();
        assert_eq!(form["date_of_birth"], "15/03/2018");
        let back = form_to_draft(&form);
        assert_eq!(back.aliases, d.aliases);
        assert_eq!(back.caregivers.len(), 1);
        assert_eq!(form_field("caregivers[0].phone"), "cg0_phone");
    }
}
