//! What the fuzzers feed (dữ liệu thử ngẫu nhiên): one function per fuzz target, each taking
//! raw bytes and running them through the same parsing and checking as the import, the plan
//! loader, the API's JSON bodies and the date and personal-ID parsers. `fuzz/` (cargo-fuzz,
//! outside the workspace) calls these; `tests/it/fuzz_corpus.rs` replays every kept corpus
//! file through them, so a crash found once stays fixed. A panic here is a bug: every input is
//! either accepted or refused with a message.
//!
//! Besides "no panic", some properties are asserted where the code promises them (a parsed
//! child's record reads back as the same record; a plan written out reads back as the same
//! plan; a date written as officials write it parses back to the same date).
use crate::api::{children::ChildPut, health::BirthBody, plans::ReportBody};
use serde_json::{json, Value};
use treem_domain::case::{self, CaseFile, EntryKind};
use treem_domain::health::{
    Birth, Death, HivFollowUp, Injury, Measure, Measurement, Reading, Schedule, Vaccination,
};
use treem_domain::indicator::{self, ReportedValue, Snapshot};
use treem_domain::personal_id::PersonalId;
use treem_domain::plan::Plan;
use treem_domain::register::{ChildDraft, HouseholdData, Sex};
use treem_domain::role::{Actor, Role, ALL_ROLES};
use treem_domain::validation;
use treem_domain::Date;

/// The day the fuzz targets take as today: fixed, so a corpus replays the same way every day.
pub fn today() -> Date {
    jiff::civil::date(2026, 6, 15)
}

/// `import children` of a CSV file: read, check every row, list unknown villages.
pub fn import_csv(data: &[u8]) {
    import_table("danh-sach.csv", data);
}

/// `import children` of a spreadsheet (XLSX, and whatever `calamine` recognises).
pub fn import_xlsx(data: &[u8]) {
    import_table("danh-sach.xlsx", data);
}

fn import_table(name: &str, data: &[u8]) {
    let Ok((header, rows)) =
        crate::import::read_table(name, data.to_vec(), &treem_domain::limits::IMPORT_PAGE)
    else {
        return;
    };
    let villages = ["SP01", "SP02"].map(|code| treem_domain::register::Village {
        id: 1,
        code: code.into(),
        name: format!("Thôn {code}"),
        version: 1,
    });
    let report = crate::import::check_file(&header, &rows, &villages, vec![], today());
    if report.errors.is_empty() {
        let children = report.children;
        for c in &children {
            // What an import stores must read back as itself (an edit of that child starts
            // from it).
            let again = ChildDraft::from(c).parse(today());
            assert_eq!(
                again.as_ref(),
                Ok(c),
                "an imported child does not read back"
            );
        }
    }
}

/// A plan file (`treem plan check`, `treem plan load`): parsed and checked, written back out,
/// its figures computed on an empty register, next year's draft made.
pub fn plan_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = Plan::from_toml(text) else {
        return;
    };
    let _ = treem_domain::plan::check::check(&plan);
    let _ = indicator::validate_plan(&plan);
    let written = plan.to_toml().expect("a valid plan can be written");
    let back = Plan::from_toml(&written).expect("a written plan reads back");
    assert_eq!(back, plan, "a plan written out reads back changed");
    let _ = plan.next_year().to_toml();
    let confirmed: Vec<_> = plan
        .reports
        .iter()
        .map(|r| treem_domain::plan::ConfirmedPeriod::as_proposed(plan.year, r, "fuzz", ""))
        .collect();
    let Ok(period) = plan.period_for(&confirmed, today()) else {
        return;
    };
    for as_of in [period.start, period.end, today()] {
        let snap = Snapshot {
            as_of,
            period,
            children: treem_domain::indicator::Children::Slice(&[]),
            supports: &[],
            reported: &[],
            assessments: &[],
            health: treem_domain::health::HealthRecords::empty(),
            cases: &[],
            calendar: case::embedded_calendar(),
            work: &treem_domain::work::EMPTY,
            activities: &treem_domain::activity::EMPTY,
        };
        let _ = indicator::compute_all(&plan, &snap);
    }
}

