//! Sessions and passwords, on the server. The cookie carries a random token; the database keeps
//! its SHA-256 only. Passwords are argon2id hashes computed on a blocking thread.

use super::model::CurrentUser;
use super::store;
use crate::db::now_ms;
use crate::error::AppError;
use crate::ssr;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "cp_session";
/// The cookie leptos_i18n reads the locale from.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";
const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = ?e, "hashing task failed");
        AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = ?e, "hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored hash. With no hash (unknown account) it checks against a
/// dummy one, so that an unknown e-mail takes as long as a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    let known = hash.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .map_err(|e| {
        tracing::error!(error = ?e, "verification task failed");
        AppError::Internal
    })
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of a cookie of the current request.
pub fn cookie_value(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn set_cookie(name: &str, value: &str, max_age_seconds: i64, http_only: bool) {
    let secure = ssr::context().map(|c| c.secure_cookies).unwrap_or(false);
    let cookie = format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" },
    );
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        options.append_header(SET_COOKIE, value);
    }
}

/// Remembers the reader's language. Not HttpOnly: leptos_i18n sets it from the page as well.
pub fn set_locale_cookie(locale: &str) {
    set_cookie(LOCALE_COOKIE, locale, 365 * 24 * 60 * 60, false);
}

/// Opens a session for the user and sets its cookie.
pub async fn start_session(user_id: &str, locale: &str) -> Result<(), AppError> {
    let db = ssr::db()?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = now_ms();
    store::create_session(
        &db,
        &token_hash(&token),
        user_id,
        now + SESSION_DAYS * DAY_MS,
        now,
    )
    .await?;
    set_cookie(SESSION_COOKIE, &token, SESSION_DAYS * 24 * 60 * 60, true);
    set_locale_cookie(locale);
    Ok(())
}

/// Ends the current session, in the database and in the browser.
pub async fn end_session() -> Result<(), AppError> {
    if let Some(token) = cookie_value(SESSION_COOKIE) {
        store::delete_session(&ssr::db()?, &token_hash(&token)).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0, true);
    Ok(())
}

/// The signed-in user, if the request carries a live session of an enabled account.
/// A forged, expired or revoked cookie simply means "not signed in".
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = cookie_value(SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    store::find_session_user(&ssr::db()?, &token_hash(&token), now_ms()).await
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

pub async fn require_admin() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The database key of the current request's session, if it carries one.
pub fn current_session_id() -> Option<String> {
    cookie_value(SESSION_COOKIE).map(|t| token_hash(&t))
}
