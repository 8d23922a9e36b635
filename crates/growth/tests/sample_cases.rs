//! Every row of WHO-checked `tests/data/sample-cases.csv` (copied from
//! `shared/who-growth/`), to the tolerances of its README:
//! unrounded z |Δ| ≤ 1e-6, the same z-scores present, flags, `stunted`,
//! `underweight`, `wflh_table`, `clenhei_cm` and `bmi` equal.

use std::collections::HashMap;

use growth::batch::{self, OUTPUT_HEADER};
use growth::{round_who, zscores, zscores_raw, Measure, Measurement, RawMeasurement, Sex};

const SAMPLE: &str = include_str!("data/sample-cases.csv");

type Row = HashMap<String, String>;

fn read_rows(text: &str) -> Vec<Row> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse::<f64>().unwrap())
}

/// Compare one output cell with the expected cell; `None` if they agree.
fn compare(column: &str, got: &str, want: &str) -> Option<String> {
    let ok = match column {
        "z_lhfa" | "z_wfa" | "z_wflh" | "z_bmi" => match (num(got), num(want)) {
            (None, None) => true,
            (Some(g), Some(w)) => {
                // 2-decimal z as WHO reports it: equal, or within 0.01 on a tie.
                let r2 = (round_who(g) - round_who(w)).abs();
                (g - w).abs() <= 1e-6 && r2 <= 0.01 + 1e-12
            }
            _ => false,
        },
        "clenhei_cm" | "bmi" => match (num(got), num(want)) {
            (None, None) => true,
            (Some(g), Some(w)) => (g - w).abs() <= 1e-9,
            _ => false,
        },
        _ => got == want,
    };
    (!ok).then(|| format!("{column}: got {got:?}, expected {want:?}"))
}

#[test]
fn batch_reproduces_every_sample_row() {
    let expected = read_rows(SAMPLE);
    assert_eq!(expected.len(), 2000);

    let mut out = Vec::new();
    let n = batch::zscores_csv(SAMPLE.as_bytes(), &mut out).expect("batch");
    assert_eq!(n, 2000);
    let got = read_rows(std::str::from_utf8(&out).unwrap());
    assert_eq!(got.len(), 2000);

    let mut failures = Vec::new();
    let mut identical_text = 0;
    for (g, w) in got.iter().zip(&expected) {
        assert_eq!(g["id"], w["id"]);
        let mut row_ok = true;
        let mut same_text = true;
        for column in OUTPUT_HEADER {
            if let Some(msg) = compare(column, &g[column], &w[column]) {
                failures.push(format!("id {} ({}): {msg}", w["id"], w["case_kind"]));
                row_ok = false;
            }
            same_text &= g[column] == w[column];
        }
        if row_ok && same_text {
            identical_text += 1;
        }
    }
    println!("{identical_text} of 2000 rows are identical as text");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn raw_of(row: &Row) -> RawMeasurement {
    RawMeasurement {
        sex: match row["sex"].as_str() {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        },
        age_days: (!row["age_days"].is_empty()).then(|| row["age_days"].parse().unwrap()),
        weight_kg: num(&row["weight_kg"]),
        lenhei_cm: num(&row["lenhei_cm"]),
        measure: match row["measure"].as_str() {
            "L" => Some(Measure::Lying),
            "H" => Some(Measure::Standing),
            _ => None,
        },
    }
}

#[test]
fn api_agrees_with_sample_rows() {
    let mut checked_strict = 0;
    let mut eligible = 0;
    let mut failures = Vec::new();
    for row in read_rows(SAMPLE) {
        let raw = raw_of(&row);
        let z = zscores_raw(&raw);
        let pairs = [
            ("z_lhfa", z.lhfa),
            ("z_wfa", z.wfa),
            ("z_wflh", z.wflh),
            ("z_bmi", z.bmi_for_age),
        ];
        for (column, v) in pairs {
            match (v, num(&row[column])) {
                (None, None) => {}
                (Some(g), Some(w)) if (g - w).abs() <= 1e-6 => {}
                (g, w) => failures.push(format!("id {}: {column} {g:?} vs {w:?}", row["id"])),
            }
        }
        let flags = [
            ("flag_lhfa", z.lhfa.map(|_| z.flag_lhfa)),
            ("flag_wfa", z.wfa.map(|_| z.flag_wfa)),
            ("flag_wflh", z.wflh.map(|_| z.flag_wflh)),
            ("flag_bmi", z.bmi_for_age.map(|_| z.flag_bmi)),
            ("stunted", z.stunted()),
            ("underweight", z.underweight()),
        ];
        for (column, v) in flags {
            let want = match row[column].as_str() {
                "" => None,
                "0" => Some(false),
                "1" => Some(true),
                other => panic!("bad {column} {other}"),
            };
            if v != want {
                failures.push(format!("id {}: {column} {v:?} vs {want:?}", row["id"]));
            }
        }
        let table = z.wflh_table.map_or("", |t| t.as_str());
        if table != row["wflh_table"] {
            failures.push(format!("id {}: wflh_table {table}", row["id"]));
        }

        // The checked API gives the same for every row it accepts.
        if let (Some(sex), Some(age_days)) = (raw.sex, raw.age_days) {
            eligible += usize::from(age_days <= 1826);
            let m = Measurement {
                sex,
                age_days,
                weight_kg: raw.weight_kg,
                lenhei_cm: raw.lenhei_cm,
                measure: raw.measure,
            };
            match zscores(&m) {
                Ok(strict) => {
                    assert_eq!(strict, z, "id {}", row["id"]);
                    checked_strict += 1;
                }
                Err(e) => assert!(age_days > 1826, "id {}: {e}", row["id"]),
            }
        }
    }
    assert_eq!(checked_strict, eligible);
    assert!(checked_strict > 1700, "{checked_strict}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
