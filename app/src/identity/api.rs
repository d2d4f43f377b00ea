//! Server functions for accounts: parse the form, check who asks, call the store.

use super::model::{CurrentUser, PersonalData, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::model::{safe_next, setup_code_matches, AccountChange, Email, NewAccount, Role},
    super::session::{self, require_admin, require_user},
    super::store::{self, NewUser},
    crate::error::{Checks, Problem},
    crate::ssr,
    leptos_i18n::Locale as _,
};

/// What the first pages need to know about the platform as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformStatus {
    pub has_admin: bool,
    pub open_signup: bool,
    /// Set-up asks for the code the server printed in its log.
    pub setup_code_required: bool,
}

#[server(endpoint = "identity/status")]
pub async fn get_platform_status() -> Result<PlatformStatus, AppError> {
    let context = ssr::context()?;
    let has_admin = store::has_active_admin(&context.db).await?;
    Ok(PlatformStatus {
        has_admin,
        open_signup: store::open_signup(&context.db).await?,
        setup_code_required: !has_admin && context.setup_code.is_some(),
    })
}

#[server(endpoint = "identity/me")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    let mut me = session::current_user().await?;
    if let Some(me) = &mut me {
        me.unread_notices =
            crate::workspace::notice_store::unread(&ssr::db()?, &me.user_id).await?;
    }
    Ok(me)
}

/// The locale a new account starts with: the one the reader is using now.
#[cfg(feature = "ssr")]
fn reader_locale() -> String {
    ssr::cookie_value(session::LOCALE_COOKIE)
        .and_then(|v| v.parse::<crate::i18n::Locale>().ok())
        .unwrap_or_default()
        .as_str()
        .to_owned()
}

/// Counts one attempt of a sensitive action from this client, on `account` when there is one.
#[cfg(feature = "ssr")]
fn attempt(context: &ssr::ServerContext, account: Option<&str>) -> Result<(), AppError> {
    context.limits.attempt(ssr::client_ip(), account)
}

/// The key an e-mail is limited by, whether or not it is well formed. A malformed one is
/// hashed, so that a key never takes more memory than a digest, whatever was sent.
#[cfg(feature = "ssr")]
fn email_key(raw: &str) -> String {
    use sha2::{Digest, Sha256};
    match Email::parse(raw) {
        Ok(email) => format!("email:{}", email.as_str()),
        Err(_) => format!("unparsed:{}", hex::encode(Sha256::digest(raw.as_bytes()))),
    }
}

/// First run: creates the first administrator, while there is none, and signs them in. On a
/// server reachable from a network it also asks for the code the server printed at start.
#[server(endpoint = "identity/setup")]
pub async fn create_first_admin(
    email: String,
    display_name: String,
    password: String,
    setup_code: Option<String>,
) -> Result<(), AppError> {
    let context = ssr::context()?;
    attempt(&context, None)?;
    let code_ok = context.setup_code.as_deref().is_none_or(|expected| {
        setup_code_matches(expected, setup_code.as_deref().unwrap_or_default())
    });
    let form = match (NewAccount::parse(&email, &display_name, &password), code_ok) {
        (Ok(form), true) => form,
        (Ok(_), false) => {
            return Err(AppError::field("setup_code", Problem::WrongCode)
                .keeping("email", &email)
                .keeping("display_name", &display_name))
        }
        (Err(e), true) => return Err(e),
        (Err(e), false) => return Err(e.also("setup_code", Problem::WrongCode)),
    };
    if store::has_active_admin(&context.db).await? {
        return Err(AppError::Forbidden);
    }
    let hash = session::hash_password(form.password).await?;
    let locale = reader_locale();
    let user = NewUser {
        email: form.email.as_str(),
        display_name: &form.display_name,
        password_hash: &hash,
        role: Role::Admin,
        locale: &locale,
        organisation_id: None,
    };
    let id = store::create_first_admin(&context.db, user)
        .await?
        .ok_or(AppError::Forbidden)?;
    session::start_session(&id, &hash, &locale).await?;
    leptos_axum::redirect("/admin");
    Ok(())
}

#[server(endpoint = "identity/sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    let context = ssr::context()?;
    attempt(&context, Some(&email_key(&email)))?;
    if !store::open_signup(&context.db).await? {
        return Err(AppError::Forbidden);
    }
    let form = NewAccount::parse(&email, &display_name, &password)?;
    let hash = session::hash_password(form.password).await?;
    let locale = reader_locale();
    let id = store::create_user(
        &context.db.pool,
        NewUser {
            email: form.email.as_str(),
            display_name: &form.display_name,
            password_hash: &hash,
            role: Role::Member,
            locale: &locale,
            organisation_id: None,
        },
    )
    .await
    .map_err(|e| {
        e.keeping("email", &email)
            .keeping("display_name", &display_name)
    })?;
    session::start_session(&id, &hash, &locale).await?;
    leptos_axum::redirect("/account");
    Ok(())
}

