//! Case files (hồ sơ trường hợp) over the API: who may open a case is the domain's rule,
//! applied in storage; everyone else gets counts, never names.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::case::{case_listing, CaseListing, CaseState, EntryKind, ALL_STATES};
use treem_domain::disclosure::{self, Shown};
use treem_domain::validation::FieldErrors;
use treem_storage::StorageError;

/// Now on the commune's clock (Vietnam, UTC+7).
pub(crate) fn now() -> jiff::civil::DateTime {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime()
}

/// What [`case_listing`] shows this person: the cases they may open (every case for the
/// officer and the leader, the assigned ones for others) with the damaged ones for those who
/// open every case; counts by state for anyone who may open none; nothing (403) for an
/// administrator, or a village head who is assigned to no case (they see receipts only).
pub async fn list(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let listed = match s.store.cases(&user.actor()).await {
        Ok(items) => Some(items),
        Err(StorageError::Forbidden) => None,
        Err(e) => return Err(e.into()),
    };
    match case_listing(user.0.role, listed.as_ref().map(Vec::len)) {
        CaseListing::Cases => Ok(Json(json!({
            "items": listed.unwrap_or_default(),
            "damaged": s.store.damaged_cases(&user.actor()).await?,
        }))),
        CaseListing::Counts => {
            let counts: Vec<Value> = counts_as_seen(&s, user.0.role)
                .await?
                .into_iter()
                .map(|(state, n)| {
                    json!({"state": state, "label": state.label_vi(), "count": n.number(), "suppressed": n.mark()})
                })
                .collect();
            Ok(Json(json!({ "counts": counts })))
        }
        CaseListing::Nothing => Err(StorageError::Forbidden.into()),
    }
}

/// Cases by state for those who open none: exact (the states that have cases), or for the
/// province every state with its count protected by
/// [`treem_domain::disclosure::protect_counts`] (one case in one state would otherwise say
/// what happened to a child the province may hear of elsewhere).
pub(crate) async fn counts_as_seen(
    s: &AppState,
    role: treem_domain::role::Role,
) -> Result<Vec<(CaseState, Shown)>, StorageError> {
    let counts = s.store.case_counts().await?;
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    if !role.sees_protected_counts() {
        return Ok(counts
            .into_iter()
            .map(|(st, x)| (st, Shown::Exact(n(x))))
            .collect());
    }
    let all: Vec<(CaseState, u64)> = ALL_STATES
        .iter()
        .map(|st| {
            let x = counts
                .iter()
                .find(|(c, _)| c == st)
                .map_or(0, |(_, x)| n(*x));
            (*st, x)
        })
        .collect();
    Ok(disclosure::protect_counts(&all).1)
}

/// The body of `POST /api/v1/cases`: a case entry, which must be the report (Mẫu 01).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct ReportBody(EntryKind);

impl TryFrom<ReportBody> for EntryKind {
    type Error = FieldErrors;

    /// The report, or why a case cannot begin with this entry.
    fn try_from(b: ReportBody) -> Result<EntryKind, FieldErrors> {
        match b.0 {
            e @ EntryKind::Intake(_) => Ok(e),
            _ => Err(FieldErrors::single(
                "kind",
                "hồ sơ mới bắt đầu bằng tiếp nhận thông tin (intake, Mẫu 01)",
            )),
        }
    }
}

/// Files an intake (Mẫu 01).
/// Files a report. With an `Idempotency-Key` header the same report sent again opens no second
/// case: 200 with the case first opened.
pub async fn open(
    State(s): State<AppState>,
    user: ApiUser,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody<ReportBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let entry = EntryKind::try_from(body)?;
    let done = s
        .store
        .open_case_once(&user.actor(), entry, now(), key.as_deref())
        .await?;
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({ "id": done.id, "already_saved": done.again })),
    ))
}

/// The case file for those who may open it (audited); only the receipt for whoever filed it.
pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    match s.store.case_file(&user.actor(), id).await {
        Ok(case) => {
            let calendar = s.store.calendar();
            Ok(Json(json!({
                "case": case,
                "next_deadline": treem_domain::case::next_deadline(&case, calendar),
            })))
        }
        Err(StorageError::NotFound) => match s.store.case_receipt(&user.actor(), id).await {
            Ok(r) => Ok(Json(json!({ "receipt": r }))),
            Err(_) => Err(ApiError::NotFound),
        },
        Err(e) => Err(case_error(e)),
    }
}

/// Storage's answer on one case: a damaged case (only ever said to those who may open it) is a
/// 409 of its own, not a server error.
fn case_error(e: StorageError) -> ApiError {
    match e {
        StorageError::Corrupt(m) => ApiError::DamagedCase(m),
        other => other.into(),
    }
}

#[derive(Deserialize)]
pub struct EntryBody {
    expected_seq: u32,
    entry: EntryKind,
}

/// Adds the next step (assessment, plan, approval, service, review…) to a case.
pub async fn add_entry(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<EntryBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let case = s
        .store
        .add_case_entry(&user.actor(), id, b.expected_seq, b.entry, now())
        .await
        .map_err(case_error)?;
    Ok(Json(json!({ "case": case })))
}

#[derive(Deserialize)]
pub struct ReplacementBody {
    entry: EntryKind,
}

/// Records a corrected version of entry `seq` (the same kind; it points to the entry it
/// replaces, which stays in the file). Services, visits and referrals recorded by mistake are
/// struck out with an entry of kind `correction` instead.
pub async fn replace_entry(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, seq)): Path<(String, String)>,
    JsonBody(b): JsonBody<ReplacementBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let seq: u32 = seq.parse().map_err(|_| ApiError::NotFound)?;
    let case = s
        .store
        .correct_case_entry(&user.actor(), id, seq, b.entry, now())
        .await
        .map_err(case_error)?;
    Ok(Json(json!({ "case": case })))
}
