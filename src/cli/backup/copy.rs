//! Making one verified copy (`treem backup`, and the nightly schedule): written, read back and
//! checked before it takes its name.
use super::read::*;
use super::seal::*;
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use treem_domain::backup::{BackupFailure, BackupRun};
use treem_storage::{files, CaseKey, CheckReport, Db};

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
pub(super) fn storage_failure(e: &treem_storage::StorageError) -> CopyError {
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
    step: &(dyn Fn(&str) + Sync),
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
    step("chụp cơ sở dữ liệu");
    db.backup(&snapshot)
        .await
        .map_err(|e| storage_failure(&e))?;
    let payload = Payload::of(db);
    step("kiểm tra bản chụp");
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
    step("ghi bản sao và đọc lại");
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
    crate::cli::ops::write_head_file(&head_beside, &report.head).map_err(|e| CopyError {
        failure: BackupFailure::Other,
        message: format!("không ghi được tệp đầu chuỗi bên cạnh bản sao: {e}"),
    })?;
    Ok(Made { bytes, report })
}

/// Everything of `make_copy` after the snapshot passed its check; blocking I/O.
pub(super) fn write_verified(
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
pub(super) struct Hashing<W> {
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

pub(super) fn hash_reader(mut r: impl Read) -> std::io::Result<[u8; 32]> {
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

pub(super) fn write_and_read_back(
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

/// `treem backup`: one verified copy, sealed when asked; recorded for the home page.
pub async fn backup(
    db: &Db,
    out: &Path,
    seal: Seal,
    case_key: Option<String>,
    check_key: Option<CaseKey>,
) -> Result<i32> {
    let encrypted = seal.encrypted();
    let pb = crate::cli::progress(None, "Sao lưu");
    let step = |s: &str| pb.step(s);
    let result = make_copy(db, out, Arc::new(seal), case_key.clone(), check_key, &step).await;
    pb.finish_and_clear();
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
    crate::cli::ops::print_head(&made.report.head);
    println!(
        "Đầu chuỗi của bản sao lưu cũng ghi ở {}.head.",
        out.display()
    );
    Ok(0)
}
