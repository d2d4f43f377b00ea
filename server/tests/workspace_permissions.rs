//! Who may call what in workspaces, on SQLite and on PostgreSQL: every server function of the
//! capability, called by every role (owner, facilitator, member, observer, another signed-in
//! person, a visitor) on a workspace of every visibility, answers as the rules say. Each call
//! meets a fresh workspace, so that no call changes what the next one finds. "Allowed" means
//! the call passed the permission check: it succeeded or reached the input's rules (422).

mod common;

use app::identity::session::token_hash;
use app::workspace::activity_api::GetActivity;
use app::workspace::api::{
    AcceptLink, AnswerInvitation, CreateLink, CreateWorkspace, DecideRequest, GetWorkspace,
    InviteMember, LeaveWorkspace, ListWorkspaces, PreviewLink, RequestToJoin, RevokeLink,
    SetMemberRole, TransferOwnership, UpdateWorkspace, WithdrawInvitation,
};
use app::workspace::discussion_api::{
    DeletePost, EditPost, GetThread, ListThreads, PinThread, Reply, StartThread,
};
use app::workspace::document_api::{DeleteDocument, ListDocuments};
use app::workspace::model::Directory;
use app::workspace::notice_api::{ListNotices, MarkRead, SetNoticeKinds};
use common::{client, on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allowed,
    Status(u16),
}
use Expect::{Allowed, Status};

const ROLES: [&str; 6] = [
    "owner",
    "facilitator",
    "member",
    "observer",
    "other",
    "visitor",
];
const VISIBILITIES: [&str; 3] = ["private", "partnership", "public"];

/// The people of every case: their e-mails (the visitor has none) and, once signed up, ids.
const EMAILS: [&str; 6] = [
    "owner@example.org",
    "facilitator@example.org",
    "member@example.org",
    "observer@example.org",
    "other@example.org",
    "applicant@example.org",
];
const OTHER: usize = 4;
const APPLICANT: usize = 5;
const TOKEN: &str = "a-link-token-of-the-matrix";
/// The two routes of documents that are not server functions.
const UPLOAD: &str = "POST /workspaces/{id}/documents";
const DOWNLOAD: &str = "GET /workspaces/{id}/documents/{document}";

/// A fresh workspace of `visibility` with its owner, facilitator, member and observer; a live
/// link (`TOKEN`), the applicant's request to join, an invitation of the other person, and a
/// thread and a document the member started and shared. Answers its id, its link's id, the
/// thread's, its post's and the document's.
async fn workspace(app: &TestApp, visibility: &str, ids: &[String]) -> [String; 5] {
    let pool = &app.state.context.db.pool;
    let id = app::db::new_id();
    let link_id = app::db::new_id();
    let far = app::db::now_ms() + 86_400_000;
    sqlx::query(
        "insert into workspace (workspace_id, name, name_key, description, visibility, created_at, updated_at)
         values ($1, $1, $1, '', $2, 0, 0)",
    )
    .bind(&id)
    .bind(visibility)
    .execute(pool)
    .await
    .unwrap();
    for (n, role) in ROLES[..4].iter().enumerate() {
        sqlx::query("insert into workspace_member (workspace_id, user_id, role, joined_at) values ($1, $2, $3, 0)")
            .bind(&id)
            .bind(&ids[n])
            .bind(*role)
            .execute(pool)
            .await
            .unwrap();
    }
    // Every case's link has the same token, so the earlier cases' links go first.
    sqlx::query("delete from workspace_link")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into workspace_link (link_id, workspace_id, token_hash, role, expires_at, max_uses, created_at)
         values ($1, $2, $3, 'member', $4, 100, 0)",
    )
    .bind(&link_id)
    .bind(&id)
    .bind(token_hash(TOKEN))
    .bind(far)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into workspace_request (workspace_id, user_id, created_at) values ($1, $2, 0)",
    )
    .bind(&id)
    .bind(&ids[APPLICANT])
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into workspace_invitee (workspace_id, user_id, role, created_at) values ($1, $2, 'member', 0)",
    )
    .bind(&id)
    .bind(&ids[OTHER])
    .execute(pool)
    .await
    .unwrap();
    let (thread_id, post_id) = (app::db::new_id(), app::db::new_id());
    sqlx::query(
        "insert into workspace_thread (thread_id, workspace_id, title, author_id, posts, created_at, last_post_at)
         values ($1, $2, 'Vouchers', $3, 1, 0, 0)",
    )
    .bind(&thread_id)
    .bind(&id)
    .bind(&ids[2])
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into workspace_post (post_id, thread_id, author_id, body, html, created_at)
         values ($1, $2, $3, 'Hello', '<p>Hello</p>', 0)",
    )
    .bind(&post_id)
    .bind(&thread_id)
    .bind(&ids[2])
    .execute(pool)
    .await
    .unwrap();
    let document_id = app::db::new_id();
    sqlx::query(
        "insert into workspace_document (document_id, workspace_id, name, media_type, size_bytes, uploaded_by, created_at)
         values ($1, $2, 'plan.pdf', 'application/pdf', 9, $3, 0)",
    )
    .bind(&document_id)
    .bind(&id)
    .bind(&ids[2])
    .execute(pool)
    .await
    .unwrap();
    let folder = app.documents.join("workspaces").join(&id);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(&document_id), b"%PDF-1.7\n").unwrap();
    [id, link_id, thread_id, post_id, document_id]
}

