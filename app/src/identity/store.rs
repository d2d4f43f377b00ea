//! SQL for accounts, sessions and platform settings. A function that acts for someone takes
//! the proof of who they are ([`SignedIn`], [`Admin`]); only the session module makes one.

use super::model::{
    may_change_account, may_delete_own_account, AccountChange, AccountState, CurrentUser,
    PersonalData, Role, UserSummary,
};
use super::session::{Admin, SignedIn};
use crate::args;
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::{AppError, Problem};
use sqlx::AnyConnection;
use sqlx::{Any, Executor, Row};

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

fn role_of(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw).map_err(|_| bad_value("app_user.role", raw))
}

/// Serialises every change that the last-administrator rule depends on. Updating one agreed row
/// takes a row lock on PostgreSQL and the write lock on SQLite, so the count read after it
/// and the write that follows are one step that no other such transaction can interleave.
async fn lock_accounts(conn: &mut AnyConnection) -> Result<(), AppError> {
    let locked =
        sqlx::query("update setting set value = value where setting_key = 'account_guard'")
            .execute(conn)
            .await?;
    if locked.rows_affected() != 1 {
        // Without the row nothing is locked and the rules would silently stop holding.
        return Err(bad_value("setting.account_guard", "missing"));
    }
    Ok(())
}

async fn count_active_admins(conn: &mut AnyConnection) -> Result<i64, AppError> {
    let row =
        sqlx::query("select count(*) as n from app_user where role = 'admin' and disabled = 0")
            .fetch_one(conn)
            .await?;
    Ok(row.try_get("n")?)
}

async fn account_state(conn: &mut AnyConnection, user_id: &str) -> Result<AccountState, AppError> {
    let row = sqlx::query("select role, disabled from app_user where user_id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await?;
    Ok(AccountState {
        role: role_of(&row.try_get::<String, _>("role")?)?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

/// A new account. A taken e-mail is a field error, also when two sign-ups race.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub locale: &'a str,
    pub organisation_id: Option<&'a str>,
}

/// Creates an account, on the pool or inside a caller's transaction.
#[tracing::instrument(skip_all)]
pub async fn create_user<'e>(
    exec: impl Executor<'e, Database = Any>,
    user: NewUser<'_>,
) -> Result<String, AppError> {
    let id = new_id();
    let result = sqlx::query(
        "insert into app_user (user_id, email, display_name, password_hash, role, organisation_id, preferred_locale, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.organisation_id)
    .bind(user.locale)
    .bind(now_ms())
    .execute(exec)
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(e) if is_unique_violation(&e) => Err(AppError::field("email", Problem::EmailTaken)),
        Err(e) => Err(e.into()),
    }
}

/// Creates the first administrator, only while there is no active one. The check and the
/// insert are one locked step, so two first-run forms submitted together cannot both succeed,
/// on either engine.
#[tracing::instrument(skip_all)]
pub async fn create_first_admin(db: &Db, user: NewUser<'_>) -> Result<Option<String>, AppError> {
    let mut tx = db.pool.begin().await?;
    lock_accounts(&mut tx).await?;
    if count_active_admins(&mut tx).await? > 0 {
        return Ok(None);
    }
    let id = create_user(
        &mut *tx,
        NewUser {
            role: Role::Admin,
            ..user
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Whether the platform has an active administrator (else it offers the first-run set-up).
#[tracing::instrument(skip(db))]
pub async fn has_active_admin(db: &Db) -> Result<bool, AppError> {
    Ok(count_active_admins(&mut *db.pool.acquire().await?).await? > 0)
}

/// How many people have an enabled account.
#[tracing::instrument(skip(db))]
pub async fn count_active_people(db: &Db) -> Result<i64, AppError> {
    let row = sqlx::query("select count(*) as n from app_user where disabled = 0")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("n")?)
}

/// How many accounts name the organisation as theirs.
#[tracing::instrument(skip(db))]
pub async fn count_members(db: &Db, organisation_id: &str) -> Result<i64, AppError> {
    let row = sqlx::query("select count(*) as n from app_user where organisation_id = $1")
        .bind(organisation_id)
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

/// The id of the enabled account with this e-mail, for rooms that invite people.
#[tracing::instrument(skip_all)]
pub async fn find_active_person(
    db: &Db,
    email: &super::model::Email,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query("select user_id from app_user where email = $1 and disabled = 0")
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("user_id"))
        .transpose()
        .map_err(Into::into)
}

/// The display names of these accounts, by id, for rooms that show who did something.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub async fn display_names(
    db: &Db,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let rows = crate::db::fetch_in(
        db,
        "select user_id, display_name from app_user where user_id in ($in)",
        ids,
    )
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("user_id")?, r.try_get("display_name")?)))
        .collect()
}

