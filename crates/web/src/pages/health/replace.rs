//! «Sửa (thay thế)»: a health event of a child corrected by a replacement record, from the
//! child's page. The form is pre-filled with the record; the replacement is checked as a new
//! event is, then as a correction (the domain's [`treem_domain::health::Correction`]), and
//! stored by the code the API uses ([`crate::health_input::replace`]). Nothing is deleted.
use super::child::event_text;
use super::{may_weigh, render_message};
use crate::health_input::EventInput;
use crate::i18n::vn_date;
use crate::pages::{render_status, Ctx, PageError, PageErrorKind, TypedForm};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use treem_domain::health::Event;
use treem_domain::plan::format_number_vi;
use treem_domain::validation::{parse_date, parse_decimal_vi, FieldErrors};

/// The correction form, as typed (the kind's fields; the others are empty).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ReplaceForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    pub date: String,
    pub vaccine: String,
    pub dose: String,
    pub injury_kind: String,
    pub severity: String,
    pub outcome: String,
    pub place: String,
    pub weight: String,
    pub length: String,
    pub measure: String,
    pub oedema: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "health_replace.html")]
struct ReplacePage {
    l: crate::pages::Layout,
    id: i64,
    child_id: i64,
    kind: String,
    /// The record as it is, in words.
    what: String,
    on: String,
    f: super::HealthForms,
    form: ReplaceForm,
    errors: Vec<String>,
}

/// The form pre-filled with the stored record.
fn filled(e: &Event) -> ReplaceForm {
    let number = |v: Option<f64>| v.map(format_number_vi).unwrap_or_default();
    let mut f = ReplaceForm {
        date: vn_date(&e.date().to_string()),
        ..Default::default()
    };
    match e {
        Event::Vaccination(v) => {
            f.vaccine = v.vaccine.to_string();
            f.dose = v.dose.to_string();
        }
        Event::Injury(i) => {
            f.injury_kind = code(&i.kind);
            f.severity = code(&i.severity);
            f.outcome = code(&i.outcome);
            f.place = i.place.clone().unwrap_or_default();
        }
        Event::Measurement(m) => {
            f.weight = number(m.weight_kg);
            f.length = number(m.length_cm);
            f.measure = code(&m.measure);
            f.oedema = if m.oedema { "1".into() } else { String::new() };
        }
        _ => {}
    }
    f
}

/// The serde code of one of the domain's enums, as the forms send it back.
fn code<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

impl ReplaceForm {
    /// The form as the API's body for a replacement of a record of `kind`.
    fn input(&self, kind: &str) -> Result<EventInput, FieldErrors> {
        let t = |s: &str| Value::from(s.trim());
        let mut body = Map::new();
        let date = parse_date(self.date.trim())
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.date.trim().to_string());
        body.insert("event".into(), Value::from(kind));
        body.insert("date".into(), Value::from(date));
        body.insert("reason".into(), t(&self.reason));
        let mut errs = FieldErrors::default();
        let mut decimal = |field: &str, label: &str, s: &str| -> Value {
            match parse_decimal_vi(s) {
                Some(v) => v.map(Value::from).unwrap_or(Value::Null),
                None => {
                    errs.push(field, format!("{label} không phải là số: «{}»", s.trim()));
                    Value::Null
                }
            }
        };
        let weight = decimal("weight_kg", "cân nặng", &self.weight);
        let length = decimal("length_cm", "chiều dài/chiều cao", &self.length);
        body.insert("vaccine".into(), t(&self.vaccine));
        body.insert(
            "dose".into(),
            Value::from(self.dose.trim().parse::<u8>().unwrap_or(0)),
        );
        body.insert("kind".into(), t(&self.injury_kind));
        body.insert("severity".into(), t(&self.severity));
        body.insert("outcome".into(), t(&self.outcome));
        if !self.place.trim().is_empty() {
            body.insert("place".into(), t(&self.place));
        }
        body.insert("weight_kg".into(), weight);
        body.insert("length_cm".into(), length);
        body.insert("measure".into(), t(&self.measure));
        body.insert("oedema".into(), Value::from(!self.oedema.trim().is_empty()));
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(EventInput::from(body))
    }
}

async fn page(
    ctx: &Ctx,
    id: i64,
    form: Option<ReplaceForm>,
    errors: Option<FieldErrors>,
) -> Result<Response, PageError> {
    let f =
        super::health_forms(ctx.user.role).ok_or_else(|| ctx.error(PageErrorKind::Forbidden))?;
    let stored = ctx
        .state
        .store
        .health_event(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let event = stored.event().map_err(|e| ctx.fail(e))?;
    let child_id = event
        .child_id()
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    if stored.replaced_by.is_some() {
        let page = render_message(ctx, treem_domain::health::ALREADY_REPLACED_VI);
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let refused = errors.is_some();
    let page = ReplacePage {
        l: ctx.layout("Sửa sự kiện y tế (thay thế)"),
        id,
        child_id,
        kind: stored.kind.clone(),
        what: event_text(&event, None),
        on: vn_date(&stored.date),
        f,
        form: form.unwrap_or_else(|| filled(&event)),
        errors: errors
            .map(|e| e.0.iter().map(|x| x.message.clone()).collect())
            .unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

fn event_id(ctx: &Ctx, id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))
}

/// `GET /health/events/{id}/replace`: the form pre-filled with the record.
pub async fn replace_form(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id = event_id(&ctx, &id)?;
    page(&ctx, id, None, None).await
}

/// `POST /health/events/{id}/replace`: stores the replacement, back to the child's page.
pub async fn save_replacement(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(form): TypedForm<ReplaceForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(form.csrf.as_ref())?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id = event_id(&ctx, &id)?;
    let stored = ctx
        .state
        .store
        .health_event(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let input = match form.input(&stored.kind) {
        Ok(i) => i,
        Err(e) => return page(&ctx, id, Some(form), Some(e)).await,
    };
    match crate::health_input::replace(&ctx.state, &ctx.actor(), id, input).await {
        Ok((_, event)) => {
            let child = event.child_id().unwrap_or_default();
            Ok(Redirect::to(&format!("/children/{child}#health-events")).into_response())
        }
        Err(crate::ApiError::Invalid(e)) => page(&ctx, id, Some(form), Some(e)).await,
        Err(crate::ApiError::Refused(m)) => {
            let page = render_message(&ctx, &m);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(ctx.fail_api(e)),
    }
}
