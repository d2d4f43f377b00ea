//! Load generator for workspaces: writes a partnership of 200 workspaces, 5,000 members and
//! about 100,000 posts into the server's database (`DATABASE_URL`, before the server starts:
//! `--seed`), then, against the running server (`--url`), signs in 50 members and has them read
//! their workspace's home and a long thread's first page, as browsers without JavaScript do
//! (the whole server-rendered page), and reply: each reader once a second (how long a page
//! takes), then each as soon as answered (what the server can serve); then one of them
//! shares files of 20, 20 and 80 MB and downloads each, while the server's resident memory is
//! sampled: what an upload costs the server must not grow with the file (the server needs
//! `MAX_UPLOAD_BYTES` of 80 MB or more).
//! Prints p50/p99 and requests per second of each, and the memory. `scripts/bench-workspace.sh`
//! runs it on both engines; see BENCHMARKS.md.
//!
//! ```text
//! workspace_load --seed
//! workspace_load --url http://127.0.0.1:3000 [--readers 50] [--rounds 40] [--server-pid PID]
//! ```

#[path = "../shared/platform.rs"]
mod platform;
mod seed;

use app::workspace::discussion_api::Reply;
use leptos::server_fn::ServerFn;
use platform::{client, local_base, pairs, percentile, post, usage};
use seed::{email, Size, PASSWORD};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SIZE: Size = Size {
    workspaces: 200,
    people: 5_000,
    threads_per_workspace: 10,
    posts_per_thread: 50,
    long_thread: 2_000,
};

/// The files shared and downloaded one after the other, in MB: the first 20 MB file finds
/// the server's buffers cold; the second shows what an upload costs once they are warm, and
/// the 80 MB one whether that cost grows with the file.
const FILE_MB: [usize; 3] = [20, 20, 80];

struct Options {
    url: String,
    seed: bool,
    readers: usize,
    rounds: usize,
    server_pid: Option<u32>,
}

fn options() -> Options {
    let mut o = Options {
        url: "http://127.0.0.1:3000".into(),
        seed: false,
        readers: 50,
        rounds: 40,
        server_pid: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match arg.as_str() {
            "--url" => o.url = value(),
            "--seed" => o.seed = true,
            "--readers" => o.readers = value().parse().expect("a number"),
            "--rounds" => o.rounds = value().parse().expect("a number"),
            "--server-pid" => o.server_pid = Some(value().parse().expect("a process id")),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// The generated data, as the timed part finds it: workspace `w` is "Load workspace w".
struct Found {
    workspaces: Vec<String>,
    long_thread: String,
    /// Each reader's workspace's first thread, where they reply.
    threads: Vec<String>,
}

async fn find(db: &app::db::Db, readers: usize) -> Found {
    use sqlx::Row;
    let mut workspaces = Vec::new();
    let mut threads = Vec::new();
    for w in 0..readers.min(SIZE.workspaces) {
        let row = sqlx::query(
            "select w.workspace_id, t.thread_id from workspace w
             join workspace_thread t on t.workspace_id = w.workspace_id
             where w.name = $1 order by t.created_at limit 1",
        )
        .bind(format!("Load workspace {w}"))
        .fetch_one(&db.pool)
        .await
        .expect("a generated workspace: run --seed first");
        workspaces.push(row.try_get::<String, _>("workspace_id").unwrap());
        threads.push(row.try_get::<String, _>("thread_id").unwrap());
    }
    Found {
        long_thread: threads[0].clone(),
        workspaces,
        threads,
    }
}

/// Reader `r` is a member (not an owner nor a facilitator) of workspace `r`.
fn reader_email(r: usize) -> String {
    email(2 * SIZE.workspaces + r)
}

async fn sign_in(base: &str, r: usize) -> reqwest::Client {
    let c = client();
    let form = pairs(&[("email", &reader_email(r)), ("password", PASSWORD)]);
    let path = app::identity::api::SignIn::PATH;
    let (status, _, body) = post(&c, base, path, &form, true).await.unwrap();
    assert_eq!(status, 200, "signing in reader {r}: {body}");
    c
}

/// How the readers ask: each as soon as its last answer came (the server saturated: what it
/// can serve), or each once every `Paced` (people reading pages: how long one takes).
#[derive(Clone, Copy)]
enum Pace {
    Flat,
    Paced(Duration),
}

/// Each reader asks for its address `rounds` times, all readers at once, at `pace`; prints
/// the times.
async fn timed(
    what: &str,
    readers: usize,
    rounds: usize,
    pace: Pace,
    request: impl Fn(usize, usize) -> reqwest::RequestBuilder,
) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for r in 0..readers {
        let requests: Vec<reqwest::RequestBuilder> = (0..rounds).map(|k| request(r, k)).collect();
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::with_capacity(requests.len());
            let mut failed = 0;
            // Paced readers start spread over one period, as people do not click together.
            let (period, mut next) = match pace {
                Pace::Flat => (Duration::ZERO, Instant::now()),
                Pace::Paced(p) => (p, Instant::now() + p.mul_f64(r as f64 / readers as f64)),
            };
            for req in requests {
                tokio::time::sleep_until(next.into()).await;
                next += period;
                let sent = Instant::now();
                match req.send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                        took.push(sent.elapsed());
                    }
                    _ => failed += 1,
                }
            }
            (took, failed)
        }));
    }
    let mut took = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (t, f) = t.await.unwrap();
        took.extend(t);
        failed += f;
    }
    let wall = start.elapsed().as_secs_f64();
    took.sort();
    let how = match pace {
        Pace::Flat => "at once, each asking again as soon as answered".to_owned(),
        Pace::Paced(p) => format!("each asking once every {:.1} s", p.as_secs_f64()),
    };
    println!(
        "{what}: {} requests by {} readers {how}, p50 {:.1} ms, p99 {:.1} ms, {:.0} requests/s, failed {failed}",
        took.len(),
        readers,
        percentile(&took, 0.5),
        percentile(&took, 0.99),
        took.len() as f64 / wall,
    );
}