#[tracing::instrument(skip_all)]
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

/// The password hash of the signed-in person, to confirm a sensitive change.
#[tracing::instrument(skip_all, fields(user_id = %me.user_id))]
pub async fn my_password_hash(db: &Db, me: &SignedIn) -> Result<String, AppError> {
    let row = sqlx::query("select password_hash from app_user where user_id = $1")
        .bind(&me.user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("password_hash")?)
}

/// A session about to open, for the password hash that was just verified.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub password_hash: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

/// Opens a session, only while the account is enabled and its password is still the one
/// verified: a sign-in that waited for a hashing core while the password was changed (which
/// ends every session) must not open a new one. `false` when nothing was opened.
#[tracing::instrument(skip_all, fields(user_id = session.user_id))]
pub async fn create_session(db: &Db, session: NewSession<'_>) -> Result<bool, AppError> {
    let done = db
        .run(
            "insert into session (session_id, user_id, expires_at, created_at)
             select $1, user_id, $3, $4 from app_user
             where user_id = $2 and password_hash = $5 and disabled = 0",
            args![
                session.token_hash,
                session.user_id,
                session.expires_at,
                session.now,
                session.password_hash
            ],
        )
        .await?;
    Ok(done.rows == 1)
}

#[tracing::instrument(skip_all)]
pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), AppError> {
    db.run(
        "delete from session where session_id = $1",
        args![token_hash],
    )
    .await?;
    Ok(())
}

/// The user behind a live session of an enabled account. Expired sessions are removed on sight.
#[tracing::instrument(skip_all)]
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
        role: role_of(&row.try_get::<String, _>("role")?)?,
        organisation_id: row.try_get("organisation_id")?,
        preferred_locale: row.try_get("preferred_locale")?,
        unread_notices: 0,
    }))
}

#[tracing::instrument(skip_all, fields(user_id = %me.user_id))]
pub async fn update_profile(
    db: &Db,
    me: &SignedIn,
    display_name: &str,
    organisation_id: Option<&str>,
    locale: &str,
) -> Result<(), AppError> {
    db.run(
        "update app_user set display_name = $2, organisation_id = $3, preferred_locale = $4
         where user_id = $1",
        args![&me.user_id, display_name, organisation_id, locale],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user_id = %me.user_id, locale))]
pub async fn set_locale(db: &Db, me: &SignedIn, locale: &str) -> Result<(), AppError> {
    db.run(
        "update app_user set preferred_locale = $2 where user_id = $1",
        args![&me.user_id, locale],
    )
    .await?;
    Ok(())
}

