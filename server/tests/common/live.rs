//! Running workshops as browsers and projectors do it: browsers with their cookies, live
//! sockets, a facilitator's commands and participants' answers.

use super::workshops::create;
use super::TestApp;
use app::workshop::api::{
    AnswerActivity, ControlWorkshop, GetStage, GetWorkshop, RemoveParticipant,
};
use app::workshop::results::ExportWorkshop;
use app::workshop::stage::Stage;
use futures::StreamExt;
use leptos::server_fn::ServerFn;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// A browser: a client and its cookie jar, so that its cookies can go on a socket's upgrade.
pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    pub fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, jar }
    }

    fn cookies(&self, app: &TestApp) -> String {
        self.jar
            .cookies(&app.base.parse().unwrap())
            .map(|c| c.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a live socket at `path` as `who`, sent from the page of `origin`; the refusal's status
/// when the server refuses it.
pub async fn socket(app: &TestApp, who: &Browser, path: &str, origin: &str) -> Result<Socket, u16> {
    let mut request = format!("{}{path}", app.base.replacen("http", "ws", 1))
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().unwrap());
    headers.insert("cookie", who.cookies(app).parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("socket failed: {e}"),
    }
}

/// The next text message, within five seconds.
pub async fn next_text(socket: &mut Socket) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within five seconds")
            .expect("the socket stays open")
            .unwrap();
        if let Message::Text(text) = message {
            return text.to_string();
        }
    }
}

/// Stages from a presenter's socket until one passes `test`.
pub async fn stage_where(socket: &mut Socket, test: impl Fn(&Stage) -> bool) -> Stage {
    loop {
        let stage: Stage = serde_json::from_str(&next_text(socket).await).unwrap();
        if test(&stage) {
            return stage;
        }
    }
}

/// The code of the close frame a socket receives next, skipping other messages.
pub async fn close_code(socket: &mut Socket) -> u16 {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a close frame within five seconds")
        {
            Some(Ok(Message::Close(frame))) => return u16::from(frame.unwrap().code),
            Some(Ok(_)) => continue,
            other => panic!("a close frame, not {other:?}"),
        }
    }
}

/// The owner sends the participant with this nickname out of the room: the status and body.
pub async fn send_out(app: &TestApp, owner: &Browser, id: &str, nickname: &str) -> (u16, String) {
    let participant = participant_id(app, owner, id, nickname).await;
    let out = [
        ("workshop_id", id),
        ("participant_id", participant.as_str()),
    ];
    app.call_with(&owner.client, RemoveParticipant::PATH, &out)
        .await
}

/// The id of the participant with this nickname, as the owner's page lists them.
pub async fn participant_id(app: &TestApp, owner: &Browser, id: &str, nickname: &str) -> String {
    let (_, body) = app
        .call_with(&owner.client, GetWorkshop::PATH, &[("workshop_id", id)])
        .await;
    let w: app::workshop::model::Workshop = serde_json::from_str(&body).unwrap();
    w.participants
        .into_iter()
        .find(|p| p.nickname.as_deref() == Some(nickname))
        .expect("they are in the room")
        .participant_id
}

pub async fn control(
    app: &TestApp,
    who: &reqwest::Client,
    id: &str,
    action: &str,
    activity: &str,
) -> (u16, String) {
    let form = [
        ("workshop_id", id),
        ("action", action),
        ("activity_id", activity),
    ];
    app.call_with(who, ControlWorkshop::PATH, &form).await
}

/// Answers the shown activity as `who`, with `values` as the form posts them.
pub async fn answer(
    app: &TestApp,
    who: &reqwest::Client,
    code: &str,
    activity: &str,
    command: &str,
    values: &[(&str, &str)],
) -> (u16, String) {
    let mut form = vec![
        ("code".to_owned(), code.to_owned()),
        ("activity_id".to_owned(), activity.to_owned()),
        ("command_id".to_owned(), command.to_owned()),
    ];
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("values[{k}]"), (*v).to_owned())),
    );
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&k[..], &v[..])).collect();
    app.call_with(who, AnswerActivity::PATH, &form).await
}

pub async fn stage(app: &TestApp, who: &reqwest::Client, id: &str) -> Stage {
    let (status, body) = app
        .call_with(who, GetStage::PATH, &[("workshop_id", id)])
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A facilitator (signed up through `owner`) with a workshop of a poll (correct: the second
/// option), a rating and a word cloud; answers its id, code and activity ids.
pub async fn prepared(app: &TestApp, owner: &Browser) -> (String, String, Vec<String>) {
    app.sign_up(&owner.client, "facilitator@example.org").await;
    let activities: [&[(&str, &str)]; 3] = [
        &[
            ("kind", "poll"),
            ("prompt", "Which instrument first?"),
            ("lines", "Vouchers\nCluster grants\nTraining"),
            ("correct", "2"),
        ],
        &[
            ("kind", "rating"),
            ("prompt", "How do you see the cluster?"),
            ("lines", "Trust between firms\nLinks to research"),
            ("scale", "agreement"),
        ],
        &[
            ("kind", "word_cloud"),
            ("prompt", "One word for the region"),
            ("per_person", "2"),
        ],
    ];
    agenda(app, owner, "Cluster policy focus group", &activities).await
}

/// A workshop of `owner`'s with these activities (each the agenda form's fields); answers its
/// id, code and activity ids.
pub async fn agenda(
    app: &TestApp,
    owner: &Browser,
    title: &str,
    activities: &[&[(&str, &str)]],
) -> (String, String, Vec<String>) {
    let id = create(app, &owner.client, title).await;
    for fields in activities {
        let mut form = vec![("workshop_id", id.as_str())];
        form.extend_from_slice(fields);
        let (status, body) = app
            .call_with(&owner.client, app::workshop::api::AddActivity::PATH, &form)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) = app
        .call_with(&owner.client, GetWorkshop::PATH, &[("workshop_id", &id)])
        .await;
    let w: app::workshop::model::Workshop = serde_json::from_str(&body).unwrap();
    let ids = w.activities.iter().map(|a| a.activity_id.clone()).collect();
    (id, w.code, ids)
}

/// A workshop's file as the results page's link fetches it: status, type, disposition and body.
pub async fn export(
    app: &TestApp,
    who: &Browser,
    id: &str,
    format: &str,
) -> (u16, String, String, String) {
    let res = who
        .client
        .get(app.url(&format!(
            "{}?workshop_id={id}&format={format}",
            ExportWorkshop::PATH
        )))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    (
        res.status().as_u16(),
        kind,
        disposition,
        res.text().await.unwrap(),
    )
}
