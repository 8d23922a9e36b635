//! The health station's page for the events that had no page of their own (`/health/events`):
//! a death, an injury (each of a child of the register, by the child's number) and the HIV
//! mother-to-child follow-up counts of a period. The event is typed and checked as the API's
//! body is ([`EventInput::check`], the domain's rules), and stored once per form.
use super::{health_forms, may_weigh, HealthForms};
use crate::health_input::EventInput;
use crate::pages::{render_status, Ctx, PageError, PageErrorKind, TypedForm};
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use treem_domain::validation::{parse_date, FieldErrors};

#[derive(Template)]
#[template(path = "health_events.html")]
struct EventsPage {
    l: crate::pages::Layout,
    f: HealthForms,
    form: EventsForm,
    errors: Vec<String>,
}

/// The page's three forms, as typed (`event` says which).
#[derive(Default, Clone, serde::Deserialize)]
pub struct EventsForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    #[serde(default)]
    pub submission: String,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub child_id: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub injury_kind: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub period_end: String,
    #[serde(default)]
    pub followed: String,
    #[serde(default)]
    pub infected: String,
}

/// A date as typed, ISO when it reads as one (else as typed, for the check to name).
fn iso(s: &str) -> Value {
    Value::from(
        parse_date(s.trim())
            .map(|d| d.to_string())
            .unwrap_or_else(|| s.trim().to_string()),
    )
}

impl TryFrom<&EventsForm> for EventInput {
    type Error = FieldErrors;
    fn try_from(f: &EventsForm) -> Result<Self, FieldErrors> {
        let t = |s: &str| Value::from(s.trim());
        let mut body = Map::new();
        body.insert("event".into(), t(&f.event));
        let count = |field: &str, s: &str| -> Result<Value, FieldErrors> {
            s.trim().parse::<u32>().map(Value::from).map_err(|_| {
                FieldErrors::single(
                    field,
                    format!("số trẻ phải là số nguyên không âm: «{}»", s.trim()),
                )
            })
        };
        match f.event.trim() {
            "death" | "injury" => {
                let id = f.child_id.trim().parse::<i64>().map_err(|_| {
                    FieldErrors::single(
                        "child_id",
                        format!("mã trẻ không hợp lệ: «{}»", f.child_id.trim()),
                    )
                })?;
                body.insert("child_id".into(), Value::from(id));
                body.insert("date".into(), iso(&f.date));
                if f.event.trim() == "death" {
                    body.insert("cause".into(), t(&f.cause));
                } else {
                    body.insert("kind".into(), t(&f.injury_kind));
                    body.insert("severity".into(), t(&f.severity));
                    body.insert("outcome".into(), t(&f.outcome));
                    if !f.place.trim().is_empty() {
                        body.insert("place".into(), t(&f.place));
                    }
                }
            }
            "hiv" => {
                body.insert("date".into(), iso(&f.period_end));
                body.insert("period_start".into(), iso(&f.period_start));
                body.insert("period_end".into(), iso(&f.period_end));
                body.insert(
                    "infants_born_to_hiv_positive_mothers".into(),
                    count("followed", &f.followed)?,
                );
                body.insert("infants_infected".into(), count("infected", &f.infected)?);
            }
            _ => return Err(FieldErrors::single("event", "chọn loại sự kiện")),
        }
        Ok(EventInput::from(body))
    }
}

fn field_vi(field: &str) -> &str {
    match field {
        "child_id" => "Mã trẻ",
        "date" => "Ngày",
        "cause" => "Nguyên nhân",
        "kind" => "Loại tai nạn",
        "severity" => "Mức độ",
        "outcome" => "Kết quả",
        "place" => "Nơi xảy ra",
        "period_start" => "Từ ngày",
        "period_end" => "Đến ngày",
        "followed" | "infants_born_to_hiv_positive_mothers" => "Số trẻ được theo dõi",
        "infected" | "infants_infected" => "Số trẻ nhiễm HIV",
        "event" => "Loại sự kiện",
        other => other,
    }
}

fn page(
    ctx: &Ctx,
    form: EventsForm,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let f = health_forms(ctx.user.role).ok_or_else(|| ctx.error(PageErrorKind::Forbidden))?;
    let refused = errors.is_some();
    let mut l = ctx.layout("Tử vong, tai nạn thương tích, theo dõi HIV");
    l.flash = flash;
    let form = EventsForm {
        submission: if form.submission.is_empty() {
            crate::pages::new_submission_id()
        } else {
            form.submission
        },
        ..form
    };
    let page = EventsPage {
        l,
        f,
        form,
        errors: errors
            .map(|e| {
                e.0.iter()
                    .map(|x| format!("{}: {}", field_vi(&x.field), x.message))
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/health/events`: the three forms.
pub async fn events(ctx: Ctx, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    page(
        &ctx,
        EventsForm::default(),
        None,
        q.saved.map(|_| "Đã ghi.".to_string()),
    )
}

/// Records the event of the form sent; the same form sent again stores nothing more.
pub async fn save_event(
    ctx: Ctx,
    TypedForm(form): TypedForm<EventsForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(form.csrf.as_ref())?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let input = match EventInput::try_from(&form) {
        Ok(i) => i,
        Err(e) => return page(&ctx, form, Some(e), None),
    };
    let event = match input.check(&ctx.state, &ctx.actor()).await {
        Ok(e) => e,
        Err(crate::ApiError::Invalid(e)) => return page(&ctx, form, Some(e), None),
        Err(e) => return Err(ctx.fail_api(e)),
    };
    let token = Some(form.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .add_health_events_once(&ctx.actor(), "health_events", token, &[event])
        .await
    {
        Ok(_) => Ok(Redirect::to("/health/events?saved=1").into_response()),
        Err(treem_storage::StorageError::Invalid(e)) => page(&ctx, form, Some(e), None),
        Err(e) => Err(ctx.fail(e)),
    }
}
