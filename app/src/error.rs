//! The one error type that crosses the network.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What is wrong with one form field. The UI turns each into a sentence in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    InvalidEmail,
    InvalidUrl,
    WeakPassword,
    EmailTaken,
    NameTaken,
    WrongCredentials,
    AccountDisabled,
    Mismatch,
    UnknownChoice,
    LastAdmin,
    WrongCode,
    InvalidCharacters,
    /// A template file that does not keep the rules: where (a path such as
    /// `sections[2].items[0].show_if`, or a line and column) and what, in English.
    BadTemplate {
        path: String,
        message: String,
    },
    /// A number or score outside what its question allows.
    OutOfRange,
    /// An answer to a question that the answers given so far hide.
    Hidden,
    InvalidDate,
    DateInPast,
    /// No enabled account has this e-mail.
    NoSuchAccount,
    AlreadyInvited,
    /// The round takes no more answers.
    RoundClosed,
    /// The response was submitted; the facilitator can reopen it.
    AlreadySubmitted,
    /// Only a submitted response can be reopened.
    NotSubmitted,
    /// Fewer than 3 submitted responses: the round's results cannot be shown to others.
    TooFewRespondents,
    /// The facilitator asked to review their own round.
    OwnRound,
    /// The reviewer asked for works for an organisation in the reviewed region.
    SameRegion,
    /// The platform has no SMTP server, so it sends no e-mail.
    MailOff,
    /// The SMTP server did not take the message.
    MailFailed,
    /// The facilitator's e-mails for the day are used up.
    MailLimit,
    /// An invitation or reminder went to this person less than an hour ago.
    RemindedRecently,
    /// Nobody to remind: submitted, withdrawn, or invited by link (no address on the platform).
    NotRemindable,
    /// Two entries of a list are the same (ignoring case).
    Duplicate {
        text: String,
    },
    TooFewChoices {
        min: usize,
    },
    TooManyChoices {
        max: usize,
    },
    /// The workshop's facilitator has closed it to newcomers.
    JoiningLocked,
    /// The activity is not the one shown, or its facilitator closed it for answers.
    ActivityClosed,
    /// A template keeps an agenda; workshops started from it are run, never the template.
    TemplateNotRun,
    /// A participant upvoted their own question.
    OwnQuestion,
    /// A World Café participant who sits at no table yet.
    NoTable,
    /// A World Café's dot vote waits for the harvest of its tables.
    NotHarvested,
    /// A participant's dots (of a SWOT quadrant, or of the board) are all placed.
    NoDotsLeft {
        max: usize,
    },
    /// The change would leave a workspace without an owner.
    LastOwner,
    /// An invitation link that its workspace's facilitators revoked.
    LinkRevoked,
    LinkExpired,
    /// An invitation link that let in as many people as it was made for.
    LinkUsedUp,
    /// The person is a member of the workspace already.
    AlreadyMember,
    /// Another workspace has this name (ignoring case and spacing).
    WorkspaceNameTaken,
    /// The choice of e-mail is saved, but the SMTP server did not take the message with the
    /// link to confirm the address.
    ConfirmationFailed,
    /// A link to confirm an address that expired, or that a newer link replaced.
    ConfirmLinkStale,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("please sign in")]
    Unauthorized,
    #[error("you may not do that")]
    Forbidden,
    #[error("please correct the marked fields")]
    Invalid {
        fields: BTreeMap<String, Problem>,
        /// What was typed into the fields that may travel back (never a password), so that a
        /// form posted without JavaScript, which comes back through a redirect, is still filled.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        kept: BTreeMap<String, String>,
    },
    #[error("too many attempts, please wait a minute")]
    RateLimited,
    /// The request could not be read: missing or malformed arguments. A person using the
    /// platform's own pages only meets it with an outdated page open.
    #[error("the request was not understood")]
    BadRequest,
    /// The browser could not reach the server (offline, or the server is down).
    #[error("the server could not be reached")]
    Unreachable,
    #[error("something went wrong on our side")]
    Internal,
}

impl AppError {
    /// A single-field validation error.
    pub fn field(name: &str, problem: Problem) -> Self {
        AppError::Invalid {
            fields: BTreeMap::from([(name.to_owned(), problem)]),
            kept: BTreeMap::new(),
        }
    }

    /// Adds a field problem to a validation error; any other error becomes one.
    pub fn also(self, name: &str, problem: Problem) -> Self {
        match self {
            AppError::Invalid { mut fields, kept } => {
                fields.insert(name.to_owned(), problem);
                AppError::Invalid { fields, kept }
            }
            _ => AppError::field(name, problem),
        }
    }

    /// Sends back what was typed into a field along with a validation error.
    pub fn keeping(mut self, name: &str, typed: &str) -> Self {
        if let (AppError::Invalid { kept, .. }, true) = (&mut self, typed.len() <= KEEP_MAX) {
            kept.insert(name.to_owned(), typed.to_owned());
        }
        self
    }

    /// Takes out what the error carries back of the typed text (it is about to travel in a URL).
    pub fn take_kept(&mut self) -> BTreeMap<String, String> {
        match self {
            AppError::Invalid { kept, .. } => std::mem::take(kept),
            _ => BTreeMap::new(),
        }
    }

    /// Puts back typed text that travelled separately (see [`KeptText`]).
    pub fn with_kept(mut self, fields: &BTreeMap<String, String>) -> Self {
        if let AppError::Invalid { kept, .. } = &mut self {
            for (name, typed) in fields {
                kept.entry(name.clone()).or_insert_with(|| typed.clone());
            }
        }
        self
    }

