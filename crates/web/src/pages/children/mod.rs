//! The register pages: the list with search (`list`), a child's page (`record`), add and edit
//! (`edit`, with the merge after a conflict in `merge`).
mod edit;
mod list;
mod merge;
mod record;

pub use edit::{create, edit_page, new_page, update};
pub use list::list;
pub use record::show;

use crate::i18n::Texts;

pub(crate) fn sex_label(t: &Texts, s: &str) -> &'static str {
    match s {
        "male" => t.male,
        "female" => t.female,
        _ => t.unknown,
    }
}

/// Labels of the form's scalar fields, for the conflict table.
pub fn field_label(t: &Texts, name: &str) -> String {
    let l = match name {
        "full_name" => t.full_name,
        "aliases" => t.aliases,
        "sex" => t.sex,
        "date_of_birth" => t.date_of_birth,
        "estimated_age" => t.estimated_age,
        "personal_id" => t.personal_id,
        "ethnicity" => t.ethnicity,
        "village" => t.village,
        "household" | "household_id" => t.household,
        "birth_registered_on" => t.birth_registered_on,
        "birth_registration_place" => t.birth_registration_place,
        "insurance_card" => t.insurance_card,
        "school_level" => t.school_level,
        "school" => t.school,
        "grade" => t.grade,
        "disability_type" => t.disability_type,
        "disability_severity" => t.disability_severity,
        "moved_in" => t.moved_in,
        "moved_out" => t.moved_out,
        "died_on" => t.died_on,
        "notes" => t.notes,
        "version" => t.conflict_title,
        other if other.starts_with("cg") && other.len() > 4 => {
            let n = other[2..3].parse::<usize>().unwrap_or(0) + 1;
            let what = match &other[4..] {
                "relationship" => t.relationship,
                "phone" => t.phone,
                _ => t.full_name,
            };
            return format!("{} {n}: {what}", t.caregivers);
        }
        other if other.starts_with("hc") && other.len() > 4 => {
            let n = other[2..3].parse::<usize>().unwrap_or(0) + 1;
            let what = match &other[4..] {
                "from" => t.from_date,
                "to" => t.to_date,
                _ => t.circumstance,
            };
            return format!("{} {n}: {what}", t.circumstance);
        }
        "caregivers" => t.caregivers,
        "circumstances" => t.circumstances,
        "dob_precision" => t.date_of_birth,
        other => return other.to_string(),
    };
    l.to_string()
}
