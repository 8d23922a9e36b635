//! Every input kept in `fuzz/corpus/<target>/` (the fuzzers' minimised corpora and the crashes
//! they once found) run again through the same function the fuzz target calls
//! (`treem_web::fuzzing`), so what was fixed stays fixed. Fast: a few hundred small inputs.
use std::path::PathBuf;

/// A fuzz target's harness.
type Harness = fn(&[u8]);

/// The fuzz targets, each with the harness it runs.
const TARGETS: [(&str, Harness); 6] = [
    ("import_csv", treem_web::fuzzing::import_csv),
    ("import_xlsx", treem_web::fuzzing::import_xlsx),
    ("plan_toml", treem_web::fuzzing::plan_toml),
    ("personal_id", treem_web::fuzzing::personal_id),
    ("dates", treem_web::fuzzing::dates),
    ("json_body", treem_web::fuzzing::json_body),
];

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    for (target, run) in TARGETS {
        let files = corpus(target);
        assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            // A panic names the file, so the failing input is at hand.
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} panics", f.display());
        }
    }
}
