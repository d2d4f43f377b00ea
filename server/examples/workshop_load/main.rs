//! Load generator for live workshops: a facilitator prepares a poll and keeps a presenter's
//! socket open; N participants join over HTTP and open their live sockets, as phones do; the
//! facilitator shows and opens the poll; every participant's socket announces the change,
//! their page reads its screen again, and they answer, spread over a few seconds of thought.
//! Prints join time, how soon the screens showed the open poll, the answers' acknowledgement
//! latency, the time from an answer to the presenter's stage counting it, what was lost, and
//! (given the server's process id) its CPU time and resident memory. `scripts/bench-workshop.sh`
//! runs it against the release server; see BENCHMARKS.md.
//!
//! ```text
//! workshop_load --url http://127.0.0.1:3000 --participants 1000 [--joining 100]
//!               [--think 10] [--server-pid PID]
//! ```

mod crowd;
#[path = "../shared/platform.rs"]
mod platform;
mod room;

use crowd::{participant, Crowd, Outcome};
use platform::{local_base, percentile, usage};
use room::{Facilitator, Seen};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};

struct Options {
    url: String,
    participants: usize,
    joining: usize,
    think: f64,
    server_pid: Option<u32>,
}

fn options() -> Options {
    let mut o = Options {
        url: "http://127.0.0.1:3000".into(),
        participants: 100,
        joining: 100,
        think: 10.0,
        server_pid: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match arg.as_str() {
            "--url" => o.url = value(),
            "--participants" => o.participants = value().parse().expect("a number"),
            "--joining" => o.joining = value().parse().expect("a number"),
            "--think" => o.think = value().parse().expect("seconds"),
            "--server-pid" => o.server_pid = Some(value().parse().expect("a process id")),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// Waits until `done` holds, checking every 10 ms, for at most `limit`.
async fn until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

/// For each acknowledged answer, the time from its sending to the first stage on the
/// presenter's screen that counts as many voters as answers acknowledged up to it. Answers
/// are matched to counts by rank, since a count does not say whose answers it holds. Answers
/// no stage counted are left out.
fn to_presenter(acks: &mut [(Instant, Instant)], seen: &[Seen]) -> Vec<Duration> {
    acks.sort_by_key(|(_, acked)| *acked);
    let mut frames = seen.iter().peekable();
    let mut took = Vec::new();
    for (k, (sent, _)) in acks.iter().enumerate() {
        while frames.peek().is_some_and(|f| (f.voters as usize) < k + 1) {
            frames.next();
        }
        match frames.peek() {
            Some(frame) => took.push(frame.at.saturating_duration_since(*sent)),
            None => break,
        }
    }
    took.sort();
    took
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let o = options();
    let base = local_base(&o.url);
    let n = o.participants;
    let facilitator = Facilitator::prepare(&base).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    facilitator.present(Arc::clone(&seen));
    let before = usage(o.server_pid);
    let (over, over_rx) = watch::channel(false);
    let crowd = Arc::new(Crowd {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        base: base.clone(),
        code: facilitator.code.clone(),
        poll: facilitator.poll.clone(),
        think: Duration::from_secs_f64(o.think),
        size: n,
        joining: Semaphore::new(o.joining),
        opened: OnceLock::new(),
        joined: Default::default(),
        done: Default::default(),
        over: over_rx,
    });
    let joining = Instant::now();
    let people: Vec<_> = (0..n)
        .map(|i| tokio::spawn(participant(Arc::clone(&crowd), i)))
        .collect();
    until(Duration::from_secs(600), || {
        crowd.joined.load(Relaxed) + crowd.done.load(Relaxed) >= n
    })
    .await;
    let joined_in = joining.elapsed();
    let joined = crowd.joined.load(Relaxed);
    let last_join = Instant::now();
    until(Duration::from_secs(10), || {
        seen.lock()
            .unwrap()
            .last()
            .is_some_and(|s| s.participants as usize >= joined)
    })
    .await;
    let counted_after = last_join.elapsed();
    let seated = usage(o.server_pid);

    let running = Instant::now();
    facilitator.control("show", &facilitator.poll).await;
    crowd.opened.set(Instant::now()).expect("opened once");
    facilitator.control("open", "").await;
    until(o.think_limit(), || crowd.done.load(Relaxed) >= n).await;
    let answered = crowd.done.load(Relaxed);
    until(Duration::from_secs(10), || {
        seen.lock()
            .unwrap()
            .last()
            .is_some_and(|s| s.voters as usize >= answered)
    })
    .await;
    let after = usage(o.server_pid);
    let ran = running.elapsed();
    over.send(true).expect("participants listen");
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(n);
    for p in people {
        outcomes.push(p.await.expect("a participant's task ends"));
    }

    let mut joins: Vec<Duration> = outcomes.iter().filter_map(|o| o.join).collect();
    let mut screens: Vec<Duration> = outcomes.iter().filter_map(|o| o.screen).collect();
    let mut acks: Vec<(Instant, Instant)> = outcomes.iter().filter_map(|o| o.answer).collect();
    let mut acked: Vec<Duration> = acks.iter().map(|(s, a)| *a - *s).collect();
    joins.sort();
    screens.sort();
    acked.sort();
    let seen = seen.lock().unwrap();
    let shown = to_presenter(&mut acks, &seen);
    let counted = seen.last().map_or(0, |s| s.voters as usize);
    let errors: Vec<&String> = outcomes.iter().filter_map(|o| o.error.as_ref()).collect();
    let reconnects: usize = outcomes.iter().map(|o| o.reconnects).sum();
    let gap = outcomes
        .iter()
        .map(|o| o.longest_gap)
        .max()
        .unwrap_or_default();
    println!(
        "{n} participants: {joined} joined in {:.1} s ({} at once), join p50 {:.0} ms, p99 {:.0} ms; the presenter counted them {:.0} ms after the last join",
        joined_in.as_secs_f64(),
        o.joining,
        percentile(&joins, 0.5),
        percentile(&joins, 0.99),
        ms(counted_after),
    );
    println!(
        "  screens showed the open poll: {} of {joined}, p50 {:.0} ms, p99 {:.0} ms after it opened",
        screens.len(),
        percentile(&screens, 0.5),
        percentile(&screens, 0.99),
    );
    println!(
        "  {} answers over {:.0} s of thought: acknowledged p50 {:.1} ms, p99 {:.1} ms; on the presenter's screen p50 {:.0} ms, p99 {:.0} ms after sending",
        acks.len(),
        o.think,
        percentile(&acked, 0.5),
        percentile(&acked, 0.99),
        percentile(&shown, 0.5),
        percentile(&shown, 0.99),
    );
    println!(
        "  lost: {} (answers acknowledged {}, counted by the presenter {counted}; participants who never saw the poll open {}); errors {}{}; socket reopenings {reconnects}, the longest time without a socket {:.1} s",
        acks.len().abs_diff(counted) + (joined - screens.len()),
        acks.len(),
        joined - screens.len(),
        errors.len(),
        errors.first().map(|e| format!(" (first: {e})")).unwrap_or_default(),
        gap.as_secs_f64(),
    );
    if let (Some((_, rss0)), Some((cpu1, rss1)), Some((cpu2, rss2))) = (before, seated, after) {
        println!(
            "  server: resident {:.1} MiB before joins, {:.1} MiB with everyone in ({:.1} KiB per participant), {:.1} MiB at the end; CPU {:.1} s in the {:.1} s of answering ({:.0}% of one core)",
            rss0 as f64 / 1024.0,
            rss1 as f64 / 1024.0,
            rss1.saturating_sub(rss0) as f64 / joined.max(1) as f64,
            rss2 as f64 / 1024.0,
            cpu2 - cpu1,
            ran.as_secs_f64(),
            (cpu2 - cpu1) / ran.as_secs_f64() * 100.0,
        );
    }
    let lost = acks.len() != counted || screens.len() != joined || joined != n;
    std::process::exit(i32::from(lost || !errors.is_empty()));
}

impl Options {
    /// How long answering may take: the thinking time, and then a minute.
    fn think_limit(&self) -> Duration {
        Duration::from_secs_f64(self.think + 60.0)
    }
}
