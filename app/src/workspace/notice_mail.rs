//! Notifications by e-mail (server only), for the people who ask for them: as they come (at
//! most one message every ten minutes, what came meanwhile together) or a daily digest. A task the server starts when
//! it has an SMTP server (`start`) looks every `NOTICE_MAIL_SECONDS` for people with
//! notifications that are neither read nor mailed, newer than their choice, about workspaces
//! they are still in; it takes their slot (`last_sent_at`) and claims the notifications
//! (`mailed_at`) before the message goes, and gives the notifications back if the SMTP server
//! refuses it, so that the next slot tries again. A notification read in the platform first
//! is never mailed. Without an SMTP server this never runs and nothing else depends on it.
//!
//! Nothing goes to an address before its owner confirms it: choosing e-mail sends a link to
//! the account's address (at most one in ten minutes, and three unanswered in a week), and
//! only the person who can read that mailbox can follow it. Someone who signed up with another
//! person's address can therefore send them no more than those links, whose message says to
//! ignore them and carries nothing the sender wrote.

use super::notice::{AddressLink, AddressState, MailCadence, Notice, NoticeKind};
use super::notice_store::{notice_of, NOTICE_LINE};
use crate::db::{now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use crate::i18n::*;
use crate::identity::session::{new_token, token_hash, SignedIn};
use crate::mail::Mailer;
use futures::FutureExt;
use sqlx::Row;
use std::time::Duration;

/// A digest goes at most once in this long.
pub const DIGEST_EVERY_MS: i64 = 24 * 60 * 60 * 1000;
/// Messages "as they come" go at most once in this long: what comes meanwhile waits for the
/// next, so that nobody, not even the owner of an address someone else signed up with, gets
/// more than a few an hour.
pub const EACH_GAP_MS: i64 = 10 * 60 * 1000;
/// Notifications one message lists (the oldest first); more wait for the next.
pub const PER_MESSAGE: usize = 50;
/// A link to confirm an address can be followed for this long.
pub const CONFIRM_FOR_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Links that may go unanswered, one after the other, before the next waits for the last to
/// expire.
pub const UNANSWERED_LINKS: i64 = 3;

/// How often the person wants their notifications by e-mail, their address, and whether
/// e-mail may go to it.
pub async fn settings(
    db: &Db,
    me: &SignedIn,
) -> Result<(MailCadence, String, AddressState), AppError> {
    let email = me.email.clone();
    let row = sqlx::query(
        "select cadence, pending_email, token_hash, token_sent_at, confirmed_email
         from notice_mail where user_id = $1",
    )
    .bind(&me.user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else {
        return Ok((MailCadence::Never, email, AddressState::Unconfirmed));
    };
    let raw: String = r.try_get("cadence")?;
    let cadence = MailCadence::parse(&raw)
        .ok_or_else(|| crate::db::bad_value("notice_mail.cadence", &raw))?;
    let ours = |column: &str| -> Result<bool, AppError> {
        Ok(r.try_get::<Option<String>, _>(column)?.as_ref() == Some(&email))
    };
    let state = if ours("confirmed_email")? {
        AddressState::Confirmed
    } else if ours("pending_email")?
        && r.try_get::<Option<String>, _>("token_hash")?.is_some()
        && r.try_get::<Option<i64>, _>("token_sent_at")?
            .is_some_and(|at| at > now_ms() - CONFIRM_FOR_MS)
    {
        AddressState::LinkSent
    } else {
        AddressState::Unconfirmed
    };
    Ok((cadence, email, state))
}

/// Sets how often the person gets their notifications by e-mail. Turning e-mail on mails only
/// what comes from then on, not every notification they ever had; and, with a `mailer`,
/// sends a link to confirm the address if it is not confirmed yet.
pub async fn set_cadence(
    db: &Db,
    me: &SignedIn,
    cadence: MailCadence,
    mailer: Option<&Mailer>,
    base: &str,
) -> Result<(), AppError> {
    db.run(
        "insert into notice_mail (user_id, cadence, since) values ($1, $2, $3)
         on conflict (user_id) do update set cadence = excluded.cadence,
           since = case when notice_mail.cadence = 'never' then excluded.since
                        else notice_mail.since end",
        crate::args![&me.user_id, cadence.as_str(), now_ms()],
    )
    .await?;
    match mailer {
        Some(mailer) if cadence != MailCadence::Never => ask_to_confirm(db, mailer, base, me).await,
        _ => Ok(()),
    }
}

/// Sends the person a link to confirm their address, unless it is confirmed, a link went to it
/// in the last ten minutes, or [`UNANSWERED_LINKS`] went unanswered and the last has not
/// expired. The link is taken in one conditional statement, so two saves at once send one
/// message; a message the SMTP server refuses is not counted, but its time is, so a refusing
/// server is not asked again at every save.
async fn ask_to_confirm(
    db: &Db,
    mailer: &Mailer,
    base: &str,
    me: &SignedIn,
) -> Result<(), AppError> {
    let (user_id, email) = (&me.user_id, &me.email);
    let token = new_token();
    let now = now_ms();
    let taken = db
        .run(
            "update notice_mail set token_hash = $2, token_sent_at = $3, pending_email = $5,
               links_unanswered = case when token_sent_at is null or token_sent_at <= $6 then 1
                                       else links_unanswered + 1 end
             where user_id = $1 and coalesce(confirmed_email, '') <> $5
               and (token_sent_at is null or token_sent_at <= $6
                    or (token_sent_at <= $4 and links_unanswered < $7)
                    or coalesce(pending_email, '') <> $5)",
            crate::args![
                user_id,
                token_hash(&token),
                now,
                now - EACH_GAP_MS,
                email,
                now - CONFIRM_FOR_MS,
                UNANSWERED_LINKS
            ],
        )
        .await?;
    if taken.rows == 0 {
        return Ok(());
    }
    let locale = crate::ui::parse_locale(&me.preferred_locale).unwrap_or_default();
    let link = format!("{base}/notifications/confirm/{token}");
    let subject = td_string!(locale, notice_confirm_subject).to_string();
    // Nothing of what the account's holder typed (not even their name): the message may go to
    // someone who never heard of them.
    let body = td_string!(locale, notice_confirm_text, link = link).to_string();
    if let Err(e) = mailer.send(email, &subject, body).await {
        tracing::warn!(problem = %e.summary(), user = %user_id, "the link to confirm an address did not leave");
        db.run(
            "update notice_mail set token_hash = null, links_unanswered = links_unanswered - 1
             where user_id = $1 and token_sent_at = $2",
            crate::args![user_id, now],
        )
        .await?;
        return Err(AppError::field("email", Problem::ConfirmationFailed));
    }
    Ok(())
}

/// The link `token` is to confirm an address with, if it can still be followed: the address
/// while it waits, only whether it was confirmed after (a link kept in a mailbox does not go on
/// telling the address).
pub async fn address_link(db: &Db, token: &str) -> Result<AddressLink, AppError> {
    let row = sqlx::query(
        "select pending_email, confirmed_email, token_sent_at from notice_mail where token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    let stale = || AppError::field("token", Problem::ConfirmLinkStale);
    let Some(r) = row else {
        return Err(stale());
    };
    let address: String = r
        .try_get::<Option<String>, _>("pending_email")?
        .ok_or_else(stale)?;
    let fresh = r
        .try_get::<Option<i64>, _>("token_sent_at")?
        .is_some_and(|at| at > now_ms() - CONFIRM_FOR_MS);
    if !fresh {
        return Err(stale());
    }
    let confirmed = r.try_get::<Option<String>, _>("confirmed_email")?.as_ref() == Some(&address);
    Ok(AddressLink {
        address: (!confirmed).then_some(address),
        confirmed,
    })
}

/// Confirms the address the link `token` went to: e-mail may go there from now on.
#[tracing::instrument(skip_all)]
pub async fn confirm(db: &Db, token: &str) -> Result<(), AppError> {
    let done = db
        .run(
            "update notice_mail set confirmed_email = pending_email, links_unanswered = 0
             where token_hash = $1 and token_sent_at > $2",
            crate::args![token_hash(token), now_ms() - CONFIRM_FOR_MS],
        )
        .await?;
    if done.rows == 0 {
        return Err(AppError::field("token", Problem::ConfirmLinkStale));
    }
    Ok(())
}

/// One person due a message.
struct Due {
    user_id: String,
    cadence: MailCadence,
    since: i64,
    email: String,
    name: String,
    locale: String,
}

/// What one notification says, as a line of text with its link.
fn line(locale: Locale, notice: &Notice, base: &str) -> String {
    let actor = notice
        .actor
        .clone()
        .unwrap_or_else(|| td_string!(locale, former_member).to_string());
    let what = match notice.kind {
        NoticeKind::Mention => td_string!(locale, notice_mention),
        NoticeKind::Reply => td_string!(locale, notice_reply),
        NoticeKind::Invitation => td_string!(locale, notice_invitation),
        NoticeKind::Document => td_string!(locale, notice_document),
    };
    let place = notice
        .thread_title
        .clone()
        .or_else(|| notice.document_name.clone())
        .unwrap_or_else(|| notice.workspace_name.clone());
    format!(
        "- {actor} {what} \u{201c}{place}\u{201d} ({})\n  {base}{}",
        notice.workspace_name,
        notice.href()
    )
}

/// The subject and text of the message of `notices` to someone named `name`.
fn letter(
    locale: Locale,
    name: &str,
    cadence: MailCadence,
    notices: &[Notice],
    base: &str,
) -> (String, String) {
    let count = notices.len();
    let (subject, lead) = match cadence {
        MailCadence::Daily => (
            td_string!(locale, notice_mail_subject_daily, count).to_string(),
            td_string!(locale, notice_mail_lead_daily).to_string(),
        ),
        _ => (
            td_string!(locale, notice_mail_subject_each, count).to_string(),
            td_string!(locale, notice_mail_lead_each).to_string(),
        ),
    };
    let lines: Vec<String> = notices.iter().map(|n| line(locale, n, base)).collect();
    let body = [
        td_string!(locale, reminder_greeting, name = name.to_owned()).to_string(),
        lead,
        lines.join("\n"),
        td_string!(
            locale,
            notice_mail_footer,
            link = format!("{base}/notifications")
        )
        .to_string(),
    ];
    (subject, body.join("\n\n"))
}

/// Whether the notification is still the person's to hear of: an invitation, or about a
/// workspace they are (still) a member of. Someone removed is not mailed what they can no
/// longer read.
const STILL_THEIRS: &str = "(n.kind = 'invitation' or exists (select 1 from workspace_member wm
        where wm.workspace_id = n.workspace_id and wm.user_id = n.user_id))";

/// Takes the person's message slot at `now`, unless another run has it or it is not yet
/// time: each, after [`EACH_GAP_MS`]; daily, after [`DIGEST_EVERY_MS`]. An attempt that fails
/// keeps the slot, so a message that cannot go is tried again only at the next slot.
async fn take_slot(db: &Db, user_id: &str, now: i64) -> Result<bool, AppError> {
    let done = db
        .run(
            "update notice_mail set last_sent_at = $2 where user_id = $1
               and (last_sent_at is null
                    or (cadence = 'each' and last_sent_at <= $3)
                    or (cadence = 'daily' and last_sent_at <= $4))",
            crate::args![user_id, now, now - EACH_GAP_MS, now - DIGEST_EVERY_MS],
        )
        .await?;
    Ok(done.rows == 1)
}

/// Claims, in one statement, the oldest [`PER_MESSAGE`] of the person's notifications that are
/// unread, unmailed, newer than `since` and still theirs, marking them mailed at `now`;
/// answers them.
async fn claim(db: &Db, user_id: &str, since: i64, now: i64) -> Result<Vec<Notice>, AppError> {
    let claim = format!(
        "update notice set mailed_at = $1 where notice_id in (
           select n.notice_id from notice n where n.user_id = $2 and n.read_at is null
             and n.mailed_at is null and n.created_at > $3 and {STILL_THEIRS}
           order by n.created_at, n.notice_id limit $4)"
    );
    let user = user_id.to_owned();
    db.write(move |conn| {
        async move {
            sqlx::query(&claim)
                .bind(now)
                .bind(&user)
                .bind(since)
                .bind(PER_MESSAGE as i64)
                .execute(&mut *conn)
                .await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await?;
    sqlx::query(&format!(
        "{NOTICE_LINE} where n.user_id = $1 and n.mailed_at = $2 order by n.created_at, n.notice_id"
    ))
    .bind(user_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(notice_of)
    .collect()
}

/// Sends one person's message, if it is time and there is something to tell; answers whether
/// one went.
async fn send_to(
    db: &Db,
    mailer: &Mailer,
    base: &str,
    person: &Due,
    now: i64,
) -> Result<bool, AppError> {
    if !take_slot(db, &person.user_id, now).await? {
        return Ok(false);
    }
    let notices = claim(db, &person.user_id, person.since, now).await?;
    if notices.is_empty() {
        return Ok(false);
    }
    let locale = crate::ui::parse_locale(&person.locale).unwrap_or_default();
    let (subject, body) = letter(locale, &person.name, person.cadence, &notices, base);
    match mailer.send(&person.email, &subject, body).await {
        Ok(()) => Ok(true),
        Err(e) => {
            tracing::warn!(problem = %e.summary(), user = %person.user_id, "notifications did not leave");
            db.run(
                "update notice set mailed_at = null where user_id = $1 and mailed_at = $2",
                crate::args![&person.user_id, now],
            )
            .await?;
            Ok(false)
        }
    }
}

/// Sends every message due at `now`; answers how many went. One person's failure does not
/// hold up the others'.
#[tracing::instrument(skip_all)]
pub async fn send_due(db: &Db, mailer: &Mailer, base: &str, now: i64) -> Result<usize, AppError> {
    let due = sqlx::query(&format!(
        "select m.user_id, m.cadence, m.since, u.email, u.display_name, u.preferred_locale
         from notice_mail m join app_user u on u.user_id = m.user_id
         where u.disabled = 0 and m.cadence <> 'never' and m.confirmed_email = u.email
           and (m.last_sent_at is null
                or (m.cadence = 'each' and m.last_sent_at <= $1)
                or (m.cadence = 'daily' and m.last_sent_at <= $2))
           and exists (select 1 from notice n where n.user_id = m.user_id and n.read_at is null
                         and n.mailed_at is null and n.created_at > m.since and {STILL_THEIRS})"
    ))
    .bind(now - EACH_GAP_MS)
    .bind(now - DIGEST_EVERY_MS)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let cadence: String = r.try_get("cadence")?;
        Ok(Due {
            user_id: r.try_get("user_id")?,
            cadence: MailCadence::parse(&cadence)
                .ok_or_else(|| crate::db::bad_value("notice_mail.cadence", &cadence))?,
            since: r.try_get("since")?,
            email: r.try_get("email")?,
            name: r.try_get("display_name")?,
            locale: r.try_get("preferred_locale")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let mut sent = 0;
    for person in &due {
        match send_to(db, mailer, base, person, now).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = ?e, user = %person.user_id, "mailing one person's notifications failed")
            }
        }
    }
    Ok(sent)
}

/// Starts the task that sends what is due every `every`, for as long as the process runs (or
/// until it is aborted).
pub fn start(db: Db, mailer: Mailer, base: String, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match send_due(&db, &mailer, &base, now_ms()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "notifications mailed"),
                Err(e) => tracing::warn!(error = ?e, "mailing notifications failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_who_did_what_where_with_links_in_the_persons_language() {
        let notice = Notice {
            notice_id: "n".into(),
            kind: NoticeKind::Reply,
            workspace_id: "w".into(),
            workspace_name: "Cluster financing".into(),
            thread_id: Some("t".into()),
            thread_title: Some("Vouchers".into()),
            post_id: Some("p".into()),
            document_name: None,
            actor: None,
            created_at: 0,
            read: false,
        };
        let (subject, body) = letter(
            Locale::en,
            "Ana",
            MailCadence::Daily,
            std::slice::from_ref(&notice),
            "https://example.org",
        );
        assert!(subject.contains("daily digest"), "{subject}");
        assert!(body.starts_with("Hello Ana,"), "{body}");
        assert!(
            body.contains(
                "- former member replied in \u{201c}Vouchers\u{201d} (Cluster financing)\n  \
                 https://example.org/workspaces/w/threads/t#post-p"
            ),
            "{body}"
        );
        assert!(body.contains("https://example.org/notifications"), "{body}");
        let (subject, body) = letter(
            Locale::hr,
            "Ana",
            MailCadence::Each,
            &[notice],
            "https://example.org",
        );
        assert!(!subject.contains("digest"), "{subject}");
        assert!(body.contains("bivši član"), "{body}");
    }
}
