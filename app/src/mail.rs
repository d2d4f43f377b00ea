//! E-mail through an SMTP server, when the platform is given one (`SMTP_URL`). Without it the
//! platform sends no e-mail, and nothing that would send one fails for that: the pages offer
//! what works without (a link to copy) and say that e-mail is not set up.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one conversation with the SMTP server may take before the send counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// A configured way out for e-mail. Cloning shares the connection pool.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    // The transport holds the SMTP password: only the sender is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// Why a message did not leave.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the recipient is not an e-mail address")]
    Address,
    #[error("the text could not be encoded")]
    Encoding,
    #[error("the message could not be built: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("the SMTP server did not take the message: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailError {
    /// What went wrong, for the log: not the SMTP server's own words, which often repeat the
    /// recipient's address.
    pub fn summary(&self) -> String {
        match self {
            MailError::Smtp(e) => match e.status() {
                Some(code) => format!("the SMTP server answered {code}"),
                None => "the SMTP server could not be reached or did not answer".to_owned(),
            },
            other => other.to_string(),
        }
    }
}

/// A password in `url` must not cross the network in clear text: only over TLS (`smtps://`,
/// or STARTTLS with `tls=required`), or to a server on this machine.
fn check_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("SMTP_URL is not a URL: {e}"))?;
    let encrypted = parsed.scheme() == "smtps"
        || parsed
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required");
    // `smtp` is not a scheme the URL standard knows: its host comes back as written.
    let local = parsed.host_str().is_some_and(|h| {
        let h = h.trim_start_matches('[').trim_end_matches(']');
        h == "localhost"
            || h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    if parsed.password().is_some() && !encrypted && !local {
        return Err(
            "SMTP_URL would send its password unencrypted: use smtps://… or add ?tls=required"
                .to_owned(),
        );
    }
    Ok(())
}

impl Mailer {
    /// `url`: `smtp://host:25` (a relay that needs no encryption, such as one on this
    /// machine), `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`. `from`: `Name <address>` or an address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("MAIL_FROM {from:?} is not an e-mail address: {e}"))?;
        check_url(url)?;
        // The URL may hold a password: the error names the problem, not the URL.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends a plain-text message to one person.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        // An address, not a mailbox: text such as `a<v@x.org>` must not reach someone else.
        let to = Mailbox::new(None, to.parse().map_err(|_| MailError::Address)?);
        // Quoted-printable keeps a message in any language readable in its source, and every
        // SMTP server takes it.
        let body = Body::new_with_encoding(body, ContentTransferEncoding::QuotedPrintable)
            .map_err(|_| MailError::Encoding)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_goes_only_over_tls_or_to_this_machine() {
        assert!(check_url("smtp://ana:secret@mail.example.org:587").is_err());
        assert!(check_url("smtp://ana:secret@mail.example.org:587?tls=opportunistic").is_err());
        assert!(check_url("smtp://ana:secret@mail.example.org:587?tls=required").is_ok());
        assert!(check_url("smtps://ana:secret@mail.example.org").is_ok());
        assert!(check_url("smtp://ana:secret@127.0.0.1:25").is_ok());
        assert!(check_url("smtp://ana:secret@[::1]:25").is_ok());
        assert!(check_url("smtp://ana:secret@127.0.0.1.example.org:25").is_err());
        assert!(check_url("smtp://relay.example.org:25").is_ok());
        assert!(check_url("not a url").is_err());
    }
}