/// Runs `work` while sampling the server's resident memory every 5 ms; answers the memory
/// before and the highest seen, in KiB.
async fn peak_memory<F: std::future::Future<Output = ()>>(
    pid: Option<u32>,
    work: F,
) -> Option<(u64, u64)> {
    let before = usage(pid)?.1;
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Relaxed) {
                if let Some((_, rss)) = usage(pid) {
                    peak.fetch_max(rss, Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    work.await;
    done.store(true, Relaxed);
    sampler.await.unwrap();
    Some((before, peak.load(Relaxed)))
}

fn memory_line(m: Option<(u64, u64)>) -> String {
    m.map_or("(no server pid)".into(), |(before, peak)| {
        format!(
            "server memory {:.1} MB before, {:.1} MB at most (+{:.1} MB)",
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            (peak.saturating_sub(before)) as f64 / 1024.0
        )
    })
}

/// One reader shares a PDF of `mb` MB and downloads it again, each while the server's memory
/// is watched.
async fn file(base: &str, c: &reqwest::Client, workspace_id: &str, pid: Option<u32>, mb: usize) {
    let file_bytes = mb * 1024 * 1024;
    let mut bytes = b"%PDF-1.7\n".to_vec();
    // Not compressible, as a real PDF's streams are not: nothing along the way shrinks it.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    bytes.extend((bytes.len()..file_bytes).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    let started = Instant::now();
    let mut location = String::new();
    let up = peak_memory(pid, async {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("load.pdf");
        let form = reqwest::multipart::Form::new().part("file", part);
        let res = c
            .post(format!("{base}/workspaces/{workspace_id}/documents"))
            .header("origin", base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        location = res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(res.status().as_u16(), 303, "the upload is taken");
        assert!(!location.contains("document_problem"), "{location}");
    })
    .await;
    println!(
        "upload of {mb} MB: {:.0} ms, {}",
        started.elapsed().as_secs_f64() * 1000.0,
        memory_line(up)
    );
    let list = c
        .get(format!(
            "{base}{}",
            app::workspace::document_api::ListDocuments::PATH
        ))
        .query(&[("workspace_id", workspace_id)])
        .send()
        .await
        .unwrap()
        .json::<app::workspace::document::DocumentList>()
        .await
        .unwrap();
    let document = &list.documents[0];
    let started = Instant::now();
    let mut received = 0;
    let down = peak_memory(pid, async {
        let mut res = c
            .get(format!(
                "{base}{}",
                app::workspace::document::href(workspace_id, &document.document_id)
            ))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        while let Some(chunk) = res.chunk().await.unwrap() {
            received += chunk.len();
        }
    })
    .await;
    assert_eq!(received, file_bytes);
    println!(
        "download of {mb} MB: {:.0} ms, {}",
        started.elapsed().as_secs_f64() * 1000.0,
        memory_line(down)
    );
}

#[tokio::main]
async fn main() {
    let o = options();
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: the server's database");
    let db = app::db::Db::connect(&url, 4)
        .await
        .expect("the server's database");
    if o.seed {
        let started = Instant::now();
        let seeded = seed::seed(&db, &SIZE).await;
        println!(
            "seeded {} workspaces, {} members, {} posts ({} in the long thread) in {:.0} s",
            seeded.workspaces.len(),
            SIZE.people,
            seeded.posts,
            SIZE.long_thread,
            started.elapsed().as_secs_f64()
        );
        return;
    }
    let base = local_base(&o.url);
    let found = find(&db, o.readers).await;
    let mut readers = Vec::with_capacity(o.readers);
    for r in 0..o.readers {
        readers.push(sign_in(&base, r).await);
    }
    let html = |c: &reqwest::Client, at: String| c.get(at).header("accept", "text/html");

    let home = |r: usize, _| {
        html(
            &readers[r],
            format!("{base}/workspaces/{}", found.workspaces[r]),
        )
    };
    let long = |r: usize, _| {
        html(
            &readers[r],
            format!(
                "{base}/workspaces/{}/threads/{}",
                found.workspaces[0], found.long_thread
            ),
        )
    };
    // Warm both engines' caches and the server's prepared statements first.
    timed("warm-up", o.readers, 2, Pace::Flat, home).await;
    let paced = Pace::Paced(Duration::from_secs(1));
    timed("workspace home", o.readers, 20, paced, home).await;
    timed("workspace home", o.readers, o.rounds, Pace::Flat, home).await;
    timed(
        "long thread's first page (2,000 posts)",
        o.readers,
        20,
        paced,
        long,
    )
    .await;
    timed(
        "long thread's first page (2,000 posts)",
        o.readers,
        o.rounds,
        Pace::Flat,
        long,
    )
    .await;
    let reply = |r: usize, k: usize| {
        readers[r]
            .post(format!("{base}{}", Reply::PATH))
            .header("origin", &base)
            .form(&[
                ("thread_id", found.threads[r].as_str()),
                ("body", &format!("Reply {k} of reader {r}: **agreed**.")),
            ])
    };
    timed("reply", o.readers, 10, paced, reply).await;
    timed("reply", o.readers, o.rounds / 2, Pace::Flat, reply).await;
    for mb in FILE_MB {
        file(&base, &readers[0], &found.workspaces[0], o.server_pid, mb).await;
    }
}
