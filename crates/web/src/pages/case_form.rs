//! The case step forms as posted: text fields to [`EntryKind`]s, with a Vietnamese message per
//! field. Field names are the domain's serde paths (`measures[2].responsible`), so the domain's
//! own checks land beside the same inputs.
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use treem_domain::case::*;
use treem_domain::register::{Caregiver, DobPrecision, Sex};
use treem_domain::role::Role;
use treem_domain::validation::{parse_date, FieldErrors};

/// Rows offered for a plan's measures and a meeting's attendees.
pub const MEASURE_ROWS: usize = 6;

/// A posted form: every value of every name, in order.
#[derive(Debug, Default, Clone)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    pub fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(n, x)| n == k && x == v)
    }

    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.retain(|(n, _)| n != k);
        self.0.push((k.to_string(), v.into()));
    }
}

/// Reads typed values out of a [`Posted`] form, collecting what is wrong.
pub struct Reader<'a> {
    f: &'a Posted,
    pub errors: FieldErrors,
}

impl<'a> Reader<'a> {
    pub fn new(f: &'a Posted) -> Self {
        Reader {
            f,
            errors: FieldErrors::default(),
        }
    }

    pub fn text(&self, k: &str) -> String {
        self.f.get(k).to_string()
    }

    /// Lines of a text area, blank ones dropped.
    pub fn lines(&self, k: &str) -> Vec<String> {
        self.f
            .get(k)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }

    pub fn opt_date(&mut self, k: &str) -> Option<jiff::civil::Date> {
        let s = self.f.get(k);
        if s.is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            let problem = treem_domain::validation::date_out_of_range(s)
                .unwrap_or_else(|| format!("«{s}» không phải ngày (dd/mm/yyyy)"));
            self.errors.push(k, problem);
        }
        d
    }

    pub fn date(&mut self, k: &str, what: &str) -> Option<jiff::civil::Date> {
        if self.f.get(k).is_empty() {
            self.errors.push(k, format!("thiếu {what}"));
            return None;
        }
        self.opt_date(k)
    }

    /// A date in `k` and an hour in `k_time` ("HH:MM").
    pub fn datetime(&mut self, k: &str, what: &str) -> Option<jiff::civil::DateTime> {
        let day = self.date(k, what)?;
        let tk = format!("{k}_time");
        let t = self.f.get(&tk);
        let parsed = t.split_once([':', 'h', 'g']).and_then(|(h, m)| {
            let h: i8 = h.trim().parse().ok()?;
            let m: i8 = if m.trim().is_empty() {
                0
            } else {
                m.trim().parse().ok()?
            };
            jiff::civil::Time::new(h, m, 0, 0).ok()
        });
        match parsed {
            Some(time) => Some(day.to_datetime(time)),
            None => {
                let msg = if t.is_empty() {
                    format!("thiếu giờ ({what})")
                } else {
                    format!("«{t}» không phải giờ (HH:MM)")
                };
                self.errors.push(&tk, msg);
                None
            }
        }
    }

    /// A choice whose value is the serde name of `T`; blank is `None`.
    pub fn opt_choice<T: DeserializeOwned>(&mut self, k: &str) -> Option<T> {
        let s = self.f.get(k);
        if s.is_empty() {
            return None;
        }
        match serde_json::from_value(serde_json::Value::String(s.to_string())) {
            Ok(v) => Some(v),
            Err(_) => {
                self.errors.push(k, format!("lựa chọn «{s}» không có"));
                None
            }
        }
    }

    pub fn choice<T: DeserializeOwned>(&mut self, k: &str, what: &str) -> Option<T> {
        if self.f.get(k).is_empty() {
            self.errors.push(k, format!("chọn {what}"));
            return None;
        }
        self.opt_choice(k)
    }

    pub fn opt_number<T: std::str::FromStr>(&mut self, k: &str) -> Option<T> {
        let s = self.f.get(k);
        if s.is_empty() {
            return None;
        }
        let v = s.parse().ok();
        if v.is_none() {
            self.errors.push(k, format!("«{s}» không phải số"));
        }
        v
    }

    pub fn checked(&self, k: &str) -> bool {
        self.f.has(k, "1") || self.f.has(k, "on")
    }

    /// The standard Cao / Trung bình / Thấp items (`rating.<code>`), plus one item written in
    /// (`rating_other_item`, `rating_other`).
    pub fn ratings(&mut self) -> Vec<RatedItem> {
        let mut out = Vec::new();
        for (code, _) in STANDARD_ITEMS {
            if let Some(rating) = self.opt_choice::<Rating>(&format!("rating.{code}")) {
                out.push(RatedItem {
                    item: code.to_string(),
                    rating,
                });
            }
        }
        let other = self.text("rating_other_item");
        if let Some(rating) = self.opt_choice::<Rating>("rating_other") {
            out.push(RatedItem {
                item: other,
                rating,
            });
        } else if !other.is_empty() {
            self.errors
                .push("rating_other", "chọn mức Cao / Trung bình / Thấp");
        }
        out
    }

    /// The entry, or every problem at once: what the form could not read, and what the
    /// domain's own checks of the entry find in the rest.
    fn done(mut self, kind: EntryKind) -> Result<EntryKind, FieldErrors> {
        if self.errors.is_empty() {
            Ok(kind)
        } else {
            self.errors.0.extend(kind.check_limits().0);
            self.errors.0.extend(kind.validate().0);
            Err(self.errors)
        }
    }
}

