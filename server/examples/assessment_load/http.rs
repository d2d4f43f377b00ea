//! Talking to the platform as a page does.

use app::assessment::model::Template;
use app::assessment::respond_api::GetResponse;
use app::assessment::round::ResponseView;
use app::assessment::round_api::StartResponse;
use leptos::server_fn::ServerFn;
use std::sync::Arc;

use crate::platform::{client, pairs, post};

/// Starts a response through the round link, as its page's button does; returns its key.
pub async fn start(c: &reqwest::Client, base: &str, link: &str) -> Result<String, String> {
    let code = pairs(&[("code", link)]);
    let (status, location, _) = post(c, base, StartResponse::PATH, &code, false)
        .await
        .map_err(|e| e.to_string())?;
    match location.strip_prefix("/respond/") {
        Some(key) if status == 302 => Ok(key.to_owned()),
        _ => Err(format!("starting: {status} {location}")),
    }
}

/// A response started on the round link, and the questionnaire as its page gets it.
pub async fn questionnaire(base: &str, link: &str) -> (String, Arc<Template>) {
    let probe = client();
    let key = start(&probe, base, link).await.unwrap();
    let view = response_view(&probe, base, &key)
        .await
        .expect("the response just started");
    (key, Arc::new(view.template))
}

/// A response as its page gets it; `None` when the server does not give it.
pub async fn response_view(c: &reqwest::Client, base: &str, key: &str) -> Option<ResponseView> {
    let (status, _, body) = post(c, base, GetResponse::PATH, &pairs(&[("key", key)]), true)
        .await
        .expect("the server answers");
    (status == 200)
        .then(|| serde_json::from_str(&body).ok())
        .flatten()
}
