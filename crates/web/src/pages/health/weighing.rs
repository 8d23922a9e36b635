//! The health station's weighing day (ngày cân trẻ): the under-5s of one village in order,
//! weight and length typed in one sitting, WHO z-scores computed (by the domain) as they are
//! saved.
use super::forms::{RowInput, WeighingForm, WeighingQuery};
use super::{may_weigh, village_options};
use crate::i18n::vn_date;
use crate::pages::PageForm as Form;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use treem_domain::health::{Event, GrowthStatus, Measure, Measurement, Reading};
use treem_domain::plan::format_number_vi;
use treem_domain::register::Sex;
use treem_domain::validation::parse_date;
use treem_domain::Date;
use treem_storage::{ChildQuery, ChildSummary, HealthEvent, Submission};

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
    /// The stored measurement's status in words (only for a measurement saved), with its
    /// class, and each indicator's z-score on a line of its own ("Cân nặng theo tuổi: −1,2").
    pub result: String,
    pub result_class: &'static str,
    pub z_lines: Vec<String>,
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

impl WeighingPage {
    /// The children with a weight or a length in their boxes, for the save bar.
    fn filled(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !r.weight.is_empty() || !r.length.is_empty())
            .count()
    }
}

pub struct Range {
    pub min: String,
    pub max: String,
    pub text: String,
}

impl Range {
    fn of((lo, hi): (f64, f64)) -> Range {
        Range {
            min: lo.to_string(),
            max: hi.to_string(),
            text: format!("{}–{}", format_number_vi(lo), format_number_vi(hi)),
        }
    }
}

use crate::pages::new_submission_id;

/// A child of the weighing list: the register's summary, sex and birth date.
struct Kid {
    c: ChildSummary,
    sex: Sex,
    born: Date,
}

/// The under-5s of `village` born by `date` (their birth date's window begun), in the
/// register's order.
async fn kids_of(ctx: &Ctx, village: &str, date: Date) -> Result<Vec<Kid>, PageError> {
    if village.is_empty() {
        return Ok(vec![]);
    }
    let query = ChildQuery {
        village: Some(village.into()),
        age_max: Some(4),
        page: 1,
        per_page: 500,
        ..Default::default()
    };
    let page = ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(page
        .items
        .into_iter()
        .filter_map(|c| {
            let b = c.birth_date().filter(|b| b.window(date).0 <= date)?;
            let sex = Sex::parse(&c.sex).unwrap_or(Sex::Unknown);
            Some(Kid {
                sex,
                born: b.date,
                c,
            })
        })
        .collect())
}

fn status_class(s: GrowthStatus) -> &'static str {
    match s {
        GrowthStatus::Implausible | GrowthStatus::Low => "st-risk",
        GrowthStatus::Severe => "st-notmet",
        GrowthStatus::Normal => "st-met",
    }
}

/// What the page shows besides the children: a form sent back with its values and problems,
/// or what a save stored.
#[derive(Default)]
struct Outcome<'a> {
    posted: Option<&'a WeighingForm>,
    submission: Option<String>,
    problems: Vec<Problem>,
    row_errors: HashMap<i64, Vec<String>>,
    saved: Option<Submission>,
}

/// The measurements of the last 400 days up to `date`, typed, with their stored ids.
async fn recent_measurements(ctx: &Ctx, date: Date) -> Result<Vec<(i64, Measurement)>, PageError> {
    let from = date.checked_sub(jiff::Span::new().days(400)).ok();
    let events = ctx
        .state
        .store
        .health_events(&ctx.actor(), &["measurement"], None, from, Some(date))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(events.iter().filter_map(measurement_of).collect())
}

fn measurement_of(e: &HealthEvent) -> Option<(i64, Measurement)> {
    match e.event() {
        Ok(Event::Measurement(m)) => Some((e.id, m)),
        _ => None,
    }
}

