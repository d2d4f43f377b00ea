//! The axum server around the application: configuration, the router with its security
//! layers, health and metrics. No business rules live here.

mod assets;
pub mod config;
mod observe;
mod security;

use app::db::Db;
use app::ssr::{Limits, MailQuota, PublicOrigin, ServerContext};
use app::{shell, App};
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::HeaderMap;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use leptos::prelude::*;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub context: ServerContext,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Connects to the database, runs the migrations and prepares the shared state. On an
    /// instance without administrator that listens beyond this machine, it prints the set-up
    /// code to the log.
    pub async fn new(config: &Config) -> StartupResult<AppState> {
        let public_url = config.public_url();
        let public_origin = PublicOrigin::parse(&public_url).ok_or_else(|| {
            format!(
                "PUBLIC_URL {public_url:?} is not an http:// or https:// address at the root of \
                 its host (the platform cannot be published under a sub-path such as /platform)"
            )
        })?;
        let db = Db::connect(&config.database_url, config.database_max_connections).await?;
        db.migrate().await?;
        // Reachable from elsewhere: listening beyond loopback, or published at an address that
        // is not this machine's (a reverse proxy in front of a loopback listener).
        let reachable = !config.addr.ip().is_loopback() || !public_origin.is_loopback();
        let setup_code = app::identity::commands::setup_code(&db, reachable)
            .await
            .map_err(|e| format!("reading the accounts failed: {e}"))?;
        if let Some(code) = &setup_code {
            tracing::warn!(
                "no administrator yet and this server is reachable from the network: \
                 set-up at {public_url}/setup asks for the code {code}"
            );
        }
        let mailer = match (&config.smtp_url, &config.mail_from) {
            (Some(url), Some(from)) => Some(app::mail::Mailer::new(url, from)?),
            (Some(_), None) => return Err("SMTP_URL is set: MAIL_FROM must name the sender".into()),
            (None, _) => None,
        };
        let pkg = config.site_root.join("pkg");
        let fingerprint = assets::fingerprint(&pkg)
            .map_err(|e| format!("reading the built assets in {} failed: {e}", pkg.display()))?;
        let hub = Arc::new(app::workshop::live::Hub::default());
        if db.engine == app::db::Engine::Postgres {
            app::workshop::live::listen(&hub, db.clone(), config.database_url.clone());
        }
        let documents = app::workspace::document_store::Storage::open(
            &config.documents_url,
            config.max_upload_bytes,
        )?
        .with_room(config.workspace_storage_bytes, config.daily_upload_bytes);
        let leptos_options = LeptosOptions::builder()
            .output_name(config.output_name.clone())
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        Ok(AppState {
            leptos_options,
            context: ServerContext {
                db,
                limits: Arc::new(Limits::new(
                    config.sign_in_attempts_per_minute,
                    config.attempts_per_address_per_minute,
                )),
                public_origin,
                trust_forwarded_for: config.trust_forwarded_for,
                setup_code: setup_code.map(Arc::from),
                asset_root: Arc::from(format!("/v/{fingerprint}")),
                mailer,
                mail_quota: Arc::new(MailQuota::per_day(config.mail_per_day)),
                hub,
                documents,
            },
        })
    }

    fn provide(&self) -> impl Fn() + Clone + Send + 'static {
        let context = self.context.clone();
        move || provide_context(context.clone())
    }
}

/// Start-up and command failures end the process with their message.
pub type StartupResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    app::ssr::handle_server_fn(state.context, req).await
}

/// Where the page says it stands, for a live socket: the sequence number it last showed.
#[derive(serde::Deserialize)]
struct Since {
    #[serde(default)]
    since: i64,
}

async fn participant_socket(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Since>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    app::workshop::live::participant(state.context, code, q.since, headers, upgrade).await
}

async fn presenter_socket(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<Since>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    app::workshop::live::presenter(state.context, id, q.since, headers, upgrade).await
}

async fn join_qr_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> axum::response::Response {
    app::workshop::live::qr_code(&state.context, &code)
}

async fn upload_document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> axum::response::Response {
    app::workspace::document_http::upload(state.context, id, headers, form).await
}

