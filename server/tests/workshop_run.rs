//! Running a workshop, on SQLite and on PostgreSQL: the facilitator's commands, participants'
//! answers (checked, counted once per command, the latest counting), the screens and results
//! they lead to, and the live sockets that carry them.

mod common;

use app::db::Engine;
use app::error::Problem;
use app::workshop::api::{
    AnswerActivity, ControlWorkshop, GetStage, GetWorkshop, RemoveParticipant,
};
use app::workshop::model::Settings;
use app::workshop::run::Results;
use app::workshop::stage::Stage;
use common::workshops::{create, join, room};
use common::{engines, error, on_each_engine, TestApp, TestDb};
use futures::{SinkExt, StreamExt};
use leptos::server_fn::ServerFn;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// A browser: a client and its cookie jar, so that its cookies can go on a socket's upgrade.
struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, jar }
    }

    fn cookies(&self, app: &TestApp) -> String {
        self.jar
            .cookies(&app.base.parse().unwrap())
            .map(|c| c.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a live socket at `path` as `who`, sent from the page of `origin`; the refusal's status
/// when the server refuses it.
async fn socket(app: &TestApp, who: &Browser, path: &str, origin: &str) -> Result<Socket, u16> {
    let mut request = format!("{}{path}", app.base.replacen("http", "ws", 1))
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().unwrap());
    headers.insert("cookie", who.cookies(app).parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("socket failed: {e}"),
    }
}

/// The next text message, within five seconds.
async fn next_text(socket: &mut Socket) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within five seconds")
            .expect("the socket stays open")
            .unwrap();
        if let Message::Text(text) = message {
            return text.to_string();
        }
    }
}

/// Stages from a presenter's socket until one passes `test`.
async fn stage_where(socket: &mut Socket, test: impl Fn(&Stage) -> bool) -> Stage {
    loop {
        let stage: Stage = serde_json::from_str(&next_text(socket).await).unwrap();
        if test(&stage) {
            return stage;
        }
    }
}

/// The code of the close frame a socket receives next, skipping other messages.
async fn close_code(socket: &mut Socket) -> u16 {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a close frame within five seconds")
        {
            Some(Ok(Message::Close(frame))) => return u16::from(frame.unwrap().code),
            Some(Ok(_)) => continue,
            other => panic!("a close frame, not {other:?}"),
        }
    }
}

/// The id of the participant with this nickname, as the owner's page lists them.
async fn participant_id(app: &TestApp, owner: &Browser, id: &str, nickname: &str) -> String {
    let (_, body) = app
        .call_with(&owner.client, GetWorkshop::PATH, &[("workshop_id", id)])
        .await;
    let w: app::workshop::model::Workshop = serde_json::from_str(&body).unwrap();
    w.participants
        .into_iter()
        .find(|p| p.nickname.as_deref() == Some(nickname))
        .expect("they are in the room")
        .participant_id
}

async fn control(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
    action: &str,
    activity: &str,
) -> (u16, String) {
    let form = [
        ("workshop_id", id),
        ("action", action),
        ("activity_id", activity),
    ];
    app.call_with(who, ControlWorkshop::PATH, &form).await
}

/// Answers the shown activity as `who`, with `values` as the form posts them.
async fn answer(
    app: &TestApp,
    who: &reqwest::Client,
    code: &str,
    activity: &str,
    command: &str,
    values: &[(&str, &str)],
) -> (u16, String) {
    let mut form = vec![
        ("code".to_owned(), code.to_owned()),
        ("activity_id".to_owned(), activity.to_owned()),
        ("command_id".to_owned(), command.to_owned()),
    ];
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("values[{k}]"), (*v).to_owned())),
    );
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&k[..], &v[..])).collect();
    app.call_with(who, AnswerActivity::PATH, &form).await
}

fn problem(body: &str, field: &str) -> Problem {
    error(body)
        .problem(field)
        .cloned()
        .unwrap_or_else(|| panic!("no problem at {field}: {body}"))
}