/// What a save stored, in words, in the list's order.
fn saved_lines(s: &Submission, measured: &[(i64, Measurement)], kids: &[Kid]) -> Vec<String> {
    let name_of = |id: i64| {
        kids.iter()
            .find(|k| k.c.id == id)
            .map(|k| k.c.full_name.clone())
            .unwrap_or_else(|| format!("trẻ số {id}"))
    };
    let weighed: Vec<i64> = measured
        .iter()
        .filter(|(id, _)| s.ids.contains(id))
        .map(|(_, m)| m.child_id)
        .collect();
    let children: Vec<String> = kids
        .iter()
        .filter(|k| weighed.contains(&k.c.id))
        .map(|k| k.c.full_name.clone())
        .collect();
    let mut lines = Vec::new();
    if s.again {
        lines.push(format!(
            "Lần gửi này đã được lưu lúc {}: không lưu thêm lần nào.",
            crate::i18n::vn_datetime(&s.recorded_at)
        ));
    }
    lines.push(if s.ids.is_empty() {
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
        lines.push(format!(
            "Đã có sẵn lần cân/đo giống hệt (cùng ngày, cùng số đo) nên không lưu lại: {}.",
            names.join(", ")
        ));
    }
    lines
}

/// Each child's row: the last measurement before, the saved one's z-scores, and the values
/// of a form sent back.
fn rows(
    kids: Vec<Kid>,
    measured: &[(i64, Measurement)],
    out: &mut Outcome,
    date: Date,
) -> Vec<Row> {
    let saved_ids = out.saved.as_ref().map(|s| s.ids.as_slice()).unwrap_or(&[]);
    let mut last: HashMap<i64, String> = HashMap::new();
    let mut results: HashMap<i64, (String, &'static str, Vec<String>)> = HashMap::new();
    for (id, m) in measured {
        if saved_ids.contains(id) {
            let text = format!("Đã lưu: {}", m.status().label_vi());
            results.insert(m.child_id, (text, status_class(m.status()), m.z_lines_vi()));
        } else {
            let kg = m.weight_kg.map(format_number_vi);
            let text = format!(
                "{} — {} kg",
                vn_date(&m.date.to_string()),
                kg.unwrap_or_else(|| "—".into())
            );
            last.insert(m.child_id, text);
        }
    }
    let empty = RowInput::default();
    kids.into_iter()
        .map(|k| {
            let input = out
                .posted
                .and_then(|p| p.rows.get(&k.c.id))
                .unwrap_or(&empty);
            let (result, result_class, z_lines) = results.remove(&k.c.id).unwrap_or_default();
            let usual = Measure::usual(k.born, date) == Measure::Standing;
            Row {
                id: k.c.id,
                born: k
                    .c
                    .birth_date()
                    .map(|b| b.text_with_age(date))
                    .unwrap_or_default(),
                last: last.remove(&k.c.id).unwrap_or_default(),
                unsaved: !input.is_empty(),
                weight: input.weight.clone(),
                length: input.length.clone(),
                standing: match out.posted {
                    Some(_) => input.measure.as_deref() == Some("standing"),
                    None => usual,
                },
                oedema: input.oedema,
                result,
                result_class,
                z_lines,
                errors: out.row_errors.remove(&k.c.id).unwrap_or_default(),
                name: k.c.full_name,
            }
        })
        .collect()
}

async fn page(
    ctx: &Ctx,
    village: String,
    date: Date,
    mut out: Outcome<'_>,
) -> Result<Response, PageError> {
    let kids = kids_of(ctx, &village, date).await?;
    let measured = recent_measurements(ctx, date).await?;
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let saved = out
        .saved
        .as_ref()
        .map(|s| saved_lines(s, &measured, &kids))
        .unwrap_or_default();
    let refused = !out.problems.is_empty();
    let page = WeighingPage {
        l: ctx.layout("Ngày cân trẻ"),
        rows: rows(kids, &measured, &mut out, date),
        village,
        villages: village_options(villages),
        date: vn_date(&date.to_string()),
        submission: out.submission.take().unwrap_or_else(new_submission_id),
        saved,
        problems: out.problems,
        weight: Range::of(treem_domain::health::WEIGHT_KG),
        length: Range::of(treem_domain::health::LENGTH_CM),
    };
    Ok(render_status(&page, refused))
}

/// The weighing day: a day typed, not after today; today otherwise.
fn weighing_date(d: Option<&str>) -> Date {
    match d.and_then(parse_date) {
        Some(d) if d <= treem_storage::today() => d,
        _ => treem_storage::today(),
    }
}

pub async fn weighing(ctx: Ctx, Query(q): Query<WeighingQuery>) -> Result<Response, PageError> {
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let date = q
        .date
        .as_deref()
        .and_then(parse_date)
        .unwrap_or_else(treem_storage::today);
    // After a save (Post/Redirect/Get): what that submission stored.
    let saved = match &q.saved {
        Some(t) => ctx
            .state
            .store
            .submission(&ctx.actor(), t)
            .await
            .map_err(|e| ctx.fail(e))?
            .map(|s| Submission {
                again: q.again.as_deref() == Some("1"),
                ..s
            }),
        None => None,
    };
    let out = Outcome {
        saved,
        ..Default::default()
    };
    page(&ctx, q.village, date, out).await
}

fn number(s: &str) -> Result<Option<f64>, ()> {
    crate::pages::dashboard::parse_decimal(s).ok_or(())
}

/// Where the page goes after a save: the same village and day, empty, saying what was saved.
fn after_save(village: &str, date: Date, token: &str, again: bool) -> Response {
    let enc = crate::pages::urlencode;
    let again = if again { "&again=1" } else { "" };
    axum::response::Redirect::to(&format!(
        "/health/weighing?village={}&date={}&saved={}{again}#saved",
        enc(village),
        enc(&date.to_string()),
        enc(token)
    ))
    .into_response()
}

/// A row's problems: (input, message) for each.
type RowProblems = Vec<(&'static str, String)>;

impl TryFrom<&RowInput> for Reading {
    type Error = RowProblems;

    /// The numbers of a row as typed (10,5 or 10.5); each one that is not a number named.
    fn try_from(r: &RowInput) -> Result<Reading, RowProblems> {
        let (weight, length) = (number(&r.weight), number(&r.length));
        let mut problems = Vec::new();
        if weight.is_err() {
            let w = r.weight.trim();
            problems.push((
                "w",
                format!("cân nặng (kg): «{w}» không phải là số (ví dụ 10,5)"),
            ));
        }
        if length.is_err() {
            let l = r.length.trim();
            problems.push((
                "l",
                format!("chiều dài/cao (cm): «{l}» không phải là số (ví dụ 82,5)"),
            ));
        }
        let (Ok(weight_kg), Ok(length_cm)) = (weight, length) else {
            return Err(problems);
        };
        Ok(Reading {
            weight_kg,
            length_cm,
            measure: match r.measure.as_deref() {
                Some("standing") => Measure::Standing,
                _ => Measure::Lying,
            },
            oedema: r.oedema,
        })
    }
}

/// One child's row checked by the domain's rules (the same as the API's): the measurement
/// with its z-scores, or the row's problems.
fn check_row(k: &Kid, r: &RowInput, date: Date, today: Date) -> Result<Measurement, RowProblems> {
    let reading = Reading::try_from(r)?;
    let m = Measurement::assess(k.c.id, date, k.sex, k.born, reading);
    let born = k.c.birth_date().filter(|b| b.is_exact()).map(|b| b.date);
    m.validate(today, born).map_err(|e| {
        e.0.into_iter()
            .map(|x| match x.field.as_str() {
                "weight_kg" => ("w", format!("{} (đã nhập {})", x.message, r.weight.trim())),
                "length_cm" => ("l", format!("{} (đã nhập {})", x.message, r.length.trim())),
                _ => ("w", format!("ngày cân: {}", x.message)),
            })
            .collect::<RowProblems>()
    })?;
    Ok(m)
}

/// The form's rows checked: the measurements to store, or the problems of every row (each
/// also listed with its row).
fn check_form(
    f: &WeighingForm,
    kids: &[Kid],
    date: Date,
) -> (Vec<Event>, Vec<Problem>, HashMap<i64, Vec<String>>) {
    let today = treem_storage::today();
    let (mut events, mut problems) = (Vec::new(), Vec::new());
    let mut row_errors: HashMap<i64, Vec<String>> = HashMap::new();
    for k in kids {
        let Some(r) = f.rows.get(&k.c.id).filter(|r| !r.is_empty()) else {
            continue;
        };
        match check_row(k, r, date, today) {
            Ok(m) => events.push(Event::Measurement(m)),
            Err(found) => {
                for (input, message) in found {
                    let message = capitalised(&message);
                    row_errors.entry(k.c.id).or_default().push(message.clone());
                    problems.push(Problem {
                        name: k.c.full_name.clone(),
                        message,
                        anchor: format!("{input}_{}", k.c.id),
                    });
                }
            }
        }
    }
    if events.is_empty() && problems.is_empty() {
        problems.push(Problem {
            name: "Cả danh sách".into(),
            message: "Chưa nhập cân nặng hay chiều dài/cao của trẻ nào".into(),
            anchor: kids
                .first()
                .map(|k| format!("w_{}", k.c.id))
                .unwrap_or_else(|| "weighing".into()),
        });
    }
    (events, problems, row_errors)
}

/// Saves a weighing day's form: all rows or none. A form with problems comes back with every
/// value kept and the problems listed at the top; a saved one redirects to an empty form that
/// names what was saved. The form's submission id is recorded with the measurements, so the
/// same form sent again stores nothing.
pub async fn save_weighing(ctx: Ctx, Form(f): Form<WeighingForm>) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !may_weigh(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let date = weighing_date(f.date.as_deref());
    let token = f
        .submission
        .clone()
        .filter(|t| treem_storage::valid_submission_id(t));
    // The same form again (back button, double click, a retry): nothing more to store.
    if let Some(t) = &token {
        let store = &ctx.state.store;
        if store
            .submission(&ctx.actor(), t)
            .await
            .map_err(|e| ctx.fail(e))?
            .is_some()
        {
            return Ok(after_save(&f.village, date, t, true));
        }
    }
    let kids = kids_of(&ctx, &f.village, date).await?;
    let (events, problems, row_errors) = check_form(&f, &kids, date);
    if !problems.is_empty() {
        let out = Outcome {
            posted: Some(&f),
            submission: token,
            problems,
            row_errors,
            saved: None,
        };
        return page(&ctx, f.village.clone(), date, out).await;
    }
    let token = token.unwrap_or_else(new_submission_id);
    let done = ctx
        .state
        .store
        .add_health_events_once(&ctx.actor(), "weighing", Some(&token), &events)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(after_save(&f.village, date, &token, done.again))
}
