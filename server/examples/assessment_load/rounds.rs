//! The platform side of a run: the load's administrator, its rounds, and the comparison of
//! many rounds.

use crate::http::questionnaire;
use crate::platform::{pairs, percentile, post};
use crate::respondents::Crowd;
use app::assessment::compare::RoundComparison;
use app::assessment::results::RoundResults;
use app::assessment::round::{MyAssessments, Round};
use app::assessment::round_api::{
    GetRound, ListMyAssessments, SetRoundLink, StartRound, TemplateChoices,
};
use app::registry::api::LoadRegistry;
use app::registry::model::{Registry, Translated};
use leptos::server_fn::ServerFn;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// Rounds started by this run, so that each has a name of its own.
pub static ROUNDS: AtomicUsize = AtomicUsize::new(0);

/// Starts a round of the first template in a region with its link on, and returns the link's
/// code and the round's id.
pub async fn start_round(admin: &reqwest::Client, base: &str, region_id: &str) -> (String, String) {
    let (_, _, body) = post(admin, base, TemplateChoices::PATH, &[], true)
        .await
        .unwrap();
    let choices: Vec<(String, Translated)> = serde_json::from_str(&body).unwrap();
    let name = format!(
        "Load {} {}",
        std::process::id(),
        ROUNDS.fetch_add(1, Relaxed)
    );
    let form = pairs(&[
        ("version_id", &choices[0].0),
        ("region_id", region_id),
        ("name", &name),
        ("closes_on", ""),
    ]);
    let (status, _, body) = post(admin, base, StartRound::PATH, &form, true)
        .await
        .unwrap();
    assert_eq!(status, 200, "starting the round: {body}");
    let (_, _, body) = post(admin, base, ListMyAssessments::PATH, &[], true)
        .await
        .unwrap();
    let mine: MyAssessments = serde_json::from_str(&body).unwrap();
    let round_id = mine
        .facilitating
        .iter()
        .find(|r| r.name == name)
        .expect("the new round")
        .round_id
        .clone();
    let on = pairs(&[("round_id", &round_id), ("on", "true")]);
    post(admin, base, SetRoundLink::PATH, &on, true)
        .await
        .unwrap();
    let (_, _, body) = post(
        admin,
        base,
        GetRound::PATH,
        &pairs(&[("round_id", &round_id)]),
        true,
    )
    .await
    .unwrap();
    let (round, _): (Round, serde_json::Value) = serde_json::from_str(&body).unwrap();
    (round.link_code.expect("the link is on"), round_id)
}

/// Fills `rounds` rounds, one region after another (the registry's regions, again from the
/// first when there are more rounds than regions), each with `respondents` submitted
/// responses; then times the comparison of the last round, whose facilitator sees all the
/// others, and the merged results of one round.
pub async fn compare_rounds(
    admin: &reqwest::Client,
    base: &str,
    rounds: usize,
    respondents: usize,
    at_once: usize,
) {
    let (_, _, body) = post(admin, base, LoadRegistry::PATH, &[], true)
        .await
        .unwrap();
    let registry: Registry = serde_json::from_str(&body).unwrap();
    let started = Instant::now();
    let mut last = String::new();
    let mut failed = 0;
    for n in 0..rounds {
        let region = &registry.regions[n % registry.regions.len()].region_id;
        let (link, round_id) = start_round(admin, base, region).await;
        let (_, template) = questionnaire(base, &link).await;
        let crowd = Crowd {
            base: base.to_owned(),
            link,
            template,
            respondents,
            at_once,
            autosave: false,
            give_up: 1,
        };
        failed += crowd.run().await.0.errors;
        last = round_id;
    }
    println!(
        "filled {rounds} rounds in {} regions with {respondents} respondents each in {:.0} s; {failed} respondents failed",
        rounds.min(registry.regions.len()),
        started.elapsed().as_secs_f64()
    );
    let round = pairs(&[("round_id", &last)]);
    for (what, path) in [
        (
            "comparison of the last round with the others",
            RoundComparison::PATH,
        ),
        ("merged results of the last round", RoundResults::PATH),
    ] {
        let mut took = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let (status, _, body) = post(admin, base, path, &round, true).await.unwrap();
            assert_eq!(status, 200, "{body}");
            took.push(start.elapsed());
        }
        let first = took[0];
        took.sort();
        println!(
            "{what}: first {:.1} ms, median {:.1} ms over 5 requests",
            first.as_secs_f64() * 1000.0,
            percentile(&took, 0.5)
        );
    }
    std::process::exit(i32::from(failed > 0));
}
