//! ClusterPoliSEE: one Leptos application, rendered on the server and hydrated in the browser.
//! Each capability is a folder with its model (pure rules), api (server functions), store (SQL,
//! server only) and pages.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// A route whose page code loads when the page is first visited. In a split build
/// (`cargo leptos build --split`), the WebAssembly of `$page` and of everything only it uses is
/// a separate file; the server-rendered HTML names it so the browser preloads it.
/// `lazy_page!(SignInRoute, SignInPage)`, then
/// `<Route path=path!("signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />`.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> leptos::prelude::AnyView {
                let $route = this;
                use leptos::prelude::IntoAny;
                $page().into_any()
            }
        }
    };
}

pub mod assessment;
pub mod error;
pub mod files;
pub mod home;
pub mod identity;
pub mod registry;
pub mod text;
pub mod ui;
pub mod workshop;
pub mod workspace;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod ssr;

use assessment::pages::{TemplateRoute, TemplatesRoute};
use assessment::respond::{ResponseRoute, SectionRoute};
use assessment::results::ResultsRoute;
use assessment::review_pages::ReviewRoute;
use assessment::round_pages::{AssessmentsRoute, JoinRoute, RoundRoute};
use i18n::I18nContextProvider;
use identity::pages::{AccountRoute, AdminRoute, SetupRoute, SignInRoute, SignUpRoute};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use registry::pages::{OrganisationRoute, OrganisationsRoute};
use workshop::pages::{WorkshopRoute, WorkshopsRoute};
use workshop::results_page::WorkshopResultsRoute;
use workshop::room_pages::{JoinLiveRoute, LiveRoute};
use workshop::run_pages::PresentRoute;
use workspace::discussion_pages::ThreadRoute;
use workspace::notice_pages::{ConfirmAddressRoute, NoticesRoute};
use workspace::pages::{InviteRoute, WorkspaceRoute, WorkspacesRoute};

/// The HTML document around the application, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let asset_root = {
        ssr_headers::content_security_policy();
        if let Some(kept) = ssr::take_kept_text() {
            provide_context(kept);
        }
        ssr::context()
            .map(|c| c.asset_root.to_string())
            .unwrap_or_default()
    };
    #[cfg(not(feature = "ssr"))]
    let asset_root = String::new();
    let stylesheet = format!("{asset_root}/pkg/{}.css", options.output_name);
    let icon = icon_data_url(include_str!("../../public/favicon.svg"));
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HydrationScripts options root=asset_root />
                <link rel="stylesheet" href=stylesheet />
                <link rel="icon" href=icon type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The icon written into the page (a few hundred bytes): a browser then makes no request of
/// its own for it on a first visit.
fn icon_data_url(svg: &str) -> String {
    let mut url = String::from("data:image/svg+xml,");
    for c in svg.trim().chars() {
        match c {
            '"' => url.push_str("%22"),
            '\'' => url.push_str("%27"),
            '#' => url.push_str("%23"),
            '<' => url.push_str("%3C"),
            '>' => url.push_str("%3E"),
            '%' => url.push_str("%25"),
            '\n' | '\r' => url.push(' '),
            c => url.push(c),
        }
    }
    url
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
            <Router>
                <ui::Layout>
                    <Routes fallback=ui::NotFoundPage>
                        <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                        <Route path=path!("setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("signup") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                        <Route
                            path=path!("assessments")
                            view={Lazy::<AssessmentsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("assessments/:id")
                            view={Lazy::<RoundRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("assessments/:id/results")
                            view={Lazy::<ResultsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("respond/:key")
                            view={Lazy::<ResponseRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("respond/:key/:n")
                            view={Lazy::<SectionRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("join/:code") view={Lazy::<JoinRoute>::new()} ssr=SsrMode::Async />
                        <Route
                            path=path!("workshops")
                            view={Lazy::<WorkshopsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("workshops/:id")
                            view={Lazy::<WorkshopRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("workshops/:id/present")
                            view={Lazy::<PresentRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("workshops/:id/results")
                            view={Lazy::<WorkshopResultsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("live") view={Lazy::<JoinLiveRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("live/:code") view={Lazy::<LiveRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("reviews/:id") view={Lazy::<ReviewRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("workspaces") view={Lazy::<WorkspacesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("workspaces/:id") view={Lazy::<WorkspaceRoute>::new()} ssr=SsrMode::Async />
                        <Route
                            path=path!("workspaces/:id/threads/:thread")
                            view={Lazy::<ThreadRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("invite/:token") view={Lazy::<InviteRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("notifications") view={Lazy::<NoticesRoute>::new()} ssr=SsrMode::Async />
                        <Route
                            path=path!("notifications/confirm/:token")
                            view={Lazy::<ConfirmAddressRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("admin/templates")
                            view={Lazy::<TemplatesRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("admin/templates/:id")
                            view={Lazy::<TemplateRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("organisations")
                            view={Lazy::<OrganisationsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("organisations/:id")
                            view={Lazy::<OrganisationRoute>::new()}
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </ui::Layout>
            </Router>
        </I18nContextProvider>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_travels_inside_the_page_as_a_data_url_a_browser_reads_whole() {
        let url = super::icon_data_url(include_str!("../../public/favicon.svg"));
        assert!(url.starts_with("data:image/svg+xml,%3Csvg "), "{url}");
        assert!(url.contains("fill=%22%230b5cad%22"), "{url}");
        assert!(!url.contains(['<', '>', '"', '\'', '#', '\n']), "{url}");
    }
}
