//! Administration over HTTP, on SQLite and on PostgreSQL: first-run set-up, roles, disabling,
//! the last-administrator rule under concurrency, and who may call the admin functions.

mod common;

use app::error::{AppError, Problem};
use app::identity::api::{
    ChangeRole, CreateFirstAdmin, DeleteAccount, GetPlatformStatus, ListUsers, PlatformStatus,
    SetAccountDisabled, SetOpenSignup, SignIn,
};
use app::identity::model::{Role, UserSummary};
use common::{
    active_admins, error, me, on_each_engine, on_each_engine_with, second_admin, setup_admin,
    PASSWORD,
};
use leptos::server_fn::ServerFn;

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
