//! SQL for accounts, sessions and platform settings.

use super::model::{CurrentUser, PersonalData, Role, UserSummary};
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, Problem};
use sqlx::Row;

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

fn role_of(raw: &str) -> Role {
    Role::parse(raw).unwrap_or(Role::Member)
}

/// A new account. A taken e-mail is a field error, also when two sign-ups race.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub locale: &'a str,
}

#[tracing::instrument(skip(db, user), fields(email = user.email), err)]
pub async fn create_user(db: &Db, user: NewUser<'_>) -> Result<String, AppError> {
    let id = new_id();
    let result = sqlx::query(
        "insert into app_user (user_id, email, display_name, password_hash, role, preferred_locale, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.locale)
    .bind(now_ms())
    .execute(&db.pool)
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(e) if is_unique_violation(&e) => Err(AppError::field("email", Problem::EmailTaken)),
        Err(e) => Err(e.into()),
    }
}

/// Creates the first administrator, only while there is none: one statement, so that two
/// first-run forms submitted together cannot both succeed.
#[tracing::instrument(skip(db, user), fields(email = user.email), err)]
pub async fn create_first_admin(db: &Db, user: NewUser<'_>) -> Result<Option<String>, AppError> {
    let id = new_id();
    let done = sqlx::query(
        "insert into app_user (user_id, email, display_name, password_hash, role, preferred_locale, created_at)
         select $1, $2, $3, $4, 'admin', $5, $6
         where not exists (select 1 from app_user where role = 'admin')",
    )
    .bind(&id)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.locale)
    .bind(now_ms())
    .execute(&db.pool)
    .await;
    match done {
        Ok(r) if r.rows_affected() == 1 => Ok(Some(id)),
        Ok(_) => Ok(None),
        Err(e) if is_unique_violation(&e) => Err(AppError::field("email", Problem::EmailTaken)),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip(db), err)]
pub async fn has_admin(db: &Db) -> Result<bool, AppError> {
    let row = sqlx::query("select count(*) as n from app_user where role = 'admin'")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

#[tracing::instrument(skip(db), err)]
pub async fn count_active_admins(db: &Db) -> Result<i64, AppError> {
    let row =
        sqlx::query("select count(*) as n from app_user where role = 'admin' and disabled = 0")
            .fetch_one(&db.pool)
            .await?;
    Ok(row.try_get("n")?)
}

/// What sign-in needs: the id, the hash, whether the account is disabled, the preferred locale.
pub struct Credentials {
    pub user_id: String,
    pub password_hash: String,
    pub disabled: bool,
    pub locale: String,
}

#[tracing::instrument(skip(db), err)]
pub async fn find_credentials(db: &Db, email: &str) -> Result<Option<Credentials>, AppError> {
    let row = sqlx::query(
        "select user_id, password_hash, disabled, preferred_locale from app_user where email = $1",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Credentials {
            user_id: r.try_get("user_id")?,
            password_hash: r.try_get("password_hash")?,
            disabled: r.try_get::<i64, _>("disabled")? != 0,
            locale: r.try_get("preferred_locale")?,
        })
    })
    .transpose()
}

