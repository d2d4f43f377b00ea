//! Workspaces, on SQLite and on PostgreSQL: creating one, who sees it by its visibility, and
//! the ways in (invitation links, invitations by account, requests to join). Roles, leaving
//! and handing over: `workspace_roles.rs`.

mod common;

use app::error::{AppError, Problem};
use app::workspace::activity::{ActivityKind, WorkspaceActivity};
use app::workspace::activity_api::GetActivity;
use app::workspace::api::{
    AnswerInvitation, CreateLink, CreateWorkspace, DecideRequest, InviteMember, ListWorkspaces,
    PreviewLink, RequestToJoin, RevokeLink, UpdateWorkspace, WithdrawInvitation,
};
use app::workspace::model::{Directory, LinkPreview, Role};
use common::workshops::problem;
use common::workspaces::{accept, create, get, link, person, post, role_of, workspace};
use common::{client, on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

async fn directory(app: &TestApp, who: &reqwest::Client, theme: &str) -> Directory {
    let res = who
        .get(app.url(&format!("{}?theme={theme}", ListWorkspaces::PATH)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    serde_json::from_str(&res.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn a_signed_in_person_creates_a_workspace_that_they_own_and_bad_settings_are_named() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let id = create(
            app,
            &owner,
            "Cluster finance",
            "partnership",
            &["financing", "innovation"],
        )
        .await;
        let w = workspace(app, &owner, &id).await.unwrap();
        assert_eq!(w.summary.my_role, Some(Role::Owner));
        assert_eq!(
            w.summary.themes,
            ["innovation", "financing"],
            "in the registry's order"
        );
        assert_eq!(w.members.len(), 1);

        let refused = |form: Vec<(&'static str, &'static str)>| {
            let owner = owner.clone();
            async move {
                let (status, _, body) = post(app, &owner, CreateWorkspace::PATH, &form).await;
                (status, body)
            }
        };
        let (status, body) = refused(vec![("name", " "), ("visibility", "public")]).await;
        assert_eq!((status, problem(&body, "name")), (422, Problem::Required));
        let (status, body) =
            refused(vec![("name", "CLUSTER  finance"), ("visibility", "public")]).await;
        assert_eq!(
            (status, problem(&body, "name")),
            (422, Problem::WorkspaceNameTaken)
        );
        let (status, body) = refused(vec![("name", "Other"), ("visibility", "secret")]).await;
        assert_eq!(
            (status, problem(&body, "visibility")),
            (422, Problem::UnknownChoice)
        );
        let (status, body) = refused(vec![
            ("name", "Other"),
            ("visibility", "public"),
            ("themes[]", "astrology"),
        ])
        .await;
        assert_eq!(
            (status, problem(&body, "themes")),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(
            app.count("select count(*) from workspace").await,
            1,
            "nothing half-made"
        );

        let (status, _, _) = post(
            app,
            &client(),
            CreateWorkspace::PATH,
            &[("name", "X"), ("visibility", "public")],
        )
        .await;
        assert_eq!(status, 401, "a visitor creates nothing");

        // Only its owner changes it.
        let member = person(app, "member@example.org").await;
        let token = link(app, &owner, &id, "member", "5").await;
        assert_eq!(accept(app, &member, &token).await.0, 200);
        let form = [
            ("workspace_id", id.as_str()),
            ("name", "Cluster financing"),
            ("visibility", "private"),
            ("themes[]", "skills"),
        ];
        let (status, _, _) = post(app, &member, UpdateWorkspace::PATH, &form).await;
        assert_eq!(status, 403);
        let (status, _, body) = post(app, &owner, UpdateWorkspace::PATH, &form).await;
        assert_eq!(status, 200, "{body}");
        let w = workspace(app, &member, &id).await.unwrap();
        assert_eq!(
            (
                w.summary.name.as_str(),
                w.summary.visibility.as_str(),
                w.summary.themes
            ),
            ("Cluster financing", "private", vec!["skills".to_owned()])
        );
    })
    .await;
}

#[tokio::test]
async fn each_person_sees_the_workspaces_their_visibility_allows_and_a_hidden_one_looks_absent() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let private = create(app, &owner, "Steering group", "private", &["multilevel"]).await;
        let partnership = create(app, &owner, "Skills forum", "partnership", &["skills"]).await;
        let public = create(
            app,
            &owner,
            "Green clusters",
            "public",
            &["sustainability", "skills"],
        )
        .await;
        let other = person(app, "other@example.org").await;
        let visitor = client();

        let names = |d: Directory| d.workspaces.into_iter().map(|w| w.name).collect::<Vec<_>>();
        assert_eq!(
            names(directory(app, &owner, "").await),
            ["Green clusters", "Skills forum", "Steering group"]
        );
        assert_eq!(
            names(directory(app, &other, "").await),
            ["Green clusters", "Skills forum"]
        );
        assert_eq!(
            names(directory(app, &visitor, "").await),
            ["Green clusters"]
        );
        assert_eq!(
            names(directory(app, &other, "skills").await),
            ["Green clusters", "Skills forum"]
        );
        assert_eq!(
            names(directory(app, &owner, "multilevel").await),
            ["Steering group"]
        );

        // Another signed-in person: the private workspace answers as one that does not exist.
        let missing = "0190d0d0-0000-7000-8000-000000000000";
        assert_eq!(
            workspace(app, &other, &private).await.unwrap_err(),
            (404, AppError::NotFound)
        );
        assert_eq!(
            workspace(app, &other, missing).await.unwrap_err(),
            (404, AppError::NotFound)
        );
        let seen = workspace(app, &other, &partnership).await.unwrap();
        assert_eq!((seen.summary.my_role, seen.members.len()), (None, 1));
        assert!(
            seen.links.is_empty() && seen.waiting.is_empty(),
            "not theirs to see"
        );
        // A visitor: asked to sign in for anything not public, existing or not.
        assert_eq!(workspace(app, &visitor, &private).await.unwrap_err().0, 401);
        assert_eq!(
            workspace(app, &visitor, &partnership).await.unwrap_err().0,
            401
        );
        assert_eq!(workspace(app, &visitor, missing).await.unwrap_err().0, 401);
        let seen = workspace(app, &visitor, &public).await.unwrap();
        assert!(!seen.signed_in);
        assert_eq!(
            (seen.summary.members, seen.members.len()),
            (1, 0),
            "a visitor learns how many belong, not who"
        );
        let joins = async |who| {
            let glance: WorkspaceActivity =
                get(app, who, GetActivity::PATH, &[("workspace_id", &public)])
                    .await
                    .unwrap();
            glance
                .feed
                .iter()
                .filter(|l| l.kind == ActivityKind::Joined)
                .count()
        };
        assert_eq!(joins(&other).await, 1, "the owner joined");
        assert_eq!(joins(&visitor).await, 0, "nor who joined");
    })
    .await;
}

