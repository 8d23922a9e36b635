//! The health station's weighing day (ngày cân trẻ): the under-5s of one village in order,
//! weight and length typed in one sitting, WHO z-scores computed as they are saved.
use super::PageForm as Form;
use super::{render, render_status, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use treem_domain::register::Sex;
use treem_domain::role::Role;
use treem_domain::validation::parse_date;
use treem_domain::Date;
use treem_storage::ChildQuery;

pub struct Row {
    pub id: i64,
    pub name: String,
    /// Birth date and age as known ("khoảng 11/2026 · khoảng 2 tuần tuổi").
    pub born: String,
    pub last: String,
    pub weight: String,
    pub length: String,
    pub standing: bool,
    pub oedema: bool,
    /// The stored measurement's z-scores (only for a measurement saved), with its class.
    pub result: String,
    pub result_class: &'static str,
    /// Values typed but not saved (the form came back with problems).
    pub unsaved: bool,
    pub errors: Vec<String>,
}

/// One problem of a weighing form, for the summary at the top: the child, the field (in
/// words), what is wrong, and the input it links to.
pub struct Problem {
    pub name: String,
    /// The field and what is wrong: "Cân nặng (kg) phải từ 0,5 đến 40 (đã nhập 118)".
    pub message: String,
    pub anchor: String,
}

/// A message with its first letter in capitals (the domain's start in lower case).
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "weighing.html")]
struct WeighingPage {
    l: Layout,
    village: String,
    villages: Vec<(String, String)>,
    date: String,
    rows: Vec<Row>,
    /// The submission id of this form (a fresh one for each empty form).
    submission: String,
    /// After a save: what was saved, in words.
    saved: Vec<String>,
    problems: Vec<Problem>,
    /// The plausible ranges, from the domain, for the inputs' warning: as written in the page
    /// ("0,5–40") and for the script (`data-min="0.5"`).
    weight: Range,
    length: Range,
}

pub struct Range {
    pub min: String,
    pub max: String,
    pub text: String,
}

impl Range {
    fn of((lo, hi): (f64, f64)) -> Range {
        let vi = treem_domain::plan::format_number_vi;
        Range {
            min: lo.to_string(),
            max: hi.to_string(),
            text: format!("{}–{}", vi(lo), vi(hi)),
        }
    }
}

use super::new_submission_id;

fn may_weigh(role: Role) -> bool {
    matches!(role, Role::Health | Role::Officer)
}

/// Z-scores of one measurement as stored with it (the domain's measurement fields).
pub fn measure_json(
    sex: Sex,
    age_days: u32,
    weight: Option<f64>,
    length: Option<f64>,
    standing: bool,
    oedema: bool,
) -> (serde_json::Value, String, &'static str) {
    let sex = match sex {
        Sex::Male => Some(growth::Sex::Male),
        Sex::Female => Some(growth::Sex::Female),
        Sex::Unknown => None,
    };
    let z = growth::zscores_raw(&growth::RawMeasurement {
        sex,
        age_days: Some(age_days),
        weight_kg: weight,
        lenhei_cm: length,
        measure: length.map(|_| {
            if standing {
                growth::Measure::Standing
            } else {
                growth::Measure::Lying
            }
        }),
    });
    // WHO: weight-based z-scores are not valid with oedema.
    let (wfa, wflh) = if oedema {
        (None, None)
    } else {
        (z.wfa, z.wflh)
    };
    let mut flags = Vec::new();
    if z.flag_wfa {
        flags.push(treem_domain::health::FLAG_WFA);
    }
    if z.flag_lhfa {
        flags.push(treem_domain::health::FLAG_LHFA);
    }
    if z.flag_wflh {
        flags.push(treem_domain::health::FLAG_WFLH);
    }
    let fmt = |v: Option<f64>| {
        v.map(|x| treem_domain::plan::format_number_vi((x * 100.0).round() / 100.0))
            .unwrap_or_else(|| "—".into())
    };
    let worst = [wfa, z.lhfa, wflh]
        .iter()
        .flatten()
        .fold(f64::INFINITY, |a, b| a.min(*b));
    let class = if !flags.is_empty() {
        "st-risk"
    } else if worst < -3.0 {
        "st-notmet"
    } else if worst < -2.0 {
        "st-risk"
    } else {
        "st-met"
    };
    let text = format!(
        "CN/T {} · CC/T {} · CN/CC {}{}",
        fmt(wfa),
        fmt(z.lhfa),
        fmt(wflh),
        if flags.is_empty() {
            String::new()
        } else {
            format!(" · số liệu bất thường ({}): kiểm tra lại", flags.join(", "))
        }
    );
    let json = serde_json::json!({
        "weight_kg": weight,
        "length_cm": length,
        "measure": if standing { "standing" } else { "lying" },
        "oedema": oedema,
        "z_wfa": wfa,
        "z_lhfa": z.lhfa,
        "z_wflh": wflh,
        "flags": flags,
    });
    (json, text, class)
}