/// The entry of step `code` from its form (the domain checks the rest when it is applied).
pub fn parse_step(code: &str, f: &Posted) -> Result<EntryKind, FieldErrors> {
    let mut r = Reader::new(f);
    let kind = match code {
        "initial_assessment" => {
            let ratings = r.ratings();
            let abuse_type = r.opt_choice("abuse_type");
            let sub_type = r.opt_choice("sub_type");
            let level = r.choice("level", "cấp độ bảo vệ");
            EntryKind::InitialAssessment(InitialAssessment {
                ratings,
                abuse_type,
                sub_type,
                abuse_description: r.text("abuse_description"),
                level: level.unwrap_or(ProtectionLevel::Prevention),
                serious_harm: r.checked("serious_harm"),
                summary: r.text("summary"),
            })
        }
        "emergency_measures" => {
            let mut measures = Vec::new();
            for m in f.all("measures") {
                match serde_json::from_value(serde_json::Value::String(m.into())) {
                    Ok(k) => measures.push(k),
                    Err(_) => r
                        .errors
                        .push("measures", format!("không có biện pháp «{m}»")),
                }
            }
            let taken_at = r.datetime("taken_at", "thời điểm áp dụng");
            let no = r.text("decision_no");
            EntryKind::EmergencyMeasures(EmergencyMeasures {
                measures,
                taken_at: taken_at.unwrap_or_default(),
                decision_no: (!no.is_empty()).then_some(no),
                description: r.text("description"),
            })
        }
        "specific_assessment" => {
            let ratings = r.ratings();
            let held_at = r.datetime("meeting.held_at", "thời điểm họp");
            let attendees = r
                .lines("meeting.attendees")
                .into_iter()
                .map(
                    |l| match l.split_once(" - ").or_else(|| l.split_once(" — ")) {
                        Some((n, p)) => Attendee {
                            name: n.trim().into(),
                            position: p.trim().into(),
                        },
                        None => Attendee {
                            name: l,
                            position: String::new(),
                        },
                    },
                )
                .collect();
            EntryKind::SpecificAssessment(SpecificAssessment {
                information: r.text("information"),
                ratings,
                needs: r.lines("needs"),
                meeting: Meeting {
                    held_at: held_at.unwrap_or_default(),
                    attendees,
                    minutes: r.text("meeting.minutes"),
                },
            })
        }
        "plan" => {
            let mut measures = Vec::new();
            for i in 1..=MEASURE_ROWS {
                let k = |x: &str| format!("measures[{i}].{x}");
                let filled = ["kind", "description", "responsible", "from", "to"]
                    .iter()
                    .any(|x| !f.get(&k(x)).is_empty());
                if !filled {
                    continue;
                }
                let kind = r.choice(&k("kind"), "biện pháp");
                let from = r.date(&k("from"), "ngày bắt đầu");
                let to = r.date(&k("to"), "ngày kết thúc");
                if let (Some(kind), Some(from), Some(to)) = (kind, from, to) {
                    measures.push((
                        i,
                        Measure {
                            kind,
                            description: r.text(&k("description")),
                            responsible: r.text(&k("responsible")),
                            from,
                            to,
                            resources: r.text(&k("resources")),
                        },
                    ));
                }
            }
            // The domain numbers measures from 1 in the list it gets: keep the rows' numbers
            // by refusing gaps here rather than letting messages point at another row.
            if measures.iter().enumerate().any(|(n, (i, _))| n + 1 != *i) {
                r.errors.push(
                    "measures",
                    "ghi các biện pháp liền nhau từ dòng 1, không bỏ dòng",
                );
            }
            EntryKind::Plan(SupportPlan {
                objectives: r.lines("objectives"),
                measures: measures.into_iter().map(|(_, m)| m).collect(),
            })
        }
        "submit_for_approval" => EntryKind::SubmitForApproval {
            note: r.text("note"),
        },
        "approve" => {
            let no = r.text("decision_no");
            EntryKind::Approve {
                decision_no: (!no.is_empty()).then_some(no),
                note: r.text("note"),
            }
        }
        "return" => EntryKind::Return {
            reason: r.text("reason"),
        },
        "service" => {
            let date = r.date("date", "ngày cung cấp");
            let kind = r.choice("kind", "loại dịch vụ");
            EntryKind::Service(Service {
                date: date.unwrap_or_default(),
                kind: kind.unwrap_or(MeasureKind::Other),
                by: r.text("by"),
                description: r.text("description"),
            })
        }
        "visit" => {
            let date = r.date("date", "ngày thăm");
            EntryKind::Visit(Visit {
                date: date.unwrap_or_default(),
                by: r.text("by"),
                findings: r.text("findings"),
            })
        }
        "referral" => {
            let to = r.choice("to", "nơi chuyển gửi");
            let date = r.date("date", "ngày chuyển gửi");
            let answer = r.text("answer");
            EntryKind::Referral(Referral {
                to: to.unwrap_or(ReferralBody::Other),
                organisation: r.text("organisation"),
                date: date.unwrap_or_default(),
                reason: r.text("reason"),
                answer: (!answer.is_empty()).then_some(answer),
            })
        }
        "referral_answer" => {
            let referral = r.opt_number("referral");
            if referral.is_none() && f.get("referral").is_empty() {
                r.errors.push("referral", "chọn lần chuyển gửi");
            }
            let date = r.date("date", "ngày trả lời");
            EntryKind::ReferralAnswer {
                referral: referral.unwrap_or(0),
                date: date.unwrap_or_default(),
                answer: r.text("answer"),
            }
        }
        "offender_handling" => {
            let handling = r.choice("handling", "cách xử lý người vi phạm");
            let date = r.date("date", "ngày xử lý");
            EntryKind::OffenderHandling(OffenderHandling {
                handling: handling.unwrap_or(Handling::NoKnownOffender),
                date: date.unwrap_or_default(),
                note: r.text("note"),
            })
        }
        "review" => {
            let ratings = r.ratings();
            let decision = r.choice("decision", "kết luận (kết thúc hoặc lập kế hoạch mới)");
            EntryKind::Review(Review {
                ratings,
                recovery: r.text("recovery"),
                decision: decision.unwrap_or(ReviewDecision::Replan),
                note: r.text("note"),
            })
        }
        "assign" => {
            let role: Option<Role> = r.choice("role", "vai trò");
            EntryKind::Assign {
                username: r.text("username"),
                role: role.unwrap_or(Role::Police),
            }
        }
        "unassign" => EntryKind::Unassign {
            username: r.text("username"),
            reason: r.text("reason"),
        },
        "correction" => {
            let of = r.opt_number("of");
            if f.get("of").is_empty() {
                r.errors.push("of", "chọn mục cần gạch bỏ");
            }
            EntryKind::Correction {
                of: of.unwrap_or(0),
                note: r.text("note"),
            }
        }
        _ => {
            r.errors.push("kind", format!("không có bước «{code}»"));
            EntryKind::Return {
                reason: String::new(),
            }
        }
    };
    r.done(kind)
}

