//! A workspace's home at a glance, on SQLite and on PostgreSQL: the recent activity every
//! reader sees, and what needs a member's attention (discussions with posts they have not
//! read, their unread notifications here, people waiting to be let in).

mod common;

use app::workspace::activity::{ActivityKind, WorkspaceActivity, UNREAD_NAMED};
use app::workspace::activity_api::GetActivity;
use app::workspace::api::RequestToJoin;
use app::workspace::discussion::{ThreadPage, POSTS_PER_PAGE};
use app::workspace::discussion_api::{DeletePost, ListThreads, Reply};
use common::workspaces::{get, group, named, start, thread, upload};
use common::{client, on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

async fn glance(app: &TestApp, who: &reqwest::Client, id: &str) -> Result<WorkspaceActivity, u16> {
    get(app, who, GetActivity::PATH, &[("workspace_id", id)]).await
}

/// The titles of the discussions `who` has not read, as their home names them, and how many.
async fn unread(app: &TestApp, who: &reqwest::Client, id: &str) -> (Vec<String>, i64) {
    let attention = glance(app, who, id).await.unwrap().attention.unwrap();
    let titles = attention.threads.into_iter().map(|t| t.title).collect();
    (titles, attention.unread_threads)
}

async fn reply(app: &TestApp, who: &reqwest::Client, thread: &str, body: &str) {
    let form = [("thread_id", thread), ("body", body)];
    let (status, text) = app.call_with(who, Reply::PATH, &form).await;
    assert_eq!(status, 200, "{text}");
}

/// Lets the clock move on, so that what follows is strictly later than what came before.
async fn tick() {
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
}

#[tokio::test]
async fn a_member_is_shown_the_discussions_they_have_not_read_until_they_read_them() {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Mia Member").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let id = group(app, &owner, "partnership", &member, &observer).await;
        tick().await;

        let vouchers = start(app, &owner, &id, "Vouchers", "Vouchers or grants?").await;
        tick().await;
        let clusters = start(app, &owner, &id, "Clusters", "Which clusters first?").await;
        let both = (vec!["Clusters".to_owned(), "Vouchers".to_owned()], 2);
        assert_eq!(unread(app, &member, &id).await, both);
        assert_eq!(
            unread(app, &owner, &id).await,
            (vec![], 0),
            "what one wrote is read"
        );
        let list: ThreadPage = get(app, &member, ListThreads::PATH, &[("workspace_id", &id)])
            .await
            .unwrap();
        assert!(list.threads.iter().all(|t| t.unread));

        thread(app, &member, &vouchers, "").await.unwrap();
        assert_eq!(
            unread(app, &member, &id).await,
            (vec!["Clusters".to_owned()], 1)
        );
        let list: ThreadPage = get(app, &member, ListThreads::PATH, &[("workspace_id", &id)])
            .await
            .unwrap();
        let marks: Vec<(&str, bool)> = list
            .threads
            .iter()
            .map(|t| (t.title.as_str(), t.unread))
            .collect();
        assert_eq!(marks, [("Clusters", true), ("Vouchers", false)]);
        assert_eq!(
            unread(app, &observer, &id).await,
            both,
            "each member reads for themselves"
        );

        // A reply makes the thread unread again for those who had read it, not for its writer;
        // it tells the thread's author too.
        tick().await;
        reply(app, &member, &vouchers, "Vouchers, @Olga Owner.").await;
        assert_eq!(
            unread(app, &member, &id).await,
            (vec!["Clusters".to_owned()], 1)
        );
        let owners = glance(app, &owner, &id).await.unwrap().attention.unwrap();
        assert_eq!(
            (
                owners.threads[0].title.as_str(),
                owners.unread_threads,
                owners.notices
            ),
            ("Vouchers", 1, 1)
        );
        thread(app, &owner, &vouchers, "").await.unwrap();
        assert_eq!(unread(app, &owner, &id).await, (vec![], 0));

        // A long thread is read a page at a time: only its last page reads it all.
        for n in 0..POSTS_PER_PAGE {
            reply(app, &owner, &clusters, &format!("Cluster {n}")).await;
        }
        let first = thread(app, &member, &clusters, "").await.unwrap();
        assert_eq!(first.posts.len(), POSTS_PER_PAGE);
        assert_eq!(unread(app, &member, &id).await.1, 1);
        thread(app, &member, &clusters, first.next.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(unread(app, &member, &id).await.1, 0);
        thread(app, &member, &clusters, "").await.unwrap();
        assert_eq!(
            unread(app, &member, &id).await.1,
            0,
            "reading an earlier page again does not make it unread"
        );

        // The home names the most recent few and counts them all.
        for n in 0..UNREAD_NAMED + 1 {
            start(app, &owner, &id, &format!("Topic {n}"), "Thoughts?").await;
        }
        let (named_threads, count) = unread(app, &member, &id).await;
        assert_eq!(
            (named_threads.len(), count),
            (UNREAD_NAMED, UNREAD_NAMED as i64 + 1)
        );
        assert_eq!(named_threads[0], format!("Topic {UNREAD_NAMED}"));
    })
    .await;
}

