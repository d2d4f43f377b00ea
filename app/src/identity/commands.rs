//! Account operations for the command line (`admin create`), with the same rules as the forms.

use super::model::{NewAccount, Role};
use super::session::hash_password;
use super::store::{self, NewUser};
use crate::db::Db;
use crate::error::AppError;

/// Creates an administrator account; the first one or any later one.
pub async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    password: &str,
) -> Result<String, AppError> {
    let account = NewAccount::parse(email, name, password)?;
    let hash = hash_password(account.password).await?;
    store::create_user(
        db,
        NewUser {
            email: account.email.as_str(),
            display_name: &account.display_name,
            password_hash: &hash,
            role: Role::Admin,
            locale: "en",
        },
    )
    .await
}
