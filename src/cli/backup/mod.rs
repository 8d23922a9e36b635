//! Copies that leave the machine (sao lưu): `treem backup` and `treem restore`, sealed or not,
//! `treem backup-key new`, and the making of one verified copy that the server's nightly
//! schedule ([`super::nightly`]) shares.
//!
//! A sealed copy is an age file (age-encryption.org/v1): sealed with a passphrase (scrypt) or to
//! X25519 public keys whose private half is kept away from the office PC. Inside is a one-line
//! JSON header (what the payload is, the schema, and the case key when the operator asked for
//! it) and then the payload: the SQLite database, or on PostgreSQL the export. A copy that is not
//! sealed is the payload alone, as before.
mod copy;
mod read;
mod restore;
mod seal;

pub use copy::*;
pub use restore::*;
pub use seal::*;

use anyhow::{bail, Result};
use std::path::Path;

/// `treem backup`: a copy of the database at `url`, sealed as asked, with the case key inside
/// when `include_case_key`.
pub async fn run(url: &str, out: &Path, seal: Seal, include_case_key: bool) -> Result<i32> {
    let case_key = if include_case_key {
        let Some(path) = crate::cli::ops::case_key_path() else {
            bail!("--include-case-key cần TREEM_CASE_KEY_FILE trỏ tới khóa hồ sơ");
        };
        Some(case_key_hex(&path)?)
    } else {
        None
    };
    let db = crate::cli::ops::open(url).await?;
    backup(&db, out, seal, case_key, crate::cli::ops::env_case_key()?).await
}
