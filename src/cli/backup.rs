//! Copies that leave the machine (sao lưu): `treem backup` and `treem restore`, sealed or not,
//! `treem backup-key new`, and the making of one verified copy that the server's nightly
//! schedule ([`super::nightly`]) shares.
//!
//! A sealed copy is an age file (age-encryption.org/v1): sealed with a passphrase (scrypt) or to
//! X25519 public keys whose private half is kept away from the office PC. Inside is a one-line
//! JSON header (what the payload is, the schema, and the case key when the operator asked for
//! it) and then the payload: the SQLite database, or on PostgreSQL the export. A copy that is not
//! sealed is the payload alone, as before.
use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use treem_domain::backup::{BackupFailure, BackupRun};
use treem_storage::{files, AuditLog, Backend, CaseKey, CheckReport, Db};

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
struct Envelope {
    format: String,
    version: u32,
    payload: Payload,
    created_at: String,
    schema_version: i64,
    /// The case key (64 hex characters), only when the operator asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    case_key: Option<String>,
}

const ENVELOPE_FORMAT: &str = "treem-backup";
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// A header line longer than this is not ours.
const ENVELOPE_MAX: u64 = 64 * 1024;

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

/// A private temporary directory (0700), removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(what: &str) -> std::io::Result<Scratch> {
        let dir = std::env::temp_dir().join(format!(
            "treem-{what}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&dir)?;
        Ok(Scratch(dir))
    }
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- making a copy -------------------------------------------------------------------------

/// Why a copy could not be made, classed for the home page.
#[derive(Debug)]
pub struct CopyError {
    pub failure: BackupFailure,
    pub message: String,
}

impl std::fmt::Display for CopyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CopyError {}

/// The class of an I/O failure while writing to `place`.
pub fn io_failure(place: &Path, e: &std::io::Error) -> CopyError {
    use std::io::ErrorKind as K;
    let (failure, what) = match e.kind() {
        K::NotFound => (BackupFailure::FolderMissing, "không có thư mục"),
        K::StorageFull | K::QuotaExceeded => (BackupFailure::DiskFull, "đã hết chỗ trống"),
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            (BackupFailure::NotWritable, "không có quyền ghi")
        }
        _ => (BackupFailure::Other, "lỗi ghi tệp"),
    };
    CopyError {
        failure,
        message: format!("{what}: {} ({e})", place.display()),
    }
}

/// A storage failure while taking the snapshot: SQLite says "database or disk is full".
fn storage_failure(e: &treem_storage::StorageError) -> CopyError {
    let text = e.to_string();
    let full = text.contains("disk is full") || text.contains("No space left");
    CopyError {
        failure: if full {
            BackupFailure::DiskFull
        } else {
            BackupFailure::Other
        },
        message: if full {
            format!("hết chỗ trống trên ổ của máy khi chụp cơ sở dữ liệu ({text})")
        } else {
            format!("không chụp được cơ sở dữ liệu: {text}")
        },
    }
}

/// A copy written and read back.
pub struct Made {
    pub bytes: u64,
    pub report: CheckReport,
}

/// Where a copy is written before it is verified and renamed into place.
pub fn partial_path(out: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", out.display()))
}