async fn rows_for(
    ctx: &Ctx,
    village: &str,
    date: Date,
) -> Result<Vec<(treem_storage::ChildSummary, Sex)>, PageError> {
    if village.is_empty() {
        return Ok(vec![]);
    }
    let page = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                village: Some(village.into()),
                age_max: Some(4),
                page: 1,
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(page
        .items
        .into_iter()
        .filter(|c| c.birth_date().is_some_and(|b| b.window(date).0 <= date))
        .map(|c| {
            let sex = Sex::parse(&c.sex).unwrap_or(Sex::Unknown);
            (c, sex)
        })
        .collect())
}

fn age_days(dob: &str, on: Date) -> Option<u32> {
    let d: Date = dob.parse().ok()?;
    let days = (on - d).get_days();
    u32::try_from(days).ok()
}

/// What the page shows besides the children: a form sent back with its values and problems,
/// or what a save stored.
#[derive(Default)]
struct Outcome<'a> {
    posted: Option<&'a HashMap<String, String>>,
    submission: Option<String>,
    problems: Vec<Problem>,
    row_errors: HashMap<i64, Vec<String>>,
    saved: Option<treem_storage::Submission>,
}

async fn page(
    ctx: &Ctx,
    village: String,
    date: Date,
    out: Outcome<'_>,
) -> Result<Response, PageError> {
    let kids = rows_for(ctx, &village, date).await?;
    let measurements = ctx
        .state
        .store
        .health_events(
            &ctx.actor(),
            &["measurement"],
            None,
            date.checked_sub(jiff::Span::new().days(400)).ok(),
            Some(date),
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    let saved_ids: Vec<i64> = out
        .saved
        .as_ref()
        .map(|s| s.ids.clone())
        .unwrap_or_default();
    // The last measurement before this save, and the saved one's z-scores.
    let mut last: HashMap<i64, String> = HashMap::new();
    let mut results: HashMap<i64, (String, &'static str)> = HashMap::new();
    for e in &measurements {
        let Some(c) = e.child_id else { continue };
        if saved_ids.contains(&e.id) {
            let kid = kids.iter().find(|(k, _)| k.id == c);
            if let (Some((_, sex)), Some(days)) = (
                kid,
                kid.and_then(|(k, _)| k.date_of_birth.as_deref())
                    .and_then(|d| age_days(d, date)),
            ) {
                let (_, text, class) = measure_json(
                    *sex,
                    days,
                    e.data["weight_kg"].as_f64(),
                    e.data["length_cm"].as_f64(),
                    e.data["measure"].as_str() == Some("standing"),
                    e.data["oedema"].as_bool().unwrap_or(false),
                );
                results.insert(c, (format!("Đã lưu: {text}"), class));
            }
        } else {
            last.insert(
                c,
                format!(
                    "{} — {} kg",
                    vn_date(&e.date),
                    e.data["weight_kg"]
                        .as_f64()
                        .map(treem_domain::plan::format_number_vi)
                        .unwrap_or_else(|| "—".into())
                ),
            );
        }
    }
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let posted = out.posted;
    let get = |k: String| posted.and_then(|p| p.get(&k).cloned()).unwrap_or_default();
    let name_of = |id: i64| {
        kids.iter()
            .find(|(k, _)| k.id == id)
            .map(|(k, _)| k.full_name.clone())
            .unwrap_or_else(|| format!("trẻ số {id}"))
    };
    let mut saved = Vec::new();
    if let Some(s) = &out.saved {
        // In the list's order.
        let weighed: Vec<i64> = measurements
            .iter()
            .filter(|e| s.ids.contains(&e.id))
            .filter_map(|e| e.child_id)
            .collect();
        let children: Vec<String> = kids
            .iter()
            .filter(|(k, _)| weighed.contains(&k.id))
            .map(|(k, _)| k.full_name.clone())
            .collect();
        if s.again {
            saved.push(format!(
                "Lần gửi này đã được lưu lúc {}: không lưu thêm lần nào.",
                crate::i18n::vn_datetime(&s.recorded_at)
            ));
        }
        saved.push(if s.ids.is_empty() {
            "Không có lần cân/đo mới nào được lưu.".to_string()
        } else {
            format!(
                "Đã lưu {} lần cân/đo: {}.",
                s.ids.len(),
                children.join(", ")
            )
        });
        if !s.identical.is_empty() {
            let names: Vec<String> = s.identical.iter().map(|c| name_of(*c)).collect();
            saved.push(format!(
                "Đã có sẵn lần cân/đo giống hệt (cùng ngày, cùng số đo) nên không lưu lại: {}.",
                names.join(", ")
            ));
        }
    }
    let rows = kids
        .into_iter()
        .map(|(c, _)| {
            let days = c
                .date_of_birth
                .as_deref()
                .and_then(|d| age_days(d, date))
                .unwrap_or(0);
            let (result, result_class) = results.get(&c.id).cloned().unwrap_or_default();
            let weight = get(format!("w_{}", c.id));
            let length = get(format!("l_{}", c.id));
            Row {
                id: c.id,
                born: c
                    .birth_date()
                    .map(|b| b.text_with_age(date))
                    .unwrap_or_default(),
                last: last.get(&c.id).cloned().unwrap_or_default(),
                unsaved: !(weight.trim().is_empty() && length.trim().is_empty()),
                weight,
                length,
                standing: posted
                    .map(|p| p.get(&format!("m_{}", c.id)).map(String::as_str) == Some("standing"))
                    .unwrap_or(days >= 731),
                oedema: !get(format!("o_{}", c.id)).is_empty(),
                result,
                result_class,
                errors: out.row_errors.get(&c.id).cloned().unwrap_or_default(),
                name: c.full_name,
            }
        })
        .collect();
    let refused = !out.problems.is_empty();
    let page = WeighingPage {
        l: ctx.layout("Ngày cân trẻ"),
        village,
        villages: villages
            .into_iter()
            .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
            .collect(),
        date: vn_date(&date.to_string()),
        rows,
        submission: out.submission.unwrap_or_else(new_submission_id),
        saved,
        problems: out.problems,
        weight: Range::of(treem_domain::health::WEIGHT_KG),
        length: Range::of(treem_domain::health::LENGTH_CM),
    };
    Ok(render_status(&page, refused))
}

fn weighing_date(d: Option<&String>) -> Date {
    match d.and_then(|d| parse_date(d)) {
        Some(d) if d <= treem_storage::today() => d,
        _ => treem_storage::today(),
    }
}

pub async fn weighing(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let village = q.get("village").cloned().unwrap_or_default();
    let date = q
        .get("date")
        .and_then(|d| parse_date(d))
        .unwrap_or_else(treem_storage::today);
    // After a save (Post/Redirect/Get): what that submission stored.
    let saved = match q.get("saved") {
        Some(t) => ctx
            .state
            .store
            .submission(&ctx.actor(), t)
            .await
            .map_err(|e| ctx.fail(e))?
            .map(|mut s| {
                s.again = q.get("again").is_some_and(|a| a == "1");
                s
            }),
        None => None,
    };
    page(
        &ctx,
        village,
        date,
        Outcome {
            saved,
            ..Default::default()
        },
    )
    .await
}

fn number(s: &str) -> Result<Option<f64>, ()> {
    crate::pages::dashboard::parse_decimal(s).ok_or(())
}

/// Where the page goes after a save: the same village and day, empty, saying what was saved.
fn after_save(village: &str, date: Date, token: &str, again: bool) -> Response {
    let enc = super::urlencode;
    let again = if again { "&again=1" } else { "" };
    axum::response::Redirect::to(&format!(
        "/health/weighing?village={}&date={}&saved={}{again}#saved",
        enc(village),
        enc(&date.to_string()),
        enc(token)
    ))
    .into_response()
}

/// Saves a weighing day's form: all rows or none. A form with problems comes back with every
/// value kept and the problems listed at the top; a saved one redirects to an empty form that
/// names what was saved. The form's submission id is recorded with the measurements, so the
/// same form sent again stores nothing.
pub async fn save_weighing(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let village = f.get("village").cloned().unwrap_or_default();
    let date = weighing_date(f.get("date"));
    let token = f
        .get("submission")
        .filter(|t| treem_storage::valid_submission_id(t))
        .cloned();
    // The same form again (back button, double click, a retry): nothing more to store.
    if let Some(t) = &token {
        let done = ctx
            .state
            .store
            .submission(&ctx.actor(), t)
            .await
            .map_err(|e| ctx.fail(e))?;
        if done.is_some() {
            return Ok(after_save(&village, date, t, true));
        }
    }
    let today = treem_storage::today();
    let kids = rows_for(&ctx, &village, date).await?;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut row_errors: HashMap<i64, Vec<String>> = HashMap::new();
    for (c, sex) in &kids {
        let w = f.get(&format!("w_{}", c.id)).cloned().unwrap_or_default();
        let l = f.get(&format!("l_{}", c.id)).cloned().unwrap_or_default();
        if w.trim().is_empty() && l.trim().is_empty() {
            continue;
        }
        let mut problem = |input: &str, message: String| {
            let message = capitalised(&message);
            row_errors.entry(c.id).or_default().push(message.clone());
            problems.push(Problem {
                name: c.full_name.clone(),
                message,
                anchor: format!("{input}_{}", c.id),
            });
        };
        let weight = number(&w);
        let length = number(&l);
        if weight.is_err() {
            problem(
                "w",
                format!(
                    "cân nặng (kg): «{}» không phải là số (ví dụ 10,5)",
                    w.trim()
                ),
            );
        }
        if length.is_err() {
            problem(
                "l",
                format!(
                    "chiều dài/cao (cm): «{}» không phải là số (ví dụ 82,5)",
                    l.trim()
                ),
            );
        }
        let (Ok(weight), Ok(length)) = (weight, length) else {
            continue;
        };
        let days = c
            .date_of_birth
            .as_deref()
            .and_then(|d| age_days(d, date))
            .unwrap_or(0);
        let standing = f.get(&format!("m_{}", c.id)).map(String::as_str) == Some("standing");
        let oedema = f.contains_key(&format!("o_{}", c.id));
        let (mut json, _, _) = measure_json(*sex, days, weight, length, standing, oedema);
        json["child_id"] = c.id.into();
        json["date"] = date.to_string().into();
        // The domain's check, the same as the API's: ranges, dates.
        let born = c.birth_date().filter(|b| b.is_exact()).map(|b| b.date);
        let checked = serde_json::from_value::<treem_domain::health::Measurement>(json.clone())
            .map_err(|e| treem_domain::validation::FieldErrors::single("date", e.to_string()))
            .and_then(|m| m.validate(today, born));
        if let Err(e) = checked {
            for x in e.0 {
                match x.field.as_str() {
                    "weight_kg" => problem("w", format!("{} (đã nhập {})", x.message, w.trim())),
                    "length_cm" => problem("l", format!("{} (đã nhập {})", x.message, l.trim())),
                    _ => problem("w", format!("ngày cân: {}", x.message)),
                }
            }
            continue;
        }
        events.push(("measurement".to_string(), Some(c.id), date, json));
    }
    if events.is_empty() && problems.is_empty() {
        problems.push(Problem {
            name: "Cả danh sách".into(),
            message: "Chưa nhập cân nặng hay chiều dài/cao của trẻ nào".into(),
            anchor: kids
                .first()
                .map(|(c, _)| format!("w_{}", c.id))
                .unwrap_or_else(|| "weighing".into()),
        });
    }
    if !problems.is_empty() {
        return page(
            &ctx,
            village,
            date,
            Outcome {
                posted: Some(&f),
                submission: token,
                problems,
                row_errors,
                saved: None,
            },
        )
        .await;
    }
    let token = token.unwrap_or_else(new_submission_id);
    let done = ctx
        .state
        .store
        .add_health_events_once(&ctx.actor(), "weighing", Some(&token), &events)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(after_save(&village, date, &token, done.again))
}

/// Weight-for-age on WHO's curves at −3, −2, 0, +2 and +3 SD, with the child's points.
pub fn growth_chart(sex: Sex, points: &[(u32, f64)]) -> Option<String> {
    let sex = match sex {
        Sex::Male => growth::Sex::Male,
        Sex::Female => growth::Sex::Female,
        Sex::Unknown => return None,
    };
    let (w, h, left, bottom, top) = (560.0, 260.0, 40.0, 30.0, 10.0);
    let max_days = 1856.0;
    let max_kg = 30.0;
    let x = |d: f64| left + (w - left - 10.0) * d / max_days;
    let y = |kg: f64| top + (h - top - bottom) * (1.0 - kg / max_kg);
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" class="trend" role="img" aria-label="Cân nặng theo tuổi (WHO 2006)"><rect width="{w}" height="{h}" fill="#fff"/>"##
    );
    for kg in [0.0, 10.0, 20.0, 30.0] {
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" font-size="11" text-anchor="end">{kg}</text>"##,
            w - 10.0,
            left - 4.0,
            y(kg) + 4.0,
            y = y(kg)
        );
    }
    for year in 0..=5 {
        let d = year as f64 * 365.25;
        s += &format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{year} tuổi</text>"#,
            x(d),
            h - 10.0
        );
    }
    for (sd, colour) in [
        (-3.0, "#8a1c10"),
        (-2.0, "#c47a00"),
        (0.0, "#1d5e28"),
        (2.0, "#c47a00"),
        (3.0, "#8a1c10"),
    ] {
        let pts: Vec<String> = growth::curve(growth::Indicator::Wfa, sex, sd)
            .iter()
            .step_by(30)
            .map(|(d, kg)| format!("{:.1},{:.1}", x(*d), y(*kg)))
            .collect();
        s += &format!(
            r#"<polyline fill="none" stroke="{colour}" stroke-width="1.2" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (d, kg) in points {
        s += &format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b4f9c"/>"##,
            x(*d as f64),
            y(*kg)
        );
    }
    Some(s + "</svg>")
}

