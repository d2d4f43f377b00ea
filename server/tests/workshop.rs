//! Live workshops over HTTP, on SQLite and on PostgreSQL: preparing the agenda, joining by
//! code without an account, and who may do what (running them: `workshop_run.rs`).

mod common;

use app::error::{AppError, Problem};
use app::workshop::api::{
    AddActivity, ControlWorkshop, CreateWorkshop, GetStage, GetWorkshop, JoinWorkshop,
    ListMyWorkshops, MoveActivity, RemoveActivity, RemoveParticipant, SetJoining,
};
use app::workshop::model::{Scale, Settings, Workshop, WorkshopSummary};
use common::workshops::{add, create, join, problem, room, workshop};
use common::{error, on_each_engine, setup_admin, TestApp};
use leptos::server_fn::ServerFn;

async fn shift(app: &TestApp, id: &str, activity: &str, direction: &str) -> (u16, String) {
    let form = [
        ("workshop_id", id),
        ("activity_id", activity),
        ("direction", direction),
    ];
    app.call(MoveActivity::PATH, &form).await
}

/// Sets who may join: the checkboxes ticked in `ticked`.
async fn joining(app: &TestApp, id: &str, ticked: &[(&str, &str)]) -> u16 {
    let mut form = vec![("workshop_id", id)];
    form.extend_from_slice(ticked);
    app.call(SetJoining::PATH, &form).await.0
}

/// Whether `who` is in the room, and under which nickname.
async fn seat(app: &TestApp, who: &reqwest::Client, code: &str) -> (bool, Option<String>) {
    let room = room(app, who, code).await.unwrap();
    (room.joined, room.nickname)
}

#[tokio::test]
async fn a_facilitator_prepares_an_agenda_of_activities_and_each_setting_is_checked() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let id = create(app, &app.client, "Smart specialisation focus group").await;

        let added = [
            vec![
                ("kind", "poll"),
                ("prompt", "Which instrument first?"),
                ("lines", "Vouchers\nCluster grants\n\nTraining"),
                ("multiple", "on"),
                ("correct", "2"),
            ],
            vec![
                ("kind", "rating"),
                ("prompt", "How strong is the region?"),
                ("lines", "Research\nSkills"),
                ("scale", "evidence"),
            ],
            vec![
                ("kind", "word_cloud"),
                ("prompt", "One word for our cluster"),
                ("per_person", "3"),
            ],
            vec![
                ("kind", "questions"),
                ("prompt", "Your questions"),
                ("anonymous", "on"),
            ],
            vec![("kind", "timer"), ("prompt", "Break"), ("minutes", "10")],
        ];
        for fields in &added {
            let (status, body) = add(app, &id, fields).await;
            assert_eq!(status, 200, "{fields:?}: {body}");
        }
        let w = workshop(app, &id).await;
        assert_eq!(w.language, "hr");
        assert_eq!(w.code.len(), 6);
        let kinds: Vec<_> = w.activities.iter().map(|a| a.settings.kind()).collect();
        assert_eq!(
            kinds,
            ["poll", "rating", "word_cloud", "questions", "timer"]
        );
        assert_eq!(
            w.activities[0].settings,
            Settings::Poll {
                options: vec![
                    "Vouchers".into(),
                    "Cluster grants".into(),
                    "Training".into()
                ],
                multiple: true,
                correct: Some(1),
            }
        );
        assert_eq!(
            w.activities[1].settings,
            Settings::Rating {
                statements: vec!["Research".into(), "Skills".into()],
                scale: Scale::Evidence,
            }
        );
        assert_eq!(w.activities[4].settings, Settings::Timer { seconds: 600 });

        // Mistakes are named at their fields and change nothing.
        let (status, body) = add(
            app,
            &id,
            &[("kind", "poll"), ("prompt", ""), ("lines", "Only one")],
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(problem(&body, "prompt"), Problem::Required);
        assert_eq!(problem(&body, "lines"), Problem::TooFewChoices { min: 2 });
        assert_eq!(
            error(&body).kept("lines"),
            Some("Only one"),
            "what was typed comes back"
        );
        let (status, body) = add(app, &id, &[("kind", "vote"), ("prompt", "?")]).await;
        assert_eq!(
            (status, problem(&body, "kind")),
            (422, Problem::UnknownChoice)
        );
        let (status, body) = add(
            app,
            &id,
            &[("kind", "timer"), ("prompt", "Long"), ("minutes", "999")],
        )
        .await;
        assert_eq!(
            (status, problem(&body, "minutes")),
            (422, Problem::OutOfRange)
        );
        assert_eq!(workshop(app, &id).await.activities.len(), 5);

        // Reordering: the rating goes first; the first cannot go further up.
        let rating = w.activities[1].activity_id.clone();
        assert_eq!(shift(app, &id, &rating, "up").await.0, 200);
        assert_eq!(shift(app, &id, &rating, "up").await.0, 200);
        let (status, body) = shift(app, &id, &rating, "sideways").await;
        assert_eq!(
            (status, problem(&body, "direction")),
            (422, Problem::UnknownChoice)
        );
        let last = w.activities[4].activity_id.clone();
        assert_eq!(shift(app, &id, &last, "down").await.0, 200);
        let kinds: Vec<_> = workshop(app, &id)
            .await
            .activities
            .iter()
            .map(|a| a.settings.kind())
            .collect();
        assert_eq!(
            kinds,
            ["rating", "poll", "word_cloud", "questions", "timer"]
        );

        let remove = [("workshop_id", id.as_str()), ("activity_id", last.as_str())];
        assert_eq!(app.call(RemoveActivity::PATH, &remove).await.0, 200);
        assert_eq!(app.call(RemoveActivity::PATH, &remove).await.0, 404);
        assert_eq!(workshop(app, &id).await.activities.len(), 4);

        let (status, page) = app.get(&format!("/workshops/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Smart specialisation focus group") && page.contains(&w.code));
        assert!(
            page.contains("Cluster grants"),
            "the agenda shows each activity's settings"
        );
    })
    .await;
}