/// The report (Mẫu 01) from the intake form.
pub fn parse_intake(f: &Posted) -> Result<EntryKind, FieldErrors> {
    let mut r = Reader::new(f);
    let channel = r.choice("channel", "nguồn thông tin");
    let received_at = r.datetime("received_at", "ngày nhận thông tin");
    let category = r.choice("category", "tình trạng của trẻ");
    let child = if f.get("child_type") == "registered" {
        match r.opt_number::<i64>("child_id") {
            Some(id) => Some(ChildRef::Registered { child_id: id }),
            None => {
                if f.get("child_id").is_empty() {
                    r.errors.push("child_id", "thiếu số của trẻ trong sổ");
                }
                None
            }
        }
    } else {
        let sex: Option<Sex> = r.choice("child.sex", "giới tính (chọn «không biết» nếu chưa rõ)");
        let precision: Option<DobPrecision> = r.choice("child.dob_precision", "mức biết ngày sinh");
        let date_of_birth = r.opt_date("child.date_of_birth");
        let estimated_age = r.opt_number("child.estimated_age");
        let village = r.text("child.village");
        Some(ChildRef::New(NewChild {
            full_name: r.text("child.full_name"),
            sex: sex.unwrap_or(Sex::Unknown),
            date_of_birth,
            dob_precision: precision.unwrap_or(DobPrecision::Unknown),
            estimated_age,
            village: (!village.is_empty()).then_some(village),
            description: r.text("child.description"),
        }))
    };
    let parent = |r: &mut Reader, who: &str| {
        let name = r.text(&format!("{who}.full_name"));
        let age = r.opt_number(&format!("{who}.age"));
        (!name.is_empty()).then(|| Parent {
            full_name: name,
            age,
            occupation: r.text(&format!("{who}.occupation")),
        })
    };
    let father = parent(&mut r, "father");
    let mother = parent(&mut r, "mother");
    let caregiver = {
        let name = r.text("caregiver.full_name");
        let phone = r.text("caregiver.phone");
        (!name.is_empty()).then(|| Caregiver {
            relationship: r.text("caregiver.relationship"),
            full_name: name,
            phone: (!phone.is_empty()).then_some(phone),
        })
    };
    let informant = {
        let fields =
            ["full_name", "phone", "address", "note"].map(|x| r.text(&format!("informant.{x}")));
        let consent = r.checked("informant.consent");
        if fields.iter().all(String::is_empty) {
            None
        } else {
            let [full_name, phone, address, note] = fields;
            Some(Informant {
                consent,
                full_name,
                phone,
                address,
                note,
            })
        }
    };
    let (Some(channel), Some(received_at), Some(category), Some(child)) =
        (channel, received_at, category, child)
    else {
        return Err(r.errors);
    };
    let kind = EntryKind::Intake(Box::new(Intake {
        channel,
        received_at,
        category,
        child,
        place: r.text("place"),
        current_condition: r.text("current_condition"),
        predicted_consequence: r.text("predicted_consequence"),
        father,
        mother,
        family_circumstances: r.text("family_circumstances"),
        caregiver,
        actions_taken: r.text("actions_taken"),
        informant,
    }));
    r.done(kind)
}

