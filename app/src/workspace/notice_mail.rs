//! Notifications by e-mail (server only), for the people who ask for them: each as it comes
//! (what arrived within the same run together) or a daily digest. A task the server starts when
//! it has an SMTP server (`start`) looks every `NOTICE_MAIL_SECONDS` for people with
//! notifications that are neither read nor mailed, newer than their choice; it claims them
//! (`mailed_at`) before the message goes, and gives them back if the SMTP server refuses it,
//! so that the next run tries again. A notification read in the platform first is never
//! mailed. Without an SMTP server this never runs and nothing else depends on it.

use super::notice::{MailCadence, Notice, NoticeKind};
use super::notice_store::{notice_of, NOTICE_LINE};
use crate::db::{now_ms, Db, Outcome};
use crate::error::AppError;
use crate::i18n::*;
use crate::identity::session::SignedIn;
use crate::mail::Mailer;
use futures::FutureExt;
use sqlx::Row;
use std::time::Duration;

/// A digest goes at most once in this long.
pub const DIGEST_EVERY_MS: i64 = 24 * 60 * 60 * 1000;
/// Notifications one message lists (the oldest first); more wait for the next.
pub const PER_MESSAGE: usize = 50;

/// How often the person wants their notifications by e-mail.
pub async fn cadence(db: &Db, user_id: &str) -> Result<MailCadence, AppError> {
    let row = sqlx::query("select cadence from notice_mail where user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        None => Ok(MailCadence::Never),
        Some(r) => {
            let raw: String = r.try_get("cadence")?;
            MailCadence::parse(&raw)
                .ok_or_else(|| crate::db::bad_value("notice_mail.cadence", &raw))
        }
    }
}

/// Sets how often the person gets their notifications by e-mail. Turning e-mail on mails only
/// what comes from then on, not every notification they ever had.
pub async fn set_cadence(db: &Db, me: &SignedIn, cadence: MailCadence) -> Result<(), AppError> {
    match cadence {
        MailCadence::Never => {
            db.run(
                "delete from notice_mail where user_id = $1",
                crate::args![&me.user_id],
            )
            .await?
        }
        on => {
            db.run(
                "insert into notice_mail (user_id, cadence, since) values ($1, $2, $3)
                 on conflict (user_id) do update set cadence = excluded.cadence",
                crate::args![&me.user_id, on.as_str(), now_ms()],
            )
            .await?
        }
    };
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

/// Marks the notifications mailed at `now`, each only if no other run took it; answers those
/// this run took.
async fn claim(db: &Db, notices: Vec<Notice>, now: i64) -> Result<Vec<Notice>, AppError> {
    db.write(move |conn| {
        async move {
            let mut taken = Vec::with_capacity(notices.len());
            for notice in notices {
                let done = sqlx::query(
                    "update notice set mailed_at = $2 where notice_id = $1 and mailed_at is null",
                )
                .bind(&notice.notice_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                if done.rows_affected() == 1 {
                    taken.push(notice);
                }
            }
            Ok(Outcome::Keep(taken))
        }
        .boxed()
    })
    .await
}

/// Gives back what a run claimed at `now` and could not send.
async fn unclaim(db: &Db, ids: Vec<String>, now: i64) -> Result<(), AppError> {
    db.write(move |conn| {
        async move {
            for id in ids {
                sqlx::query(
                    "update notice set mailed_at = null where notice_id = $1 and mailed_at = $2",
                )
                .bind(&id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}

/// Sends every message due at `now`; answers how many went.
#[tracing::instrument(skip_all)]
pub async fn send_due(db: &Db, mailer: &Mailer, base: &str, now: i64) -> Result<usize, AppError> {
    let due = sqlx::query(
        "select m.user_id, m.cadence, m.since, u.email, u.display_name, u.preferred_locale
         from notice_mail m join app_user u on u.user_id = m.user_id
         where u.disabled = 0
           and (m.cadence = 'each' or m.last_sent_at is null or m.last_sent_at <= $1)
           and exists (select 1 from notice n where n.user_id = m.user_id and n.read_at is null
                         and n.mailed_at is null and n.created_at > m.since)",
    )
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
    for person in due {
        let notices = sqlx::query(&format!(
            "{NOTICE_LINE} where n.user_id = $1 and n.read_at is null and n.mailed_at is null
               and n.created_at > $2
             order by n.created_at, n.notice_id limit $3"
        ))
        .bind(&person.user_id)
        .bind(person.since)
        .bind(PER_MESSAGE as i64)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(notice_of)
        .collect::<Result<Vec<_>, AppError>>()?;
        let notices = claim(db, notices, now).await?;
        if notices.is_empty() {
            continue;
        }
        let locale = crate::ui::parse_locale(&person.locale).unwrap_or_default();
        let (subject, body) = letter(locale, &person.name, person.cadence, &notices, base);
        match mailer.send(&person.email, &subject, body).await {
            Ok(()) => {
                db.run(
                    "update notice_mail set last_sent_at = $2 where user_id = $1",
                    crate::args![&person.user_id, now],
                )
                .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(problem = %e.summary(), user = %person.user_id, "notifications did not leave");
                let ids = notices.into_iter().map(|n| n.notice_id).collect();
                unclaim(db, ids, now).await?;
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