#[tokio::test]
async fn an_invitation_link_lets_people_in_as_its_role_until_it_is_revoked_or_used_up() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let id = create(app, &owner, "Internationalisation", "private", &[]).await;
        let (ana, ivo, eva) = (
            person(app, "ana@example.org").await,
            person(app, "ivo@example.org").await,
            person(app, "eva@example.org").await,
        );
        let token = link(app, &owner, &id, "observer", "2").await;

        let (status, body) = app
            .call_with(&ana, PreviewLink::PATH, &[("token", &token)])
            .await;
        assert_eq!(status, 200, "{body}");
        let preview: LinkPreview = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (preview.name.as_str(), preview.role, preview.member),
            ("Internationalisation", Role::Observer, false)
        );
        assert_eq!(
            accept(app, &client(), &token).await.0,
            401,
            "an account is needed"
        );
        assert_eq!(accept(app, &ana, "no-such-token").await.0, 404);

        assert_eq!(accept(app, &ana, &token).await.0, 200);
        assert_eq!(
            accept(app, &ana, &token).await.0,
            200,
            "a member again uses nothing"
        );
        assert_eq!(role_of(app, &ana, &id).await, Some(Role::Observer));
        assert_eq!(accept(app, &ivo, &token).await.0, 200);
        let (status, body) = accept(app, &eva, &token).await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::LinkUsedUp)
        );
        assert_eq!(role_of(app, &eva, &id).await, None);

        // Revoked: refused with its reason, also on its page.
        let second = link(app, &owner, &id, "member", "10").await;
        let w = workspace(app, &owner, &id).await.unwrap();
        assert_eq!(w.links.len(), 2);
        let link_id = w
            .links
            .iter()
            .find(|l| l.role == Role::Member)
            .unwrap()
            .link_id
            .clone();
        let form = [("workspace_id", id.as_str()), ("link_id", link_id.as_str())];
        assert_eq!(
            app.call_with(&ana, RevokeLink::PATH, &form).await.0,
            403,
            "an observer revokes nothing"
        );
        assert_eq!(app.call_with(&owner, RevokeLink::PATH, &form).await.0, 200);
        let (status, body) = accept(app, &eva, &second).await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::LinkRevoked)
        );
        let (status, body) = app
            .call_with(&eva, PreviewLink::PATH, &[("token", &second)])
            .await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::LinkRevoked)
        );

        // Expired: a link past its time.
        let third = link(app, &owner, &id, "member", "10").await;
        sqlx::query(
            "update workspace_link set expires_at = 1 where revoked_at is null and uses = 0",
        )
        .execute(&app.state.context.db.pool)
        .await
        .unwrap();
        let (status, body) = accept(app, &eva, &third).await;
        assert_eq!(
            (status, problem(&body, "token")),
            (422, Problem::LinkExpired)
        );

        // Only facilitators make links; nobody makes an owner's link; bounds are checked.
        let bad = |role: &'static str, days: &'static str, uses: &'static str| {
            [
                ("workspace_id", id.as_str()),
                ("role", role),
                ("days", days),
                ("uses", uses),
            ]
        };
        assert_eq!(
            app.call_with(&ana, CreateLink::PATH, &bad("member", "7", "5"))
                .await
                .0,
            403
        );
        let (status, body) = app
            .call_with(&owner, CreateLink::PATH, &bad("owner", "7", "5"))
            .await;
        assert_eq!(
            (status, problem(&body, "role")),
            (422, Problem::UnknownChoice)
        );
        let (status, body) = app
            .call_with(&owner, CreateLink::PATH, &bad("member", "91", "0"))
            .await;
        assert_eq!(
            (status, problem(&body, "days"), problem(&body, "uses")),
            (422, Problem::OutOfRange, Problem::OutOfRange)
        );
    })
    .await;
}