/// Field errors as a map for the templates (the first message of each field).
pub fn by_field(e: &FieldErrors) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for x in &e.0 {
        m.entry(x.field.clone())
            .or_insert_with(|| x.message.clone());
    }
    m
}

/// A form filled from an entry, for drafting again from the last plan.
pub fn plan_to_form(p: &SupportPlan, f: &mut Posted) {
    f.set("objectives", p.objectives.join("\n"));
    for (i, m) in p.measures.iter().enumerate().take(MEASURE_ROWS) {
        let k = |x: &str| format!("measures[{}].{x}", i + 1);
        let kind = serde_json::to_value(m.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        f.set(&k("kind"), kind);
        f.set(&k("description"), m.description.clone());
        f.set(&k("responsible"), m.responsible.clone());
        f.set(&k("from"), crate::i18n::vn_date(&m.from.to_string()));
        f.set(&k("to"), crate::i18n::vn_date(&m.to.to_string()));
        f.set(&k("resources"), m.resources.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn an_intake_with_a_new_child_of_unknown_age() {
        let f = posted(&[
            ("channel", "village_head"),
            ("received_at", "27/11/2026"),
            ("received_at_time", "20:15"),
            ("category", "at_risk"),
            ("child_type", "new"),
            ("child.sex", "unknown"),
            ("child.dob_precision", "unknown"),
            ("child.description", "Bé khoảng 2 tuổi"),
            ("place", "Bản Pú Ủng"),
            ("current_condition", "Ở nhà một mình"),
        ]);
        let EntryKind::Intake(i) = parse_intake(&f).unwrap() else {
            panic!("not an intake")
        };
        assert_eq!(i.received_at.to_string(), "2026-11-27T20:15:00");
        assert!(i.informant.is_none());
        let ChildRef::New(c) = &i.child else { panic!() };
        assert_eq!(c.sex, Sex::Unknown);
        assert_eq!(c.dob_precision, DobPrecision::Unknown);
    }

    #[test]
    fn bad_dates_hours_and_choices_name_their_field() {
        let f = posted(&[
            ("channel", "pigeon"),
            ("received_at", "31/02/2026"),
            ("received_at_time", "25:00"),
            ("child_type", "registered"),
            ("child_id", "abc"),
        ]);
        let e = by_field(&parse_intake(&f).unwrap_err());
        assert!(e["channel"].contains("pigeon"), "{e:?}");
        assert!(e["received_at"].contains("dd/mm/yyyy"));
        assert!(e["category"].starts_with("chọn"));
        assert!(e["child_id"].contains("không phải số"));
    }

    #[test]
    fn a_plan_reads_its_rows_and_refuses_a_gap() {
        let mut f = posted(&[
            ("objectives", "Trẻ an toàn\n\nTrẻ đi học lại"),
            ("measures[1].kind", "medical_care"),
            ("measures[1].responsible", "Trạm Y tế"),
            ("measures[1].from", "01/12/2026"),
            ("measures[1].to", "31/12/2026"),
        ]);
        let EntryKind::Plan(p) = parse_step("plan", &f).unwrap() else {
            panic!()
        };
        assert_eq!(p.objectives.len(), 2);
        assert_eq!(p.measures[0].responsible, "Trạm Y tế");
        f.0.push(("measures[3].kind".into(), "education".into()));
        f.0.push(("measures[3].from".into(), "01/12/2026".into()));
        f.0.push(("measures[3].to".into(), "01/01/2027".into()));
        let e = by_field(&parse_step("plan", &f).unwrap_err());
        assert!(e["measures"].contains("không bỏ dòng"));
    }

    #[test]
    fn ratings_and_an_item_written_in() {
        let f = posted(&[
            ("rating.muc_do_ton_hai", "cao"),
            ("rating.kha_nang_tu_bao_ve_phuc_hoi", "thap"),
            ("rating_other_item", "Trẻ bỏ học"),
            ("rating_other", "trung_binh"),
            ("recovery", "Trẻ đã đi học lại"),
            ("decision", "close"),
        ]);
        let EntryKind::Review(r) = parse_step("review", &f).unwrap() else {
            panic!()
        };
        assert_eq!(rating_counts(&r.ratings), (1, 1, 1));
        assert_eq!(r.decision, ReviewDecision::Close);
        let e = by_field(&parse_step("review", &posted(&[])).unwrap_err());
        assert!(e["decision"].starts_with("chọn"));
    }
}

fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(String::from))
        .unwrap_or_default()
}

fn put_when(f: &mut Posted, k: &str, t: jiff::civil::DateTime) {
    f.set(k, crate::i18n::vn_date(&t.date().to_string()));
    f.set(
        &format!("{k}_time"),
        format!("{:02}:{:02}", t.hour(), t.minute()),
    );
}

fn put_ratings(f: &mut Posted, items: &[RatedItem]) {
    for i in items {
        if STANDARD_ITEMS.iter().any(|(c, _)| *c == i.item) {
            f.set(&format!("rating.{}", i.item), code_of(&i.rating));
        } else {
            f.set("rating_other_item", i.item.clone());
            f.set("rating_other", code_of(&i.rating));
        }
    }
}

/// A form filled from a recorded entry, to write its replacement: the inverse of
/// [`parse_step`] and [`parse_intake`].
pub fn entry_to_form(kind: &EntryKind) -> Posted {
    let mut f = Posted::default();
    let day = |d: jiff::civil::Date| crate::i18n::vn_date(&d.to_string());
    match kind {
        EntryKind::Intake(i) => {
            f.set("channel", code_of(&i.channel));
            put_when(&mut f, "received_at", i.received_at);
            f.set("category", code_of(&i.category));
            match &i.child {
                ChildRef::Registered { child_id } => {
                    f.set("child_type", "registered");
                    f.set("child_id", child_id.to_string());
                }
                ChildRef::New(c) => {
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
        EntryKind::InitialAssessment(a) => {
            put_ratings(&mut f, &a.ratings);
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
        EntryKind::EmergencyMeasures(m) => {
            for k in &m.measures {
                f.0.push(("measures".into(), code_of(k)));
            }
            put_when(&mut f, "taken_at", m.taken_at);
            f.set("decision_no", m.decision_no.clone().unwrap_or_default());
            f.set("description", m.description.clone());
        }
        EntryKind::SpecificAssessment(s) => {
            put_ratings(&mut f, &s.ratings);
            f.set("information", s.information.clone());
            f.set("needs", s.needs.join("\n"));
            put_when(&mut f, "meeting.held_at", s.meeting.held_at);
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
        EntryKind::Review(r) => {
            put_ratings(&mut f, &r.ratings);
            f.set("recovery", r.recovery.clone());
            f.set("decision", code_of(&r.decision));
            f.set("note", r.note.clone());
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
    }
    f
}

#[cfg(test)]
mod round_trip {
    use super::*;

    /// What a replacement form shows reads back as the same entry.
    #[test]
    fn entries_read_back_from_their_own_form() {
        let at: jiff::civil::DateTime = "2026-11-27T20:15".parse().unwrap();
        let entries = vec![
            EntryKind::Intake(Box::new(Intake {
                channel: Channel::School,
                received_at: at,
                category: IntakeCategory::Abused,
                child: ChildRef::New(NewChild {
                    full_name: "Sùng Thị Dua".into(),
                    sex: Sex::Female,
                    date_of_birth: None,
                    dob_precision: DobPrecision::Estimated,
                    estimated_age: Some(9),
                    village: Some("SP01".into()),
                    description: "Tóc ngắn".into(),
                }),
                place: "Trường".into(),
                current_condition: "Sợ hãi".into(),
                predicted_consequence: String::new(),
                father: Some(Parent {
                    full_name: "Sùng A Lử".into(),
                    age: Some(40),
                    occupation: "Làm nương".into(),
                }),
                mother: None,
                family_circumstances: String::new(),
                caregiver: Some(Caregiver {
                    relationship: "bà".into(),
                    full_name: "Lầu Thị Mỷ".into(),
                    phone: Some("0912000000".into()),
                }),
                actions_taken: String::new(),
                informant: Some(Informant {
                    consent: true,
                    full_name: "Giáo viên".into(),
                    phone: String::new(),
                    address: String::new(),
                    note: String::new(),
                }),
            })),
            EntryKind::InitialAssessment(InitialAssessment {
                ratings: vec![
                    RatedItem {
                        item: "muc_do_ton_hai".into(),
                        rating: Rating::High,
                    },
                    RatedItem {
                        item: "Trẻ bỏ học".into(),
                        rating: Rating::Low,
                    },
                ],
                abuse_type: Some(AbuseType::SexualAbuse),
                sub_type: Some(SexualAbuseKind::Molestation),
                abuse_description: String::new(),
                level: ProtectionLevel::Intervention,
                serious_harm: true,
                summary: "Cần can thiệp".into(),
            }),
            EntryKind::EmergencyMeasures(EmergencyMeasures {
                measures: vec![
                    EmergencyKind::EmergencyIntervention,
                    EmergencyKind::TemporarySeparation,
                ],
                taken_at: at,
                decision_no: Some("3/QĐ".into()),
                description: "Đưa trẻ về nhà bà".into(),
            }),
            EntryKind::Review(Review {
                ratings: vec![RatedItem {
                    item: "muc_do_ton_hai".into(),
                    rating: Rating::Low,
                }],
                recovery: "Ổn định".into(),
                decision: ReviewDecision::Replan,
                note: String::new(),
            }),
            EntryKind::Service(Service {
                date: at.date(),
                kind: MeasureKind::LegalAid,
                by: "Trợ giúp pháp lý".into(),
                description: "Tư vấn".into(),
            }),
        ];
        for e in entries {
            let f = entry_to_form(&e);
            let back = match &e {
                EntryKind::Intake(_) => parse_intake(&f),
                other => parse_step(other.code(), &f),
            };
            assert_eq!(back.as_ref(), Ok(&e), "{}", e.code());
        }
    }
}