pub struct DueRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub caregiver: String,
    pub doses: String,
    pub overdue: bool,
}

pub struct WatchRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "health_lists.html")]
struct ListsPage {
    l: Layout,
    village: String,
    village_name: String,
    villages: Vec<(String, String)>,
    today: String,
    due: Vec<DueRow>,
    unmeasured: Vec<WatchRow>,
    severe: Vec<WatchRow>,
    sees_measurements: bool,
    /// The commune's hepatitis B birth-dose coverage in the current reporting period: (figure,
    /// counts, period), computed with the plan's figures (beside target 9).
    birth_dose: Option<(String, String, String)>,
}

/// The birth-dose figure the plan's figures carry for today ([`RelatedFigure`] of target 9),
/// for those who see exact counts; `None` without a plan for the year.
///
/// [`RelatedFigure`]: treem_domain::indicator::RelatedFigure
async fn birth_dose(ctx: &Ctx, today: Date) -> Option<(String, String, String)> {
    if ctx.user.role.sees_protected_counts() {
        return None;
    }
    let c = crate::figures::compute(
        &ctx.state,
        today.year(),
        today,
        treem_domain::indicator::Known::Now,
    )
    .await
    .ok()?;
    let code = treem_domain::indicator::RegisterIndicator::HepBBirthDose.as_str();
    let f = c
        .results
        .iter()
        .flat_map(|r| &r.related)
        .find(|x| x.indicator == code)?;
    let p = treem_domain::disclosure::PublishedFigure::exact(&f.figure);
    Some((
        crate::figures::show(p.value, Some(treem_domain::plan::Unit::Percent)),
        p.num_den_text(),
        format!(
            "{} – {}",
            vn_date(&c.period.start.to_string()),
            vn_date(&c.as_of.min(c.period.end).to_string())
        ),
    ))
}

