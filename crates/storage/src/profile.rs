//! Phase timings of `treem import children`, printed to stderr when `TREEM_IMPORT_PROFILE` is
//! set: wall time and the whole process's CPU time (Linux; zero elsewhere) charged to each phase.
//! Rows are written while the next ones are built on another thread, so a writing phase's CPU
//! includes the builder's.
use std::sync::Mutex;
use std::time::Instant;

type Totals = Vec<(String, f64, f64)>;
static STATE: Mutex<Option<(Instant, f64, Totals)>> = Mutex::new(None);

fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let u: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let k: f64 = f.get(12).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    (u + k) / 100.0
}

fn on() -> bool {
    std::env::var_os("TREEM_IMPORT_PROFILE").is_some()
}

/// Charges the time since the previous mark to `label` (added up over repeated marks).
pub fn phase(label: &str) {
    if !on() {
        return;
    }
    let (now, c) = (Instant::now(), cpu());
    let mut st = STATE.lock().unwrap();
    let st = st.get_or_insert_with(|| (now, c, Vec::new()));
    let (dw, dc) = ((now - st.0).as_secs_f64(), c - st.1);
    match st.2.iter_mut().find(|(l, _, _)| l == label) {
        Some(e) => {
            e.1 += dw;
            e.2 += dc;
        }
        None => st.2.push((label.to_string(), dw, dc)),
    }
    st.0 = Instant::now();
    st.1 = cpu();
}

/// Prints the phases in the order first seen, and their total.
pub fn report() {
    if !on() {
        return;
    }
    let st = STATE.lock().unwrap();
    if let Some((_, _, t)) = &*st {
        let (mut w, mut c) = (0.0, 0.0);
        for (l, dw, dc) in t {
            eprintln!("PHASE {l:<24} wall {dw:7.2}s cpu {dc:7.2}s");
            w += dw;
            c += dc;
        }
        eprintln!("PHASE {:<24} wall {w:7.2}s cpu {c:7.2}s", "TOTAL");
    }
}
