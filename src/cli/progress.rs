//! Progress of a long command (`demo`, `import`, `export`, `import all`, `backup`, `restore`,
//! `check`, `rebuild-copies`): a bar on a terminal; on a pipe, a log file or a scheduled task,
//! plain lines — a start, a line every few seconds while it counts, each step, and the end with
//! how long it took — so whoever reads the log later can see what ran and where it stopped.
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a plain line is written while a count advances.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// One command's progress, shown on standard error.
pub struct Progress {
    what: String,
    len: Option<u64>,
    started: Instant,
    /// `Some` on a terminal: the bar draws itself.
    bar: Option<ProgressBar>,
    pos: AtomicU64,
    last_line: Mutex<Instant>,
}

impl Progress {
    /// `len` when the command knows how many items it will do; a spinner and a count otherwise.
    pub fn new(len: Option<u64>, what: &str) -> Progress {
        Progress::to(std::io::stderr().is_terminal(), len, what)
    }

    fn to(terminal: bool, len: Option<u64>, what: &str) -> Progress {
        let bar = terminal.then(|| bar(len, what));
        let p = Progress {
            what: what.to_string(),
            len,
            started: Instant::now(),
            bar,
            pos: AtomicU64::new(0),
            last_line: Mutex::new(Instant::now()),
        };
        p.line(&match len {
            Some(n) => format!("bắt đầu ({} mục)", grouped(n)),
            None => "bắt đầu".to_string(),
        });
        p
    }

    pub fn set_position(&self, n: u64) {
        self.pos.store(n, Ordering::Relaxed);
        match &self.bar {
            Some(b) => b.set_position(n),
            None => self.line_now_and_then(),
        }
    }

    pub fn inc(&self, n: u64) {
        let at = self.pos.fetch_add(n, Ordering::Relaxed) + n;
        match &self.bar {
            Some(b) => b.set_position(at),
            None => self.line_now_and_then(),
        }
    }

    /// A step of the command ("chụp cơ sở dữ liệu", "đọc lại"…).
    pub fn step(&self, what: &str) {
        match &self.bar {
            Some(b) => b.set_message(format!("{}: {what}", self.what)),
            None => self.line(what),
        }
    }

    /// The end: the bar is cleared (the command prints its own result); a plain line says how
    /// many and how long.
    pub fn finish_and_clear(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
            return;
        }
        let secs = self.started.elapsed().as_secs_f64();
        let n = self.pos.load(Ordering::Relaxed);
        let count = if n > 0 {
            format!("{} mục, ", grouped(n))
        } else {
            String::new()
        };
        self.line(&format!("xong ({count}{})", seconds(secs)));
    }

    fn line_now_and_then(&self) {
        let Ok(mut last) = self.last_line.lock() else {
            return;
        };
        if last.elapsed() < LINE_EVERY {
            return;
        }
        *last = Instant::now();
        drop(last);
        let n = self.pos.load(Ordering::Relaxed);
        let rate = n as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        let of = self
            .len
            .map(|l| format!("/{}", grouped(l)))
            .unwrap_or_default();
        self.line(&format!(
            "{}{of} ({}/giây)",
            grouped(n),
            grouped(rate.round() as u64)
        ));
    }

    fn line(&self, text: &str) {
        if self.bar.is_none() {
            eprintln!("{}: {text}", self.what);
        }
    }
}

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    let style = if len.is_some() {
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, còn {eta})")
    } else {
        ProgressStyle::with_template("{spinner} {msg} {pos} ({per_sec})")
    };
    if let Ok(style) = style {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    if len.is_none() {
        pb.enable_steady_tick(Duration::from_millis(200));
    }
    pb
}

/// 1234567 → "1.234.567", as Vietnamese writes it.
fn grouped(n: u64) -> String {
    treem_domain::text::format_integer_vi(n.into())
}

/// 0.4 → "0,4 giây"; 125.0 → "2 phút 5 giây".
fn seconds(s: f64) -> String {
    if s < 60.0 {
        format!("{:.1} giây", s).replace('.', ",")
    } else {
        let whole = s.round() as u64;
        format!("{} phút {} giây", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_vietnamese_way() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1.000");
        assert_eq!(grouped(1_234_567), "1.234.567");
        assert_eq!(seconds(0.42), "0,4 giây");
        assert_eq!(seconds(125.0), "2 phút 5 giây");
    }

    #[test]
    fn off_a_terminal_no_bar_is_drawn() {
        let p = Progress::to(false, Some(10), "Thử");
        p.inc(3);
        p.step("bước hai");
        p.finish_and_clear();
        assert!(p.bar.is_none());
        assert_eq!(p.pos.load(Ordering::Relaxed), 3);
    }
}
