//! Every request counted and logged at the outermost layer, through the `metrics` facade with a
//! Prometheus exporter: a capability adds its own counter or gauge in one line
//! (`metrics::gauge!("workshop_connections").set(n)`) and `/metrics` shows it.

use app::db::Db;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use tracing::Instrument;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// The process's one recorder: the `metrics` facade is process-wide by design.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!(
                "a metrics recorder was installed already; /metrics shows only this one's"
            );
        }
        handle
    })
}

/// The Prometheus text of every metric, with the database pool's size measured now.
pub fn render(db: &Db) -> String {
    let handle = recorder();
    metrics::gauge!("db_pool_connections").set(f64::from(db.pool.size()));
    handle.render()
}

/// Counts, times and logs one request: one line per request at the default log level, in a
/// span that the server functions' own spans nest in.
pub async fn observe(req: Request, next: Next) -> Response {
    recorder();
    let start = Instant::now();
    let method = req.method().to_string();
    // The route pattern, not the path: `/organisations/{id}`, so that labels stay few.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let span = tracing::info_span!("request", method, route);
    let res = next.run(req).instrument(span).await;
    let status = res.status().as_u16();
    let seconds = start.elapsed().as_secs_f64();
    metrics::counter!(
        "http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds").record(seconds);
    tracing::info!(method, route, status, ms = seconds * 1e3, "request");
    res
}
