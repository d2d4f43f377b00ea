//! Notifications by e-mail, on SQLite and on PostgreSQL, through a real SMTP exchange: only for
//! those who ask, only what came after they asked and is still unread, each as it comes or a
//! digest at most once a day, in the person's language, and only to an address its owner
//! confirmed through the link mailed to it; a refused message is tried again; the server's own
//! task sends them without anyone asking.

mod common;

use app::error::Problem;
use app::workspace::notice::{AddressLink, AddressState, MailCadence};
use app::workspace::notice_api::{self, ConfirmAddress, MarkRead, SetNoticeKinds};
use app::workspace::notice_mail::{send_due, CONFIRM_FOR_MS, DIGEST_EVERY_MS, EACH_GAP_MS};
use common::smtp::{with_mail, Delivered, SmtpSink};
use common::workshops::problem;
use common::workspaces::{accept, link, named, notices, post, start};
use common::{client, on_each_engine_with, TestApp};
use leptos::server_fn::ServerFn;
use std::time::Duration;

const KINDS: [&str; 4] = ["mention", "reply", "invitation", "document"];

async fn choose(app: &TestApp, who: &reqwest::Client, email: &str) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = KINDS.iter().map(|k| ("kinds[]", *k)).collect();
    form.push(("email", email));
    app.call_with(who, SetNoticeKinds::PATH, &form).await
}

/// Runs the sending as the server's task does, at `now`; answers how many messages went.
async fn run(app: &TestApp, now: i64) -> usize {
    let context = &app.state.context;
    send_due(
        &context.db,
        context.mailer.as_ref().unwrap(),
        &app.base,
        now,
    )
    .await
    .unwrap()
}

/// Where a link to confirm an address leads, before its token.
const CONFIRM_PATH: &str = "/notifications/confirm/";

/// Everything `sink` delivered to `email`, after the first `from`.
fn delivered_to(sink: &SmtpSink, from: usize, email: &str) -> Vec<Delivered> {
    sink.delivered()
        .into_iter()
        .skip(from)
        .filter(|d| d.to.iter().any(|t| t.contains(email)))
        .collect()
}

/// The notifications `sink` delivered to `email`, after the first `from` (not the links to
/// confirm the address).
fn to(sink: &SmtpSink, from: usize, email: &str) -> Vec<Delivered> {
    delivered_to(sink, from, email)
        .into_iter()
        .filter(|d| !d.text().contains(CONFIRM_PATH))
        .collect()
}

/// The tokens of the links to confirm `email` that `sink` delivered, after the first `from`.
fn confirmations(sink: &SmtpSink, from: usize, email: &str) -> Vec<String> {
    delivered_to(sink, from, email)
        .iter()
        .filter_map(|d| {
            let text = d.text();
            let at = text.find(CONFIRM_PATH)? + CONFIRM_PATH.len();
            Some(text[at..at + 64].to_owned())
        })
        .collect()
}

/// Follows the link to confirm an address, as whoever reads the mailbox (signed in or not).
async fn follow(app: &TestApp, token: &str) -> (u16, String) {
    app.call_with(&client(), ConfirmAddress::PATH, &[("token", token)])
        .await
}

/// `who` (whose address is `email`) chooses `cadence` and confirms the address.
async fn choose_confirmed(
    app: &TestApp,
    sink: &SmtpSink,
    who: &reqwest::Client,
    email: &str,
    cadence: &str,
) {
    let from = sink.delivered().len();
    assert_eq!(choose(app, who, cadence).await.0, 200);
    let tokens = confirmations(sink, from, email);
    assert_eq!(tokens.len(), 1, "one link to confirm {email}");
    assert_eq!(follow(app, &tokens[0]).await.0, 200);
}

/// A private workspace of Olga's with `others` in it; answers its id.
async fn workspace_with(
    app: &TestApp,
    owner: &reqwest::Client,
    others: &[&reqwest::Client],
) -> String {
    let form = [("name", "Skills"), ("visibility", "private")];
    let (_, location, _) = post(
        app,
        owner,
        app::workspace::api::CreateWorkspace::PATH,
        &form,
    )
    .await;
    let id = location
        .unwrap()
        .trim_start_matches("/workspaces/")
        .to_owned();
    for who in others {
        let token = link(app, owner, &id, "member", "1").await;
        accept(app, who, &token).await;
    }
    id
}

