//! Account operations for the command line and for start-up, with the same rules as the forms.

use super::model::{NewAccount, Role};
use super::session::hash_password;
use super::store::{self, NewUser};
use crate::db::Db;
use crate::error::AppError;
use rand::Rng;

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
        &db.pool,
        NewUser {
            email: account.email.as_str(),
            display_name: &account.display_name,
            password_hash: &hash,
            role: Role::Admin,
            locale: "en",
            organisation_id: None,
        },
    )
    .await
}

/// Letters that cannot be mistaken for one another when read off a log (no 0/O, 1/I/L, 5/S).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRTUVWXYZ2346789";

/// The one-time code set-up asks for, while the platform has no active administrator and the
/// server listens beyond this machine: whoever finds a fresh instance on a network must not be
/// able to claim it. Twelve letters of 29: about 58 bits. `None` when no code is needed.
pub async fn setup_code(
    db: &Db,
    listens_beyond_this_machine: bool,
) -> Result<Option<String>, AppError> {
    if !listens_beyond_this_machine || store::has_active_admin(db).await? {
        return Ok(None);
    }
    let mut rng = rand::thread_rng();
    let letters: Vec<char> = (0..12)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect();
    let code = letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    Ok(Some(code))
}
