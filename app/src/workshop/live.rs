//! Live updates of running workshops, over one WebSocket per screen. Every stored event beats
//! the workshop's [`Hub`] channel; a participant's socket sends the sequence number of each
//! change of their screen (the page then reads its new screen), a presenter's socket sends the
//! whole stage, at most a few times a second however many answers arrive. The sockets only
//! speak: a frame from the browser closes its socket.

use super::api::seat_cookie;
use super::event_store;
use super::model::is_join_code;
use super::stage::Stage;
use super::store::{self, Seat, WorkshopRow};
use crate::db::{Db, Engine};
use crate::error::AppError;
use crate::identity::session::{token_hash, user_of};
use crate::ssr::{cookie_in, ServerContext};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{HeaderMap, StatusCode};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Answers arriving within this time reach presenters in one message.
const COALESCE: Duration = Duration::from_millis(100);
/// A presenter's socket reads the events again this often even without a beat (a beat lost
/// between two processes, for instance).
const RESYNC: Duration = Duration::from_secs(5);
/// The browser sends nothing on these sockets; anything longer than this is refused by the
/// WebSocket layer itself.
const FRAME_MAX: usize = 1024;
/// What the WebSocket layer reads from a socket at once.
const READ_BUFFER: usize = 4 * 1024;
/// Events read per catch-up.
const BATCH: i64 = 5_000;
/// A participant changes an answer now and then; a script sends many.
const ANSWERS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(60).unwrap();
const ANSWERS_BURST: NonZeroU32 = NonZeroU32::new(20).unwrap();

/// Where a workshop stands, as its sockets need to know: its last event, the last event that
/// changed the participants' screens, and how many joins there were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Beat {
    pub seq: i64,
    pub screen: i64,
    pub joins: u64,
}

/// The workshops that have sockets open in this process, each with two channels: one carries
/// its latest [`Beat`] (presenters follow it), the other only the sequence number of its last
/// change of the screens (participants follow it, so an answer wakes no participant's socket).
/// A channel keeps only the latest value, so a busy workshop coalesces by itself: a socket that
/// was busy sending finds one beat, not a queue.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<HashMap<String, Room>>,
    answers: DefaultKeyedRateLimiter<String>,
}

#[derive(Debug)]
struct Room {
    beats: watch::Sender<Beat>,
    screens: watch::Sender<i64>,
}

impl Room {
    fn followed(&self) -> bool {
        self.beats.receiver_count() + self.screens.receiver_count() > 0
    }
}

impl Default for Hub {
    fn default() -> Hub {
        Hub {
            rooms: Mutex::default(),
            answers: RateLimiter::keyed(
                Quota::per_minute(ANSWERS_PER_MINUTE).allow_burst(ANSWERS_BURST),
            ),
        }
    }
}

impl Hub {
    /// Counts an answer from a participant: `false` once they flood (more than
    /// [`ANSWERS_PER_MINUTE`] a minute after a burst of [`ANSWERS_BURST`]).
    pub fn answer_allowed(&self, participant_id: &str) -> bool {
        if self.answers.len() > 100_000 {
            self.answers.retain_recent();
        }
        self.answers.check_key(&participant_id.to_owned()).is_ok()
    }

    /// A receiver from the workshop's room, made if need be, taken by `pick`.
    fn room<T>(&self, workshop_id: &str, pick: impl FnOnce(&Room) -> T) -> T {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.retain(|_, room| room.followed());
        let room = rooms.entry(workshop_id.to_owned()).or_insert_with(|| Room {
            beats: watch::channel(Beat::default()).0,
            screens: watch::channel(0).0,
        });
        pick(room)
    }

    /// Brings the workshop's channels up to where the database says it stands. Called after a
    /// receiver is made, so no beat falls between the two.
    async fn catch_up_one(&self, db: &Db, workshop_id: &str) -> Result<(), AppError> {
        let (seq, screen) = event_store::heads(db, workshop_id).await?;
        self.send(workshop_id, |beat| {
            beat.seq = beat.seq.max(seq);
            beat.screen = beat.screen.max(screen);
        });
        Ok(())
    }

