//! Server-only plumbing shared by every capability: the context each request gets, the client's
//! address, abuse limits, the check of where a request comes from, and the one place where a
//! server function's answer gets its HTTP status.

mod limits;
mod origin;
mod server_fn;

pub use limits::{address_key, Limits, MailQuota};
pub use origin::PublicOrigin;
pub use server_fn::{handle_server_fn, take_kept_text, KEPT_COOKIE};

use crate::db::Db;
use crate::error::AppError;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::Arc;

/// What every server function and page render gets through context.
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub db: Db,
    pub limits: Arc<Limits>,
    /// Where people reach the platform; requests that change something must come from it.
    pub public_origin: PublicOrigin,
    /// Take the client's address from `X-Forwarded-For` (behind a trusted reverse proxy only).
    pub trust_forwarded_for: bool,
    /// While the platform has no administrator and listens beyond this machine, set-up asks
    /// for this code, printed in the server's log at start.
    pub setup_code: Option<Arc<str>>,
    /// The path under which this build's JS, WASM and CSS are served (`/v/<fingerprint>`):
    /// a new build has new addresses, so browsers may cache the assets for good.
    pub asset_root: Arc<str>,
    /// Where e-mail goes out, when an SMTP server is configured.
    pub mailer: Option<crate::mail::Mailer>,
    /// What each person may still have the platform e-mail on their behalf today.
    pub mail_quota: Arc<MailQuota>,
    /// Who is watching which running workshop, told of each new event.
    pub hub: Arc<crate::workshop::live::Hub>,
    /// Where workspaces' documents are kept.
    pub documents: crate::workspace::document_store::Storage,
}

impl ServerContext {
    /// Cookies are marked `Secure` when the platform is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.is_https()
    }
}

/// The address of the client of the current request.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

pub fn context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext missing from the request context");
        AppError::Internal
    })
}

pub fn db() -> Result<Db, AppError> {
    context().map(|c| c.db)
}

/// The value of a cookie of the current request.
pub fn cookie_value(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    cookie_in(&parts.headers, name)
}

/// The value of a cookie among a request's headers (for handlers outside the Leptos context,
/// such as a WebSocket upgrade).
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value for the whole site: SameSite=Lax, HttpOnly unless scripts must read it,
/// Secure when the platform is served over HTTPS.
pub fn cookie(
    name: &str,
    value: &str,
    max_age_seconds: i64,
    http_only: bool,
    secure: bool,
) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" },
    )
}

/// Adds a cookie to the answer to the current request.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, http_only: bool) {
    let secure = context().is_ok_and(|c| c.secure_cookies());
    let cookie = cookie(name, value, max_age_seconds, http_only, secure);
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

pub fn client_ip() -> Option<IpAddr> {
    use_context::<ClientIp>().map(|c| c.0)
}

/// The client's address: the TCP peer, or, when the operator says a reverse proxy stands in
/// front, the address that proxy appended last to `X-Forwarded-For` (earlier entries are
/// whatever the client claimed, so they are not believed).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &http::HeaderMap,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if !trust_forwarded_for {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
        .or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for f in forwarded {
            h.append("x-forwarded-for", f.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_proxy_is_trusted() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let h = headers(&["203.0.113.7"]);
        assert_eq!(client_address(Some(peer), &h, false), Some(peer));
        assert_eq!(
            client_address(Some(peer), &h, true),
            Some("203.0.113.7".parse().unwrap())
        );
    }

    #[test]
    fn a_trusted_proxy_is_believed_for_the_last_address_only() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let h = headers(&["1.1.1.1, 198.51.100.2", "203.0.113.7"]);
        assert_eq!(
            client_address(Some(peer), &h, true),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            client_address(Some(peer), &headers(&["garbage"]), true),
            Some(peer)
        );
    }
}
