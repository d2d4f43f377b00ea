//! Load generator for the policy assessment: simulated respondents answer a round over HTTP
//! exactly as a browser without JavaScript does (open the round link, start, open each
//! section, post its form, follow the redirect, submit), or as the hydrated page autosaves
//! (one answer per request). Prints throughput and latency, then checks that every answer the
//! server acknowledged is stored. `scripts/bench-assessment.sh` runs it against the release
//! server on SQLite and PostgreSQL; see BENCHMARKS.md.
//!
//! ```text
//! assessment_load --url http://127.0.0.1:3000 --respondents 400 --concurrency 50 [--autosave]
//!                 [--acked FILE]      write the acknowledged answers (for the SIGKILL drill)
//! assessment_load --url … --verify FILE   check that the answers in FILE are all stored
//! assessment_load --url … --print-key     start one response and print its key
//! assessment_load --url … --rounds 100 --respondents 30
//!     fills 100 rounds, one region after another, each with 30 submitted responses, then
//!     times the comparison of the last round with all the others
//! ```

mod http;
#[path = "../shared/platform.rs"]
mod platform;
mod respondents;
mod rounds;

use app::assessment::results::RoundResults;
use http::questionnaire;
use leptos::server_fn::ServerFn;
use platform::{client, local_base, pairs, percentile, post, sign_in_admin};
use respondents::{verify, Acked, Crowd};
use rounds::{compare_rounds, start_round};
use std::time::Instant;

struct Options {
    url: String,
    respondents: usize,
    concurrency: usize,
    autosave: bool,
    acked_file: Option<String>,
    verify: Option<String>,
    print_key: bool,
    rounds: Option<usize>,
}

fn options() -> Options {
    let mut o = Options {
        url: "http://127.0.0.1:3000".into(),
        respondents: 200,
        concurrency: 50,
        autosave: false,
        acked_file: None,
        verify: None,
        print_key: false,
        rounds: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match arg.as_str() {
            "--url" => o.url = value(),
            "--respondents" => o.respondents = value().parse().expect("a number"),
            "--concurrency" => o.concurrency = value().parse().expect("a number"),
            "--autosave" => o.autosave = true,
            "--acked" => o.acked_file = Some(value()),
            "--verify" => o.verify = Some(value()),
            "--print-key" => o.print_key = true,
            "--rounds" => o.rounds = Some(value().parse().expect("a number")),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

#[tokio::main]
async fn main() {
    let o = options();
    let base = local_base(&o.url);
    if let Some(file) = &o.verify {
        let acked: Acked = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let count: usize = acked.values().map(|a| a.len()).sum();
        let wrong = verify(&base, &acked).await;
        println!(
            "verified {count} acknowledged answers of {} respondents: {wrong} missing or different",
            acked.len()
        );
        std::process::exit(i32::from(wrong > 0));
    }
    let admin = client();
    sign_in_admin(&admin, &base).await;
    if let Some(rounds) = o.rounds {
        return compare_rounds(&admin, &base, rounds, o.respondents, o.concurrency).await;
    }
    let (link, round_id) = start_round(&admin, &base, "HR03").await;
    // The questionnaire, as the first respondent's page gets it.
    let (key, template) = questionnaire(&base, &link).await;
    if o.print_key {
        println!("{key}");
        return;
    }
    // In the SIGKILL drill the server goes away: stop soon after, not after every remaining
    // respondent has failed on its own.
    let give_up = if o.acked_file.is_some() {
        20
    } else {
        usize::MAX
    };
    let crowd = Crowd {
        base: base.clone(),
        link,
        template: template.clone(),
        respondents: o.respondents,
        at_once: o.concurrency,
        autosave: o.autosave,
        give_up,
    };
    let (mut t, elapsed) = crowd.run().await;
    t.submits.sort();
    t.pages.sort();
    let what = if o.autosave {
        "autosaves"
    } else {
        "page submits"
    };
    println!(
        "{} respondents, {} at once: {} {what} in {elapsed:.1} s = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms; {} page views, p50 {:.1} ms, p99 {:.1} ms; {} respondents failed",
        o.respondents,
        o.concurrency,
        t.submits.len(),
        t.submits.len() as f64 / elapsed,
        percentile(&t.submits, 0.5),
        percentile(&t.submits, 0.99),
        t.pages.len(),
        percentile(&t.pages, 0.5),
        percentile(&t.pages, 0.99),
        t.errors,
    );
    if let Some(file) = &o.acked_file {
        std::fs::write(file, serde_json::to_string(&t.acked).unwrap()).unwrap();
        return;
    }
    let count: usize = t.acked.values().map(|a| a.len()).sum();
    let wrong = verify(&base, &t.acked).await;
    println!("afterwards: {count} acknowledged answers read back, {wrong} missing or different");

    let mut took = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let (status, _, body) = post(
            &admin,
            &base,
            RoundResults::PATH,
            &pairs(&[("round_id", &round_id)]),
            true,
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{body}");
        took.push(start.elapsed());
    }
    took.sort();
    println!(
        "results of the round ({} items): median {:.1} ms over 5 requests",
        template.items().count(),
        percentile(&took, 0.5)
    );
    std::process::exit(i32::from(wrong > 0 || t.errors > 0));
}