/// What each role gets from a function that needs the workspace's `least` role (0: owner …
/// 3: observer), on a workspace of `visibility`: a non-member who may read it is refused
/// (403), one who may not read it finds nothing (404), and a visitor is asked to sign in.
fn needs(least: usize, visibility: &str) -> [Expect; 6] {
    let mut expect = [Allowed; 6];
    for (n, e) in expect.iter_mut().enumerate().take(4) {
        if n > least {
            *e = Status(403);
        }
    }
    expect[OTHER] = if visibility == "private" {
        Status(404)
    } else {
        Status(403)
    };
    expect[5] = Status(401);
    expect
}

/// Reading: members, then whoever the visibility lets in.
fn reads(visibility: &str) -> [Expect; 6] {
    let mut expect = [Allowed; 6];
    if visibility == "private" {
        expect[OTHER] = Status(404);
    }
    if visibility != "public" {
        expect[5] = Status(401);
    }
    expect
}

/// Any signed-in person; a visitor is asked to sign in.
const SIGNED_IN: [Expect; 6] = [Allowed, Allowed, Allowed, Allowed, Allowed, Status(401)];

#[tokio::test]
async fn every_workspace_server_function_answers_each_role_on_each_visibility_as_the_rules_say() {
    on_each_engine(async |app, _| {
        let mut clients = Vec::new();
        for email in EMAILS {
            let who = client();
            let (status, body) = app.sign_up(&who, email).await;
            assert_eq!(status, 200, "{body}");
            clients.push(who);
        }
        let mut ids = Vec::new();
        for email in EMAILS {
            let id: String = sqlx::query_scalar("select user_id from app_user where email = $1")
                .bind(email)
                .fetch_one(&app.state.context.db.pool)
                .await
                .unwrap();
            ids.push(id);
        }
        let callers = [
            &clients[0],
            &clients[1],
            &clients[2],
            &clients[3],
            &clients[OTHER],
            &client(),
        ];
        let mut failures = Vec::new();
        let mut created = 0;
        for visibility in VISIBILITIES {
            for (path, rule) in [
                (GetWorkspace::PATH, reads(visibility)),
                (UpdateWorkspace::PATH, needs(0, visibility)),
                (CreateLink::PATH, needs(1, visibility)),
                (RevokeLink::PATH, needs(1, visibility)),
                (InviteMember::PATH, needs(1, visibility)),
                (WithdrawInvitation::PATH, needs(1, visibility)),
                (DecideRequest::PATH, needs(1, visibility)),
                (SetMemberRole::PATH, needs(1, visibility)),
                (TransferOwnership::PATH, needs(0, visibility)),
                (LeaveWorkspace::PATH, needs(3, visibility)),
                (RequestToJoin::PATH, {
                    // Members are told they are in already (422); a non-member asks, where
                    // they may read it.
                    let mut e = reads(visibility);
                    e[5] = Status(401);
                    e
                }),
                (PreviewLink::PATH, SIGNED_IN),
                (AcceptLink::PATH, SIGNED_IN),
                (
                    AnswerInvitation::PATH,
                    // Only the invited person has an invitation to answer.
                    [
                        Status(404),
                        Status(404),
                        Status(404),
                        Status(404),
                        Allowed,
                        Status(401),
                    ],
                ),
                (CreateWorkspace::PATH, SIGNED_IN),
                (ListThreads::PATH, reads(visibility)),
                (GetThread::PATH, reads(visibility)),
                (StartThread::PATH, needs(2, visibility)),
                (Reply::PATH, needs(2, visibility)),
                // The member wrote the post: its author and the facilitators change it.
                (EditPost::PATH, needs(2, visibility)),
                (DeletePost::PATH, needs(2, visibility)),
                (PinThread::PATH, needs(1, visibility)),
                // Notifications are each person's own.
                (ListNotices::PATH, SIGNED_IN),
                (MarkRead::PATH, SIGNED_IN),
                (SetNoticeKinds::PATH, SIGNED_IN),
                // The link that confirms an address for e-mail is opened by its token alone:
                // workspace_notice_mail.rs shows that a made-up one opens nothing.
                (ListDocuments::PATH, reads(visibility)),
                (GetActivity::PATH, reads(visibility)),
                (DOWNLOAD, reads(visibility)),
                (UPLOAD, needs(2, visibility)),
                // The member shared the document: its uploader and the facilitators delete it.
                (DeleteDocument::PATH, needs(2, visibility)),
            ] {
                for (n, caller) in callers.iter().enumerate() {
                    let [id, link_id, thread_id, post_id, document_id] =
                        workspace(app, visibility, &ids).await;
                    created += 1;
                    let name = format!("New {created}");
                    let form: Vec<(&str, &str)> = match path {
                        p if p == UpdateWorkspace::PATH => vec![
                            ("workspace_id", &id),
                            ("name", &id),
                            ("visibility", visibility),
                        ],
                        p if p == CreateLink::PATH => vec![
                            ("workspace_id", &id),
                            ("role", "member"),
                            ("days", "7"),
                            ("uses", "5"),
                        ],
                        p if p == RevokeLink::PATH => {
                            vec![("workspace_id", &id), ("link_id", &link_id)]
                        }
                        p if p == InviteMember::PATH => vec![
                            ("workspace_id", &id),
                            ("email", EMAILS[APPLICANT]),
                            ("role", "member"),
                        ],
                        p if p == WithdrawInvitation::PATH => {
                            vec![("workspace_id", &id), ("user_id", &ids[OTHER])]
                        }
                        p if p == DecideRequest::PATH => vec![
                            ("workspace_id", &id),
                            ("user_id", &ids[APPLICANT]),
                            ("answer", "decline"),
                        ],
                        p if p == SetMemberRole::PATH => vec![
                            ("workspace_id", &id),
                            ("user_id", &ids[2]),
                            ("role", "observer"),
                        ],
                        p if p == TransferOwnership::PATH => {
                            vec![("workspace_id", &id), ("user_id", &ids[1])]
                        }
                        p if p == PreviewLink::PATH || p == AcceptLink::PATH => {
                            vec![("token", TOKEN)]
                        }
                        p if p == AnswerInvitation::PATH => {
                            vec![("workspace_id", &id), ("answer", "decline")]
                        }
                        p if p == CreateWorkspace::PATH => {
                            vec![("name", &name), ("visibility", "public")]
                        }
                        p if p == GetThread::PATH => vec![("thread_id", &thread_id)],
                        p if p == StartThread::PATH => vec![
                            ("workspace_id", &id),
                            ("title", "Pilots"),
                            ("body", "Which pilot first?"),
                        ],
                        p if p == Reply::PATH => vec![("thread_id", &thread_id), ("body", "Agreed.")],
                        p if p == EditPost::PATH => vec![
                            ("thread_id", &thread_id),
                            ("post_id", &post_id),
                            ("body", "Hello again"),
                        ],
                        p if p == DeletePost::PATH => {
                            vec![("thread_id", &thread_id), ("post_id", &post_id)]
                        }
                        p if p == MarkRead::PATH => vec![("notice_id", "all")],
                        p if p == SetNoticeKinds::PATH => vec![("kinds[]", "mention")],
                        p if p == ListNotices::PATH => vec![],
                        p if p == PinThread::PATH => vec![
                            ("workspace_id", &id),
                            ("thread_id", &thread_id),
                            ("pinned", "1"),
                        ],
                        p if p == DeleteDocument::PATH => {
                            vec![("workspace_id", &id), ("document_id", &document_id)]
                        }
                        _ => vec![("workspace_id", &id)],
                    };
                    let (status, body) = if [
                        ListThreads::PATH,
                        GetThread::PATH,
                        ListDocuments::PATH,
                        GetActivity::PATH,
                    ]
                    .contains(&path)
                    {
                        let res = caller.get(app.url(path)).query(&form).send().await.unwrap();
                        (res.status().as_u16(), res.text().await.unwrap())
                    } else if path == DOWNLOAD {
                        let at = format!("/workspaces/{id}/documents/{document_id}");
                        let res = caller.get(app.url(&at)).send().await.unwrap();
                        (res.status().as_u16(), String::new())
                    } else if path == UPLOAD {
                        let (status, problem) =
                            common::workspaces::upload(app, caller, &id, "plan.pdf", b"%PDF-1.7\n".to_vec())
                                .await;
                        (status, format!("{problem:?}"))
                    } else {
                        app.call_with(caller, path, &form).await
                    };
                    let got = match status {
                        200 | 302 | 303 | 422 => Allowed,
                        other => Status(other),
                    };
                    if got != rule[n] {
                        failures.push(format!(
                            "{path} on a {visibility} workspace as {}: expected {:?}, got {status} {body}",
                            ROLES[n], rule[n]
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));

        // The directory: each sees exactly the workspaces their visibility allows.
        sqlx::query("delete from workspace")
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();
        for visibility in VISIBILITIES {
            workspace(app, visibility, &ids).await;
        }
        for (n, caller) in callers.iter().enumerate() {
            let res = caller
                .get(app.url(ListWorkspaces::PATH))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            let seen: Directory = serde_json::from_str(&res.text().await.unwrap()).unwrap();
            let mut kinds: Vec<&str> = seen
                .workspaces
                .iter()
                .map(|w| w.visibility.as_str())
                .collect();
            kinds.sort();
            let expected: &[&str] = match n {
                0..=3 => &["partnership", "private", "public"],
                OTHER => &["partnership", "public"],
                _ => &["public"],
            };
            assert_eq!(kinds, expected, "{}", ROLES[n]);
        }
    })
    .await;
}
