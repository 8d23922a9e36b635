//! Accounts (tài khoản): how a typed username becomes the one key used for the lookup and the
//! login throttle, the rule for new usernames, and the password rule. Written once here and
//! used by the command line, the administrator's page, the API and the password change.
mod signer;

pub use signer::{full_name, position, Signer, MAX_SIGNER_CHARS};
use std::collections::HashSet;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Longest username accepted at login, in bytes, before anything else is done with it: no
/// account has a longer one (new usernames are at most 40 ASCII characters), and a longer name
/// is refused before it reaches the throttle table or the database.
pub const MAX_LOGIN_NAME_BYTES: usize = 64;

/// Longest password accepted, in bytes (a passphrase of 50 Vietnamese words fits).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Shortest password, in characters, not counting blanks at either end.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A username as typed at login, normalised: NFKC, blanks of every kind trimmed at both ends
/// (spaces, tabs, U+00A0, zero-width spaces…), lower-cased. " Police", "police\t",
/// "\u{a0}police" and "ＰＯＬＩＣＥ" are all `police`: the throttle counts failures on this key
/// and the database is asked for this name, so no spelling escapes the lockout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginName(String);

/// Why a typed username was not even looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginNameError {
    /// Longer than [`MAX_LOGIN_NAME_BYTES`] as sent.
    TooLong,
}

impl LoginNameError {
    pub fn message_vi(&self) -> String {
        match self {
            LoginNameError::TooLong => {
                format!("tên đăng nhập quá dài (tối đa {MAX_LOGIN_NAME_BYTES} byte)")
            }
        }
    }
}

/// Blanks trimmed from a username's ends: Unicode White_Space plus the invisible format
/// characters that keyboards and copy-paste leave behind.
fn blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
        )
}

impl LoginName {
    /// Normalises a typed username; refuses an over-long one before any work is done on it.
    pub fn parse(raw: &str) -> Result<LoginName, LoginNameError> {
        if raw.len() > MAX_LOGIN_NAME_BYTES {
            return Err(LoginNameError::TooLong);
        }
        let nfkc: String = raw.nfkc().collect();
        let lower = nfkc.trim_matches(blank).to_lowercase();
        // NFKC can lengthen a few characters; the key stays bounded anyway.
        if lower.len() > 4 * MAX_LOGIN_NAME_BYTES {
            return Err(LoginNameError::TooLong);
        }
        Ok(LoginName(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LoginName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the administrator did to an account whose role reads children or case files, waiting
/// for the leader's confirmation (chờ lãnh đạo xác nhận); the account cannot log in meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingChange {
    /// Made the account (tạo tài khoản).
    Create,
    /// Reset its password (đặt lại mật khẩu).
    Reset,
    /// Enabled it again after it was disabled (mở khóa).
    Enable,
}

impl PendingChange {
    pub fn as_str(self) -> &'static str {
        match self {
            PendingChange::Create => "create",
            PendingChange::Reset => "reset",
            PendingChange::Enable => "enable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Create, Self::Reset, Self::Enable]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PendingChange::Create => "tạo tài khoản",
            PendingChange::Reset => "đặt lại mật khẩu",
            PendingChange::Enable => "mở khóa tài khoản",
        }
    }
}

/// The username of a new account, normalised as at login: 3–40 ASCII letters, digits, `.`,
/// `_` or `-`, stored lower-case (so login does not depend on how it was typed).
pub fn new_username(raw: &str) -> Result<LoginName, String> {
    const RULE: &str =
        "tên đăng nhập gồm 3-40 chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang";
    let name = LoginName::parse(raw).map_err(|_| RULE.to_string())?;
    let s = name.as_str();
    if s.len() < 3
        || s.len() > 40
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return Err(RULE.into());
    }
    Ok(name)
}

/// The embedded list of common passwords (see `data/common-passwords.txt`).
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Digits, punctuation and blanks: what people add around a word ("Matkhau@2024").
fn decoration(c: char) -> bool {
    !c.is_alphabetic()
}

/// Checks a new password (mật khẩu) for the account `username`. `Err` is a Vietnamese message
/// naming the field, for the form or the API. The rule: at least 8 characters not counting
/// blanks at the ends (so eight spaces are refused), at most 1,024 bytes, more than two
/// different characters, not a run of digits (12345678, 98765432) nor a date (ddmmyyyy or
/// yyyymmdd), not the username, and not in the embedded list of common passwords — neither as
/// a whole nor as its core, the letters left when digits and punctuation are taken off its ends
/// (`Password123`, `matkhau@2024`, `iloveyou!` are all refused).
pub fn check_password(password: &str, username: &str) -> Result<(), String> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "Mật khẩu quá dài (tối đa {MAX_PASSWORD_BYTES} byte)"
        ));
    }
    let trimmed = password.trim_matches(blank);
    if trimmed.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự, không tính dấu cách ở đầu và cuối"
        ));
    }
    let lower: String = trimmed.nfkc().collect::<String>().to_lowercase();
    let common = || {
        Err("Mật khẩu quá phổ biến, dễ bị đoán (như 12345678, matkhau123, password); hãy chọn mật khẩu khác".to_string())
    };
    let distinct: HashSet<char> = lower.chars().collect();
    if distinct.len() <= 2 {
        return common();
    }
    if COMMON.contains(lower.as_str()) {
        return common();
    }
    let core = lower.trim_matches(decoration);
    if !core.is_empty() && COMMON.contains(core) {
        return common();
    }
    if lower.chars().all(|c| c.is_ascii_digit()) {
        if digit_run(&lower) {
            return common();
        }
        if looks_like_date(&lower) {
            return Err(
                "Mật khẩu không được là một ngày tháng (như ngày sinh); hãy chọn mật khẩu khác"
                    .into(),
            );
        }
    }
    let user = username.trim().to_lowercase();
    let bare_user: String = user.chars().filter(|c| c.is_alphanumeric()).collect();
    let bare_core: String = core.chars().filter(|c| c.is_alphanumeric()).collect();
    if !user.is_empty()
        && (lower == user || core == user || (!bare_user.is_empty() && bare_core == bare_user))
    {
        return Err("Mật khẩu không được giống tên đăng nhập; hãy chọn mật khẩu khác".into());
    }
    Ok(())
}

