//! What every load generator does to the platform: talk to it as a page does, sign in its
//! administrator, keep to this machine, and summarise timings. Each generator includes this
//! file as a module of its own.
#![allow(
    dead_code,
    reason = "each generator includes the whole file and uses the part it needs"
)]

use std::time::Duration;

pub const ADMIN_EMAIL: &str = "load-admin@example.org";
pub const ADMIN_PASSWORD: &str = "a passphrase for the load generator";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(4)
        .build()
        .expect("an HTTP client")
}

/// Posts a form as a page does: from the platform's origin, answered in JSON (`json`) or, as
/// a browser without JavaScript, with a redirect.
pub async fn post(
    c: &reqwest::Client,
    base: &str,
    path: &str,
    form: &[(String, String)],
    json: bool,
) -> Result<(u16, String, String), reqwest::Error> {
    let mut req = c
        .post(format!("{base}{path}"))
        .header("origin", base)
        .form(form);
    if !json {
        req = req
            .header("accept", "text/html")
            .header("referer", format!("{base}/"));
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, location, res.text().await?))
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Signs in the load's administrator, creating it on a new platform.
pub async fn sign_in_admin(admin: &reqwest::Client, base: &str) {
    use app::identity::api::{CreateFirstAdmin, SignIn};
    use leptos::server_fn::ServerFn;
    let setup = pairs(&[
        ("email", ADMIN_EMAIL),
        ("display_name", "Load Admin"),
        ("password", ADMIN_PASSWORD),
    ]);
    let (status, _, _) = post(admin, base, CreateFirstAdmin::PATH, &setup, true)
        .await
        .expect("the server answers");
    if status != 200 {
        let sign_in = pairs(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]);
        let (status, _, body) = post(admin, base, SignIn::PATH, &sign_in, true)
            .await
            .expect("the server answers");
        assert_eq!(status, 200, "signing in the load's administrator: {body}");
    }
}

/// The address given, without a trailing slash; it may create the first administrator with a
/// password written here, so only ever a platform on this machine.
pub fn local_base(url: &str) -> String {
    let base = url.trim_end_matches('/').to_owned();
    let host = reqwest::Url::parse(&base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    assert!(
        matches!(host.as_deref(), Some("127.0.0.1" | "localhost" | "[::1]")),
        "the load generator only runs against a server on this machine (127.0.0.1), not {base}"
    );
    base
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

/// The server process's CPU time so far (user and system) and its resident memory in KiB.
pub fn usage(pid: Option<u32>) -> Option<(f64, u64)> {
    let pid = pid?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name: state is the first, utime the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    // Linux counts CPU time in ticks of a hundredth of a second.
    Some((ticks / 100.0, rss))
}