/// Sets a new password and ends every other session of the account, in one transaction.
#[tracing::instrument(skip_all, fields(user_id = %me.user_id))]
pub async fn set_password(
    db: &Db,
    me: &SignedIn,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set password_hash = $2 where user_id = $1")
        .bind(&me.user_id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from session where user_id = $1 and session_id <> $2")
        .bind(&me.user_id)
        .bind(keep_session.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every account, oldest first. The organisation is named by the registry (the caller's job).
#[tracing::instrument(skip_all)]
pub async fn list_users(db: &Db, _: &Admin) -> Result<Vec<UserSummary>, AppError> {
    let rows = sqlx::query(
        "select user_id, email, display_name, role, disabled, created_at, organisation_id
         from app_user order by created_at, user_id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UserSummary {
                user_id: r.try_get("user_id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                role: role_of(&r.try_get::<String, _>("role")?)?,
                disabled: r.try_get::<i64, _>("disabled")? != 0,
                organisation_id: r.try_get("organisation_id")?,
                organisation: None,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Applies an administrator's change to an account: the last-administrator rule is checked on
/// counts read inside the same locked transaction as the write. Disabling ends the sessions.
#[tracing::instrument(skip_all, fields(admin = %admin.user_id, target = user_id, ?change))]
pub async fn change_account(
    db: &Db,
    admin: &Admin,
    user_id: &str,
    change: AccountChange,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    lock_accounts(&mut tx).await?;
    // The proof was made before the lock: an administrator demoted or disabled meanwhile
    // acts no more.
    let actor = account_state(&mut tx, &admin.user_id).await?;
    if actor.role != Role::Admin || actor.disabled {
        return Err(AppError::Forbidden);
    }
    let target = account_state(&mut tx, user_id).await?;
    let active_admins = count_active_admins(&mut tx).await?;
    may_change_account(admin, user_id, target, change, active_admins)?;
    match change {
        AccountChange::SetRole(role) => {
            sqlx::query("update app_user set role = $2 where user_id = $1")
                .bind(user_id)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        AccountChange::SetDisabled(disabled) => {
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
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Everything the platform holds about the signed-in person. The organisation is named by the
/// registry (the caller's job).
#[tracing::instrument(skip_all, fields(user_id = %me.user_id))]
pub async fn personal_data(db: &Db, me: &SignedIn) -> Result<PersonalData, AppError> {
    let r = sqlx::query(
        "select u.user_id, u.email, u.display_name, u.role, u.preferred_locale, u.created_at,
                u.organisation_id,
                (select count(*) from session s where s.user_id = u.user_id) as sessions
         from app_user u where u.user_id = $1",
    )
    .bind(&me.user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(PersonalData {
        user_id: r.try_get("user_id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        role: role_of(&r.try_get::<String, _>("role")?)?,
        organisation_id: r.try_get("organisation_id")?,
        organisation: None,
        preferred_locale: r.try_get("preferred_locale")?,
        created_at: r.try_get("created_at")?,
        active_sessions: r.try_get("sessions")?,
        workspaces: Default::default(),
    })
}

/// Deletes the signed-in person's account, unless they are the last active administrator
/// (checked in the same locked transaction). Sessions go with it (foreign key cascade). Answers
/// the workspaces that went with it (see `release_account`).
#[tracing::instrument(skip_all, fields(user_id = %me.user_id))]
pub async fn delete_own_account(db: &Db, me: &SignedIn) -> Result<Vec<String>, AppError> {
    let mut tx = db.pool.begin().await?;
    lock_accounts(&mut tx).await?;
    let account = account_state(&mut tx, &me.user_id).await?;
    may_delete_own_account(account, count_active_admins(&mut tx).await?)?;
    let removed = crate::workspace::personal_store::release_account(&mut tx, &me.user_id).await?;
    sqlx::query("delete from app_user where user_id = $1")
        .bind(&me.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(removed)
}

#[tracing::instrument(skip(db))]
pub async fn open_signup(db: &Db) -> Result<bool, AppError> {
    let row = sqlx::query("select value from setting where setting_key = 'open_signup'")
        .fetch_optional(&db.pool)
        .await?;
    match row {
        None => Ok(true),
        Some(r) => match r.try_get::<String, _>("value")?.as_str() {
            "1" => Ok(true),
            "0" => Ok(false),
            other => Err(bad_value("setting.open_signup", other)),
        },
    }
}

#[tracing::instrument(skip_all, fields(open))]
pub async fn set_open_signup(db: &Db, _: &Admin, open: bool) -> Result<(), AppError> {
    db.run(
        "insert into setting (setting_key, value, created_at) values ('open_signup', $1, $2)
         on conflict (setting_key) do update set value = excluded.value",
        args![if open { "1" } else { "0" }, now_ms()],
    )
    .await?;
    Ok(())
}
