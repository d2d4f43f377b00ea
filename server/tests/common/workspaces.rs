//! Workspaces as their pages use them: people, calls that may send the browser on,
//! workspaces and their members, and invitation links.

use super::error;
use super::{client, TestApp};
use app::error::AppError;
use app::workspace::api::{AcceptLink, CreateLink, CreateWorkspace, GetWorkspace};
use app::workspace::model::{Role, Workspace};
use leptos::server_fn::ServerFn;

/// A signed-up person's browser.
pub async fn person(app: &TestApp, email: &str) -> reqwest::Client {
    let who = client();
    let (status, body) = app.sign_up(&who, email).await;
    assert_eq!(status, 200, "{body}");
    who
}

/// A signed-up person's browser, by their name.
pub async fn named(app: &TestApp, email: &str, name: &str) -> reqwest::Client {
    let who = client();
    let form = [
        ("email", email),
        ("display_name", name),
        ("password", super::PASSWORD),
    ];
    let (status, body) = app
        .call_with(&who, app::identity::api::SignUp::PATH, &form)
        .await;
    assert_eq!(status, 200, "{body}");
    who
}

/// Calls a server function as a page does; answers status, where it sends the browser, body.
pub async fn post(
    app: &TestApp,
    who: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let res = who
        .post(app.url(path))
        .header("origin", &app.base)
        .form(form)
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (res.status().as_u16(), location, res.text().await.unwrap())
}

/// Makes an invitation link as `who`; answers its token (from the page it sends them to).
pub async fn link(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
    role: &str,
    uses: &str,
) -> String {
    let form = [
        ("workspace_id", id),
        ("role", role),
        ("days", "7"),
        ("uses", uses),
    ];
    let (status, location, body) = post(app, who, CreateLink::PATH, &form).await;
    assert_eq!(status, 200, "{body}");
    let location = location.expect("sent back to the workspace");
    location
        .split_once("?link=")
        .map(|(_, token)| token.to_owned())
        .expect("the new link in the address")
}

pub async fn accept(app: &TestApp, who: &reqwest::Client, token: &str) -> (u16, String) {
    app.call_with(who, AcceptLink::PATH, &[("token", token)])
        .await
}

/// Creates a workspace as `who`; answers its id.
pub async fn create(
    app: &TestApp,
    who: &reqwest::Client,
    name: &str,
    visibility: &str,
    themes: &[&str],
) -> String {
    let mut form = vec![
        ("name", name),
        ("description", "A working group"),
        ("visibility", visibility),
    ];
    form.extend(themes.iter().map(|t| ("themes[]", *t)));
    let (status, location, body) = post(app, who, CreateWorkspace::PATH, &form).await;
    assert_eq!(status, 200, "{body}");
    location
        .and_then(|l| l.strip_prefix("/workspaces/").map(str::to_owned))
        .expect("sent to the new workspace")
}

pub async fn workspace(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
) -> Result<Workspace, (u16, AppError)> {
    let (status, body) = app
        .call_with(who, GetWorkspace::PATH, &[("workspace_id", id)])
        .await;
    match status {
        200 => Ok(serde_json::from_str(&body).unwrap()),
        _ => Err((status, error(&body))),
    }
}

/// `who`'s role in the workspace, as its page tells them.
pub async fn role_of(app: &TestApp, who: &reqwest::Client, id: &str) -> Option<Role> {
    workspace(app, who, id)
        .await
        .ok()
        .and_then(|w| w.summary.my_role)
}

pub fn user_id(w: &Workspace, role: Role) -> String {
    w.members
        .iter()
        .find(|m| m.role == role)
        .map(|m| m.user_id.clone())
        .expect("a member of that role")
}

/// A GET of a server function as `who`: its answer, or its status.
pub async fn get<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    who: &reqwest::Client,
    path: &str,
    query: &[(&str, &str)],
) -> Result<T, u16> {
    let res = who.get(app.url(path)).query(query).send().await.unwrap();
    match res.status().as_u16() {
        200 => Ok(serde_json::from_str(&res.text().await.unwrap()).unwrap()),
        status => Err(status),
    }
}

/// A workspace ("Cluster financing") of `visibility` owned by `owner`, with `member` and
/// `observer` in it by link.
pub async fn group(
    app: &TestApp,
    owner: &reqwest::Client,
    visibility: &str,
    member: &reqwest::Client,
    observer: &reqwest::Client,
) -> String {
    let form = [("name", "Cluster financing"), ("visibility", visibility)];
    let (status, location, body) = post(app, owner, CreateWorkspace::PATH, &form).await;
    assert_eq!(status, 200, "{body}");
    let id = location
        .unwrap()
        .trim_start_matches("/workspaces/")
        .to_owned();
    for (who, role) in [(member, "member"), (observer, "observer")] {
        let token = link(app, owner, &id, role, "1").await;
        assert_eq!(accept(app, who, &token).await.0, 200);
    }
    id
}

/// Shares a file as `who` through the workspace's upload form; answers the status and the
/// problem the page is sent back with (`None`: none, the file was taken).
pub async fn upload(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Option<String>) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    sent_back(
        who.post(app.url(&format!("/workspaces/{id}/documents")))
            .header("origin", &app.base)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
}

/// The status of an upload's answer and the problem in the address it sends the page back to.
pub fn sent_back(res: reqwest::Response) -> (u16, Option<String>) {
    let status = res.status().as_u16();
    let problem = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.split_once("document_problem="))
        .map(|(_, p)| p.trim_end_matches("#documents").to_owned());
    (status, problem)
}

/// The workspace's documents as `who` sees them.
pub async fn documents(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
) -> Result<app::workspace::document::DocumentList, u16> {
    get(
        app,
        who,
        app::workspace::document_api::ListDocuments::PATH,
        &[("workspace_id", id)],
    )
    .await
}

/// The files the server keeps for documents, anywhere in its folder.
pub fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.documents, &mut found);
    found
}

/// Starts a thread as `who`; answers its id (from the page it sends them to).
pub async fn start(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
    title: &str,
    body: &str,
) -> String {
    let form = [("workspace_id", id), ("title", title), ("body", body)];
    let path = app::workspace::discussion_api::StartThread::PATH;
    let (status, location, text) = post(app, who, path, &form).await;
    assert_eq!(status, 200, "{text}");
    location
        .and_then(|l| l.rsplit_once("/threads/").map(|(_, t)| t.to_owned()))
        .expect("sent to the new thread")
}

/// A page of a thread's posts as `who` sees it (`after`: where it starts; empty: the first).
pub async fn thread(
    app: &TestApp,
    who: &reqwest::Client,
    thread: &str,
    after: &str,
) -> Result<app::workspace::discussion::ThreadView, u16> {
    get(
        app,
        who,
        app::workspace::discussion_api::GetThread::PATH,
        &[("thread_id", thread), ("after", after)],
    )
    .await
}

/// `who`'s notifications and settings.
pub async fn notices(app: &TestApp, who: &reqwest::Client) -> app::workspace::notice::Notices {
    let path = app::workspace::notice_api::ListNotices::PATH;
    let (status, body) = app.call_with(who, path, &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}