    /// What was typed into a field, when the error carries it back.
    pub fn kept(&self, name: &str) -> Option<&str> {
        match self {
            AppError::Invalid { kept, .. } => kept.get(name).map(String::as_str),
            _ => None,
        }
    }

    /// The problem recorded for one field, if any.
    pub fn problem(&self, name: &str) -> Option<&Problem> {
        match self {
            AppError::Invalid { fields, .. } => fields.get(name),
            _ => None,
        }
    }

    /// The HTTP status that tells a non-browser client what kind of mistake this was.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            // The request was right; the mail server is missing or refused: not the caller's
            // mistake, so a script caller may retry a 502 and knows a 503 will not change.
            AppError::Invalid { fields, .. } if fields.values().any(|p| *p == Problem::MailOff) => {
                503
            }
            AppError::Invalid { fields, .. }
                if fields
                    .values()
                    .any(|p| matches!(p, Problem::MailFailed | Problem::ConfirmationFailed)) =>
            {
                502
            }
            AppError::Invalid { .. } => 422,
            AppError::RateLimited => 429,
            AppError::BadRequest => 400,
            AppError::Unreachable => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// The framework's own errors never reach a person as text: the decoder's message names
    /// fields and types, and the rest is internal. Unreadable input is the caller's mistake
    /// (400); a failed request in the browser means the server is out of reach.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            #[cfg(feature = "ssr")]
            other => {
                tracing::error!(error = %other, "server function failed outside its body");
                AppError::Internal
            }
            #[cfg(not(feature = "ssr"))]
            _ => AppError::Internal,
        }
    }
}

/// What a form posted without JavaScript sent back after a mistake, on its way from the server
/// function's answer to the next render of the page, in a cookie rather than in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptText {
    /// The server function's path, so that only its own form is filled.
    pub path: String,
    pub fields: BTreeMap<String, String>,
}

/// Longer text is not sent back: it would make the redirect of a form posted without
/// JavaScript (which carries the error in its URL) too long.
const KEEP_MAX: usize = 1_000;

/// Collects field problems while parsing a form, so that every mistake is reported at once.
#[derive(Debug, Default)]
pub struct Checks {
    fields: BTreeMap<String, Problem>,
    kept: BTreeMap<String, String>,
}

impl Checks {
    /// Keeps the parsed value, or records why the field is wrong.
    pub fn check<T>(&mut self, name: &str, parsed: Result<T, Problem>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(problem) => {
                self.fields.insert(name.to_owned(), problem);
                None
            }
        }
    }

    /// Sends what was typed into the field back with the error, should there be one.
    pub fn keep(&mut self, name: &str, typed: &str) {
        if typed.len() <= KEEP_MAX {
            self.kept.insert(name.to_owned(), typed.to_owned());
        }
    }

    pub fn fail(&mut self, name: &str, problem: Problem) {
        self.fields.insert(name.to_owned(), problem);
    }

    /// `Ok` when no field was wrong.
    pub fn finish(self) -> Result<(), AppError> {
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid {
                fields: self.fields,
                kept: self.kept,
            })
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            _ => {
                tracing::error!(error = ?e, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_problem_is_reported_together() {
        let mut checks = Checks::default();
        let a: Option<u8> = checks.check("a", Err(Problem::Required));
        let b = checks.check("b", Ok(2));
        checks.fail("c", Problem::Mismatch);
        checks.keep("b", "two");
        assert_eq!(a, None);
        assert_eq!(b, Some(2));
        let err = checks.finish().unwrap_err();
        assert_eq!(err.problem("a"), Some(&Problem::Required));
        assert_eq!(err.problem("c"), Some(&Problem::Mismatch));
        assert_eq!(err.kept("b"), Some("two"));
        assert_eq!(err.kept("c"), None);
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn a_missing_or_refusing_mail_server_is_not_the_callers_mistake() {
        assert_eq!(AppError::field("remind", Problem::MailOff).status(), 503);
        assert_eq!(AppError::field("remind", Problem::MailFailed).status(), 502);
        assert_eq!(
            AppError::field("remind", Problem::RoundClosed).status(),
            422
        );
    }

    #[test]
    fn text_longer_than_a_thousand_bytes_is_not_sent_back() {
        let long = "x".repeat(1_001);
        let mut checks = Checks::default();
        checks.keep("a", &long);
        checks.fail("a", Problem::TooLong { max: 100 });
        assert_eq!(checks.finish().unwrap_err().kept("a"), None);
        let err = AppError::field("b", Problem::Required).keeping("b", &long);
        assert_eq!(err.kept("b"), None);
    }

    #[test]
    fn unreadable_arguments_are_a_bad_request_and_the_decoders_text_is_dropped() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `password`".into(),
        ));
        assert_eq!(err, AppError::BadRequest);
        assert_eq!(err.status(), 400);
        assert!(!String::from_utf8_lossy(&err.ser()).contains("password"));
    }

    #[test]
    fn typed_text_taken_out_of_an_error_can_be_put_back() {
        let mut err = AppError::field("email", Problem::InvalidEmail).keeping("email", "ana@");
        let kept = err.take_kept();
        assert_eq!(err.kept("email"), None);
        assert_eq!(err.with_kept(&kept).kept("email"), Some("ana@"));
    }

    #[test]
    fn an_error_survives_the_trip_through_its_encoding() {
        let err = AppError::field("email", Problem::TooLong { max: 254 }).keeping("email", "ana@");
        let decoded = AppError::de(err.ser());
        assert_eq!(decoded, err);
    }
}
