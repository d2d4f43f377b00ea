//! Invitations and reminders by e-mail, on SQLite and on PostgreSQL, delivered over real SMTP
//! to a small server in the test (`common::smtp`).

mod common;

use app::assessment::remind::{Invitation, Remind, Reminded};
use app::assessment::round::{Progress, ResponseSummary};
use app::assessment::round_api::{InviteAccount, InviteLink, SetResponseRevoked, SetRoundClosed};
use app::error::Problem;
use app::identity::api::SetLocale;
use common::rounds::{personal_link, round, start, submit_complete};
use common::smtp::{with_mail, SmtpSink};
use common::{client, error, on_each_engine, on_each_engine_with, setup_admin, TestApp};
use leptos::server_fn::ServerFn;
use server::config::Config;

/// Signs a person up and invites them to the round by account; returns their client.
async fn invite(app: &TestApp, round_id: &str, email: &str) -> reqwest::Client {
    let who = client();
    app.sign_up(&who, email).await;
    let form = [("round_id", round_id), ("email", email)];
    assert_eq!(app.call(InviteAccount::PATH, &form).await.0, 200);
    who
}

/// Invites someone (by account or by personal link, after `path`) as the facilitator; the
/// invitation is made, and what became of its e-mail is the answer.
async fn invite_by(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Invitation {
    let (status, body) = app.call(path, form).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Moves every invitation e-mail of the database an hour and a minute into the past: the hour
/// after an invitation, in which nobody is reminded, is over.
async fn invitations_an_hour_ago(app: &TestApp) {
    sqlx::query("update assessment_response set invited_at = invited_at - 3660000")
        .execute(&app.state.context.db.pool)
        .await
        .unwrap();
}

async fn card(app: &TestApp, round_id: &str, label: &str) -> ResponseSummary {
    round(app, round_id)
        .await
        .1
        .into_iter()
        .find(|r| r.label == label)
        .unwrap()
}

async fn remind(app: &TestApp, round_id: &str, response_id: &str) -> (u16, String) {
    app.call(
        Remind::PATH,
        &[("round_id", round_id), ("response_id", response_id)],
    )
    .await
}

#[tokio::test]
async fn reminders_reach_who_has_not_submitted_in_their_language_and_not_twice_within_an_hour() {
    let sink = SmtpSink::start().await;
    on_each_engine_with(with_mail(&sink), async |app, engine| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let ivo = invite(app, &round_id, "ivo@example.org").await;
        let form = [("locale", "hr")];
        assert_eq!(app.call_with(&ivo, SetLocale::PATH, &form).await.0, 200);
        invite(app, &round_id, "ana@example.org").await;
        let done = invite(app, &round_id, "done@example.org").await;
        let done_id = card(app, &round_id, "done@example.org").await.response_id;
        submit_complete(app, &done, &done_id).await;
        personal_link(app, &round_id, "Marko, no address").await;
        invitations_an_hour_ago(app).await;
        let before = sink.delivered().len();

        // Two presses for Ivo at once: one reminder goes, the other is held back.
        let ivo_id = card(app, &round_id, "ivo@example.org").await.response_id;
        let (a, b) = tokio::join!(
            remind(app, &round_id, &ivo_id),
            remind(app, &round_id, &ivo_id)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 422], "{engine:?}: {a:?} {b:?}");
        let (status, body) = remind(app, &round_id, "").await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let reminded: Reminded = serde_json::from_str(&body).unwrap();
        let expected = Reminded {
            sent: 1,
            recent: 1,
            failed: 0,
            limited: 0,
        };
        assert_eq!(
            reminded, expected,
            "Ana now, Ivo already; not Done, who submitted, nor Marko's link"
        );
        let mail = sink.delivered()[before..].to_vec();
        assert_eq!(mail.len(), 2);
        let to_ivo = mail.iter().find(|m| m.to == ["ivo@example.org"]).unwrap();
        let text = to_ivo.text();
        assert!(text.contains("Poštovani/a Ivo Ivić"), "{text}");
        assert!(text.contains("„2026 baseline”"), "{text}");
        assert!(
            text.contains(&format!("{}/respond/{ivo_id}", app.base)),
            "{text}"
        );
        let to_ana = mail.iter().find(|m| m.to == ["ana@example.org"]).unwrap();
        let text = to_ana.text();
        assert!(text.contains("Subject: Reminder: 2026 baseline"), "{text}");
        assert!(text.contains("for Jadranska Hrvatska"), "{text}");
        assert!(text.contains("From: ClusterPoliSEE <noreply@example.org>"));

        let (_, body) = remind(app, &round_id, "").await;
        let again: Reminded = serde_json::from_str(&body).unwrap();
        assert_eq!((again.sent, again.recent), (0, 2));
        let (status, body) = remind(app, &round_id, &ivo_id).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("remind"),
            Some(&Problem::RemindedRecently)
        );
        let (_, body) = remind(app, &round_id, &done_id).await;
        assert_eq!(
            error(&body).problem("remind"),
            Some(&Problem::NotRemindable)
        );
        assert_eq!(sink.delivered().len(), before + 2, "nothing more went out");

        let (view, _) = round(app, &round_id).await;
        assert!(view.email_reminders);
        let reminded = card(app, &round_id, "ivo@example.org").await.reminded;
        assert_eq!(reminded.map(|(_, times)| times), Some(1));
        assert_eq!(
            card(app, &round_id, "done@example.org").await.reminded,
            None
        );

        // Another round that Ivo is invited to holds back too: one reminder an hour per person.
        let other = start(app, &app.client).await;
        assert_ne!(other, round_id);
        let form = [("round_id", other.as_str()), ("email", "ivo@example.org")];
        assert_eq!(app.call(InviteAccount::PATH, &form).await.0, 200);
        invitations_an_hour_ago(app).await;
        let (_, body) = remind(app, &other, "").await;
        let other_round: Reminded = serde_json::from_str(&body).unwrap();
        assert_eq!((other_round.sent, other_round.recent), (0, 1));

        let close = [("round_id", round_id.as_str()), ("closed", "true")];
        assert_eq!(app.call(SetRoundClosed::PATH, &close).await.0, 200);
        let (status, body) = remind(app, &round_id, "").await;
        assert_eq!(status, 422);
        assert_eq!(error(&body).problem("remind"), Some(&Problem::RoundClosed));
    })
    .await;
}

