//! The plans of this year and last, support given, and the agencies' figures, each recorded
//! when it would have been.
use super::{recorded_at, recorded_day};
use anyhow::Result;
use jiff::civil::Date;
use jiff::Timestamp;
use treem_domain::indicator::SupportRecord;
use treem_domain::plan::Plan;
use treem_storage::{Actor, Db, Register};

/// Child marriages the commune counted last year and this year (target 18, "giảm so với năm
/// trước"): last year's figure is this year's plan baseline; `work.rs` records as many.
pub(super) const MARRIAGES: (f64, f64) = (9.0, 7.0);

/// The plan for `today`'s year with last year's figure of target 18 as its baseline (the seed
/// plan leaves it for the officer to enter), and last year's plan drafted from it.
fn plans(marriages_last_year: f64) -> Result<(String, String)> {
    use treem_domain::plan::Plan;
    let seed = treem_web::figures::SEED_PLAN;
    let plan = Plan::from_toml(seed)?;
    let last = plan.draft_for_year(plan.year - 1);
    // The baseline goes in as the officer would type it, keeping the file's comments.
    let mut text = seed.to_string();
    if let Some(at) = text.find("number = 18\n") {
        if let Some(unit) = text[at..].find("\nunit = ") {
            let line_end = at + unit + 1 + text[at + unit + 1..].find('\n').unwrap_or(0);
            text.insert_str(
                line_end + 1,
                &format!(
                    "baseline = {{ year = {}, value = {marriages_last_year} }}\n",
                    plan.year - 1
                ),
            );
        }
    }
    let with_baseline = Plan::from_toml(&text)
        .ok()
        .filter(|p| p.target(18).is_some_and(|t| t.baseline.is_some()));
    let text = if with_baseline.is_some() {
        text
    } else {
        seed.to_string()
    };
    Ok((text, last.to_toml()?))
}