#[tracing::instrument(skip(db), err)]
pub async fn password_hash_of(db: &Db, user_id: &str) -> Result<String, AppError> {
    let row = sqlx::query("select password_hash from app_user where user_id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("password_hash")?)
}

#[tracing::instrument(skip(db, token_hash), err)]
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into session (session_id, user_id, expires_at, created_at) values ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all, err)]
pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("delete from session where session_id = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The user behind a live session of an enabled account. Expired sessions are removed on sight.
#[tracing::instrument(skip_all, err)]
pub async fn find_session_user(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let row = sqlx::query(
        "select u.user_id, u.email, u.display_name, u.role, u.organisation_id, u.preferred_locale,
                s.expires_at
         from session s join app_user u on u.user_id = s.user_id
         where s.session_id = $1 and u.disabled = 0",
    )
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<i64, _>("expires_at")? <= now {
        delete_session(db, token_hash).await?;
        return Ok(None);
    }
    Ok(Some(CurrentUser {
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: role_of(&row.try_get::<String, _>("role")?),
        organisation_id: row.try_get("organisation_id")?,
        preferred_locale: row.try_get("preferred_locale")?,
    }))
}

#[tracing::instrument(skip(db), err)]
pub async fn update_profile(
    db: &Db,
    user_id: &str,
    display_name: &str,
    organisation_id: Option<&str>,
    locale: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "update app_user set display_name = $2, organisation_id = $3, preferred_locale = $4
         where user_id = $1",
    )
    .bind(user_id)
    .bind(display_name)
    .bind(organisation_id)
    .bind(locale)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn set_locale(db: &Db, user_id: &str, locale: &str) -> Result<(), AppError> {
    sqlx::query("update app_user set preferred_locale = $2 where user_id = $1")
        .bind(user_id)
        .bind(locale)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Sets a new password and ends every other session of the account, in one transaction.
#[tracing::instrument(skip(db, password_hash, keep_session), err)]
pub async fn set_password(
    db: &Db,
    user_id: &str,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set password_hash = $2 where user_id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from session where user_id = $1 and session_id <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn list_users(db: &Db) -> Result<Vec<UserSummary>, AppError> {
    let rows = sqlx::query(
        "select u.user_id, u.email, u.display_name, u.role, u.disabled, u.created_at, o.name as organisation
         from app_user u left join organisation o on o.organisation_id = u.organisation_id
         order by u.created_at",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UserSummary {
                user_id: r.try_get("user_id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                role: role_of(&r.try_get::<String, _>("role")?),
                disabled: r.try_get::<i64, _>("disabled")? != 0,
                organisation: r.try_get("organisation")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The role and disabled flag of an account.
#[tracing::instrument(skip(db), err)]
pub async fn find_role(db: &Db, user_id: &str) -> Result<(Role, bool), AppError> {
    let row = sqlx::query("select role, disabled from app_user where user_id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok((
        role_of(&row.try_get::<String, _>("role")?),
        row.try_get::<i64, _>("disabled")? != 0,
    ))
}

#[tracing::instrument(skip(db), err)]
pub async fn set_role(db: &Db, user_id: &str, role: Role) -> Result<(), AppError> {
    sqlx::query("update app_user set role = $2 where user_id = $1")
        .bind(user_id)
        .bind(role.as_str())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Disabling an account also ends its sessions, in the same transaction.
#[tracing::instrument(skip(db), err)]
pub async fn set_disabled(db: &Db, user_id: &str, disabled: bool) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set disabled = $2 where user_id = $1")
        .bind(user_id)
        .bind(i64::from(disabled))
        .execute(&mut *tx)
        .await?;
    if disabled {
        sqlx::query("delete from session where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn personal_data(db: &Db, user_id: &str) -> Result<PersonalData, AppError> {
    let r = sqlx::query(
        "select u.user_id, u.email, u.display_name, u.role, u.preferred_locale, u.created_at,
                o.name as organisation,
                (select count(*) from session s where s.user_id = u.user_id) as sessions
         from app_user u left join organisation o on o.organisation_id = u.organisation_id
         where u.user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(PersonalData {
        user_id: r.try_get("user_id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        role: role_of(&r.try_get::<String, _>("role")?),
        organisation: r.try_get("organisation")?,
        preferred_locale: r.try_get("preferred_locale")?,
        created_at: r.try_get("created_at")?,
        active_sessions: r.try_get("sessions")?,
    })
}

/// Deletes the account; its sessions go with it (foreign key cascade).
#[tracing::instrument(skip(db), err)]
pub async fn delete_user(db: &Db, user_id: &str) -> Result<(), AppError> {
    sqlx::query("delete from app_user where user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn open_signup(db: &Db) -> Result<bool, AppError> {
    let row = sqlx::query("select value from setting where setting_key = 'open_signup'")
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<String, _>("value")? == "1",
        None => true,
    })
}

#[tracing::instrument(skip(db), err)]
pub async fn set_open_signup(db: &Db, open: bool) -> Result<(), AppError> {
    sqlx::query(
        "insert into setting (setting_key, value, created_at) values ('open_signup', $1, $2)
         on conflict (setting_key) do update set value = excluded.value",
    )
    .bind(if open { "1" } else { "0" })
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}