#[tokio::test]
async fn the_activity_feed_shows_what_happened_newest_first_to_every_reader_and_attention_to_members_only(
) {
    on_each_engine(async |app, _| {
        let owner = named(app, "owner@example.org", "Olga Owner").await;
        let member = named(app, "member@example.org", "Mia Member").await;
        let observer = named(app, "observer@example.org", "Oto Observer").await;
        let outsider = named(app, "outsider@example.org", "Ivo Outsider").await;
        let id = group(app, &owner, "partnership", &member, &observer).await;
        tick().await;
        let t = start(app, &owner, &id, "Vouchers", "Vouchers or grants?").await;
        tick().await;
        reply(app, &member, &t, "Vouchers.").await;
        tick().await;
        let (status, problem) = upload(app, &member, &id, "plan.pdf", b"%PDF-1.7\n".to_vec()).await;
        assert_eq!((status, problem), (303, None));

        let seen = glance(app, &outsider, &id).await.unwrap();
        assert!(
            seen.attention.is_none(),
            "a reader who is not a member has nothing waiting"
        );
        let lines: Vec<(ActivityKind, Option<&str>, Option<&str>)> = seen
            .feed
            .iter()
            .map(|l| (l.kind, l.actor.as_deref(), l.target.as_deref()))
            .collect();
        assert_eq!(
            &lines[..3],
            &[
                (ActivityKind::Shared, Some("Mia Member"), Some("plan.pdf")),
                (ActivityKind::Replied, Some("Mia Member"), Some("Vouchers")),
                (ActivityKind::Started, Some("Olga Owner"), Some("Vouchers")),
            ]
        );
        let joined: Vec<Option<&str>> = lines[3..]
            .iter()
            .filter(|l| l.0 == ActivityKind::Joined)
            .map(|l| l.1)
            .collect();
        assert_eq!(
            joined.len(),
            3,
            "the owner, the member and the observer joined"
        );
        assert!(joined.contains(&Some("Oto Observer")));
        assert_eq!(
            seen.feed[1].target_id.as_deref(),
            Some(t.as_str()),
            "a line links to its thread"
        );

        // A deleted post leaves the feed.
        let view = thread(app, &owner, &t, "").await.unwrap();
        let delete = [
            ("thread_id", t.as_str()),
            ("post_id", &view.posts[1].post_id),
        ];
        assert_eq!(
            app.call_with(&owner, DeletePost::PATH, &delete).await.0,
            200
        );
        let after = glance(app, &outsider, &id).await.unwrap();
        assert!(after.feed.iter().all(|l| l.kind != ActivityKind::Replied));

        // Someone asking to join waits for the facilitators, and only they are told.
        let ask = [("workspace_id", id.as_str())];
        assert_eq!(
            app.call_with(&outsider, RequestToJoin::PATH, &ask).await.0,
            200
        );
        let waiting = |a: WorkspaceActivity| a.attention.unwrap().waiting;
        assert_eq!(waiting(glance(app, &owner, &id).await.unwrap()), 1);
        assert_eq!(waiting(glance(app, &member, &id).await.unwrap()), 0);

        assert_eq!(
            glance(app, &client(), &id).await,
            Err(401),
            "a visitor signs in first"
        );
    })
    .await;
}