/// Makes one verified copy at `out`: a consistent snapshot in a private scratch directory,
/// checked there (integrity, audit chain, records; the cases too with `check_key`), then written
/// — sealed or not — to `out.partial`, flushed, read back and compared with what was meant
/// (a sealed copy is opened again to do so), and only then renamed to `out` and the rename
/// flushed. On failure nothing is left at `out` and an existing `out` is untouched.
pub async fn make_copy(
    db: &Db,
    out: &Path,
    seal: Arc<Seal>,
    case_key: Option<String>,
    check_key: Option<CaseKey>,
) -> Result<Made, CopyError> {
    if case_key.is_some() && !seal.encrypted() {
        return Err(CopyError {
            failure: BackupFailure::Other,
            message: "khóa hồ sơ chỉ đi kèm bản sao đã mã hóa (dùng mật khẩu sao lưu hoặc khóa \
                      công khai)"
                .into(),
        });
    }
    let scratch = Scratch::new("backup").map_err(|e| io_failure(&std::env::temp_dir(), &e))?;
    let snapshot = scratch.join("snapshot");
    db.backup(&snapshot)
        .await
        .map_err(|e| storage_failure(&e))?;
    let payload = Payload::of(db);
    let (report, version) = verify_payload(&snapshot, payload, check_key, &scratch, true)
        .await
        .map_err(|e| CopyError {
            failure: BackupFailure::CheckFailed,
            message: format!("bản chụp cơ sở dữ liệu không đọc lại được: {e:#}"),
        })?;
    if !report.ok() {
        return Err(CopyError {
            failure: BackupFailure::CheckFailed,
            message: format!(
                "cơ sở dữ liệu đang có {} lỗi (ví dụ: {}); chưa ghi bản sao, các bản sao cũ được \
                 giữ nguyên",
                report.problems.len(),
                report.problems.first().map(String::as_str).unwrap_or("")
            ),
        });
    }
    let envelope = Envelope {
        format: ENVELOPE_FORMAT.into(),
        version: 1,
        payload,
        created_at: jiff::Timestamp::now().to_string(),
        schema_version: version,
        case_key,
    };
    let head_beside = out.to_path_buf();
    let out = out.to_path_buf();
    let bytes = tokio::task::spawn_blocking(move || {
        let r = write_verified(&snapshot, &out, &seal, &envelope);
        drop(scratch);
        r
    })
    .await
    .map_err(|e| CopyError {
        failure: BackupFailure::Other,
        message: format!("lỗi nội bộ khi ghi bản sao: {e}"),
    })??;
    // The head the copy holds, beside it in clear (nothing personal): readable without the
    // key, to be written down and checked after a restore (`check --expect-head`).
    super::ops::write_head_file(&head_beside, &report.head).map_err(|e| CopyError {
        failure: BackupFailure::Other,
        message: format!("không ghi được tệp đầu chuỗi bên cạnh bản sao: {e}"),
    })?;
    Ok(Made { bytes, report })
}

/// Everything of `make_copy` after the snapshot passed its check; blocking I/O.
fn write_verified(
    snapshot: &Path,
    out: &Path,
    seal: &Seal,
    envelope: &Envelope,
) -> Result<u64, CopyError> {
    let tmp = partial_path(out);
    let result = write_and_read_back(snapshot, &tmp, seal, envelope);
    let bytes = match result {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_failure(out, &e)
    })?;
    files::sync_dir(out.parent().unwrap_or(Path::new("."))).map_err(|e| io_failure(out, &e))?;
    Ok(bytes)
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    n: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let k = self.inner.write(buf)?;
        self.hash.update(&buf[..k]);
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn hash_reader(mut r: impl Read) -> std::io::Result<[u8; 32]> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
    }
}

