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

use app::assessment::compare::RoundComparison;
use app::assessment::model::{Answer, Answers, ItemKind, Template};
use app::assessment::results::RoundResults;
use app::assessment::round::{fields_of, MyAssessments, ResponseView, Round};
use app::assessment::round_api::{
    answer_field, GetResponse, GetRound, ListMyAssessments, SaveAnswer, SaveSection, SetRoundLink,
    StartResponse, StartRound, SubmitResponse, TemplateChoices,
};
use app::identity::api::{CreateFirstAdmin, SignIn};
use app::registry::api::LoadRegistry;
use app::registry::model::{Registry, Translated};
use leptos::server_fn::ServerFn;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ADMIN_EMAIL: &str = "load-admin@example.org";
const ADMIN_PASSWORD: &str = "a passphrase for the load generator";

/// Rounds started by this run, so that each has a name of its own.
static ROUNDS: AtomicUsize = AtomicUsize::new(0);

type Acked = BTreeMap<String, Answers>;

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

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(4)
        .build()
        .expect("an HTTP client")
}

/// Posts a form as a page does: from the platform's origin, answered in JSON (`json`) or, as
/// a browser without JavaScript, with a redirect.
async fn post(
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

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Signs in the load's administrator, creating it on a new platform.
async fn sign_in_admin(admin: &reqwest::Client, base: &str) {
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

/// Starts a round of the first template in a region with its link on, and returns the link's
/// code and the round's id.
async fn start_round(admin: &reqwest::Client, base: &str, region_id: &str) -> (String, String) {
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

/// The answer respondent `n` gives to an item: scores spread over the scale, so that the
/// results have something to show.
fn answer_for(n: usize, position: usize, kind: &ItemKind, item_id: &str) -> Answer {
    let score = ((n + position) % 6) as u8;
    match kind {
        ItemKind::Evidence { .. } => Answer::Evidence {
            present: Some(score),
            target: Some((score + 1).min(5)),
            justification: format!("Respondent {n} on {item_id}: evidence from the 2025 review."),
            link: String::new(),
        },
        ItemKind::Agreement {} => Answer::Agreement {
            value: score.clamp(1, 5),
        },
        ItemKind::SingleChoice { options } => Answer::SingleChoice {
            choice: options[n % options.len()].id.clone(),
        },
        ItemKind::MultipleChoice { options } => Answer::MultipleChoice {
            choices: vec![options[n % options.len()].id.clone()],
        },
        ItemKind::Number { min, .. } => Answer::Number { value: *min },
        ItemKind::ShortText {} | ItemKind::LongText {} => Answer::Text {
            text: format!("Respondent {n} on {item_id}"),
        },
    }
}

/// The answers respondent `n` gives in a section, to the items that the answers so far show.
fn section_answers(template: &Template, n: usize, section: usize, so_far: &Answers) -> Answers {
    let mut given = so_far.clone();
    let mut mine = Answers::new();
    for (position, item) in template.sections[section].items.iter().enumerate() {
        if template.is_visible(&item.id, &given) {
            let answer = answer_for(n, position, &item.kind, &item.id);
            given.insert(item.id.clone(), answer.clone());
            mine.insert(item.id.clone(), answer);
        }
    }
    mine
}

#[derive(Default)]
struct Tally {
    submits: Vec<Duration>,
    pages: Vec<Duration>,
    errors: usize,
    acked: Acked,
}

/// Starts a response through the round link, as its page's button does; returns its key.
async fn start(c: &reqwest::Client, base: &str, link: &str) -> Result<String, String> {
    let code = pairs(&[("code", link)]);
    let (status, location, _) = post(c, base, StartResponse::PATH, &code, false)
        .await
        .map_err(|e| e.to_string())?;
    match location.strip_prefix("/respond/") {
        Some(key) if status == 302 => Ok(key.to_owned()),
        _ => Err(format!("starting: {status} {location}")),
    }
}

/// One respondent without JavaScript, from the round link to the submit.
async fn respondent_pages(
    base: &str,
    link: &str,
    n: usize,
    template: &Template,
    tally: &Mutex<Tally>,
) -> Result<(), String> {
    let c = client();
    let timed_get = async |path: &str| -> Result<(), String> {
        let start = Instant::now();
        let res = c
            .get(format!("{base}{path}"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let ok = res.status().is_success();
        res.bytes().await.map_err(|e| e.to_string())?;
        tally.lock().unwrap().pages.push(start.elapsed());
        ok.then_some(()).ok_or_else(|| format!("GET {path} failed"))
    };
    timed_get(&format!("/join/{link}")).await?;
    let key = start(&c, base, link).await?;
    let overview = format!("/respond/{key}");
    let mut so_far = Answers::new();
    let mut at = format!("{overview}/1");
    while at != overview {
        timed_get(&at).await?;
        let section: usize = at
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or("a section number")?;
        let given = section_answers(template, n, section - 1, &so_far);
        let mut form = pairs(&[
            ("key", &key),
            ("section", &template.sections[section - 1].id),
            ("go", "next"),
        ]);
        for (id, answer) in &given {
            for (field, value) in fields_of(answer) {
                form.push((format!("{}[{field}]", answer_field(id)), value));
            }
        }
        let start = Instant::now();
        let (status, location, _) = post(&c, base, SaveSection::PATH, &form, false)
            .await
            .map_err(|e| e.to_string())?;
        let took = start.elapsed();
        if status != 302 || location.contains("__err") || location == at {
            return Err(format!("section {section}: {status} {location}"));
        }
        so_far.extend(given);
        let mut t = tally.lock().unwrap();
        t.submits.push(took);
        t.acked.insert(key.clone(), so_far.clone());
        drop(t);
        at = location;
    }
    let start = Instant::now();
    let (status, location, _) = post(
        &c,
        base,
        SubmitResponse::PATH,
        &pairs(&[("key", &key)]),
        false,
    )
    .await
    .map_err(|e| e.to_string())?;
    tally.lock().unwrap().submits.push(start.elapsed());
    if status != 302 || location.contains("__err") {
        return Err(format!("submit: {status} {location}"));
    }
    timed_get(&overview).await
}

/// One respondent on the hydrated page: each answer saved on its own as it is given.
async fn respondent_autosave(
    base: &str,
    link: &str,
    n: usize,
    template: &Template,
    tally: &Mutex<Tally>,
) -> Result<(), String> {
    let c = client();
    let key = start(&c, base, link).await?;
    let mut so_far = Answers::new();
    for section in 0..template.sections.len() {
        if !template
            .visible_sections(&so_far)
            .any(|s| s.id == template.sections[section].id)
        {
            continue;
        }
        for (id, answer) in section_answers(template, n, section, &so_far) {
            let mut form = pairs(&[("key", &key), ("item", &id)]);
            for (field, value) in fields_of(&answer) {
                form.push((format!("fields[{field}]"), value));
            }
            let start = Instant::now();
            let (status, _, body) = post(&c, base, SaveAnswer::PATH, &form, true)
                .await
                .map_err(|e| e.to_string())?;
            let took = start.elapsed();
            if status != 200 {
                return Err(format!("autosave {id}: {status} {body}"));
            }
            so_far.insert(id, answer);
            let mut t = tally.lock().unwrap();
            t.submits.push(took);
            t.acked.insert(key.clone(), so_far.clone());
        }
    }
    Ok(())
}

/// A response started on the round link, and the questionnaire as its page gets it.
async fn questionnaire(base: &str, link: &str) -> (String, Arc<Template>) {
    let probe = client();
    let key = start(&probe, base, link).await.unwrap();
    let (_, _, body) = post(
        &probe,
        base,
        GetResponse::PATH,
        &pairs(&[("key", &key)]),
        true,
    )
    .await
    .unwrap();
    let template = serde_json::from_str::<ResponseView>(&body)
        .unwrap()
        .template;
    (key, Arc::new(template))
}

/// Respondents answering one round's link, so many at once.
struct Crowd {
    base: String,
    link: String,
    template: Arc<Template>,
    respondents: usize,
    at_once: usize,
    autosave: bool,
    /// Stop after this many respondents failed.
    give_up: usize,
}

impl Crowd {
    /// Runs every respondent; returns what they measured and the seconds it took.
    async fn run(self) -> (Tally, f64) {
        let crowd = Arc::new(self);
        let tally = Arc::new(Mutex::new(Tally::default()));
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let workers: Vec<_> = (0..crowd.at_once)
            .map(|_| {
                let (crowd, tally, next) = (crowd.clone(), tally.clone(), next.clone());
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, Relaxed);
                        if n >= crowd.respondents || tally.lock().unwrap().errors >= crowd.give_up {
                            break;
                        }
                        let (base, link, template) = (&crowd.base, &crowd.link, &crowd.template);
                        let done = if crowd.autosave {
                            respondent_autosave(base, link, n, template, &tally).await
                        } else {
                            respondent_pages(base, link, n, template, &tally).await
                        };
                        if let Err(e) = done {
                            let mut t = tally.lock().unwrap();
                            t.errors += 1;
                            if t.errors <= 3 {
                                eprintln!("respondent {n}: {e}");
                            }
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.await.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
        let tally = std::mem::take(&mut *tally.lock().unwrap());
        (tally, elapsed)
    }
}

/// Fills `rounds` rounds, one region after another (the registry's regions, again from the
/// first when there are more rounds than regions), each with `respondents` submitted
/// responses; then times the comparison of the last round, whose facilitator sees all the
/// others, and the merged results of one round.
async fn compare_rounds(
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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

/// Reads every respondent's answers back; counts those that differ from what was acknowledged.
async fn verify(base: &str, acked: &Acked) -> usize {
    let c = client();
    let mut wrong = 0;
    for (key, answers) in acked {
        let (status, _, body) = post(&c, base, GetResponse::PATH, &pairs(&[("key", key)]), true)
            .await
            .expect("the server answers");
        let stored: Option<ResponseView> = (status == 200)
            .then(|| serde_json::from_str(&body).ok())
            .flatten();
        let lost = match stored {
            Some(view) => answers
                .iter()
                .filter(|(id, a)| view.answers.get(*id) != Some(a))
                .count(),
            None => answers.len(),
        };
        if lost > 0 {
            eprintln!("{key}: {lost} acknowledged answers are not stored");
            wrong += lost;
        }
    }
    wrong
}

#[tokio::main]
async fn main() {
    let o = options();
    let base = o.url.trim_end_matches('/').to_owned();
    // It may create the first administrator with a password written here: only ever on a
    // platform on this machine.
    let host = base.split("://").nth(1).unwrap_or_default();
    assert!(
        host.starts_with("127.0.0.1:")
            || host.starts_with("localhost:")
            || host.starts_with("[::1]:"),
        "the load generator only runs against a server on this machine (127.0.0.1), not {base}"
    );
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
