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

/// Room for the splitter of lazy routes. It moves each route's constant data into that route's
/// chunk, packing the pieces anew with fresh alignment padding; when the packed data would
/// come out even a few bytes longer than the linker's data segment, it gives up and puts the
/// whole segment, every route's data, into the main file (`wasm_split_cli_support` 0.2,
/// "Overlong segment … putting it in main module": 58 bytes over cost the main file 130 KB).
/// These bytes lengthen the segment and are referenced by no code, so the splitter places them
/// nowhere: they never reach the browser. `#[used]` keeps the linker from dropping them.
#[used]
static SPLIT_SLACK: [u8; 8192] = [0x5a; 8192];
