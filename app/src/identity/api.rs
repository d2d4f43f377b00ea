//! Server functions for accounts: parse the form, check who asks, call the store.

use super::model::{CurrentUser, PersonalData, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::model::{
        may_change_account, may_delete_own_account, safe_next, AccountChange, Email, NewAccount,
        Role,
    },
    super::session::{self, require_admin, require_user},
    super::store::{self, NewUser},
    crate::error::{Checks, Problem},
    crate::ssr::{self, finish},
    leptos_i18n::Locale as _,
};

/// What the first pages need to know about the platform as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformStatus {
    pub has_admin: bool,
    pub open_signup: bool,
}

#[server(endpoint = "identity/status")]
pub async fn get_platform_status() -> Result<PlatformStatus, AppError> {
    finish(
        async {
            let db = ssr::db()?;
            Ok(PlatformStatus {
                has_admin: store::has_admin(&db).await?,
                open_signup: store::open_signup(&db).await?,
            })
        }
        .await,
    )
}

#[server(endpoint = "identity/me")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    finish(session::current_user().await)
}

/// The locale a new account starts with: the one the reader is using now.
#[cfg(feature = "ssr")]
fn reader_locale() -> String {
    session::cookie_value(session::LOCALE_COOKIE)
        .and_then(|v| v.parse::<crate::i18n::Locale>().ok())
        .unwrap_or_default()
        .as_str()
        .to_owned()
}

/// First run: creates the first administrator, while there is none, and signs them in.
#[server(endpoint = "identity/setup")]
pub async fn create_first_admin(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    finish(
        async {
            let form = NewAccount::parse(&email, &display_name, &password)?;
            let db = ssr::db()?;
            if store::has_admin(&db).await? {
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
            };
            let id = store::create_first_admin(&db, user)
                .await?
                .ok_or(AppError::Forbidden)?;
            session::start_session(&id, &locale).await?;
            leptos_axum::redirect("/admin");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "identity/sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    finish(
        async {
            let context = ssr::context()?;
            rate_limit(&context)?;
            if !store::open_signup(&context.db).await? {
                return Err(AppError::Forbidden);
            }
            let form = NewAccount::parse(&email, &display_name, &password)?;
            let hash = session::hash_password(form.password).await?;
            let locale = reader_locale();
            let id = store::create_user(
                &context.db,
                NewUser {
                    email: form.email.as_str(),
                    display_name: &form.display_name,
                    password_hash: &hash,
                    role: Role::Member,
                    locale: &locale,
                },
            )
            .await?;
            session::start_session(&id, &locale).await?;
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn rate_limit(context: &ssr::ServerContext) -> Result<(), AppError> {
    let key = ssr::client_ip()
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    context.sign_in_limiter.hit(&key)
}

#[server(endpoint = "identity/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let context = ssr::context()?;
            rate_limit(&context)?;
            let wrong =
                || AppError::field("password", Problem::WrongCredentials).keeping("email", &email);
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
                return Err(
                    AppError::field("password", Problem::AccountDisabled).keeping("email", &email)
                );
            }
            session::start_session(&credentials.user_id, &credentials.locale).await?;
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "identity/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    finish(
        async {
            session::end_session().await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "identity/profile")]
pub async fn update_profile(
    display_name: String,
    organisation_id: String,
    locale: String,
) -> Result<(), AppError> {
    finish(
        async {
            let user = require_user().await?;
            let db = ssr::db()?;
            let mut checks = Checks::default();
            checks.keep("display_name", &display_name);
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
            store::update_profile(
                &db,
                &user.user_id,
                &name,
                organisation.as_deref(),
                locale.as_str(),
            )
            .await?;
            session::set_locale_cookie(locale.as_str());
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "identity/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    finish(
        async {
            let user = require_user().await?;
            let db = ssr::db()?;
            let mut checks = Checks::default();
            let email = Email::parse(&user.email).ok();
            let password = checks.check(
                "new_password",
                super::model::new_password(&new_password, email.as_ref()),
            );
            if new_password != confirm_password {
                checks.fail("confirm_password", Problem::Mismatch);
            }
            let hash = store::password_hash_of(&db, &user.user_id).await?;
            if !session::verify_password(current_password, Some(hash)).await? {
                checks.fail("current_password", Problem::WrongCredentials);
            }
            checks.finish()?;
            let password = password.ok_or(AppError::Internal)?;
            let hash = session::hash_password(password).await?;
            let keep = session::current_session_id();
            store::set_password(&db, &user.user_id, &hash, keep.as_deref()).await?;
            Ok(())
        }
        .await,
    )
}

/// The signed-in person's data as a JSON download.
#[server(endpoint = "identity/export", input = server_fn::codec::GetUrl)]
pub async fn export_my_data() -> Result<PersonalData, AppError> {
    finish(
        async {
            let user = require_user().await?;
            let data = store::personal_data(&ssr::db()?, &user.user_id).await?;
            if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
                options.insert_header(
                    http::header::CONTENT_DISPOSITION,
                    http::HeaderValue::from_static(
                        "attachment; filename=\"clusterpolisee-my-data.json\"",
                    ),
                );
            }
            Ok(data)
        }
        .await,
    )
}

/// Deletes the signed-in account after the password is confirmed.
#[server(endpoint = "identity/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    finish(
        async {
            let user = require_user().await?;
            let db = ssr::db()?;
            let hash = store::password_hash_of(&db, &user.user_id).await?;
            if !session::verify_password(password, Some(hash)).await? {
                return Err(AppError::field("password", Problem::WrongCredentials));
            }
            may_delete_own_account(&user, store::count_active_admins(&db).await?)?;
            store::delete_user(&db, &user.user_id).await?;
            session::end_session().await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    finish(
        async {
            require_admin().await?;
            store::list_users(&ssr::db()?).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn change_account(user_id: &str, change: AccountChange) -> Result<(), AppError> {
    let actor = require_user().await?;
    let db = ssr::db()?;
    let (role, _) = store::find_role(&db, user_id).await?;
    may_change_account(
        &actor,
        user_id,
        role,
        change,
        store::count_active_admins(&db).await?,
    )?;
    match change {
        AccountChange::SetRole(role) => store::set_role(&db, user_id, role).await,
        AccountChange::SetDisabled(disabled) => store::set_disabled(&db, user_id, disabled).await,
    }
}

#[server(endpoint = "admin/role")]
pub async fn change_role(user_id: String, role: String) -> Result<(), AppError> {
    finish(
        async {
            let role = Role::parse(&role).map_err(|p| AppError::field("role", p))?;
            change_account(&user_id, AccountChange::SetRole(role)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/disable")]
pub async fn set_account_disabled(user_id: String, disabled: bool) -> Result<(), AppError> {
    finish(change_account(&user_id, AccountChange::SetDisabled(disabled)).await)
}

#[server(endpoint = "admin/open_signup")]
pub async fn set_open_signup(open: bool) -> Result<(), AppError> {
    finish(
        async {
            require_admin().await?;
            store::set_open_signup(&ssr::db()?, open).await
        }
        .await,
    )
}

/// The language switch: remembers the choice in a cookie and, for a signed-in person, in the
/// profile. A plain form post, so that it works before and without the WebAssembly.
#[server(endpoint = "i18n/locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    finish(
        async {
            let locale =
                crate::ui::parse_locale(&locale).map_err(|p| AppError::field("locale", p))?;
            session::set_locale_cookie(locale.as_str());
            if let Some(user) = session::current_user().await? {
                store::set_locale(&ssr::db()?, &user.user_id, locale.as_str()).await?;
            }
            Ok(())
        }
        .await,
    )
}
