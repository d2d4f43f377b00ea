//! Prometheus metrics in the text exposition format: request counts by status class and a
//! latency histogram. Hand-written: a handful of atomics needs no metrics library.

use crate::AppState;
use app::db::Db;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use axum::middleware::Next;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Default, Debug)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    fn record(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self, db: &Db) -> String {
        let mut out = String::new();
        out.push_str("# HELP http_requests_total HTTP requests answered, by status class.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for (class, n) in CLASSES.iter().zip(&self.by_class) {
            let _ = writeln!(
                out,
                "http_requests_total{{status=\"{class}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (bound, n) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "http_request_duration_seconds_count {count}");
        out.push_str("# HELP db_pool_connections Open database connections, idle or in use.\n");
        out.push_str("# TYPE db_pool_connections gauge\n");
        let _ = writeln!(out, "db_pool_connections {}", db.pool.size());
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let start = Instant::now();
    let res = next.run(req).await;
    state
        .metrics
        .record(res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_counted_in_its_class_and_in_every_bucket_above_its_time() {
        let m = Metrics::default();
        m.record(404, 0.003);
        assert_eq!(m.by_class[3].load(Ordering::Relaxed), 1);
        assert_eq!(m.buckets[1].load(Ordering::Relaxed), 0);
        assert_eq!(m.buckets[2].load(Ordering::Relaxed), 1);
        assert_eq!(m.buckets[9].load(Ordering::Relaxed), 1);
    }
}
