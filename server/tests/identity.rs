//! Accounts and sessions end to end over HTTP, on SQLite and on PostgreSQL: sign-up,
//! sign-in, sessions, profile, password, personal data, forms without JavaScript.

mod common;

use app::error::Problem;
use app::identity::api::{
    ChangePassword, DeleteAccount, ExportMyData, SignIn, SignOut, SignUp, UpdateProfile, WhoAmI,
};
use app::identity::model::{PersonalData, Role};
use common::{
    change_password, config, engines, error, me, on_each_engine, TestApp, TestDb, PASSWORD,
};
use leptos::server_fn::ServerFn;

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
        let (status, body) = change_password(app, PASSWORD, new).await;
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

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let phone = common::client();
        let (status, _) = app
            .call_with(
                &phone,
                SignIn::PATH,
                &[("email", "ivo@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(status, 200);
        let new = "a quite different passphrase";
        let (status, body) = change_password(app, PASSWORD, new).await;
        assert_eq!(status, 200, "{body}");
        assert!(me(app, &app.client).await.is_some(), "this session stays");
        assert_eq!(me(app, &phone).await, None, "the other session ended");
    })
    .await;
}

#[tokio::test]
async fn a_profile_update_saves_name_organisation_and_language_and_refuses_an_unknown_organisation()
{
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let (status, body) = app.add_organisation("Klaster drvne industrije", "HR").await;
        assert_eq!(status, 200, "{body}");
        let org_id: String = sqlx::query_scalar("select organisation_id from organisation")
            .fetch_one(&app.state.context.db.pool)
            .await
            .unwrap();
        let (status, body) = app
            .call(
                UpdateProfile::PATH,
                &[
                    ("display_name", "Ivo Ivić"),
                    ("organisation_id", "no-such-organisation"),
                    ("locale", "xx"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let err = error(&body);
        assert_eq!(
            err.problem("organisation_id"),
            Some(&Problem::UnknownChoice)
        );
        assert_eq!(err.problem("locale"), Some(&Problem::UnknownChoice));
        let (status, body) = app
            .call(
                UpdateProfile::PATH,
                &[
                    ("display_name", "Ivo Ivić"),
                    ("organisation_id", &org_id),
                    ("locale", "hr"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let user = me(app, &app.client).await.unwrap();
        assert_eq!(user.display_name, "Ivo Ivić");
        assert_eq!(user.organisation_id.as_deref(), Some(org_id.as_str()));
        assert_eq!(user.preferred_locale, "hr");
    })
    .await;
}

#[tokio::test]
async fn a_form_posted_without_javascript_comes_back_filled_but_the_email_stays_out_of_the_url() {
    on_each_engine(async |app, _| {
        let browser = common::client();
        let res = browser
            .post(app.url(SignIn::PATH))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("referer", app.url("/signin"))
            .form(&[
                ("email", "ana.secret@example.org"),
                ("password", "wrong password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 302);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.contains("__err="), "{location}");
        assert!(!location.contains("secret"), "{location}");
        let page = browser.get(&location).send().await.unwrap();
        let cleared = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("cp_kept=;"));
        assert!(cleared, "the kept text is shown once");
        let html = page.text().await.unwrap();
        assert!(html.contains("value=\"ana.secret@example.org\""), "{html}");
        assert!(html.contains("The e-mail or the password is not right."));
        // A second mistake: the page it is posted from carries the first error in its URL.
        let res = browser
            .post(app.url(SignIn::PATH))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("referer", &location)
            .form(&[
                ("email", "ana.secret@example.org"),
                ("password", "wrong again"),
            ])
            .send()
            .await
            .unwrap();
        let second = res.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(second.matches("__err=").count(), 1, "{second}");
        assert!(!second.contains("secret"), "{second}");
        browser.get(&second).send().await.unwrap();
        let again = browser
            .get(&location)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!again.contains("ana.secret@example.org"));
    })
    .await;
}

#[tokio::test]
async fn no_session_opens_for_a_password_that_changed_while_the_sign_in_was_checking_it() {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let user_id = me(app, &app.client).await.unwrap().user_id;
        let session = |password_hash| app::identity::store::NewSession {
            token_hash: "0123",
            user_id: &user_id,
            password_hash,
            expires_at: i64::MAX,
            now: 0,
        };
        let db = &app.state.context.db;
        let opened = app::identity::store::create_session(db, session("an older hash"))
            .await
            .unwrap();
        assert!(!opened);
        let current: String = sqlx::query_scalar("select password_hash from app_user")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let opened = app::identity::store::create_session(db, session(&current))
            .await
            .unwrap();
        assert!(opened);
    })
    .await;
}
