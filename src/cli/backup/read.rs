//! Reading a copy back: the scratch folder it is opened in, the copy opened (unsealed, its
//! envelope read) and its payload verified as a database.
use super::seal::*;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use treem_storage::{files, AuditLog, CaseKey, CheckReport, Db};

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
