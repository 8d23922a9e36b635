//! Case files on the pages: the list with deadlines ([`list`]), one case's record of steps
//! ([`record`]), the form of each step and its replacement ([`steps`]), the report (Mẫu 01)
//! that opens a case ([`report`]), and the printed official forms Mẫu 01–06
//! ([`official_forms`]). A step's form is read into a case entry by [`entry_form`]; an entry is
//! put in words by [`entry_words`].
//!
//! Who may open a case and who may record what are the domain's rules
//! (`treem_domain::case`: `may_open`, `offered_steps`, `may_strike`, `may_replace`, …), applied
//! in storage on every write; these handlers parse a typed request, call one storage function
//! and render.
mod choices;
mod entry_form;
mod entry_words;
mod list;
pub mod official_forms;
mod record;
mod report;
mod steps;

pub use entry_words::vn_dt;
pub use list::{due_rows, list, CaseRow};
pub use record::show;
pub use report::{intake_form, save_intake};
pub use steps::{replace_form, save_replacement, save_step, step_form};

use super::{Ctx, PageError, PageErrorKind};
use treem_domain::case::CaseFile;
use treem_domain::role::Role;
use treem_domain::validation::FieldErrors;
use treem_storage::StorageError;

/// Roles that may file a report (Mẫu 01): the domain's [`treem_domain::case::may_file_report`].
pub fn files_reports(role: Role) -> bool {
    treem_domain::case::may_file_report(role)
}

/// Opens the case for this person (audited), or answers as if it did not exist. A damaged case
/// (storage tells only those who may open it) gets a page of its own, not a server error.
pub(super) async fn open(ctx: &Ctx, id: &str) -> Result<CaseFile, PageError> {
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    match ctx.state.store.case_file(&ctx.actor(), id).await {
        Ok(c) => Ok(c),
        Err(StorageError::Forbidden) | Err(StorageError::NotFound) => {
            Err(ctx.error(PageErrorKind::NotFound))
        }
        Err(StorageError::Corrupt(m)) => Err(ctx.error(damaged(id, &m))),
        Err(StorageError::Invalid(e)) => Err(ctx.error(no_key(&e))),
        Err(e) => Err(ctx.fail(e)),
    }
}

/// Without the case key nothing of a case can be read, not even its step: said as it is.
fn no_key(e: &FieldErrors) -> PageErrorKind {
    let why: Vec<&str> = e.0.iter().map(|f| f.message.as_str()).collect();
    PageErrorKind::DamagedCase(format!(
        "Chưa đọc được hồ sơ: {}. Báo quản trị.",
        why.join("; ")
    ))
}

/// What a damaged case's page says: that it is damaged, to tell the administrator, and why.
fn damaged(id: i64, why: &str) -> PageErrorKind {
    PageErrorKind::DamagedCase(format!(
        "Hồ sơ số {id} bị hỏng, báo quản trị. Không mở được hồ sơ: {why}. Người quản trị kiểm tra \
         tệp khóa hồ sơ (TREEM_CASE_KEY_FILE) và chạy «treem check»; các hồ sơ khác vẫn mở được."
    ))
}
