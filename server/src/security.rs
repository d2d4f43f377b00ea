//! Cross-site request refusal, security headers and the answer to a panic.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use std::any::Any;

/// The origins a state-changing request may come from: the request's own host, and the
/// configured public address (for a reverse proxy that rewrites the Host header).
#[derive(Clone)]
pub struct Origins {
    public_authority: String,
}

impl Origins {
    pub fn new(public_url: &str) -> Origins {
        Origins {
            public_authority: authority(public_url).to_owned(),
        }
    }
}

fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split('/').next().unwrap_or_default()
}

/// Refuses a state-changing request that a browser says came from another site (CSRF).
/// Browsers send `Origin` on every POST; a request without it and without `Sec-Fetch-Site:
/// cross-site` is not from a browser's cross-site form and is let through.
pub async fn check_origin(
    State(origins): State<Origins>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let allowed = match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            Some(origin) => {
                let from = authority(origin);
                origin != "null" && (from == host || from == origins.public_authority)
            }
            None => headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .is_none_or(|site| site != "cross-site"),
        };
        if !allowed {
            tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
            return (
                StatusCode::FORBIDDEN,
                "This request came from another site and was refused.",
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// Headers on every response. Pages set their own Content-Security-Policy (with the nonce of
/// their hydration script); everything else gets a strict default.
pub async fn headers(req: Request, next: Next) -> Response<Body> {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; frame-ancestors 'none'; object-src 'none'",
            ),
        );
    }
    res
}

/// A panic in a handler answers 500 with a generic message; its cause goes to the log only.
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Please try again in a moment.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn the_authority_of_a_url_is_its_host_and_port() {
        assert_eq!(authority("https://example.org/a/b"), "example.org");
        assert_eq!(authority("http://127.0.0.1:3000"), "127.0.0.1:3000");
        assert_eq!(authority("null"), "null");
    }
}
