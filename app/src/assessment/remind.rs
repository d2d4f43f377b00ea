//! Invitations and reminders by e-mail. When the platform has an SMTP server, an invitation
//! goes out as someone is invited: by account, or by a personal link the facilitator gave an
//! address for. Later the facilitator of an open round reminds those who have not submitted:
//! one of them, or all at once. Each message is in the respondent's own language (for a
//! personal link, the facilitator's) and links to their response. Nobody is reminded twice
//! within an hour, nor within an hour of the invitation. Without an address or without SMTP,
//! the facilitator copies the link instead.

use super::round::{day_of, Entry, Progress, ResponseSummary};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::field_or_error_text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::access::{require_facilitator, Facilitator},
    super::remind_store::{self as store, Claim, Recipient},
    super::round::Round,
    crate::db::{now_ms, Db},
    crate::error::Problem,
    crate::ssr,
};

/// Someone reminded is not reminded again for an hour.
pub const REMIND_AGAIN_AFTER_MS: i64 = 60 * 60 * 1000;

/// What one press of a remind button did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminded {
    pub sent: usize,
    /// Reminded within the last hour, so left alone.
    pub recent: usize,
    /// The SMTP server did not take their message, or one before theirs (the rest of the
    /// batch is not tried); they count as not reminded.
    pub failed: usize,
    /// Left alone: the facilitator's e-mails for the day are used up ([`MailQuota`]).
    ///
    /// [`MailQuota`]: crate::ssr::MailQuota
    pub limited: usize,
}

/// What became of the e-mail of an invitation that was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Invitation {
    Mailed,
    /// No SMTP server, no address, or the round is closed: the facilitator sends the link.
    NotMailed,
    /// They got an e-mail from the platform less than an hour ago: a reminder can go later.
    MailedRecently,
    /// The SMTP server did not take it; a reminder can try again.
    MailFailed,
    /// The facilitator's e-mails for the day are used up; a reminder can go tomorrow.
    DailyLimit,
}

#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
enum Letter {
    Invitation,
    Reminder,
}

/// The subject and text of an invitation or reminder, in the respondent's language.
#[cfg(feature = "ssr")]
fn message(letter: Letter, to: &Recipient, round: &Round, link: &str) -> (String, String) {
    let locale = crate::ui::parse_locale(&to.locale).unwrap_or_default();
    let name = round.name.clone();
    let region = round.region_name.clone();
    let by = round.facilitator_name.clone();
    let (subject, lead) = match letter {
        Letter::Invitation => (
            td_string!(locale, invitation_subject, round = name.clone()).to_string(),
            td_string!(
                locale,
                invitation_body,
                name = by.clone(),
                round = name,
                region
            )
            .to_string(),
        ),
        Letter::Reminder => (
            td_string!(locale, reminder_subject, round = name.clone()).to_string(),
            td_string!(locale, reminder_body, round = name, region).to_string(),
        ),
    };
    let mut body = vec![
        td_string!(locale, reminder_greeting, name = to.name.clone()).to_string(),
        lead,
    ];
    if let Some(day) = round.closes_at.map(super::round::last_day) {
        body.push(td_string!(locale, reminder_closes, day).to_string());
    }
    let follow = match (&to.code, letter) {
        (Some(_), _) => td_string!(locale, reminder_link_personal).to_string(),
        (None, Letter::Invitation) => {
            td_string!(locale, invitation_link, email = to.email.clone()).to_string()
        }
        (None, Letter::Reminder) => {
            td_string!(locale, reminder_link, email = to.email.clone()).to_string()
        }
    };
    body.push(format!("{follow}\n{link}"));
    body.push(td_string!(locale, reminder_sent_by, name = by).to_string());
    (subject, body.join("\n\n"))
}