#[tokio::test]
async fn a_reminder_the_mail_server_refuses_is_reported_and_not_counted() {
    let sink = SmtpSink::start().await;
    on_each_engine_with(with_mail(&sink), async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        invite(app, &round_id, "refused@example.org").await;
        invite(app, &round_id, "waiting@example.org").await;
        let id = card(app, &round_id, "refused@example.org")
            .await
            .response_id;
        let (status, body) = remind(app, &round_id, &id).await;
        assert_eq!(status, 502, "{body}");
        assert_eq!(error(&body).problem("remind"), Some(&Problem::MailFailed));
        let before = sink.delivered().len();
        let (_, body) = remind(app, &round_id, "").await;
        let all: Reminded = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (all.sent, all.failed),
            (0, 2),
            "tried again, not held back; after a refusal the rest of the batch is not tried"
        );
        assert_eq!(sink.delivered().len(), before, "nothing went out");
        assert_eq!(
            card(app, &round_id, "refused@example.org").await.reminded,
            None
        );
    })
    .await;
}

#[tokio::test]
async fn a_facilitator_s_e_mails_stop_for_the_day_at_the_allowance_and_what_was_held_back_says_so()
{
    let sink = SmtpSink::start().await;
    let two_a_day = |c: &mut Config| {
        with_mail(&sink)(c);
        c.mail_per_day = 2;
    };
    on_each_engine_with(two_a_day, async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let allowance = [
            ("A", "a@example.org", Invitation::Mailed),
            ("B", "b@example.org", Invitation::Mailed),
            ("C", "c@example.org", Invitation::DailyLimit),
        ];
        for (label, email, outcome) in allowance {
            let form = [
                ("round_id", round_id.as_str()),
                ("label", label),
                ("email", email),
            ];
            assert_eq!(
                invite_by(app, InviteLink::PATH, &form).await,
                outcome,
                "{label}"
            );
        }
        assert_eq!(card(app, &round_id, "C").await.invited, None);
        assert!(sink.delivered().iter().all(|m| m.to != ["c@example.org"]));

        // An hour later nobody is held back by the hour, but the day's allowance is spent.
        invitations_an_hour_ago(app).await;
        let before = sink.delivered().len();
        let c = card(app, &round_id, "C").await.response_id;
        let (status, body) = remind(app, &round_id, &c).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error(&body).problem("remind"), Some(&Problem::MailLimit));
        let (status, body) = remind(app, &round_id, "").await;
        assert_eq!(status, 200, "{body}");
        let all: Reminded = serde_json::from_str(&body).unwrap();
        assert_eq!((all.sent, all.limited), (0, 3));
        assert_eq!(sink.delivered().len(), before, "nothing more went out");
        assert_eq!(
            card(app, &round_id, "A").await.reminded,
            None,
            "not counted"
        );
    })
    .await;
}