async fn stage(app: &TestApp, who: &reqwest::Client, id: &str) -> Stage {
    let (status, body) = app
        .call_with(who, GetStage::PATH, &[("workshop_id", id)])
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A facilitator (signed up through `owner`) with a workshop of a poll (correct: the second
/// option), a rating and a word cloud; answers its id, code and activity ids.
async fn prepared(app: &TestApp, owner: &Browser) -> (String, String, Vec<String>) {
    app.sign_up(&owner.client, "facilitator@example.org").await;
    let id = create(app, &owner.client, "Cluster policy focus group").await;
    let activities = [
        vec![
            ("kind", "poll"),
            ("prompt", "Which instrument first?"),
            ("lines", "Vouchers\nCluster grants\nTraining"),
            ("correct", "2"),
        ],
        vec![
            ("kind", "rating"),
            ("prompt", "How do you see the cluster?"),
            ("lines", "Trust between firms\nLinks to research"),
            ("scale", "agreement"),
        ],
        vec![
            ("kind", "word_cloud"),
            ("prompt", "One word for the region"),
            ("per_person", "2"),
        ],
    ];
    for fields in &activities {
        let mut form = vec![("workshop_id", id.as_str())];
        form.extend_from_slice(fields);
        let (status, body) = app
            .call_with(&owner.client, app::workshop::api::AddActivity::PATH, &form)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) = app
        .call_with(&owner.client, GetWorkshop::PATH, &[("workshop_id", &id)])
        .await;
    let w: app::workshop::model::Workshop = serde_json::from_str(&body).unwrap();
    let ids = w.activities.iter().map(|a| a.activity_id.clone()).collect();
    (id, w.code, ids)
}

#[tokio::test]
async fn answers_count_once_per_command_the_latest_one_counts_and_only_while_open() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let (poll, rating, cloud) = (&activities[0], &activities[1], &activities[2]);
        let (ana, ivo) = (Browser::new(), Browser::new());
        assert_eq!(join(app, &ana.client, &code, "Ana").await.0, 302);
        assert_eq!(join(app, &ivo.client, &code, "Ivo").await.0, 302);

        // Nothing shown: nothing can be answered, and the screen waits.
        let (status, body) = answer(app, &ana.client, &code, poll, "c0", &[("0", "1")]).await;
        assert_eq!(
            (status, problem(&body, "activity")),
            (422, Problem::ActivityClosed)
        );
        let screen = room(app, &ana.client, &code).await.unwrap().screen.unwrap();
        assert_eq!(screen.shown, None);

        // The poll is shown: its correct option stays hidden from participants.
        assert_eq!(control(app, &owner.client, &id, "show", poll).await.0, 200);
        let screen = room(app, &ana.client, &code).await.unwrap().screen.unwrap();
        let shown = screen.shown.expect("the poll is on the screen");
        assert!(shown.open);
        assert!(matches!(
            shown.activity.settings,
            Settings::Poll { correct: None, .. }
        ));

        // A retry of one command counts once; a new one replaces the answer.
        for _ in 0..2 {
            let (status, body) =
                answer(app, &ana.client, &code, poll, "ana-1", &[("0", "1")]).await;
            assert_eq!(status, 200, "{body}");
        }
        assert_eq!(
            answer(app, &ivo.client, &code, poll, "ivo-1", &[("0", "2")])
                .await
                .0,
            200
        );
        assert_eq!(
            answer(app, &ana.client, &code, poll, "ana-2", &[("0", "0")])
                .await
                .0,
            200
        );
        assert_eq!(
            stage(app, &owner.client, &id).await.results,
            Results::Poll {
                counts: vec![1, 0, 1],
                voters: 2
            }
        );
        assert_eq!(
            app.count("select count(*) from workshop_event where participant_id is not null")
                .await,
            3,
            "the retry stored nothing"
        );

        // Answers that do not fit are refused, named, and change nothing.
        let (status, body) = answer(app, &ana.client, &code, poll, "ana-3", &[("0", "7")]).await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::UnknownChoice)
        );
        let (status, body) = answer(
            app,
            &ana.client,
            &code,
            poll,
            "ana-4",
            &[("0", "0"), ("1", "1")],
        )
        .await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::TooManyChoices { max: 1 })
        );
        let (status, body) = answer(app, &ana.client, &code, poll, "bad id!", &[("0", "0")]).await;
        assert_eq!(
            (status, problem(&body, "command_id")),
            (422, Problem::UnknownChoice)
        );
        let (status, _) = answer(app, &ana.client, &code, rating, "ana-5", &[("0", "3")]).await;
        assert_eq!(status, 422, "an activity not shown takes no answers");

        // Closed: no more answers; revealed: the room sees the results and the correct option.
        assert_eq!(control(app, &owner.client, &id, "close", "").await.0, 200);
        let (status, body) = answer(app, &ivo.client, &code, poll, "ivo-2", &[("0", "0")]).await;
        assert_eq!(
            (status, problem(&body, "activity")),
            (422, Problem::ActivityClosed)
        );
        assert_eq!(
            answer(app, &ana.client, &code, poll, "ana-2", &[("0", "0")])
                .await
                .0,
            200,
            "a retry of a counted answer is still answered as counted"
        );
        let screen = room(app, &ivo.client, &code).await.unwrap().screen.unwrap();
        assert_eq!(screen.results, None, "not revealed yet");
        assert_eq!(control(app, &owner.client, &id, "reveal", "").await.0, 200);
        let screen = room(app, &ivo.client, &code).await.unwrap().screen.unwrap();
        assert_eq!(
            screen.results,
            Some(Results::Poll {
                counts: vec![1, 0, 1],
                voters: 2
            })
        );
        assert!(matches!(
            screen.shown.unwrap().activity.settings,
            Settings::Poll {
                correct: Some(1),
                ..
            }
        ));
        assert!(matches!(
            screen.mine,
            Some(app::workshop::run::Answer::Poll { .. })
        ));

        // A rating: statements may be left out, but not all; scores keep to the scale.
        assert_eq!(
            control(app, &owner.client, &id, "show", rating).await.0,
            200
        );
        assert_eq!(
            answer(app, &ana.client, &code, rating, "ana-6", &[("0", "5")])
                .await
                .0,
            200
        );
        let (status, body) = answer(app, &ivo.client, &code, rating, "ivo-3", &[("0", "0")]).await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::OutOfRange)
        );
        let (status, body) = answer(app, &ivo.client, &code, rating, "ivo-4", &[]).await;
        assert_eq!((status, problem(&body, "values")), (422, Problem::Required));
        assert_eq!(
            answer(
                app,
                &ivo.client,
                &code,
                rating,
                "ivo-5",
                &[("0", "4"), ("1", "2")]
            )
            .await
            .0,
            200
        );
        match stage(app, &owner.client, &id).await.results {
            Results::Rating { statements, low: 1 } => {
                assert_eq!(statements[0].mean, Some(4.5));
                assert_eq!(statements[1].counts, vec![0, 1, 0, 0, 0]);
            }
            other => panic!("a rating's results, not {other:?}"),
        }

        // A word cloud: one word a line, merged ignoring case, at most two each.
        assert_eq!(control(app, &owner.client, &id, "show", cloud).await.0, 200);
        let (status, body) = answer(
            app,
            &ana.client,
            &code,
            cloud,
            "ana-7",
            &[("0", "Trust\nskills\nwine")],
        )
        .await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::TooManyChoices { max: 2 })
        );
        assert_eq!(error(&body).kept("values"), Some("Trust\nskills\nwine"));
        assert_eq!(
            answer(
                app,
                &ana.client,
                &code,
                cloud,
                "ana-8",
                &[("0", "Trust\ntrust\nSkills")]
            )
            .await
            .0,
            200
        );
        assert_eq!(
            answer(app, &ivo.client, &code, cloud, "ivo-6", &[("0", "TRUST")])
                .await
                .0,
            200
        );
        assert_eq!(
            stage(app, &owner.client, &id).await.results,
            Results::Words {
                words: vec![("Trust".into(), 2), ("Skills".into(), 1)]
            }
        );

        // Sent out, a participant's answers no longer count.
        let ana_id = participant_id(app, &owner, &id, "Ana").await;
        let out = [
            ("workshop_id", id.as_str()),
            ("participant_id", ana_id.as_str()),
        ];
        let (status, body) = app
            .call_with(&owner.client, RemoveParticipant::PATH, &out)
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            stage(app, &owner.client, &id).await.results,
            Results::Words {
                words: vec![("TRUST".into(), 1)]
            }
        );

        // A form bigger than any screen sends is not read.
        let many: Vec<(String, &str)> = (0..13).map(|n| (n.to_string(), "x")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (&k[..], *v)).collect();
        let (status, body) = answer(app, &ivo.client, &code, cloud, "ivo-7", &many).await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::TooLong { max: 2000 })
        );

        // Who is not in the room cannot answer; a participant cannot run the workshop.
        let stranger = Browser::new();
        let (status, _) = answer(app, &stranger.client, &code, cloud, "s-1", &[("0", "x")]).await;
        assert_eq!(status, 403);
        assert_eq!(control(app, &ana.client, &id, "close", "").await.0, 401);
        let (status, body) = control(app, &owner.client, &id, "jump", "").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(
            control(app, &owner.client, &id, "show", "no-such-activity")
                .await
                .0,
            404
        );
        assert_eq!(control(app, &owner.client, &id, "show", "").await.0, 200);
        let (status, body) = control(app, &owner.client, &id, "open", "").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::ActivityClosed)
        );
        assert_eq!(
            stage(app, &owner.client, &id).await.shown,
            None,
            "the screens wait"
        );
    })
    .await;
}

