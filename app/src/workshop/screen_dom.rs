//! The browser's side of the participant's page, whose screen the server writes as HTML
//! (`room_api.rs`). That HTML works as it is without JavaScript; with it, this module:
//! - posts its forms in place: a form's fields go to the server function the form names, and
//!   the screen is read again (with the refusal, if the server refused, so that the problem is
//!   shown at the form as the server writes it);
//! - reads the screen again when the live socket says it changed, keeping what the participant
//!   was typing;
//! - counts timers down (`data-left`), on every page that shows one;
//! - turns a ranking's places into a list put in order by tapping "up" and "down".
//!
//! It works on the DOM the server wrote, not on views of its own: the page's WebAssembly holds
//! none of the activities' views. On the server (rendering) it does nothing.

#[cfg(feature = "hydrate")]
mod browser {
    use crate::error::AppError;
    use crate::i18n::Locale;
    use crate::ui::error_text_in;
    use crate::workshop::model::clock;
    use crate::workshop::room_api::{read_room_page, RoomPage};
    use crate::workshop::socket::follow;
    use leptos::html;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{
        Element, FormData, Headers, HtmlButtonElement, HtmlElement, HtmlFormElement,
        HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, RequestInit, Response,
        SubmitEvent, UrlSearchParams,
    };
    use leptos_i18n::Locale as _;
    use std::collections::HashMap;
    use wasm_bindgen_futures::JsFuture;

    /// What became of a form posted in place.
    enum Posted {
        /// Taken; the server function may have named a page to go to.
        Done { to: Option<String> },
        /// Refused: the server function's path and its answer.
        Refused { path: String, answer: String },
        /// The server could not be reached.
        Unreachable,
    }

