//! The home page: what the platform is for, the thematic areas, and the way in.

use crate::i18n::*;
use crate::identity::api::get_platform_status;
use crate::registry::api::{load_registry, platform_counts};
use crate::ui::{page_data, use_session_user, Plural};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;

/// A count's text (`key.one`, `key.few` or `key.other`) in the plural form its number takes:
/// the form is chosen first, so only that one text is built.
macro_rules! plural {
    ($i18n:expr, $key:ident, $n:expr) => {{
        let n: i64 = $n;
        match Plural::of($i18n.get_locale_untracked(), n.unsigned_abs()) {
            Plural::One => t_string!($i18n, $key.one, count = n).to_string(),
            Plural::Few => t_string!($i18n, $key.few, count = n).to_string(),
            Plural::Other => t_string!($i18n, $key.other, count = n).to_string(),
        }
    }};
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let status = page_data(|| (), |_| get_platform_status());
    let counts = page_data(|| (), |_| platform_counts());
    let registry = page_data(|| (), |_| load_registry(true));
    let user = use_session_user();
    let locale = i18n.get_locale_untracked().as_str();
    view! {
        <Title text="ClusterPoliSEE" />
        <section class="hero">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="lead">{t!(i18n, home_lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let status = status.await.ok();
                    let signed_in = matches!(user.await, Ok(Some(_)));
                    match status {
                        Some(s) if !s.has_admin => view! {
                            <p class="notice">{t!(i18n, home_first_run)}</p>
                            <p><a class="button primary" href="/setup">{t!(i18n, setup_title)}</a></p>
                        }
                            .into_any(),
                        Some(s) if !signed_in && s.open_signup => view! {
                            <p class="actions">
                                <a class="button primary" href="/signup">{t!(i18n, nav_sign_up)}</a>
                                <a class="button" href="/signin">{t!(i18n, nav_sign_in)}</a>
                            </p>
                        }
                            .into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section>
            <h2>{t!(i18n, home_capabilities_title)}</h2>
            <ul class="cards">
                <li class="card"><h3>{t!(i18n, home_assessment_title)}</h3><p>{t!(i18n, home_assessment_text)}</p></li>
                <li class="card"><h3>{t!(i18n, home_workspaces_title)}</h3><p>{t!(i18n, home_workspaces_text)}</p></li>
                <li class="card"><h3>{t!(i18n, home_workshops_title)}</h3><p>{t!(i18n, home_workshops_text)}</p></li>
                <li class="card"><h3>{t!(i18n, home_everyone_title)}</h3><p>{t!(i18n, home_everyone_text)}</p></li>
            </ul>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let counts = counts.await.ok();
                let registry = registry.await.unwrap_or_default();
                view! {
                    {counts.map(|(organisations, people)| view! {
                        <p class="counts">
                            <a href="/organisations">
                                {plural!(i18n, count_organisations, organisations)}
                            </a>
                            " · "
                            {plural!(i18n, count_people, people)}
                        </p>
                    })}
                    <section>
                        <h2>{t!(i18n, home_areas_title)}</h2>
                        <ol class="areas">
                            {registry
                                .thematic_areas
                                .iter()
                                .filter(|a| !a.horizontal)
                                .map(|a| view! { <li>{a.names.get(locale).to_owned()}</li> })
                                .collect_view()}
                        </ol>
                        {registry
                            .thematic_areas
                            .iter()
                            .filter(|a| a.horizontal)
                            .map(|a| view! {
                                <p>{t!(i18n, home_horizontal)} " " <strong>{a.names.get(locale).to_owned()}</strong></p>
                            })
                            .collect_view()}
                    </section>
                }
            })}
        </Suspense>
    }
}
