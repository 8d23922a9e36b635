//! Chữ ký của xã (the commune's signature): ed25519 over the package content's exact bytes,
//! so that the province knows which commune sent a package and that no byte changed.
//!
//! The package file is a JSON envelope:
//! `{"format":1,"commune":"03190","key":"<fingerprint>","content":"<base64>","signature":"<base64>"}`
//! — `content` is the [`PackageContent`] bytes, `key` the fingerprint of the public key that
//! signed them ([`PublicKey::fingerprint`]), `signature` the 64-byte ed25519 signature of
//! `content`'s bytes. Key files are JSON too: the private key (0600, kept by the commune) and
//! the public key (`.pub`, given to the province). Pure: the binary draws a new key's 32 bytes
//! and writes the files.
use super::PackageContent;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Why a package (or a key file) is refused, in the words the province reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("tệp không phải gói báo cáo của treem hoặc đã hỏng: {0}")]
    Unreadable(String),
    #[error("gói báo cáo có định dạng {0}, phiên bản treem này không đọc được")]
    Format(u32),
    #[error("xã mã {0} chưa được đăng ký khóa công khai với tỉnh (treem province trust)")]
    UnknownCommune(String),
    #[error("gói của xã mã {0} được ký bằng một khóa khác với khóa đã đăng ký")]
    WrongKey(String),
    #[error("chữ ký không hợp lệ: gói đã bị sửa đổi sau khi ký hoặc không phải do xã mã {0} ký")]
    BadSignature(String),
    #[error("mã xã trong nội dung ({content}) khác mã xã trên gói ({envelope})")]
    CommuneMismatch { envelope: String, content: String },
    #[error("xã {commune} đã gửi {kind} kỳ {period}; chỉ nhận thêm báo cáo bổ sung cho kỳ này")]
    PeriodTaken {
        commune: String,
        kind: String,
        period: String,
    },
    #[error("báo cáo này của xã {0} đã được nhận với nội dung khác")]
    ReportTaken(String),
    #[error("tệp khóa không đọc được: {0}")]
    KeyFile(String),
}

/// The commune's private key (khóa bí mật của xã).
#[derive(Clone)]
pub struct CommuneKey {
    pub code: String,
    pub name: String,
    key: SigningKey,
}

impl std::fmt::Debug for CommuneKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CommuneKey({}, {})",
            self.code,
            self.public().fingerprint()
        )
    }
}

/// A commune's public key (khóa công khai), as the province registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub code: String,
    pub name: String,
    key: VerifyingKey,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: u32,
    kind: String,
    commune: String,
    name: String,
    key: String,
}

const PRIVATE: &str = "treem-commune-private-key";
const PUBLIC: &str = "treem-commune-public-key";

fn read_key_file(text: &str, kind: &str) -> Result<(KeyFile, [u8; 32]), Refusal> {
    let f: KeyFile = serde_json::from_str(text).map_err(|e| Refusal::KeyFile(e.to_string()))?;
    if f.kind != kind || f.format != 1 {
        return Err(Refusal::KeyFile(format!("không phải tệp «{kind}»")));
    }
    let bytes = B64
        .decode(f.key.trim())
        .map_err(|e| Refusal::KeyFile(e.to_string()))?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Refusal::KeyFile("khóa phải dài 32 byte".into()))?;
    Ok((f, key))
}

