//! How a copy is sealed and opened: a passphrase or X25519 keys (age), the one-line JSON
//! envelope inside, the backup key (`treem backup-key new`) and the case key carried along.
use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use treem_storage::{files, Backend, CaseKey, Db};

/// How a new copy is sealed.
pub enum Seal {
    Plain,
    Passphrase(SecretString),
    Recipients(Vec<age::x25519::Recipient>),
}

impl Seal {
    pub fn encrypted(&self) -> bool {
        !matches!(self, Seal::Plain)
    }
}

/// How a sealed copy is opened.
pub enum Unseal {
    Nothing,
    Passphrase(SecretString),
    Identities(Vec<Box<dyn age::Identity>>),
}

/// What a copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// A SQLite database file.
    Sqlite,
    /// The neutral export (JSON Lines), as PostgreSQL's backups are.
    Export,
}

impl Payload {
    pub fn of(db: &Db) -> Payload {
        match db.backend() {
            Backend::Sqlite => Payload::Sqlite,
            Backend::Postgres => Payload::Export,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Payload::Sqlite => "db",
            Payload::Export => "jsonl",
        }
    }
}

/// The first line inside a sealed copy.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Envelope {
    pub(super) format: String,
    pub(super) version: u32,
    pub(super) payload: Payload,
    pub(super) created_at: String,
    pub(super) schema_version: i64,
    /// The case key (64 hex characters), only when the operator asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) case_key: Option<String>,
}

pub(super) const ENVELOPE_FORMAT: &str = "treem-backup";
pub(super) const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// A header line longer than this is not ours.
pub(super) const ENVELOPE_MAX: u64 = 64 * 1024;

// ---- secrets -------------------------------------------------------------------------------

/// A passphrase from standard input or a file (never from the command line, which other users
/// of the PC can read): everything, less the trailing newline.
pub fn read_passphrase(stdin: bool, file: Option<&Path>) -> Result<Option<SecretString>> {
    let text = if stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("không đọc được mật khẩu sao lưu từ đầu vào chuẩn")?;
        s
    } else if let Some(f) = file {
        std::fs::read_to_string(f)
            .with_context(|| format!("không đọc được tệp mật khẩu sao lưu {}", f.display()))?
    } else {
        return Ok(None);
    };
    Ok(Some(SecretString::from(
        text.trim_end_matches(['\n', '\r']).to_string(),
    )))
}

/// Public keys from `age1…` itself or from a file of them (one a line, `#` comments), such as
/// the `.pub` file `treem backup-key new` writes.
pub fn parse_recipients(arg: &str) -> Result<Vec<age::x25519::Recipient>> {
    let text = if arg.trim_start().starts_with("age1") {
        arg.to_string()
    } else {
        std::fs::read_to_string(arg)
            .with_context(|| format!("không đọc được tệp khóa công khai {arg}"))?
    };
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("AGE-SECRET-KEY-") {
            bail!(
                "{arg} là khóa bí mật, không phải khóa công khai: dùng tệp .pub, và cất khóa bí mật \
                 ở nơi khác, không để trên máy này"
            );
        }
        out.push(
            line.parse::<age::x25519::Recipient>()
                .map_err(|e| anyhow::anyhow!("khóa công khai «{line}» không hợp lệ: {e}"))?,
        );
    }
    if out.is_empty() {
        bail!("không có khóa công khai nào trong {arg}");
    }
    Ok(out)
}

/// The seal chosen on the command line; a passphrase must pass the domain's rule.
pub fn seal_from(passphrase: Option<SecretString>, recipient: Option<&str>) -> Result<Seal> {
    match (passphrase, recipient) {
        (Some(_), Some(_)) => bail!("chọn một trong hai: mật khẩu sao lưu hoặc khóa công khai"),
        (Some(p), None) => {
            treem_domain::backup::check_passphrase(p.expose_secret())
                .map_err(anyhow::Error::msg)?;
            Ok(Seal::Passphrase(p))
        }
        (None, Some(r)) => Ok(Seal::Recipients(parse_recipients(r)?)),
        (None, None) => Ok(Seal::Plain),
    }
}

