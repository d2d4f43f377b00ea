//! The security and operations baseline over HTTP, on SQLite and on PostgreSQL.

mod common;

use app::db::{Db, Engine};
use app::identity::api::{SignUp, WhoAmI};
use app::registry::api::{CreateOrganisation, ListOrganisations};
use app::registry::model::Organisation;
use axum::routing::get;
use common::{config, engines, on_each_engine, TestApp, TestDb, PASSWORD};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    on_each_engine(async |app, _| {
        let form = [
            ("email", "ivo@example.org"),
            ("display_name", "Ivo"),
            ("password", PASSWORD),
        ];
        for (header, value) in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("origin", "null"),
        ] {
            let res = app
                .client
                .post(app.url(SignUp::PATH))
                .header(header, value)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 403, "{header}: {value}");
        }
        let count = app.count("select count(*) from app_user").await;
        assert_eq!(count, 0);
    })
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    on_each_engine(async |app, _| {
        let huge = "x".repeat(200 * 1024);
        let (status, _) = app
            .call(
                SignUp::PATH,
                &[
                    ("email", "a@example.org"),
                    ("display_name", &huge),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, 413);
    })
    .await;
}

#[tokio::test]
async fn a_panicking_handler_answers_500_without_details_and_the_server_lives_on() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let app = TestApp::start_with(&config(&db), |r| {
            r.route(
                "/boom",
                get(|| async { panic!("secret internal detail") as &str }),
            )
        })
        .await;
        let (status, body) = app.get("/boom").await;
        assert_eq!(status, 500);
        assert!(!body.contains("secret"), "{body}");
        let (status, body) = app.get("/healthz").await;
        assert_eq!((status, body.as_str()), (200, "ok"));
        app.stop().await;
        db.drop_db().await;
    }
}

#[tokio::test]
async fn pages_are_rendered_in_the_language_the_browser_asks_for_with_security_headers() {
    on_each_engine(async |app, _| {
        let res = app.client.get(app.url("/")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("'nonce-") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        let html = res.text().await.unwrap();
        assert!(html.contains("lang=\"en\""), "{html}");
        assert!(html.contains("Innovation and R&amp;D-driven cluster development"));

        let res = app
            .client
            .get(app.url("/"))
            .header("accept-language", "hr-HR,hr;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(html.contains("lang=\"hr\""));
        assert!(html.contains("Bolja klasterska politika"));
        assert!(html.contains("Klasteri i regionalna specijalizacija"));
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_and_unknown_organisations_answer_404() {
    on_each_engine(async |app, _| {
        let (status, html) = app.get("/no-such-page").await;
        assert_eq!(status, 404);
        assert!(html.contains("We could not find that page."));
        let (status, _) = app.get("/organisations/0000").await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_person_adds_an_organisation_in_a_region_of_its_country() {
    on_each_engine(async |app, _| {
        let form = [
            ("name", "Klaster drvne industrije"),
            ("kind", "cluster_organisation"),
            ("country_code", "HR"),
            ("region_id", "HR05"),
            ("website_url", "https://drvni-klaster.hr"),
        ];
        let (status, _) = app.call(CreateOrganisation::PATH, &form).await;
        assert_eq!(status, 401, "signed out");

        app.sign_up(&app.client, "ivo@example.org").await;
        let mut elsewhere = form;
        elsewhere[3] = ("region_id", "ITH3");
        let (status, body) = app.call(CreateOrganisation::PATH, &elsewhere).await;
        assert_eq!(status, 422, "a region of another country: {body}");

        let (status, body) = app.call(CreateOrganisation::PATH, &form).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call(CreateOrganisation::PATH, &form).await;
        assert_eq!(status, 422, "the same name twice in a country: {body}");

        let (_, body) = app
            .call(ListOrganisations::PATH, &[("country", "HR")])
            .await;
        let list: Vec<Organisation> = serde_json::from_str(&body).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].region_name.as_deref(), Some("Grad Zagreb"));
        let (status, html) = app
            .get(&format!("/organisations/{}", list[0].organisation_id))
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("Klaster drvne industrije"));
    })
    .await;
}

#[tokio::test]
async fn health_and_metrics_are_served() {
    on_each_engine(async |app, _| {
        app.call(WhoAmI::PATH, &[]).await;
        let (status, body) = app.get("/metrics").await;
        assert_eq!(status, 200);
        assert!(
            body.contains("http_requests_total{status=\"2xx\"}"),
            "{body}"
        );
        assert!(body.contains("http_request_duration_seconds_count"));
    })
    .await;
}

#[tokio::test]
async fn the_demo_fills_an_empty_platform_once() {
    on_each_engine(async |app, _| {
        let seeded = app::demo::seed(&app.state.context.db).await.unwrap();
        assert_eq!(seeded.organisations, 12);
        assert!(app::demo::seed(&app.state.context.db).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn a_backup_of_a_live_sqlite_database_is_a_consistent_copy_and_postgres_points_to_pg_dump() {
    on_each_engine(async |app, engine| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let copy =
            std::env::temp_dir().join(format!("cp_backup_{}.db", uuid::Uuid::now_v7().simple()));
        let result = app.state.context.db.backup(&copy.to_string_lossy()).await;
        match engine {
            Engine::Sqlite => {
                result.unwrap();
                let restored = Db::connect(&format!("sqlite:{}", copy.display()), 1)
                    .await
                    .unwrap();
                let people: i64 = sqlx::query_scalar("select count(*) from app_user")
                    .fetch_one(&restored.pool)
                    .await
                    .unwrap();
                assert_eq!(people, 1);
                restored.pool.close().await;
                let _ = std::fs::remove_file(&copy);
            }
            Engine::Postgres => {
                let message = result.unwrap_err().to_string();
                assert!(message.contains("pg_dump"), "{message}");
            }
        }
    })
    .await;
}
