//! Accounts end to end over HTTP, on SQLite and on PostgreSQL.

mod common;

use app::error::{AppError, Problem};
use app::identity::api::{
    ChangePassword, ChangeRole, CreateFirstAdmin, DeleteAccount, ExportMyData, GetPlatformStatus,
    ListUsers, PlatformStatus, SetAccountDisabled, SetOpenSignup, SignIn, SignOut, SignUp,
    UpdateProfile, WhoAmI,
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

async fn change_password(app: &TestApp, current: &str, new: &str) -> (u16, String) {
    let form = [
        ("current_password", current),
        ("new_password", new),
        ("confirm_password", new),
    ];
    app.call(ChangePassword::PATH, &form).await
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

/// Signs `client` up and makes them an administrator (by the first administrator's hand).
async fn second_admin(app: &TestApp, client: &reqwest::Client, email: &str) -> String {
    app.sign_up(client, email).await;
    let id = me(app, client).await.unwrap().user_id;
    let (status, body) = app
        .call(ChangeRole::PATH, &[("user_id", &id), ("role", "admin")])
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

async fn active_admins(app: &TestApp) -> i64 {
    app.count("select count(*) from app_user where role = 'admin' and disabled = 0")
        .await
}

#[tokio::test]
async fn members_and_visitors_are_refused_by_every_admin_function_whether_or_not_the_account_exists(
) {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let admin_id = me(app, &app.client).await.unwrap().user_id;
        let member = common::client();
        app.sign_up(&member, "ivo@example.org").await;
        let visitor = common::client();
        for (client, expected) in [(&member, 403), (&visitor, 401)] {
            for target in [admin_id.as_str(), "no-such-account"] {
                let calls: [(&str, Vec<(&str, &str)>); 4] = [
                    (ListUsers::PATH, vec![]),
                    (
                        ChangeRole::PATH,
                        vec![("user_id", target), ("role", "member")],
                    ),
                    (
                        SetAccountDisabled::PATH,
                        vec![("user_id", target), ("disabled", "true")],
                    ),
                    (SetOpenSignup::PATH, vec![("open", "false")]),
                ];
                for (path, form) in calls {
                    let (status, body) = app.call_with(client, path, &form).await;
                    assert_eq!(status, expected, "{path} on {target}: {body}");
                }
            }
        }
        assert_eq!(active_admins(app).await, 1);
    })
    .await;
}

#[tokio::test]
async fn two_administrators_demoting_or_disabling_each_other_at_once_leave_one() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let first_id = me(app, &app.client).await.unwrap().user_id;
        let other = common::client();
        let other_id = second_admin(app, &other, "bea@example.org").await;
        let changes: [(&str, &str, &str); 2] = [
            (ChangeRole::PATH, "role", "member"),
            (SetAccountDisabled::PATH, "disabled", "true"),
        ];
        for (path, field, value) in changes {
            for _ in 0..5 {
                let first_acts = [("user_id", other_id.as_str()), (field, value)];
                let other_acts = [("user_id", first_id.as_str()), (field, value)];
                let (a, b) = tokio::join!(
                    app.call(path, &first_acts),
                    app.call_with(&other, path, &other_acts),
                );
                assert_eq!(
                    active_admins(app).await,
                    1,
                    "{engine:?} {path}: {a:?} {b:?}"
                );
                // Both back to active administrators for the next round.
                sqlx::query("update app_user set role = 'admin', disabled = 0")
                    .execute(&app.state.context.db.pool)
                    .await
                    .unwrap();
            }
        }
    })
    .await;
}

#[tokio::test]
async fn two_administrators_deleting_their_accounts_at_once_leave_one() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let other = common::client();
        second_admin(app, &other, "bea@example.org").await;
        let (a, b) = tokio::join!(
            app.call(DeleteAccount::PATH, &[("password", PASSWORD)]),
            app.call_with(&other, DeleteAccount::PATH, &[("password", PASSWORD)]),
        );
        assert_eq!(active_admins(app).await, 1, "{engine:?}: {a:?} {b:?}");
        let refused = [a.0, b.0].iter().filter(|s| **s == 422).count();
        assert_eq!(refused, 1, "one deletion is refused as the last admin");
    })
    .await;
}

