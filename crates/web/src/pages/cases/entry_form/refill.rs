//! A recorded entry written back into its form, to write its replacement: the inverse of the
//! typed forms (tested to read back as the same entry).
use super::posted::Posted;
use super::MEASURE_ROWS;
use crate::i18n::vn_date;
use treem_domain::case::*;

/// A form filled from a recorded entry.
pub fn entry_to_form(kind: &EntryKind) -> Posted {
    let mut f = Posted::default();
    match kind {
        EntryKind::Intake(i) => report_to_form(i, &mut f),
        EntryKind::InitialAssessment(a) => initial_to_form(a, &mut f),
        EntryKind::EmergencyMeasures(m) => {
            for k in &m.measures {
                f.push("measures", code_of(k));
            }
            put_when(&mut f, "taken_at", m.taken_at);
            f.set("decision_no", m.decision_no.clone().unwrap_or_default());
            f.set("description", m.description.clone());
        }
        EntryKind::SpecificAssessment(s) => specific_to_form(s, &mut f),
        EntryKind::Plan(p) => plan_to_form(p, &mut f),
        EntryKind::Service(s) => {
            f.set("date", day(s.date));
            f.set("kind", code_of(&s.kind));
            f.set("by", s.by.clone());
            f.set("description", s.description.clone());
        }
        EntryKind::Visit(v) => {
            f.set("date", day(v.date));
            f.set("by", v.by.clone());
            f.set("findings", v.findings.clone());
        }
        EntryKind::Referral(r) => {
            f.set("to", code_of(&r.to));
            f.set("organisation", r.organisation.clone());
            f.set("date", day(r.date));
            f.set("reason", r.reason.clone());
            f.set("answer", r.answer.clone().unwrap_or_default());
        }
        EntryKind::Review(r) => {
            put_ratings(&mut f, &r.ratings);
            f.set("recovery", r.recovery.clone());
            f.set("decision", code_of(&r.decision));
            f.set("note", r.note.clone());
        }
        other => short_to_form(other, &mut f),
    }
    f
}

/// The entries of a few fields: answers, decisions, corrections, assignments.
fn short_to_form(kind: &EntryKind, f: &mut Posted) {
    match kind {
        EntryKind::ReferralAnswer {
            referral,
            date,
            answer,
        } => {
            f.set("referral", referral.to_string());
            f.set("date", day(*date));
            f.set("answer", answer.clone());
        }
        EntryKind::OffenderHandling(h) => {
            f.set("handling", code_of(&h.handling));
            f.set("date", day(h.date));
            f.set("note", h.note.clone());
        }
        EntryKind::SubmitForApproval { note } => f.set("note", note.clone()),
        EntryKind::Approve { decision_no, note } => {
            f.set("decision_no", decision_no.clone().unwrap_or_default());
            f.set("note", note.clone());
        }
        EntryKind::Return { reason } => f.set("reason", reason.clone()),
        EntryKind::Correction { of, note } => {
            f.set("of", of.to_string());
            f.set("note", note.clone());
        }
        EntryKind::Assign { username, role } => {
            f.set("username", username.clone());
            f.set("role", code_of(role));
        }
        EntryKind::Unassign { username, reason } => {
            f.set("username", username.clone());
            f.set("reason", reason.clone());
        }
        _ => {}
    }
}

/// The report (Mẫu 01).
fn report_to_form(i: &Intake, f: &mut Posted) {
    f.set("channel", code_of(&i.channel));
    put_when(f, "received_at", i.received_at);
    f.set("category", code_of(&i.category));
    match &i.child {
        ChildRef::Registered { child_id } => {
            f.set("child_type", "registered");
            f.set("child_id", child_id.to_string());
        }
        ChildRef::New(c) => new_child_to_form(c, f),
    }
    f.set("place", i.place.clone());
    f.set("current_condition", i.current_condition.clone());
    f.set("predicted_consequence", i.predicted_consequence.clone());
    for (who, p) in [("father", &i.father), ("mother", &i.mother)] {
        if let Some(p) = p {
            f.set(&format!("{who}.full_name"), p.full_name.clone());
            if let Some(a) = p.age {
                f.set(&format!("{who}.age"), a.to_string());
            }
            f.set(&format!("{who}.occupation"), p.occupation.clone());
        }
    }
    f.set("family_circumstances", i.family_circumstances.clone());
    if let Some(c) = &i.caregiver {
        f.set("caregiver.full_name", c.full_name.clone());
        f.set("caregiver.relationship", c.relationship.clone());
        f.set("caregiver.phone", c.phone.clone().unwrap_or_default());
    }
    f.set("actions_taken", i.actions_taken.clone());
    if let Some(inf) = &i.informant {
        if inf.consent {
            f.set("informant.consent", "1");
        }
        f.set("informant.full_name", inf.full_name.clone());
        f.set("informant.phone", inf.phone.clone());
        f.set("informant.address", inf.address.clone());
        f.set("informant.note", inf.note.clone());
    }
}

