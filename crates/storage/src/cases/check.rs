//! `treem check` of the case files, and the upgrade of case rows exported before their
//! summaries were sealed.
use super::*;

/// An export made before the summaries were sealed (schema < [`SUMMARIES_SEALED_FROM`]) keeps
/// the case metadata in clear: only what the sealed tables hold is read in, and the summaries
/// are sealed when treem next starts with the key.
pub(crate) fn upgrade_export_row(
    schema: i64,
    table: &str,
    row: &mut BTreeMap<String, serde_json::Value>,
) {
    if schema >= SUMMARIES_SEALED_FROM {
        return;
    }
    let keep: &[&str] = match table {
        "case_file" => &["id", "version"],
        "case_entry" => &["case_id", "seq", "nonce", "sealed"],
        _ => return,
    };
    row.retain(|k, _| keep.contains(&k.as_str()));
}

/// For `check`: every case row and every entry row. With the key: each summary and entry
/// opens, each case replays, and each summary agrees with its entries (so a changed, swapped,
/// deleted or moved entry is named). With or without it: the entries are numbered 1…n with n
/// the row's count, and the audit log records one write per entry. Without the key, what could
/// not be verified is said in [`CheckReport::unverified`].
pub(crate) async fn check_cases(db: &Db, report: &mut CheckReport) -> StorageResult<()> {
    let rows: Vec<CaseRow> =
        sqlx::query("SELECT id, version, nonce, sealed FROM case_file ORDER BY id")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(CaseRow::from_row)
            .collect::<StorageResult<_>>()?;
    let mut entries: BTreeMap<i64, Vec<EntryRow>> = BTreeMap::new();
    for r in sqlx::query("SELECT case_id, seq, nonce, sealed FROM case_entry ORDER BY case_id, seq")
        .fetch_all(&db.pool)
        .await?
    {
        entries
            .entry(r.try_get("case_id")?)
            .or_default()
            .push(EntryRow::from_row(&r)?);
    }
    // One audit row per entry written: "create" for entry 1, "update" for each one after.
    let mut written: HashMap<i64, i64> = HashMap::new();
    for r in sqlx::query(
        "SELECT entity_id, CAST(COUNT(*) AS BIGINT) AS n FROM audit_log \
         WHERE entity = 'case' AND action IN ('create', 'update') AND entity_id IS NOT NULL \
         GROUP BY entity_id",
    )
    .fetch_all(&db.pool)
    .await?
    {
        written.insert(r.try_get("entity_id")?, r.try_get("n")?);
    }
    let none = Vec::new();
    let mut pending = 0;
    for row in &rows {
        let id = row.id;
        let mine = entries.remove(&id);
        let mine = mine.as_ref().unwrap_or(&none);
        let logged = written.get(&id).copied().unwrap_or(0);
        if logged != row.version {
            report.problems.push(format!(
                "hồ sơ {id}: có {} mục nhưng nhật ký ghi {logged} lần ghi (mục bị xóa hoặc thêm ngoài treem?)",
                row.version
            ));
        }
        if row.sealed.is_none() {
            pending += 1;
        }
        let Some(key) = db.case_key.as_deref() else {
            let numbered = mine.iter().enumerate().all(|(i, e)| e.seq == i as i64 + 1);
            if !numbered || mine.len() as i64 != row.version {
                report.problems.push(format!(
                    "hồ sơ {id}: ghi {} mục nhưng có {} mục, hoặc thiếu số mục",
                    row.version,
                    mine.len()
                ));
            }
            continue;
        };
        let summary = match row.summary(key) {
            Ok(s) => s,
            Err(why) => {
                report.problems.push(why);
                None
            }
        };
        match verify(key, &db.calendar, row, summary.as_ref(), mine) {
            Ok(_) => {}
            Err(why) => report.problems.extend(why),
        }
    }
    for (id, orphans) in entries {
        report.problems.push(format!(
            "hồ sơ {id}: có {} mục nhưng không có hồ sơ",
            orphans.len()
        ));
    }
    if pending > 0 {
        report.unverified.push(format!(
            "{pending} hồ sơ chưa niêm phong phần tóm tắt (sau khi nâng cấp lược đồ): treem niêm phong khi khởi động với khóa hồ sơ (TREEM_CASE_KEY_FILE)"
        ));
    }
    if db.case_key.is_none() && !rows.is_empty() {
        let n: usize = rows.iter().map(|r| r.version.max(0) as usize).sum();
        report.unverified.push(format!(
            "không có khóa hồ sơ (TREEM_CASE_KEY_FILE): chưa giải mã được {} hồ sơ ({n} mục) nên chưa xác thực được nội dung, người ghi, trẻ, bước và ngày của chúng; mới kiểm tra được số mục và nhật ký",
            rows.len()
        ));
    }
    Ok(())
}
