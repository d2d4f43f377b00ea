//! ClusterPoliSEE: one Leptos application, rendered on the server and hydrated in the browser.
//! Each capability is a folder with its model (pure rules), api (server functions), store (SQL,
//! server only) and pages.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod error;
pub mod home;
pub mod identity;
pub mod registry;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod ssr;

use i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the application, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        ssr_headers::content_security_policy();
        if let Some(kept) = ssr::take_kept_text() {
            provide_context(kept);
        }
    }
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
mod ssr_headers {
    use leptos::nonce::use_nonce;
    use leptos::prelude::*;

    /// The page's Content-Security-Policy, allowing exactly the hydration script of this
    /// response (by its nonce) and the WebAssembly it loads.
    pub fn content_security_policy() {
        leptos::nonce::provide_nonce();
        let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let (Some(options), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&policy),
        ) {
            options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Stylesheet id="leptos" href="/pkg/clusterpolisee.css" />
            <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
            <Router>
                <ui::Layout>
                    <Routes fallback=ui::NotFoundPage>
                        <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                        <Route path=path!("setup") view=identity::pages::SetupPage ssr=SsrMode::Async />
                        <Route path=path!("signup") view=identity::pages::SignUpPage ssr=SsrMode::Async />
                        <Route path=path!("signin") view=identity::pages::SignInPage ssr=SsrMode::Async />
                        <Route path=path!("account") view=identity::pages::AccountPage ssr=SsrMode::Async />
                        <Route path=path!("admin") view=identity::pages::AdminPage ssr=SsrMode::Async />
                        <Route
                            path=path!("organisations")
                            view=registry::pages::OrganisationsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("organisations/:id")
                            view=registry::pages::OrganisationPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </ui::Layout>
            </Router>
        </I18nContextProvider>
    }
}
