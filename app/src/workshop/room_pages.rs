//! The participant's pages: the join page, where a code is typed, and the room a join code
//! opens (its join form, or the screen of the running workshop). The server writes what they
//! show (`room_api.rs`); in the browser they hold that HTML, and `screen_dom.rs` makes it live.

use super::room_api::{read_room_page, RoomPage};
use crate::i18n::*;
use crate::ui::{or_error_page, page_data, page_title};
use leptos::html;
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(JoinLiveRoute, LivePage);
lazy_page!(LiveRoute, LivePage);

#[component]
pub fn LivePage() -> impl IntoView {
    let code = use_params_map()
        .with_untracked(|p| p.get("code"))
        .unwrap_or_default();
    // The language changes by a form the server answers with a new page, so the one this page
    // was drawn in is the one its screen is written in.
    let locale = use_i18n().get_locale_untracked().as_str();
    // On the server the screen goes into the page's HTML but not into its hydration data (see
    // `ui::HeldHtml`).
    #[cfg(feature = "ssr")]
    let held = crate::ui::HeldHtml::default();
    #[cfg(feature = "ssr")]
    let fetch = {
        let held = held.clone();
        move |code: String| {
            let held = held.clone();
            async move {
                read_room_page(code, locale.to_owned(), String::new(), String::new())
                    .await
                    .map(|page| held.hold(page, |p| &mut p.html))
            }
        }
    };
    #[cfg(not(feature = "ssr"))]
    let fetch =
        move |code: String| read_room_page(code, locale.to_owned(), String::new(), String::new());
    let found = page_data(move || code.clone(), fetch);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                #[cfg(feature = "ssr")]
                let held = held.clone();
                Suspend::new(async move {
                    or_error_page(found.await, move |page| {
                        #[cfg(feature = "ssr")]
                        let page = held.put_back(page, |p| &mut p.html);
                        view! { <RoomScreen page /> }
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn RoomScreen(page: RoomPage) -> impl IntoView {
    let root = NodeRef::<html::Div>::new();
    #[cfg(feature = "hydrate")]
    let screen = super::screen_dom::LiveScreen::new(&page, root, use_i18n().get_locale_untracked());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        screen.submit(ev);
        #[cfg(not(feature = "hydrate"))]
        drop(ev);
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        screen.click(ev);
        #[cfg(not(feature = "hydrate"))]
        drop(ev);
    };
    view! {
        <Title text=page_title(&page.title) />
        <section class="narrow">
            <h1>{page.title.clone()}</h1>
            <div node_ref=root inner_html=page.html on:submit=submit on:click=click></div>
        </section>
    }
}