#[tokio::test]
async fn participants_join_by_code_without_an_account_and_keep_their_seat() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let id = create(app, &app.client, "Peer review day").await;
        let code = workshop(app, &id).await.code;
        let ana = common::client();

        let before = room(app, &ana, &code).await.unwrap();
        assert_eq!(
            (before.title.as_str(), before.joined),
            ("Peer review day", false)
        );
        let typed = format!(" {}-{} ", &code[..3], code[3..].to_lowercase());
        assert_eq!(
            join(app, &ana, &typed, " Ana ").await,
            (302, format!("/live/{code}")),
            "a code is read in any case, with spaces or a dash"
        );
        assert_eq!(seat(app, &ana, &code).await, (true, Some("Ana".into())));
        join(app, &ana, &code, "Ana K.").await;
        let w = workshop(app, &id).await;
        assert_eq!(
            w.participants.len(),
            1,
            "joining again renames, it adds nobody"
        );
        assert_eq!(w.participants[0].nickname.as_deref(), Some("Ana K."));

        let page = ana
            .get(app.url(&format!("/live/{code}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.text().await.unwrap().contains("Ana K."));

        // Wrong codes, and a nameless join where names are asked for.
        let ivo = common::client();
        let (status, body) = app
            .call_with(
                &ivo,
                JoinWorkshop::PATH,
                &[("code", "ZZZZZZ"), ("nickname", "Ivo")],
            )
            .await;
        assert_eq!((status, problem(&body, "code")), (422, Problem::WrongCode));
        assert_eq!(error(&body).kept("code"), Some("ZZZZZZ"));
        let (status, body) = app
            .call_with(
                &ivo,
                JoinWorkshop::PATH,
                &[("code", "0"), ("nickname", "Ivo")],
            )
            .await;
        assert_eq!((status, problem(&body, "code")), (422, Problem::WrongCode));
        assert_eq!(room(app, &ivo, "nonsense").await, Err(AppError::NotFound));
        let (status, body) = app
            .call_with(
                &ivo,
                JoinWorkshop::PATH,
                &[("code", &code), ("nickname", " ")],
            )
            .await;
        assert_eq!(
            (status, problem(&body, "nickname")),
            (422, Problem::Required)
        );

        // The facilitator allows anonymity, then locks the door: who is in stays in.
        assert_eq!(joining(app, &id, &[("anonymous", "on")]).await, 200);
        assert_eq!(
            join(app, &ivo, &code, "").await,
            (302, format!("/live/{code}"))
        );
        assert_eq!(seat(app, &ivo, &code).await, (true, None));
        let locked = [("anonymous", "on"), ("locked", "on")];
        assert_eq!(joining(app, &id, &locked).await, 200);
        let late = common::client();
        let (status, body) = app
            .call_with(
                &late,
                JoinWorkshop::PATH,
                &[("code", &code), ("nickname", "Late")],
            )
            .await;
        assert_eq!(
            (status, problem(&body, "code")),
            (422, Problem::JoiningLocked)
        );
        assert!(room(app, &late, &code).await.unwrap().joining_locked);
        assert_eq!(
            join(app, &ana, &code, "Ana").await.0,
            302,
            "who joined may come back"
        );

        // Sent out, a participant's cookie no longer opens the room.
        let w = workshop(app, &id).await;
        assert_eq!(w.participants.len(), 2);
        let ana_id = w
            .participants
            .iter()
            .find(|p| p.nickname.as_deref() == Some("Ana"))
            .unwrap()
            .participant_id
            .clone();
        let out = [
            ("workshop_id", id.as_str()),
            ("participant_id", ana_id.as_str()),
        ];
        assert_eq!(app.call(RemoveParticipant::PATH, &out).await.0, 200);
        assert_eq!(app.call(RemoveParticipant::PATH, &out).await.0, 404);
        assert_eq!(room(app, &ana, &code).await, Err(AppError::Forbidden));
        let (status, _) = app
            .call_with(
                &ana,
                JoinWorkshop::PATH,
                &[("code", &code), ("nickname", "Ana")],
            )
            .await;
        assert_eq!(status, 403);
        assert_eq!(workshop(app, &id).await.participants.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn only_the_owner_or_an_administrator_may_see_or_change_a_workshop() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let owner = common::client();
        app.sign_up(&owner, "owner@example.org").await;
        let id = create(app, &owner, "Foresight workshop").await;
        let (status, body) = app
            .call_with(
                &owner,
                AddActivity::PATH,
                &[
                    ("workshop_id", &id),
                    ("kind", "word_cloud"),
                    ("prompt", "Drivers of change"),
                    ("per_person", "2"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let activity = {
            let (_, body) = app
                .call_with(&owner, GetWorkshop::PATH, &[("workshop_id", &id)])
                .await;
            serde_json::from_str::<Workshop>(&body).unwrap().activities[0]
                .activity_id
                .clone()
        };

        let other = common::client();
        app.sign_up(&other, "other@example.org").await;
        let other_id = create(app, &other, "Someone else's").await;
        let anonymous = common::client();
        let calls: [(&str, Vec<(&str, &str)>); 8] = [
            (GetWorkshop::PATH, vec![("workshop_id", &id)]),
            (GetStage::PATH, vec![("workshop_id", &id)]),
            (
                ControlWorkshop::PATH,
                vec![
                    ("workshop_id", &id),
                    ("action", "show"),
                    ("activity_id", &activity),
                ],
            ),
            (
                AddActivity::PATH,
                vec![("workshop_id", &id), ("kind", "questions"), ("prompt", "Q")],
            ),
            (
                MoveActivity::PATH,
                vec![
                    ("workshop_id", &id),
                    ("activity_id", &activity),
                    ("direction", "up"),
                ],
            ),
            (
                RemoveActivity::PATH,
                vec![("workshop_id", &id), ("activity_id", &activity)],
            ),
            (
                SetJoining::PATH,
                vec![("workshop_id", &id), ("locked", "on")],
            ),
            (
                RemoveParticipant::PATH,
                vec![("workshop_id", &id), ("participant_id", "x")],
            ),
        ];
        for (path, form) in &calls {
            assert_eq!(app.call_with(&other, path, form).await.0, 403, "{path}");
            assert_eq!(app.call_with(&anonymous, path, form).await.0, 401, "{path}");
        }
        let missing = [("workshop_id", "no-such-workshop")];
        assert_eq!(
            app.call_with(&other, GetWorkshop::PATH, &missing).await.0,
            404
        );
        // An activity of one workshop cannot be moved or removed through another.
        let through_other = [
            ("workshop_id", other_id.as_str()),
            ("activity_id", &activity),
        ];
        assert_eq!(
            app.call_with(&other, RemoveActivity::PATH, &through_other)
                .await
                .0,
            404
        );
        let (status, _) = app
            .call_with(
                &anonymous,
                CreateWorkshop::PATH,
                &[("title", "X"), ("language", "en")],
            )
            .await;
        assert_eq!(status, 401);
        let (status, body) = app
            .call_with(
                &other,
                CreateWorkshop::PATH,
                &[("title", "X"), ("language", "xx")],
            )
            .await;
        assert_eq!(
            (status, problem(&body, "language")),
            (422, Problem::UnknownChoice)
        );

        // Nothing above changed the owner's workshop; the administrator sees it too.
        let w = workshop(app, &id).await;
        assert_eq!(w.activities.len(), 1);
        assert!(!w.joining_locked);
        let (_, body) = app.call(ListMyWorkshops::PATH, &[]).await;
        let all: Vec<WorkshopSummary> = serde_json::from_str(&body).unwrap();
        assert_eq!(all.len(), 2, "an administrator's list holds every workshop");
        let (_, body) = app.call_with(&other, ListMyWorkshops::PATH, &[]).await;
        let theirs: Vec<WorkshopSummary> = serde_json::from_str(&body).unwrap();
        assert_eq!(theirs.len(), 1);
    })
    .await;
}
