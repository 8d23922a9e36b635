//! The leader's page of account changes (Xác nhận tài khoản): what the administrator did to
//! accounts that read children or case files waits here for the leader's confirmation, and
//! every change to any account is listed from the audit log.
use super::TypedForm;
use super::{render_status, role_label, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::{vn_datetime, Texts};
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_storage::{Decision, StorageError};

/// The leader's answer on an account: the temporary password (to confirm).
#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    password: String,
}

pub struct PendingRow {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub village: String,
    pub change: &'static str,
    pub by: String,
    pub at: String,
}

pub struct ChangeRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub username: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    l: Layout,
    help: &'static str,
    error: Option<String>,
    pending_title: &'static str,
    nothing_pending: &'static str,
    change_label: &'static str,
    temp_label: &'static str,
    confirm_label: &'static str,
    refuse_label: &'static str,
    history_title: &'static str,
    pending: Vec<PendingRow>,
    history: Vec<ChangeRow>,
}

/// The menu label and page title.
pub fn title(_t: &Texts) -> &'static str {
    "Xác nhận tài khoản"
}

/// An audit action on an account, in words.
fn action_label(action: &str) -> String {
    match action {
        "create" => "tạo tài khoản",
        "password" => "mật khẩu",
        "enable" => "mở khóa",
        "disable" => "khóa",
        "confirm" => "lãnh đạo xác nhận",
        "refuse" => "lãnh đạo từ chối",
        "profile" => "họ tên, chức vụ",
        other => other,
    }
    .to_string()
}

/// The page's words.
struct Words {
    help: &'static str,
    pending_title: &'static str,
    nothing_pending: &'static str,
    change_label: &'static str,
    temp_label: &'static str,
    confirm_label: &'static str,
    refuse_label: &'static str,
    history_title: &'static str,
}

const VI: Words = Words {
    help: "Quản trị hệ thống không được xem hồ sơ trẻ em và hồ sơ trường hợp. Tài khoản quản trị tạo với vai trò được xem các hồ sơ đó, hoặc được quản trị đặt lại mật khẩu, mở khóa lại, chưa đăng nhập được cho đến khi lãnh đạo xác nhận ở đây. Chỉ xác nhận sau khi đã hỏi đúng người đó; ghi một mật khẩu tạm và tự tay giao cho họ (họ phải đổi khi đăng nhập lần đầu).",
    pending_title: "Chờ xác nhận",
    nothing_pending: "Không có thay đổi nào chờ xác nhận.",
    change_label: "Thay đổi",
    temp_label: "Mật khẩu tạm",
    confirm_label: "Xác nhận",
    refuse_label: "Từ chối",
    history_title: "Lịch sử thay đổi tài khoản",
};

fn pending_rows(t: &Texts, pending: Vec<treem_storage::PendingAccount>) -> Vec<PendingRow> {
    pending
        .into_iter()
        .map(|p| PendingRow {
            id: p.user.id,
            role: role_label(t, p.user.role),
            change: p.user.pending.map(|c| c.label_vi()).unwrap_or(""),
            username: p.user.username,
            village: p.village.unwrap_or_default(),
            by: p.requested_by,
            at: vn_datetime(&p.requested_at),
        })
        .collect()
}

fn history_rows(history: Vec<treem_storage::AccountChange>) -> Vec<ChangeRow> {
    history
        .into_iter()
        .map(|h| ChangeRow {
            seq: h.seq,
            at: vn_datetime(&h.at),
            actor: h.actor,
            action: action_label(&h.action),
            username: h.username.unwrap_or_default(),
            detail: h.detail,
        })
        .collect()
}

async fn page(ctx: &Ctx, error: Option<String>) -> Result<Response, PageError> {
    let t = ctx.t;
    let w = &VI;
    let store = &ctx.state.store;
    let pending = store
        .pending_accounts(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let history = store
        .account_changes(&ctx.actor(), 300)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = AccountsPage {
        l: ctx.layout(title(t)),
        help: w.help,
        error: error.clone(),
        pending_title: w.pending_title,
        nothing_pending: w.nothing_pending,
        change_label: w.change_label,
        temp_label: w.temp_label,
        confirm_label: w.confirm_label,
        refuse_label: w.refuse_label,
        history_title: w.history_title,
        pending: pending_rows(t, pending),
        history: history_rows(history),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn show(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.confirms_accounts() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    page(&ctx, None).await
}

async fn decide(
    ctx: Ctx,
    id: String,
    f: DecisionForm,
    confirm: bool,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !ctx.user.role.confirms_accounts() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let decision = if confirm {
        Decision::Confirm {
            temporary_password: &f.password,
        }
    } else {
        Decision::Refuse
    };
    match ctx
        .state
        .store
        .confirm_account(&ctx.actor(), id, decision)
        .await
    {
        Ok(()) => Ok(Redirect::to("/accounts").into_response()),
        Err(StorageError::Invalid(e)) => {
            let text =
                e.0.into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; ");
            page(&ctx, Some(text)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn confirm(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<DecisionForm>,
) -> Result<Response, PageError> {
    decide(ctx, id, f, true).await
}

pub async fn refuse(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<DecisionForm>,
) -> Result<Response, PageError> {
    decide(ctx, id, f, false).await
}
