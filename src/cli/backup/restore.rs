//! `treem restore`: a copy opened, verified and put in place of the database.
use super::read::*;
use super::seal::*;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use treem_storage::{files, CaseKey, Db};

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
    let pb = crate::cli::progress(None, "Khôi phục");
    pb.step("mở bản sao");
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
    pb.step("kiểm tra bản sao");
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
        pb.finish_and_clear();
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
    pb.step("ghi vào cơ sở dữ liệu");
    match opened.payload {
        Payload::Sqlite => {
            let verified = scratch.join("verify.db");
            let (is_sqlite_target, target) = crate::cli::ops::sqlite_target(url);
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
                let db = crate::cli::ops::open(url).await?;
                db.import_all(&mut std::io::Cursor::new(buf), &|n| pb.set_position(n))
                    .await?;
            }
        }
        Payload::Export => {
            crate::cli::ops::import_all(&opened.path, url).await?;
        }
    }
    pb.finish_and_clear();
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

pub(super) fn parse_case_key(hex_text: &str) -> Result<CaseKey> {
    let bytes = hex::decode(hex_text.trim()).context("khóa hồ sơ trong bản sao bị hỏng")?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("khóa hồ sơ trong bản sao bị hỏng"))?;
    Ok(CaseKey::from_bytes(key))
}
