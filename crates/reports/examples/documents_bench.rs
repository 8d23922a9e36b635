//! Times the documents of a 6-month report like the demo's (28 targets, breakdowns by 18
//! villages, sex, ethnic group and age band, five agency sections): the floor is 1 s each.
//!
//!     cargo run --release -p treem-reports --example documents_bench [ROUNDS]
use std::time::Instant;
use treem_reports::{docx, xlsx, Names, ReportDoc};

#[path = "../tests/sample/mod.rs"]
mod sample;

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let report = sample::six_month_report();
    let lookup = |c: &str| sample::village_name(c);
    let names = Names::new(&lookup);
    let time = |what: &str, f: &mut dyn FnMut() -> usize| {
        let mut worst = 0f64;
        let mut total = 0f64;
        let mut size = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            size = f();
            let s = t.elapsed().as_secs_f64();
            worst = worst.max(s);
            total += s;
        }
        println!(
            "{what:<7} {size:>8} bytes  mean {:>7.2} ms  worst {:>7.2} ms  ({rounds} rounds)",
            total / rounds as f64 * 1e3,
            worst * 1e3
        );
        assert!(worst < 1.0, "{what} took {worst:.3} s, over the 1 s floor");
    };
    time("docx", &mut || docx(&report).unwrap().len());
    time("xlsx", &mut || xlsx(&report, &names).unwrap().len());
    time("content", &mut || {
        format!("{:?}", ReportDoc::of(&report)).len()
    });
}