fn new_child_to_form(c: &NewChild, f: &mut Posted) {
    f.set("child_type", "new");
    f.set("child.full_name", c.full_name.clone());
    f.set("child.sex", code_of(&c.sex));
    f.set("child.dob_precision", code_of(&c.dob_precision));
    if let Some(d) = c.date_of_birth {
        f.set("child.date_of_birth", day(d));
    }
    if let Some(a) = c.estimated_age {
        f.set("child.estimated_age", a.to_string());
    }
    f.set("child.village", c.village.clone().unwrap_or_default());
    f.set("child.description", c.description.clone());
}

/// Mẫu 02.
fn initial_to_form(a: &InitialAssessment, f: &mut Posted) {
    put_ratings(f, &a.ratings);
    if let Some(t) = a.abuse_type {
        f.set("abuse_type", code_of(&t));
    }
    if let Some(t) = a.sub_type {
        f.set("sub_type", code_of(&t));
    }
    f.set("abuse_description", a.abuse_description.clone());
    f.set("level", code_of(&a.level));
    if a.serious_harm {
        f.set("serious_harm", "1");
    }
    f.set("summary", a.summary.clone());
}

fn specific_to_form(s: &SpecificAssessment, f: &mut Posted) {
    put_ratings(f, &s.ratings);
    f.set("information", s.information.clone());
    f.set("needs", s.needs.join("\n"));
    put_when(f, "meeting.held_at", s.meeting.held_at);
    let attendees: Vec<String> = s
        .meeting
        .attendees
        .iter()
        .map(|a| {
            if a.position.is_empty() {
                a.name.clone()
            } else {
                format!("{} - {}", a.name, a.position)
            }
        })
        .collect();
    f.set("meeting.attendees", attendees.join("\n"));
    f.set("meeting.minutes", s.meeting.minutes.clone());
}

/// A plan's objectives and measures in the form, for drafting again from the last plan.
pub fn plan_to_form(p: &SupportPlan, f: &mut Posted) {
    f.set("objectives", p.objectives.join("\n"));
    for (i, m) in p.measures.iter().enumerate().take(MEASURE_ROWS) {
        let k = |x: &str| format!("measures[{}].{x}", i + 1);
        f.set(&k("kind"), code_of(&m.kind));
        f.set(&k("description"), m.description.clone());
        f.set(&k("responsible"), m.responsible.clone());
        f.set(&k("from"), day(m.from));
        f.set(&k("to"), day(m.to));
        f.set(&k("resources"), m.resources.clone());
    }
}

fn day(d: jiff::civil::Date) -> String {
    vn_date(&d.to_string())
}

/// The value a choice posts: the serde name.
pub fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(String::from))
        .unwrap_or_default()
}

fn put_when(f: &mut Posted, k: &str, t: jiff::civil::DateTime) {
    f.set(k, day(t.date()));
    f.set(
        &format!("{k}_time"),
        format!("{:02}:{:02}", t.hour(), t.minute()),
    );
}

/// Ratings into the rating fields (the standard items, and one other item).
pub fn put_ratings(f: &mut Posted, items: &[RatedItem]) {
    for i in items {
        if STANDARD_ITEMS.iter().any(|(c, _)| *c == i.item) {
            f.set(&format!("rating.{}", i.item), code_of(&i.rating));
        } else {
            f.set("rating_other_item", i.item.clone());
            f.set("rating_other", code_of(&i.rating));
        }
    }
}