/// Lists people act on: vaccinations due and overdue (printable for a village head without a
/// phone), under-5s not weighed for six months, and those whose last measurement was severe.
pub async fn lists(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let kinds = treem_storage::readable_kinds(ctx.user.role);
    if !kinds.contains(&"vaccination") {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let today = treem_storage::today();
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages: Vec<(String, String)> = villages
        .into_iter()
        .filter(|v| ctx.user.village_id.is_none_or(|m| m == v.id))
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect();
    let village = q
        .get("village")
        .cloned()
        .filter(|v| !v.is_empty())
        .or_else(|| {
            (ctx.user.role == Role::VillageHead)
                .then(|| villages.first().map(|v| v.0.clone()))
                .flatten()
        })
        .unwrap_or_default();
    let village_name = villages
        .iter()
        .find(|v| v.0 == village)
        .map(|v| v.1.clone())
        .unwrap_or_default();
    let mut page = ListsPage {
        l: ctx.layout("Danh sách cần theo dõi"),
        village: village.clone(),
        village_name,
        villages,
        today: vn_date(&today.to_string()),
        due: vec![],
        unmeasured: vec![],
        severe: vec![],
        sees_measurements: kinds.contains(&"measurement"),
        birth_dose: birth_dose(&ctx, today).await,
    };
    if village.is_empty() {
        return Ok(render(&page));
    }
    let kids = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                village: Some(village.clone()),
                age_max: Some(5),
                page: 1,
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?
        .items;
    let vaccinations = ctx
        .state
        .store
        .health_events(&ctx.actor(), &["vaccination"], None, None, Some(today))
        .await
        .map_err(|e| ctx.fail(e))?;
    let measurements = if page.sees_measurements {
        ctx.state
            .store
            .health_events(&ctx.actor(), &["measurement"], None, None, Some(today))
            .await
            .map_err(|e| ctx.fail(e))?
    } else {
        vec![]
    };
    let schedule = treem_domain::health::Compiled::embedded();
    let six_months_ago = today
        .checked_sub(jiff::Span::new().months(6))
        .unwrap_or(today);
    for c in kids {
        let Some(born) = c.birth_date() else {
            continue;
        };
        let dob = born.date;
        let given: Vec<treem_domain::health::Vaccination> = vaccinations
            .iter()
            .filter(|e| e.child_id == Some(c.id))
            .filter_map(|e| {
                Some(treem_domain::health::Vaccination {
                    child_id: c.id,
                    vaccine: e.data["vaccine"].as_str()?.into(),
                    dose: e.data["dose"].as_u64()? as u8,
                    date: e.date.parse().ok()?,
                })
            })
            .collect();
        // Due around the birth date's window: overdue only when overdue for every day of it.
        let due = schedule.due_list_around(born.window(today), &schedule.given(&given), today);
        if !due.is_empty() {
            let caregiver = ctx
                .state
                .store
                .child(&ctx.actor(), c.id)
                .await
                .ok()
                .and_then(|x| {
                    x.data.caregivers.first().map(|g| {
                        format!(
                            "{} ({}) {}",
                            g.full_name,
                            g.relationship,
                            g.phone.clone().unwrap_or_default()
                        )
                    })
                })
                .unwrap_or_default();
            page.due.push(DueRow {
                id: c.id,
                name: c.full_name.clone(),
                dob: born.text_with_age(today),
                caregiver,
                overdue: due.iter().any(|d| d.overdue),
                doses: due.iter().map(|d| d.text()).collect::<Vec<_>>().join("; "),
            });
        }
        if page.sees_measurements && (today - dob).get_days() < 1826 {
            let last = measurements.iter().rev().find(|e| e.child_id == Some(c.id));
            match last {
                Some(m) if m.date.as_str() >= six_months_ago.to_string().as_str() => {
                    // Implausible (flagged) z-scores are not evidence of anything.
                    let flags = m.data["flags"].as_array().cloned().unwrap_or_default();
                    let z = |k: &str| {
                        let flagged = flags
                            .iter()
                            .any(|f| f.as_str() == Some(&format!("flag_{}", &k[2..])));
                        m.data[k].as_f64().filter(|_| !flagged)
                    };
                    let worst = [z("z_wfa"), z("z_lhfa"), z("z_wflh")]
                        .into_iter()
                        .flatten()
                        .fold(f64::INFINITY, f64::min);
                    if worst < -3.0 {
                        page.severe.push(WatchRow {
                            id: c.id,
                            name: c.full_name.clone(),
                            dob: born.text_with_age(today),
                            detail: format!(
                                "cân đo {}: z thấp nhất {}",
                                vn_date(&m.date),
                                treem_domain::plan::format_number_vi(
                                    (worst * 100.0).round() / 100.0
                                )
                            ),
                        });
                    }
                }
                other => page.unmeasured.push(WatchRow {
                    id: c.id,
                    name: c.full_name.clone(),
                    dob: born.text_with_age(today),
                    detail: other
                        .map(|m| format!("lần cuối {}", vn_date(&m.date)))
                        .unwrap_or_else(|| "chưa cân đo".into()),
                }),
            }
        }
    }
    Ok(render(&page))
}

/// Records a vaccination, an injury or a death from the child's page.
pub async fn add_from_child_page(
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    // A date that does not parse goes on as typed, for the check to say why.
    let date = parse_date(&get("date"))
        .map(|d| d.to_string())
        .unwrap_or_else(|| get("date"));
    let event_kind = get("event");
    let mut body = serde_json::json!({"child_id": id, "date": date});
    match event_kind.as_str() {
        "vaccination" => {
            body["vaccine"] = get("vaccine").into();
            body["dose"] = get("dose").parse::<u8>().unwrap_or(0).into();
        }
        "injury" => {
            body["kind"] = get("injury_kind").into();
            body["severity"] = get("severity").into();
            body["outcome"] = get("outcome").into();
            if !get("place").is_empty() {
                body["place"] = get("place").into();
            }
        }
        "death" => body["cause"] = get("cause").into(),
        _ => return Err(ctx.error(PageErrorKind::NotFound)),
    }
    let prepared =
        match crate::api::health::prepare_event_as(&ctx.state, &ctx.actor(), &event_kind, body)
            .await
        {
            Ok(p) => p,
            Err(crate::ApiError::Invalid(e)) => {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render_message(&ctx, &e.to_string()),
                )
                    .into_response())
            }
            Err(e) => return Err(ctx.fail_api(e)),
        };
    ctx.state
        .store
        .add_health_events(&ctx.actor(), &[prepared])
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(axum::response::Redirect::to(&format!("/children/{id}")).into_response())
}

