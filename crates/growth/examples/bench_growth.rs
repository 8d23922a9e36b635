//! Benchmark helper for `benches/growth_vs_anthro.sh`.
//!
//! ```text
//! bench_growth gen N OUT.csv     N plausible children, deterministic (LCG)
//! bench_growth run IN.csv OUT.csv  time the growth crate on IN.csv
//! ```
//!
//! `run` prints `key=value` lines: the number of records and records/s for
//! (1) computing all indicators on measurements already in memory,
//! (2) parsing the CSV only, and (3) the whole `batch::zscores_csv` from CSV
//! file to CSV file. Everything runs on one thread.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use growth::{batch, lms, zscores_raw, Indicator, RawMeasurement, Sex};

/// Knuth's MMIX 64-bit LCG; the top 53 bits make a uniform in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal (Irwin–Hall, 12 uniforms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

fn generate(n: usize, path: &str) -> std::io::Result<()> {
    let mut rng = Lcg(2006);
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "id,sex,age_days,weight_kg,lenhei_cm,measure")?;
    for i in 1..=n {
        let sex = if rng.next() < 0.5 {
            Sex::Male
        } else {
            Sex::Female
        };
        let age = ((rng.next() * 1827.0) as u32).min(1826);
        // Length from LHFA z ~ N(−0.8, 1.2), in the position the table expects.
        let zl = (-0.8 + 1.2 * rng.normal()).clamp(-5.0, 5.0);
        let clen = lms(Indicator::Lhfa, sex, age as f64).unwrap().sd(zl);
        // Position: usually the expected one, sometimes the other or unknown.
        let expected_lying = age < 731;
        let u = rng.next();
        let (measure, lenhei) = if u < 0.93 {
            (if expected_lying { "L" } else { "H" }, clen)
        } else if u < 0.98 {
            if expected_lying {
                ("H", clen - 0.7)
            } else {
                ("L", clen + 0.7)
            }
        } else {
            ("", clen)
        };
        // Weight from WFL/H z ~ N(−0.3, 1.1) at that length, or from WFA
        // where the length is outside the table.
        let zw = (-0.3 + 1.1 * rng.normal()).clamp(-6.0, 6.0);
        let table = if expected_lying {
            Indicator::Wfl
        } else {
            Indicator::Wfh
        };
        let p = lms(table, sex, clen).or_else(|_| lms(Indicator::Wfa, sex, age as f64));
        let weight = p.unwrap().value_at_restricted(zw).max(0.5);
        let sex = if sex == Sex::Male { "M" } else { "F" };
        writeln!(out, "{i},{sex},{age},{weight:.2},{lenhei:.1},{measure}")?;
    }
    out.flush()
}

fn best_of<F: FnMut() -> f64>(runs: usize, mut f: F) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn run(input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let records: Vec<RawMeasurement> =
        batch::read_measurements(BufReader::new(File::open(input)?))?
            .into_iter()
            .map(|(_, m)| m)
            .collect();
    let parse_s = t.elapsed().as_secs_f64();
    let n = records.len();

    // All indicators, measurements in memory.
    let compute_s = best_of(3, || {
        let t = Instant::now();
        let mut checksum = 0.0;
        for m in black_box(&records) {
            let z = zscores_raw(m);
            checksum += z.lhfa.unwrap_or(0.0)
                + z.wfa.unwrap_or(0.0)
                + z.wflh.unwrap_or(0.0)
                + z.bmi_for_age.unwrap_or(0.0);
        }
        black_box(checksum);
        t.elapsed().as_secs_f64()
    });

    // CSV file in, CSV file out.
    let mut rows = 0;
    let csv_s = best_of(2, || {
        let t = Instant::now();
        let inp = BufReader::new(File::open(input).unwrap());
        let out = BufWriter::new(File::create(output).unwrap());
        rows = batch::zscores_csv(inp, out).unwrap();
        t.elapsed().as_secs_f64()
    });
    assert_eq!(rows, n);

    println!("records={n}");
    println!("rust_compute_seconds={compute_s:.4}");
    println!("rust_compute_records_per_s={:.0}", n as f64 / compute_s);
    println!("rust_parse_records_per_s={:.0}", n as f64 / parse_s);
    println!("rust_csv_seconds={csv_s:.4}");
    println!("rust_csv_records_per_s={:.0}", n as f64 / csv_s);
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => match args[2].parse() {
            Ok(n) => generate(n, &args[3]).map_err(Into::into),
            Err(e) => Err(format!("bad N: {e}").into()),
        },
        Some("run") if args.len() == 4 => run(&args[2], &args[3]),
        _ => Err("usage: bench_growth gen N OUT.csv | bench_growth run IN.csv OUT.csv".into()),
    };
    if let Err(e) = result {
        eprintln!("bench_growth: {e}");
        std::process::exit(1);
    }
}