fn write_and_read_back(
    snapshot: &Path,
    tmp: &Path,
    seal: &Seal,
    envelope: &Envelope,
) -> Result<u64, CopyError> {
    let io_out = |e: std::io::Error| io_failure(tmp, &e);
    let io_in = |e: std::io::Error| io_failure(snapshot, &e);
    let mut src = std::fs::File::open(snapshot).map_err(io_in)?;
    let file = files::create_private(tmp).map_err(io_out)?;
    // An ephemeral key as a second recipient lets this process open the copy once to verify
    // it; its private half is forgotten when the copy has been read back.
    let ephemeral = age::x25519::Identity::generate();
    let (file, plain_hash) = match seal {
        Seal::Plain => {
            let mut w = Hashing {
                inner: BufWriter::new(file),
                hash: Sha256::new(),
                n: 0,
            };
            std::io::copy(&mut src, &mut w).map_err(io_out)?;
            let hash: [u8; 32] = w.hash.finalize().into();
            (
                w.inner.into_inner().map_err(|e| io_out(e.into_error()))?,
                hash,
            )
        }
        Seal::Passphrase(_) | Seal::Recipients(_) => {
            let encryptor = match seal {
                Seal::Passphrase(p) => age::Encryptor::with_user_passphrase(p.clone()),
                Seal::Recipients(rs) => {
                    let extra = ephemeral.to_public();
                    age::Encryptor::with_recipients(
                        rs.iter()
                            .map(|r| r as &dyn age::Recipient)
                            .chain(std::iter::once(&extra as &dyn age::Recipient)),
                    )
                    .map_err(|e| CopyError {
                        failure: BackupFailure::Other,
                        message: format!("không mã hóa được: {e}"),
                    })?
                }
                Seal::Plain => unreachable!(),
            };
            let sealed = encryptor
                .wrap_output(BufWriter::new(file))
                .map_err(io_out)?;
            let mut w = Hashing {
                inner: sealed,
                hash: Sha256::new(),
                n: 0,
            };
            let mut line = serde_json::to_vec(envelope).map_err(|e| CopyError {
                failure: BackupFailure::Other,
                message: e.to_string(),
            })?;
            line.push(b'\n');
            w.write_all(&line).map_err(io_out)?;
            std::io::copy(&mut src, &mut w).map_err(io_out)?;
            let hash: [u8; 32] = w.hash.finalize().into();
            let buffered = w.inner.finish().map_err(io_out)?;
            (
                buffered.into_inner().map_err(|e| io_out(e.into_error()))?,
                hash,
            )
        }
    };
    file.sync_all().map_err(io_out)?;
    let bytes = file.metadata().map_err(io_out)?.len();
    drop(file);
    // Read back what the medium now holds.
    let written = BufReader::new(std::fs::File::open(tmp).map_err(io_out)?);
    let read_hash = match seal {
        Seal::Plain => hash_reader(written).map_err(anyhow::Error::from),
        Seal::Passphrase(p) => decrypt_reader(written, &Unseal::Passphrase(p.clone()))
            .and_then(|r| hash_reader(r).map_err(|e| anyhow::anyhow!(e))),
        Seal::Recipients(_) => {
            let unseal = Unseal::Identities(vec![Box::new(ephemeral)]);
            decrypt_reader(written, &unseal)
                .and_then(|r| hash_reader(r).map_err(|e| anyhow::anyhow!(e)))
        }
    }
    .map_err(|e| CopyError {
        failure: BackupFailure::VerifyFailed,
        message: format!("bản sao vừa ghi không đọc lại được: {e:#}"),
    })?;
    if read_hash != plain_hash {
        return Err(CopyError {
            failure: BackupFailure::VerifyFailed,
            message: format!(
                "bản sao vừa ghi vào {} đọc lại không giống bản gốc",
                tmp.display()
            ),
        });
    }
    Ok(bytes)
}

// ---- opening a copy ------------------------------------------------------------------------

/// Whether `path` begins as an age file does.
pub fn is_sealed(path: &Path) -> Result<bool> {
    let mut f = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut head = [0u8; 22];
    let n = f.read(&mut head)?;
    Ok(n == AGE_MAGIC.len() && head == AGE_MAGIC)
}

fn decrypt_reader<R: BufRead + 'static>(input: R, unseal: &Unseal) -> Result<Box<dyn Read>> {
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

/// A copy opened into a scratch directory: its payload as a file.
pub struct Opened {
    pub path: PathBuf,
    pub payload: Payload,
    pub case_key: Option<String>,
}

/// Opens a sealed copy into `scratch` (the payload decrypted to a private file); a plain copy
/// is read where it is.
pub fn open_copy(input: &Path, unseal: &Unseal, scratch: &Scratch) -> Result<Opened> {
    if !is_sealed(input)? {
        if matches!(unseal, Unseal::Passphrase(_) | Unseal::Identities(_)) {
            eprintln!(
                "Lưu ý: {} không được mã hóa; bỏ qua mật khẩu/khóa.",
                input.display()
            );
        }
        return Ok(Opened {
            path: input.to_path_buf(),
            payload: if is_sqlite_file(input)? {
                Payload::Sqlite
            } else {
                Payload::Export
            },
            case_key: None,
        });
    }
    let file = std::fs::File::open(input).with_context(|| format!("{}", input.display()))?;
    let reader = decrypt_reader(BufReader::new(file), unseal)?;
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    (&mut reader)
        .take(ENVELOPE_MAX)
        .read_until(b'\n', &mut line)
        .context("bản sao mã hóa bị hỏng")?;
    let envelope: Envelope = serde_json::from_slice(&line)
        .ok()
        .filter(|e: &Envelope| e.format == ENVELOPE_FORMAT)
        .context("bản sao mã hóa không phải của treem (thiếu dòng đầu treem-backup)")?;
    if envelope.version != 1 {
        bail!(
            "bản sao theo định dạng {} mới hơn chương trình này; hãy cập nhật treem",
            envelope.version
        );
    }
    let path = scratch.join(&format!("payload.{}", envelope.payload.extension()));
    let mut out = BufWriter::new(files::create_private(&path)?);
    std::io::copy(&mut reader, &mut out)
        .context("bản sao mã hóa bị hỏng hoặc bị cắt cụt (không giải mã hết được)")?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(Opened {
        path,
        payload: envelope.payload,
        case_key: envelope.case_key,
    })
}