#[tokio::test]
async fn live_sockets_bring_screen_changes_to_participants_and_results_to_presenters() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let ana = Browser::new();
        assert_eq!(join(app, &ana.client, &code, "Ana").await.0, 302);
        let here = app.base.as_str();

        // Refused: another site's page, a browser not in the room, anyone but the owner.
        let participant_path = format!("/live/{code}/socket?since=0");
        let presenter_path = format!("/workshops/{id}/socket?since=0");
        assert_eq!(
            socket(app, &ana, &participant_path, "http://evil.example")
                .await
                .err(),
            Some(403)
        );
        assert_eq!(
            socket(app, &Browser::new(), &participant_path, here)
                .await
                .err(),
            Some(403)
        );
        assert_eq!(
            socket(app, &ana, &presenter_path, here).await.err(),
            Some(401)
        );
        assert_eq!(
            socket(app, &owner, &presenter_path, "http://evil.example")
                .await
                .err(),
            Some(403)
        );
        let other = Browser::new();
        app.sign_up(&other.client, "other@example.org").await;
        assert_eq!(
            socket(app, &other, &presenter_path, here).await.err(),
            Some(403)
        );

        let mut phone = socket(app, &ana, &participant_path, here).await.unwrap();
        let mut projector = socket(app, &owner, &presenter_path, here).await.unwrap();
        let first = stage_where(&mut projector, |_| true).await;
        assert_eq!((first.participants, first.shown.is_none()), (1, true));

        // The facilitator shows the poll: the phone hears of it, the projector shows it.
        assert_eq!(
            control(app, &owner.client, &id, "show", &activities[0])
                .await
                .0,
            200
        );
        let told: serde_json::Value = serde_json::from_str(&next_text(&mut phone).await).unwrap();
        let seq = told["seq"].as_i64().unwrap();
        assert!(seq > 0);
        stage_where(&mut projector, |s| s.shown.is_some()).await;

        // A vote reaches the projector; the phone hears nothing of other people's votes.
        assert_eq!(
            answer(
                app,
                &ana.client,
                &code,
                &activities[0],
                "a-1",
                &[("0", "2")]
            )
            .await
            .0,
            200
        );
        let counted = stage_where(&mut projector, |s| {
            matches!(&s.results, Results::Poll { voters: 1, .. })
        })
        .await;
        assert_eq!(
            counted.results,
            Results::Poll {
                counts: vec![0, 0, 1],
                voters: 1
            }
        );
        assert!(
            tokio::time::timeout(Duration::from_millis(500), phone.next())
                .await
                .is_err(),
            "a participant's screen does not change with a vote"
        );

        // Someone joins: the projector counts them.
        assert_eq!(join(app, &Browser::new().client, &code, "Ivo").await.0, 302);
        stage_where(&mut projector, |s| s.participants == 2).await;

        // A socket resumed from a sequence number gets only what is newer.
        let mut later = socket(app, &ana, &format!("/live/{code}/socket?since={seq}"), here)
            .await
            .unwrap();
        assert_eq!(control(app, &owner.client, &id, "close", "").await.0, 200);
        let told: serde_json::Value = serde_json::from_str(&next_text(&mut later).await).unwrap();
        assert!(told["seq"].as_i64().unwrap() > seq);

        // Sent out: their socket closes, with the reason.
        let ana_id = participant_id(app, &owner, &id, "Ana").await;
        let out = [
            ("workshop_id", id.as_str()),
            ("participant_id", ana_id.as_str()),
        ];
        assert_eq!(
            app.call_with(&owner.client, RemoveParticipant::PATH, &out)
                .await
                .0,
            200
        );
        assert_eq!(close_code(&mut later).await, 1008);

        // The browser speaks on a socket that only listens: it is closed, with the reason.
        projector.send(Message::text("vote twice")).await.unwrap();
        assert_eq!(close_code(&mut projector).await, 1003);
        // A frame past the limit is refused by the socket layer; the server goes on.
        let mut again = socket(app, &owner, &presenter_path, here).await.unwrap();
        again.send(Message::text("x".repeat(10_000))).await.ok();
        assert_eq!(app.get("/healthz").await.0, 200);
    })
    .await;
}