fn render_message(ctx: &Ctx, text: &str) -> Response {
    #[derive(Template)]
    #[template(path = "message.html")]
    struct M {
        l: Layout,
        text: String,
    }
    render(&M {
        l: ctx.layout("Chưa ghi được"),
        text: text.to_string(),
    })
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
    use treem_domain::health::{DeathCause, InjuryKind, Outcome, Severity};
    if !may_weigh(role) {
        return None;
    }
    Some(HealthForms {
        vaccines: treem_domain::health::Schedule::embedded()
            .vaccines
            .iter()
            .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
            .collect(),
        causes: labelled(
            &[
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
            ],
            |c: DeathCause| c.label_vi(),
        ),
        injury_kinds: labelled(
            &[
                "drowning",
                "traffic",
                "fall",
                "burn",
                "animal_bite",
                "poisoning",
                "other",
            ],
            |c: InjuryKind| c.label_vi(),
        ),
        severities: labelled(&["minor", "moderate", "severe"], |c: Severity| c.label_vi()),
        outcomes: labelled(
            &["recovered", "disabled", "died", "unknown"],
            |c: Outcome| c.label_vi(),
        ),
        today: vn_date(&treem_storage::today().to_string()),
    })
}

#[derive(Template)]
#[template(path = "birth.html")]
struct BirthPage {
    l: Layout,
    villages: Vec<(String, String)>,
    f: HashMap<String, String>,
    errors: Vec<String>,
}

