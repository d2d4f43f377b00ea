//! The security and operations baseline over HTTP, on SQLite and on PostgreSQL.

mod common;

use app::db::{Db, Engine, Outcome};
use app::error::AppError;
use app::identity::api::{SignIn, SignUp};
use app::registry::api::{CreateOrganisation, ListOrganisations, LoadRegistry};
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
        let huge = "x".repeat(600 * 1024);
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
        assert_eq!(res.headers()["x-frame-options"], "DENY");
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

/// The value of one series in Prometheus text, 0 when it is not there yet.
fn series(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn metrics_count_every_request_refusals_included_by_route_and_status() {
    on_each_engine(async |app, _| {
        let (status, before) = app.get("/metrics").await;
        assert_eq!(status, 200);
        app.get("/metrics").await;
        app.get("/metrics").await;
        let refused = app
            .client
            .post(app.url(SignUp::PATH))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 403);
        let (_, after) = app.get("/metrics").await;
        let metrics_ok = [("route", "/metrics"), ("status", "200")];
        assert_eq!(
            series(&after, "http_requests_total", &metrics_ok)
                - series(&before, "http_requests_total", &metrics_ok),
            3.0,
            "{after}"
        );
        let forbidden = [("route", "/api/{*fn_name}"), ("status", "403")];
        assert!(
            series(&after, "http_requests_total", &forbidden)
                > series(&before, "http_requests_total", &forbidden),
            "{after}"
        );
        assert!(after.contains("http_request_duration_seconds_bucket"));
        assert!(series(&after, "db_pool_connections", &[]) >= 1.0, "{after}");
    })
    .await;
}

#[tokio::test]
async fn every_server_function_answers_a_malformed_request_with_a_clear_status_never_the_decoders_text(
) {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
        assert!(paths.len() >= 15, "{paths:?}");
        for (path, method) in paths {
            let request = if method == http::Method::GET {
                app.client.get(format!("{}?%%%=&&=%ZZ", app.url(path)))
            } else {
                app.client
                    .post(app.url(path))
                    .header("origin", &app.base)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("%%%=&&=%ZZ&{\"broken")
            };
            let res = request.send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert_ne!(status, 500, "{path}: {body}");
            assert!(
                !body.contains("missing field") && !body.contains("ServerFn"),
                "{path}: {body}"
            );
            if status >= 400 {
                let error = common::error(&body);
                assert_eq!(status, error.status(), "{path}");
            }
        }
        let (status, body) = app.call(SignIn::PATH, &[("email", "x")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(common::error(&body), AppError::BadRequest);
        let (status, body) = app.call("/api/no/such/function", &[]).await;
        assert_eq!(status, 404, "{body}");
    })
    .await;
}

