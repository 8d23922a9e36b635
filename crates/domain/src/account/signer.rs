//! Who signs: an account's full name (họ và tên) and position (chức vụ), as official forms and
//! reports print them under the signature. Required for new accounts; an older account has
//! both empty until set, and documents then print its login.
use unicode_normalization::UnicodeNormalization;

/// Longest full name or position, in characters.
pub const MAX_SIGNER_CHARS: usize = 100;

/// An account as a signature block names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signer {
    /// Tên đăng nhập.
    pub login: String,
    /// Họ và tên ("Lò Văn Minh"); empty for an account made before names were asked.
    pub full_name: String,
    /// Chức vụ ("Phó Chủ tịch UBND xã"); may be empty.
    pub position: String,
}

impl Signer {
    /// The name printed under the signature: the full name, or the login while none is set.
    pub fn name(&self) -> &str {
        if self.full_name.trim().is_empty() {
            &self.login
        } else {
            &self.full_name
        }
    }
}

/// NFC, blanks collapsed to single spaces and trimmed, at most [`MAX_SIGNER_CHARS`]
/// characters; `Err` names the field in Vietnamese. `required`: an empty value is refused.
fn clean(raw: &str, field: &str, required: bool) -> Result<String, String> {
    let s: String = raw.nfc().collect::<String>();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().any(char::is_control) {
        return Err(format!("{field} có ký tự không in được"));
    }
    if required && s.is_empty() {
        return Err(format!("cần nhập {field}"));
    }
    if s.chars().count() > MAX_SIGNER_CHARS {
        return Err(format!("{field} quá dài (tối đa {MAX_SIGNER_CHARS} ký tự)"));
    }
    Ok(s)
}

/// The full name (họ và tên) of an account, as typed: required.
pub fn full_name(raw: &str) -> Result<String, String> {
    clean(raw, "họ và tên", true)
}

/// The position (chức vụ) of an account, as typed: required.
pub fn position(raw: &str) -> Result<String, String> {
    clean(raw, "chức vụ", true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_required() {
        assert_eq!(full_name("  Lò   Văn\tMinh ").unwrap(), "Lò Văn Minh");
        assert_eq!(full_name("   ").unwrap_err(), "cần nhập họ và tên");
        assert_eq!(position("").unwrap_err(), "cần nhập chức vụ");
        assert!(position(&"a".repeat(101)).unwrap_err().contains("quá dài"));
    }

    #[test]
    fn the_login_stands_in_until_a_name_is_set() {
        let mut s = Signer {
            login: "leader".into(),
            ..Signer::default()
        };
        assert_eq!(s.name(), "leader");
        s.full_name = "Lò Văn Minh".into();
        assert_eq!(s.name(), "Lò Văn Minh");
    }
}
