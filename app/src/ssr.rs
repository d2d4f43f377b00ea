//! Server-only plumbing shared by every capability: the context each request gets, the client's
//! address, rate limits and the mapping of errors to HTTP statuses.

use crate::db::Db;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What every server function and page render gets through context.
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub db: Db,
    pub sign_in_limiter: Arc<RateLimiter>,
    /// Set when the platform is served over HTTPS, so that cookies are marked `Secure`.
    pub secure_cookies: bool,
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

pub fn client_ip() -> Option<IpAddr> {
    use_context::<ClientIp>().map(|c| c.0)
}

/// Sets the HTTP status for an error answered to a script. A plain form post (one that accepts
/// HTML) is redirected back to its page instead, so its status must stay a redirect.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        let accepts_html = use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if !accepts_html {
            if let (Some(options), Ok(status)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(e.status()),
            ) {
                options.set_status(status);
            }
        }
    }
    result
}

/// A fixed-window limit on attempts per key (for example per client address).
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Beyond this many keys, expired windows are swept so that the map stays bounded.
const SWEEP_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; `Err(RateLimited)` when the key has used up its window.
    pub fn hit(&self, key: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > SWEEP_ABOVE {
            let window = self.window;
            hits.retain(|_, (_, start)| now.duration_since(*start) < window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        if entry.0 >= self.max {
            return Err(AppError::RateLimited);
        }
        entry.0 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_after_the_limit_is_refused_and_other_keys_are_unaffected() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.hit("1.2.3.4").is_ok());
        }
        assert_eq!(limiter.hit("1.2.3.4"), Err(AppError::RateLimited));
        assert!(limiter.hit("5.6.7.8").is_ok());
    }

    #[test]
    fn a_new_window_allows_attempts_again() {
        let limiter = RateLimiter::new(1, Duration::ZERO);
        assert!(limiter.hit("k").is_ok());
        assert!(limiter.hit("k").is_ok());
    }
}
