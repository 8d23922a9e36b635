//! `treem import children` and `treem template children`: the file rules live in
//! `treem_web::import`, shared with the import page.
use anyhow::{Context, Result};
use std::path::Path;
use treem_storage::{Actor, Register};
use treem_web::import::{check_file_in_parts, read_table, storage_problem, RowIssue};

/// Exit code of a file with errors (nothing written).
const ERRORS: i32 = 3;
/// Exit code of a file with warnings only, written only with `--accept-warnings`.
const WARNINGS: i32 = 4;

fn print(title: String, list: &[RowIssue]) {
    eprintln!("{title}");
    for e in list.iter().take(1000) {
        eprintln!("  dòng {}, cột «{}»: {}", e.row, e.column, e.message);
    }
    if list.len() > 1000 {
        eprintln!("  … và {} dòng khác", list.len() - 1000);
    }
}

pub async fn children(file: &Path, url: &str, dry_run: bool, accept_warnings: bool) -> Result<i32> {
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
    let villages = db.villages(&Actor::system()).await?;
    let households = db.household_entries(&Actor::system()).await?;
    treem_storage::profile::phase("open db");
    let pb = super::progress(Some(rows.len() as u64), "Nhập trẻ");
    pb.step("kiểm tra từng dòng");
    let count = rows.len() as u64;
    // The children are not kept: the write builds them again from the cells, a part at a time.
    let (report, parts) = check_file_in_parts(&header, rows, &villages, households, today);
    pb.set_position(count);
    treem_storage::profile::phase("check rows");
    if !report.warnings.is_empty() {
        print(
            format!("Tệp có {} cảnh báo:", report.warnings.len()),
            &report.warnings,
        );
    }
    if !report.errors.is_empty() {
        print(
            format!("Tệp có {} lỗi; không ghi dòng nào:", report.errors.len()),
            &report.errors,
        );
        pb.finish_and_clear();
        return Ok(ERRORS);
    }
    let lines = report.lines;
    let Some(parts) = parts else {
        // A file refused by its header has errors, reported above.
        pb.finish_and_clear();
        return Ok(ERRORS);
    };
    if dry_run {
        pb.finish_and_clear();
        println!("Tệp hợp lệ: {} trẻ (chạy thử, chưa ghi).", lines.len());
        return Ok(0);
    }
    if !report.warnings.is_empty() && !accept_warnings {
        pb.finish_and_clear();
        eprintln!(
            "Chưa ghi dòng nào: hãy xem các cảnh báo, sửa tệp, hoặc chạy lại với --accept-warnings để ghi {} trẻ như vậy.",
            lines.len()
        );
        return Ok(WARNINGS);
    }
    let started = std::time::Instant::now();
    pb.step("ghi vào sổ");
    let written = db
        .import_children_in_parts(&Actor::system(), Box::new(parts))
        .await;
    pb.finish_and_clear();
    let n = match written {
        Ok(n) => n,
        Err(treem_storage::StorageError::Invalid(e)) => {
            eprintln!("Không ghi dòng nào: {}", storage_problem(&e, &lines));
            return Ok(ERRORS);
        }
        Err(e) => return Err(e.into()),
    };
    treem_storage::profile::report();
    println!(
        "Đã nhập {n} trẻ trong {:.1} giây.",
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

pub async fn template(out: &Path, url: Option<&str>) -> Result<i32> {
    let villages = match url {
        Some(url) => {
            let db = super::ops::open(url).await?;
            db.villages(&Actor::system()).await?
        }
        None => vec![],
    };
    let bytes = treem_web::import::template(&villages)?;
    std::fs::write(out, bytes).with_context(|| format!("{}", out.display()))?;
    println!("Đã ghi mẫu nhập liệu {}.", out.display());
    Ok(0)
}
