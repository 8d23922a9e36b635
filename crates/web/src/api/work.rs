//! The plan's work as records (`/work/...`): supports listed with filters, distribution lists
//! (from ids, or an XLSX matched to the register all or nothing), disasters and relief, child
//! marriages, the disability follow-up. Rules are the domain's (`treem_domain::work`); scope
//! and audit are storage's.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::support::SupportKind;
use treem_domain::validation::{self, FieldErrors};
use treem_domain::work::{
    list_rows, match_rows, NewDisabilityRecord, NewDisaster, NewDistribution, NewMarriage,
    ReliefEntry,
};
use treem_storage::SupportFilter;

fn plan_year() -> i16 {
    treem_storage::today().year()
}

/// `GET /work/supports` filters as sent.
#[derive(Deserialize, Default)]
pub struct SupportQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub distribution: String,
}

impl TryFrom<&SupportQuery> for SupportFilter {
    type Error = FieldErrors;
    fn try_from(q: &SupportQuery) -> Result<Self, FieldErrors> {
        let mut errs = FieldErrors::default();
        let mut date = |field: &str, t: &str| match t.trim() {
            "" => None,
            t => {
                let d = validation::parse_date(t);
                if d.is_none() {
                    errs.push(field, validation::date_problem(t));
                }
                d
            }
        };
        let from = date("from", &q.from);
        let to = date("to", &q.to);
        let kind = match q.kind.trim() {
            "" => None,
            t => {
                let k = SupportKind::parse(t);
                if k.is_none() {
                    errs.push(
                        "kind",
                        format!("hình thức trợ giúp «{t}» không có trong danh mục"),
                    );
                }
                k
            }
        };
        let distribution = match q.distribution.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(i) => Some(i),
                Err(_) => {
                    errs.push("distribution", format!("mã danh sách «{t}» không phải số"));
                    None
                }
            },
        };
        if errs.is_empty() {
            Ok(SupportFilter {
                from,
                to,
                kind,
                village: Some(q.village.trim().to_string()).filter(|v| !v.is_empty()),
                distribution,
            })
        } else {
            Err(errs)
        }
    }
}

