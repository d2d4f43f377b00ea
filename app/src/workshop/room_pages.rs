//! The participant's pages: the join form, and the room a join code opens (who you are in it,
//! and the screen of the running workshop).

use super::api::{open_room, JoinWorkshop};
use super::model::Room;
use super::screen_pages::{ScreenActions, ScreenView};
use super::socket::follow;
use crate::i18n::*;
use crate::ui::{action_error, or_error_page, page_data, page_title, Field, FormNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(JoinLiveRoute, JoinLivePage);
lazy_page!(LiveRoute, LivePage);

#[component]
pub fn JoinLivePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=page_title(t_string!(i18n, live_join_title)) />
        <section class="narrow">
            <h1>{t!(i18n, live_join_title)}</h1>
            <p>{t!(i18n, live_join_intro)}</p>
            <JoinForm code=None anonymous_allowed=true join=ServerAction::new() />
        </section>
    }
}

/// The join form: with the code typed in (the join page), or carried by the page's address
/// (the room of a code, reached by its link or QR code).
#[component]
fn JoinForm(
    code: Option<String>,
    anonymous_allowed: bool,
    join: ServerAction<JoinWorkshop>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(join);
    view! {
        <ActionForm action=join>
            <FormNotice error />
            {match code {
                Some(code) => view! { <input type="hidden" name="code" value=code /> }.into_any(),
                None => view! {
                    <Field name="code" label=t_string!(i18n, field_join_code).to_string() error required=true />
                }
                .into_any(),
            }}
            {if anonymous_allowed {
                view! { <Field name="nickname" label=t_string!(i18n, field_nickname).to_string() hint=t_string!(i18n, field_nickname_hint_anonymous).to_string() error autocomplete="nickname" /> }
            } else {
                view! { <Field name="nickname" label=t_string!(i18n, field_nickname).to_string() error autocomplete="nickname" required=true /> }
            }}
            <button type="submit" class="button primary">{t!(i18n, live_join_submit)}</button>
        </ActionForm>
    }
}

#[component]
pub fn LivePage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code")).unwrap_or_default());
    let actions = ScreenActions::default();
    // Joining from the room's own address comes back to it: the room is read again then too.
    let join = ServerAction::<JoinWorkshop>::new();
    // The screen's sequence number as the page last read it; a live message past it reads the
    // screen again.
    let seen = RwSignal::new(0i64);
    let changes = RwSignal::new(0u32);
    let found = page_data(
        move || {
            (
                code.get(),
                actions.version(),
                join.version().get(),
                changes.get(),
            )
        },
        |(code, ..)| open_room(code),
    );
    // One socket for the page's life, opened once the visitor is in the room (the server
    // refuses anyone else's).
    let page = StoredValue::new(Owner::current());
    let following = StoredValue::new(false);
    let start = move |code: String| {
        following.set_value(true);
        let open = move || {
            follow(
                move || format!("/live/{code}/socket?since={}", seen.get_untracked()),
                move |text| {
                    let seq = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v["seq"].as_i64());
                    if seq.is_some_and(|seq| seq > seen.get_untracked()) {
                        changes.update(|n| *n += 1);
                    }
                },
                // Sent out: the room read again says so.
                move || changes.update(|n| *n += 1),
            )
        };
        match page.get_value() {
            Some(owner) => owner.with(open),
            None => open(),
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(found.await, move |room| {
                    if let Some(screen) = &room.screen {
                        seen.set(screen.seq);
                        if !following.get_value() {
                            start(room.code.clone());
                        }
                    }
                    view! { <RoomView room actions join /> }
                })
            })}
        </Suspense>
    }
}

#[component]
fn RoomView(room: Room, actions: ScreenActions, join: ServerAction<JoinWorkshop>) -> impl IntoView {
    let i18n = use_i18n();
    let body = match room.screen {
        Some(screen) => {
            let who = room
                .nickname
                .unwrap_or_else(|| t_string!(i18n, workshop_anonymous).to_string());
            view! {
                <p class="muted">{t!(i18n, live_joined_as, who)}</p>
                <ScreenView code=room.code.clone() screen actions />
            }
            .into_any()
        }
        None if room.joining_locked => view! {
            <p class="notice notice-error" role="status">{t!(i18n, problem_joining_locked)}</p>
        }
        .into_any(),
        None => view! { <JoinForm code=Some(room.code.clone()) anonymous_allowed=room.anonymous_allowed join /> }.into_any(),
    };
    view! {
        <Title text=page_title(&room.title) />
        <section class="narrow">
            <h1>{room.title.clone()}</h1>
            {body}
        </section>
    }
}
