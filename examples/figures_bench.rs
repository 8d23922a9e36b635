//! Times the plan's figures on a database: `cargo run --release --example figures_bench -- DB`;
//! with `--first` after the database, only the cold computation, first thing in the process.
use std::time::Instant;
use treem_storage::{Actor, Cases, Db, HealthLog, Plans, Register};

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("database path");
    let db = Db::open(&url).await.unwrap();
    let as_of = treem_storage::today();
    // Figures wait for the report periods the plan does not state: confirmed as proposed,
    // as the officer would, on a database made before they were confirmed.
    let seed = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let done = db.confirmed_periods(seed.year).await.unwrap();
    for r in seed.reports.iter().filter(|r| !r.period_stated) {
        if !done.iter().any(|c| c.code == r.code) {
            let mut officer = Actor::system();
            officer.role = treem_domain::role::Role::Officer;
            db.confirm_report_period(&officer, seed.year, &r.code, r.proposed_period(seed.year))
                .await
                .unwrap();
        }
    }
    let known = treem_domain::indicator::Known::Now;
    // `--first`: the computation alone, as a server's first visit after starting does it.
    if std::env::args().any(|a| a == "--first") {
        let state = treem_web::AppState::new(std::sync::Arc::new(db.clone()));
        let plan = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
        let (t, cpu) = (Instant::now(), cpu_seconds());
        treem_web::figures::compute(&state, plan.year, as_of, known)
            .await
            .unwrap();
        let cold = t.elapsed();
        let cpu = cpu_seconds() - cpu;
        println!("all targets cold, first in a fresh process: {cold:?} ({cpu:.2} s of CPU)");
        return;
    }
    let plan = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let dates = treem_web::figures::trend_dates(plan.year, as_of);
    let confirmed = db.confirmed_periods(plan.year).await.unwrap();
    let period = plan.period_for(&confirmed, as_of).unwrap();
    // The register as `compute` reads it: once, each child's latest version, for every date.
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let children = db
        .register_for_figures(&Actor::system(), known)
        .await
        .unwrap();
    let load = t.elapsed();
    let load_cpu = cpu_seconds() - cpu;
    let _ = dates;
    let t = Instant::now();
    let supports = db.supports(period.start, period.end, known).await.unwrap();
    let reported = db.reported_values(plan.year, known).await.unwrap();
    let assessments = db.assessments(known).await.unwrap();
    let small = t.elapsed();
    let cpu = cpu_seconds();
    let health = db
        .health_records(&Actor::system(), Some(as_of), known)
        .await
        .unwrap();
    let health_read = t.elapsed() - small;
    let health_cpu = cpu_seconds() - cpu;
    let cases = db.cases_for_figures().await.unwrap().cases;
    let other = t.elapsed();
    let (t, cpu) = (Instant::now(), cpu_seconds());
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
        work: &treem_domain::work::EMPTY,
        activities: &treem_domain::activity::EMPTY,
    };
    let results = treem_domain::indicator::compute_all(&plan, &snap);
    let compute = t.elapsed();
    let compute_cpu = cpu_seconds() - cpu;
    let n = children.len();
    drop(children);
    drop((supports, reported, assessments, health));
    let state = treem_web::AppState::new(std::sync::Arc::new(db.clone()));
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let computed = treem_web::figures::compute(&state, plan.year, as_of, known)
        .await
        .unwrap();
    let cold = t.elapsed();
    let cold_cpu = cpu_seconds() - cpu;
    // Every figure, breakdown and record list, to compare two builds' results.
    if let Ok(path) = std::env::var("FIGURES_BENCH_DUMP") {
        let dump = format!("{:#?}\n{:#?}", computed.results, computed.cases);
        std::fs::write(path, dump).unwrap();
    }
    let t = Instant::now();
    treem_web::figures::compute(&state, plan.year, as_of, known)
        .await
        .unwrap();
    let warm = t.elapsed();
    println!(
        "{} children: load {load:?} ({load_cpu:.2} s of CPU), other inputs {other:?} (health events {health_read:?}, {health_cpu:.2} s of CPU), engine {compute:?} ({compute_cpu:.2} s of CPU, {} targets); all targets cold {cold:?} ({cold_cpu:.2} s of CPU), warm {warm:?}",
        n,
        results.len()
    );
}

/// The process's CPU time so far (user and system, all threads), from `/proc` on Linux; 0
/// elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces) closed by ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name; clock ticks
    // are 1/100 s on Linux.
    (ticks(11) + ticks(12)) / 100.0
}
