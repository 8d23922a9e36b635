//! `treem import children` and `treem template children`: the file rules live in
//! `treem_web::import`, shared with the import page.
use anyhow::{Context, Result};
use std::path::Path;
use treem_storage::{Actor, Register};
use treem_web::import::{parse_rows, read_table, unknown_villages};

pub async fn children(file: &Path, url: &str, dry_run: bool) -> Result<i32> {
    treem_storage::profile::phase("start");
    let limits = &treem_domain::limits::IMPORT_CLI;
    let size = std::fs::metadata(file)
        .with_context(|| format!("không mở được {}", file.display()))?
        .len();
    if size > limits.file_bytes {
        anyhow::bail!(
            "{}: tệp quá lớn ({} byte); lệnh nhập đọc tối đa {} byte mỗi tệp — hãy chia tệp",
            file.display(),
            size,
            limits.file_bytes
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("không mở được {}", file.display()))?;
    let (header, rows) =
        read_table(&file.to_string_lossy(), bytes, limits).map_err(anyhow::Error::msg)?;
    treem_storage::profile::phase("read table");
    let today = treem_storage::today();
    let db = super::ops::open(url).await?;
    let known: std::collections::HashSet<String> = db
        .villages(&Actor::system())
        .await?
        .into_iter()
        .map(|v| v.code)
        .collect();
    treem_storage::profile::phase("open db");
    let pb = super::progress(Some(rows.len() as u64), "Kiểm tra");
    let parsed = parse_rows(&header, &rows, today);
    pb.finish_and_clear();
    treem_storage::profile::phase("parse rows");
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    errors.extend(unknown_villages(&header, &rows, &known));
    treem_storage::profile::phase("village check");
    errors.sort_by_key(|e| e.row);
    if !errors.is_empty() {
        eprintln!("Tệp có {} lỗi; không ghi dòng nào:", errors.len());
        for e in errors.iter().take(1000) {
            eprintln!("  dòng {}, cột «{}»: {}", e.row, e.column, e.message);
        }
        if errors.len() > 1000 {
            eprintln!("  … và {} lỗi khác", errors.len() - 1000);
        }
        return Ok(3);
    }
    let children = parsed.unwrap_or_default();
    // The text cells are not needed any more. The process ends after the import, which frees
    // them at once; freeing nine million strings one by one would only cost time.
    std::mem::forget(rows);
    if dry_run {
        println!("Tệp hợp lệ: {} trẻ (chạy thử, chưa ghi).", children.len());
        return Ok(0);
    }
    let started = std::time::Instant::now();
    let n = db.import_children(&Actor::system(), children).await?;
    treem_storage::profile::report();
    println!(
        "Đã nhập {n} trẻ trong {:.1} giây.",
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

pub fn template(out: &Path) -> Result<i32> {
    let bytes = treem_web::import::template()?;
    std::fs::write(out, bytes).with_context(|| format!("{}", out.display()))?;
    println!("Đã ghi mẫu nhập liệu {}.", out.display());
    Ok(0)
}
