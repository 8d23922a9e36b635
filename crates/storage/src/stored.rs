//! The stored form of a record (`child_version.data`, `household_version.data`): the API's
//! JSON without its empty fields.
use serde::Serialize;
use treem_domain::register::ChildData;

/// The stored form of a child's data: the API's JSON without empty fields, which are most of
/// them (a million children's history is then half the size).
pub(crate) fn stored_json<T: serde::Serialize>(d: &T) -> String {
    let mut v = serde_json::to_value(d).expect("record serialises");
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(|a| a.is_empty())));
    }
    v.to_string()
}

/// [`stored_json`] of a child, written field by field instead of through a JSON tree: the same
/// text (the keys in the order a `serde_json::Map` keeps them, sorted; empty fields left out),
/// several times faster, which matters when an import writes a million of them.
pub(crate) fn stored_child_json(d: &ChildData) -> String {
    struct Out(Vec<u8>);
    impl Out {
        fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) {
            self.0.push(if self.0.is_empty() { b'{' } else { b',' });
            self.0.push(b'"');
            self.0.extend_from_slice(key.as_bytes());
            self.0.extend_from_slice(b"\":");
            serde_json::to_writer(&mut self.0, v).expect("record serialises");
        }
        fn opt<T: Serialize>(&mut self, key: &str, v: &Option<T>) {
            if let Some(v) = v {
                self.field(key, v);
            }
        }
        /// Nested records go through a JSON tree, as in `stored_json`, so their keys are
        /// sorted the same way.
        fn list<T: Serialize>(&mut self, key: &str, v: &[T]) {
            if !v.is_empty() {
                let tree = serde_json::to_value(v).expect("record serialises");
                self.field(key, &tree);
            }
        }
    }
    let mut o = Out(Vec::with_capacity(320));
    // In byte order of the keys.
    if !d.aliases.is_empty() {
        o.field("aliases", &d.aliases);
    }
    o.opt("birth_registered_on", &d.birth_registered_on);
    o.opt("birth_registration_place", &d.birth_registration_place);
    o.list("caregivers", &d.caregivers);
    o.list("circumstances", &d.circumstances);
    o.opt("date_of_birth", &d.date_of_birth);
    o.opt("died_on", &d.died_on);
    o.opt("disability_severity", &d.disability_severity);
    o.opt("disability_type", &d.disability_type);
    o.field("dob_precision", &d.dob_precision);
    o.opt("ethnicity", &d.ethnicity);
    o.field("full_name", &d.full_name);
    o.opt("grade", &d.grade);
    o.opt("household_id", &d.household_id);
    o.opt("insurance_card", &d.insurance_card);
    o.opt("moved_in", &d.moved_in);
    o.opt("moved_out", &d.moved_out);
    o.opt("notes", &d.notes);
    o.opt("personal_id", &d.personal_id);
    o.opt("school", &d.school);
    o.opt("school_level", &d.school_level);
    o.field("sex", &d.sex);
    o.field("village", &d.village);
    o.0.push(b'}');
    String::from_utf8(o.0).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_domain::circumstance::Circumstance;
    use treem_domain::personal_id::PersonalId;
    use treem_domain::register::{Caregiver, DobPrecision, Sex};
    use treem_domain::Date;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn stored_child_json_is_stored_json() {
        let mut d = ChildData {
            full_name: "Giàng A \"Páo\" \\ Pháo".into(),
            aliases: vec![],
            sex: Sex::Male,
            date_of_birth: None,
            dob_precision: DobPrecision::Unknown,
            personal_id: None,
            ethnicity: None,
            village: "SP01".into(),
            household_id: None,
            household_code: None,
            birth_registered_on: None,
            birth_registration_place: None,
            insurance_card: None,
            school_level: None,
            school: None,
            grade: None,
            disability_type: None,
            disability_severity: None,
            caregivers: vec![],
            circumstances: vec![],
            moved_in: None,
            moved_out: None,
            died_on: None,
            notes: None,
        };
        assert_eq!(stored_child_json(&d), stored_json(&d));
        d = ChildData {
            aliases: vec!["Pao".into(), "Pháo\n".into()],
            sex: Sex::Female,
            date_of_birth: Some(date("2018-03-15")),
            dob_precision: DobPrecision::Day,
            personal_id: Some(PersonalId::parse("011318123456").unwrap()),
            ethnicity: Some(8),
            household_id: Some(42),
            household_code: None,
            birth_registered_on: Some(date("2018-04-20")),
            birth_registration_place: Some("UBND xã".into()),
            insurance_card: Some("TE1111".into()),
            school_level: Some("tieu_hoc".into()),
            school: Some("Trường PTDTBT".into()),
            grade: Some("3".into()),
            disability_type: Some("nhin".into()),
            disability_severity: Some("nang".into()),
            caregivers: vec![
                Caregiver {
                    relationship: "mẹ".into(),
                    full_name: "Giàng Thị Mỷ".into(),
                    phone: None,
                },
                Caregiver {
                    relationship: "bố".into(),
                    full_name: "Giàng A Chư".into(),
                    phone: Some("0912345678".into()),
                },
            ],
            circumstances: vec![
                Circumstance {
                    code: "a".into(),
                    from: date("2020-01-01"),
                    to: None,
                },
                Circumstance {
                    code: "k".into(),
                    from: date("2020-01-01"),
                    to: Some(date("2021-01-01")),
                },
            ],
            moved_in: Some(date("2019-01-01")),
            moved_out: Some(date("2024-01-01")),
            died_on: Some(date("2025-01-01")),
            notes: Some(String::new()),
            ..d
        };
        assert_eq!(stored_child_json(&d), stored_json(&d));
    }
}