/// E-mails the invitation of `response_id`, just made, when it can go: the platform has an
/// SMTP server, the respondent an address, and the round is open.
#[cfg(feature = "ssr")]
pub(super) async fn invite_by_mail(
    db: Db,
    round: Facilitator,
    response_id: String,
) -> Result<Invitation, AppError> {
    let context = ssr::context()?;
    let now = now_ms();
    let Some(mailer) = context.mailer.filter(|_| round.round().is_open(now)) else {
        return Ok(Invitation::NotMailed);
    };
    let Some(person) = store::recipients(&db, &round, Some(&response_id))
        .await?
        .pop()
    else {
        return Ok(Invitation::NotMailed);
    };
    let view = super::round_store::round_view(&db, round.round().clone()).await?;
    let link = person.link(&context.public_origin.base());
    let (subject, body) = message(Letter::Invitation, &person, &view, &link);
    let (quota, sender) = (context.mail_quota.clone(), round.user.user_id.clone());
    // Claimed before it is sent and undone if it does not leave: a reminder pressed meanwhile
    // waits its hour.
    to_the_end("an invitation", async move {
        if !store::claim(&db, &round, &person, now, Claim::Invitation).await? {
            return Ok(Invitation::MailedRecently);
        }
        if !quota.take(&sender, 1) {
            store::unclaim_invitation(&db, &round, &person.response_id, now).await?;
            return Ok(Invitation::DailyLimit);
        }
        match mailer.send(&person.email, &subject, body).await {
            Ok(()) => Ok(Invitation::Mailed),
            Err(e) => {
                tracing::warn!(problem = %e.summary(), response = %person.response_id, "an invitation did not leave");
                store::unclaim_invitation(&db, &round, &person.response_id, now).await?;
                Ok(Invitation::MailFailed)
            }
        }
    })
    .await
}

/// Runs the sending of `what` (claims, e-mails and the undoing of failed claims) in a task of
/// its own, to the end: a request given up half-way must not leave someone marked as mailed
/// who got nothing.
#[cfg(feature = "ssr")]
async fn to_the_end<T: Send + 'static>(
    what: &'static str,
    sending: impl std::future::Future<Output = Result<T, AppError>> + Send + 'static,
) -> Result<T, AppError> {
    tokio::spawn(sending).await.map_err(|e| {
        tracing::error!(error = %e, what, "sending stopped");
        AppError::Internal
    })?
}