/// A personal ID (mã định danh) as typed, checked alone and against every sex and the birth
/// year in the input's first two bytes.
pub fn personal_id(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let year = i16::from_le_bytes([data[0], data[1]]);
    let Ok(s) = std::str::from_utf8(&data[2..]) else {
        return;
    };
    let plain = PersonalId::parse(s);
    for sex in [Sex::Male, Sex::Female, Sex::Unknown] {
        for y in [Some(year), None] {
            if let Ok(id) = PersonalId::parse_for(s, sex, y) {
                assert_eq!(
                    Ok(&id),
                    plain.as_ref(),
                    "parse_for accepts what parse refuses"
                );
                let _ = id.note();
                assert_eq!(PersonalId::parse(id.as_str()).as_ref(), Ok(&id));
            }
        }
    }
}

/// Dates as people write them: the register's (dd/mm/yyyy, ISO, and for a birth mm/yyyy,
/// yyyy), a plan file's, a time of birth, a vaccine's age and dose.
pub fn dates(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = validation::parse_date(s) {
        assert_eq!(validation::parse_date(&d.to_string()), Some(d));
        assert_eq!(
            validation::parse_date(&treem_domain::plan::format_date_vi(d)),
            Some(d),
            "a date as the pages show it does not parse back"
        );
    }
    if let Some(d) = treem_domain::plan::parse_date(s) {
        assert_eq!(
            treem_domain::plan::parse_date(&treem_domain::plan::format_date_vi(d)),
            Some(d)
        );
    }
    let _ = treem_domain::health::parse_hh_mm(s);
    let _ = treem_domain::health::Age::parse(s).map(|a| a.reached_on(today()));
    let _ = treem_domain::health::DoseRef::parse(s);
    // The date of birth with its precision, and the dates of a child's record.
    let draft = ChildDraft {
        full_name: Some("Giàng A Páo".into()),
        village: Some("SP01".into()),
        date_of_birth: Some(s.to_string()),
        birth_registered_on: Some(s.to_string()),
        moved_in: Some(s.to_string()),
        ..Default::default()
    };
    check_child(&draft);
    let estimated = ChildDraft {
        date_of_birth: None,
        estimated_age: Some(Value::String(s.to_string())),
        ..draft.clone()
    };
    check_child(&estimated);
    let stored_estimate = ChildDraft {
        dob_precision: Some("estimated".into()),
        ..draft
    };
    check_child(&stored_estimate);
}

/// A child's fields parsed; when accepted, the record reads back as itself.
fn check_child(draft: &ChildDraft) -> Option<treem_domain::register::ChildData> {
    let data = draft.parse(today()).ok()?;
    let again = ChildDraft::from(&data).parse(today());
    assert_eq!(
        again.as_ref(),
        Ok(&data),
        "a child's record does not read back"
    );
    Some(data)
}

/// The kinds of JSON body [`json_body`] tries, chosen by the input's first byte.
pub const JSON_BODIES: [&str; 10] = [
    "child",
    "child_put",
    "birth",
    "health_event",
    "case_intake",
    "case_entry",
    "case_replacement",
    "reported",
    "user",
    "any",
];

/// An API request body: the first byte chooses the request ([`JSON_BODIES`]), the rest is the
/// JSON. Each is deserialised as its handler does and run through the same checks.
pub fn json_body(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match JSON_BODIES[which as usize % JSON_BODIES.len()] {
        // POST /children
        "child" => {
            if let Ok(d) = serde_json::from_slice::<ChildDraft>(body) {
                check_child(&d);
            }
        }
        // PUT /children/{id}
        "child_put" => {
            if let Ok(p) = serde_json::from_slice::<ChildPut>(body) {
                let _ = p.version.as_ref().and_then(|v| v.as_i64());
                check_child(&p.draft);
            }
        }
        // POST /health/births
        "birth" => {
            if let Ok(b) = serde_json::from_slice::<BirthBody>(body) {
                birth(b);
            }
        }
        // POST /health/events
        "health_event" => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                health_event(v);
            }
        }
        // POST /cases
        "case_intake" => {
            if let Ok(e) = serde_json::from_slice::<EntryKind>(body) {
                case_entry(e, None);
            }
        }
        // POST /cases/{id}/entries
        "case_entry" => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                if let Value::Array(entries) = v {
                    case_sequence(entries);
                } else if let Ok(e) = serde_json::from_value::<EntryKind>(v["entry"].clone()) {
                    case_entry(e, v["expected_seq"].as_u64());
                }
            }
        }
        // POST /cases/{id}/entries/{seq}/replacement
        "case_replacement" => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                if let Ok(e) = serde_json::from_value::<EntryKind>(v["entry"].clone()) {
                    replacement(e, v["seq"].as_u64().unwrap_or(1));
                }
            }
        }
        // POST /plans/{year}/targets/{n}/reported
        "reported" => {
            if let Ok(b) = serde_json::from_slice::<ReportBody>(body) {
                reported(b);
            }
        }
        // POST /users
        "user" => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                let _ = v["role"].as_str().unwrap_or("").parse::<Role>();
            }
        }
        // Any body: every request type tried on the same JSON, and a household's.
        _ => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                if let Ok(d) = serde_json::from_value::<ChildDraft>(v.clone()) {
                    check_child(&d);
                }
                health_event(v.clone());
                if let Ok(e) = serde_json::from_value::<EntryKind>(v.clone()) {
                    case_entry(e, None);
                }
                if let Ok(b) = serde_json::from_value::<ReportBody>(v.clone()) {
                    reported(b);
                }
                // POST and PUT /households (the record is checked by storage with this).
                if let Ok(h) = serde_json::from_value::<HouseholdData>(v) {
                    let _ = h.validate();
                    let _ = h.poverty_on(today());
                }
            }
        }
    }
}

