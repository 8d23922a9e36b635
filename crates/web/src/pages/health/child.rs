//! The health part of a child's page: the events in words, and the forms that record a
//! vaccination, an injury or a death.
use super::forms::ChildEventForm;
use super::{may_weigh, render_message};
use crate::health_input::EventInput;
use crate::i18n::vn_date;
use crate::pages::PageForm as Form;
use crate::pages::{Ctx, PageError, PageErrorKind};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use treem_domain::birth_date::BirthDate;
use treem_domain::health::{DeathCause, Event, InjuryKind, Outcome, Severity};
use treem_domain::plan::format_number_vi;
use treem_domain::role::Role;
use treem_domain::validation::parse_date;

impl ChildEventForm {
    /// The form as the API's body for child `id`: the event named in `event`, the date as
    /// typed (ISO when it reads as a date), the kind's fields. `None` for an unknown event.
    fn input(&self, id: i64) -> Option<EventInput> {
        let t = |s: &str| Value::from(s.trim());
        let date = parse_date(self.date.trim())
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.date.trim().to_string());
        let mut body = Map::new();
        body.insert("event".into(), t(&self.event));
        body.insert("child_id".into(), Value::from(id));
        body.insert("date".into(), Value::from(date));
        match self.event.trim() {
            "vaccination" => {
                body.insert("vaccine".into(), t(&self.vaccine));
                let dose = self.dose.trim().parse::<u8>().unwrap_or(0);
                body.insert("dose".into(), Value::from(dose));
            }
            "injury" => {
                body.insert("kind".into(), t(&self.injury_kind));
                body.insert("severity".into(), t(&self.severity));
                body.insert("outcome".into(), t(&self.outcome));
                if !self.place.trim().is_empty() {
                    body.insert("place".into(), t(&self.place));
                }
            }
            "death" => {
                body.insert("cause".into(), t(&self.cause));
            }
            _ => return None,
        }
        Some(EventInput::from(body))
    }
}

/// Records a vaccination, an injury or a death from the child's page.
pub async fn add_from_child_page(
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<String>,
    Form(f): Form<ChildEventForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let input = f
        .input(id)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let event = match input.check(&ctx.state, &ctx.actor()).await {
        Ok(e) => e,
        Err(crate::ApiError::Invalid(e)) => {
            let page = render_message(&ctx, &e.to_string());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(ctx.fail_api(e)),
    };
    ctx.state
        .store
        .add_health_events(&ctx.actor(), &[event])
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(axum::response::Redirect::to(&format!("/children/{id}")).into_response())
}

/// The options of the child page's health forms, labelled by the domain.
pub struct HealthForms {
    pub vaccines: Vec<(String, String)>,
    pub causes: Vec<(String, String)>,
    pub injury_kinds: Vec<(String, String)>,
    pub severities: Vec<(String, String)>,
    pub outcomes: Vec<(String, String)>,
    pub today: String,
}

fn labelled<T: serde::de::DeserializeOwned>(
    codes: &[&str],
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    codes
        .iter()
        .filter_map(|c| {
            let v: T = serde_json::from_value(serde_json::json!(c)).ok()?;
            Some((c.to_string(), label(v).to_string()))
        })
        .collect()
}

pub fn health_forms(role: Role) -> Option<HealthForms> {
    if !may_weigh(role) {
        return None;
    }
    let causes = [
        "illness",
        "drowning",
        "traffic",
        "fall",
        "burn",
        "animal_bite",
        "poisoning",
        "other_injury",
        "other",
        "unknown",
    ];
    let injury_kinds = [
        "drowning",
        "traffic",
        "fall",
        "burn",
        "animal_bite",
        "poisoning",
        "other",
    ];
    Some(HealthForms {
        vaccines: treem_domain::health::Schedule::embedded()
            .vaccines
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        causes: labelled(&causes, |c: DeathCause| c.label_vi()),
        injury_kinds: labelled(&injury_kinds, |c: InjuryKind| c.label_vi()),
        severities: labelled(&["minor", "moderate", "severe"], |c: Severity| c.label_vi()),
        outcomes: labelled(
            &["recovered", "disabled", "died", "unknown"],
            |c: Outcome| c.label_vi(),
        ),
        today: vn_date(&treem_storage::today().to_string()),
    })
}

/// One event in words; `born`: the child's birth date, for the age at death.
pub(super) fn event_text(e: &Event, born: Option<BirthDate>) -> String {
    let number = |v: Option<f64>| v.map(format_number_vi).unwrap_or_else(|| "—".into());
    match e {
        Event::Birth(b) => format!(
            "Sinh{}",
            b.weight_g.map(|w| format!(", {w} g")).unwrap_or_default()
        ),
        Event::Death(d) => {
            let age = born.map(|b| b.age_text(d.date)).unwrap_or_default();
            let age = if age.is_empty() {
                age
            } else {
                format!(", lúc {age}")
            };
            format!("Mất ({}){age}", d.cause.label_vi())
        }
        Event::Vaccination(v) => format!(
            "Tiêm {} mũi {}",
            treem_domain::health::vaccine_name(&v.vaccine),
            v.dose
        ),
        Event::Measurement(m) => format!(
            "Cân đo: {} kg, {} cm",
            number(m.weight_kg),
            number(m.length_cm)
        ),
        Event::Injury(i) => format!(
            "Tai nạn thương tích: {}, {}",
            i.kind.label_vi(),
            i.severity.label_vi()
        ),
        Event::Hiv { .. } => e.kind().to_string(),
    }
}

/// One health event of the child's history, in words.
pub struct EventRow {
    pub id: i64,
    /// dd/mm/yyyy.
    pub date: String,
    pub what: String,
    /// For a record replaced by a correction: «đã được thay bằng bản ghi ngày … (lý do: …)».
    pub replaced: Option<String>,
    /// Whether the reader may correct it here («Sửa (thay thế)»).
    pub may_correct: bool,
}

/// The child's health events in words (sự kiện y tế), for those who may read them: the
/// history, records replaced by a correction included (shown struck through).
pub async fn event_rows(ctx: &Ctx, id: i64, born: Option<BirthDate>) -> Vec<EventRow> {
    let kinds: Vec<&str> = treem_storage::readable_kinds(ctx.user.role)
        .iter()
        .copied()
        .filter(|k| *k != treem_domain::health::HIV)
        .collect();
    if kinds.is_empty() {
        return vec![];
    }
    let store = &ctx.state.store;
    let Ok(events) = store.health_history(&ctx.actor(), &kinds, id).await else {
        return vec![];
    };
    let corrects = may_weigh(ctx.user.role);
    events
        .iter()
        .map(|e| {
            let what = match e.event() {
                Ok(typed) => event_text(&typed, born),
                Err(_) => e.kind.clone(),
            };
            let replaced = e.replaced_by.map(|_| {
                treem_domain::health::replaced_note_vi(
                    &crate::i18n::vn_datetime(e.replaced_at.as_deref().unwrap_or_default()),
                    e.replace_reason.as_deref().unwrap_or_default(),
                )
            });
            EventRow {
                id: e.id,
                date: vn_date(&e.date),
                what,
                may_correct: corrects
                    && replaced.is_none()
                    && treem_domain::health::correctable(&e.kind),
                replaced,
            }
        })
        .collect()
}