    /// A receiver of the workshop's beats (a presenter's).
    pub async fn subscribe(
        &self,
        db: &Db,
        workshop_id: &str,
    ) -> Result<watch::Receiver<Beat>, AppError> {
        let rx = self.room(workshop_id, |room| room.beats.subscribe());
        self.catch_up_one(db, workshop_id).await?;
        Ok(rx)
    }

    /// A receiver of the sequence number of the workshop's last change of the screens (a
    /// participant's).
    pub async fn subscribe_screens(
        &self,
        db: &Db,
        workshop_id: &str,
    ) -> Result<watch::Receiver<i64>, AppError> {
        let rx = self.room(workshop_id, |room| room.screens.subscribe());
        self.catch_up_one(db, workshop_id).await?;
        Ok(rx)
    }

    fn send(&self, workshop_id: &str, change: impl FnOnce(&mut Beat)) {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(room) = rooms.get(workshop_id) {
            let mut screen = 0;
            room.beats.send_if_modified(|beat| {
                let before = *beat;
                change(beat);
                screen = beat.screen;
                *beat != before
            });
            room.screens.send_if_modified(|last| {
                let newer = screen > *last;
                *last = (*last).max(screen);
                newer
            });
        }
    }

    /// Event `seq` was stored; `screen`: it changes what participants see.
    pub fn event(&self, workshop_id: &str, seq: i64, screen: bool) {
        self.send(workshop_id, |beat| {
            beat.seq = beat.seq.max(seq);
            if screen {
                beat.screen = beat.screen.max(seq);
            }
        });
    }

    fn joined(&self, workshop_id: &str) {
        self.send(workshop_id, |beat| beat.joins += 1);
    }

    /// Someone joined, or was sent out: presenters here, and in other processes, count again.
    pub async fn people_changed(&self, db: &Db, workshop_id: &str) -> Result<(), AppError> {
        self.joined(workshop_id);
        let mut conn = db.pool.acquire().await?;
        announce(&mut conn, db.engine, &format!("{workshop_id} joined")).await
    }

    /// A notice from another process (see [`announce`]).
    fn heard(&self, payload: &str) {
        let mut parts = payload.split(' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(id), Some("joined"), None) => self.joined(id),
            (Some(id), Some(seq), Some(screen)) => {
                if let Ok(seq) = seq.parse() {
                    self.event(id, seq, screen == "1");
                }
            }
            _ => tracing::warn!(payload, "a workshop notice the hub does not know"),
        }
    }

    /// After notices may have been missed (the listening connection was lost), every workshop
    /// with sockets here is read again.
    async fn catch_up(&self, db: &Db) {
        let ids: Vec<String> = {
            let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
            rooms.keys().cloned().collect()
        };
        for id in ids {
            if let Ok((seq, screen)) = event_store::heads(db, &id).await {
                self.send(&id, |beat| {
                    beat.seq = beat.seq.max(seq);
                    beat.screen = beat.screen.max(screen);
                    beat.joins += 1;
                });
            }
        }
    }
}

/// The PostgreSQL channel on which processes tell each other of new events and joins.
const CHANNEL: &str = "workshop_beat";

