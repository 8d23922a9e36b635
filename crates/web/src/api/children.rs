use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::disclosure::{self, Shown};
use treem_domain::register::{ChildDraft, Sex};
use treem_domain::validation::FieldErrors;
use treem_storage::ChildQuery;

fn flag(v: Option<&String>) -> bool {
    matches!(v.map(String::as_str), Some("1" | "true" | "on" | "yes"))
}

/// The register's list filters as sent in the address (the API's `GET /children` and the
/// register page), every one as text: [`ChildQuery::try_from`] reads them and names each bad
/// one.
#[derive(Deserialize, Default, Clone)]
pub struct ChildListQuery {
    pub q: Option<String>,
    pub village: Option<String>,
    pub sex: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    pub circumstance: Option<String>,
    pub disability: Option<String>,
    pub no_personal_id: Option<String>,
    pub birth_not_registered: Option<String>,
    pub include_absent: Option<String>,
    pub dob_unknown: Option<String>,
    pub personal_id: Option<String>,
    pub household_id: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// The register page's results alone (`1`), for the search as one types.
    pub partial: Option<String>,
}

impl ChildListQuery {
    /// The filters given (not empty), by name in alphabetical order, without `page` and
    /// `partial`: for the links to other pages of the same list.
    pub fn filters(&self) -> Vec<(&'static str, &str)> {
        let all = [
            ("age_max", &self.age_max),
            ("age_min", &self.age_min),
            ("birth_not_registered", &self.birth_not_registered),
            ("circumstance", &self.circumstance),
            ("disability", &self.disability),
            ("dob_unknown", &self.dob_unknown),
            ("household_id", &self.household_id),
            ("include_absent", &self.include_absent),
            ("no_personal_id", &self.no_personal_id),
            ("per_page", &self.per_page),
            ("personal_id", &self.personal_id),
            ("q", &self.q),
            ("sex", &self.sex),
            ("village", &self.village),
        ];
        all.into_iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
            .collect()
    }
}

/// A whole number from `min` to `max`, or the problem named by its field.
fn bounded(
    errs: &mut FieldErrors,
    name: &str,
    v: &Option<String>,
    (min, max): (i64, i64),
) -> Option<i64> {
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    match s.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Some(v),
        _ => {
            errs.push(name, format!("phải là số nguyên từ {min} đến {max}"));
            None
        }
    }
}

/// A code from a list, or the problem named by its field.
fn code<T>(
    errs: &mut FieldErrors,
    name: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    problem: &str,
) -> Option<T> {
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let parsed = parse(s);
    if parsed.is_none() {
        errs.push(name, problem);
    }
    parsed
}

impl TryFrom<&ChildListQuery> for ChildQuery {
    type Error = FieldErrors;

    /// Reads list filters, reporting bad ones by name.
    fn try_from(p: &ChildListQuery) -> Result<ChildQuery, FieldErrors> {
        let mut errs = FieldErrors::default();
        if let Some(q) = &p.q {
            treem_domain::limits::check_search(&mut errs, "q", q);
        }
        let page = bounded(&mut errs, "page", &p.page, (1, 1_000_000)).unwrap_or(1);
        let per_page = bounded(&mut errs, "per_page", &p.per_page, (1, 500)).unwrap_or(50);
        let age_min = bounded(&mut errs, "age_min", &p.age_min, (0, 25)).map(|v| v as i32);
        let age_max = bounded(&mut errs, "age_max", &p.age_max, (0, 25)).map(|v| v as i32);
        // A household filter that is not a number is refused, not dropped (which listed
        // everyone).
        let household_id = bounded(&mut errs, "household_id", &p.household_id, (1, i64::MAX));
        let sex = code(
            &mut errs,
            "sex",
            &p.sex,
            Sex::parse,
            "chỉ nhận male, female hoặc unknown",
        );
        let circumstance = code(
            &mut errs,
            "circumstance",
            &p.circumstance,
            |c| treem_domain::circumstance::parse(c).map(|c| c.to_string()),
            "nhóm hoàn cảnh đặc biệt phải là một mã a…o",
        );
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ChildQuery {
            q: p.q.clone(),
            village: p.village.clone().filter(|s| !s.is_empty()),
            sex,
            age_min,
            age_max,
            circumstance,
            disability: p
                .disability
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(|s| flag(Some(s))),
            no_personal_id: flag(p.no_personal_id.as_ref()),
            birth_not_registered: flag(p.birth_not_registered.as_ref()),
            include_absent: flag(p.include_absent.as_ref()),
            dob_unknown: flag(p.dob_unknown.as_ref()),
            personal_id: p.personal_id.clone().filter(|s| !s.is_empty()),
            household_id,
            ids: None,
            changed_since: None,
            recent_first: false,
            total_bound: Some(treem_domain::limits::SEARCH_TOTAL_BOUND),
            page,
            per_page,
        })
    }
}