pub fn is_sqlite_file(p: &Path) -> Result<bool> {
    let mut f = std::fs::File::open(p).with_context(|| format!("{}", p.display()))?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    Ok(n == 16 && &head == b"SQLite format 3\0")
}

/// Checks a payload in `scratch` (a SQLite file through a consistent copy of it, or where it is
/// when `in_place` — a fresh snapshot in scratch; an export read into a scratch SQLite database
/// first): the full check, with the case key when given. Returns the report and the payload's
/// schema version. Touches nothing outside `scratch`.
pub async fn verify_payload(
    path: &Path,
    payload: Payload,
    case_key: Option<CaseKey>,
    scratch: &Scratch,
    in_place: bool,
) -> Result<(CheckReport, i64)> {
    let with_key = |db: Db| match &case_key {
        Some(k) => db.with_case_key(k.clone()),
        None => db,
    };
    match payload {
        Payload::Sqlite => {
            // Otherwise a consistent copy of it (SQLite reads any write-ahead log beside a plain
            // copy), so that what is checked is exactly what is restored.
            let copy = if in_place {
                path.to_path_buf()
            } else {
                let copy = scratch.join("verify.db");
                let source = Db::connect(&path.to_string_lossy()).await?;
                let _ = std::fs::remove_file(&copy);
                source.backup(&copy).await?;
                source.close().await;
                copy
            };
            let b = with_key(Db::connect(&copy.to_string_lossy()).await?);
            let version = b.schema_version().await?;
            let report = b.check().await?;
            b.close().await;
            Ok((report, version))
        }
        Payload::Export => {
            let scratch_db = scratch.join("verify-export.db");
            let _ = std::fs::remove_file(&scratch_db);
            let probe = with_key(Db::open(&scratch_db.to_string_lossy()).await?);
            let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
            let loaded = probe.import_all(&mut BufReader::new(file), &|_| {}).await;
            let result = match loaded {
                Ok(_) => Ok((probe.check().await?, probe.schema_version().await?)),
                Err(e) => Err(anyhow::anyhow!("bản sao lưu không đọc được: {e}")),
            };
            probe.close().await;
            result
        }
    }
}

// ---- the commands --------------------------------------------------------------------------

/// `treem backup`: one verified copy, sealed when asked; recorded for the home page.
pub async fn backup(
    db: &Db,
    out: &Path,
    seal: Seal,
    case_key: Option<String>,
    check_key: Option<CaseKey>,
) -> Result<i32> {
    let encrypted = seal.encrypted();
    let result = make_copy(db, out, Arc::new(seal), case_key.clone(), check_key).await;
    let run = BackupRun {
        at: jiff::Timestamp::now(),
        file: out.display().to_string(),
        bytes: result.as_ref().map(|m| m.bytes).unwrap_or(0),
        ok: result.is_ok(),
        scheduled: false,
        encrypted,
        failure: result.as_ref().err().map(|e| e.failure),
        message: match &result {
            Ok(_) => "sao lưu bằng lệnh treem backup".into(),
            Err(e) => e.message.clone(),
        },
    };
    if let Err(e) = db.record_backup(&run).await {
        eprintln!("Lưu ý: không ghi được kết quả sao lưu vào cơ sở dữ liệu: {e}");
    }
    let made = result?;
    println!(
        "Đã sao lưu vào {} ({} byte{}{}); đã đọc lại và kiểm tra: {} trẻ, {} mục nhật ký.",
        out.display(),
        made.bytes,
        if encrypted { ", đã mã hóa" } else { "" },
        if case_key.is_some() {
            ", kèm khóa hồ sơ"
        } else {
            ""
        },
        made.report.children,
        made.report.audit_entries
    );
    if !encrypted {
        println!("Bản sao chưa mã hóa: có dữ liệu cá nhân, giữ kín.");
    }
    super::ops::print_head(&made.report.head);
    println!(
        "Đầu chuỗi của bản sao lưu cũng ghi ở {}.head.",
        out.display()
    );
    Ok(0)
}

