//! Cross-site request refusal, security headers and the answer to a panic.

use app::ssr::PublicOrigin;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use std::any::Any;

/// Refuses a state-changing request that does not come from the platform's public origin
/// (CSRF). The rule itself is [`PublicOrigin::allows`], shared with WebSocket upgrades.
pub async fn check_origin(
    State(origin): State<PublicOrigin>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !origin.allows(req.headers()) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Headers on every response. Pages set their own Content-Security-Policy (with the nonce of
/// their hydration script); everything else that a browser could show as a document gets a
/// strict default. Over HTTPS, browsers are told to use nothing else for this host for a year
/// (HSTS).
pub async fn headers(State(https): State<bool>, req: Request, next: Next) -> Response<Body> {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Scripts, style sheets and WebAssembly are never shown as a document (nosniff sees to
    // that), and the headers below only govern documents: on each of the first load's assets
    // they would be bytes with no effect. A worker script would take its CSP from its own
    // response: one added later needs its policy set here.
    let subresource = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            [
                "text/javascript",
                "application/javascript",
                "text/css",
                "application/wasm",
            ]
            .iter()
            .any(|kind| t.starts_with(kind))
        });
    if subresource {
        return res;
    }
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
