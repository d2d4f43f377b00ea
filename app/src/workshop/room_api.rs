//! The participant's page as the server writes it: the join form, or the screen of who joined
//! (`screen_pages.rs`), as HTML in the reader's language. The page in the browser shows that
//! HTML as it is and holds no view of any activity (`screen_dom.rs` makes its forms post in
//! place), so a phone loads the code of none of them. Without JavaScript the same HTML's forms
//! post as they are, and the server answers with the page again.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the participant's page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomPage {
    /// The workshop's title (the join page's own where no code was given).
    pub title: String,
    /// The room's code; empty on the join page.
    pub code: String,
    /// The sequence number of the screen shown, once the visitor joined: the live socket
    /// follows from it.
    pub seq: Option<i64>,
    /// The page below its heading, as HTML.
    pub html: String,
}

/// The participant's page of the room `code` (empty: the join page, where the code is typed),
/// written in `locale`. `failed` is the answer of a form of the page that the server refused
/// (as its server function sent it), and `failed_path` that server function's path: the page
/// shows the problem at the form and what was typed, as it does after a post without
/// JavaScript. `NotFound` for a code that opens nothing; a removed participant is `Forbidden`.
#[server(endpoint = "workshop/room_page")]
pub async fn read_room_page(
    code: String,
    #[server(default)] locale: String,
    #[server(default)] failed_path: String,
    #[server(default)] failed: String,
) -> Result<RoomPage, AppError> {
    use crate::i18n::*;
    let locale = match locale.as_str() {
        "" => Locale::default(),
        tag => crate::ui::parse_locale(tag).map_err(|_| AppError::BadRequest)?,
    };
    let failed = (!failed.is_empty())
        .then(|| html::refusal(&failed_path, failed))
        .transpose()?;
    if code.trim().is_empty() {
        return Ok(RoomPage {
            title: td_string!(locale, live_join_title).to_string(),
            code: String::new(),
            seq: None,
            html: html::write(None, locale, failed),
        });
    }
    let room = super::api::open_room(code).await?;
    Ok(RoomPage {
        title: room.title.clone(),
        code: room.code.clone(),
        seq: room.screen.as_ref().map(|s| s.seq),
        html: html::write(Some(&room), locale, failed),
    })
}

#[cfg(feature = "ssr")]
mod html {
    use crate::error::AppError;
    use crate::i18n::*;
    use crate::ui::{action_error, view_locale, Field, FormNotice};
    use crate::workshop::api::JoinWorkshop;
    use crate::workshop::model::Room;
    use crate::workshop::screen_pages::{ScreenActions, ScreenView};
    use base64::engine::general_purpose::URL_SAFE;
    use base64::Engine as _;
    use leptos::prelude::*;
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::ServerFn;
    use leptos::tachys::view::RenderHtml;

    /// The forms of a participant's page, by their server functions' paths: a refusal is shown
    /// only at one of them.
    fn posts_here(path: &str) -> bool {
        use crate::workshop::{api, ideas_api, questions_api};
        [
            api::JoinWorkshop::PATH,
            api::AnswerActivity::PATH,
            questions_api::AskQuestion::PATH,
            questions_api::VoteQuestion::PATH,
            ideas_api::PostNote::PATH,
            ideas_api::DotNote::PATH,
        ]
        .contains(&path)
    }

    /// A refused post, as the page's views take it from a post without JavaScript: only a
    /// refusal of one of the page's own forms, in the form its server function sends it.
    pub fn refusal(path: &str, failed: String) -> Result<ServerActionError, AppError> {
        let error = serde_json::from_str::<AppError>(&failed).map_err(|_| AppError::BadRequest)?;
        if !posts_here(path) {
            return Err(AppError::BadRequest);
        }
        Ok(ServerActionError::new(path, &URL_SAFE.encode(error.ser())))
    }

    /// The page below its heading. Outside a page's render (a server function's answer) there
    /// is no `I18nContext`: the views take `locale` from the context given here.
    pub fn write(room: Option<&Room>, locale: Locale, failed: Option<ServerActionError>) -> String {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(locale);
            if let Some(failed) = failed {
                provide_context(failed);
            }
            match room {
                None => view! {
                    <p>{td!(locale, live_join_intro)}</p>
                    <JoinForm code=None anonymous_allowed=true />
                }
                .to_html(),
                Some(room) => view! { <RoomBody room=room.clone() /> }.to_html(),
            }
        })
    }

    #[component]
    fn RoomBody(room: Room) -> impl IntoView {
        let locale = view_locale();
        match room.screen {
            Some(screen) => {
                let who = room
                    .nickname
                    .unwrap_or_else(|| td_string!(locale, workshop_anonymous).to_string());
                view! {
                    <p class="muted">{td!(locale, live_joined_as, who)}</p>
                    <ScreenView code=room.code screen actions=ScreenActions::default() />
                }
                .into_any()
            }
            None if room.joining_locked => view! {
                <p class="notice notice-error" role="status">{td!(locale, problem_joining_locked)}</p>
            }
            .into_any(),
            None => view! { <JoinForm code=Some(room.code) anonymous_allowed=room.anonymous_allowed /> }
                .into_any(),
        }
    }

    /// The join form: with the code typed in (the join page), or carried by the page's address
    /// (the room of a code, reached by its link or QR code).
    #[component]
    fn JoinForm(code: Option<String>, anonymous_allowed: bool) -> impl IntoView {
        let locale = view_locale();
        let join = ServerAction::<JoinWorkshop>::new();
        let error = action_error(join);
        let label = td_string!(locale, field_nickname).to_string();
        let nickname = if anonymous_allowed {
            let hint = td_string!(locale, field_nickname_hint_anonymous).to_string();
            view! { <Field name="nickname" label hint error autocomplete="nickname" /> }.into_any()
        } else {
            view! { <Field name="nickname" label error autocomplete="nickname" required=true /> }
                .into_any()
        };
        view! {
            <ActionForm action=join>
                <FormNotice error />
                {match code {
                    Some(code) => view! { <input type="hidden" name="code" value=code /> }.into_any(),
                    None => view! {
                        <Field name="code" label=td_string!(locale, field_join_code).to_string() error required=true />
                    }
                    .into_any(),
                }}
                {nickname}
                <button type="submit" class="button primary">{td!(locale, live_join_submit)}</button>
            </ActionForm>
        }
    }
}
