//! Accounts: the values a form may hold and the rules on who may do what. No I/O.

use crate::error::{AppError, Checks, Problem};
use crate::text::bounded_text;
use serde::{Deserialize, Serialize};

/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
pub const EMAIL_MAX: usize = 254;
pub const NAME_MAX: usize = 100;
/// NIST SP 800-63B: at least 8; we ask 10 because nothing else is asked (no composition rules).
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;

/// Passwords that meet the length rule yet are among the first tried by any attacker.
const COMMON_PASSWORDS: [&str; 12] = [
    "1234567890",
    "0123456789",
    "12345678910",
    "qwertyuiop",
    "password123",
    "password1234",
    "passwordpassword",
    "iloveyou123",
    "qwerty123456",
    "1q2w3e4r5t",
    "abcdefghij",
    "administrator",
];

/// A trimmed, lower-cased e-mail address of plausible shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Problem> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(Problem::Required);
        }
        if email.len() > EMAIL_MAX {
            return Err(Problem::TooLong { max: EMAIL_MAX });
        }
        let (local, domain) = email.rsplit_once('@').ok_or(Problem::InvalidEmail)?;
        let plausible = !local.is_empty()
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            // A mail library reads `a<v@x.org>` or `a@x.org, b@y.org` as a name and another
            // address, or as two: an address here is one plain address.
            && !email.chars().any(|c| {
                c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c)
            });
        if plausible {
            Ok(Email(email))
        } else {
            Err(Problem::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name: 1..=100 graphemes, trimmed.
pub fn display_name(raw: &str) -> Result<String, Problem> {
    bounded_text(raw, NAME_MAX)
}

/// A new password: long enough, not absurdly long, not a well-known one, not the e-mail.
pub fn new_password(raw: &str, email: Option<&Email>) -> Result<String, Problem> {
    let length = raw.chars().count();
    if length < PASSWORD_MIN {
        return Err(Problem::TooShort { min: PASSWORD_MIN });
    }
    if length > PASSWORD_MAX {
        return Err(Problem::TooLong { max: PASSWORD_MAX });
    }
    let lower = raw.to_lowercase();
    let one_repeated_char = raw.chars().all(|c| raw.starts_with(c));
    let is_email = email.is_some_and(|e| lower == e.as_str() || lower == local_part(e));
    if one_repeated_char || is_email || COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(Problem::WeakPassword);
    }
    Ok(raw.to_owned())
}

fn local_part(email: &Email) -> &str {
    email.as_str().split('@').next().unwrap_or_default()
}

/// The fields of a new account, each valid; every problem is reported at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: Email,
    pub display_name: String,
    pub password: String,
}

impl NewAccount {
    pub fn parse(email: &str, name: &str, password: &str) -> Result<NewAccount, AppError> {
        let mut checks = Checks::default();
        checks.keep("email", email);
        checks.keep("display_name", name);
        let email = checks.check("email", Email::parse(email));
        let name = checks.check("display_name", display_name(name));
        let password = checks.check("password", new_password(password, email.as_ref()));
        checks.finish()?;
        match (email, name, password) {
            (Some(email), Some(display_name), Some(password)) => Ok(NewAccount {
                email,
                display_name,
                password,
            }),
            _ => Err(AppError::Internal),
        }
    }
}

/// A platform-wide role. Roles inside a workspace come with the workspaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, Problem> {
        match raw {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

/// What the last-administrator rule needs to know about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub role: Role,
    pub disabled: bool,
}

impl AccountState {
    fn is_active_admin(self) -> bool {
        self.role == Role::Admin && !self.disabled
    }
}

/// What the signed-in person's pages need to know about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<String>,
    pub preferred_locale: String,
    /// Their unread notifications, for the header: counted only for the page's own
    /// `who_am_i`, 0 elsewhere.
    #[serde(default)]
    pub unread_notices: i64,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// One row of the administrator's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub organisation_id: Option<String>,
    /// The organisation's name, from the registry.
    pub organisation: Option<String>,
    pub created_at: i64,
}

