//! The facilitator's side of a run: the workshop with one poll, the run controls, and the
//! presenter's socket, whose every stage is kept with the moment it arrived.

use crate::platform::{pairs, post, sign_in_admin};
use app::workshop::api::{
    AddActivity, ControlWorkshop, CreateWorkshop, GetWorkshop, ListMyWorkshops,
};
use app::workshop::model::{Workshop, WorkshopSummary};
use app::workshop::run::Results;
use app::workshop::stage::Stage;
use futures::StreamExt;
use leptos::server_fn::ServerFn;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub const OPTIONS: usize = 3;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a live socket at `path` from the platform's own page, with these cookies.
pub async fn socket(base: &str, path: &str, cookies: &str) -> Result<Socket, String> {
    let mut request = format!("{}{path}", base.replacen("http", "ws", 1))
        .into_client_request()
        .map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    headers.insert("origin", base.parse().map_err(|_| "origin")?);
    headers.insert("cookie", cookies.parse().map_err(|_| "cookie")?);
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
        .map_err(|e| e.to_string())
}

/// A stage as the presenter's socket delivered it.
pub struct Seen {
    pub at: Instant,
    pub participants: i64,
    pub voters: u32,
}

pub struct Facilitator {
    client: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
    pub workshop_id: String,
    pub code: String,
    pub poll: String,
}

impl Facilitator {
    /// Signs in the load's administrator and prepares a workshop of one poll.
    pub async fn prepare(base: &str) -> Facilitator {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        sign_in_admin(&client, base).await;
        let title = format!("Load {}", std::process::id());
        let created = pairs(&[("title", &title), ("language", "en")]);
        let (status, _, body) = post(&client, base, CreateWorkshop::PATH, &created, true)
            .await
            .expect("the server answers");
        assert!(status < 400, "creating the workshop: {body}");
        let (_, _, body) = post(&client, base, ListMyWorkshops::PATH, &[], true)
            .await
            .expect("the server answers");
        let mine: Vec<WorkshopSummary> = serde_json::from_str(&body).expect("my workshops");
        let workshop_id = mine
            .into_iter()
            .find(|w| w.title == title)
            .expect("the new workshop")
            .workshop_id;
        let poll = pairs(&[
            ("workshop_id", &workshop_id),
            ("kind", "poll"),
            ("prompt", "Which instrument first?"),
            ("lines", "Vouchers\nCluster grants\nTraining"),
        ]);
        let (status, _, body) = post(&client, base, AddActivity::PATH, &poll, true)
            .await
            .expect("the server answers");
        assert_eq!(status, 200, "adding the poll: {body}");
        let (_, _, body) = post(
            &client,
            base,
            GetWorkshop::PATH,
            &pairs(&[("workshop_id", &workshop_id)]),
            true,
        )
        .await
        .expect("the server answers");
        let workshop: Workshop = serde_json::from_str(&body).expect("the workshop");
        Facilitator {
            client,
            jar,
            base: base.to_owned(),
            workshop_id,
            code: workshop.code,
            poll: workshop.activities[0].activity_id.clone(),
        }
    }

    /// A run control, as its button posts it.
    pub async fn control(&self, action: &str, activity: &str) {
        let form = pairs(&[
            ("workshop_id", &self.workshop_id),
            ("action", action),
            ("activity_id", activity),
        ]);
        let (status, _, body) = post(&self.client, &self.base, ControlWorkshop::PATH, &form, true)
            .await
            .expect("the server answers");
        assert_eq!(status, 200, "{action}: {body}");
    }

    /// The presenter's screen: a socket whose stages are kept, as they arrive, in `seen`.
    /// It opens again a second after it is lost, from the last stage it had.
    pub fn present(&self, seen: Arc<Mutex<Vec<Seen>>>) {
        let cookies = self
            .jar
            .cookies(&self.base.parse().expect("the address"))
            .and_then(|c| c.to_str().ok().map(str::to_owned))
            .unwrap_or_default();
        let (base, id) = (self.base.clone(), self.workshop_id.clone());
        tokio::spawn(async move {
            let mut since = 0;
            loop {
                let path = format!("/workshops/{id}/socket?since={since}");
                if let Ok(mut socket) = socket(&base, &path, &cookies).await {
                    while let Some(Ok(message)) = socket.next().await {
                        let Message::Text(text) = message else {
                            continue;
                        };
                        let Ok(stage) = serde_json::from_str::<Stage>(&text) else {
                            continue;
                        };
                        since = stage.seq;
                        let voters = match stage.results {
                            Results::Poll { voters, .. } => voters,
                            _ => 0,
                        };
                        seen.lock().unwrap().push(Seen {
                            at: Instant::now(),
                            participants: stage.participants,
                            voters,
                        });
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}