#[tokio::test]
async fn two_people_racing_for_a_links_last_place_cannot_both_get_in() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let id = create(app, &owner, "Race", "private", &[]).await;
        let token = link(app, &owner, &id, "member", "1").await;
        let (ana, ivo) = (
            person(app, "ana@example.org").await,
            person(app, "ivo@example.org").await,
        );
        let (a, b) = tokio::join!(accept(app, &ana, &token), accept(app, &ivo, &token));
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 422]);
        assert_eq!(
            app.count("select count(*) from workspace_member").await,
            2,
            "the owner and one of them"
        );
    })
    .await;
}

#[tokio::test]
async fn an_invited_account_accepts_or_declines_and_a_request_to_join_waits_for_a_facilitator() {
    on_each_engine(async |app, _| {
        let owner = person(app, "owner@example.org").await;
        let id = create(
            app,
            &owner,
            "Specialisation",
            "partnership",
            &["specialisation"],
        )
        .await;
        let (ana, ivo, eva) = (
            person(app, "ana@example.org").await,
            person(app, "ivo@example.org").await,
            person(app, "eva@example.org").await,
        );
        let invite = |email: &'static str, role: &'static str| {
            [
                ("workspace_id", id.as_str()),
                ("email", email),
                ("role", role),
            ]
        };
        let (status, body) = app
            .call_with(
                &owner,
                InviteMember::PATH,
                &invite("nobody@example.org", "member"),
            )
            .await;
        assert_eq!(
            (status, problem(&body, "email")),
            (422, Problem::NoSuchAccount)
        );
        assert_eq!(
            app.call_with(
                &owner,
                InviteMember::PATH,
                &invite("ana@example.org", "facilitator")
            )
            .await
            .0,
            200
        );
        let (status, body) = app
            .call_with(
                &owner,
                InviteMember::PATH,
                &invite("ana@example.org", "member"),
            )
            .await;
        assert_eq!(
            (status, problem(&body, "email")),
            (422, Problem::AlreadyInvited)
        );
        assert_eq!(
            app.call_with(
                &owner,
                InviteMember::PATH,
                &invite("ivo@example.org", "member")
            )
            .await
            .0,
            200
        );
        let (status, body) = app
            .call_with(
                &owner,
                InviteMember::PATH,
                &invite("owner@example.org", "member"),
            )
            .await;
        assert_eq!(
            (status, problem(&body, "email")),
            (422, Problem::AlreadyMember)
        );

        let mine = directory(app, &ana, "").await.invitations;
        assert_eq!((mine.len(), mine[0].role), (1, Role::Facilitator));
        let answer = |answer: &'static str| [("workspace_id", id.as_str()), ("answer", answer)];
        assert_eq!(
            app.call_with(&eva, AnswerInvitation::PATH, &answer("accept"))
                .await
                .0,
            404,
            "not invited"
        );
        assert_eq!(
            app.call_with(&ana, AnswerInvitation::PATH, &answer("accept"))
                .await
                .0,
            200
        );
        assert_eq!(role_of(app, &ana, &id).await, Some(Role::Facilitator));
        assert_eq!(
            app.call_with(&ivo, AnswerInvitation::PATH, &answer("decline"))
                .await
                .0,
            200
        );
        assert_eq!(role_of(app, &ivo, &id).await, None);
        assert!(directory(app, &ivo, "").await.invitations.is_empty());

        // A facilitator invites members, never another facilitator.
        let (status, body) = app
            .call_with(
                &ana,
                InviteMember::PATH,
                &invite("eva@example.org", "facilitator"),
            )
            .await;
        assert_eq!(
            (status, problem(&body, "role")),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(
            app.call_with(
                &ana,
                InviteMember::PATH,
                &invite("eva@example.org", "observer")
            )
            .await
            .0,
            200
        );
        let eva_id = workspace(app, &owner, &id).await.unwrap().waiting[0]
            .user_id
            .clone();
        let withdraw = [("workspace_id", id.as_str()), ("user_id", eva_id.as_str())];
        assert_eq!(
            app.call_with(&ana, WithdrawInvitation::PATH, &withdraw)
                .await
                .0,
            200
        );
        assert_eq!(
            app.call_with(&ana, WithdrawInvitation::PATH, &withdraw)
                .await
                .0,
            404
        );

        // Asking to join: once, waiting for a facilitator, who admits as a member.
        let ask = [("workspace_id", id.as_str())];
        assert_eq!(app.call_with(&eva, RequestToJoin::PATH, &ask).await.0, 200);
        assert_eq!(
            app.call_with(&eva, RequestToJoin::PATH, &ask).await.0,
            200,
            "asking twice is asking once"
        );
        assert!(workspace(app, &eva, &id).await.unwrap().summary.requested);
        let waiting = workspace(app, &ana, &id).await.unwrap().waiting;
        assert_eq!((waiting.len(), waiting[0].invited_as), (1, None));
        let decide = |answer: &'static str| {
            [
                ("workspace_id", id.as_str()),
                ("user_id", eva_id.as_str()),
                ("answer", answer),
            ]
        };
        assert_eq!(
            app.call_with(&eva, DecideRequest::PATH, &decide("admit"))
                .await
                .0,
            403
        );
        assert_eq!(
            app.call_with(&ana, DecideRequest::PATH, &decide("admit"))
                .await
                .0,
            200
        );
        assert_eq!(role_of(app, &eva, &id).await, Some(Role::Member));
        assert_eq!(
            app.call_with(&ana, DecideRequest::PATH, &decide("admit"))
                .await
                .0,
            404,
            "answered already"
        );
        let (status, body) = app.call_with(&eva, RequestToJoin::PATH, &ask).await;
        assert_eq!(
            (status, problem(&body, "workspace_id")),
            (422, Problem::AlreadyMember)
        );

        // A private workspace takes no requests: to others it does not exist.
        let private = create(app, &owner, "Closed", "private", &[]).await;
        assert_eq!(
            app.call_with(&ivo, RequestToJoin::PATH, &[("workspace_id", &private)])
                .await
                .0,
            404
        );
    })
    .await;
}