/// A platform mailing to `sink` whose own task waits an hour between runs: the test runs the
/// sending itself, at the times it chooses.
fn run_by_the_test(sink: &SmtpSink) -> impl Fn(&mut server::config::Config) {
    let mail = with_mail(sink);
    move |c| {
        mail(c);
        c.notice_mail_seconds = 3600;
    }
}

fn now() -> i64 {
    app::db::now_ms()
}

#[tokio::test]
async fn only_those_who_ask_get_e_mail_each_as_it_comes_or_in_a_daily_digest() {
    let sink = SmtpSink::start().await;
    on_each_engine_with(run_by_the_test(&sink), async |app, _| {
        let from = sink.delivered().len();
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let ana = named(app, "ana@example.org", "Ana Kovač").await;
        let ivo = named(app, "ivo@example.org", "Ivo Ivić").await;
        let eva = named(app, "eva@example.org", "Eva Novak").await;
        let rita = named(app, "rita@example.org", "Rita Refused").await;
        let id = workspace_with(app, &owner, &[&ana, &ivo, &eva, &rita]).await;

        // Off by default; and what came before someone asks is not mailed.
        assert_eq!(notices(app, &ana).await.mail, MailCadence::Never);
        assert!(notices(app, &ana).await.mail_on);
        let thread = start(app, &owner, &id, "Schools", "Which ones, @Ana Kovač?").await;
        choose_confirmed(app, &sink, &ana, "ana@example.org", "each").await;
        choose_confirmed(app, &sink, &ivo, "ivo@example.org", "daily").await;
        choose_confirmed(app, &sink, &rita, "rita@example.org", "each").await;
        // Rita's mailbox goes away after she confirmed it.
        sink.refuse("rita@example.org");
        let (status, body) = choose(app, &eva, "weekly").await;
        assert_eq!(
            (status, problem(&body, "email")),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(notices(app, &ana).await.mail, MailCadence::Each);
        assert_eq!(run(app, now()).await, 0, "nothing new since they asked");

        let everyone = "Ask @Ana Kovač, @Ivo Ivić, @Eva Novak and @Rita Refused.";
        let reply = [("thread_id", thread.as_str()), ("body", everyone)];
        assert_eq!(
            app.call_with(&owner, app::workspace::discussion_api::Reply::PATH, &reply)
                .await
                .0,
            200
        );
        let t = now();
        assert_eq!(run(app, t).await, 2, "Ana's and Ivo's; Rita's is refused");
        let anas = to(&sink, from, "ana@example.org");
        assert_eq!(anas.len(), 1);
        let text = anas[0].text();
        assert!(text.contains("Olga Owner mentioned you in"), "{text}");
        assert!(
            text.contains(&format!(
                "{}/workspaces/{id}/threads/{thread}#post-",
                app.base
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("{}/notifications", app.base)),
            "{text}"
        );
        assert!(
            !text.contains("Which ones"),
            "the mention from before she asked is not in it"
        );
        assert!(to(&sink, from, "ivo@example.org")[0]
            .text()
            .contains("daily digest"));
        assert!(
            to(&sink, from, "eva@example.org").is_empty(),
            "Eva never asked"
        );
        assert_eq!(
            app.count("select count(*) from notice where mailed_at is not null")
                .await,
            2,
            "Rita's notification is given back for the next run"
        );
        assert_eq!(run(app, t).await, 0, "nothing is mailed twice");

        // More: Ana's goes ten minutes on, Ivo's waits a day; what is read first never goes.
        let again = [
            ("thread_id", thread.as_str()),
            ("body", "@Ana Kovač @Ivo Ivić and again."),
        ];
        app.call_with(&owner, app::workspace::discussion_api::Reply::PATH, &again)
            .await;
        assert_eq!(
            run(app, t + 1).await,
            0,
            "at most one message in ten minutes"
        );
        assert_eq!(run(app, t + EACH_GAP_MS).await, 1);
        assert_eq!(to(&sink, from, "ana@example.org").len(), 2);
        assert_eq!(to(&sink, from, "ivo@example.org").len(), 1);
        app.call_with(&owner, app::workspace::discussion_api::Reply::PATH, &again)
            .await;
        assert_eq!(
            app.call_with(&ana, MarkRead::PATH, &[("notice_id", "all")])
                .await
                .0,
            200
        );
        assert_eq!(
            run(app, t + DIGEST_EVERY_MS).await,
            1,
            "Ivo's digest, a day on"
        );
        assert_eq!(
            to(&sink, from, "ana@example.org").len(),
            2,
            "Ana read hers first"
        );
        let digest = to(&sink, from, "ivo@example.org")[1].text();
        assert_eq!(digest.matches("mentioned you in").count(), 2, "{digest}");

        // Asking for none stops them.
        assert_eq!(choose(app, &ana, "never").await.0, 200);
        app.call_with(&owner, app::workspace::discussion_api::Reply::PATH, &again)
            .await;
        assert_eq!(run(app, t + 2 * DIGEST_EVERY_MS).await, 1, "Ivo's only");
        assert_eq!(to(&sink, from, "ana@example.org").len(), 2);

        // Asking again needs no new link, and mails nothing from while she had asked for none.
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        assert_eq!(confirmations(&sink, from, "ana@example.org").len(), 1);
        assert_eq!(
            notices(app, &ana).await.address_state,
            AddressState::Confirmed
        );
        assert_eq!(run(app, t + 3 * DIGEST_EVERY_MS).await, 0);
        // The other engine's Rita confirms her address too.
        sink.accept("rita@example.org");
    })
    .await;
}

#[tokio::test]
async fn e_mail_goes_only_to_an_address_its_owner_confirmed_through_the_link_sent_to_it() {
    let sink = SmtpSink::start().await;
    on_each_engine_with(run_by_the_test(&sink), async |app, _| {
        let from = sink.delivered().len();
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        // Ana signed up with an address she may not own: nothing is mailed to it yet.
        let ana = named(app, "ana@example.org", "Ana Kovač").await;
        let id = workspace_with(app, &owner, &[&ana]).await;
        let mine = notices(app, &ana).await;
        assert_eq!(
            (mine.address.as_str(), mine.address_state),
            ("ana@example.org", AddressState::Unconfirmed)
        );

        // Choosing e-mail sends the address a link, once in ten minutes however often she saves.
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        let links = || confirmations(&sink, from, "ana@example.org");
        assert_eq!(links().len(), 1);
        let letter = delivered_to(&sink, from, "ana@example.org")[0].text();
        assert!(
            letter.contains("If it was not you, ignore this message"),
            "{letter}"
        );
        assert!(
            !letter.contains("Ana Kovač"),
            "nothing the account's holder typed"
        );
        // Ten minutes on, a new link replaces the last; three may go unanswered, then the next
        // waits for the last to expire, a week on.
        let db = &app.state.context.db;
        let back = async |ms: i64| {
            db.run(
                "update notice_mail set token_sent_at = token_sent_at - $1",
                app::args![ms],
            )
            .await
            .unwrap();
        };
        back(EACH_GAP_MS).await;
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        assert_eq!(links().len(), 2);
        let (status, body) = follow(app, &links()[0]).await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::ConfirmLinkStale),
            "replaced"
        );
        back(EACH_GAP_MS).await;
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        back(EACH_GAP_MS).await;
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        assert_eq!(links().len(), 3, "three unanswered in a week");
        back(CONFIRM_FOR_MS).await;
        let expired = links()[2].clone();
        let (status, _) = app
            .call_with(
                &client(),
                notice_api::PreviewAddressLink::PATH,
                &[("token", expired.as_str())],
            )
            .await;
        assert_eq!(status, 422, "a week on, the last link has expired");
        assert_eq!(
            notices(app, &ana).await.address_state,
            AddressState::Unconfirmed
        );
        assert_eq!(choose(app, &ana, "each").await.0, 200);
        assert_eq!(links().len(), 4);
        let tokens = links().split_off(3);
        assert!(
            letter.contains(&format!("{}{CONFIRM_PATH}", app.base)),
            "{letter}"
        );
        assert_eq!(
            notices(app, &ana).await.address_state,
            AddressState::LinkSent
        );
        start(app, &owner, &id, "Schools", "Which ones, @Ana Kovač?").await;
        assert_eq!(run(app, now()).await, 0, "not confirmed: nothing goes");

        // The link's page names the address; opening it confirms nothing.
        let (status, page) = app.get(&format!("{CONFIRM_PATH}{}", tokens[0])).await;
        assert_eq!(status, 200);
        assert!(page.contains("Confirm my address"), "{page}");
        assert_eq!(
            notices(app, &ana).await.address_state,
            AddressState::LinkSent
        );
        let visitor = client();
        let token = [("token", tokens[0].as_str())];
        let (status, body) = app
            .call_with(&visitor, notice_api::PreviewAddressLink::PATH, &token)
            .await;
        assert_eq!(status, 200, "{body}");
        let link: AddressLink = serde_json::from_str(&body).unwrap();
        assert_eq!(
            link,
            AddressLink {
                address: Some("ana@example.org".into()),
                confirmed: false
            }
        );
        assert_eq!(run(app, now()).await, 0);

        // A made-up link opens nothing and says so; the real one, followed by whoever reads
        // the mailbox, confirms the address, and what came since she asked goes. The link no
        // longer tells the address.
        let made_up = "0".repeat(64);
        let (status, body) = follow(app, &made_up).await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::ConfirmLinkStale)
        );
        let (status, body) = app
            .call_with(
                &visitor,
                notice_api::PreviewAddressLink::PATH,
                &[("token", made_up.as_str())],
            )
            .await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::ConfirmLinkStale)
        );
        assert_eq!(follow(app, &tokens[0]).await.0, 200);
        let (_, body) = app
            .call_with(&visitor, notice_api::PreviewAddressLink::PATH, &token)
            .await;
        assert_eq!(
            serde_json::from_str::<AddressLink>(&body).unwrap(),
            AddressLink {
                address: None,
                confirmed: true
            }
        );
        assert_eq!(
            notices(app, &ana).await.address_state,
            AddressState::Confirmed
        );
        assert_eq!(run(app, now()).await, 1);
        assert!(to(&sink, from, "ana@example.org")[0]
            .text()
            .contains("Olga Owner mentioned you in"));

        // A link the SMTP server refuses: the choice is kept, and the answer says the message
        // did not leave (a 502, as the mail server failed, not the person).
        let rut = named(app, "refuse-rut@example.org", "Rut Refused").await;
        let (status, body) = choose(app, &rut, "daily").await;
        assert_eq!(
            (status, problem(&body, "email")),
            (502, Problem::ConfirmationFailed)
        );
        let hers = notices(app, &rut).await;
        assert_eq!(
            (hers.mail, hers.address_state),
            (MailCadence::Daily, AddressState::Unconfirmed)
        );
        assert_eq!(
            choose(app, &rut, "daily").await.0,
            200,
            "the refusing server is not asked again within ten minutes"
        );
    })
    .await;
}

#[tokio::test]
async fn the_server_mails_what_is_due_by_itself() {
    let sink = SmtpSink::start().await;
    on_each_engine_with(with_mail(&sink), async |app, _| {
        let from = sink.delivered().len();
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let ana = named(app, "ana@example.org", "Ana Kovač").await;
        let id = workspace_with(app, &owner, &[&ana]).await;
        choose_confirmed(app, &sink, &ana, "ana@example.org", "each").await;
        start(app, &owner, &id, "Schools", "Which ones, @Ana Kovač?").await;
        // The test server's task runs every second.
        let mut waited = Duration::ZERO;
        while to(&sink, from, "ana@example.org").is_empty() && waited < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            waited += Duration::from_millis(100);
        }
        let mine = to(&sink, from, "ana@example.org");
        assert_eq!(mine.len(), 1, "mailed within ten seconds");
        assert!(mine[0].text().contains("Olga Owner mentioned you in"));
    })
    .await;
}