impl BirthPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map(String::as_str).unwrap_or("")
    }
}

async fn birth_page(
    ctx: &Ctx,
    f: HashMap<String, String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let refused = !errors.is_empty();
    let page = BirthPage {
        l: ctx.layout("Khai báo sinh"),
        villages: villages
            .into_iter()
            .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
            .collect(),
        f,
        errors,
    };
    Ok(render_status(&page, refused))
}

/// Sổ đẻ: a birth at the health station puts the child in the register in the same step.
pub async fn birth_form(ctx: Ctx) -> Result<Response, PageError> {
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let mut f = HashMap::new();
    f.insert(
        "date_of_birth".to_string(),
        vn_date(&treem_storage::today().to_string()),
    );
    birth_page(&ctx, f, vec![]).await
}

pub async fn save_birth(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let draft = treem_domain::register::ChildDraft {
        full_name: get("full_name"),
        sex: get("sex"),
        date_of_birth: get("date_of_birth"),
        village: get("village"),
        ethnicity: get("ethnicity").map(serde_json::Value::from),
        caregivers: vec![treem_domain::register::CaregiverDraft {
            relationship: Some("mẹ".into()),
            full_name: get("mother"),
            phone: get("phone"),
        }]
        .into_iter()
        .filter(|c| c.full_name.is_some())
        .collect(),
        ..Default::default()
    };
    let today = treem_storage::today();
    let data = match draft.parse(today) {
        Ok(d) => d,
        Err(e) => {
            return birth_page(
                &ctx,
                f.clone(),
                e.0.iter()
                    .map(|x| format!("{}: {}", x.field, x.message))
                    .collect(),
            )
            .await
        }
    };
    let Some(date) = data
        .date_of_birth
        .filter(|_| data.dob_precision == treem_domain::register::DobPrecision::Day)
    else {
        return birth_page(
            &ctx,
            f.clone(),
            vec!["Ngày sinh: cần ngày đầy đủ (dd/mm/yyyy)".into()],
        )
        .await;
    };
    let mut birth = serde_json::json!({
        "child_id": 0,
        "date": date.to_string(),
        "place": get("place").unwrap_or_else(|| "health_station".into()),
        "live": true,
    });
    if let Some(t) = get("time") {
        birth["time"] = t.into();
    }
    if let Some(w) = get("weight_g") {
        birth["weight_g"] = w
            .parse::<u32>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::from(w));
    }
    let typed: Result<treem_domain::health::Birth, _> = serde_json::from_value(birth.clone());
    let checked = match typed {
        Ok(b) => b.validate(today).map_err(|e| {
            e.0.iter()
                .map(|x| format!("{}: {}", x.field, x.message))
                .collect::<Vec<_>>()
        }),
        Err(_) => Err(vec![
            "Cân nặng khi sinh: ghi số gam (ví dụ 2900)".to_string()
        ]),
    };
    if let Err(errors) = checked {
        return birth_page(&ctx, f.clone(), errors).await;
    }
    match ctx
        .state
        .store
        .record_birth(&ctx.actor(), &data, &birth)
        .await
    {
        Ok(c) => Ok(axum::response::Redirect::to(&format!("/children/{}", c.id)).into_response()),
        Err(treem_storage::StorageError::Invalid(e)) => {
            birth_page(
                &ctx,
                f.clone(),
                e.0.iter()
                    .map(|x| format!("{}: {}", x.field, x.message))
                    .collect(),
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The child's health events in words (sự kiện y tế), for those who may read them.
pub async fn event_rows(
    ctx: &Ctx,
    id: i64,
    born: Option<treem_domain::birth_date::BirthDate>,
) -> Vec<(String, String)> {
    use treem_domain::health::{DeathCause, InjuryKind, Severity};
    let kinds: Vec<&str> = treem_storage::readable_kinds(ctx.user.role)
        .iter()
        .copied()
        .filter(|k| *k != "hiv")
        .collect();
    if kinds.is_empty() {
        return vec![];
    }
    let Ok(events) = ctx
        .state
        .store
        .health_events(&ctx.actor(), &kinds, Some(id), None, None)
        .await
    else {
        return vec![];
    };
    let label = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    events
        .into_iter()
        .map(|e| {
            let d = &e.data;
            let what = match e.kind.as_str() {
                "birth" => format!(
                    "Sinh{}",
                    d["weight_g"]
                        .as_u64()
                        .map(|w| format!(", {w} g"))
                        .unwrap_or_default()
                ),
                "death" => {
                    let cause = serde_json::from_value::<DeathCause>(d["cause"].clone())
                        .map(|c| c.label_vi().to_string())
                        .unwrap_or_else(|_| label(&d["cause"]));
                    let age = match (born, e.date.parse::<Date>()) {
                        (Some(b), Ok(on)) if !b.age_text(on).is_empty() => {
                            format!(", lúc {}", b.age_text(on))
                        }
                        _ => String::new(),
                    };
                    format!("Mất ({cause}){age}")
                }
                "vaccination" => format!("Tiêm {} mũi {}", label(&d["vaccine"]), d["dose"]),
                "measurement" => format!(
                    "Cân đo: {} kg, {} cm",
                    d["weight_kg"]
                        .as_f64()
                        .map(treem_domain::plan::format_number_vi)
                        .unwrap_or_else(|| "—".into()),
                    d["length_cm"]
                        .as_f64()
                        .map(treem_domain::plan::format_number_vi)
                        .unwrap_or_else(|| "—".into())
                ),
                "injury" => {
                    let kind = serde_json::from_value::<InjuryKind>(d["kind"].clone())
                        .map(|k| k.label_vi())
                        .unwrap_or("");
                    let sev = serde_json::from_value::<Severity>(d["severity"].clone())
                        .map(|k| k.label_vi())
                        .unwrap_or("");
                    format!("Tai nạn thương tích: {kind}, {sev}")
                }
                other => other.to_string(),
            };
            (vn_date(&e.date), what)
        })
        .collect()
}
