//! The leader's page of account changes (Xác nhận tài khoản): what the administrator did to
//! accounts that read children or case files waits here for the leader's confirmation, and
//! every change to any account is listed from the audit log.
use super::PageForm as Form;
use super::{render_status, role_label, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::{vn_datetime, Texts};
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use treem_storage::{Decision, StorageError};

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
pub fn title(t: &Texts) -> &'static str {
    if t.lang == "en" {
        "Account confirmations"
    } else {
        "Xác nhận tài khoản"
    }
}

/// An audit action on an account, in words.
fn action_label(t: &Texts, action: &str) -> String {
    let (vi, en) = match action {
        "create" => ("tạo tài khoản", "account created"),
        "password" => ("mật khẩu", "password"),
        "enable" => ("mở khóa", "enabled"),
        "disable" => ("khóa", "disabled"),
        "confirm" => ("lãnh đạo xác nhận", "confirmed by the leader"),
        "refuse" => ("lãnh đạo từ chối", "refused by the leader"),
        other => (other, other),
    };
    if t.lang == "en" { en } else { vi }.to_string()
}

async fn page(ctx: &Ctx, error: Option<String>) -> Result<Response, PageError> {
    let t = ctx.t;
    let en = t.lang == "en";
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
        help: if en {
            "The administrator reads no child records or case files. An account they make with a role that does, or whose password they reset, or that they enable again, cannot log in until you confirm it here. Confirm only after checking with the person; give them the temporary password you type (they must change it at first login)."
        } else {
            "Quản trị hệ thống không được xem hồ sơ trẻ em và hồ sơ trường hợp. Tài khoản quản trị tạo với vai trò được xem các hồ sơ đó, hoặc được quản trị đặt lại mật khẩu, mở khóa lại, chưa đăng nhập được cho đến khi lãnh đạo xác nhận ở đây. Chỉ xác nhận sau khi đã hỏi đúng người đó; ghi một mật khẩu tạm và tự tay giao cho họ (họ phải đổi khi đăng nhập lần đầu)."
        },
        error: error.clone(),
        pending_title: if en {
            "Waiting for your confirmation"
        } else {
            "Chờ xác nhận"
        },
        nothing_pending: if en {
            "Nothing waits for confirmation."
        } else {
            "Không có thay đổi nào chờ xác nhận."
        },
        change_label: if en { "Change" } else { "Thay đổi" },
        temp_label: if en {
            "Temporary password"
        } else {
            "Mật khẩu tạm"
        },
        confirm_label: if en { "Confirm" } else { "Xác nhận" },
        refuse_label: if en { "Refuse" } else { "Từ chối" },
        history_title: if en {
            "Changes to accounts"
        } else {
            "Lịch sử thay đổi tài khoản"
        },
        pending: pending
            .into_iter()
            .map(|p| PendingRow {
                id: p.user.id,
                role: role_label(t, p.user.role),
                change: p
                    .user
                    .pending
                    .map(|c| if en { c.label_en() } else { c.label_vi() })
                    .unwrap_or(""),
                username: p.user.username,
                village: p.village.unwrap_or_default(),
                by: p.requested_by,
                at: vn_datetime(&p.requested_at),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| ChangeRow {
                seq: h.seq,
                at: vn_datetime(&h.at),
                actor: h.actor,
                action: action_label(t, &h.action),
                username: h.username.unwrap_or_default(),
                detail: h.detail,
            })
            .collect(),
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
    f: HashMap<String, String>,
    confirm: bool,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if !ctx.user.role.confirms_accounts() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let password = f.get("password").cloned().unwrap_or_default();
    let decision = if confirm {
        Decision::Confirm {
            temporary_password: &password,
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
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    decide(ctx, id, f, true).await
}

pub async fn refuse(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    decide(ctx, id, f, false).await
}
