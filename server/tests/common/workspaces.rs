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
