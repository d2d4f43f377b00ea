//! Simulated respondents: what each answers, one without JavaScript or one autosaving, and a
//! crowd of them on one round's link.

use crate::http::{response_view, start};
use crate::platform::{client, pairs, post};
use app::assessment::model::{Answer, Answers, ItemKind, Template};
use app::assessment::respond_api::{answer_field, SaveAnswer, SaveSection, SubmitResponse};
use app::assessment::round::fields_of;
use leptos::server_fn::ServerFn;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type Acked = BTreeMap<String, Answers>;

/// The answer respondent `n` gives to an item: scores spread over the scale, so that the
/// results have something to show.
pub fn answer_for(n: usize, position: usize, kind: &ItemKind, item_id: &str) -> Answer {
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
pub fn section_answers(template: &Template, n: usize, section: usize, so_far: &Answers) -> Answers {
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
pub struct Tally {
    pub submits: Vec<Duration>,
    pub pages: Vec<Duration>,
    pub errors: usize,
    pub acked: Acked,
}

/// One respondent without JavaScript, from the round link to the submit.
pub async fn respondent_pages(
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
pub async fn respondent_autosave(
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

/// Respondents answering one round's link, so many at once.
pub struct Crowd {
    pub base: String,
    pub link: String,
    pub template: Arc<Template>,
    pub respondents: usize,
    pub at_once: usize,
    pub autosave: bool,
    /// Stop after this many respondents failed.
    pub give_up: usize,
}

impl Crowd {
    /// Runs every respondent; returns what they measured and the seconds it took.
    pub async fn run(self) -> (Tally, f64) {
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

/// Reads every respondent's answers back; counts those that differ from what was acknowledged.
pub async fn verify(base: &str, acked: &Acked) -> usize {
    let c = client();
    let mut wrong = 0;
    for (key, answers) in acked {
        let lost = match response_view(&c, base, key).await {
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
