//! A child's page (hồ sơ trẻ): identity, schooling, moves, caregivers, special circumstances,
//! the history of changes, the health records and growth chart, and the case files this
//! person may open.
use super::{field_label, sex_label};
use crate::i18n::{vn_date, vn_datetime, Texts};
use crate::pages::{health, render, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use treem_domain::birth_date::BirthDate;
use treem_domain::register::{ChildData, DISABILITY_SEVERITIES, DISABILITY_TYPES, SCHOOL_LEVELS};
use treem_storage::FieldChange;

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct CaregiverRow {
    pub relationship: String,
    pub name: String,
    pub phone: String,
}

pub struct CircRow {
    pub code: String,
    pub label: String,
    pub from: String,
    pub to: String,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    l: Layout,
    id: i64,
    name: String,
    can_edit: bool,
    identity: Vec<Fact>,
    schooling: Vec<Fact>,
    moves: Vec<Fact>,
    caregivers: Vec<CaregiverRow>,
    circumstances: Vec<CircRow>,
    history: Vec<HistoryRow>,
    notices: Vec<String>,
    printed_on: String,
    growth: Option<Growth>,
    hf: Option<health::HealthForms>,
    /// Case files of this child that this person may open ("có hồ sơ"); nobody else learns
    /// that one exists.
    case_ids: Vec<i64>,
    /// May file a report (Mẫu 01) about this child.
    may_report_case: bool,
    health_events: Vec<health::EventRow>,
    /// A child of group d today: the disability follow-up may be recorded.
    disabled: bool,
}

fn label_of(list: &[(&str, &str)], code: &Option<String>) -> String {
    code.as_deref()
        .map(|c| {
            list.iter()
                .find(|(k, _)| *k == c)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| c.to_string())
        })
        .unwrap_or_default()
}

fn d(x: &Option<jiff::civil::Date>) -> String {
    x.map(|d| vn_date(&d.to_string())).unwrap_or_default()
}

fn dob_text(t: &Texts, c: &ChildData) -> String {
    // As known: never an estimate or a month shown as a day.
    BirthDate::new(c.date_of_birth, c.dob_precision)
        .map(|b| b.text_with_age(treem_storage::today()))
        .unwrap_or_else(|| t.unknown.to_string())
}

fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact {
        label,
        value: value.into(),
    }
}

/// A fact every record should hold: "chưa ghi" when blank, so that the gap shows.
fn must(t: &Texts, label: &'static str, value: impl Into<String>) -> Fact {
    let value: String = value.into();
    Fact {
        label,
        value: if value.trim().is_empty() {
            t.not_recorded.to_string()
        } else {
            value
        },
    }
}