async fn download_document(
    State(state): State<AppState>,
    Path((id, document)): Path<(String, String)>,
    headers: HeaderMap,
) -> axum::response::Response {
    app::workspace::document_http::download(state.context, id, document, headers).await
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.context.db.is_healthy().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

async fn metrics_handler(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        observe::render(&state.context.db),
    )
}

/// The built JS, WASM and CSS, precompressed where a copy exists. They are served under the
/// build's fingerprint (`asset_root`), so browsers keep them without asking again.
fn packaged_assets(options: &LeptosOptions) -> Router<AppState> {
    use tower_http::services::ServeDir;
    use tower_http::set_header::SetResponseHeaderLayer;
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    assets::precompress_in_background(dir.clone());
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("max-age=31536000, immutable"),
        ))
        // Kept for good and never asked for again: a date to revalidate by, or ranges of a few
        // hundred kilobytes, serve nobody.
        .layer(axum::middleware::map_response(
            |mut res: axum::response::Response| async move {
                res.headers_mut().remove(axum::http::header::LAST_MODIFIED);
                res.headers_mut().remove(axum::http::header::ACCEPT_RANGES);
                res
            },
        ))
}

/// The pages' routes, read from the application once per process. Reading them renders the
/// application with resource loading switched off for the whole process (a flag of
/// leptos_server's), so a page rendered in another thread meanwhile would wait for its data
/// for ever: a process that starts several routers (the integration tests do) must not read
/// them again while it serves.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            // Server functions go through our own handler (statuses, client address, kept
            // text), not through the one leptos_axum would register for each of them.
            let server_fns = leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path.to_owned())
                .collect();
            generate_route_list_with_exclusions(App, Some(server_fns))
        })
        .clone()
}

/// The application's routes, without the outer layers (see [`with_layers`]).
pub fn routes(state: &AppState) -> Router<AppState> {
    let route_list = page_routes();
    Router::new()
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .nest(
            &format!("{}/pkg", state.context.asset_root),
            packaged_assets(&state.leptos_options),
        )
        .route("/live/{code}/socket", get(participant_socket))
        .route("/live/{code}/qr.svg", get(join_qr_code))
        .route("/workshops/{id}/socket", get(presenter_socket))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_handler))
        .leptos_routes_with_context(state, route_list, state.provide(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(state.provide(), shell))
}

/// The security, limit, panic and observability layers around the routes. The last layer is
/// the outermost: requests are counted and logged after everything else has answered,
/// panics, refusals and limits included. Documents' routes have a body limit of their own
/// (uploads), and their answers are not compressed (a 20 MB file compressed on the fly
/// costs a core for little: most documents are compressed already).
pub fn with_layers(routes: Router<AppState>, state: AppState, config: &Config) -> Router {
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::compression::CompressionLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    let origin = state.context.public_origin.clone();
    let upload_limit = usize::try_from(
        config.max_upload_bytes + app::workspace::document_http::FORM_OVERHEAD_BYTES,
    )
    .unwrap_or(usize::MAX);
    let documents = Router::new()
        .route("/workspaces/{id}/documents", post(upload_document))
        .route(
            "/workspaces/{id}/documents/{document}",
            get(download_document),
        )
        // The form's reader stops at this limit; a body announced as larger is refused by the
        // upload itself, which sends the page back with the reason (a limit layer would answer
        // a bare 413).
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit));
    routes
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        .layer(CompressionLayer::new())
        .merge(documents)
        .layer(axum::middleware::from_fn_with_state(
            origin.clone(),
            security::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            origin.is_https(),
            security::headers,
        ))
        .layer(CatchPanicLayer::custom(security::panic_response))
        .layer(axum::middleware::from_fn(observe::observe))
        .with_state(state)
}

/// The whole application, ready to serve, with its work besides requests started.
pub fn app(state: AppState, config: &Config) -> Router {
    start_background(&state, config);
    with_layers(routes(&state), state, config)
}

/// What a serving process does besides answering requests: with an SMTP server, it mails the
/// notifications people asked to get by e-mail. Answers its task, to stop it with.
pub fn start_background(state: &AppState, config: &Config) -> Option<tokio::task::JoinHandle<()>> {
    let mailer = state.context.mailer.clone()?;
    Some(app::workspace::notice_mail::start(
        state.context.db.clone(),
        mailer,
        state.context.public_origin.base(),
        std::time::Duration::from_secs(config.notice_mail_seconds),
    ))
}

/// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(router: Router, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}