/// The private keys of an identity file (as `treem backup-key new` or age-keygen write them).
pub fn read_identities(path: &Path) -> Result<Vec<Box<dyn age::Identity>>> {
    let file = age::IdentityFile::from_file(path.to_string_lossy().into_owned())
        .with_context(|| format!("không đọc được tệp khóa bí mật {}", path.display()))?;
    let ids = file
        .into_identities()
        .map_err(|e| anyhow::anyhow!("tệp khóa bí mật {}: {e}", path.display()))?;
    if ids.is_empty() {
        bail!("không có khóa bí mật nào trong {}", path.display());
    }
    Ok(ids)
}

/// The case key file's 64 hex characters (checked), to travel inside a sealed copy.
pub fn case_key_hex(path: &Path) -> Result<String> {
    CaseKey::from_file(path).with_context(|| format!("khóa hồ sơ {}", path.display()))?;
    Ok(std::fs::read_to_string(path)?.trim().to_string())
}

/// `treem backup-key new FILE`: a key pair for sealed copies. FILE holds the private key (keep
/// it away from this PC: on paper in the commune's safe, on a stick the leader keeps);
/// `FILE.pub` the public key, which is all the PC needs to make copies.
pub fn new_backup_key(path: &Path) -> Result<i32> {
    let public_path = PathBuf::from(format!("{}.pub", path.display()));
    if public_path.exists() {
        bail!("đã có tệp {}; không ghi đè", public_path.display());
    }
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let mut f = files::create_new_private(path)
        .with_context(|| format!("không tạo được {} (đã có tệp này?)", path.display()))?;
    writeln!(
        f,
        "# treem: khóa bí mật để mở bản sao lưu — cất ở nơi khác máy chủ; mất khóa là mất bản sao\n\
         # created: {}\n# public key: {public}\n{}",
        jiff::Timestamp::now(),
        identity.to_string().expose_secret()
    )?;
    f.sync_all()?;
    let mut p = files::create_new_private(&public_path)?;
    writeln!(p, "{public}")?;
    p.sync_all()?;
    println!("Khóa công khai (dùng cho --recipient / --backup-recipient): {public}");
    println!(
        "Đã ghi khóa bí mật vào {} và khóa công khai vào {}. Chép khóa bí mật ra nơi an toàn \
         (giấy trong tủ khóa, USB riêng) rồi xóa nó khỏi máy chủ: máy chủ chỉ cần {}.",
        path.display(),
        public_path.display(),
        public_path.display()
    );
    Ok(0)
}

// ---- scratch space -------------------------------------------------------------------------

/// Whether `path` begins as an age file does.
pub fn is_sealed(path: &Path) -> Result<bool> {
    let mut f = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut head = [0u8; 22];
    let n = f.read(&mut head)?;
    Ok(n == AGE_MAGIC.len() && head == AGE_MAGIC)
}

pub(super) fn decrypt_reader<R: BufRead + 'static>(
    input: R,
    unseal: &Unseal,
) -> Result<Box<dyn Read>> {
    let decryptor = age::Decryptor::new_buffered(input)
        .map_err(|e| anyhow::anyhow!("không phải bản sao mã hóa hợp lệ: {e}"))?;
    let reader = match unseal {
        Unseal::Nothing => {
            if decryptor.is_scrypt() {
                bail!("bản sao được mã hóa bằng mật khẩu: dùng --passphrase-stdin hoặc --passphrase-file")
            }
            bail!("bản sao được mã hóa bằng khóa công khai: dùng --identity TỆP-KHÓA-BÍ-MẬT")
        }
        Unseal::Passphrase(p) => {
            if !decryptor.is_scrypt() {
                bail!("bản sao này được mã hóa bằng khóa công khai, không phải mật khẩu: dùng --identity")
            }
            let id = age::scrypt::Identity::new(p.clone());
            decryptor
                .decrypt(std::iter::once(&id as &dyn age::Identity))
                .map_err(|e| anyhow::anyhow!("không mở được bản sao (sai mật khẩu?): {e}"))?
        }
        Unseal::Identities(ids) => {
            if decryptor.is_scrypt() {
                bail!("bản sao này được mã hóa bằng mật khẩu, không phải khóa: dùng --passphrase-stdin hoặc --passphrase-file")
            }
            decryptor
                .decrypt(ids.iter().map(|i| i.as_ref()))
                .map_err(|e| anyhow::anyhow!("không mở được bản sao (sai khóa?): {e}"))?
        }
    };
    Ok(Box::new(reader))
}
