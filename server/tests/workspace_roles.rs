//! Roles in workspaces, on SQLite and on PostgreSQL: changes within each role's rights,
//! leaving and handing over, and the rule that a workspace never loses its last owner, also
//! when two owners leave at the same moment or an owner's account is deleted.

mod common;

use app::error::Problem;
use app::workspace::api::{LeaveWorkspace, SetMemberRole, TransferOwnership};
use app::workspace::model::Role;
use common::on_each_engine;
use common::workshops::problem;
use common::workspaces::{accept, create, link, person, post, role_of, user_id, workspace};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn roles_change_within_each_ones_rights_and_the_last_owner_cannot_go() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let id = create(app, &owner, "Innovation", "private", &[]).await;
        let (fac, mem) = (
            person(app, "fac@example.org").await,
            person(app, "mem@example.org").await,
        );
        let token = link(app, &owner, &id, "facilitator", "1").await;
        accept(app, &fac, &token).await;
        let token = link(app, &owner, &id, "member", "1").await;
        accept(app, &mem, &token).await;
        let w = workspace(app, &owner, &id).await.unwrap();
        let (owner_id, fac_id, mem_id) = (
            user_id(&w, Role::Owner),
            user_id(&w, Role::Facilitator),
            user_id(&w, Role::Member),
        );
        let set = |user: &str, role: &str| {
            [
                ("workspace_id", id.clone()),
                ("user_id", user.to_owned()),
                ("role", role.to_owned()),
            ]
        };
        let call = async |who: &reqwest::Client, form: [(&str, String); 3]| {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_with(who, SetMemberRole::PATH, &form).await
        };

        assert_eq!(
            call(&mem, set(&fac_id, "observer")).await.0,
            403,
            "members change nobody"
        );
        assert_eq!(
            call(&fac, set(&owner_id, "member")).await.0,
            403,
            "nor does a facilitator an owner"
        );
        assert_eq!(call(&fac, set(&mem_id, "facilitator")).await.0, 403);
        assert_eq!(call(&fac, set(&mem_id, "observer")).await.0, 200);
        assert_eq!(role_of(app, &mem, &id).await, Some(Role::Observer));
        assert_eq!(call(&fac, set(&mem_id, "chief")).await.0, 422);
        assert_eq!(call(&fac, set("no-such-person", "member")).await.0, 404);

        // The last owner neither steps down nor leaves.
        let (status, body) = call(&owner, set(&owner_id, "member")).await;
        assert_eq!((status, problem(&body, "role")), (422, Problem::LastOwner));
        let (status, _, body) =
            post(app, &owner, LeaveWorkspace::PATH, &[("workspace_id", &id)]).await;
        assert_eq!((status, problem(&body, "role")), (422, Problem::LastOwner));

        // Handing over: the new owner owns, the old one facilitates and may then leave.
        let transfer = [("workspace_id", id.as_str()), ("user_id", fac_id.as_str())];
        assert_eq!(
            app.call_with(&fac, TransferOwnership::PATH, &transfer)
                .await
                .0,
            403
        );
        assert_eq!(
            app.call_with(
                &owner,
                TransferOwnership::PATH,
                &[("workspace_id", &id), ("user_id", &owner_id)]
            )
            .await
            .0,
            422,
            "not to oneself"
        );
        assert_eq!(
            app.call_with(&owner, TransferOwnership::PATH, &transfer)
                .await
                .0,
            200
        );
        assert_eq!(role_of(app, &fac, &id).await, Some(Role::Owner));
        assert_eq!(role_of(app, &owner, &id).await, Some(Role::Facilitator));
        let (status, location, _) =
            post(app, &owner, LeaveWorkspace::PATH, &[("workspace_id", &id)]).await;
        assert_eq!((status, location.as_deref()), (200, Some("/workspaces")));
        assert_eq!(
            workspace(app, &owner, &id).await.unwrap_err().0,
            404,
            "private, and theirs no more"
        );

        // The new owner removes a member.
        assert_eq!(call(&fac, set(&mem_id, "remove")).await.0, 200);
        assert_eq!(role_of(app, &mem, &id).await, None);
    })
    .await;
}

#[tokio::test]
async fn two_owners_leaving_at_the_same_moment_leave_one_owner_behind() {
    on_each_engine(async |app, _| {
        let first = person(app, "first@example.org").await;
        let id = create(app, &first, "Two owners", "private", &[]).await;
        let second = person(app, "second@example.org").await;
        let token = link(app, &first, &id, "member", "1").await;
        accept(app, &second, &token).await;
        let second_id = user_id(&workspace(app, &first, &id).await.unwrap(), Role::Member);
        let form = [
            ("workspace_id", id.as_str()),
            ("user_id", second_id.as_str()),
            ("role", "owner"),
        ];
        assert_eq!(
            app.call_with(&first, SetMemberRole::PATH, &form).await.0,
            200
        );

        for _ in 0..5 {
            let leave = [("workspace_id", id.as_str())];
            let (a, b) = tokio::join!(
                post(app, &first, LeaveWorkspace::PATH, &leave),
                post(app, &second, LeaveWorkspace::PATH, &leave)
            );
            let owners = app
                .count("select count(*) from workspace_member where role = 'owner'")
                .await;
            assert_eq!(owners, 1, "{a:?} {b:?}");
            let mut statuses = [a.0, b.0];
            statuses.sort();
            assert_eq!(statuses, [200, 422]);
            // The one who left comes back as an owner for the next round.
            let (left, stayed) = if a.0 == 200 {
                (&first, &second)
            } else {
                (&second, &first)
            };
            let token = link(app, stayed, &id, "member", "1").await;
            assert_eq!(accept(app, left, &token).await.0, 200);
            let back = user_id(&workspace(app, stayed, &id).await.unwrap(), Role::Member);
            let form = [
                ("workspace_id", id.as_str()),
                ("user_id", back.as_str()),
                ("role", "owner"),
            ];
            assert_eq!(
                app.call_with(stayed, SetMemberRole::PATH, &form).await.0,
                200
            );
        }
    })
    .await;
}

#[tokio::test]
async fn an_account_that_is_a_workspaces_last_owner_is_kept_until_it_hands_over() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let shared = create(app, &owner, "Shared", "private", &[]).await;
        create(app, &owner, "Alone", "private", &[]).await;
        let member = person(app, "member@example.org").await;
        let token = link(app, &owner, &shared, "member", "1").await;
        accept(app, &member, &token).await;
        let delete = [("password", common::PASSWORD)];
        let (status, body) = app
            .call_with(&owner, app::identity::api::DeleteAccount::PATH, &delete)
            .await;
        assert_eq!(
            (status, problem(&body, "password")),
            (422, Problem::LastOwner)
        );
        assert_eq!(app.count("select count(*) from workspace").await, 2);

        let member_id = user_id(
            &workspace(app, &owner, &shared).await.unwrap(),
            Role::Member,
        );
        let transfer = [
            ("workspace_id", shared.as_str()),
            ("user_id", member_id.as_str()),
        ];
        assert_eq!(
            app.call_with(&owner, TransferOwnership::PATH, &transfer)
                .await
                .0,
            200
        );
        let (status, body) = app
            .call_with(&owner, app::identity::api::DeleteAccount::PATH, &delete)
            .await;
        assert_eq!(status, 200, "{body}");
        // The workspace only they were in went with them; the shared one stays, owned.
        assert_eq!(app.count("select count(*) from workspace").await, 1);
        assert_eq!(role_of(app, &member, &shared).await, Some(Role::Owner));
    })
    .await;
}