pub async fn list(
    State(s): State<AppState>,
    user: ApiUser,
    Query(p): Query<ChildListQuery>,
) -> Result<Json<Value>, ApiError> {
    let q = ChildQuery::try_from(&p)?;
    let page = s.store.search_children(&user.actor(), &q).await?;
    Ok(Json(json!(page)))
}

pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let child = s.store.child(&user.actor(), parse_id(&id)?).await?;
    Ok(Json(json!(child)))
}

pub async fn history(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let h = s.store.child_history(&user.actor(), parse_id(&id)?).await?;
    Ok(Json(json!({"items": h})))
}

/// Adds a child. With an `Idempotency-Key` header (one per child the client means to add) the
/// same key sent again adds nothing and answers 200 with the child first stored.
pub async fn create(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(draft): JsonBody<ChildDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !user.0.role.writes_children() {
        return Err(ApiError::Forbidden);
    }
    let key = super::health::idempotency_key(&headers)?;
    let data = draft.parse(treem_storage::today())?;
    let (child, done) = s
        .store
        .create_child_once(&user.actor(), &data, key.as_deref())
        .await?;
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({"id": child.id, "child": child, "already_saved": done.again})),
    ))
}

#[derive(Deserialize)]
pub struct ChildPut {
    pub(crate) version: Option<serde_json::Value>,
    #[serde(flatten)]
    pub(crate) draft: ChildDraft,
}

/// Updates a child from the version read (409 when it moved on). With an `Idempotency-Key`
/// header an update sent again is answered with the record, not refused as a conflict.
pub async fn update(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ChildPut>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    if !user.0.role.writes_children() {
        return Err(ApiError::Forbidden);
    }
    let version = body.version.as_ref().and_then(|v| v.as_i64()).ok_or_else(|| {
        FieldErrors::single(
            "version",
            "cần gửi phiên bản (version) của bản ghi đã đọc, để không ghi đè sửa đổi của người khác",
        )
    })?;
    let key = super::health::idempotency_key(&headers)?;
    let data = body.draft.parse(treem_storage::today())?;
    let (child, _) = s
        .store
        .update_child_once(&user.actor(), id, version, &data, key.as_deref())
        .await?;
    Ok(Json(json!(child)))
}

/// Counts only (no personal data): by village and sex. Open to the province, which receives
/// the two margins (by village, by sex) protected ([`protected_child_counts`]) rather than the
/// village × sex table.
pub async fn stats(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    if user.0.role.sees_protected_counts() {
        let m = protected_child_counts(&s, &user.actor()).await?;
        let count = |c: Shown| json!(c.number());
        let mark = |c: Shown| json!(c.mark());
        return Ok(Json(json!({
            "total": count(m.total),
            "total_suppressed": mark(m.total),
            "by_village": m.by_village.iter().map(|(code, name, c)| json!({
                "village": code, "name": name, "count": count(*c), "suppressed": mark(*c),
            })).collect::<Vec<_>>(),
            "by_sex": m.by_sex.iter().map(|(sex, c)| json!({
                "sex": sex, "count": count(*c), "suppressed": mark(*c),
            })).collect::<Vec<_>>(),
        })));
    }
    let counts = s.store.child_counts(&user.actor()).await?;
    Ok(Json(json!({"items": counts})))
}

/// Present children as the province sees them: the total, by village (every village of the
/// commune, empty ones included) and by sex, each a table protected by
/// [`treem_domain::disclosure::protect_counts`]. Never the village × sex table: its margins
/// protected one by one let no cell of it be worked out, the table itself would.
pub(crate) struct ChildMargins {
    pub total: Shown,
    /// (code, name, count).
    pub by_village: Vec<(String, String, Shown)>,
    pub by_sex: Vec<(Sex, Shown)>,
}

pub(crate) async fn protected_child_counts(
    s: &AppState,
    actor: &treem_storage::Actor,
) -> Result<ChildMargins, treem_storage::StorageError> {
    let counts = s.store.child_counts(actor).await?;
    let villages = s.store.villages(actor).await?;
    let n = |c: &treem_storage::ChildCount| u64::try_from(c.count).unwrap_or(0);
    let by_village: Vec<((String, String), u64)> = villages
        .iter()
        .map(|v| {
            let here = counts.iter().filter(|c| c.village == v.code).map(n).sum();
            ((v.code.clone(), v.name.clone()), here)
        })
        .collect();
    let by_sex: Vec<(Sex, u64)> = [Sex::Male, Sex::Female, Sex::Unknown]
        .into_iter()
        .map(|sex| {
            let here = counts
                .iter()
                .filter(|c| Sex::parse(&c.sex).unwrap_or(Sex::Unknown) == sex)
                .map(n)
                .sum();
            (sex, here)
        })
        .collect();
    let (total, by_village) = disclosure::protect_counts(&by_village);
    let (_, by_sex) = disclosure::protect_counts(&by_sex);
    Ok(ChildMargins {
        total,
        by_village: by_village
            .into_iter()
            .map(|((code, name), c)| (code, name, c))
            .collect(),
        by_sex,
    })
}
