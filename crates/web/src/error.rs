//! How failures look over HTTP: a status and a Vietnamese message.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use treem_domain::validation::FieldErrors;
use treem_storage::StorageError;

/// What a 503 asks the client to wait before sending again.
pub const RETRY_AFTER_SECONDS: &str = "2";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("cần đăng nhập")]
    Unauthenticated,
    #[error("không có quyền")]
    Forbidden,
    #[error("không tìm thấy")]
    NotFound,
    #[error("cần đổi mật khẩu")]
    PasswordChangeRequired,
    #[error("bản ghi đã được người khác sửa")]
    Conflict { current: i64 },
    #[error("dữ liệu không hợp lệ")]
    Invalid(FieldErrors),
    #[error("{0}")]
    TooManyAttempts(String),
    /// Other writers kept the database busy past the bounded wait; nothing was written.
    #[error("máy chủ đang bận")]
    Busy,
    /// The right password for an account waiting for the leader's confirmation.
    #[error("tài khoản chờ lãnh đạo xác nhận")]
    AwaitingConfirmation,
    #[error("lỗi máy chủ")]
    Internal(String),
    /// A case file that does not open or disagrees with itself (hồ sơ bị hỏng): 409, said to
    /// those who may open it, with why; the other cases still work.
    #[error("hồ sơ bị hỏng")]
    DamagedCase(String),
    /// The figures asked for fall in a report period the officer has not confirmed (409).
    #[error("{0}")]
    PeriodNotConfirmed(treem_domain::plan::PeriodNotConfirmed),
    /// A step the state does not allow (a report approved or already sent): 409 with why.
    #[error("{0}")]
    Refused(String),
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => ApiError::NotFound,
            StorageError::Forbidden => ApiError::Forbidden,
            StorageError::Conflict { current } => ApiError::Conflict { current },
            StorageError::Invalid(f) => ApiError::Invalid(f),
            StorageError::Busy => ApiError::Busy,
            StorageError::Refused(m) => ApiError::Refused(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(f: FieldErrors) -> Self {
        ApiError::Invalid(f)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                json!({"error": "cần đăng nhập (thiếu hoặc sai mã phiên)"}),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                json!({"error": "vai trò của bạn không được làm việc này"}),
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, json!({"error": "không tìm thấy"})),
            ApiError::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                json!({"error": "tài khoản mới: hãy đổi mật khẩu trước (PUT /api/v1/me/password)"}),
            ),
            ApiError::Conflict { current } => (
                StatusCode::CONFLICT,
                json!({
                    "error": "bản ghi đã được người khác sửa sau khi bạn mở; hãy tải lại và sửa lại trên bản mới",
                    "current_version": current
                }),
            ),
            ApiError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, json!({"errors": f.0})),
            ApiError::TooManyAttempts(m) => (StatusCode::TOO_MANY_REQUESTS, json!({"error": m})),
            ApiError::Busy => {
                let mut res = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({"error": "máy chủ đang bận ghi dữ liệu khác; chưa có gì được lưu, hãy gửi lại sau vài giây"})),
                )
                    .into_response();
                res.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
                );
                return res;
            }
            ApiError::AwaitingConfirmation => (
                StatusCode::FORBIDDEN,
                json!({"error": "tài khoản đang chờ lãnh đạo UBND xã xác nhận; chưa đăng nhập được"}),
            ),
            ApiError::DamagedCase(m) => {
                tracing::error!("damaged case: {m}");
                (
                    StatusCode::CONFLICT,
                    json!({
                        "error": "hồ sơ bị hỏng, báo quản trị (chạy «treem check»)",
                        "damaged": true,
                        "detail": m
                    }),
                )
            }
            ApiError::PeriodNotConfirmed(p) => (
                StatusCode::CONFLICT,
                json!({
                    "error": p.to_string(),
                    "period_not_confirmed": {
                        "report": p.code,
                        "proposed": {"start": p.proposed.start.to_string(), "end": p.proposed.end.to_string()}
                    }
                }),
            ),
            ApiError::Refused(m) => (StatusCode::CONFLICT, json!({"error": m})),
            ApiError::Internal(m) => {
                tracing::error!("internal error: {m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "lỗi máy chủ; đã ghi lại để kiểm tra"}),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