pub async fn supports(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<SupportQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = SupportFilter::try_from(&q)?;
    let items = s.store.support_list(&user.actor(), &filter).await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /work/distributions` as sent.
#[derive(Deserialize)]
pub struct DistributionBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    funding: String,
    #[serde(default)]
    giver: String,
    #[serde(default)]
    children: Vec<i64>,
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

impl TryFrom<DistributionBody> for NewDistribution {
    type Error = FieldErrors;
    fn try_from(b: DistributionBody) -> Result<Self, FieldErrors> {
        NewDistribution::parse(
            &b.title,
            &b.date,
            &b.kind,
            &value_text(&b.value),
            &b.funding,
            &b.giver,
            &b.children,
            plan_year(),
            treem_storage::today(),
        )
    }
}

fn created(done: treem_storage::StoredOnce) -> (StatusCode, Json<Value>) {
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (
        status,
        Json(json!({ "id": done.id, "already_saved": done.again })),
    )
}

/// Gives one support to every child listed, stored once (an `Idempotency-Key` sent again
/// stores nothing); a child outside the register or the writer's village refuses the list.
pub async fn give_distribution(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<DistributionBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let list = NewDistribution::try_from(body)?;
    let done = s
        .store
        .give_distribution(&user.actor(), &list, key.as_deref())
        .await?;
    Ok(created(done))
}

pub async fn distributions(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, ApiError> {
    let items = s.store.distributions(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /work/distributions/xlsx?title=…&date=…&kind=…` with the sheet as the body.
#[derive(Deserialize, Default)]
pub struct UploadQuery {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub giver: String,
}

/// The children of an uploaded sheet, each row matched to a register child the person may
/// write; every unmatched row named with its reason (field `row N`), nothing matched then.
pub async fn match_sheet(
    s: &AppState,
    actor: &treem_storage::Actor,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Vec<i64>, ApiError> {
    let (header, cells) =
        crate::import::read_table(name, bytes, &treem_domain::limits::IMPORT_PAGE)
            .map_err(|e| ApiError::Invalid(FieldErrors::single("file", e)))?;
    let rows = list_rows(&header, &cells)
        .map_err(|e| ApiError::Invalid(FieldErrors::single("file", e)))?;
    if rows.is_empty() {
        return Err(ApiError::Invalid(FieldErrors::single(
            "file",
            "tệp không có dòng trẻ em nào",
        )));
    }
    let register: Vec<_> = s
        .store
        .register_entries(actor, None)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    match_rows(&rows, &register).map_err(|bad| {
        let mut errs = FieldErrors::default();
        for u in bad {
            errs.push(&format!("dòng {}", u.row), u.reason);
        }
        ApiError::Invalid(errs)
    })
}

pub async fn upload_distribution(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let actor = user.actor();
    // An XLSX is a zip ("PK"); anything else is read as CSV.
    let name = if body.starts_with(b"PK") {
        "danh-sach.xlsx"
    } else {
        "danh-sach.csv"
    };
    let children = match_sheet(&s, &actor, name, body.to_vec()).await?;
    let list = NewDistribution::parse(
        &q.title,
        &q.date,
        &q.kind,
        &q.value,
        &q.funding,
        &q.giver,
        &children,
        plan_year(),
        treem_storage::today(),
    )?;
    let done = s
        .store
        .give_distribution(&actor, &list, key.as_deref())
        .await?;
    Ok(created(done))
}

/// `POST /work/disasters` as sent.
#[derive(Deserialize)]
pub struct DisasterBody {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    villages: Vec<String>,
    #[serde(default)]
    note: String,
    /// The register children affected.
    #[serde(default)]
    children: Vec<i64>,
}

pub async fn record_disaster(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(b): JsonBody<DisasterBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let d = NewDisaster::parse(
        &b.date,
        &b.kind,
        &b.villages,
        &b.note,
        plan_year(),
        treem_storage::today(),
    )?;
    let done = s
        .store
        .record_disaster(&user.actor(), &d, &b.children, key.as_deref())
        .await?;
    Ok(created(done))
}

pub async fn disasters(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.disasters(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

pub async fn disaster_children(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let items = s
        .store
        .disaster_children(&user.actor(), parse_id(&id)?)
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// One child's help as sent.
#[derive(Deserialize)]
pub struct ReliefItem {
    child_id: i64,
    #[serde(default)]
    helped_on: String,
    #[serde(default)]
    how: String,
}

#[derive(Deserialize)]
pub struct ReliefBody {
    items: Vec<ReliefItem>,
}

/// Records the help given to affected children; every bad item named (`items[i].field`),
/// nothing written then.
pub async fn record_relief(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReliefBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let on = s.store.disaster_date(id).await?;
    let today = treem_storage::today();
    let mut errs = FieldErrors::default();
    let mut entries = Vec::new();
    for (i, it) in b.items.iter().enumerate() {
        match ReliefEntry::parse(it.child_id, &it.helped_on, &it.how, on, today) {
            Ok(e) => entries.push(e),
            Err(e) => {
                for fe in e.0 {
                    errs.push(&format!("items[{i}].{}", fe.field), fe.message);
                }
            }
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::Invalid(errs));
    }
    let n = s
        .store
        .record_relief(&user.actor(), id, &entries, None)
        .await?;
    Ok(Json(json!({ "saved": n })))
}

/// `POST /work/marriages` as sent.
#[derive(Deserialize)]
pub struct MarriageBody {
    #[serde(default)]
    date: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    child_id: Option<i64>,
    #[serde(default)]
    wife_age: Option<Value>,
    #[serde(default)]
    husband_age: Option<Value>,
    #[serde(default)]
    prevented: bool,
    #[serde(default)]
    note: String,
}

pub async fn record_marriage(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(b): JsonBody<MarriageBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let m = NewMarriage::parse(
        &b.date,
        &b.village,
        &b.ethnicity,
        b.child_id,
        &value_text(&b.wife_age),
        &value_text(&b.husband_age),
        b.prevented,
        &b.note,
        plan_year(),
        treem_storage::today(),
    )?;
    let done = s
        .store
        .record_marriage(&user.actor(), &m, key.as_deref())
        .await?;
    Ok(created(done))
}

pub async fn marriages(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.marriages(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /children/{id}/disability` as sent.
#[derive(Deserialize)]
pub struct DisabilityBody {
    #[serde(default)]
    date: String,
    #[serde(default)]
    needs: String,
    #[serde(default)]
    services: String,
    #[serde(default)]
    devices: String,
}

pub async fn record_disability(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DisabilityBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let r = NewDisabilityRecord::parse(
        &b.date,
        &b.needs,
        &b.services,
        &b.devices,
        plan_year(),
        treem_storage::today(),
    )?;
    let id = s
        .store
        .record_disability(&user.actor(), parse_id(&id)?, &r, None)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn disability(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.disability_records(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

/// `PUT /settings/relief` as sent.
#[derive(Deserialize)]
pub struct ReliefRuleBody {
    within_days: Value,
}

pub async fn relief_rule(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, ApiError> {
    if !user.0.role.reads_children() {
        return Err(ApiError::Forbidden);
    }
    let r = s.store.relief_rule().await?;
    Ok(Json(json!({ "within_days": r.within_days })))
}

/// The officer sets within how many days help counts as timely for target 17.
pub async fn set_relief_rule(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<ReliefRuleBody>,
) -> Result<Json<Value>, ApiError> {
    let text = match &b.within_days {
        Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    let rule = treem_domain::work::ReliefRule::from_setting(&text)
        .map_err(|e| ApiError::Invalid(FieldErrors::single("within_days", e)))?;
    s.store.set_relief_rule(&user.actor(), rule).await?;
    Ok(Json(json!({ "within_days": rule.within_days })))
}
