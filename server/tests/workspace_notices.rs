//! Notifications, on SQLite and on PostgreSQL: a mention, a reply to one's thread and an
//! invitation each tell their person (and nobody else), the header counts what is unread,
//! reading marks them, and a kind turned off is not written at all.

mod common;

use app::workspace::api::{CreateWorkspace, GetWorkspace, InviteMember, SetMemberRole};
use app::workspace::discussion_api::{Reply, StartThread};
use app::workspace::notice::NoticeKind;
use app::workspace::notice_api::{MarkRead, SetNoticeKinds};
use common::workspaces::{accept, link, named, notices, post};
use common::{on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

async fn header_count(app: &TestApp, who: &reqwest::Client) -> i64 {
    let (_, body) = app
        .call_with(who, app::identity::api::WhoAmI::PATH, &[])
        .await;
    let me: Option<app::identity::model::CurrentUser> = serde_json::from_str(&body).unwrap();
    me.unwrap().unread_notices
}

#[tokio::test]
async fn mentions_replies_and_invitations_tell_their_person_and_reading_marks_them() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let ana = named(app, "ana@example.org", "Ana Kovač").await;
        let ivo = named(app, "ivo@example.org", "Ivo Ivić").await;
        let eva = named(app, "eva@example.org", "Eva Novak").await;
        let form = [("name", "Skills"), ("visibility", "private")];
        let (_, location, _) = post(app, &owner, CreateWorkspace::PATH, &form).await;
        let id = location
            .unwrap()
            .trim_start_matches("/workspaces/")
            .to_owned();
        for who in [&ana, &ivo] {
            let token = link(app, &owner, &id, "member", "1").await;
            accept(app, who, &token).await;
        }

        // Ana starts a thread; Ivo replies mentioning Olga: Olga is mentioned, Ana replied to.
        let form = [
            ("workspace_id", id.as_str()),
            ("title", "Schools"),
            ("body", "Which ones?"),
        ];
        let (_, location, _) = post(app, &ana, StartThread::PATH, &form).await;
        let thread = location
            .unwrap()
            .rsplit_once("/threads/")
            .unwrap()
            .1
            .to_owned();
        let form = [("thread_id", thread.as_str()), ("body", "Ask @Olga Owner.")];
        assert_eq!(app.call_with(&ivo, Reply::PATH, &form).await.0, 200);
        let olga = notices(app, &owner).await;
        assert_eq!(olga.unread, 1);
        assert_eq!(olga.notices[0].kind, NoticeKind::Mention);
        assert_eq!(olga.notices[0].actor.as_deref(), Some("Ivo Ivić"));
        assert_eq!(olga.notices[0].thread_title.as_deref(), Some("Schools"));
        assert!(olga.notices[0]
            .href()
            .starts_with(&format!("/workspaces/{id}/threads/{thread}#post-")));
        let ana_sees = notices(app, &ana).await;
        assert_eq!(
            ana_sees.notices.iter().map(|n| n.kind).collect::<Vec<_>>(),
            [NoticeKind::Reply]
        );
        assert_eq!(
            notices(app, &ivo).await.unread,
            0,
            "nobody is told of their own post"
        );
        assert_eq!(header_count(app, &ana).await, 1);

        // An invitation tells the invited account.
        let invite = [
            ("workspace_id", id.as_str()),
            ("email", "eva@example.org"),
            ("role", "member"),
        ];
        assert_eq!(
            app.call_with(&owner, InviteMember::PATH, &invite).await.0,
            200
        );
        let eva_sees = notices(app, &eva).await;
        assert_eq!(
            (eva_sees.unread, eva_sees.notices[0].href().as_str()),
            (1, "/workspaces")
        );

        // Reading: one's own only, one or all.
        let olgas = olga.notices[0].notice_id.clone();
        assert_eq!(
            app.call_with(&ana, MarkRead::PATH, &[("notice_id", &olgas)])
                .await
                .0,
            404
        );
        assert_eq!(
            app.call_with(&owner, MarkRead::PATH, &[("notice_id", &olgas)])
                .await
                .0,
            200
        );
        assert_eq!(header_count(app, &owner).await, 0);
        assert!(notices(app, &owner).await.notices[0].read);
        assert_eq!(
            app.call_with(&ana, MarkRead::PATH, &[("notice_id", "all")])
                .await
                .0,
            200
        );
        assert_eq!(notices(app, &ana).await.unread, 0);

        // Ana turns replies off: the next reply tells her nothing; mentions still do.
        let kinds = [
            ("kinds[]", "mention"),
            ("kinds[]", "invitation"),
            ("kinds[]", "document"),
        ];
        assert_eq!(
            app.call_with(&ana, SetNoticeKinds::PATH, &kinds).await.0,
            200
        );
        assert_eq!(notices(app, &ana).await.off, [NoticeKind::Reply]);
        let form = [("thread_id", thread.as_str()), ("body", "Any news?")];
        assert_eq!(app.call_with(&ivo, Reply::PATH, &form).await.0, 200);
        assert_eq!(notices(app, &ana).await.unread, 0);
        let form = [
            ("thread_id", thread.as_str()),
            ("body", "@Ana Kovač, any news?"),
        ];
        assert_eq!(app.call_with(&ivo, Reply::PATH, &form).await.0, 200);
        assert_eq!(notices(app, &ana).await.unread, 1);
        let (status, _) = app
            .call_with(&ana, SetNoticeKinds::PATH, &[("kinds[]", "gossip")])
            .await;
        assert_eq!(status, 422);

        // Removed from the workspace, Ana loses its news, and hears nothing more of it (every
        // kind on again, her thread answered, her name written).
        let all = [
            ("kinds[]", "mention"),
            ("kinds[]", "reply"),
            ("kinds[]", "invitation"),
        ];
        assert_eq!(app.call_with(&ana, SetNoticeKinds::PATH, &all).await.0, 200);
        let (_, body) = app
            .call_with(&owner, GetWorkspace::PATH, &[("workspace_id", &id)])
            .await;
        let w: app::workspace::model::Workspace = serde_json::from_str(&body).unwrap();
        let ana_id = w
            .members
            .iter()
            .find(|m| m.display_name == "Ana Kovač")
            .unwrap()
            .user_id
            .clone();
        let remove = [
            ("workspace_id", id.as_str()),
            ("user_id", ana_id.as_str()),
            ("role", "remove"),
        ];
        assert_eq!(
            app.call_with(&owner, SetMemberRole::PATH, &remove).await.0,
            200
        );
        assert!(notices(app, &ana).await.notices.is_empty());
        let form = [
            ("thread_id", thread.as_str()),
            ("body", "Still there? @Ana Kovač"),
        ];
        assert_eq!(app.call_with(&ivo, Reply::PATH, &form).await.0, 200);
        assert_eq!(notices(app, &ana).await.unread, 0);
    })
    .await;
}