/// As `POST /health/births`: the child's fields, then the birth's.
fn birth(b: BirthBody) {
    let Ok(data) = b.child.parse(today()) else {
        return;
    };
    if let Some(b) = Birth::of_newborn(data.date_of_birth, data.dob_precision, b.birth) {
        let _ = b.validate(today());
    }
}

/// As `POST /health/events`: the date, then the kind's own fields and rules, for a child born
/// on a known day and for one whose birth date is not known.
fn health_event(mut body: Value) {
    if !body.is_object() {
        return;
    }
    let kind = body["event"]
        .as_str()
        .or_else(|| body["kind"].as_str())
        .unwrap_or("")
        .to_string();
    let Some(date) = body["date"].as_str().and_then(validation::parse_date) else {
        return;
    };
    body["date"] = json!(date.to_string());
    let t = today();
    for born in [Some(jiff::civil::date(2024, 2, 29)), None] {
        let _ = match kind.as_str() {
            "death" => serde_json::from_value::<Death>(body.clone()).map(|e| e.validate(t, born)),
            "vaccination" => serde_json::from_value::<Vaccination>(body.clone())
                .map(|e| e.validate(Schedule::embedded(), t, born)),
            "injury" => serde_json::from_value::<Injury>(body.clone()).map(|e| e.validate(t, born)),
            "hiv" => serde_json::from_value::<HivFollowUp>(body.clone()).map(|e| e.validate(t)),
            "measurement" => {
                let dob = born.unwrap_or(jiff::civil::date(2025, 1, 1));
                let reading = Reading {
                    weight_kg: body["weight_kg"].as_f64(),
                    length_cm: body["length_cm"].as_f64(),
                    measure: if body["measure"].as_str() == Some("standing") {
                        Measure::Standing
                    } else {
                        Measure::Lying
                    },
                    oedema: body["oedema"].as_bool().unwrap_or(false),
                };
                for sex in [Sex::Male, Sex::Female, Sex::Unknown] {
                    let m = Measurement::assess(1, date, sex, dob, reading);
                    let _ = m.validate(t, born);
                    let _ = (m.underweight(), m.stunted(), m.wasted(), m.status());
                }
                continue;
            }
            _ => continue,
        };
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        user_id: 1,
        username: role.as_str().to_string(),
        role,
        village_id: (role == Role::VillageHead).then_some(1),
    }
}

/// The commune's clock at the time the fuzz targets record case entries.
fn now() -> jiff::civil::DateTime {
    today().at(9, 30, 0, 0)
}

/// A case opened by the officer with a valid intake, as the cases the fuzzed entries land on.
fn opened_case() -> CaseFile {
    use treem_domain::case::{Channel, ChildRef, Intake, IntakeCategory};
    let intake = EntryKind::Intake(Box::new(Intake {
        channel: Channel::Hotline111,
        received_at: today().at(8, 0, 0, 0),
        category: IntakeCategory::Abused,
        child: ChildRef::Registered { child_id: 1 },
        place: "Thôn Sính Phình".into(),
        current_condition: "Có vết bầm tím ở tay".into(),
        predicted_consequence: String::new(),
        father: None,
        mother: None,
        family_circumstances: String::new(),
        caregiver: None,
        actions_taken: String::new(),
        informant: None,
    }));
    case::apply(&CaseFile::new(1), &actor(Role::Officer), intake, now())
        .expect("the fixed intake opens a case")
}

