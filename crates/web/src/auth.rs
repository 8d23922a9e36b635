//! Who is calling: a bearer token for the API.
use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use treem_storage::{Actor, User};

/// A signed-in caller of the API.
pub struct ApiUser(pub User);

impl ApiUser {
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        match state.store.session(token.trim()).await? {
            // An account made by an administrator works only after its own password is set.
            Some((_, user))
                if user.must_change_password
                    && !parts.uri.path().ends_with("/me/password")
                    && !parts.uri.path().ends_with("/session") =>
            {
                Err(ApiError::PasswordChangeRequired)
            }
            Some((_, user)) => Ok(ApiUser(user)),
            None => Err(ApiError::Unauthenticated),
        }
    }
}

/// The client's address, for the login throttle: the peer of the connection, or — when the
/// peer is a reverse proxy named in `TREEM_TRUSTED_PROXIES` — the address that proxy wrote last
/// into `X-Forwarded-For`. Without the connection's address (a router called directly, as in
/// some tests) it is the unspecified address, which then counts as one client.
pub struct ClientIp(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        use std::net::{IpAddr, Ipv4Addr, SocketAddr};
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(client_ip(
            peer,
            &state.trusted_proxies,
            parts.headers.get_all("x-forwarded-for").iter(),
        )))
    }
}

/// The rightmost address of `X-Forwarded-For` that is not one of our proxies, when the peer is
/// one; the peer otherwise. Anything a client writes to the left of that is not believed.
fn client_ip<'a>(
    peer: std::net::IpAddr,
    trusted: &[std::net::IpAddr],
    forwarded: impl DoubleEndedIterator<Item = &'a axum::http::HeaderValue>,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut hops: Vec<std::net::IpAddr> = Vec::new();
    for v in forwarded {
        let Ok(text) = v.to_str() else { return peer };
        for part in text.split(',') {
            match part.trim().parse() {
                Ok(ip) => hops.push(ip),
                Err(_) => return peer,
            }
        }
    }
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let proxy: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let h = [HeaderValue::from_static("6.6.6.6, 10.0.0.7")];
        // Not a trusted proxy: the header is the client's own word.
        assert_eq!(client_ip(proxy, &[], h.iter()), proxy);
        // Our proxy appended the real peer last; what is left of it could be forged.
        assert_eq!(
            client_ip(proxy, &[proxy], h.iter()),
            "10.0.0.7".parse::<std::net::IpAddr>().unwrap()
        );
        let bad = [HeaderValue::from_static("nonsense")];
        assert_eq!(client_ip(proxy, &[proxy], bad.iter()), proxy);
    }
}
