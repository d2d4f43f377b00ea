//! Starts the real router on 127.0.0.1:0 against a fresh database, SQLite or PostgreSQL, and

// Each test binary includes this module and uses a different part of it.
#![allow(dead_code)]
//! talks to it over HTTP like a browser's script would.

pub mod live;
pub mod rounds;
pub mod smtp;
pub mod workshops;
pub mod workspaces;

use app::db::Engine;
use app::error::AppError;
use app::identity::api::{ChangePassword, ChangeRole, CreateFirstAdmin, WhoAmI};
use app::identity::model::CurrentUser;
use axum::Router;
use leptos::server_fn::ServerFn;
use server::config::Config;
use server::AppState;
use std::path::PathBuf;
use std::time::Duration;

pub const PASSWORD: &str = "zagreb rain in november";

/// The engines to test on: SQLite always; PostgreSQL when TEST_POSTGRES_URL names a server.
/// Under CI=true a missing PostgreSQL is a failure, not a skip.
pub fn engines() -> Vec<Engine> {
    let mut engines = vec![Engine::Sqlite];
    if std::env::var("TEST_POSTGRES_URL").is_ok() {
        engines.push(Engine::Postgres);
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite cannot run"
        );
    } else {
        eprintln!("WARNING: TEST_POSTGRES_URL is not set; these tests ran on SQLite only");
    }
    engines
}

/// A database of its own for one test.
pub struct TestDb {
    pub url: String,
    /// The folder its server keeps documents in.
    pub documents: PathBuf,
    admin_url: Option<String>,
    name: String,
    dir: Option<PathBuf>,
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        let name = format!("cp_test_{}", uuid::Uuid::now_v7().simple());
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).unwrap();
                TestDb {
                    url: format!("sqlite:{}/test.db", dir.display()),
                    documents: dir.join("documents"),
                    admin_url: None,
                    name,
                    dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let admin_url = std::env::var("TEST_POSTGRES_URL").unwrap();
                let admin = app::db::Db::connect(&admin_url, 1).await.unwrap();
                sqlx::query(&format!("create database {name}"))
                    .execute(&admin.pool)
                    .await
                    .unwrap();
                admin.pool.close().await;
                let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
                TestDb {
                    url: format!("{base}/{name}"),
                    documents: std::env::temp_dir().join(format!("{name}_documents")),
                    admin_url: Some(admin_url),
                    name,
                    dir: None,
                }
            }
        }
    }

    pub async fn drop_db(&self) {
        if let Some(admin_url) = &self.admin_url {
            let admin = app::db::Db::connect(admin_url, 1).await.unwrap();
            let _ = sqlx::query(&format!(
                "drop database if exists {} with (force)",
                self.name
            ))
            .execute(&admin.pool)
            .await;
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir_all(&self.documents);
    }
}

pub fn config(db: &TestDb) -> Config {
    Config {
        database_url: db.url.clone(),
        database_max_connections: 4,
        addr: "127.0.0.1:0".parse().unwrap(),
        site_root: PathBuf::from("target/site"),
        output_name: "clusterpolisee".into(),
        // Set by TestApp::start to the address the test server listens on.
        public_url: None,
        sign_in_attempts_per_minute: 50,
        attempts_per_address_per_minute: 1_000,
        trust_forwarded_for: false,
        max_body_bytes: 512 * 1024,
        log_json: false,
        smtp_url: None,
        mail_from: None,
        mail_per_day: 300,
        notice_mail_seconds: 1,
        documents_url: db.documents.display().to_string(),
        max_upload_bytes: 2 * 1024 * 1024,
        workspace_storage_bytes: 64 * 1024 * 1024,
        daily_upload_bytes: 64 * 1024 * 1024,
    }
}

/// A running server and a client with a cookie jar.
pub struct TestApp {
    pub base: String,
    /// The folder the server keeps documents in.
    pub documents: PathBuf,
    pub client: reqwest::Client,
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
    /// What the server does besides requests (the notifications' e-mail), when it does.
    background: Option<tokio::task::JoinHandle<()>>,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // No request of these tests takes a second; one that never ends fails its test, named,
        // instead of holding the whole run until the suite's time limit.
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn start(config: &Config) -> TestApp {
        Self::start_with(config, |r| r).await
    }

