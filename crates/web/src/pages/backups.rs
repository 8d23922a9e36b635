//! The home page's warning about backups (cảnh báo sao lưu): shown to the officer and the
//! administrator when no good copy was ever made, when the last good one is older than two
//! days, or when the last attempt failed — with what to do, in Vietnamese.
use super::Ctx;
use crate::i18n::vn_datetime;
use treem_domain::backup::{warning, BackupWarning};
use treem_storage::sees_backups;

pub struct BackupNotice {
    pub title: String,
    pub detail: String,
    pub advice: String,
}

/// The warning for this person, if they are told about backups and one is due.
pub async fn notice(ctx: &Ctx) -> Result<Option<BackupNotice>, super::PageError> {
    if !sees_backups(ctx.user.role) {
        return Ok(None);
    }
    let status = ctx
        .state
        .store
        .backup_status(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let when = |at: &jiff::Timestamp| vn_datetime(&at.to_string());
    Ok(warning(
        jiff::Timestamp::now(),
        status.last_good.as_ref(),
        status.last_attempt.as_ref(),
    )
    .map(|w| match w {
        BackupWarning::Never => BackupNotice {
            title: "Chưa có bản sao lưu nào".into(),
            detail: "Nếu máy tính này hỏng hoặc bị mất, toàn bộ sổ trẻ em, số liệu và hồ sơ \
                         trường hợp sẽ mất theo."
                .into(),
            advice: "Cắm ổ USB dành cho sao lưu vào máy và nhờ người quản trị bật sao lưu \
                         hằng đêm (hướng dẫn vận hành, mục «Sao lưu hằng đêm»)."
                .into(),
        },
        BackupWarning::Stale { last_good, days } => BackupNotice {
            title: format!("Bản sao lưu tốt gần nhất đã cũ {days} ngày"),
            detail: format!("Bản sao lúc {} ({}).", when(&last_good.at), last_good.file),
            advice: "Cắm ổ USB sao lưu vào máy và để máy bật: treem tự sao lưu trong vòng một \
                         giờ. Nếu ngày mai vẫn thấy cảnh báo này, hãy báo người quản trị."
                .into(),
        },
        BackupWarning::Failed { attempt, last_good } => BackupNotice {
            title: "Lần sao lưu gần nhất không thành công".into(),
            detail: format!(
                "Lúc {}: {}. {}",
                when(&attempt.at),
                attempt.message,
                match last_good {
                    Some(g) => format!("Bản sao tốt gần nhất: lúc {} ({}).", when(&g.at), g.file),
                    None => "Chưa có bản sao tốt nào.".into(),
                }
            ),
            advice: attempt
                .failure
                .unwrap_or(treem_domain::backup::BackupFailure::Other)
                .advice_vi()
                .into(),
        },
    }))
}