    /// Posts `form` as the browser would without JavaScript (its fields, and the button that
    /// sent it), but asks for the server function's own answer instead of a page.
    async fn post(form: HtmlFormElement, submitter: Option<HtmlButtonElement>) -> Posted {
        let path = form.get_attribute("action").unwrap_or_default();
        let Ok(fields) = FormData::new_with_form(&form) else {
            return Posted::Unreachable;
        };
        if let Some(button) = submitter.filter(|b| !b.name().is_empty()) {
            let _ = fields.append_with_str(&button.name(), &button.value());
        }
        let Ok(body) = UrlSearchParams::new_with_str_sequence_sequence(&fields) else {
            return Posted::Unreachable;
        };
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body.to_string().into());
        let Ok(headers) = Headers::new() else {
            return Posted::Unreachable;
        };
        let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
        let _ = headers.set("Accept", "application/json");
        init.set_headers(&headers);
        let Ok(answer) = JsFuture::from(window().fetch_with_str_and_init(&path, &init)).await
        else {
            return Posted::Unreachable;
        };
        let Ok(response) = answer.dyn_into::<Response>() else {
            return Posted::Unreachable;
        };
        if response.ok() {
            let to = response.headers().get("location").ok().flatten();
            return Posted::Done { to };
        }
        // Only a server function's own refusal is shown at the form; anything else on the way
        // (a proxy's error page, a body over the limit) is as good as no answer.
        if !response.headers().has("serverfnerror").unwrap_or(false) {
            return Posted::Unreachable;
        }
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        match text {
            Some(answer) => Posted::Refused { path, answer },
            None => Posted::Unreachable,
        }
    }

    /// The participant's screen in the page: the element the server's HTML is drawn into, and
    /// what the page knows about it.
    #[derive(Clone, Copy)]
    pub struct LiveScreen {
        root: NodeRef<html::Div>,
        code: StoredValue<String>,
        locale: Locale,
        /// The sequence number of the screen shown.
        seen: StoredValue<i64>,
        following: StoredValue<bool>,
        /// How many readings of the screen were asked for: only the last one's answer is drawn.
        asked: StoredValue<u64>,
        page: StoredValue<Option<Owner>>,
    }

    impl LiveScreen {
        pub fn new(page: &RoomPage, root: NodeRef<html::Div>, locale: Locale) -> LiveScreen {
            let screen = LiveScreen {
                root,
                code: StoredValue::new(page.code.clone()),
                locale,
                seen: StoredValue::new(page.seq.unwrap_or_default()),
                following: StoredValue::new(false),
                asked: StoredValue::new(0),
                page: StoredValue::new(Owner::current()),
            };
            tick_timers();
            Effect::new(move |_| {
                if let Some(root) = root.get() {
                    enhance(&root);
                }
            });
            if page.seq.is_some() {
                screen.follow();
            }
            screen
        }

        /// Opens the room's socket (once): a message past the screen shown reads it again.
        fn follow(self) {
            if self.following.get_value() {
                return;
            }
            self.following.set_value(true);
            let code = self.code.get_value();
            let open = move || {
                follow(
                    move || format!("/live/{code}/socket?since={}", self.seen.get_value()),
                    move |text| {
                        let seq = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|v| v["seq"].as_i64());
                        if seq.is_some_and(|seq| seq > self.seen.get_value()) {
                            self.read(None, true);
                        }
                    },
                    // Sent out: the screen read again says so.
                    move || self.read(None, false),
                )
            };
            match self.page.get_value() {
                Some(owner) => owner.with(open),
                None => open(),
            }
        }

        /// Reads the screen again and draws it; with the refusal of a post, the server shows
        /// it at its form. `keep_typed`: what the participant was typing stays in the new
        /// screen's field of the same form and name.
        fn read(self, failed: Option<(String, String)>, keep_typed: bool) {
            // A post can come back after the participant left the page.
            let Some(asked) = self.asked.try_update_value(|n| {
                *n += 1;
                *n
            }) else {
                return;
            };
            let Some(code) = self.code.try_get_value() else {
                return;
            };
            let (failed_path, failed) = failed.unwrap_or_default();
            let locale = self.locale;
            leptos::task::spawn_local(async move {
                let answer =
                    read_room_page(code, locale.as_str().to_owned(), failed_path, failed).await;
                if self.asked.try_get_value() != Some(asked) {
                    return;
                }
                let Some(root) = self.root.get_untracked() else {
                    return;
                };
                match answer {
                    Ok(page) => {
                        let typed = if keep_typed {
                            typed_text(&root)
                        } else {
                            HashMap::new()
                        };
                        let focused = keep_typed.then(|| focused_field(&root)).flatten();
                        root.set_inner_html(&page.html);
                        put_back(&root, &typed, focused.as_ref());
                        enhance(&root);
                        if let Some(seq) = page.seq {
                            self.seen.set_value(seq);
                            self.follow();
                        }
                    }
                    Err(error) => show_error(&root, &error_text_in(locale, &error), true),
                }
            });
        }

        /// A form of the screen was sent: it posts in place.
        pub fn submit(self, ev: SubmitEvent) {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            ev.prevent_default();
            let submitter = ev
                .submitter()
                .and_then(|s| s.dyn_into::<HtmlButtonElement>().ok());
            if let Some(button) = &submitter {
                button.set_disabled(true);
            }
            let locale = self.locale;
            leptos::task::spawn_local(async move {
                match post(form.clone(), submitter.clone()).await {
                    Posted::Done { to: Some(to) } if is_path(&to) && !is_current_page(&to) => {
                        let _ = window().location().assign(&to);
                    }
                    Posted::Done { .. } => {
                        // What was posted leaves the form, so a reading the live socket asks
                        // for meanwhile does not keep it as typed.
                        form.reset();
                        self.read(None, false)
                    }
                    Posted::Refused { path, answer } => self.read(Some((path, answer)), false),
                    Posted::Unreachable => {
                        if let Some(button) = &submitter {
                            button.set_disabled(false);
                        }
                        let text = error_text_in(locale, &AppError::Unreachable);
                        show_error(&form, &text, false);
                    }
                }
            });
        }

        /// A click in the screen: a ranking's "up" or "down" moves its item.
        pub fn click(self, ev: leptos::ev::MouseEvent) {
            let Some(button) = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("button[data-shift]").ok().flatten())
            else {
                return;
            };
            shift(&button);
        }
    }

    /// Whether `to` is a path of this site (a server function names a page to go to so).
    fn is_path(to: &str) -> bool {
        to.starts_with('/') && !to.starts_with("//")
    }

    /// Whether the path `to` is the page shown.
    fn is_current_page(to: &str) -> bool {
        window().location().pathname().is_ok_and(|path| path == to)
    }

    /// A line that says what went wrong, at the top of `at` (replacing what it holds, for a
    /// screen that cannot be read).
    fn show_error(at: &Element, text: &str, replace: bool) {
        let document = document();
        let Ok(line) = document.create_element("p") else {
            return;
        };
        line.set_class_name("notice notice-error");
        let _ = line.set_attribute("role", "alert");
        line.set_text_content(Some(text));
        if replace {
            at.set_inner_html("");
        }
        let _ = at.prepend_with_node_1(&line);
    }

    /// The text fields of the screen that hold what the participant typed, by form and name.
    fn typed_text(root: &Element) -> HashMap<(String, String), String> {
        let mut typed = HashMap::new();
        each(root, "form textarea, form input[type=text]", |field| {
            let entry = match (
                field.dyn_ref::<HtmlTextAreaElement>(),
                field.dyn_ref::<HtmlInputElement>(),
            ) {
                (Some(area), _) => (
                    area.name(),
                    area.value(),
                    area.default_value().unwrap_or_default(),
                ),
                (None, Some(input)) => (input.name(), input.value(), input.default_value()),
                (None, None) => return,
            };
            let (name, value, default) = entry;
            if value != default {
                typed.insert((form_of(field), name), value);
            }
        });
        typed
    }

    /// The text field the participant is typing in, by form and name.
    fn focused_field(root: &Element) -> Option<(String, String)> {
        let field = document()
            .active_element()
            .filter(|f| root.contains(Some(f)))?;
        let name = field.get_attribute("name")?;
        Some((form_of(&field), name))
    }

    /// Puts typed text back into the new screen's fields of the same form and name, and the
    /// cursor at the end of the field it was in.
    fn put_back(
        root: &Element,
        typed: &HashMap<(String, String), String>,
        focused: Option<&(String, String)>,
    ) {
        each(root, "form textarea, form input[type=text]", |field| {
            let key = (
                form_of(field),
                field.get_attribute("name").unwrap_or_default(),
            );
            if let Some(value) = typed.get(&key) {
                if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                    area.set_value(value);
                } else if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                    input.set_value(value);
                }
            }
            if focused == Some(&key) {
                if let Some(field) = field.dyn_ref::<HtmlElement>() {
                    let _ = field.focus();
                }
            }
        });
    }

    /// What tells a field's form apart from the screen's others: where it posts, and for
    /// which activity.
    fn form_of(field: &Element) -> String {
        let Ok(Some(form)) = field.closest("form") else {
            return String::new();
        };
        let activity = form
            .query_selector("input[name=activity_id]")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
        format!(
            "{} {activity}",
            form.get_attribute("action").unwrap_or_default()
        )
    }

    fn each(root: &Element, selector: &str, mut f: impl FnMut(&Element)) {
        let Ok(found) = root.query_selector_all(selector) else {
            return;
        };
        for n in 0..found.length() {
            if let Some(element) = found.item(n).and_then(|n| n.dyn_into::<Element>().ok()) {
                f(&element);
            }
        }
    }

    /// Rankings are put in order by tapping once the page runs (their places are then
    /// hidden, and written by [`shift`]).
    fn enhance(root: &Element) {
        each(root, "ol.ranking", |list| {
            let _ = list.class_list().add_1("scripted");
        });
    }

    /// Moves the item of a ranking's "up" or "down" button one place, and writes the places
    /// the form sends.
    fn shift(button: &Element) {
        let (Ok(Some(item)), Some(by)) = (button.closest("li"), button.get_attribute("data-shift"))
        else {
            return;
        };
        let Some(list) = item.parent_element() else {
            return;
        };
        if by.starts_with('-') {
            if let Some(before) = item.previous_element_sibling() {
                let _ = list.insert_before(&item, Some(&before));
            }
        } else if let Some(after) = item.next_element_sibling() {
            let _ = list.insert_before(&after, Some(&item));
        }
        let items = list.children();
        let last = items.length().saturating_sub(1);
        for n in 0..items.length() {
            let Some(row) = items.item(n) else { continue };
            let place = (n + 1).to_string();
            if let Ok(Some(select)) = row.query_selector("select") {
                if let Ok(select) = select.dyn_into::<HtmlSelectElement>() {
                    select.set_value(&place);
                }
            }
            if let Ok(Some(shown)) = row.query_selector(".place") {
                shown.set_text_content(Some(&format!("{place}.")));
            }
            each(&row, "button[data-shift]", |b| {
                if let Some(b) = b.dyn_ref::<HtmlButtonElement>() {
                    let up = b
                        .get_attribute("data-shift")
                        .is_some_and(|s| s.starts_with('-'));
                    b.set_disabled(if up { n == 0 } else { n == last });
                }
            });
        }
        if let Some(button) = button.dyn_ref::<HtmlElement>() {
            let _ = button.focus();
        }
    }

    /// Counts down every timer of the page (`data-left`, in seconds) once a second, for as
    /// long as the page lives; at zero a timer says the words in its `data-up`.
    pub fn tick_timers() {
        let Ok(handle) = set_interval_with_handle(
            || {
                let Some(page) = document().document_element() else {
                    return;
                };
                each(&page, "[data-left]", |timer| {
                    let left = timer
                        .get_attribute("data-left")
                        .and_then(|l| l.parse::<u32>().ok())
                        .unwrap_or_default()
                        .saturating_sub(1);
                    if left == 0 {
                        let up = timer.get_attribute("data-up").unwrap_or_default();
                        let _ = timer.remove_attribute("data-left");
                        timer.set_text_content(Some(&up));
                    } else {
                        let _ = timer.set_attribute("data-left", &left.to_string());
                        if let Ok(Some(shown)) = timer.query_selector("strong") {
                            shown.set_text_content(Some(&clock(left)));
                        }
                    }
                });
            },
            std::time::Duration::from_secs(1),
        ) else {
            return;
        };
        on_cleanup(move || handle.clear());
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{tick_timers, LiveScreen};

/// Counts the page's timers down; on the server, where nothing ticks, it does nothing.
#[cfg(not(feature = "hydrate"))]
pub fn tick_timers() {}
