//! Running a workshop, on SQLite and on PostgreSQL: the facilitator's commands, participants'
//! answers (checked, counted once per command, the latest counting), the screens and results
//! they lead to, and the live sockets that carry them.

mod common;

use app::db::Engine;
use app::error::Problem;
use app::workshop::api::ControlWorkshop;
use app::workshop::model::Settings;
use app::workshop::run::Results;
use common::live::{
    answer, close_code, control, next_text, prepared, send_out, socket, stage, stage_where, Browser,
};
use common::workshops::{join, problem, room};
use common::{engines, error, on_each_engine, TestApp, TestDb};
use futures::{SinkExt, StreamExt};
use leptos::server_fn::ServerFn;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

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
        let (status, body) = send_out(app, &owner, &id, "Ana").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            stage(app, &owner.client, &id).await.results,
            Results::Words {
                words: vec![("TRUST".into(), 1)]
            }
        );

        // A form bigger than any screen sends (two values for each of a matrix's 12 items) is
        // not read.
        let many: Vec<(String, &str)> = (0..25).map(|n| (n.to_string(), "x")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (&k[..], *v)).collect();
        let (status, body) = answer(app, &ivo.client, &code, cloud, "ivo-7", &many).await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::TooManyChoices { max: 24 })
        );
        let huge = "x".repeat(10_001);
        let (status, body) = answer(app, &ivo.client, &code, cloud, "ivo-8", &[("0", &huge)]).await;
        assert_eq!(
            (status, problem(&body, "values")),
            (422, Problem::TooLong { max: 10_000 })
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
        assert_eq!(send_out(app, &owner, &id, "Ana").await.0, 200);
        assert_eq!(close_code(&mut later).await, 1008);
        // Coming back, they are told the same at once, so their page stops trying.
        let mut back = socket(app, &ana, &participant_path, here).await.unwrap();
        assert_eq!(close_code(&mut back).await, 1008);

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

#[tokio::test]
async fn a_timer_counts_down_on_every_screen_until_stopped_or_the_next_activity() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let ana = Browser::new();
        join(app, &ana.client, &code, "Ana").await;
        let timer = |action: &'static str, minutes: &'static str| {
            let id = id.clone();
            let owner = &owner.client;
            async move {
                let form = [
                    ("workshop_id", id.as_str()),
                    ("action", action),
                    ("minutes", minutes),
                ];
                app.call_with(owner, ControlWorkshop::PATH, &form).await
            }
        };
        let left = async || {
            let presenter = stage(app, &owner.client, &id)
                .await
                .shown
                .and_then(|s| s.timer_left);
            let screen = room(app, &ana.client, &code).await.unwrap().screen.unwrap();
            (presenter, screen.shown.and_then(|s| s.timer_left))
        };

        // Only for an activity on the screens, and only of a length that makes sense.
        let (status, body) = timer("timer", "2").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::ActivityClosed)
        );
        control(app, &owner.client, &id, "show", &activities[0]).await;
        for wrong in ["0:05", "two", "1:75", "600"] {
            let (status, body) = timer("timer", wrong).await;
            assert_eq!(status, 422, "{wrong}: {body}");
            assert!(
                matches!(problem(&body, "minutes"), Problem::OutOfRange),
                "{wrong}: {body}"
            );
        }

        assert_eq!(timer("timer", "1:30").await.0, 200);
        let (presenter, phone) = left().await;
        assert!(matches!(presenter, Some(88..=90)), "{presenter:?}");
        assert!(matches!(phone, Some(88..=90)), "{phone:?}");
        assert_eq!(timer("stop_timer", "").await.0, 200);
        assert_eq!(left().await, (None, None));

        // The next activity starts without the last one's timer.
        assert_eq!(timer("timer", "5").await.0, 200);
        control(app, &owner.client, &id, "show", &activities[1]).await;
        assert_eq!(left().await, (None, None));
    })
    .await;
}
