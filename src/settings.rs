//! The process's settings, read once from the environment when `treem` starts and passed down:
//! to the web layer ([`treem_web::WebSettings`]), to storage ([`treem_storage::Tuning`]) and to
//! the commands that open a database (the case key, the commune's calendar). No library crate
//! reads the environment. The variables are listed in `docs/operations.md` ("Settings").
use anyhow::Result;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `TREEM_SECURE_COOKIES=1`: mark cookies Secure (served behind TLS).
    pub secure_cookies: bool,
    /// `TREEM_TRUSTED_PROXIES`: comma-separated addresses of the reverse proxies in front of
    /// treem, whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// `TREEM_INSERT_PARAMS`: parameters per multi-row `INSERT` (default 30,000).
    pub insert_params: Option<usize>,
    /// `TREEM_IMPORT_PROFILE` (set to anything): phase timings of `treem import children`.
    pub import_profile: bool,
    /// `TREEM_CASE_KEY_FILE`: the key that seals case narratives.
    pub case_key_file: Option<PathBuf>,
    /// `TREEM_HOLIDAYS_FILE`: the commune's own working-day calendar.
    pub holidays_file: Option<PathBuf>,
    /// `TREEM_COMMUNE_KEY_FILE`: the commune's private key that signs report packages.
    pub commune_key_file: Option<PathBuf>,
    /// `TREEM_COMMUNE`: the code (or number) of the commune a command works on, in a
    /// PostgreSQL database that hosts many; unset, the first.
    pub commune: Option<String>,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

impl Settings {
    /// Reads the variables from `var` (the environment, or a test's table).
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Result<Settings> {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        Ok(Settings {
            secure_cookies: var("TREEM_SECURE_COOKIES").is_some_and(|v| v == "1"),
            trusted_proxies: set("TREEM_TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect(),
            // A value that is not a number is ignored, as it always was.
            insert_params: var("TREEM_INSERT_PARAMS").and_then(|v| v.parse().ok()),
            import_profile: var("TREEM_IMPORT_PROFILE").is_some(),
            case_key_file: set("TREEM_CASE_KEY_FILE").map(PathBuf::from),
            holidays_file: set("TREEM_HOLIDAYS_FILE").map(PathBuf::from),
            commune_key_file: set("TREEM_COMMUNE_KEY_FILE").map(PathBuf::from),
            commune: set("TREEM_COMMUNE"),
        })
    }

    /// Reads the environment once, hands storage its part, and keeps the settings for
    /// [`settings`].
    pub fn init() -> Result<&'static Settings> {
        let s = Settings::read(|name| {
            std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
        })?;
        treem_storage::tune(s.storage());
        Ok(SETTINGS.get_or_init(|| s))
    }

    /// What the web layer needs.
    pub fn web(&self) -> treem_web::WebSettings {
        treem_web::WebSettings {
            secure_cookies: self.secure_cookies,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }

    /// What storage needs.
    pub fn storage(&self) -> treem_storage::Tuning {
        let defaults = treem_storage::Tuning::default();
        treem_storage::Tuning {
            insert_params: self.insert_params.unwrap_or(defaults.insert_params),
            import_profile: self.import_profile,
        }
    }
}

/// The settings read when the process started (defaults before [`Settings::init`]).
pub fn settings() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Settings> {
        Settings::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn nothing_set_means_the_defaults() {
        let s = read(&[]).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.storage(), treem_storage::Tuning::default());
        assert_eq!(s.storage().insert_params, 30_000);
    }

    #[test]
    fn each_variable_is_read_once_into_its_field() {
        let s = read(&[
            ("TREEM_SECURE_COOKIES", "1"),
            ("TREEM_TRUSTED_PROXIES", "127.0.0.1, ::1,nonsense"),
            ("TREEM_INSERT_PARAMS", "500"),
            ("TREEM_IMPORT_PROFILE", ""),
            ("TREEM_CASE_KEY_FILE", "/k/case.key"),
            ("TREEM_HOLIDAYS_FILE", ""),
        ])
        .unwrap();
        assert!(s.secure_cookies);
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.storage().insert_params, 500);
        assert!(s.import_profile);
        assert_eq!(s.case_key_file, Some(PathBuf::from("/k/case.key")));
        assert_eq!(s.holidays_file, None);
        assert_eq!(s.web().trusted_proxies, s.trusted_proxies);
        // Only "1" turns secure cookies on, as before.
        assert!(
            !read(&[("TREEM_SECURE_COOKIES", "yes")])
                .unwrap()
                .secure_cookies
        );
        assert_eq!(
            read(&[("TREEM_INSERT_PARAMS", "many")])
                .unwrap()
                .storage()
                .insert_params,
            30_000
        );
    }
}
