//! The child-friendly commune self-assessment and the national database's clean-up as the API's
//! body or a page's form give them, shared by `api/assess.rs` and `pages/assess.rs` (which do
//! not import each other). The rules are the domain's (`treem_domain::self_assessment`,
//! `treem_domain::national_db`); this reads the request, asks the figures for the rates a
//! criterion shows, and calls storage once.
use crate::error::ApiError;
use crate::AppState;
use serde::Deserialize;
use treem_domain::indicator::Known;
use treem_domain::self_assessment::{self as sa, Outcome, Scorecard, SelfAssessment, TypedScore};
use treem_domain::Date;
use treem_storage::{Actor, StoredAssessment};

/// A score as sent: a number, text, or null/absent for not scored yet.
#[derive(Deserialize, Default, Clone)]
pub struct ScoreBody {
    pub criterion: u8,
    #[serde(default)]
    pub score: Option<serde_json::Value>,
    #[serde(default)]
    pub evidence: String,
}

/// `PUT /self-assessments/{year}` as sent.
#[derive(Deserialize, Default, Clone)]
pub struct AssessmentBody {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub scores: Vec<ScoreBody>,
}

impl From<&ScoreBody> for TypedScore {
    fn from(b: &ScoreBody) -> Self {
        let score = match &b.score {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        TypedScore {
            criterion: b.criterion,
            score,
            evidence: b.evidence.clone(),
        }
    }
}

/// Checks and stores a year's self-assessment; its outcome goes to the plan's targets measured
/// by it.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    year: i16,
    body: &AssessmentBody,
) -> Result<(StoredAssessment, Outcome), ApiError> {
    if !sa::may_enter(actor.role) {
        return Err(ApiError::Forbidden);
    }
    let card = Scorecard::default();
    let typed: Vec<TypedScore> = body.scores.iter().map(TypedScore::from).collect();
    let a = SelfAssessment::parse(&card, year, &body.date, &typed, treem_storage::today())?;
    let outcome = card.outcome(&a.scores);
    let plan = crate::figures::load_plan(state, year).await?;
    let targets = sa::assessment_targets(&plan);
    let stored = state
        .store
        .put_self_assessment(actor, &a, &outcome, &targets)
        .await?;
    Ok((stored, outcome))
}

/// The day the year's rates are read on: today, or the year's last day for a past year.
fn rates_day(year: i16) -> Option<Date> {
    let today = treem_storage::today();
    let end = jiff::civil::Date::new(year, 12, 31).ok()?;
    Some(if end < today { end } else { today })
}

/// For each criterion with a `prefill`: the rate treem computes now and the score it suggests.
/// Empty when the figures cannot be computed (no plan for the year, a period not confirmed).
pub async fn rates(state: &AppState, year: i16) -> Vec<(u8, Option<f64>, Option<u32>)> {
    let card = Scorecard::default();
    let Some(day) = rates_day(year) else {
        return vec![];
    };
    let computed = match crate::figures::compute(state, year, day, Known::Now).await {
        Ok(c) => c,
        Err(_) => return vec![],
    };
    card.criteria
        .iter()
        .filter_map(|c| {
            let p = c.prefill.as_ref()?;
            let rate = sa::rate_of(&computed.plan, &computed.results, &p.indicator);
            Some((c.number, rate, sa::suggested(c, rate)))
        })
        .collect()
}

/// The export as a file: (bytes, content type, file name).
pub fn export_file(
    children: &[treem_domain::register::Child],
    villages: &[treem_domain::register::Village],
    xlsx: bool,
) -> Result<(Vec<u8>, &'static str, &'static str), ApiError> {
    let layout = treem_domain::national_db::ExportLayout::default();
    let names = treem_domain::register::VillageNames::new(villages);
    let rows: Vec<Vec<String>> = children.iter().map(|c| layout.row(c, &names)).collect();
    if xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let text = rust_xlsxwriter::Format::new().set_num_format("@");
        let bad = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(e.to_string());
        for (i, h) in layout.headers().iter().enumerate() {
            ws.write_string(0, i as u16, *h).map_err(bad)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                // Text, always: an ID of 12 digits must not become a number.
                ws.write_string_with_format(r as u32 + 1, i as u16, v, &text)
                    .map_err(bad)?;
            }
        }
        let bytes = wb.save_to_buffer().map_err(bad)?;
        Ok((
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "co-so-du-lieu-tre-em.xlsx",
        ))
    } else {
        let mut w = csv::Writer::from_writer(Vec::new());
        let bad = |e: csv::Error| ApiError::Internal(e.to_string());
        w.write_record(layout.headers()).map_err(bad)?;
        for row in &rows {
            w.write_record(row).map_err(bad)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((bytes, "text/csv; charset=utf-8", "co-so-du-lieu-tre-em.csv"))
    }
}