/// The plans of this year and last, support given to most children in special circumstances,
/// and the figures the agencies would have reported after each quarter (sample values chosen
/// to show every status), each recorded when it would have been.
pub(super) async fn seed_plan(db: &Db, seed: u64, today: Date) -> Result<()> {
    use treem_domain::indicator::{Period, ReportedValue};
    use treem_storage::Plans;
    let system = Actor::system();
    let (this_year, last_year) = plans(MARRIAGES.0)?;
    // The officer confirms the report periods the plans do not state, as proposed (from the
    // year's start to the end of the month before each report is due): the figures wait for it.
    let officer = Actor {
        role: treem_storage::Role::Officer,
        username: "officer".into(),
        ..Actor::system()
    };
    let mut plans = Vec::new();
    for text in [last_year, this_year] {
        let plan = Plan::from_toml(&text)?;
        db.save_plan(&system, plan.year, &text).await?;
        for r in plan.reports.iter().filter(|r| !r.period_stated) {
            db.confirm_report_period(&officer, plan.year, &r.code, r.proposed_period(plan.year))
                .await?;
        }
        plans.push(plan);
    }
    let mut supports = Vec::new();
    for ids in super::slices(db).await? {
        let children = db.children_as_of_slice(&system, today, ids).await?;
        for plan in &plans {
            supports_of(plan, &children, seed, today, &mut supports);
        }
    }
    supports.sort_by_key(|(_, at)| *at);
    for chunk in supports.chunks(treem_domain::limits::SUPPORTS_PER_BATCH) {
        db.add_supports_recorded(&system, chunk).await?;
    }
    let health = Actor {
        role: treem_storage::Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    // Figures the commune does not hold child by child (the health station's come from its
    // records): target, second figure, numerator and denominator (a count: the year's count
    // and no denominator), source.
    // Targets 17 and 18 are counted from the disasters and marriages recorded (`work.rs`).
    let entries: [(u16, bool, f64, f64, &str); 4] = [
        (
            2,
            false,
            1810.0,
            2290.0,
            "Báo cáo của Trạm Y tế và trường mầm non",
        ),
        (23, false, 171.0, 190.0, "Báo cáo của trường THCS"),
        (27, false, 1490.0, 1930.0, "Diễn đàn trẻ em các thôn"),
        (28, false, 1620.0, 1930.0, "Các buổi sinh hoạt câu lạc bộ"),
    ];
    for plan in &plans {
        let year = plan.year;
        let year_start = jiff::civil::date(year, 1, 1);
        // Each report's period, and the plan year (the figures after the last report's period).
        let mut periods: Vec<Period> = plan
            .reports
            .iter()
            .map(|r| r.proposed_period(year))
            .collect();
        periods.push(Period::new(year_start, jiff::civil::date(year, 12, 31)));
        let quarter_ends = [3, 6, 9].map(|m| {
            jiff::civil::date(year, m + 1, 1)
                .yesterday()
                .unwrap_or(year_start)
        });
        let mut values = Vec::new();
        for period in periods {
            // The figures so far after each quarter of the period, and the final ones once it
            // has ended: entered a week or so later, the latest entry the one read.
            let mut ends: Vec<Date> = quarter_ends
                .iter()
                .copied()
                .filter(|q| period.start <= *q && *q < period.end)
                .collect();
            ends.push(period.end);
            for (k, end) in ends.into_iter().enumerate() {
                let entered = recorded_day(end, 5 + (k as u64 * 3 + year as u64) % 8, today);
                if entered <= end {
                    continue;
                }
                // A rate drifting up by the quarter.
                let drift = 0.965 + 0.01 * (end.month() as f64 / 3.0).floor()
                    - if year < today.year() { 0.02 } else { 0.0 };
                for (target, secondary, num, den, note) in entries {
                    let who = if (3..=11).contains(&target) {
                        &health
                    } else {
                        &system
                    };
                    let (numerator, denominator) = ((num * drift).round().min(den), Some(den));
                    values.push((
                        ReportedValue {
                            target,
                            secondary,
                            period_start: period.start,
                            period_end: period.end,
                            numerator: Some(numerator),
                            denominator,
                            value: None,
                            note: note.into(),
                            entered_by: who.username.clone(),
                            entered_at: String::new(),
                        },
                        recorded_at(entered, target as u64 + k as u64, today),
                        who,
                    ));
                }
            }
        }
        values.sort_by_key(|(_, at, _)| *at);
        for who in [&health, &system] {
            let mine: Vec<(ReportedValue, Timestamp)> = values
                .iter()
                .filter(|(_, _, w)| w.username == who.username)
                .map(|(v, at, _)| (v.clone(), *at))
                .collect();
            if !mine.is_empty() {
                db.add_reported_values_recorded(who, year, &mine).await?;
            }
        }
    }
    Ok(())
}

/// The support recorded in `plan`'s year for `children` in special circumstances.
fn supports_of(
    plan: &Plan,
    children: &[treem_domain::register::Child],
    seed: u64,
    today: Date,
    supports: &mut Vec<(SupportRecord, Timestamp)>,
) {
    let kinds = [
        "trợ cấp xã hội",
        "thăm hỏi, tặng quà",
        "hỗ trợ học tập",
        "khám chữa bệnh",
    ];
    {
        let year_start = jiff::civil::date(plan.year, 1, 1);
        let year_end = jiff::civil::date(plan.year, 12, 31).min(today);
        for c in children
            .iter()
            .filter(|c| c.data.circumstances.iter().any(|x| x.active_on(year_end)))
        {
            // About 19 in 20 get support recorded; the rest show up on the dashboard.
            let h = (c.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed ^ plan.year as u64;
            if !h.is_multiple_of(20) {
                let day = (h % 300) as i64;
                let date = year_start
                    .checked_add(jiff::Span::new().days(day))
                    .unwrap_or(year_start)
                    .min(today);
                let support = SupportRecord {
                    child_id: c.id,
                    date,
                    kind: kinds[(h % 4) as usize].into(),
                };
                // Written up within a few weeks.
                let day = recorded_day(date, (h >> 8) % 21, today);
                supports.push((support, recorded_at(day, h, today)));
            }
        }
    }
}