/// E-mails a reminder to `response_id`'s respondent, or (`response_id` empty) to every
/// respondent of the round with an address who has not submitted.
#[server(endpoint = "assessment/remind")]
pub async fn remind(
    round_id: String,
    #[server(default)] response_id: String,
) -> Result<Reminded, AppError> {
    let db = ssr::db()?;
    let round = require_facilitator(&db, &round_id).await?;
    let context = ssr::context()?;
    // Each press sends e-mail the facilitator words in part (the round's name): a facilitator
    // presses within the limits of a sign-in attempt.
    let key = format!("remind:{}", round.user.user_id);
    context.limits.attempt(ssr::client_ip(), Some(&key))?;
    let Some(mailer) = context.mailer else {
        return Err(AppError::field("remind", Problem::MailOff));
    };
    let now = now_ms();
    if !round.round().is_open(now) {
        return Err(AppError::field("remind", Problem::RoundClosed));
    }
    let one = (!response_id.is_empty()).then_some(response_id.as_str());
    let people = store::recipients(&db, &round, one).await?;
    if one.is_some() && people.is_empty() {
        return Err(AppError::field("remind", Problem::NotRemindable));
    }
    let view = super::round_store::round_view(&db, round.round().clone()).await?;
    let base = context.public_origin.base();
    let (quota, sender) = (context.mail_quota.clone(), round.user.user_id.clone());
    let done = to_the_end("reminders", async move {
        let mut done = Reminded::default();
        for person in &people {
            // After the mail server refused one, or the day's allowance ran out, the rest of
            // the batch is not tried: during an outage each try would spend the allowance.
            if done.failed > 0 {
                done.failed += 1;
                continue;
            }
            if done.limited > 0 {
                done.limited += 1;
                continue;
            }
            if !store::claim(&db, &round, person, now, Claim::Reminder).await? {
                done.recent += 1;
                continue;
            }
            if !quota.take(&sender, 1) {
                store::unclaim(&db, &round, person, now).await?;
                done.limited += 1;
                continue;
            }
            let (subject, body) = message(Letter::Reminder, person, &view, &person.link(&base));
            match mailer.send(&person.email, &subject, body).await {
                Ok(()) => done.sent += 1,
                Err(e) => {
                    tracing::warn!(problem = %e.summary(), response = %person.response_id, "a reminder did not leave");
                    store::unclaim(&db, &round, person, now).await?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    })
    .await?;
    match (one, done) {
        (Some(_), Reminded { recent: 1, .. }) => {
            Err(AppError::field("remind", Problem::RemindedRecently))
        }
        (Some(_), Reminded { failed: 1, .. }) => {
            Err(AppError::field("remind", Problem::MailFailed))
        }
        (Some(_), Reminded { limited: 1, .. }) => {
            Err(AppError::field("remind", Problem::MailLimit))
        }
        _ => Ok(done),
    }
}

/// What a respondent's card says about invitation and reminders by e-mail, and its remind
/// button when one can go.
#[component]
pub fn RemindLine(
    round_id: String,
    r: ResponseSummary,
    can_email: bool,
    action: ServerAction<Remind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = matches!(r.progress, Progress::NotStarted | Progress::Started);
    let invited = r.invited.map(|at| {
        let day = day_of(at);
        view! { <p class="muted">{t!(i18n, round_invited_by_mail, day)}</p> }
    });
    let when = r.reminded.map(|(at, times)| {
        let day = day_of(at);
        view! { <p class="muted">{t!(i18n, round_reminded, times, day)}</p> }
    });
    let has_address = r.entry == Entry::Account || r.email.is_some();
    let button = (can_email && waiting && has_address).then(|| {
        view! {
            <ActionForm action>
                <input type="hidden" name="round_id" value=round_id />
                <input type="hidden" name="response_id" value=r.response_id.clone() />
                <button type="submit" class="button">{t!(i18n, round_remind_person)}</button>
            </ActionForm>
        }
    });
    view! { {invited} {when} {button} }
}

/// The reminders block of a round's page: remind everyone who has not submitted, and what the
/// last press did.
#[component]
pub fn RemindAll(
    round_id: String,
    can_email: bool,
    open: bool,
    action: ServerAction<Remind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = move || {
        action.value().get().map(|result| match result {
            Ok(r) => view! {
                <p class="notice notice-ok" role="status">
                    {t!(i18n, round_reminded_outcome, sent = r.sent, recent = r.recent, failed = r.failed)}
                </p>
                {(r.limited > 0).then(|| view! {
                    <p class="notice notice-error" role="alert">
                        {t!(i18n, round_reminded_limited, limited = r.limited)}
                    </p>
                })}
            }
            .into_any(),
            Err(e) => {
                let text = field_or_error_text(i18n, &e, "remind");
                view! { <p class="notice notice-error" role="alert">{text}</p> }.into_any()
            }
        })
    };
    let form = (can_email && open).then(|| {
        view! {
            <ActionForm action>
                <input type="hidden" name="round_id" value=round_id />
                <button type="submit" class="button">{t!(i18n, round_remind_all)}</button>
            </ActionForm>
        }
    });
    view! {
        <h2>{t!(i18n, round_remind_title)}</h2>
        {if can_email {
            view! { <p class="hint">{t!(i18n, round_remind_intro)}</p> }.into_any()
        } else {
            view! { <p class="hint">{t!(i18n, round_remind_no_email)}</p> }.into_any()
        }}
        {outcome}
        {form}
    }
}