/// What a case gives to every reader: deadlines, the actions offered, the receipt, and a replay
/// of its entries (as storage reads a case back) that must succeed.
fn read_case(case: &CaseFile, role: Role) {
    let calendar = case::embedded_calendar();
    let _ = case::deadlines(case, calendar);
    let _ = case::next_deadline(case, calendar);
    let _ = case::actions(case, &actor(role));
    let _ = case::receipt(case);
    let _ = case::may_open(case, &actor(role));
    let replayed = CaseFile::replay(case.id(), case.entries().to_vec());
    assert!(
        replayed.is_ok(),
        "a recorded case does not replay: {replayed:?}"
    );
}

/// As `POST /cases` or `POST /cases/{id}/entries`: the entry's own checks, then the state
/// machine as every role on a new case and on an opened one.
fn case_entry(e: EntryKind, _expected_seq: Option<u64>) {
    let _ = e.validate();
    let _ = e.code();
    let _ = e.label_vi();
    for base in [CaseFile::new(1), opened_case()] {
        for role in ALL_ROLES {
            if let Ok(next) = case::apply(&base, &actor(role), e.clone(), now()) {
                read_case(&next, role);
            }
        }
    }
}

/// A case's whole life: each entry of the array recorded in turn (an hour apart) by the first
/// role the rules let record it; entries nobody may record are skipped.
fn case_sequence(entries: Vec<Value>) {
    let mut case = CaseFile::new(1);
    let mut at = now();
    for v in entries.into_iter().take(64) {
        let Ok(e) = serde_json::from_value::<EntryKind>(v) else {
            continue;
        };
        let _ = e.validate();
        at = at.checked_add(jiff::Span::new().hours(1)).unwrap_or(at);
        for role in ALL_ROLES {
            if let Ok(next) = case::apply(&case, &actor(role), e.clone(), at) {
                read_case(&next, role);
                case = next;
                break;
            }
        }
    }
}

/// As `POST /cases/{id}/entries/{seq}/replacement` on the opened case.
fn replacement(e: EntryKind, seq: u64) {
    let _ = e.validate();
    let base = opened_case();
    let seq = u32::try_from(seq).unwrap_or(u32::MAX);
    for role in ALL_ROLES {
        if let Ok(next) = case::correct(&base, &actor(role), seq, e.clone(), now()) {
            read_case(&next, role);
        }
    }
}

/// As `POST /plans/{year}/targets/{n}/reported`, against every target of the 2026 plan.
fn reported(b: ReportBody) {
    let (Some(period_start), Some(period_end)) = (
        validation::parse_date(&b.period_start),
        validation::parse_date(&b.period_end),
    ) else {
        return;
    };
    static PLAN: std::sync::OnceLock<Plan> = std::sync::OnceLock::new();
    let plan = PLAN.get_or_init(|| Plan::from_toml(crate::figures::SEED_PLAN).expect("seed plan"));
    for t in &plan.targets {
        let rv = ReportedValue {
            target: t.number,
            secondary: b.secondary,
            period_start,
            period_end,
            numerator: b.numerator,
            denominator: b.denominator,
            value: b.value,
            note: b.note.trim().to_string(),
            entered_by: "officer".into(),
            entered_at: "2026-06-15T09:30:00+07:00".into(),
        };
        if indicator::validate_reported(&rv, t).is_ok() {
            // An accepted figure is one the dashboard can compute with.
            let snap = Snapshot {
                as_of: period_end,
                period: rv.period(),
                children: treem_domain::indicator::Children::Slice(&[]),
                supports: &[],
                reported: std::slice::from_ref(&rv),
                assessments: &[],
                health: treem_domain::health::HealthRecords::empty(),
                cases: &[],
                calendar: case::embedded_calendar(),
                work: &treem_domain::work::EMPTY,
                activities: &treem_domain::activity::EMPTY,
            };
            let _ = indicator::compute_target(t, &snap);
        }
    }
}
