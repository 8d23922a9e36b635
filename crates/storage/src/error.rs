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
    /// A step the state does not allow (a report already approved or sent): 409, with why.
    #[error("{0}")]
    Refused(String),
    #[error("cơ sở dữ liệu có phiên bản lược đồ {found}, mới hơn phiên bản chương trình hỗ trợ ({supported}); hãy cập nhật treem")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("dữ liệu hỏng: {0}")]
    Corrupt(String),
    /// A commune other than the one a SQLite file holds, or one the database does not host.
    #[error("cơ sở dữ liệu này không chứa xã được yêu cầu (mỗi tệp SQLite chỉ chứa một xã)")]
    OtherCommune,
    /// The database stayed busy with other writers past the bounded wait: try again shortly.
    /// Never a lost or half-written change — the transaction did not start or was rolled back.
    #[error("cơ sở dữ liệu đang bận ghi; hãy thử lại sau giây lát")]
    Busy,
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(sqlx::Error),
    /// From the figures' bulk read on SQLite ([`crate::stream`]), which steps rows itself.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    BulkRead(#[from] rusqlite::Error),
}

pub type StorageResult<T> = Result<T, StorageError>;

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            StorageError::Busy
        } else {
            StorageError::Database(e)
        }
    }
}

/// Failures that come from other writers, not from the request: waiting and trying again
/// succeeds. SQLite: SQLITE_BUSY and SQLITE_LOCKED with their extended codes (the busy timeout
/// ran out, or a snapshot went stale). PostgreSQL: serialization failure, deadlock, lock not
/// available. Both: no pool connection came free within the pool's wait.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                return matches!(pg.code(), "40001" | "40P01" | "55P03");
            }
            // SQLite's primary code is the low byte of the extended one.
            db.code()
                .and_then(|c| c.parse::<i64>().ok())
                .is_some_and(|n| matches!(n & 0xff, 5 | 6))
        }
        _ => false,
    }
}

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
