//! Helpers for the assessment-round tests: start a round, read it, make a personal link, open
//! a response, autosave an answer, post a section form.

use super::TestApp;
use app::assessment::model::ItemKind;
use app::assessment::respond_api::{GetResponse, SaveAnswer, SaveSection, SubmitResponse};
use app::assessment::round::{MyAssessments, ResponseSummary, ResponseView, Round};
use app::assessment::round_api::{
    GetRound, InviteLink, ListMyAssessments, StartRound, TemplateChoices,
};
use app::registry::model::Translated;
use leptos::server_fn::ServerFn;

/// Starts a round on the built-in template for Jadranska Hrvatska as the test's own client
/// and returns its id.
pub async fn start(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, body) = app.call_with(client, TemplateChoices::PATH, &[]).await;
    assert_eq!(status, 200, "{body}");
    let choices: Vec<(String, Translated)> = serde_json::from_str(&body).unwrap();
    let (status, body) = app
        .call_with(
            client,
            StartRound::PATH,
            &[
                ("version_id", &choices[0].0),
                ("region_id", "HR03"),
                ("name", "2026 baseline"),
                ("closes_on", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app.call_with(client, ListMyAssessments::PATH, &[]).await;
    let mine: MyAssessments = serde_json::from_str(&body).unwrap();
    mine.facilitating[0].round_id.clone()
}

pub async fn round(app: &TestApp, round_id: &str) -> (Round, Vec<ResponseSummary>) {
    let (status, body) = app.call(GetRound::PATH, &[("round_id", round_id)]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn personal_link(app: &TestApp, round_id: &str, label: &str) -> String {
    let (status, body) = app
        .call(
            InviteLink::PATH,
            &[("round_id", round_id), ("label", label)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    round(app, round_id)
        .await
        .1
        .into_iter()
        .find(|r| r.label == label)
        .and_then(|r| r.code)
        .expect("a personal link has a code")
}

pub async fn response(app: &TestApp, client: &reqwest::Client, key: &str) -> (u16, String) {
    app.call_with(client, GetResponse::PATH, &[("key", key)])
        .await
}

/// Autosaves one item's fields (`present`, `value`, `choice.<id>` …) as the hydrated page does.
pub async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    item: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut form = vec![
        ("key".to_owned(), key.to_owned()),
        ("item".to_owned(), item.to_owned()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("fields[{k}]"), (*v).to_owned())),
    );
    let res = client
        .post(app.url(SaveAnswer::PATH))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// Posts a section form as a browser without JavaScript does: `answers[ID][field]=value`.
pub async fn post_section(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    section: &str,
    fields: &[(&str, &str)],
    go: &str,
) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("key".into(), key.into()),
        ("section".into(), section.into()),
        ("go".into(), go.into()),
    ];
    for (name, value) in fields {
        form.push(((*name).to_owned(), (*value).to_owned()));
    }
    client
        .post(app.url(SaveSection::PATH))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/respond/{key}/2")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// Gives the minimal complete response (every required item shown without conditions) as the
/// autosave does, and submits it.
pub async fn submit_complete(app: &TestApp, who: &reqwest::Client, key: &str) {
    let (_, body) = response(app, who, key).await;
    let view: ResponseView = serde_json::from_str(&body).unwrap();
    for item in view.template.missing_required(&view.answers) {
        let last_option;
        let fields: Vec<(&str, &str)> = match &item.kind {
            ItemKind::Evidence { .. } => vec![("present", "3"), ("target", "4")],
            ItemKind::SingleChoice { options } => {
                last_option = options.last().unwrap().id.clone();
                vec![("value", last_option.as_str())]
            }
            _ => vec![("value", "Zadar")],
        };
        let (status, body) = save(app, who, key, &item.id, &fields).await;
        assert_eq!(status, 200, "{}: {body}", item.id);
    }
    let (status, body) = app
        .call_with(who, SubmitResponse::PATH, &[("key", key)])
        .await;
    assert_eq!(status, 200, "{body}");
}