/// 23456789, 98765432, 90123456: each digit one more (or one less) than the one before.
fn digit_run(s: &str) -> bool {
    let d: Vec<i32> = s.bytes().map(|b| (b - b'0') as i32).collect();
    let steps: Vec<i32> = d.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
    steps.iter().all(|&x| x == 1) || steps.iter().all(|&x| x == 9)
}

/// ddmmyyyy or yyyymmdd with a year between 1900 and 2099: a birthday.
fn looks_like_date(s: &str) -> bool {
    if s.len() != 8 {
        return false;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<i16>().unwrap_or(-1);
    let valid = |y: i16, m: i16, d: i16| {
        (1900..=2099).contains(&y)
            && (1..=12).contains(&m)
            && (1..=31).contains(&d)
            && jiff::civil::Date::new(y, m as i8, d as i8).is_ok()
    };
    valid(n(4, 8), n(2, 4), n(0, 2)) || valid(n(0, 4), n(4, 6), n(6, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_name_is_one_key() {
        for raw in [
            "police",
            " police",
            "police ",
            "\tpolice",
            "\u{a0}police",
            "police\u{a0}\n",
            "\u{200b}police\u{feff}",
            "POLICE",
            " Police\t",
            "ｐｏｌｉｃｅ",
            "\u{3000}police",
        ] {
            assert_eq!(LoginName::parse(raw).unwrap().as_str(), "police", "{raw:?}");
        }
        assert_ne!(LoginName::parse("po lice").unwrap().as_str(), "police");
    }

    #[test]
    fn over_long_names_are_refused_before_anything() {
        assert_eq!(
            LoginName::parse(&"a".repeat(MAX_LOGIN_NAME_BYTES + 1)),
            Err(LoginNameError::TooLong)
        );
        assert!(LoginName::parse(&"a".repeat(MAX_LOGIN_NAME_BYTES)).is_ok());
        // Characters NFKC expands many-fold stay bounded.
        let wide = "\u{FDFA}".repeat(MAX_LOGIN_NAME_BYTES / 3);
        if let Ok(n) = LoginName::parse(&wide) {
            assert!(n.as_str().len() <= 4 * MAX_LOGIN_NAME_BYTES);
        }
    }

    #[test]
    fn new_usernames_are_stored_normalised() {
        assert_eq!(
            new_username(" Giang.A.Pao ").unwrap().as_str(),
            "giang.a.pao"
        );
        assert!(new_username("ab").is_err());
        assert!(new_username("giàng").is_err());
        assert!(new_username("a b c").is_err());
        assert!(new_username(&"a".repeat(41)).is_err());
    }

    #[test]
    fn blank_and_short_passwords_are_refused() {
        for p in [
            "        ",
            "\t\t\t\t\t\t\t\t",
            "\u{a0}".repeat(10).as_str(),
            "  abc   ",
            "abc",
        ] {
            let e = check_password(p, "pao").unwrap_err();
            assert!(e.contains("ít nhất 8 ký tự"), "{p:?}: {e}");
        }
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1), "pao").is_err());
    }

    #[test]
    fn common_passwords_and_their_variants_are_refused() {
        for p in [
            "12345678",
            "matkhau123",
            "123456789",
            "password",
            "iloveyou",
            "11111111",
            "qwerty123",
            "abc12345",
            "Password123",
            "PASSWORD",
            "Matkhau@2024",
            "iloveyou!!",
            "anhyeuem2026",
            "aaaaaaaa",
            "abababab",
            "23456789",
            "98765432",
            "ＰＡＳＳＷＯＲＤ",
        ] {
            let e = check_password(p, "pao").unwrap_err();
            assert!(e.contains("phổ biến"), "{p:?}: {e}");
        }
        assert!(check_password("20051990", "pao")
            .unwrap_err()
            .contains("ngày"));
        assert!(check_password("19900520", "pao")
            .unwrap_err()
            .contains("ngày"));
    }

    #[test]
    fn the_username_is_not_a_password() {
        for p in [
            "giang.a.pao",
            "Giang.A.Pao",
            "giangapao2024",
            "giang.a.pao!",
        ] {
            let e = check_password(p, "giang.a.pao").unwrap_err();
            assert!(e.contains("tên đăng nhập"), "{p:?}: {e}");
        }
    }

    #[test]
    fn ordinary_passwords_pass() {
        for p in [
            "demo-officer",
            "password-officer",
            "tam-thoi-123",
            "mat-khau-moi-1",
            "con bò vàng ăn cỏ",
            "49382716",
            "Sính Phình 2026!",
        ] {
            assert_eq!(check_password(p, "officer"), Ok(()), "{p:?}");
        }
    }

    #[test]
    fn the_list_is_read() {
        assert!(COMMON.len() > 250);
        assert!(COMMON.iter().all(|w| *w == w.to_lowercase()));
    }
}
