//! Phase timings of `treem import children`, printed to stderr when
//! [`crate::Tuning::import_profile`] is on (`TREEM_IMPORT_PROFILE`): wall time, the whole process's CPU time and the CPU time of SQLite's threads (Linux;
//! zero elsewhere) charged to each phase, and the process's peak resident memory when the
//! phase ended (Linux's `VmHWM`: the phase where it grows is the one that set the peak).
//! Rows are written while the next ones are built on another thread, so a writing phase's CPU
//! includes the builder's.
use std::sync::Mutex;
use std::time::Instant;

/// Per phase: wall, process CPU, SQLite's CPU, peak resident MB at its end.
type Totals = Vec<(String, f64, f64, f64, f64)>;
static STATE: Mutex<Option<(Instant, f64, f64, Totals)>> = Mutex::new(None);

/// User + system seconds from a `/proc/…/stat` file.
fn stat_cpu(path: &str) -> f64 {
    let s = std::fs::read_to_string(path).unwrap_or_default();
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let u: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let k: f64 = f.get(12).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    (u + k) / 100.0
}

/// The process's peak resident memory so far, in MB (0 where `/proc` has none).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn cpu() -> f64 {
    stat_cpu("/proc/self/stat")
}

/// CPU of the threads that run SQLite (sqlx's connection workers), closed ones excepted.
fn sqlite_cpu() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.starts_with("sqlx-sqlite"))
        })
        .map(|t| stat_cpu(&t.path().join("stat").to_string_lossy()))
        .sum()
}

fn on() -> bool {
    crate::tuning().import_profile
}

/// Charges the time since the previous mark to `label` (added up over repeated marks).
pub fn phase(label: &str) {
    if !on() {
        return;
    }
    let (now, c, q) = (Instant::now(), cpu(), sqlite_cpu());
    let mut st = STATE.lock().unwrap();
    let st = st.get_or_insert_with(|| (now, c, q, Vec::new()));
    let (dw, dc, dq) = ((now - st.0).as_secs_f64(), c - st.1, (q - st.2).max(0.0));
    let peak = peak_mb();
    match st.3.iter_mut().find(|e| e.0 == label) {
        Some(e) => {
            e.1 += dw;
            e.2 += dc;
            e.3 += dq;
            e.4 = e.4.max(peak);
        }
        None => st.3.push((label.to_string(), dw, dc, dq, peak)),
    }
    st.0 = Instant::now();
    st.1 = cpu();
    st.2 = sqlite_cpu();
}

/// Prints the phases in the order first seen, and their total.
pub fn report() {
    if !on() {
        return;
    }
    let st = STATE.lock().unwrap();
    if let Some((_, _, _, t)) = &*st {
        let (mut w, mut c, mut q) = (0.0, 0.0, 0.0);
        for (l, dw, dc, dq, peak) in t {
            eprintln!(
                "PHASE {l:<24} wall {dw:7.2}s cpu {dc:7.2}s sqlite {dq:7.2}s peak {peak:6.0} MB"
            );
            w += dw;
            c += dc;
            q += dq;
        }
        eprintln!(
            "PHASE {:<24} wall {w:7.2}s cpu {c:7.2}s sqlite {q:7.2}s",
            "TOTAL"
        );
    }
}
