//! Sổ đẻ: a birth at the health station puts the child in the register in the same step.
use super::forms::BirthForm;
use super::{may_weigh, village_options};
use crate::i18n::vn_date;
use crate::pages::PageForm as Form;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::response::{IntoResponse, Response};
use treem_domain::health::{Birth, BirthFields, BirthPlace};
use treem_domain::register::{CaregiverDraft, ChildDraft};
use treem_domain::validation::FieldErrors;

#[derive(Template)]
#[template(path = "birth.html")]
struct BirthPage {
    l: Layout,
    villages: Vec<(String, String)>,
    f: BirthForm,
    errors: Vec<String>,
}

/// Each problem as "field: message".
fn listed(e: &FieldErrors) -> Vec<String> {
    e.0.iter()
        .map(|x| format!("{}: {}", x.field, x.message))
        .collect()
}

async fn birth_page(ctx: &Ctx, f: BirthForm, errors: Vec<String>) -> Result<Response, PageError> {
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let refused = !errors.is_empty();
    let page = BirthPage {
        l: ctx.layout("Khai báo sinh"),
        villages: village_options(villages),
        f,
        errors,
    };
    Ok(render_status(&page, refused))
}

pub async fn birth_form(ctx: Ctx) -> Result<Response, PageError> {
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let f = BirthForm {
        date_of_birth: vn_date(&treem_storage::today().to_string()),
        ..Default::default()
    };
    birth_page(&ctx, f, vec![]).await
}

/// A field as typed, `None` when left empty.
fn given(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl From<&BirthForm> for ChildDraft {
    /// The newborn as the register reads a child: the mother as the first caregiver.
    fn from(f: &BirthForm) -> ChildDraft {
        let mother = CaregiverDraft {
            relationship: Some("mẹ".into()),
            full_name: given(&f.mother),
            phone: given(&f.phone),
        };
        ChildDraft {
            full_name: given(&f.full_name),
            sex: given(&f.sex),
            date_of_birth: given(&f.date_of_birth),
            village: given(&f.village),
            ethnicity: given(&f.ethnicity).map(serde_json::Value::from),
            caregivers: [mother]
                .into_iter()
                .filter(|c| c.full_name.is_some())
                .collect(),
            ..Default::default()
        }
    }
}

impl TryFrom<&BirthForm> for BirthFields {
    type Error = Vec<String>;

    /// The birth's own fields: the place (the health station unless said), the time and the
    /// weight in grams as typed.
    fn try_from(f: &BirthForm) -> Result<BirthFields, Vec<String>> {
        let place = match given(&f.place) {
            None => BirthPlace::HealthStation,
            Some(p) => serde_json::from_value(serde_json::Value::from(p))
                .map_err(|_| vec!["Nơi sinh: chọn một nơi trong danh sách".to_string()])?,
        };
        let weight_g = match given(&f.weight_g) {
            None => None,
            Some(w) => Some(
                w.parse::<u32>()
                    .map_err(|_| vec!["Cân nặng khi sinh: ghi số gam (ví dụ 2900)".to_string()])?,
            ),
        };
        Ok(BirthFields {
            time: given(&f.time),
            weight_g,
            place,
            live: true,
        })
    }
}

/// The newborn and the birth checked by the domain's rules, ready to store.
fn checked(f: &BirthForm) -> Result<(treem_domain::register::ChildData, Birth), Vec<String>> {
    let today = treem_storage::today();
    let data = ChildDraft::from(f).parse(today).map_err(|e| listed(&e))?;
    let fields = BirthFields::try_from(f)?;
    let birth = Birth::of_newborn(data.date_of_birth, data.dob_precision, fields)
        .ok_or_else(|| vec!["Ngày sinh: cần ngày đầy đủ (dd/mm/yyyy)".to_string()])?;
    birth.validate(today).map_err(|e| listed(&e))?;
    Ok((data, birth))
}

pub async fn save_birth(ctx: Ctx, Form(f): Form<BirthForm>) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (data, birth) = match checked(&f) {
        Ok(x) => x,
        Err(errors) => return birth_page(&ctx, f, errors).await,
    };
    match ctx
        .state
        .store
        .record_birth(&ctx.actor(), &data, &birth)
        .await
    {
        Ok(c) => Ok(axum::response::Redirect::to(&format!("/children/{}", c.id)).into_response()),
        Err(treem_storage::StorageError::Invalid(e)) => birth_page(&ctx, f, listed(&e)).await,
        Err(e) => Err(ctx.fail(e)),
    }
}
