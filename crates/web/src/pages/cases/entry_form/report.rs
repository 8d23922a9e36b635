//! The report (Mẫu 01) as posted, into the intake entry that opens a case.
use super::check::{some_text, ticked, Check};
use serde::Deserialize;
use std::mem::take;
use treem_domain::case::{ChildRef, EntryKind, Informant, Intake, NewChild, Parent};
use treem_domain::register::{Caregiver, DobPrecision, Sex};
use treem_domain::validation::FieldErrors;

/// The intake form: the report's fields by their names on the page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    channel: String,
    received_at: String,
    received_at_time: String,
    category: String,
    /// `registered` (a child of the register, `child_id`) or `new` (described here).
    child_type: String,
    child_id: String,
    #[serde(rename = "child.full_name")]
    child_name: String,
    #[serde(rename = "child.sex")]
    child_sex: String,
    #[serde(rename = "child.dob_precision")]
    child_dob_precision: String,
    #[serde(rename = "child.date_of_birth")]
    child_date_of_birth: String,
    #[serde(rename = "child.estimated_age")]
    child_estimated_age: String,
    #[serde(rename = "child.village")]
    child_village: String,
    #[serde(rename = "child.description")]
    child_description: String,
    place: String,
    current_condition: String,
    predicted_consequence: String,
    #[serde(rename = "father.full_name")]
    father_name: String,
    #[serde(rename = "father.age")]
    father_age: String,
    #[serde(rename = "father.occupation")]
    father_occupation: String,
    #[serde(rename = "mother.full_name")]
    mother_name: String,
    #[serde(rename = "mother.age")]
    mother_age: String,
    #[serde(rename = "mother.occupation")]
    mother_occupation: String,
    family_circumstances: String,
    #[serde(rename = "caregiver.full_name")]
    caregiver_name: String,
    #[serde(rename = "caregiver.relationship")]
    caregiver_relationship: String,
    #[serde(rename = "caregiver.phone")]
    caregiver_phone: String,
    actions_taken: String,
    #[serde(rename = "informant.consent")]
    informant_consent: Vec<String>,
    #[serde(rename = "informant.full_name")]
    informant_name: String,
    #[serde(rename = "informant.phone")]
    informant_phone: String,
    #[serde(rename = "informant.address")]
    informant_address: String,
    #[serde(rename = "informant.note")]
    informant_note: String,
}

impl ReportForm {
    /// The child named by the report: a register child by number, or one described.
    fn child(&mut self, c: &mut Check) -> Option<ChildRef> {
        if self.child_type == "registered" {
            let id = c.number("child_id", &self.child_id, "thiếu số của trẻ trong sổ")?;
            return Some(ChildRef::Registered { child_id: id });
        }
        let sex: Option<Sex> = c.choice(
            "child.sex",
            &self.child_sex,
            "giới tính (chọn «không biết» nếu chưa rõ)",
        );
        let precision: Option<DobPrecision> = c.choice(
            "child.dob_precision",
            &self.child_dob_precision,
            "mức biết ngày sinh",
        );
        let date_of_birth = c.opt_date("child.date_of_birth", &self.child_date_of_birth);
        let estimated_age = c.opt_number("child.estimated_age", &self.child_estimated_age);
        Some(ChildRef::New(NewChild {
            full_name: take(&mut self.child_name),
            sex: sex.unwrap_or(Sex::Unknown),
            date_of_birth,
            dob_precision: precision.unwrap_or(DobPrecision::Unknown),
            estimated_age,
            village: some_text(take(&mut self.child_village)),
            description: take(&mut self.child_description),
        }))
    }

    /// The father and the mother, each when named (an age that is not a number is refused
    /// either way).
    fn parents(&mut self, c: &mut Check) -> (Option<Parent>, Option<Parent>) {
        let mut parent = |who: &str, name: &mut String, age: &str, occupation: &mut String| {
            let age = c.opt_number(&format!("{who}.age"), age);
            (!name.is_empty()).then(|| Parent {
                full_name: take(name),
                age,
                occupation: take(occupation),
            })
        };
        let father = parent(
            "father",
            &mut self.father_name,
            &self.father_age,
            &mut self.father_occupation,
        );
        let mother = parent(
            "mother",
            &mut self.mother_name,
            &self.mother_age,
            &mut self.mother_occupation,
        );
        (father, mother)
    }

    fn caregiver(&mut self) -> Option<Caregiver> {
        (!self.caregiver_name.is_empty()).then(|| Caregiver {
            relationship: take(&mut self.caregiver_relationship),
            full_name: take(&mut self.caregiver_name),
            phone: some_text(take(&mut self.caregiver_phone)),
        })
    }

    /// The informant when anything of them is written (consent alone says nothing).
    fn informant(&mut self) -> Option<Informant> {
        let written = [
            &self.informant_name,
            &self.informant_phone,
            &self.informant_address,
            &self.informant_note,
        ];
        if written.iter().all(|s| s.is_empty()) {
            return None;
        }
        Some(Informant {
            consent: ticked(&self.informant_consent),
            full_name: take(&mut self.informant_name),
            phone: take(&mut self.informant_phone),
            address: take(&mut self.informant_address),
            note: take(&mut self.informant_note),
        })
    }
}

impl TryFrom<ReportForm> for EntryKind {
    type Error = FieldErrors;

    /// The intake entry (Mẫu 01), or every field that cannot be read, in Vietnamese.
    fn try_from(mut f: ReportForm) -> Result<EntryKind, FieldErrors> {
        let mut c = Check::default();
        let channel = c.choice("channel", &f.channel, "nguồn thông tin");
        let received_at = c.datetime(
            "received_at",
            &f.received_at,
            &f.received_at_time,
            "ngày nhận thông tin",
        );
        let category = c.choice("category", &f.category, "tình trạng của trẻ");
        let child = f.child(&mut c);
        let (father, mother) = f.parents(&mut c);
        let caregiver = f.caregiver();
        let informant = f.informant();
        let (Some(channel), Some(received_at), Some(category), Some(child)) =
            (channel, received_at, category, child)
        else {
            return Err(c.errors);
        };
        c.done(EntryKind::Intake(Box::new(Intake {
            channel,
            received_at,
            category,
            child,
            place: f.place,
            current_condition: f.current_condition,
            predicted_consequence: f.predicted_consequence,
            father,
            mother,
            family_circumstances: f.family_circumstances,
            caregiver,
            actions_taken: f.actions_taken,
            informant,
        })))
    }
}
