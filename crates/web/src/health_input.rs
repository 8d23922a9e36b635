//! A health event as a person or a client gives it — the API's JSON body, the child page's
//! form — turned into the domain's typed [`Event`], checked by the domain's rules. Shared by
//! the API and the pages, which do not import each other.
use crate::error::ApiError;
use crate::AppState;
use serde_json::{Map, Value};
use treem_domain::health::{
    Death, Event, HivFollowUp, Injury, Measure, Measurement, Reading, Schedule, Vaccination,
};
use treem_domain::register::{Child, DobPrecision};
use treem_domain::validation::{date_problem, parse_date, FieldErrors};
use treem_domain::Date;
use treem_storage::Actor;

/// `{kind, child_id, date, …fields of that kind}`; for an injury, whose own `kind` names the
/// injury, the event is named in `event`. Read as leniently as a client may write it: a
/// missing or mistyped kind, child or date is refused with its field named, by
/// [`EventInput::check`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(from = "Map<String, Value>")]
pub struct EventInput {
    /// The event's kind (`event`, else `kind`).
    pub kind: String,
    pub child_id: Option<i64>,
    /// The date as typed (ISO or dd/mm/yyyy).
    pub date: Option<String>,
    /// Every field as sent, read by the kind's type (fields it does not know are left out).
    pub fields: Map<String, Value>,
}

impl From<Map<String, Value>> for EventInput {
    fn from(fields: Map<String, Value>) -> Self {
        let text = |k: &str| fields.get(k).and_then(Value::as_str);
        EventInput {
            kind: text("event").or_else(|| text("kind")).unwrap_or("").into(),
            child_id: fields.get("child_id").and_then(Value::as_i64),
            date: text("date").map(str::to_string),
            fields,
        }
    }
}

fn typed<T: serde::de::DeserializeOwned>(v: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(v))
        .map_err(|e| FieldErrors::single("body", format!("thiếu hoặc sai trường: {e}")).into())
}

impl EventInput {
    /// The date, refused when missing or not a date.
    fn parsed_date(&self) -> Result<Date, FieldErrors> {
        match self.date.as_deref().filter(|s| !s.trim().is_empty()) {
            None => Err(FieldErrors::single("date", "cần ngày (YYYY-MM-DD)")),
            Some(s) => parse_date(s).ok_or_else(|| FieldErrors::single("date", date_problem(s))),
        }
    }

    /// What was weighed and measured (a measurement's fields).
    fn reading(&self) -> Reading {
        let f = &self.fields;
        Reading {
            weight_kg: f.get("weight_kg").and_then(Value::as_f64),
            length_cm: f.get("length_cm").and_then(Value::as_f64),
            measure: if f.get("measure").and_then(Value::as_str) == Some("standing") {
                Measure::Standing
            } else {
                Measure::Lying
            },
            oedema: f.get("oedema").and_then(Value::as_bool).unwrap_or(false),
        }
    }

    /// The event of this kind, typed and checked by the domain's rules against today and the
    /// child's record (read from the store, an audited read), with a measurement's z-scores.
    pub async fn check(self, s: &AppState, actor: &Actor) -> Result<Event, ApiError> {
        let today = treem_storage::today();
        let date = self.parsed_date()?;
        if self.kind != treem_domain::health::HIV && self.child_id.is_none() {
            return Err(FieldErrors::single("child_id", "cần mã trẻ").into());
        }
        let child = match self.child_id {
            Some(c) => Some(s.store.child(actor, c).await?),
            None => None,
        };
        self.typed(date, today, child.as_ref())
    }

    /// [`EventInput::check`] once the date is read and the child found.
    fn typed(self, date: Date, today: Date, child: Option<&Child>) -> Result<Event, ApiError> {
        // The birth date to check events against, when it is known to the day.
        let born = child.and_then(|c| match c.data.dob_precision {
            DobPrecision::Day => c.data.date_of_birth,
            _ => None,
        });
        let reading = self.reading();
        let mut fields = self.fields;
        fields.insert("date".into(), Value::from(date.to_string()));
        if let Some(c) = child {
            fields.insert("child_id".into(), Value::from(c.id));
        }
        let event = match self.kind.as_str() {
            "death" => {
                let e: Death = typed(fields)?;
                e.validate(today, born)?;
                Event::Death(e)
            }
            "vaccination" => {
                let e: Vaccination = typed(fields)?;
                e.validate(Schedule::embedded(), today, born)?;
                Event::Vaccination(e)
            }
            "injury" => {
                let e: Injury = typed(fields)?;
                e.validate(today, born)?;
                Event::Injury(e)
            }
            "hiv" => {
                let counts: HivFollowUp = typed(fields)?;
                counts.validate(today)?;
                Event::Hiv { date, counts }
            }
            "measurement" => {
                let c = child.ok_or_else(|| FieldErrors::single("child_id", "cần mã trẻ"))?;
                let dob = c
                    .data
                    .date_of_birth
                    .ok_or_else(|| FieldErrors::single("child_id", "trẻ chưa có ngày sinh"))?;
                let m = Measurement::assess(c.id, date, c.data.sex, dob, reading);
                m.validate(today, born)?;
                Event::Measurement(m)
            }
            "birth" => {
                return Err(FieldErrors::single(
                    "kind",
                    "khai báo sinh qua POST /api/v1/health/births",
                )
                .into())
            }
            _ => {
                return Err(FieldErrors::single(
                    "kind",
                    "chỉ nhận death, vaccination, measurement, injury hoặc hiv",
                )
                .into())
            }
        };
        Ok(event)
    }
}

/// Reads stored event `id`, checks `body` as its replacement (the domain's rules for a new
/// event, then for a correction) and stores it: the replacement's id and event. Shared by the API and
/// the child page's form.
pub async fn replace(
    s: &AppState,
    actor: &treem_storage::Actor,
    id: i64,
    mut body: EventInput,
) -> Result<(i64, treem_domain::health::Event), ApiError> {
    let stored = s.store.health_event(actor, id).await?;
    let original = stored.event()?;
    if body.kind.is_empty() {
        body.kind = stored.kind.clone();
    }
    if body.child_id.is_none() {
        body.child_id = stored.child_id;
    }
    let reason = body
        .fields
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let event = match body.check(s, actor).await {
        Ok(e) => e,
        Err(ApiError::Invalid(mut errs)) => {
            if let Some(p) = treem_domain::health::reason_problem(&reason) {
                errs.push("reason", p);
            }
            return Err(ApiError::Invalid(errs));
        }
        Err(e) => return Err(e),
    };
    let correction = treem_domain::health::Correction::new(id, original, event.clone(), &reason)?;
    let new_id = s.store.replace_health_event(actor, &correction).await?;
    Ok((new_id, event))
}

/// An event as the API answers it: its type's fields (the child and the date included; for
/// HIV follow-up, the counts).
pub fn event_json(e: &Event) -> Value {
    let v = match e {
        Event::Birth(x) => serde_json::to_value(x),
        Event::Death(x) => serde_json::to_value(x),
        Event::Vaccination(x) => serde_json::to_value(x),
        Event::Measurement(x) => serde_json::to_value(x),
        Event::Injury(x) => serde_json::to_value(x),
        Event::Hiv { counts, .. } => serde_json::to_value(counts),
    };
    v.unwrap_or(Value::Null)
}
