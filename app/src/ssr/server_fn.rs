//! The one door every server function goes through. Its answer gets its HTTP status here, from
//! the error it carries, so that no server function has to remember it; and a form posted
//! without JavaScript gets its typed text back through a short-lived cookie, not the URL.

use super::{client_address, ClientIp, ServerContext};
use crate::error::{AppError, KeptText};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::response::IntoResponse;
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderValue, Request, Response, StatusCode};
use leptos::prelude::*;
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};
use std::net::SocketAddr;
use tracing::Instrument;

/// The cookie that carries what was typed into a form posted without JavaScript back to the
/// page it came from, for one minute and one page view.
pub const KEPT_COOKIE: &str = "cp_kept";
/// Browsers drop cookies over 4 KB; past this, the form comes back without its typed text.
const KEPT_COOKIE_MAX: usize = 3_500;
/// No server function answers with more than this in an error.
const ERROR_BODY_MAX: usize = 64 * 1024;

/// Runs the server function a request names, with the request's context, inside a tracing
/// span, and gives its answer the status its error calls for.
pub async fn handle_server_fn(context: ServerContext, req: Request<Body>) -> Response<Body> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = client_address(peer, req.headers(), context.trust_forwarded_for);
    let path = req.uri().path().to_owned();
    let secure = context.secure_cookies();
    let span = tracing::info_span!("server_fn", path = %path);
    let mut res = leptos_axum::handle_server_fns_with_context(
        move || {
            provide_context(context.clone());
            if let Some(ip) = ip {
                provide_context(ClientIp(ip));
            }
        },
        req,
    )
    .instrument(span)
    .await
    .into_response();
    // An answer is one person's (what they may read, their notifications): no cache keeps it.
    res.headers_mut()
        .entry(axum::http::header::CACHE_CONTROL)
        .or_insert(axum::http::HeaderValue::from_static("private, no-store"));
    answer(res, secure).await
}

async fn answer(res: Response<Body>, secure: bool) -> Response<Body> {
    if !res.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        // leptos_axum answers a path that names no server function with 400 and a page of
        // advice for developers; to anyone else it is simply not there.
        if res.status() == StatusCode::BAD_REQUEST {
            return error_response(&AppError::NotFound);
        }
        return res;
    }
    if res.status().is_redirection() {
        return keep_typed_text_off_the_url(res, secure);
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, ERROR_BODY_MAX)
        .await
        .unwrap_or_default();
    let error = AppError::de(bytes.clone());
    parts.status =
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Response::from_parts(parts, Body::from(bytes))
}

fn error_response(error: &AppError) -> Response<Body> {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(CONTENT_TYPE, "application/json")],
        error.ser().to_vec(),
    )
        .into_response()
}

/// A form posted without JavaScript is redirected back with its error in the URL (`__err`),
/// which ends up in browser history and access logs. The text the person typed (an e-mail, a
/// name) moves out of that error into a short-lived, HttpOnly cookie that the next page view
/// reads and clears ([`take_kept_text`]).
fn keep_typed_text_off_the_url(mut res: Response<Body>, secure: bool) -> Response<Body> {
    let Some(mut url) = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| url::Url::parse(l).ok())
    else {
        return res;
    };
    // The referer may carry the `__path`/`__err` of an earlier failure: this answer's pair is
    // the last one, and the earlier ones go.
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let last = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (Some(path), Some(encoded)) = (last("__path"), last("__err")) else {
        return res;
    };
    let mut error = URL_SAFE
        .decode(encoded)
        .map_or(AppError::BadRequest, |raw| AppError::de(raw.into()));
    let fields = error.take_kept();
    let others = pairs
        .iter()
        .filter(|(k, _)| k != "__path" && k != "__err")
        .cloned();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair("__path", &path)
        .append_pair("__err", &URL_SAFE.encode(error.ser()));
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        res.headers_mut().insert(LOCATION, location);
    }
    if !fields.is_empty() {
        let kept = KeptText { path, fields };
        let value = serde_json::to_vec(&kept)
            .map(|json| URL_SAFE.encode(json))
            .unwrap_or_default();
        if value.len() <= KEPT_COOKIE_MAX {
            let cookie = super::cookie(KEPT_COOKIE, &value, 60, true, secure);
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(SET_COOKIE, cookie);
            }
        }
    }
    res
}

/// While a page renders on the server: what the last form posted without JavaScript sent back,
/// if anything, and an instruction to the browser to forget it (it is shown once).
pub fn take_kept_text() -> Option<KeptText> {
    let value = super::cookie_value(KEPT_COOKIE)?;
    super::set_cookie(KEPT_COOKIE, "", 0, true);
    let json = URL_SAFE.decode(value).ok()?;
    serde_json::from_slice(&json).ok()
}
