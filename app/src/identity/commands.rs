//! Account operations for the command line (`admin create`), with the same rules as the forms.

use super::model::{display_name, new_password, Email, Role};
use super::session::hash_password;
use super::store::{self, NewUser};
use crate::db::Db;
use crate::error::{AppError, Checks};

/// Creates an administrator account; the first one or any later one.
pub async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    password: &str,
) -> Result<String, AppError> {
    let mut checks = Checks::default();
    let email = checks.check("email", Email::parse(email));
    let name = checks.check("name", display_name(name));
    let password = checks.check("password", new_password(password, email.as_ref()));
    checks.finish()?;
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return Err(AppError::Internal);
    };
    let hash = hash_password(password).await?;
    store::create_user(
        db,
        NewUser {
            email: email.as_str(),
            display_name: &name,
            password_hash: &hash,
            role: Role::Admin,
            locale: "en",
        },
    )
    .await
}