/// What `treem restore` was asked to do besides restoring.
pub struct RestoreOptions {
    pub unseal: Unseal,
    /// Where to put the case key that travels in the copy.
    pub case_key_out: Option<PathBuf>,
    /// Check the copy and stop: nothing is touched.
    pub verify_only: bool,
    /// TREEM_CASE_KEY_FILE's key, used to check the cases when the copy carries none.
    pub env_case_key: Option<CaseKey>,
}

/// Opens (decrypting when sealed) and verifies the copy in scratch first; only a sound copy
/// replaces anything.
pub async fn restore(input: &Path, url: &str, opts: RestoreOptions) -> Result<i32> {
    let scratch = Scratch::new("restore")?;
    let opened = open_copy(input, &opts.unseal, &scratch)?;
    if let Some(out) = &opts.case_key_out {
        if opened.case_key.is_none() {
            bail!(
                "bản sao này không mang khóa hồ sơ (nó chỉ đi kèm khi sao lưu với \
                 --include-case-key); không khôi phục"
            );
        }
        if out.exists() {
            bail!("đã có tệp {}; không ghi đè khóa hồ sơ", out.display());
        }
    }
    let key = match &opened.case_key {
        Some(hex) => Some(parse_case_key(hex)?),
        None => opts.env_case_key,
    };
    let (report, version) = verify_payload(&opened.path, opened.payload, key, &scratch, false)
        .await
        .map_err(|e| anyhow::anyhow!("{e:#}; không khôi phục"))?;
    if !report.ok() {
        for p in &report.problems {
            eprintln!("- {p}");
        }
        bail!("bản sao lưu không toàn vẹn; không khôi phục");
    }
    if version > treem_storage::SCHEMA_VERSION {
        bail!("bản sao lưu có lược đồ mới hơn chương trình này");
    }
    if opts.verify_only {
        println!(
            "Bản sao {} tốt: lược đồ phiên bản {version}; {} trẻ; {} mục nhật ký{}. Chưa khôi phục gì.",
            input.display(),
            report.children,
            report.audit_entries,
            if opened.case_key.is_some() {
                "; có kèm khóa hồ sơ"
            } else {
                ""
            }
        );
        return Ok(0);
    }
    match opened.payload {
        Payload::Sqlite => {
            let verified = scratch.join("verify.db");
            let (is_sqlite_target, target) = super::ops::sqlite_target(url);
            if is_sqlite_target {
                // Stop `treem serve` first: the target is replaced whole.
                let tmp = PathBuf::from(format!("{target}.restoring"));
                {
                    let mut from = std::fs::File::open(&verified)?;
                    let mut to = files::create_private(&tmp)
                        .with_context(|| format!("{}", tmp.display()))?;
                    std::io::copy(&mut from, &mut to)?;
                    to.sync_all()?;
                }
                for ext in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{target}{ext}"));
                }
                std::fs::rename(&tmp, &target)?;
                files::sync_dir(Path::new(&target).parent().unwrap_or(Path::new(".")))?;
            } else {
                let b = Db::connect(&verified.to_string_lossy()).await?;
                let mut buf = Vec::new();
                b.export(&mut buf, &|_| {}).await?;
                b.close().await;
                let db = super::ops::open(url).await?;
                db.import_all(&mut std::io::Cursor::new(buf), &|_| {})
                    .await?;
            }
        }
        Payload::Export => {
            super::ops::import_all(&opened.path, url).await?;
        }
    }
    if let (Some(out), Some(hex)) = (&opts.case_key_out, &opened.case_key) {
        let mut f = files::create_new_private(out)
            .with_context(|| format!("không tạo được tệp khóa hồ sơ {}", out.display()))?;
        writeln!(f, "{hex}")?;
        f.sync_all()?;
        println!(
            "Đã đặt lại khóa hồ sơ vào {} (đặt TREEM_CASE_KEY_FILE={}).",
            out.display(),
            out.display()
        );
    } else if opened.case_key.is_some() {
        println!("Bản sao có kèm khóa hồ sơ; dùng --case-key-out TỆP để lấy lại khóa.");
    }
    println!(
        "Đã kiểm tra và khôi phục từ {} ({} trẻ).",
        input.display(),
        report.children
    );
    Ok(0)
}

fn parse_case_key(hex_text: &str) -> Result<CaseKey> {
    let bytes = hex::decode(hex_text.trim()).context("khóa hồ sơ trong bản sao bị hỏng")?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("khóa hồ sơ trong bản sao bị hỏng"))?;
    Ok(CaseKey::from_bytes(key))
}