/// What an administrator may change about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    SetRole(Role),
    SetDisabled(bool),
}

/// Whether the administrator `actor` may apply `change` to the account `target_user_id`, given
/// how many active administrators there are. The platform must never lose its last active
/// administrator. The store calls this inside the transaction that makes the change, with
/// counts read in that transaction, so that two administrators acting at once cannot both pass.
pub fn may_change_account(
    actor: &CurrentUser,
    target_user_id: &str,
    target: AccountState,
    change: AccountChange,
    active_admins: i64,
) -> Result<(), AppError> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let removes_an_active_admin = target.is_active_admin()
        && matches!(
            change,
            AccountChange::SetRole(Role::Member) | AccountChange::SetDisabled(true)
        );
    if removes_an_active_admin && active_admins <= 1 {
        return Err(AppError::field("user", Problem::LastAdmin));
    }
    if actor.user_id == target_user_id && change == AccountChange::SetDisabled(true) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Whether a person may delete their own account: not if they are the last active
/// administrator. Checked, like [`may_change_account`], inside the deleting transaction.
pub fn may_delete_own_account(account: AccountState, active_admins: i64) -> Result<(), AppError> {
    if account.is_active_admin() && active_admins <= 1 {
        return Err(AppError::field("password", Problem::LastAdmin));
    }
    Ok(())
}