#[tokio::test]
async fn without_an_smtp_server_an_invitation_is_made_without_e_mail_and_a_reminder_says_e_mail_is_not_set_up(
) {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        invite(app, &round_id, "ivo@example.org").await;
        let card = card(app, &round_id, "ivo@example.org").await;
        assert_eq!(card.invited, None, "no invitation e-mail either");
        let (status, body) = remind(app, &round_id, "").await;
        assert_eq!(status, 503);
        assert_eq!(error(&body).problem("remind"), Some(&Problem::MailOff));
        assert!(!round(app, &round_id).await.0.email_reminders);
    })
    .await;
}

#[tokio::test]
async fn an_invitation_goes_by_e_mail_to_an_account_in_its_language_and_to_a_personal_link_given_an_address(
) {
    let sink = SmtpSink::start().await;
    on_each_engine_with(with_mail(&sink), async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let ivo = client();
        app.sign_up(&ivo, "ivo@example.org").await;
        let form = [("locale", "hr")];
        assert_eq!(app.call_with(&ivo, SetLocale::PATH, &form).await.0, 200);
        let form = [
            ("round_id", round_id.as_str()),
            ("email", "ivo@example.org"),
        ];
        assert_eq!(
            invite_by(app, InviteAccount::PATH, &form).await,
            Invitation::Mailed
        );
        let ivo_card = card(app, &round_id, "ivo@example.org").await;
        assert!(ivo_card.invited.is_some());
        assert_eq!(ivo_card.reminded, None, "an invitation is not a reminder");
        let mail = sink.delivered();
        let text = mail.last().unwrap().text();
        assert_eq!(mail.last().unwrap().to, ["ivo@example.org"]);
        assert!(text.contains("Subject: Poziv: 2026 baseline"), "{text}");
        assert!(text.contains("Poštovani/a Ivo Ivić"), "{text}");
        assert!(text.contains("prijavite se kao ivo@example.org"), "{text}");
        let link = format!("{}/respond/{}", app.base, ivo_card.response_id);
        assert!(text.contains(&link), "{text}");

        // A personal link with an address: the e-mail carries the link, in the facilitator's
        // language; the address is checked first and a bad one creates nothing.
        let count = round(app, &round_id).await.1.len();
        let bad = [
            ("round_id", round_id.as_str()),
            ("label", "Marko"),
            ("email", "marko@"),
        ];
        let (status, body) = app.call(InviteLink::PATH, &bad).await;
        assert_eq!(status, 422);
        assert_eq!(error(&body).problem("email"), Some(&Problem::InvalidEmail));
        assert_eq!(
            round(app, &round_id).await.1.len(),
            count,
            "nothing created"
        );
        let form = [
            ("round_id", round_id.as_str()),
            ("label", "Marko Marić"),
            ("email", " Marko@Example.org "),
        ];
        assert_eq!(
            invite_by(app, InviteLink::PATH, &form).await,
            Invitation::Mailed
        );
        let marko = card(app, &round_id, "Marko Marić").await;
        assert_eq!(marko.email.as_deref(), Some("marko@example.org"));
        let code = marko.code.clone().unwrap();
        let to_marko = sink.delivered().last().unwrap().clone();
        assert_eq!(to_marko.to, ["marko@example.org"]);
        let text = to_marko.text();
        assert!(
            text.contains("Subject: Invitation: 2026 baseline"),
            "{text}"
        );
        assert!(text.contains("Hello Marko Marić,"), "{text}");
        assert!(
            text.contains(&format!("{}/respond/{code}", app.base)),
            "{text}"
        );

        // Within the hour of the invitation no reminder goes; after it, the personal link's
        // reminder carries the link again. A link without an address gets none.
        let (status, body) = remind(app, &round_id, &marko.response_id).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("remind"),
            Some(&Problem::RemindedRecently)
        );
        let form = [
            ("round_id", round_id.as_str()),
            ("label", "Nobody's address"),
        ];
        assert_eq!(
            invite_by(app, InviteLink::PATH, &form).await,
            Invitation::NotMailed
        );
        let nobody = card(app, &round_id, "Nobody's address").await;
        let (_, body) = remind(app, &round_id, &nobody.response_id).await;
        assert_eq!(
            error(&body).problem("remind"),
            Some(&Problem::NotRemindable)
        );
        invitations_an_hour_ago(app).await;
        let before = sink.delivered().len();
        let (status, body) = remind(app, &round_id, "").await;
        assert_eq!(status, 200, "{body}");
        let reminded: Reminded = serde_json::from_str(&body).unwrap();
        assert_eq!((reminded.sent, reminded.recent), (2, 0), "Ivo and Marko");
        let mail = sink.delivered()[before..].to_vec();
        let to_marko = mail.iter().find(|m| m.to == ["marko@example.org"]).unwrap();
        assert!(to_marko.text().contains(&format!("/respond/{code}")));

        // Ivo, just reminded, is invited to another round: the invitation stands, its e-mail
        // waits (one e-mail an hour per address, whichever round it is for).
        let other = start(app, &app.client).await;
        let form = [("round_id", other.as_str()), ("email", "ivo@example.org")];
        assert_eq!(
            invite_by(app, InviteAccount::PATH, &form).await,
            Invitation::MailedRecently
        );
        assert_eq!(card(app, &other, "ivo@example.org").await.invited, None);

        // A closed round sends no invitation.
        let close = [("round_id", round_id.as_str()), ("closed", "true")];
        assert_eq!(app.call(SetRoundClosed::PATH, &close).await.0, 200);
        let form = [
            ("round_id", round_id.as_str()),
            ("label", "Late"),
            ("email", "late@example.org"),
        ];
        assert_eq!(
            invite_by(app, InviteLink::PATH, &form).await,
            Invitation::NotMailed
        );
        assert!(sink
            .delivered()
            .iter()
            .all(|m| m.to != ["late@example.org"]));
    })
    .await;
}

