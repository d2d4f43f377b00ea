//! The participants of a run, each as a phone's page behaves: join with a nickname, open the
//! live socket, read the screen again at each change it announces, answer the poll once it is
//! open (after a moment of thought), and open the socket again, from the last change, when it
//! is lost.

use crate::platform::pairs;
use crate::room::{socket, OPTIONS};
use app::workshop::api::{AnswerActivity, JoinWorkshop};
use app::workshop::room_api::{ReadRoomPage, RoomPage};
use futures::StreamExt;
use leptos::server_fn::ServerFn;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

/// What all participants share: the platform, the room, and the run's signals.
pub struct Crowd {
    pub client: reqwest::Client,
    pub base: String,
    pub code: String,
    pub poll: String,
    /// Participants answer spread over this time after their screen shows the poll open.
    pub think: Duration,
    pub size: usize,
    /// Joins at once.
    pub joining: Semaphore,
    /// When the facilitator opened the poll.
    pub opened: OnceLock<Instant>,
    /// Participants that joined, and that answered or gave up answering.
    pub joined: AtomicUsize,
    pub done: AtomicUsize,
    /// Becomes true when the run is over: sockets close.
    pub over: watch::Receiver<bool>,
}

/// How one participant's run went.
#[derive(Default)]
pub struct Outcome {
    pub join: Option<Duration>,
    /// From the poll's opening to this participant's screen showing it open.
    pub screen: Option<Duration>,
    /// When the answer was sent and when the server acknowledged it.
    pub answer: Option<(Instant, Instant)>,
    /// Socket openings after the first, and the longest time without one.
    pub reconnects: usize,
    pub longest_gap: Duration,
    pub error: Option<String>,
}

/// The form of a server function, sent from the platform's own page with this seat's cookie;
/// sent again each second, for half a minute, while the server is away or failing (a retry of
/// an answer counts once, by its command id).
async fn call(
    crowd: &Crowd,
    path: &str,
    cookie: &str,
    form: &[(String, String)],
) -> Result<(u16, String), String> {
    let mut last = String::new();
    for _ in 0..30 {
        let sent = crowd
            .client
            .post(format!("{}{path}", crowd.base))
            .header("origin", &crowd.base)
            .header("cookie", cookie)
            .form(form)
            .send()
            .await;
        match sent {
            Ok(res) if res.status().as_u16() < 500 => {
                let status = res.status().as_u16();
                return Ok((status, res.text().await.map_err(|e| e.to_string())?));
            }
            Ok(res) => last = res.status().to_string(),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Err(format!("{path}: the server did not come back ({last})"))
}

/// Joins as participant `n`; answers the seat's cookie.
async fn join(crowd: &Crowd, n: usize) -> Result<String, String> {
    let nickname = format!("P{n}");
    let form = pairs(&[("code", &crowd.code), ("nickname", &nickname)]);
    let res = crowd
        .client
        .post(format!("{}{}", crowd.base, JoinWorkshop::PATH))
        .header("origin", &crowd.base)
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let name = format!("cp_seat_{}=", crowd.code);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&name))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned());
    match cookie {
        Some(cookie) if res.status().as_u16() < 400 => Ok(cookie),
        _ => Err(format!("joining: {}", res.status())),
    }
}

/// The poll is open on this screen and not answered yet: the command id to answer it with.
/// The screen is read as a phone reads it: the page's HTML, as the server writes it.
async fn poll_to_answer(crowd: &Crowd, cookie: &str) -> Result<Option<String>, String> {
    let (status, body) = call(
        crowd,
        ReadRoomPage::PATH,
        cookie,
        &pairs(&[("code", &crowd.code), ("locale", "en")]),
    )
    .await?;
    if status != 200 {
        return Err(format!("reading the screen: {status} {body}"));
    }
    let page: RoomPage = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    let html = page.html;
    let poll_open = html.contains(&format!(r#"name="activity_id" value="{}""#, crowd.poll));
    // "Your answer is counted." is the screen's one notice of that kind.
    let answered = html.contains("notice-ok");
    Ok(match hidden_value(&html, "command_id") {
        Some(command) if poll_open && !answered => Some(command),
        _ => None,
    })
}

/// The value of the screen's hidden input `name`.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!(r#"name="{name}" value=""#))? + name.len() + 15;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_owned())
}

/// Answers the poll with the screen's command id.
async fn answer(crowd: &Crowd, cookie: &str, n: usize, command: &str) -> Result<(), String> {
    let choice = (n % OPTIONS).to_string();
    let form = pairs(&[
        ("code", &crowd.code),
        ("activity_id", &crowd.poll),
        ("command_id", command),
        ("values[0]", &choice),
    ]);
    match call(crowd, AnswerActivity::PATH, cookie, &form).await? {
        (200, _) => Ok(()),
        (status, body) => Err(format!("answering: {status} {body}")),
    }
}

/// Participant `n`'s run, until the run is over.
pub async fn participant(crowd: Arc<Crowd>, n: usize) -> Outcome {
    let mut outcome = Outcome::default();
    let started = Instant::now();
    let permit = crowd.joining.acquire().await.expect("the semaphore stays");
    let cookie = match join(&crowd, n).await {
        Ok(cookie) => cookie,
        Err(e) => {
            outcome.error = Some(e);
            crowd.done.fetch_add(1, Relaxed);
            return outcome;
        }
    };
    let path = |since: i64| format!("/live/{}/socket?since={since}", crowd.code);
    let mut live = match socket(&crowd.base, &path(0), &cookie).await {
        Ok(s) => s,
        Err(e) => {
            outcome.error = Some(format!("socket: {e}"));
            crowd.done.fetch_add(1, Relaxed);
            return outcome;
        }
    };
    drop(permit);
    outcome.join = Some(started.elapsed());
    crowd.joined.fetch_add(1, Relaxed);
    // Spread over the thinking time, the same for every run of this size.
    let thought = crowd
        .think
        .mul_f64(((n * 7919) % crowd.size) as f64 / crowd.size as f64);
    let mut over = crowd.over.clone();
    let mut since = 0;
    loop {
        tokio::select! {
            message = live.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    since = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v["seq"].as_i64())
                        .unwrap_or(since);
                    if outcome.answer.is_some() {
                        continue;
                    }
                    match poll_to_answer(&crowd, &cookie).await {
                        Ok(Some(command)) => {
                            if let Some(opened) = crowd.opened.get() {
                                outcome.screen = Some(opened.elapsed());
                            }
                            tokio::time::sleep(thought).await;
                            let sent = Instant::now();
                            if let Err(e) = answer(&crowd, &cookie, n, &command).await {
                                outcome.error = Some(e);
                            } else {
                                outcome.answer = Some((sent, Instant::now()));
                            }
                            crowd.done.fetch_add(1, Relaxed);
                        }
                        Ok(None) => {}
                        Err(e) => outcome.error = Some(e),
                    }
                }
                Some(Ok(_)) => {}
                _ => {
                    // Lost: again after a second, as the page does, from the last change.
                    let lost = Instant::now();
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if *over.borrow() {
                            return outcome;
                        }
                        if let Ok(s) = socket(&crowd.base, &path(since), &cookie).await {
                            live = s;
                            outcome.reconnects += 1;
                            outcome.longest_gap = outcome.longest_gap.max(lost.elapsed());
                            break;
                        }
                    }
                }
            },
            _ = over.changed() => return outcome,
        }
    }
}
