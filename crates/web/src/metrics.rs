//! Prometheus metrics: request counts and latencies by route, and the
//! database pool.
//!
//! Routes are labelled by their pattern (`/children/{id}`), never the actual
//! path, so no ids or other personal data reach the metrics.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters kept in memory since start-up.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    fn write_prometheus(&self, out: &mut String) {
        let series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        out.push_str("# HELP hearth_http_requests_total HTTP requests by method, route pattern and status.\n");
        out.push_str("# TYPE hearth_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "hearth_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP hearth_http_request_duration_seconds Time to answer, by method and route pattern.\n");
        out.push_str("# TYPE hearth_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "hearth_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "hearth_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "hearth_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "hearth_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
    }
}

pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state
        .metrics
        .observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    state.metrics.write_prometheus(&mut out);
    let pool = state.store.pool_stats();
    out.push_str("# HELP hearth_db_pool_connections Database pool connections by state.\n");
    out.push_str("# TYPE hearth_db_pool_connections gauge\n");
    let _ = writeln!(out, "hearth_db_pool_connections{{state=\"open\"}} {}", pool.size);
    let _ = writeln!(out, "hearth_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
    let _ = writeln!(
        out,
        "hearth_db_pool_connections{{state=\"in_use\"}} {}",
        pool.size.saturating_sub(pool.idle)
    );
    let _ = writeln!(out, "# HELP hearth_db_pool_max_connections The pool's size limit.\n# TYPE hearth_db_pool_max_connections gauge\nhearth_db_pool_max_connections {}", pool.max);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/children/{id}", 200, 0.02);
        metrics.observe("GET", "/children/{id}", 200, 0.2);
        let mut out = String::new();
        metrics.write_prometheus(&mut out);
        assert!(out.contains("hearth_http_requests_total{method=\"GET\",route=\"/children/{id}\",status=\"200\"} 2"));
        assert!(out.contains("le=\"0.025\"} 1"));
        assert!(out.contains("le=\"0.25\"} 2"));
    }
}
