use treem_domain::validation::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Unknown id, or an id outside the actor's scope: both look the same from outside.
    #[error("không tìm thấy")]
    NotFound,
    #[error("không có quyền")]
    Forbidden,
    #[error("bản ghi đã được người khác sửa (phiên bản hiện tại {current})")]
    Conflict { current: i64 },
    #[error("dữ liệu không hợp lệ: {0}")]
    Invalid(FieldErrors),
    #[error("cơ sở dữ liệu có phiên bản lược đồ {found}, mới hơn phiên bản chương trình hỗ trợ ({supported}); hãy cập nhật treem")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("dữ liệu hỏng: {0}")]
    Corrupt(String),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    /// From the figures' bulk read on SQLite ([`crate::stream`]), which steps rows itself.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    BulkRead(#[from] rusqlite::Error),
}

pub type StorageResult<T> = Result<T, StorageError>;

impl StorageError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StorageError::Invalid(FieldErrors::single(field, message))
    }
}

/// Turns a unique-constraint failure into a field error the user can act on.
pub(crate) fn unique_to_field(e: sqlx::Error, field: &str, message: &str) -> StorageError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StorageError::invalid(field, message);
        }
    }
    StorageError::Database(e)
}
