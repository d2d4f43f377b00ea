//! Reminders. The facilitator of an open round e-mails the respondents invited by account who
//! have not submitted: one of them, or all at once. Each message is in the respondent's own
//! language and links to their response. Nobody is reminded twice within an hour. People with
//! a personal link have no address on the platform: the facilitator copies their link
//! instead, and so does everyone when the platform has no SMTP server.

use super::round::{day_of, Entry, Progress, ResponseSummary};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{error_text, problem_text};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::access::require_facilitator,
    super::remind_store::{self as store, Remindable},
    super::round::Round,
    crate::db::now_ms,
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
    /// The SMTP server did not take their message; they count as not reminded.
    pub failed: usize,
}

/// The subject and text of a reminder, in the respondent's language.
#[cfg(feature = "ssr")]
fn message(to: &Remindable, round: &Round, link: &str) -> (String, String) {
    let locale = crate::ui::parse_locale(&to.locale).unwrap_or_default();
    let name = round.name.clone();
    let subject = td_string!(locale, reminder_subject, round = name.clone()).to_string();
    let mut body = vec![
        td_string!(locale, reminder_greeting, name = to.display_name.clone()).to_string(),
        td_string!(
            locale,
            reminder_body,
            round = name,
            region = round.region_name.clone()
        )
        .to_string(),
    ];
    if let Some(day) = round.closes_at.map(super::round::last_day) {
        body.push(td_string!(locale, reminder_closes, day).to_string());
    }
    body.push(format!(
        "{}\n{link}",
        td_string!(locale, reminder_link, email = to.email.clone())
    ));
    let by = round.facilitator_name.clone();
    body.push(td_string!(locale, reminder_sent_by, name = by).to_string());
    (subject, body.join("\n\n"))
}

/// E-mails a reminder to `response_id`'s respondent, or (`response_id` empty) to every
/// respondent by account of the round who has not submitted.
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
    let people = store::remindable(&db, &round, one).await?;
    if one.is_some() && people.is_empty() {
        return Err(AppError::field("remind", Problem::NotRemindable));
    }
    let view = super::round_store::round_view(&db, round.round().clone()).await?;
    let base = context.public_origin.base();
    // Claiming, sending and undoing a failed claim run to the end in a task of their own: a
    // request given up half-way must not leave someone marked reminded who got nothing.
    let sending = tokio::spawn(async move {
        let mut done = Reminded::default();
        for person in &people {
            if !store::claim(&db, &round, &person.response_id, now).await? {
                done.recent += 1;
                continue;
            }
            let link = format!("{base}/respond/{}", person.response_id);
            let (subject, body) = message(person, &view, &link);
            match mailer.send(&person.email, &subject, body).await {
                Ok(()) => done.sent += 1,
                Err(e) => {
                    tracing::warn!(problem = %e.summary(), response = %person.response_id, "a reminder did not leave");
                    store::unclaim(&db, &round, person, now).await?;
                    done.failed += 1;
                }
            }
        }
        Ok::<_, AppError>(done)
    });
    let done = sending.await.map_err(|e| {
        tracing::error!(error = %e, "sending reminders stopped");
        AppError::Internal
    })??;
    match (one, done) {
        (Some(_), Reminded { recent: 1, .. }) => {
            Err(AppError::field("remind", Problem::RemindedRecently))
        }
        (Some(_), Reminded { failed: 1, .. }) => {
            Err(AppError::field("remind", Problem::MailFailed))
        }
        _ => Ok(done),
    }
}

/// What a respondent's card says about reminders, and its remind button when one can go.
#[component]
pub fn RemindLine(
    round_id: String,
    r: ResponseSummary,
    can_email: bool,
    action: ServerAction<Remind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = matches!(r.progress, Progress::NotStarted | Progress::Started);
    let when = r.reminded.map(|(at, times)| {
        let day = day_of(at);
        view! { <p class="muted">{t!(i18n, round_reminded, times, day)}</p> }
    });
    let button = (can_email && waiting && r.entry == Entry::Account).then(|| {
        view! {
            <ActionForm action>
                <input type="hidden" name="round_id" value=round_id />
                <input type="hidden" name="response_id" value=r.response_id.clone() />
                <button type="submit" class="button">{t!(i18n, round_remind_person)}</button>
            </ActionForm>
        }
    });
    view! { {when} {button} }
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
            }
            .into_any(),
            Err(e) => {
                let text = e
                    .problem("remind")
                    .map(|p| problem_text(i18n, p))
                    .unwrap_or_else(|| error_text(i18n, &e));
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