/// Tells every process on this PostgreSQL database (this one too) of an event or a join:
/// `"<workshop> <seq> <1 when it changes the screens>"` or `"<workshop> joined"`. Sent inside
/// the transaction that stores the event, PostgreSQL delivers it when that commits. On SQLite,
/// one process owns the file, and the caller's own hub is all there is.
pub async fn announce(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    payload: &str,
) -> Result<(), AppError> {
    if engine == Engine::Postgres {
        sqlx::query("select pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Follows the other processes' notices (PostgreSQL only), for as long as the process runs;
/// after a lost connection it connects again and reads every followed workshop afresh.
/// It ends once the hub is gone (a test's server stopped).
pub fn listen(hub: &Arc<Hub>, db: Db, url: String) {
    let hub = Arc::downgrade(hub);
    tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(e) = listener.listen(CHANNEL).await {
                        tracing::warn!(error = %e, "listening for workshop notices failed");
                    } else {
                        let Some(here) = hub.upgrade() else { return };
                        here.catch_up(&db).await;
                        drop(here);
                        while let Ok(notice) = listener.recv().await {
                            let Some(here) = hub.upgrade() else { return };
                            here.heard(notice.payload());
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "connecting for workshop notices failed"),
            }
            if hub.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

/// Where participants join a workshop: the platform's public address and the code.
pub fn join_url(context: &ServerContext, code: &str) -> String {
    format!("{}/live/{code}", context.public_origin.base())
}

/// The QR code of a workshop's join address, as SVG, for the projector. Any well-formed code
/// gets one without a look at the database, so the image tells nobody whether a workshop has
/// that code.
pub fn qr_code(context: &ServerContext, code: &str) -> Response {
    use qrcode::render::svg;
    if !is_join_code(code) {
        return refuse(StatusCode::NOT_FOUND, "no workshop has this code");
    }
    // Medium error correction: a projector seen from the back of a room at an angle.
    match qrcode::QrCode::with_error_correction_level(join_url(context, code), qrcode::EcLevel::M) {
        Ok(qr) => {
            let image = qr
                .render::<svg::Color>()
                .min_dimensions(240, 240)
                .dark_color(svg::Color("#000"))
                .light_color(svg::Color("#fff"))
                .build();
            (
                [
                    (http::header::CONTENT_TYPE, "image/svg+xml"),
                    (http::header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                image,
            )
                .into_response()
        }
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the join address is too long for a QR code",
        ),
    }
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

/// Opens a participant's socket: the request must come from the platform's own pages and carry
/// the cookie of someone in the room. `since`: the sequence number of the screen the page shows.
pub async fn participant(
    context: ServerContext,
    code: String,
    since: i64,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !context.public_origin.allows(&headers) {
        return refuse(StatusCode::FORBIDDEN, "cross-site socket refused");
    }
    let db = &context.db;
    let workshop = match store::by_code(db, &code).await {
        Ok(Some(w)) => w,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, "no workshop has this code"),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again"),
    };
    let Some(token) = cookie_in(&headers, &seat_cookie(&workshop.code)) else {
        return refuse(StatusCode::FORBIDDEN, "join the workshop first");
    };
    let seat = Seated {
        db: db.clone(),
        workshop_id: workshop.workshop_id.clone(),
        token_hash: token_hash(&token),
    };
    match store::seat(db, &seat.workshop_id, &seat.token_hash).await {
        Ok(Some(Seat::In { .. })) => {}
        // Sent out: told so on the socket itself, which a browser can read (a refused upgrade
        // reads as a lost connection), so that their page stops reconnecting.
        Ok(Some(Seat::Removed)) => {
            return sized(upgrade).on_upgrade(|mut socket| async move {
                let _ = socket.send(Message::Close(Some(sent_out()))).await;
            })
        }
        Ok(None) => return refuse(StatusCode::FORBIDDEN, "join the workshop first"),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again"),
    }
    let Ok(screens) = context
        .hub
        .subscribe_screens(db, &workshop.workshop_id)
        .await
    else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again");
    };
    sized(upgrade).on_upgrade(move |socket| participant_loop(socket, screens, seat, since))
}

/// Why a participant's socket closes once they were sent out.
fn sent_out() -> CloseFrame {
    CloseFrame {
        code: 1008,
        reason: "you are no longer in this workshop".into(),
    }
}

/// Whose seat a participant's socket serves.
struct Seated {
    db: Db,
    workshop_id: String,
    token_hash: String,
}

impl Seated {
    async fn still_in(&self) -> bool {
        matches!(
            store::seat(&self.db, &self.workshop_id, &self.token_hash).await,
            Ok(Some(Seat::In { .. }))
        )
    }
}

/// Tells the participant of each change of their screen. The seat is checked again at each
/// change: the socket of someone sent out closes.
async fn participant_loop(
    mut socket: WebSocket,
    mut screens: watch::Receiver<i64>,
    seat: Seated,
    mut sent: i64,
) {
    loop {
        let screen = *screens.borrow_and_update();
        if screen > sent {
            if !seat.still_in().await {
                let _ = socket.send(Message::Close(Some(sent_out()))).await;
                return;
            }
            if socket
                .send(Message::Text(format!("{{\"seq\":{screen}}}").into()))
                .await
                .is_err()
            {
                return;
            }
            sent = screen;
        }
        tokio::select! {
            changed = screens.changed() => if changed.is_err() { return },
            incoming = socket.recv() => if !still_open(&mut socket, incoming).await { return },
        }
    }
}

/// The WebSocket layer's settings for the platform's sockets: they receive nothing but pings,
/// and send a few small messages, so small buffers (the default is 128 KiB to read alone, per
/// socket) let a room of thousands fit in memory.
fn sized(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(FRAME_MAX)
        .max_frame_size(FRAME_MAX)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
}

/// Whether a socket stays open after what the browser sent: pings are answered by the
/// WebSocket layer; a message of its own is not part of the protocol and closes it, with the
/// reason.
async fn still_open(
    socket: &mut WebSocket,
    incoming: Option<Result<Message, axum::Error>>,
) -> bool {
    match incoming {
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => true,
        Some(Ok(Message::Text(_) | Message::Binary(_))) => {
            let _ = socket
                .send(Message::Close(Some(CloseFrame {
                    code: 1003,
                    reason: "this socket takes no messages".into(),
                })))
                .await;
            false
        }
        _ => false,
    }
}

/// Opens a presenter's socket (the projector, or the facilitator's page): the request must come
/// from the platform's own pages, signed in as the workshop's owner or an administrator.
pub async fn presenter(
    context: ServerContext,
    workshop_id: String,
    since: i64,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !context.public_origin.allows(&headers) {
        return refuse(StatusCode::FORBIDDEN, "cross-site socket refused");
    }
    let db = context.db.clone();
    let Ok(Some(user)) = user_of(&db, &headers).await else {
        return refuse(StatusCode::UNAUTHORIZED, "please sign in");
    };
    let workshop = match store::find_by_id(&db, &workshop_id).await {
        Ok(Some(w)) if w.owner_id == user.user_id || user.is_admin() => w,
        Ok(Some(_)) => return refuse(StatusCode::FORBIDDEN, "you may not do that"),
        Ok(None) => return refuse(StatusCode::NOT_FOUND, "not found"),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again"),
    };
    let Ok(beats) = context.hub.subscribe(&db, &workshop.workshop_id).await else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again");
    };
    sized(upgrade).on_upgrade(move |socket| async move {
        let join_url = join_url(&context, &workshop.code);
        if let Err(e) = presenter_loop(socket, beats, db, workshop, join_url, since).await {
            tracing::warn!(error = %e, "a presenter's socket ended on an error");
        }
    })
}

async fn presenter_loop(
    mut socket: WebSocket,
    mut beats: watch::Receiver<Beat>,
    db: Db,
    workshop: WorkshopRow,
    join_url: String,
    since: i64,
) -> Result<(), AppError> {
    let id = &workshop.workshop_id;
    let mut live = event_store::live(&db, id).await?;
    let (mut sent, mut joins) = (since, u64::MAX);
    loop {
        loop {
            let batch = event_store::since(&db, id, live.seq, BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for (seq, event) in &batch {
                live.apply(*seq, event);
            }
        }
        let beat = *beats.borrow_and_update();
        if live.seq > sent || beat.joins != joins {
            // The agenda may have changed since the last message; it is short.
            let activities = store::activities(&db, id).await?;
            let people = store::participant_count(&db, id).await?;
            let stage = Stage::new(
                &workshop.title,
                &workshop.code,
                join_url.clone(),
                people,
                &activities,
                &live,
                crate::db::now_ms(),
            );
            let json = serde_json::to_string(&stage).map_err(|_| AppError::Internal)?;
            if socket.send(Message::Text(json.into())).await.is_err() {
                return Ok(());
            }
            (sent, joins) = (live.seq, beat.joins);
        }
        tokio::select! {
            changed = beats.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                tokio::time::sleep(COALESCE).await;
            }
            incoming = socket.recv() => if !still_open(&mut socket, incoming).await { return Ok(()) },
            () = tokio::time::sleep(RESYNC) => {}
        }
    }
}