/// The facts with a value: a label with nothing after it is noise on a phone.
fn filled(facts: Vec<Fact>) -> Vec<Fact> {
    facts
        .into_iter()
        .filter(|f| !f.value.trim().is_empty())
        .collect()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Who the child is: names, sex, birth, identity papers, village and household.
fn identity(t: &Texts, c: &ChildData, household: Option<String>, village: String) -> Vec<Fact> {
    filled(vec![
        fact(t.full_name, c.full_name.clone()),
        fact(t.aliases, c.aliases.join("; ")),
        fact(t.sex, sex_label(t, c.sex.as_str())),
        fact(t.date_of_birth, dob_text(t, c)),
        must(
            t,
            t.personal_id,
            c.personal_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ),
        must(
            t,
            t.ethnicity,
            c.ethnicity
                .and_then(treem_domain::ethnicity::name)
                .unwrap_or(""),
        ),
        fact(t.village, village),
        fact(t.household, household.unwrap_or_default()),
        must(t, t.birth_registered_on, d(&c.birth_registered_on)),
        fact(
            t.birth_registration_place,
            text(&c.birth_registration_place),
        ),
        fact(t.insurance_card, text(&c.insurance_card)),
    ])
}

/// School and disability, in the lists' words.
fn schooling(t: &Texts, c: &ChildData) -> Vec<Fact> {
    filled(vec![
        fact(t.school_level, label_of(&SCHOOL_LEVELS, &c.school_level)),
        fact(t.school, text(&c.school)),
        fact(t.grade, text(&c.grade)),
        fact(
            t.disability_type,
            label_of(&DISABILITY_TYPES, &c.disability_type),
        ),
        fact(
            t.disability_severity,
            label_of(&DISABILITY_SEVERITIES, &c.disability_severity),
        ),
    ])
}

/// Moves in and out, death, notes.
fn moves(t: &Texts, c: &ChildData) -> Vec<Fact> {
    filled(vec![
        fact(t.moved_in, d(&c.moved_in)),
        fact(t.moved_out, d(&c.moved_out)),
        fact(t.died_on, d(&c.died_on)),
        fact(t.notes, text(&c.notes)),
    ])
}

fn caregivers(c: &ChildData) -> Vec<CaregiverRow> {
    c.caregivers
        .iter()
        .map(|g| CaregiverRow {
            relationship: g.relationship.clone(),
            name: g.full_name.clone(),
            phone: g.phone.clone().unwrap_or_default(),
        })
        .collect()
}

fn circumstances(c: &ChildData) -> Vec<CircRow> {
    c.circumstances
        .iter()
        .map(|x| CircRow {
            code: x.code.clone(),
            label: treem_domain::circumstance::label(&x.code)
                .unwrap_or("")
                .into(),
            from: vn_date(&x.from.to_string()),
            to: x.to.map(|d| vn_date(&d.to_string())).unwrap_or_default(),
        })
        .collect()
}

/// The record's versions, newest first: when, who, which fields.
fn history(t: &Texts, versions: &[treem_storage::ChildVersion]) -> Vec<HistoryRow> {
    versions
        .iter()
        .rev()
        .map(|h| HistoryRow {
            when: vn_datetime(&h.recorded_at),
            who: h.recorded_by.clone(),
            what: h
                .changes
                .iter()
                .map(|c: &FieldChange| field_label(t, &c.field))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

/// The child's household as every page shows it: "SP01-0124 — head's name".
async fn household(ctx: &Ctx, c: &ChildData) -> Option<String> {
    let h = ctx
        .state
        .store
        .household(&ctx.actor(), c.household_id?)
        .await
        .ok()?;
    Some(format!(
        "{} — {}",
        treem_domain::register::household_shown(h.id, h.data.code.as_deref()),
        h.data.head_name
    ))
}

/// The child's case files that this person may open.
async fn case_ids(ctx: &Ctx, id: i64) -> Vec<i64> {
    ctx.state
        .store
        .cases(&ctx.actor())
        .await
        .map(|cs| {
            cs.into_iter()
                .filter(|c| c.child_id == Some(id))
                .map(|c| c.id)
                .collect()
        })
        .unwrap_or_default()
}

/// The growth card: the chart, and the last measurement in words.
pub struct Growth {
    pub svg: String,
    /// "dd/mm/yyyy", the last measurement's day.
    pub last_on: String,
    /// "cân nặng theo tuổi: −1,2; …".
    pub z_scores: String,
    /// "không suy dinh dưỡng", "suy dinh dưỡng nặng", …
    pub status: &'static str,
    /// "thấp còi (chiều dài/chiều cao theo tuổi, chỉ số Z −2,4)", each low indicator.
    pub findings: Vec<String>,
}

/// The child's weights on the WHO curves, for those who may read measurements.
async fn growth(ctx: &Ctx, id: i64, c: &ChildData) -> Option<Growth> {
    use treem_domain::health::Event;
    if !treem_storage::readable_kinds(ctx.user.role).contains(&"measurement") {
        return None;
    }
    let dob = c.date_of_birth?;
    let events = ctx
        .state
        .store
        .health_events(&ctx.actor(), &["measurement"], Some(id), None, None)
        .await
        .ok()?;
    let mut measured: Vec<treem_domain::health::Measurement> = events
        .iter()
        .filter_map(|e| match e.event() {
            Ok(Event::Measurement(m)) => Some(m),
            _ => None,
        })
        .collect();
    measured.sort_by_key(|m| m.date);
    let days = |d: jiff::civil::Date| u32::try_from((d - dob).get_days()).ok();
    let points: Vec<(u32, f64)> = measured
        .iter()
        .filter_map(|m| Some((days(m.date)?, m.weight_kg?)))
        .collect();
    let last = measured.last()?;
    let age = days(treem_storage::today()).unwrap_or(0);
    Some(Growth {
        svg: health::growth_chart(c.sex, &points, age)?,
        last_on: vn_date(&last.date.to_string()),
        z_scores: last.z_scores_vi(),
        status: last.status().label_vi(),
        findings: last.findings().iter().map(|f| f.text()).collect(),
    })
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let t = ctx.t;
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let store = &ctx.state.store;
    let child = store
        .child(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let versions = store
        .child_history(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let c = &child.data;
    let page = ChildPage {
        l: ctx.layout(c.full_name.clone()),
        id,
        name: c.full_name.clone(),
        can_edit: ctx.user.role.writes_children(),
        identity: identity(
            t,
            c,
            household(&ctx, c).await,
            ctx.village_names().await?.name(&c.village),
        ),
        schooling: schooling(t, c),
        moves: moves(t, c),
        caregivers: caregivers(c),
        circumstances: circumstances(c),
        disabled: treem_domain::work::NewDisabilityRecord::applies(
            &c.circumstances,
            treem_storage::today(),
        ),
        history: history(t, &versions),
        notices: child.notices.clone(),
        printed_on: vn_date(&treem_storage::today().to_string()),
        growth: growth(&ctx, id, c).await,
        hf: health::health_forms(ctx.user.role),
        health_events: health::event_rows(
            &ctx,
            id,
            BirthDate::new(c.date_of_birth, c.dob_precision),
        )
        .await,
        case_ids: case_ids(&ctx, id).await,
        may_report_case: crate::pages::cases::files_reports(ctx.user.role),
    };
    Ok(render(&page))
}
