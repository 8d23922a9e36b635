//! Times the plan's figures on a database: `cargo run --release --example figures_bench -- DB`.
use std::time::Instant;
use treem_storage::{Actor, Cases, Db, HealthLog, Plans, Register};

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("database path");
    let db = Db::open(&url).await.unwrap();
    let as_of = treem_storage::today();
    let plan = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let dates = treem_web::figures::trend_dates(plan.year, as_of);
    let period = treem_web::figures::period_for(&plan, as_of);
    // The register as `compute` reads it: once, for today and the earlier quarter ends.
    let t = Instant::now();
    let register = db
        .register_for_figures(&Actor::system(), &dates)
        .await
        .unwrap();
    let load = t.elapsed();
    let children = register.children(dates.len() - 1);
    let t = Instant::now();
    let supports = db.supports(period.start, period.end).await.unwrap();
    let reported = db.reported_values(plan.year).await.unwrap();
    let assessments = db.assessments().await.unwrap();
    let health = db
        .health_records(&Actor::system(), Some(as_of))
        .await
        .unwrap();
    let cases = db.cases_for_figures().await.unwrap();
    let other = t.elapsed();
    let t = Instant::now();
    let snap = treem_domain::indicator::Snapshot {
        as_of,
        period,
        children: (&children).into(),
        supports: &supports,
        reported: &reported,
        assessments: &assessments,
        health: &health,
        cases: &cases,
        calendar: db.calendar(),
    };
    let results = treem_domain::indicator::compute_all(&plan, &snap);
    let compute = t.elapsed();
    let n = children.len();
    drop(children);
    drop((register, supports, reported, assessments, health));
    let state = treem_web::AppState::new(std::sync::Arc::new(db.clone()));
    let t = Instant::now();
    treem_web::figures::compute(&state, plan.year, as_of)
        .await
        .unwrap();
    let cold = t.elapsed();
    let t = Instant::now();
    treem_web::figures::compute(&state, plan.year, as_of)
        .await
        .unwrap();
    let warm = t.elapsed();
    println!(
        "{} children: load {load:?}, other inputs {other:?}, engine {compute:?} ({} targets); all targets cold {cold:?}, warm {warm:?}",
        n,
        results.len()
    );
}