impl CommuneKey {
    /// A key from 32 random bytes drawn by the caller.
    pub fn from_secret(code: &str, name: &str, secret: [u8; 32]) -> CommuneKey {
        CommuneKey {
            code: code.trim().into(),
            name: name.trim().into(),
            key: SigningKey::from_bytes(&secret),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            code: self.code.clone(),
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The private key file's text.
    pub fn to_file(&self) -> String {
        key_file(PRIVATE, &self.code, &self.name, &self.key.to_bytes())
    }

    pub fn from_file(text: &str) -> Result<CommuneKey, Refusal> {
        let (f, key) = read_key_file(text, PRIVATE)?;
        Ok(CommuneKey::from_secret(&f.commune, &f.name, key))
    }

    /// The package file of an approved report, signed with this key. A report made before
    /// the commune set its code goes under the key's code; a report of another commune is
    /// refused.
    pub fn package(
        &self,
        report: &crate::report::FrozenReport,
        plan: &crate::plan::Plan,
    ) -> Result<Vec<u8>, super::PackageError> {
        let mut report = report.clone();
        if report.commune.code.trim().is_empty() {
            report.commune.code = self.code.clone();
        }
        let content = PackageContent::of(&report, plan)?;
        self.sign(&content)
            .map_err(|_| super::PackageError::OtherCommune {
                key: self.code.clone(),
                report: content.commune.code.clone(),
            })
    }

    /// The package file: `content` signed with this key. The content's commune must be this
    /// key's ([`Refusal::CommuneMismatch`] otherwise: a key is one commune's).
    pub fn sign(&self, content: &PackageContent) -> Result<Vec<u8>, Refusal> {
        if content.commune.code != self.code {
            return Err(Refusal::CommuneMismatch {
                envelope: self.code.clone(),
                content: content.commune.code.clone(),
            });
        }
        let bytes = content.to_bytes();
        let signature = self.key.sign(&bytes);
        let envelope = SignedPackage {
            format: 1,
            commune: self.code.clone(),
            key: self.public().fingerprint(),
            content: B64.encode(&bytes),
            signature: B64.encode(signature.to_bytes()),
        };
        Ok(serde_json::to_vec(&envelope).expect("plain struct serialises"))
    }
}

fn key_file(kind: &str, code: &str, name: &str, key: &[u8; 32]) -> String {
    let f = KeyFile {
        format: 1,
        kind: kind.into(),
        commune: code.into(),
        name: name.into(),
        key: B64.encode(key),
    };
    serde_json::to_string_pretty(&f).expect("plain struct serialises") + "\n"
}

impl PublicKey {
    /// The public key file's text (`.pub`).
    pub fn to_file(&self) -> String {
        key_file(PUBLIC, &self.code, &self.name, self.key.as_bytes())
    }

    pub fn from_file(text: &str) -> Result<PublicKey, Refusal> {
        let (f, key) = read_key_file(text, PUBLIC)?;
        PublicKey::from_parts(&f.commune, &f.name, &B64.encode(key))
    }

    /// A key as stored: the commune, its name and the key in base64.
    pub fn from_parts(code: &str, name: &str, key: &str) -> Result<PublicKey, Refusal> {
        let bytes = B64
            .decode(key.trim())
            .map_err(|e| Refusal::KeyFile(e.to_string()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Refusal::KeyFile("khóa phải dài 32 byte".into()))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| Refusal::KeyFile("không phải khóa ed25519".into()))?;
        Ok(PublicKey {
            code: code.trim().into(),
            name: name.trim().into(),
            key,
        })
    }

    /// The key in base64, as stored.
    pub fn key_text(&self) -> String {
        B64.encode(self.key.as_bytes())
    }

    /// SHA-256 of the key's 32 bytes, first 16 bytes in hex: what a package names its key by
    /// and what an official reads out on the phone to check a key.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.key.as_bytes())[..16])
    }

    /// The same key for a different commune code or name (`province trust --code`).
    pub fn renamed(&self, code: Option<&str>, name: Option<&str>) -> PublicKey {
        PublicKey {
            code: code.map_or_else(|| self.code.clone(), |c| c.trim().to_string()),
            name: name.map_or_else(|| self.name.clone(), |n| n.trim().to_string()),
            key: self.key,
        }
    }
}

/// A package file as received (gói báo cáo), before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPackage {
    pub format: u32,
    /// The sending commune's code.
    pub commune: String,
    /// The signing key's fingerprint.
    pub key: String,
    /// The content's bytes, base64.
    pub content: String,
    /// ed25519 signature of the content's bytes, base64.
    pub signature: String,
}

impl SignedPackage {
    pub fn parse(bytes: &[u8]) -> Result<SignedPackage, Refusal> {
        let p: SignedPackage =
            serde_json::from_slice(bytes).map_err(|e| Refusal::Unreadable(e.to_string()))?;
        if p.format != 1 {
            return Err(Refusal::Format(p.format));
        }
        Ok(p)
    }

    /// The content, once the signature is checked against the commune's trusted key: the
    /// content's bytes (what is stored and hashed) and what they say.
    pub fn open(&self, trusted: &PublicKey) -> Result<(Vec<u8>, PackageContent), Refusal> {
        if trusted.code != self.commune {
            return Err(Refusal::UnknownCommune(self.commune.clone()));
        }
        if trusted.fingerprint() != self.key {
            return Err(Refusal::WrongKey(self.commune.clone()));
        }
        let bad = || Refusal::BadSignature(self.commune.clone());
        let bytes = B64.decode(&self.content).map_err(|_| bad())?;
        let sig: [u8; 64] = B64
            .decode(&self.signature)
            .map_err(|_| bad())?
            .try_into()
            .map_err(|_| bad())?;
        trusted
            .key
            .verify_strict(&bytes, &Signature::from_bytes(&sig))
            .map_err(|_| bad())?;
        let content = PackageContent::from_bytes(&bytes)?;
        if content.commune.code != self.commune {
            return Err(Refusal::CommuneMismatch {
                envelope: self.commune.clone(),
                content: content.commune.code,
            });
        }
        Ok((bytes, content))
    }
}

/// SHA-256 of the content's bytes, hex: the same package imported again is known by it.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