#[tokio::test]
async fn on_postgresql_a_vote_sent_to_one_process_reaches_a_presenter_on_another() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    let db = TestDb::new(Engine::Postgres).await;
    let config = common::config(&db);
    // Two servers on one database, as two processes behind a load balancer would be.
    let (one, two) = (TestApp::start(&config).await, TestApp::start(&config).await);
    let owner = Browser::new();
    let (id, code, activities) = prepared(&one, &owner).await;
    let ana = Browser::new();
    assert_eq!(join(&one, &ana.client, &code, "Ana").await.0, 302);
    let presenter_path = format!("/workshops/{id}/socket?since=0");
    let mut projector = socket(&two, &owner, &presenter_path, &two.base)
        .await
        .unwrap();
    let mut phone = socket(
        &two,
        &ana,
        &format!("/live/{code}/socket?since=0"),
        &two.base,
    )
    .await
    .unwrap();
    stage_where(&mut projector, |s| s.participants == 1).await;

    assert_eq!(
        control(&one, &owner.client, &id, "show", &activities[0])
            .await
            .0,
        200
    );
    let told: serde_json::Value = serde_json::from_str(&next_text(&mut phone).await).unwrap();
    assert!(
        told["seq"].as_i64().unwrap() > 0,
        "the phone on the other process hears of it"
    );
    let vote = answer(
        &one,
        &ana.client,
        &code,
        &activities[0],
        "a-1",
        &[("0", "1")],
    )
    .await;
    assert_eq!(vote.0, 200);
    let counted = stage_where(&mut projector, |s| {
        matches!(&s.results, Results::Poll { voters: 1, .. })
    })
    .await;
    assert_eq!(
        counted.results,
        Results::Poll {
            counts: vec![0, 1, 0],
            voters: 1
        }
    );
    assert_eq!(
        join(&one, &Browser::new().client, &code, "Ivo").await.0,
        302
    );
    stage_where(&mut projector, |s| s.participants == 2).await;
    one.stop().await;
    two.stop().await;
    db.drop_db().await;
}
