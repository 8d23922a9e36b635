//! One login attempt, the same for the login page and `POST /api/v1/session`, and the check of
//! the current password before a change (`/password`, `PUT /api/v1/me/password`): the typed
//! name is normalised once ([`LoginName`]), and that one key is what the throttle counts and
//! what the database is asked for.
use crate::AppState;
use std::net::IpAddr;
use treem_storage::{Login, LoginName, StorageError, User};

/// Why an attempt did not sign anyone in.
pub enum Refusal {
    /// The name was refused before any lookup (too long); the message says why.
    BadName(String),
    /// Too many failures: try again after this many minutes.
    Locked(u64),
    /// Unknown name, wrong password or disabled account.
    Wrong,
    /// The right password, but the account waits for the leader's confirmation.
    AwaitingConfirmation,
    Failed(StorageError),
}

/// Checks `password` for the typed `raw_name` from `ip`, counting failures.
pub async fn attempt(
    state: &AppState,
    ip: IpAddr,
    raw_name: &str,
    password: &str,
) -> Result<User, Refusal> {
    let name = match LoginName::parse(raw_name) {
        Ok(n) => n,
        Err(e) => {
            // Nothing of the name is kept; the address is counted, so a flood of such names
            // ends in the address's lock.
            let address = state.throttle.address_key(ip);
            state
                .throttle
                .check_address(address)
                .map_err(Refusal::Locked)?;
            state.throttle.failed_address(address);
            return Err(Refusal::BadName(e.message_vi()));
        }
    };
    let key = state.throttle.key(&name, ip);
    state.throttle.check(&key).map_err(Refusal::Locked)?;
    match state.store.authenticate(&name, password).await {
        Ok(Login::Accepted(user)) => {
            state.throttle.succeeded(&key);
            Ok(user)
        }
        Ok(Login::AwaitingConfirmation) => Err(Refusal::AwaitingConfirmation),
        Ok(Login::Refused) => {
            state.throttle.failed(&key);
            Err(Refusal::Wrong)
        }
        Err(e) => Err(Refusal::Failed(e)),
    }
}

/// Checks the current password of a signed-in `user` before a change: a guess of it counts
/// like a failed login of that account.
pub async fn current_password(
    state: &AppState,
    ip: IpAddr,
    user: &User,
    password: &str,
) -> Result<(), Refusal> {
    match attempt(state, ip, &user.username, password).await {
        Ok(u) if u.id == user.id => Ok(()),
        Ok(_) => Err(Refusal::Wrong),
        Err(r) => Err(r),
    }
}

/// "Try again in N minutes", as the pages and the API say it.
pub fn locked_message(minutes: u64) -> String {
    format!("Đăng nhập sai quá nhiều lần; hãy thử lại sau {minutes} phút.")
}

/// What an account waiting for confirmation is told (only with its right password).
pub const AWAITING: &str = "Tài khoản này đang chờ lãnh đạo UBND xã xác nhận, nên chưa đăng nhập được. Hãy liên hệ lãnh đạo xã.";
