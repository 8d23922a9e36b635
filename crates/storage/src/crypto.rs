//! Encryption at rest of case files (hồ sơ trường hợp): ChaCha20-Poly1305, a random 96-bit
//! nonce per row. An entry binds the case id and the entry number as associated data, so that
//! a sealed entry cannot be moved to another case or another place in the same case; a case's
//! summary (who the child is, who filed, the step, the assignees, the dates) binds the case id
//! and its number of entries, so that it cannot be moved or rolled back either.
//!
//! The 32-byte key lives in a file of its own (64 hex characters), outside the database and its
//! backups: a copied database file alone reveals no narrative.
use crate::error::{StorageError, StorageResult};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::fmt;
use std::io::Write;
use std::path::Path;

/// The key that seals case entries. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct CaseKey {
    key: [u8; 32],
}

impl fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseKey(…)")
    }
}

fn key_error(path: &Path, why: impl fmt::Display) -> StorageError {
    StorageError::invalid(
        "case_key_file",
        format!("tệp khóa mã hóa hồ sơ {}: {why}", path.display()),
    )
}

impl CaseKey {
    /// A key from 32 bytes.
    pub fn from_bytes(key: [u8; 32]) -> CaseKey {
        CaseKey { key }
    }

    /// A new random key.
    pub fn random() -> CaseKey {
        CaseKey {
            key: rand::random(),
        }
    }

    /// Reads a key file: 64 hex characters (surrounding white space ignored).
    pub fn from_file(path: impl AsRef<Path>) -> StorageResult<CaseKey> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| key_error(path, e))?;
        let bytes = hex::decode(text.trim())
            .map_err(|_| key_error(path, "phải gồm 64 ký tự thập lục phân"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| key_error(path, "phải gồm 64 ký tự thập lục phân (32 byte)"))?;
        Ok(CaseKey { key })
    }

    /// Creates a key file with a new random key, readable by its owner only. Refuses to
    /// overwrite an existing file: losing a key loses every case sealed with it.
    pub fn generate_file(path: impl AsRef<Path>) -> StorageResult<CaseKey> {
        let path = path.as_ref();
        let key = CaseKey::random();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(|e| key_error(path, e))?;
        writeln!(f, "{}", hex::encode(key.key)).map_err(|e| key_error(path, e))?;
        f.sync_all().map_err(|e| key_error(path, e))?;
        Ok(key)
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.key))
    }

    /// Seals `plain` as entry `seq` of case `case_id`: (nonce hex, ciphertext hex).
    pub(crate) fn seal(&self, case_id: i64, seq: i64, plain: &[u8]) -> (String, String) {
        self.seal_with(&associated_data(case_id, seq), plain)
    }

    /// Opens what [`CaseKey::seal`] sealed; `None` when the key, the place or the bytes differ.
    pub(crate) fn open(
        &self,
        case_id: i64,
        seq: i64,
        nonce: &str,
        sealed: &str,
    ) -> Option<Vec<u8>> {
        self.open_with(&associated_data(case_id, seq), nonce, sealed)
    }

    /// Seals the summary of case `case_id` (hồ sơ: child, filer, step, assignees, dates) as it
    /// stands with `version` entries: the row's id and entry count are bound, so a summary
    /// copied to another case or kept from an earlier version does not open.
    pub(crate) fn seal_summary(
        &self,
        case_id: i64,
        version: i64,
        plain: &[u8],
    ) -> (String, String) {
        self.seal_with(&summary_data(case_id, version), plain)
    }

    /// Opens what [`CaseKey::seal_summary`] sealed.
    pub(crate) fn open_summary(
        &self,
        case_id: i64,
        version: i64,
        nonce: &str,
        sealed: &str,
    ) -> Option<Vec<u8>> {
        self.open_with(&summary_data(case_id, version), nonce, sealed)
    }

    fn seal_with(&self, aad: &[u8], plain: &[u8]) -> (String, String) {
        let nonce: [u8; 12] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("ChaCha20-Poly1305 encryption does not fail for in-memory data");
        (hex::encode(nonce), hex::encode(sealed))
    }

    fn open_with(&self, aad: &[u8], nonce: &str, sealed: &str) -> Option<Vec<u8>> {
        let nonce = hex::decode(nonce).ok()?;
        if nonce.len() != 12 {
            return None;
        }
        let sealed = hex::decode(sealed).ok()?;
        self.cipher()
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &sealed, aad })
            .ok()
    }
}

fn summary_data(case_id: i64, version: i64) -> Vec<u8> {
    format!("treem-case-file:{case_id}:{version}").into_bytes()
}

fn associated_data(case_id: i64, seq: i64) -> Vec<u8> {
    format!("treem-case-entry:{case_id}:{seq}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_in_place_and_with_the_key() {
        let k = CaseKey::random();
        let (n, s) = k.seal(7, 2, b"bi mat");
        assert_eq!(k.open(7, 2, &n, &s).as_deref(), Some(&b"bi mat"[..]));
        assert!(k.open(7, 3, &n, &s).is_none());
        assert!(k.open(8, 2, &n, &s).is_none());
        assert!(CaseKey::random().open(7, 2, &n, &s).is_none());
        let (n2, _) = k.seal(7, 2, b"bi mat");
        assert_ne!(n, n2, "a fresh nonce each time");
        // A summary is bound to its case and version, and is not an entry.
        let (n, s) = k.seal_summary(7, 2, b"tom tat");
        assert_eq!(
            k.open_summary(7, 2, &n, &s).as_deref(),
            Some(&b"tom tat"[..])
        );
        assert!(k.open_summary(7, 1, &n, &s).is_none());
        assert!(k.open_summary(8, 2, &n, &s).is_none());
        assert!(k.open(7, 2, &n, &s).is_none());
    }

    #[test]
    fn key_files_round_trip_and_are_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case.key");
        let k = CaseKey::generate_file(&p).unwrap();
        assert_eq!(CaseKey::from_file(&p).unwrap().key, k.key);
        assert!(CaseKey::generate_file(&p).is_err());
        std::fs::write(&p, "abcd").unwrap();
        assert!(CaseKey::from_file(&p).is_err());
        assert!(!format!("{k:?}").contains(&hex::encode(k.key)));
    }
}