    /// Starts the server with extra routes inside the real layers (for failure tests).
    pub async fn start_with(
        config: &Config,
        extra: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = config.clone();
        config.public_url.get_or_insert_with(|| base.clone());
        let state = AppState::new(&config).await.unwrap();
        let router = server::with_layers(extra(server::routes(&state)), state.clone(), &config);
        let background = server::start_background(&state, &config);
        let task = tokio::spawn(async move {
            let _ = server::serve(router, listener).await;
        });
        TestApp {
            base,
            documents: PathBuf::from(&config.documents_url),
            client: client(),
            state,
            task,
            background,
        }
    }

    pub async fn stop(self) {
        if let Some(background) = &self.background {
            background.abort();
        }
        self.task.abort();
        let _ = self.task.await;
        // Closing waits for every connection to come back; a connection task that axum spawned
        // may still hold one, and need not be waited for.
        let _ =
            tokio::time::timeout(Duration::from_secs(5), self.state.context.db.pool.close()).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls a server function as the hydrated page does: a form post from this origin.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        self.call_with(&self.client, path, form).await
    }

    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, String) {
        let res = client
            .post(self.url(path))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }
}

/// Runs `test` against a fresh server on each engine, then removes its database.
pub async fn on_each_engine(test: impl AsyncFn(&TestApp, Engine)) {
    on_each_engine_with(|_| {}, test).await
}

/// As [`on_each_engine`], with the configuration adjusted first.
pub async fn on_each_engine_with(
    tweak: impl Fn(&mut Config),
    test: impl AsyncFn(&TestApp, Engine),
) {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let mut cfg = config(&db);
        tweak(&mut cfg);
        let app = TestApp::start(&cfg).await;
        // A hang fails the test with its name instead of stalling the whole run.
        tokio::time::timeout(Duration::from_secs(120), test(&app, engine))
            .await
            .unwrap_or_else(|_| panic!("the test did not finish within 2 minutes on {engine:?}"));
        app.stop().await;
        db.drop_db().await;
    }
}

impl TestApp {
    /// Signs up a person with the test password through `client`.
    pub async fn sign_up(&self, client: &reqwest::Client, email: &str) -> (u16, String) {
        self.call_with(
            client,
            app::identity::api::SignUp::PATH,
            &[
                ("email", email),
                ("display_name", "Ivo Ivić"),
                ("password", PASSWORD),
            ],
        )
        .await
    }

    /// Adds an organisation of the `other` kind, without region or website, as the signed-in
    /// person of the test's own client.
    pub async fn add_organisation(&self, name: &str, country: &str) -> (u16, String) {
        let form = [
            ("name", name),
            ("kind", "other"),
            ("country_code", country),
            ("region_id", ""),
            ("website_url", ""),
        ];
        self.call(app::registry::api::CreateOrganisation::PATH, &form)
            .await
    }

    /// The single number a `select count(*) …` answers.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.context.db.pool)
            .await
            .unwrap()
    }
}

/// The error a server function answered with.
pub fn error(body: &str) -> AppError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

/// Creates the first administrator through the set-up form, signed in on `app.client`.
pub async fn setup_admin(app: &TestApp) {
    let (status, body) = app
        .call(
            CreateFirstAdmin::PATH,
            &[
                ("email", "admin@example.org"),
                ("display_name", "Ana Admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// Changes the password of `app.client`'s account, confirming it correctly.
pub async fn change_password(app: &TestApp, current: &str, new: &str) -> (u16, String) {
    let form = [
        ("current_password", current),
        ("new_password", new),
        ("confirm_password", new),
    ];
    app.call(ChangePassword::PATH, &form).await
}

/// Who `client` is signed in as.
pub async fn me(app: &TestApp, client: &reqwest::Client) -> Option<CurrentUser> {
    let (status, body) = app.call_with(client, WhoAmI::PATH, &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Signs `client` up and makes them an administrator (by the first administrator's hand).
pub async fn second_admin(app: &TestApp, client: &reqwest::Client, email: &str) -> String {
    app.sign_up(client, email).await;
    let id = me(app, client).await.unwrap().user_id;
    let (status, body) = app
        .call(ChangeRole::PATH, &[("user_id", &id), ("role", "admin")])
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

/// How many enabled administrators there are.
pub async fn active_admins(app: &TestApp) -> i64 {
    app.count("select count(*) from app_user where role = 'admin' and disabled = 0")
        .await
}

/// A signed-up person's browser, and its cookies as a `Cookie` header says them (for a
/// request written by hand).
pub async fn person_with_cookies(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let who = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let (status, body) = app.sign_up(&who, email).await;
    assert_eq!(status, 200, "{body}");
    use reqwest::cookie::CookieStore;
    let cookies = jar
        .cookies(&app.base.parse().unwrap())
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    (who, cookies)
}
