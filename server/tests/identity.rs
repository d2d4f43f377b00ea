//! Accounts end to end over HTTP, on SQLite and on PostgreSQL.

mod common;

use app::error::{AppError, Problem};
use app::identity::api::{
    ChangePassword, ChangeRole, CreateFirstAdmin, DeleteAccount, ExportMyData, ListUsers,
    SetAccountDisabled, SetOpenSignup, SignIn, SignOut, SignUp, WhoAmI,
};
use app::identity::model::{CurrentUser, PersonalData, Role, UserSummary};
use common::{config, engines, on_each_engine, on_each_engine_with, TestApp, TestDb, PASSWORD};
use leptos::server_fn::ServerFn;

fn error(body: &str) -> AppError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

async fn setup_admin(app: &TestApp) {
    let (status, body) = app
        .call(
            CreateFirstAdmin::PATH,
            &[
                ("email", "admin@example.org"),
                ("display_name", "Ana Admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn me(app: &TestApp, client: &reqwest::Client) -> Option<CurrentUser> {
    let (status, body) = app.call_with(client, WhoAmI::PATH, &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn the_first_run_creates_one_administrator_and_then_refuses() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let admin = me(app, &app.client).await.expect("signed in after set-up");
        assert_eq!(admin.role, Role::Admin);

        let other = common::client();
        let (status, body) = app
            .call_with(
                &other,
                CreateFirstAdmin::PATH,
                &[
                    ("email", "second@example.org"),
                    ("display_name", "B"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, 403, "{engine:?}: {body}");
        assert_eq!(error(&body), AppError::Forbidden);
    })
    .await;
}

#[tokio::test]
async fn sign_up_signs_in_and_a_duplicate_email_is_a_field_error() {
    on_each_engine(async |app, _| {
        let (status, body) = app.sign_up(&app.client, "Ivo@Example.org").await;
        assert_eq!(status, 200, "{body}");
        let user = me(app, &app.client).await.unwrap();
        assert_eq!(user.email, "ivo@example.org");
        assert_eq!(user.role, Role::Member);

        let (status, body) = app.sign_up(&common::client(), "ivo@example.org").await;
        assert_eq!(status, 422);
        assert_eq!(error(&body).problem("email"), Some(&Problem::EmailTaken));
    })
    .await;
}

#[tokio::test]
async fn a_weak_password_an_invalid_email_and_an_over_long_name_are_all_reported_and_nothing_is_saved(
) {
    on_each_engine(async |app, _| {
        let long_name = "x".repeat(101);
        let (status, body) = app
            .call(
                SignUp::PATH,
                &[
                    ("email", "not-an-email"),
                    ("display_name", &long_name),
                    ("password", "password123"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        let err = error(&body);
        assert_eq!(err.problem("email"), Some(&Problem::InvalidEmail));
        assert_eq!(
            err.problem("display_name"),
            Some(&Problem::TooLong { max: 100 })
        );
        assert_eq!(err.problem("password"), Some(&Problem::WeakPassword));
        assert_eq!(me(app, &app.client).await, None);
        let count = app.count("select count(*) from app_user").await;
        assert_eq!(count, 0);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    on_each_engine(async |app, _| {
        app.sign_up(&common::client(), "ivo@example.org").await;
        for (email, password) in [
            ("ivo@example.org", "wrong password here"),
            ("nobody@example.org", PASSWORD),
        ] {
            let (status, body) = app
                .call(SignIn::PATH, &[("email", email), ("password", password)])
                .await;
            assert_eq!(status, 422);
            let err = error(&body);
            assert_eq!(err.problem("password"), Some(&Problem::WrongCredentials));
            assert_eq!(err.kept("email"), Some(email), "the form comes back filled");
            assert!(!body.contains(password), "a password never comes back");
        }
        let (status, _) = app
            .call(
                SignIn::PATH,
                &[("email", "ivo@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(status, 200);
        assert!(me(app, &app.client).await.is_some());

        app.call(SignOut::PATH, &[]).await;
        assert_eq!(me(app, &app.client).await, None);
    })
    .await;
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let cfg = config(&db);
        let first = TestApp::start(&cfg).await;
        let client = first.client.clone();
        first.sign_up(&client, "ivo@example.org").await;
        first.stop().await;

        let second = TestApp::start(&cfg).await;
        let user = me(&second, &client).await.expect("still signed in");
        assert_eq!(user.email, "ivo@example.org");
        second.stop().await;
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_forged_or_expired_session_cookie_means_signed_out() {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;

        let plain = reqwest::Client::new();
        for cookie in [
            "cp_session=forged",
            &format!("cp_session={}", "a".repeat(64)),
        ] {
            let res = plain
                .post(app.url(WhoAmI::PATH))
                .header("origin", &app.base)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(res.text().await.unwrap(), "null");
            let page = plain
                .get(app.url("/account"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(page.status().as_u16(), 401);
        }

        sqlx::query("update session set expires_at = 0")
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();
        assert_eq!(me(app, &app.client).await, None);
        let left = app.count("select count(*) from session").await;
        assert_eq!(left, 0, "an expired session is removed");
    })
    .await;
}

#[tokio::test]
async fn an_administrator_changes_roles_and_disables_accounts_and_a_member_cannot() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let member = common::client();
        app.sign_up(&member, "ivo@example.org").await;
        let member_id = me(app, &member).await.unwrap().user_id;

        let (status, body) = app
            .call_with(
                &member,
                ChangeRole::PATH,
                &[("user_id", &member_id), ("role", "admin")],
            )
            .await;
        assert_eq!(status, 403, "{body}");

        let (status, body) = app
            .call(
                ChangeRole::PATH,
                &[("user_id", &member_id), ("role", "admin")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call(ListUsers::PATH, &[]).await;
        let users: Vec<UserSummary> = serde_json::from_str(&body).unwrap();
        assert_eq!(
            users.iter().find(|u| u.user_id == member_id).unwrap().role,
            Role::Admin
        );

        let (status, _) = app
            .call(
                SetAccountDisabled::PATH,
                &[("user_id", &member_id), ("disabled", "true")],
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(me(app, &member).await, None, "disabling ends the sessions");
        let (status, body) = app
            .call_with(
                &member,
                SignIn::PATH,
                &[("email", "ivo@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("password"),
            Some(&Problem::AccountDisabled)
        );

        let admin_id = me(app, &app.client).await.unwrap().user_id;
        let (status, body) = app
            .call(
                ChangeRole::PATH,
                &[("user_id", &admin_id), ("role", "member")],
            )
            .await;
        assert_eq!(status, 422, "the last active administrator stays: {body}");
        assert_eq!(error(&body).problem("user"), Some(&Problem::LastAdmin));
    })
    .await;
}

#[tokio::test]
async fn closing_sign_up_refuses_new_accounts() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let (status, _) = app.call(SetOpenSignup::PATH, &[("open", "false")]).await;
        assert_eq!(status, 200);
        let (status, _) = app.sign_up(&common::client(), "ivo@example.org").await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn a_person_downloads_their_data_changes_their_password_and_deletes_their_account() {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;

        let res = app
            .client
            .get(app.url(ExportMyData::PATH))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(res
            .headers()
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        let data: PersonalData = res.json().await.unwrap();
        assert_eq!(data.email, "ivo@example.org");
        assert_eq!(data.active_sessions, 1);

        let new = "a quite different passphrase";
        let (status, body) = app
            .call(
                ChangePassword::PATH,
                &[
                    ("current_password", "not it at all"),
                    ("new_password", new),
                    ("confirm_password", "typo"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        let err = error(&body);
        assert_eq!(
            err.problem("current_password"),
            Some(&Problem::WrongCredentials)
        );
        assert_eq!(err.problem("confirm_password"), Some(&Problem::Mismatch));
        let (status, body) = app
            .call(
                ChangePassword::PATH,
                &[
                    ("current_password", PASSWORD),
                    ("new_password", new),
                    ("confirm_password", new),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");

        let (status, _) = app
            .call(DeleteAccount::PATH, &[("password", PASSWORD)])
            .await;
        assert_eq!(status, 422, "the old password no longer works");
        let (status, _) = app.call(DeleteAccount::PATH, &[("password", new)]).await;
        assert_eq!(status, 200);
        assert_eq!(me(app, &app.client).await, None);
        let (status, _) = app
            .call(
                SignIn::PATH,
                &[("email", "ivo@example.org"), ("password", new)],
            )
            .await;
        assert_eq!(status, 422);
        let left = app.count("select count(*) from app_user").await;
        assert_eq!(left, 0);
    })
    .await;
}

const WRONG_SIGN_IN: [(&str, &str); 2] =
    [("email", "a@example.org"), ("password", "wrong password")];

#[tokio::test]
async fn signing_in_too_often_is_refused_for_a_while() {
    on_each_engine_with(
        |cfg| cfg.sign_in_attempts_per_minute = 3,
        async |app, _| {
            for _ in 0..3 {
                let (status, _) = app.call(SignIn::PATH, &WRONG_SIGN_IN).await;
                assert_eq!(status, 422);
            }
            let (status, body) = app.call(SignIn::PATH, &WRONG_SIGN_IN).await;
            assert_eq!(status, 429);
            assert_eq!(error(&body), AppError::RateLimited);
        },
    )
    .await;
}