#[server(endpoint = "identity/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let context = ssr::context()?;
    attempt(&context, Some(&email_key(&email)))?;
    let wrong = || AppError::field("password", Problem::WrongCredentials).keeping("email", &email);
    let Ok(parsed) = Email::parse(&email) else {
        return Err(wrong());
    };
    if password.len() > 1_000 {
        return Err(wrong());
    }
    let credentials = store::find_credentials(&context.db, parsed.as_str()).await?;
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    if !session::verify_password(password, hash).await? {
        return Err(wrong());
    }
    let credentials = credentials.ok_or_else(wrong)?;
    if credentials.disabled {
        return Err(AppError::field("password", Problem::AccountDisabled).keeping("email", &email));
    }
    session::start_session(
        &credentials.user_id,
        &credentials.password_hash,
        &credentials.locale,
    )
    .await
    .map_err(|e| e.keeping("email", &email))?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "identity/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    session::end_session().await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "identity/profile")]
pub async fn update_profile(
    display_name: String,
    organisation_id: String,
    locale: String,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let db = ssr::db()?;
    let mut checks = Checks::default();
    checks.keep("display_name", &display_name);
    checks.keep("organisation_id", &organisation_id);
    checks.keep("locale", &locale);
    let name = checks.check("display_name", super::model::display_name(&display_name));
    let locale = checks.check("locale", crate::ui::parse_locale(&locale));
    let organisation = if organisation_id.is_empty() {
        None
    } else if crate::registry::store::organisation_exists(&db, &organisation_id).await? {
        Some(organisation_id)
    } else {
        checks.fail("organisation_id", Problem::UnknownChoice);
        None
    };
    checks.finish()?;
    let (Some(name), Some(locale)) = (name, locale) else {
        return Err(AppError::Internal);
    };
    store::update_profile(&db, &me, &name, organisation.as_deref(), locale.as_str()).await?;
    session::set_locale_cookie(locale.as_str());
    Ok(())
}

#[server(endpoint = "identity/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let context = ssr::context()?;
    let me = require_user().await?;
    attempt(&context, Some(&format!("user:{}", me.user_id)))?;
    let mut checks = Checks::default();
    let email = Email::parse(&me.email).ok();
    let password = checks.check(
        "new_password",
        super::model::new_password(&new_password, email.as_ref()),
    );
    if new_password != confirm_password {
        checks.fail("confirm_password", Problem::Mismatch);
    }
    let hash = store::my_password_hash(&context.db, &me).await?;
    if !session::verify_password(current_password, Some(hash)).await? {
        checks.fail("current_password", Problem::WrongCredentials);
    }
    checks.finish()?;
    let password = password.ok_or(AppError::Internal)?;
    let hash = session::hash_password(password).await?;
    let keep = session::current_session_id();
    store::set_password(&context.db, &me, &hash, keep.as_deref()).await
}

/// The signed-in person's data as a JSON download.
#[server(endpoint = "identity/export", input = server_fn::codec::GetUrl)]
pub async fn export_my_data() -> Result<PersonalData, AppError> {
    let me = require_user().await?;
    let db = ssr::db()?;
    let mut data = store::personal_data(&db, &me).await?;
    data.workspaces = crate::workspace::personal_store::my_data(&db, &me).await?;
    if let Some(id) = &data.organisation_id {
        data.organisation = Some(
            crate::registry::store::find_organisation(&db, id)
                .await?
                .name,
        );
    }
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::header::CONTENT_DISPOSITION,
            http::HeaderValue::from_static("attachment; filename=\"clusterpolisee-my-data.json\""),
        );
    }
    Ok(data)
}

/// Deletes the signed-in account after the password is confirmed.
#[server(endpoint = "identity/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let context = ssr::context()?;
    let me = require_user().await?;
    attempt(&context, Some(&format!("user:{}", me.user_id)))?;
    let hash = store::my_password_hash(&context.db, &me).await?;
    if !session::verify_password(password, Some(hash)).await? {
        return Err(AppError::field("password", Problem::WrongCredentials));
    }
    let removed = store::delete_own_account(&context.db, &me).await?;
    context.documents.remove_workspaces(&removed).await;
    session::end_session().await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let admin = require_admin().await?;
    let db = ssr::db()?;
    let names = crate::registry::store::organisation_names(&db).await?;
    let mut users = store::list_users(&db, &admin).await?;
    for user in &mut users {
        user.organisation = user
            .organisation_id
            .as_ref()
            .and_then(|id| names.get(id).cloned());
    }
    Ok(users)
}

#[server(endpoint = "admin/role")]
pub async fn change_role(user_id: String, role: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let role = Role::parse(&role).map_err(|p| AppError::field("role", p))?;
    store::change_account(&ssr::db()?, &admin, &user_id, AccountChange::SetRole(role)).await
}

#[server(endpoint = "admin/disable")]
pub async fn set_account_disabled(user_id: String, disabled: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let change = AccountChange::SetDisabled(disabled);
    store::change_account(&ssr::db()?, &admin, &user_id, change).await
}

#[server(endpoint = "admin/open_signup")]
pub async fn set_open_signup(open: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    store::set_open_signup(&ssr::db()?, &admin, open).await
}

/// The language switch: remembers the choice in a cookie and, for a signed-in person, in the
/// profile. A plain form post, so that it works before and without the WebAssembly.
#[server(endpoint = "i18n/locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    let locale = crate::ui::parse_locale(&locale).map_err(|p| AppError::field("locale", p))?;
    session::set_locale_cookie(locale.as_str());
    if let Some(me) = session::signed_in().await? {
        store::set_locale(&ssr::db()?, &me, locale.as_str()).await?;
    }
    Ok(())
}
