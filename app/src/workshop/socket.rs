//! The browser's end of a live socket: it connects to a path of this site, hands every message
//! to the page, and when the connection drops (a restart, a phone waking up, a weak network)
//! connects again by itself after 1, 2, then every 4 seconds. The path is asked for again at each
//! connection, so that it carries the sequence number the page last showed and the server
//! sends only what is newer. Closed when the page that opened it goes away, or for good when
//! the server closes it with 1008 (the visitor may no longer follow: a participant sent out).
//! On the server (rendering) it does nothing.

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{CloseEvent, MessageEvent, WebSocket};
    use send_wrapper::SendWrapper;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    struct Link {
        path: Box<dyn Fn() -> String>,
        on_message: Box<dyn Fn(String)>,
        on_refused: Box<dyn Fn()>,
        failures: Cell<u32>,
        closed: Cell<bool>,
        socket: RefCell<Option<WebSocket>>,
    }

    /// The close code of a server that will not let this visitor follow any longer.
    const REFUSED: u16 = 1008;

    /// 1, 2, then 4 seconds: a restarted server has every screen back within about four
    /// seconds of coming up.
    fn pause(failures: u32) -> Duration {
        Duration::from_secs(1u64 << failures.min(2))
    }

    fn connect(link: Rc<Link>) {
        if link.closed.get() {
            return;
        }
        let location = window().location();
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss",
            _ => "ws",
        };
        let url = format!(
            "{scheme}://{}{}",
            location.host().unwrap_or_default(),
            (link.path)()
        );
        let Ok(socket) = WebSocket::new(&url) else {
            again(link);
            return;
        };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new({
            let link = Rc::clone(&link);
            move |event: MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    link.failures.set(0);
                    (link.on_message)(text);
                }
            }
        });
        let on_close = Closure::<dyn Fn(CloseEvent)>::new({
            let link = Rc::clone(&link);
            move |event: CloseEvent| {
                if event.code() == REFUSED {
                    link.closed.set(true);
                    (link.on_refused)();
                } else {
                    again(Rc::clone(&link));
                }
            }
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The handlers live as long as the page: a socket is opened a handful of times.
        on_message.forget();
        on_close.forget();
        *link.socket.borrow_mut() = Some(socket);
    }

    fn again(link: Rc<Link>) {
        if link.closed.get() {
            return;
        }
        let failures = link.failures.get();
        link.failures.set(failures + 1);
        let link = SendWrapper::new(link);
        set_timeout(move || connect(link.take()), pause(failures));
    }

    pub fn follow(
        path: impl Fn() -> String + 'static,
        on_message: impl Fn(String) + 'static,
        on_refused: impl Fn() + 'static,
    ) {
        let link = Rc::new(Link {
            path: Box::new(path),
            on_message: Box::new(on_message),
            on_refused: Box::new(on_refused),
            failures: Cell::new(0),
            closed: Cell::new(false),
            socket: RefCell::new(None),
        });
        connect(Rc::clone(&link));
        let link = SendWrapper::new(link);
        on_cleanup(move || {
            link.closed.set(true);
            if let Some(socket) = link.socket.borrow_mut().take() {
                let _ = socket.close();
            }
        });
    }
}

/// Follows the live socket at `path` (asked for at each connection) for as long as the current
/// page lives; `on_message` gets each text message, `on_refused` is called once the server
/// closes it for good.
#[cfg(feature = "hydrate")]
pub use browser::follow;

#[cfg(not(feature = "hydrate"))]
pub fn follow(
    _path: impl Fn() -> String + 'static,
    _on_message: impl Fn(String) + 'static,
    _on_refused: impl Fn() + 'static,
) {
}