#[tokio::test]
async fn many_first_run_set_ups_at_once_make_exactly_one_administrator() {
    on_each_engine(async |app, engine| {
        let mut attempts = tokio::task::JoinSet::new();
        for n in 0..6 {
            let (url, origin) = (app.url(CreateFirstAdmin::PATH), app.base.clone());
            attempts.spawn(async move {
                let email = format!("admin{n}@example.org");
                let form = [
                    ("email", email.as_str()),
                    ("display_name", "Ana"),
                    ("password", PASSWORD),
                ];
                let res = common::client()
                    .post(url)
                    .header("origin", origin)
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                res.status().as_u16()
            });
        }
        let statuses = attempts.join_all().await;
        let created = statuses.iter().filter(|s| **s == 200).count();
        assert_eq!(created, 1, "{engine:?}: {statuses:?}");
        assert_eq!(app.count("select count(*) from app_user").await, 1);
    })
    .await;
}

#[tokio::test]
async fn set_up_of_a_server_reachable_from_the_network_asks_for_the_code_it_printed() {
    on_each_engine_with(
        |cfg| cfg.addr = "0.0.0.0:0".parse().unwrap(),
        async |app, _| {
            let code = app.state.context.setup_code.clone().expect("a code");
            let (_, body) = app.call(GetPlatformStatus::PATH, &[]).await;
            let status: PlatformStatus = serde_json::from_str(&body).unwrap();
            assert!(status.setup_code_required);
            let typed = code.to_lowercase().replace('-', " ");
            for (given, expected) in [("WRONG-CODE-HERE", 422), (typed.as_str(), 200)] {
                let form = [
                    ("email", "admin@example.org"),
                    ("display_name", "Ana Admin"),
                    ("password", PASSWORD),
                    ("setup_code", given),
                ];
                let (status, body) = app.call(CreateFirstAdmin::PATH, &form).await;
                assert_eq!(status, expected, "{given}: {body}");
                if expected == 422 {
                    assert_eq!(
                        error(&body).problem("setup_code"),
                        Some(&Problem::WrongCode)
                    );
                    assert_eq!(app.count("select count(*) from app_user").await, 0);
                }
            }
        },
    )
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
async fn the_last_administrator_can_neither_disable_nor_delete_their_account_over_http() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let admin_id = me(app, &app.client).await.unwrap().user_id;
        let (status, body) = app
            .call(
                SetAccountDisabled::PATH,
                &[("user_id", &admin_id), ("disabled", "true")],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error(&body).problem("user"), Some(&Problem::LastAdmin));
        let (status, body) = app
            .call(DeleteAccount::PATH, &[("password", PASSWORD)])
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error(&body).problem("password"), Some(&Problem::LastAdmin));
        assert_eq!(active_admins(app).await, 1);

        let other = common::client();
        let other_id = second_admin(app, &other, "bea@example.org").await;
        let (status, body) = app
            .call(
                SetAccountDisabled::PATH,
                &[("user_id", &other_id), ("disabled", "true")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(active_admins(app).await, 1);
    })
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

#[tokio::test]
async fn an_unknown_role_in_the_database_is_an_error_not_a_quiet_member() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        app.sign_up(&common::client(), "ivo@example.org").await;
        sqlx::query("update app_user set role = 'superuser' where email = 'ivo@example.org'")
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();
        let (status, body) = app.call(ListUsers::PATH, &[]).await;
        assert_eq!(status, 500, "{body}");
        assert_eq!(error(&body), AppError::Internal);
        assert!(!body.contains("superuser"));
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
async fn an_account_change_waits_for_the_account_lock_so_its_check_and_write_cannot_interleave() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let other = common::client();
        let other_id = second_admin(app, &other, "bea@example.org").await;
        let mut holder = app.state.context.db.pool.begin().await.unwrap();
        sqlx::query("update setting set value = value where setting_key = 'account_guard'")
            .execute(&mut *holder)
            .await
            .unwrap();
        let demote = [("user_id", other_id.as_str()), ("role", "member")];
        let change = app.call(ChangeRole::PATH, &demote);
        tokio::pin!(change);
        let waited = tokio::time::timeout(std::time::Duration::from_millis(500), &mut change).await;
        assert!(
            waited.is_err(),
            "{engine:?}: the change did not wait for the lock"
        );
        holder.commit().await.unwrap();
        let (status, body) = change.await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(active_admins(app).await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_server_published_at_another_address_than_its_loopback_listener_asks_for_a_set_up_code() {
    on_each_engine_with(
        |cfg| cfg.public_url = Some("https://platform.example.org".into()),
        async |app, _| {
            assert!(app.state.context.setup_code.is_some());
        },
    )
    .await;
    on_each_engine(async |app, _| {
        assert!(
            app.state.context.setup_code.is_none(),
            "on this machine only"
        );
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
