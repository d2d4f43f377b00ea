//! Sessions and passwords, on the server. The cookie carries a random token; the database keeps
//! its SHA-256 only. Passwords are argon2id hashes computed on a blocking thread.

use super::model::CurrentUser;
use super::store;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Problem};
use crate::ssr::{self, cookie_value, set_cookie};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

pub const SESSION_COOKIE: &str = "cp_session";
/// The cookie leptos_i18n reads the locale from.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";
const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// argon2id takes about 19 MiB and most of a core for a moment per call. At most one runs per
/// core; the rest queue for a bounded time, so a burst of sign-ins (a whole workshop room at
/// once) can exhaust neither memory nor the threads that render pages. Process-wide, because
/// the cores are.
fn hashing_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())))
}

/// How long a request waits for a free core before it is told to try again.
const HASHING_QUEUE_WAIT: Duration = Duration::from_secs(20);

async fn on_a_hashing_core<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = tokio::time::timeout(HASHING_QUEUE_WAIT, hashing_permits().acquire())
        .await
        .map_err(|_| AppError::RateLimited)?
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = ?e, "password hashing task failed");
        AppError::Internal
    })
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    on_a_hashing_core(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = ?e, "hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored hash. With no hash (unknown account) it checks against a
/// dummy one, so that an unknown e-mail takes as long as a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    let known = hash.is_some();
    on_a_hashing_core(move || {
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

/// What the database keeps of a secret token a browser holds in a cookie.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh secret token: 256 random bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Remembers the reader's language. Not HttpOnly: leptos_i18n sets it from the page as well.
pub fn set_locale_cookie(locale: &str) {
    set_cookie(LOCALE_COOKIE, locale, 365 * 24 * 60 * 60, false);
}

/// Opens a session for the user and sets its cookie.
/// `password_hash` is the hash the password was just checked against (or set to): when it is
/// no longer the stored one (the password changed meanwhile) or the account was disabled, no
/// session opens and the answer is the wrong-credentials one.
pub async fn start_session(
    user_id: &str,
    password_hash: &str,
    locale: &str,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let token = new_token();
    let now = now_ms();
    let session = store::NewSession {
        token_hash: &token_hash(&token),
        user_id,
        password_hash,
        expires_at: now + SESSION_DAYS * DAY_MS,
        now,
    };
    if !store::create_session(&db, session).await? {
        return Err(AppError::field("password", Problem::WrongCredentials));
    }
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
    session_user(&ssr::db()?, cookie_value(SESSION_COOKIE)).await
}

/// The signed-in user of a request's headers, for handlers outside the Leptos context (a
/// WebSocket upgrade).
pub async fn user_of(db: &Db, headers: &http::HeaderMap) -> Result<Option<SignedIn>, AppError> {
    Ok(session_user(db, ssr::cookie_in(headers, SESSION_COOKIE))
        .await?
        .map(SignedIn))
}

async fn session_user(db: &Db, token: Option<String>) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = token else {
        return Ok(None);
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    store::find_session_user(db, &token_hash(&token), now_ms()).await
}

/// Proof that the request comes from a signed-in person with an enabled account. Only
/// [`require_user`] makes one, so a store function that takes it cannot be called unchecked.
#[derive(Debug)]
pub struct SignedIn(CurrentUser);

impl std::ops::Deref for SignedIn {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

/// Proof that the request comes from a platform administrator. Only [`require_admin`] makes one.
#[derive(Debug)]
pub struct Admin(SignedIn);

impl std::ops::Deref for Admin {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

/// The signed-in person as proof, if the request comes from one.
pub async fn signed_in() -> Result<Option<SignedIn>, AppError> {
    Ok(current_user().await?.map(SignedIn))
}

/// The signed-in person, or `Unauthorized`.
pub async fn require_user() -> Result<SignedIn, AppError> {
    signed_in().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in administrator: `Unauthorized` for a visitor, `Forbidden` for anyone else. It
/// runs before any lookup, so a member learns nothing about which accounts exist.
pub async fn require_admin() -> Result<Admin, AppError> {
    let user = require_user().await?;
    if user.is_admin() {
        Ok(Admin(user))
    } else {
        Err(AppError::Forbidden)
    }
}

/// The database key of the current request's session, if it carries one.
pub fn current_session_id() -> Option<String> {
    cookie_value(SESSION_COOKIE).map(|t| token_hash(&t))
}