async fn link_for(app: &TestApp, round_id: &str, label: &str, email: &str) -> (u16, String) {
    let form = [("round_id", round_id), ("label", label), ("email", email)];
    app.call(InviteLink::PATH, &form).await
}

#[tokio::test]
async fn an_address_has_one_personal_link_with_access_in_a_round_until_that_link_is_withdrawn() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let marko = "marko@example.org";
        assert_eq!(link_for(app, &round_id, "Marko", marko).await.0, 200);
        let count = round(app, &round_id).await.1.len();

        // The same address again, also typed differently: refused at the address, nothing
        // created.
        let (status, body) = link_for(app, &round_id, "Marko again", " MARKO@example.org").await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            error(&body).problem("email"),
            Some(&Problem::AlreadyInvited)
        );
        assert_eq!(
            round(app, &round_id).await.1.len(),
            count,
            "nothing created"
        );

        // Another round may invite the same address.
        let other = start(app, &app.client).await;
        assert_eq!(link_for(app, &other, "Marko", marko).await.0, 200);

        // Withdrawn, the first link gives its address up to a new one; given back, it would
        // share the address again, and is refused.
        let first = card(app, &round_id, "Marko").await.response_id;
        let revoke = |revoked| {
            [
                ("round_id", round_id.as_str()),
                ("response_id", first.as_str()),
                ("revoked", revoked),
            ]
        };
        assert_eq!(
            app.call(SetResponseRevoked::PATH, &revoke("true")).await.0,
            200
        );
        assert_eq!(
            link_for(app, &round_id, "Marko, new link", marko).await.0,
            200
        );
        let (status, body) = app.call(SetResponseRevoked::PATH, &revoke("false")).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            error(&body).problem("revoked"),
            Some(&Problem::AlreadyInvited)
        );
        assert_eq!(
            card(app, &round_id, "Marko").await.progress,
            Progress::Revoked
        );
    })
    .await;
}
