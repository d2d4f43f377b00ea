//! Discussions, on SQLite and on PostgreSQL: threads started and answered in Markdown that
//! renders inert, mentions of members, editing with its marker, deleting by author or
//! facilitator, pinning, pages that follow each other, and posts that outlive their author's
//! account.

mod common;

use app::error::Problem;
use app::workspace::discussion::ThreadPage;
use app::workspace::discussion_api::{DeletePost, EditPost, ListThreads, PinThread, Reply};
use common::workshops::problem;
use common::workspaces::{get, group, named, start, thread};
use common::{client, on_each_engine};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn members_discuss_in_markdown_that_renders_inert_and_mentions_reach_members_only() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Ana Marija Kovač").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let other = named(app, "other@example.org", "Ivo Outsider").await;
        let id = group(app, &owner, "partnership", &member, &observer).await;

        let opening = "**Vouchers** or grants? <script>alert(1)</script> [x](javascript:alert(1)) \
                       @Ana Marija Kovač and @Ivo Outsider";
        let t = start(app, &owner, &id, "Financing instruments", opening).await;
        let view = thread(app, &member, &t, "").await.unwrap();
        assert_eq!(
            (view.title.as_str(), view.posts.len()),
            ("Financing instruments", 1)
        );
        let html = &view.posts[0].html;
        assert!(html.contains("<strong>Vouchers</strong>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;") && !html.contains("<script"),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("<span class=\"mention\">@Ana Marija Kovač</span>"),
            "{html}"
        );
        assert!(!html.contains("mention\">@Ivo"), "not a member: no mention");
        assert_eq!(
            app.count("select count(*) from workspace_mention").await,
            1,
            "only the member is mentioned"
        );
        assert_eq!(view.posts[0].author.as_deref(), Some("Olga Owner"));
        assert!(view.posts[0].source.is_none(), "not hers to edit");

        // Replies: members write; observers and other readers only read; bad text is named.
        let reply = |body: &'static str| [("thread_id", t.clone()), ("body", body.to_owned())];
        let send = async |who: &reqwest::Client, form: [(&str, String); 2]| {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_with(who, Reply::PATH, &form).await
        };
        assert_eq!(send(&member, reply("Vouchers, *surely*.")).await.0, 200);
        assert_eq!(send(&observer, reply("Me too")).await.0, 403);
        assert_eq!(send(&other, reply("Me too")).await.0, 403);
        assert_eq!(send(&client(), reply("Me too")).await.0, 401);
        let (status, body) = send(&member, reply("   ")).await;
        assert_eq!((status, problem(&body, "body")), (422, Problem::Required));
        let long = "x".repeat(20_001);
        let (status, body) = app
            .call_with(&member, Reply::PATH, &[("thread_id", &t), ("body", &long)])
            .await;
        assert_eq!(
            (status, problem(&body, "body")),
            (422, Problem::TooLong { max: 20_000 })
        );
        let read = thread(app, &other, &t, "").await.unwrap();
        assert_eq!(
            read.posts.len(),
            2,
            "a partnership-wide thread is read by the partnership"
        );
        assert!(!read.writes);

        // Editing: the author's own, marked; a facilitator may too; an observer may not.
        let mine = thread(app, &member, &t, "").await.unwrap();
        let reply_post = mine.posts[1].clone();
        assert!(
            reply_post.mine_to_change
                && reply_post.source.as_deref() == Some("Vouchers, *surely*.")
        );
        let edit = |body: &str| {
            [
                ("thread_id", t.clone()),
                ("post_id", reply_post.post_id.clone()),
                ("body", body.to_owned()),
            ]
        };
        let call = async |who: &reqwest::Client, path: &str, form: &[(&str, String)]| {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_with(who, path, &form).await.0
        };
        assert_eq!(
            call(&observer, EditPost::PATH, &edit("Mine now")).await,
            403
        );
        assert_eq!(
            call(&member, EditPost::PATH, &edit("Vouchers, after all.")).await,
            200
        );
        let edited = &thread(app, &owner, &t, "").await.unwrap().posts[1];
        assert!(edited.edited && edited.html.contains("Vouchers, after all."));
        assert!(edited.mine_to_change, "the facilitators change any post");
        let wrong = [
            ("thread_id", t.clone()),
            ("post_id", "no-such-post".to_owned()),
            ("body", "x".to_owned()),
        ];
        assert_eq!(call(&owner, EditPost::PATH, &wrong).await, 404);

        // Deleting: by the owner here (a facilitator); the place stays, the text goes.
        let delete = [
            ("thread_id", t.clone()),
            ("post_id", reply_post.post_id.clone()),
        ];
        assert_eq!(call(&observer, DeletePost::PATH, &delete).await, 403);
        assert_eq!(call(&owner, DeletePost::PATH, &delete).await, 200);
        let gone = &thread(app, &member, &t, "").await.unwrap().posts[1];
        assert!(gone.deleted && gone.html.is_empty() && !gone.mine_to_change);
        assert_eq!(
            call(&member, EditPost::PATH, &edit("Back")).await,
            403,
            "deleted stays deleted"
        );
    })
    .await;
}

