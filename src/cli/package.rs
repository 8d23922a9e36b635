//! `treem report package`: the signed package of the latest approved report of a kind, for
//! the province (treem_domain::report::package).
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::PathBuf;
use treem_storage::{files, Actor, Plans, Reports, Role};

/// `treem report package`: the package of the latest approved report of `kind` for `year`,
/// signed with the key at `commune_key` (TREEM_COMMUNE_KEY_FILE when not given), to `out`.
pub async fn package(
    db: crate::DbArg,
    year: i16,
    kind: String,
    commune_key: Option<PathBuf>,
    out: PathBuf,
) -> Result<i32> {
    let Some(key_file) =
        commune_key.or_else(|| crate::settings::settings().commune_key_file.clone())
    else {
        bail!("cần khóa của xã: --commune-key FILE hoặc TREEM_COMMUNE_KEY_FILE (treem commune-key new)");
    };
    let key = super::province::read_key(&key_file)?;
    let db = super::ops::open(&db.db).await?;
    // The operator at the machine reads the report as the commune's leader would.
    let actor = Actor {
        role: Role::Leader,
        ..Actor::system()
    };
    let Some(report) = db.approved_report(&actor, year, &kind).await? else {
        bail!("chưa có báo cáo «{kind}» năm {year} nào được phê duyệt; chỉ báo cáo đã phê duyệt mới gửi được lên tỉnh");
    };
    let text = db
        .plan_toml(year)
        .await?
        .with_context(|| format!("không có kế hoạch năm {year}"))?;
    let plan = treem_domain::indicator::read_plan_file(&text)
        .plan
        .with_context(|| format!("kế hoạch năm {year} không đọc được"))?;
    let bytes = key.package(&report, &plan)?;
    let mut f = files::create_new_private(&out)
        .with_context(|| format!("không tạo được {} (đã có tệp này?)", out.display()))?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    println!(
        "Đã ghi gói {} năm {} (báo cáo số {}) vào {}, ký bằng khóa {} của xã mã {}.",
        report.kind_name,
        report.year,
        if report.number.is_empty() {
            "—"
        } else {
            &report.number
        },
        out.display(),
        key.public().fingerprint(),
        key.code
    );
    Ok(0)
}
