//! Abuse limits over HTTP, on SQLite and on PostgreSQL: per account, per address, and behind a
//! trusted proxy.

mod common;

use app::error::AppError;
use app::identity::api::{ChangePassword, DeleteAccount, SignIn};
use common::{error, on_each_engine_with, PASSWORD};
use leptos::server_fn::ServerFn;

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

#[tokio::test]
async fn one_account_guessed_at_is_limited_while_others_behind_the_same_address_sign_in() {
    on_each_engine_with(
        |cfg| cfg.sign_in_attempts_per_minute = 3,
        async |app, _| {
            app.sign_up(&common::client(), "ivo@example.org").await;
            for _ in 0..3 {
                let (status, _) = app.call(SignIn::PATH, &WRONG_SIGN_IN).await;
                assert_eq!(status, 422);
            }
            let (status, body) = app.call(SignIn::PATH, &WRONG_SIGN_IN).await;
            assert_eq!(status, 429);
            assert_eq!(error(&body), AppError::RateLimited);
            let (status, body) = app
                .call(
                    SignIn::PATH,
                    &[("email", "ivo@example.org"), ("password", PASSWORD)],
                )
                .await;
            assert_eq!(status, 200, "another account from the same address: {body}");
        },
    )
    .await;
}

#[tokio::test]
async fn signing_up_from_one_address_too_often_is_refused_for_a_while() {
    on_each_engine_with(
        |cfg| cfg.attempts_per_address_per_minute = 3,
        async |app, _| {
            for n in 0..3 {
                let (status, body) = app
                    .sign_up(&common::client(), &format!("p{n}@example.org"))
                    .await;
                assert_eq!(status, 200, "{body}");
            }
            let (status, _) = app.sign_up(&common::client(), "p9@example.org").await;
            assert_eq!(status, 429);
            assert_eq!(app.count("select count(*) from app_user").await, 3);
        },
    )
    .await;
}

#[tokio::test]
async fn password_change_and_account_deletion_are_limited_per_account() {
    on_each_engine_with(
        |cfg| cfg.sign_in_attempts_per_minute = 2,
        async |app, _| {
            app.sign_up(&app.client, "ivo@example.org").await;
            let wrong = [
                ("current_password", "not the password"),
                ("new_password", "a quite different passphrase"),
                ("confirm_password", "a quite different passphrase"),
            ];
            for expected in [422, 422, 429] {
                let (status, _) = app.call(ChangePassword::PATH, &wrong).await;
                assert_eq!(status, expected);
            }
            let (status, _) = app
                .call(DeleteAccount::PATH, &[("password", PASSWORD)])
                .await;
            assert_eq!(status, 429, "the same account's allowance is used up");
            assert_eq!(app.count("select count(*) from app_user").await, 1);
        },
    )
    .await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit_and_otherwise_none_is_believed(
) {
    for trusted in [true, false] {
        on_each_engine_with(
            |cfg| {
                cfg.attempts_per_address_per_minute = 2;
                cfg.trust_forwarded_for = trusted;
            },
            async |app, _| {
                let attempt = async |forwarded: &str| {
                    app.client
                        .post(app.url(SignIn::PATH))
                        .header("origin", &app.base)
                        .header("x-forwarded-for", forwarded)
                        .form(&WRONG_SIGN_IN)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                };
                assert_eq!(attempt("203.0.113.1").await, 422);
                assert_eq!(attempt("203.0.113.1").await, 422);
                assert_eq!(attempt("203.0.113.1").await, 429);
                let expected = if trusted { 422 } else { 429 };
                assert_eq!(attempt("203.0.113.2").await, expected, "trusted: {trusted}");
            },
        )
        .await;
    }
}
