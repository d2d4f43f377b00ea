//! Workshops as a browser's script or form would use them: create one, read it, add to its
//! agenda, join it, open its room.

use super::{error, TestApp};
use app::error::{AppError, Problem};
use app::workshop::api::{
    AddActivity, CreateWorkshop, GetWorkshop, JoinWorkshop, ListMyWorkshops, OpenRoom,
};
use app::workshop::model::{Room, Workshop, WorkshopSummary};
use leptos::server_fn::ServerFn;

/// Creates a workshop as `client`'s account and answers its id.
pub async fn create(app: &TestApp, client: &reqwest::Client, title: &str) -> String {
    let form = [("title", title), ("language", "hr")];
    let (status, body) = app.call_with(client, CreateWorkshop::PATH, &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app.call_with(client, ListMyWorkshops::PATH, &[]).await;
    let mine: Vec<WorkshopSummary> = serde_json::from_str(&body).unwrap();
    mine.iter()
        .find(|w| w.title == title)
        .expect("the new workshop is listed")
        .workshop_id
        .clone()
}

pub async fn workshop(app: &TestApp, id: &str) -> Workshop {
    let (status, body) = app.call(GetWorkshop::PATH, &[("workshop_id", id)]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn add(app: &TestApp, id: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = vec![("workshop_id", id)];
    form.extend_from_slice(fields);
    app.call(AddActivity::PATH, &form).await
}

/// Posts the join form as a browser without JavaScript does; answers the status and where
/// it was sent.
pub async fn join(
    app: &TestApp,
    who: &reqwest::Client,
    code: &str,
    nickname: &str,
) -> (u16, String) {
    let res = who
        .post(app.url(JoinWorkshop::PATH))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", app.url("/live"))
        .form(&[("code", code), ("nickname", nickname)])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location)
}

pub async fn room(app: &TestApp, who: &reqwest::Client, code: &str) -> Result<Room, AppError> {
    let (status, body) = app.call_with(who, OpenRoom::PATH, &[("code", code)]).await;
    if status == 200 {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err(error(&body))
    }
}

/// The problem a refusal names at `field`.
pub fn problem(body: &str, field: &str) -> Problem {
    error(body)
        .problem(field)
        .cloned()
        .unwrap_or_else(|| panic!("no problem at {field}: {body}"))
}