#[tokio::test]
async fn pinned_threads_come_first_and_pages_follow_each_other_without_gaps() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Mia Member").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let mut threads = Vec::new();
        for n in 0..33 {
            threads.push(start(app, &member, &id, &format!("Topic {n}"), "Text").await);
        }
        let pin = [
            ("workspace_id", id.as_str()),
            ("thread_id", threads[0].as_str()),
            ("pinned", "1"),
        ];
        assert_eq!(app.call_with(&member, PinThread::PATH, &pin).await.0, 403);
        assert_eq!(app.call_with(&owner, PinThread::PATH, &pin).await.0, 200);

        let first: ThreadPage = get(app, &member, ListThreads::PATH, &[("workspace_id", &id)])
            .await
            .unwrap();
        assert_eq!(
            first
                .pinned
                .iter()
                .map(|t| t.title.as_str())
                .collect::<Vec<_>>(),
            ["Topic 0"]
        );
        assert_eq!(first.threads.len(), 30);
        assert_eq!(
            first.threads[0].title, "Topic 32",
            "the most recently active first"
        );
        let next = first.next.clone().expect("a second page");
        let second: ThreadPage = get(
            app,
            &member,
            ListThreads::PATH,
            &[("workspace_id", &id), ("before", &next)],
        )
        .await
        .unwrap();
        assert!(second.pinned.is_empty() && second.next.is_none());
        let titles: Vec<&str> = second.threads.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Topic 2", "Topic 1"]);

        // A reply brings a thread to the top; a thread's posts page by fifty.
        let busy = threads[5].clone();
        for n in 0..60 {
            let form = [
                ("thread_id", busy.as_str()),
                ("body", &*format!("Reply {n}")),
            ];
            assert_eq!(app.call_with(&owner, Reply::PATH, &form).await.0, 200);
        }
        let top: ThreadPage = get(app, &member, ListThreads::PATH, &[("workspace_id", &id)])
            .await
            .unwrap();
        assert_eq!(
            (top.threads[0].title.as_str(), top.threads[0].posts),
            ("Topic 5", 61)
        );
        let page = thread(app, &member, &busy, "").await.unwrap();
        assert_eq!(page.posts.len(), 50);
        let rest = thread(app, &member, &busy, page.next.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(rest.posts.len(), 11);
        assert!(rest.next.is_none());
        assert!(rest.posts.last().unwrap().html.contains("Reply 59"));
        assert_eq!(
            thread(app, &member, &busy, "not-a-cursor")
                .await
                .unwrap_err(),
            400
        );

        // A private workspace's thread is nothing to others: as one that does not exist.
        let other = named(app, "other@example.org", "Ivo Outsider").await;
        assert_eq!(thread(app, &other, &busy, "").await.unwrap_err(), 404);
        assert_eq!(
            thread(app, &other, "no-such-thread", "").await.unwrap_err(),
            404
        );
        assert_eq!(thread(app, &client(), &busy, "").await.unwrap_err(), 401);
        assert_eq!(
            thread(app, &client(), "no-such-thread", "")
                .await
                .unwrap_err(),
            401
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_account_leaves_its_posts_to_a_former_member() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Mia Member").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let t = start(app, &member, &id, "Pilots", "Let us pilot vouchers.").await;
        let delete = [("password", common::PASSWORD)];
        let (status, body) = app
            .call_with(&member, app::identity::api::DeleteAccount::PATH, &delete)
            .await;
        assert_eq!(status, 200, "{body}");
        let view = thread(app, &owner, &t, "").await.unwrap();
        assert_eq!(view.posts[0].author, None);
        assert!(view.posts[0].html.contains("Let us pilot vouchers."));
        let list: ThreadPage = get(app, &owner, ListThreads::PATH, &[("workspace_id", &id)])
            .await
            .unwrap();
        assert_eq!(list.threads[0].author, None);
    })
    .await;
}

#[tokio::test]
async fn a_members_data_download_holds_their_workspaces_and_what_they_wrote() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Mia Member").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let t = start(app, &member, &id, "Pilots", "Let us pilot vouchers.").await;
        let form = [("thread_id", t.as_str()), ("body", "And grants.")];
        assert_eq!(app.call_with(&owner, Reply::PATH, &form).await.0, 200);
        let data: app::identity::model::PersonalData =
            get(app, &member, app::identity::api::ExportMyData::PATH, &[])
                .await
                .unwrap();
        assert_eq!(
            data.workspaces
                .memberships
                .iter()
                .map(|(w, r, _)| (w.as_str(), *r))
                .collect::<Vec<_>>(),
            [("Cluster financing", app::workspace::model::Role::Member)]
        );
        let posts: Vec<(&str, &str, &str)> = data
            .workspaces
            .posts
            .iter()
            .map(|(w, t, body, _)| (w.as_str(), t.as_str(), body.as_str()))
            .collect();
        assert_eq!(
            posts,
            [("Cluster financing", "Pilots", "Let us pilot vouchers.")]
        );
    })
    .await;
}