#[tokio::test]
async fn organisation_names_are_unique_and_ordered_alike_on_both_engines_whatever_their_letters() {
    on_each_engine(async |app, engine| {
        app.sign_up(&app.client, "ivo@example.org").await;
        for (name, country) in [
            ("Šibenik klaster", "HR"),
            ("Zagreb inovacije", "HR"),
            ("Ćuprija razvoj", "RS"),
            ("Ελλάδα Cluster", "EL"),
            ("agro klaster", "HR"),
            ("Beograd tech", "RS"),
        ] {
            let (status, body) = app.add_organisation(name, country).await;
            assert_eq!(status, 200, "{name}: {body}");
        }
        for same in ["šibenik KLASTER", "S\u{30C}ibenik  klaster"] {
            let (status, body) = app.add_organisation(same, "HR").await;
            assert_eq!(status, 422, "{engine:?} {same}: {body}");
        }
        let (status, _) = app.add_organisation("Šibenik klaster", "SI").await;
        assert_eq!(status, 200, "the same name in another country");
        for hidden in ["Klaster\0", "Klaster \u{202E}retsalK"] {
            let (status, body) = app.add_organisation(hidden, "HR").await;
            assert_eq!(status, 422, "{engine:?} {hidden:?}: {body}");
        }
        let (_, body) = app.call(ListOrganisations::PATH, &[]).await;
        let names: Vec<String> = serde_json::from_str::<Vec<Organisation>>(&body)
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(
            names,
            [
                "agro klaster",
                "Beograd tech",
                "Zagreb inovacije",
                "Ćuprija razvoj",
                "Šibenik klaster",
                "Šibenik klaster",
                "Ελλάδα Cluster",
            ],
            "{engine:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_malformed_translation_in_the_database_is_an_error_not_an_empty_name() {
    on_each_engine(async |app, _| {
        sqlx::query("update country set names = 'not json' where country_code = 'HR'")
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();
        let (status, body) = app.call(LoadRegistry::PATH, &[]).await;
        assert_eq!(status, 500, "{body}");
        assert_eq!(common::error(&body), AppError::Internal);
    })
    .await;
}

#[tokio::test]
async fn a_post_whose_origin_matches_its_own_host_but_not_the_public_address_is_refused() {
    on_each_engine(async |app, _| {
        // DNS rebinding: another site's page reaches this server under the other site's name.
        let rebound = app.base.replace("127.0.0.1", "rebound.example");
        let host = rebound.trim_start_matches("http://").to_owned();
        let res = app
            .client
            .post(app.url(SignUp::PATH))
            .header("origin", &rebound)
            .header("host", host)
            .form(&[
                ("email", "ivo@example.org"),
                ("display_name", "Ivo"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(app.count("select count(*) from app_user").await, 0);
    })
    .await;
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_address_is_https_and_only_then() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        for (public_url, hsts) in [(Some("https://platform.example.org"), true), (None, false)] {
            let mut cfg = config(&db);
            cfg.public_url = public_url.map(str::to_owned);
            let app = TestApp::start(&cfg).await;
            let res = app.client.get(app.url("/")).send().await.unwrap();
            assert_eq!(
                res.headers().contains_key("strict-transport-security"),
                hsts,
                "{public_url:?}"
            );
            app.stop().await;
        }
        db.drop_db().await;
    }
}

/// One of the writes below, started: it inserts its number, then keeps it, undoes it, fails or
/// panics as the number says.
fn probe_write(db: &Db, n: i64) -> tokio::task::JoinHandle<Result<i64, AppError>> {
    let db = db.clone();
    tokio::spawn(async move {
        db.write(move |conn| {
            Box::pin(async move {
                sqlx::query("insert into write_probe (n) values ($1)")
                    .bind(n)
                    .execute(&mut *conn)
                    .await?;
                match n % 4 {
                    0 => Ok(Outcome::Keep(n)),
                    1 => Ok(Outcome::Undo(-n)),
                    // A statement that fails: the number is there already.
                    2 => {
                        sqlx::query("insert into write_probe (n) values ($1)")
                            .bind(n)
                            .execute(&mut *conn)
                            .await?;
                        Ok(Outcome::Keep(n))
                    }
                    _ if n == 3 => panic!("a write that panics"),
                    _ => Ok(Outcome::Keep(n)),
                }
            })
        })
        .await
    })
}

#[tokio::test]
async fn writes_that_refuse_fail_or_panic_undo_only_themselves_and_the_writes_beside_them_are_kept()
{
    on_each_engine(async |app, _| {
        let db = &app.state.context.db;
        sqlx::query("create table write_probe (n bigint primary key)")
            .execute(&db.pool)
            .await
            .unwrap();
        // Started together, so that on SQLite they share commits.
        let writes: Vec<_> = (0..200).map(|n| probe_write(db, n)).collect();
        for (n, write) in (0_i64..).zip(writes) {
            let result = write.await.ok();
            match n % 4 {
                0 => assert_eq!(result, Some(Ok(n))),
                1 => assert_eq!(result, Some(Ok(-n))),
                2 => assert_eq!(result, Some(Err(AppError::Internal))),
                // SQLite's writer catches the panic and answers an error; on PostgreSQL the
                // panic ends the task that wrote, as it ends a request on the server.
                _ if n == 3 => assert!(matches!(result, None | Some(Err(AppError::Internal)))),
                _ => assert_eq!(result, Some(Ok(n))),
            }
        }
        let kept: Vec<i64> = sqlx::query_scalar("select n from write_probe order by n")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let expected: Vec<i64> = (0..200)
            .filter(|n| n % 4 == 0 || (n % 4 == 3 && *n != 3))
            .collect();
        assert_eq!(kept, expected);
        // The writer goes on after all that.
        assert_eq!(probe_write(db, 400).await.ok(), Some(Ok(400)));
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

#[tokio::test]
async fn built_assets_are_sent_precompressed_as_the_browser_accepts_under_the_build_fingerprint_for_good(
) {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let site = std::env::temp_dir().join(format!("cp_site_{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        let css = "body { color: black; }\n".repeat(500);
        std::fs::write(site.join("pkg/clusterpolisee.css"), &css).unwrap();
        let mut cfg = config(&db);
        cfg.site_root = site.clone();
        let app = TestApp::start(&cfg).await;
        for _ in 0..100 {
            if site.join("pkg/clusterpolisee.css.gz").exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let page = app.client.get(app.url("/")).send().await.unwrap();
        let html = page.text().await.unwrap();
        let href = html
            .split('"')
            .find(|part| part.ends_with("/pkg/clusterpolisee.css"))
            .expect("the page links its stylesheet")
            .to_owned();
        let fingerprint = href
            .strip_prefix("/v/")
            .and_then(|rest| rest.strip_suffix("/pkg/clusterpolisee.css"))
            .unwrap();
        assert!(
            fingerprint.len() == 12 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "{href}"
        );
        // Another build's address is not answered with this build's file (to keep for a year).
        let stale = app
            .client
            .get(app.url("/v/000000000000/pkg/clusterpolisee.css"));
        assert_eq!(stale.send().await.unwrap().status().as_u16(), 404);
        for (accepts, encoding) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("", None)] {
            let res = app
                .client
                .get(app.url(&href))
                .header("accept-encoding", accepts)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            assert_eq!(
                res.headers()["cache-control"],
                "max-age=31536000, immutable"
            );
            // Only what governs a style sheet: the headers for documents, and a date to
            // revalidate by, would be bytes on every first load with no effect.
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            for document_only in [
                "x-frame-options",
                "content-security-policy",
                "last-modified",
            ] {
                assert!(
                    res.headers().get(document_only).is_none(),
                    "{document_only}"
                );
            }
            assert_eq!(
                res.headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{accepts}"
            );
            let body = res.bytes().await.unwrap();
            if encoding.is_some() {
                assert!(
                    body.len() < css.len() / 10,
                    "{accepts}: {} bytes",
                    body.len()
                );
            } else {
                assert_eq!(body, css.as_bytes());
            }
        }
        app.stop().await;
        db.drop_db().await;
        std::fs::remove_dir_all(&site).unwrap();
    }
}
