//! Login throttling: after repeated failures for one username, refuse for a while.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCK: Duration = Duration::from_secs(5 * 60);

/// Failures counted, when counting began, and until when the name is locked.
type Record = (u32, Instant, Option<Instant>);

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Record>>,
}

impl Throttle {
    /// `Err(minutes)` while the username is locked.
    pub fn check(&self, username: &str) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, Some(until))) = map.get(&username.to_lowercase()) {
            let now = Instant::now();
            if *until > now {
                return Err((*until - now).as_secs().div_ceil(60).max(1));
            }
        }
        Ok(())
    }

    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let e = map.entry(username.to_lowercase()).or_insert((0, now, None));
        if now.duration_since(e.1) > WINDOW {
            *e = (0, now, None);
        }
        e.0 += 1;
        if e.0 >= MAX_FAILURES {
            e.2 = Some(now + LOCK);
            e.0 = 0;
            e.1 = now;
        }
    }

    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_five_failures() {
        let t = Throttle::default();
        for _ in 0..4 {
            t.failed("Pao");
            assert!(t.check("pao").is_ok());
        }
        t.failed("pao");
        assert_eq!(t.check("PAO"), Err(5));
        assert!(t.check("other").is_ok());
    }
}
