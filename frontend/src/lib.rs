//! The WebAssembly entry point: hydrates the server-rendered page.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes: the code of the page at hand may sit in a chunk of its own, which has to be
    // loaded before the page can hydrate; hydration is therefore asynchronous.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        let mounted = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        mounted.forget();
        // Marks the page as interactive, for end-to-end tests and for CSS that differs with
        // scripts.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