/// Whether the set-up code someone typed is the one the server printed. Case, spaces and dashes
/// do not matter (it is read off a log and typed on a phone); the comparison takes the same
/// time wherever the first difference is.
pub fn setup_code_matches(expected: &str, typed: &str) -> bool {
    let canonical = |s: &str| -> Vec<u8> {
        s.bytes()
            .filter(|b| !matches!(b, b' ' | b'-'))
            .map(|b| b.to_ascii_uppercase())
            .collect()
    };
    let (expected, typed) = (canonical(expected), canonical(typed));
    expected.len() == typed.len()
        && !expected.is_empty()
        && expected
            .iter()
            .zip(&typed)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Where to go after signing in: only a path on this site, never another origin, and only
/// visible ASCII (it becomes a `Location` header).
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Everything the platform holds about a person, for them to download (GDPR Art. 15 and 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<String>,
    /// The organisation's name, from the registry.
    pub organisation: Option<String>,
    pub preferred_locale: String,
    pub created_at: i64,
    pub active_sessions: i64,
    /// Their workspaces and what they wrote there.
    #[serde(default)]
    pub workspaces: crate::workspace::model::MyWorkspaceData,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            user_id: "u1".into(),
            email: "ana@example.org".into(),
            display_name: "Ana".into(),
            role,
            organisation_id: None,
            preferred_locale: "en".into(),
            unread_notices: 0,
        }
    }

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ana.Horvat@Example.HR ").unwrap().as_str(),
            "ana.horvat@example.hr"
        );
    }

    #[test]
    fn an_email_without_a_domain_dot_or_at_sign_is_rejected() {
        for raw in [
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana@.org",
            "a b@x.org",
            "a<v@x.org>",
            "a@x.org,b@y.org",
            "\"a\"@x.org",
        ] {
            assert_eq!(Email::parse(raw), Err(Problem::InvalidEmail), "{raw}");
        }
        assert_eq!(Email::parse("   "), Err(Problem::Required));
    }

    #[test]
    fn an_email_longer_than_254_characters_is_rejected() {
        let raw = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&raw), Err(Problem::TooLong { max: 254 }));
    }

    #[test]
    fn a_name_longer_than_100_graphemes_is_rejected() {
        assert!(display_name(&"č".repeat(100)).is_ok());
        assert_eq!(
            display_name(&"č".repeat(101)),
            Err(Problem::TooLong { max: 100 })
        );
    }

    #[test]
    fn a_short_common_repeated_or_email_password_is_rejected() {
        let email = Email::parse("ana.horvat@example.hr").unwrap();
        assert_eq!(
            new_password("short", None),
            Err(Problem::TooShort { min: 10 })
        );
        assert_eq!(
            new_password("Password123", None),
            Err(Problem::WeakPassword)
        );
        assert_eq!(
            new_password("aaaaaaaaaaaa", None),
            Err(Problem::WeakPassword)
        );
        assert_eq!(
            new_password("ana.horvat@example.hr", Some(&email)),
            Err(Problem::WeakPassword)
        );
        assert_eq!(
            new_password(&"x1".repeat(101), None),
            Err(Problem::TooLong { max: 200 })
        );
        assert!(new_password("zagreb rain in november", Some(&email)).is_ok());
    }

    #[test]
    fn a_new_account_reports_every_wrong_field_and_sends_back_all_but_the_password() {
        let err = NewAccount::parse("ana", "", "short").unwrap_err();
        assert_eq!(err.problem("email"), Some(&Problem::InvalidEmail));
        assert_eq!(err.problem("display_name"), Some(&Problem::Required));
        assert_eq!(
            err.problem("password"),
            Some(&Problem::TooShort { min: 10 })
        );
        assert_eq!(err.kept("email"), Some("ana"));
        assert_eq!(err.kept("password"), None);
        let ok = NewAccount::parse(" Ana@Example.org", "Ana", "zagreb rain in november").unwrap();
        assert_eq!(ok.email.as_str(), "ana@example.org");
    }

    const ACTIVE_ADMIN: AccountState = AccountState {
        role: Role::Admin,
        disabled: false,
    };
    const MEMBER: AccountState = AccountState {
        role: Role::Member,
        disabled: false,
    };

    #[test]
    fn only_an_administrator_may_change_an_account() {
        let change = AccountChange::SetRole(Role::Admin);
        assert_eq!(
            may_change_account(&user(Role::Member), "u2", MEMBER, change, 1),
            Err(AppError::Forbidden)
        );
        assert!(may_change_account(&user(Role::Admin), "u2", MEMBER, change, 1).is_ok());
    }

    #[test]
    fn the_last_active_administrator_can_be_neither_demoted_nor_disabled() {
        let admin = user(Role::Admin);
        for change in [
            AccountChange::SetRole(Role::Member),
            AccountChange::SetDisabled(true),
        ] {
            assert_eq!(
                may_change_account(&admin, "u2", ACTIVE_ADMIN, change, 1),
                Err(AppError::field("user", Problem::LastAdmin))
            );
            assert!(may_change_account(&admin, "u2", ACTIVE_ADMIN, change, 2).is_ok());
        }
    }

    #[test]
    fn a_disabled_administrator_may_be_demoted_even_when_one_active_administrator_is_left() {
        let disabled_admin = AccountState {
            role: Role::Admin,
            disabled: true,
        };
        let change = AccountChange::SetRole(Role::Member);
        assert!(may_change_account(&user(Role::Admin), "u2", disabled_admin, change, 1).is_ok());
    }

    #[test]
    fn an_administrator_cannot_disable_their_own_account() {
        let admin = user(Role::Admin);
        assert_eq!(
            may_change_account(
                &admin,
                "u1",
                ACTIVE_ADMIN,
                AccountChange::SetDisabled(true),
                3
            ),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn the_last_active_administrator_cannot_delete_their_account() {
        assert!(may_delete_own_account(ACTIVE_ADMIN, 1).is_err());
        assert!(may_delete_own_account(ACTIVE_ADMIN, 2).is_ok());
        assert!(may_delete_own_account(MEMBER, 1).is_ok());
    }

    #[test]
    fn a_set_up_code_matches_whatever_its_case_spaces_and_dashes() {
        assert!(setup_code_matches("ABCD-EFGH-JKLM", "abcd efgh jklm"));
        assert!(setup_code_matches("ABCD-EFGH-JKLM", "ABCDEFGHJKLM"));
        assert!(!setup_code_matches("ABCD-EFGH-JKLM", "ABCD-EFGH-JKLN"));
        assert!(!setup_code_matches("ABCD-EFGH-JKLM", "ABCD-EFGH"));
        assert!(!setup_code_matches("", ""));
    }

    #[test]
    fn the_page_after_sign_in_is_always_on_this_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
