//! A workspace's home at a glance: what needs the member's attention, at the top, and the
//! recent activity, below the documents. Both read the same answer of [`get_activity`].

use super::activity::{ActivityKind, ActivityLine, Attention, WorkspaceActivity};
use super::activity_api::get_activity;
use super::document::href;
use crate::assessment::round::day_of;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{or_error_page, page_data, PageData};
use leptos::prelude::*;

/// What a workspace's home shows at a glance, loaded once for both of its places.
pub type Glance = PageData<Result<WorkspaceActivity, AppError>>;

pub fn glance(workspace_id: String) -> Glance {
    page_data(move || workspace_id.clone(), get_activity)
}

/// What needs the member's attention here; nothing for someone who is not a member.
#[component]
pub fn AttentionPanel(workspace_id: String, glance: Glance) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let workspace_id = workspace_id.clone();
                Suspend::new(async move {
                    glance
                        .await
                        .ok()
                        .and_then(|g| g.attention)
                        .map(|attention| view! { <AttentionBox workspace_id attention /> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn AttentionBox(workspace_id: String, attention: Attention) -> impl IntoView {
    let i18n = use_i18n();
    if attention.is_clear() {
        return view! {
            <section class="attention" aria-labelledby="attention-title">
                <h2 id="attention-title">{t!(i18n, attention_title)}</h2>
                <p class="muted">{t!(i18n, attention_clear)}</p>
            </section>
        }
        .into_any();
    }
    let (unread, notices, waiting) = (
        attention.unread_threads,
        attention.notices,
        attention.waiting,
    );
    let named = attention.threads.len() as i64;
    let threads = attention
        .threads
        .into_iter()
        .map(|t| {
            view! {
                <li><a href=format!("/workspaces/{workspace_id}/threads/{}", t.thread_id)>{t.title}</a></li>
            }
        })
        .collect_view();
    view! {
        <section class="attention" aria-labelledby="attention-title">
            <h2 id="attention-title">{t!(i18n, attention_title)}</h2>
            <ul>
                {(unread > 0).then(|| view! {
                    <li>
                        {t!(i18n, attention_unread_threads, count = unread)}
                        <ul>{threads}</ul>
                        {(unread > named).then(|| view! {
                            <a href="#discussions">{t!(i18n, attention_more_threads, count = unread - named)}</a>
                        })}
                    </li>
                })}
                {(notices > 0).then(|| view! {
                    <li><a href="/notifications">{t!(i18n, attention_notices, count = notices)}</a></li>
                })}
                {(waiting > 0).then(|| view! {
                    <li><a href="#waiting">{t!(i18n, attention_waiting, count = waiting)}</a></li>
                })}
            </ul>
        </section>
    }
    .into_any()
}

/// The workspace's recent activity, newest first.
#[component]
pub fn ActivityFeed(workspace_id: String, glance: Glance) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="activity">{t!(i18n, activity_title)}</h2>
        <Suspense fallback=|| ()>
            {move || {
                let workspace_id = workspace_id.clone();
                Suspend::new(async move {
                    or_error_page(glance.await, move |g| {
                        let none = g.feed.is_empty();
                        let lines = g
                            .feed
                            .into_iter()
                            .map(|line| view! { <FeedLine workspace_id=workspace_id.clone() line /> })
                            .collect_view();
                        view! {
                            {none.then(|| view! { <p class="muted">{t!(i18n, activity_none)}</p> })}
                            <ul class="feed">{lines}</ul>
                        }
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn FeedLine(workspace_id: String, line: ActivityLine) -> impl IntoView {
    let i18n = use_i18n();
    let actor = line
        .actor
        .unwrap_or_else(|| t_string!(i18n, former_member).to_string());
    let what = match line.kind {
        ActivityKind::Started => t_string!(i18n, activity_started),
        ActivityKind::Replied => t_string!(i18n, activity_replied),
        ActivityKind::Shared => t_string!(i18n, activity_shared),
        ActivityKind::Joined => t_string!(i18n, activity_joined),
    };
    let target = line.target_id.zip(line.target).map(|(id, name)| {
        let at = match line.kind {
            ActivityKind::Shared => href(&workspace_id, &id),
            _ => format!("/workspaces/{workspace_id}/threads/{id}"),
        };
        view! { " " <a href=at>{name}</a> }
    });
    view! {
        <li>
            {actor} " " {what} {target}
            <span class="muted">" · " {day_of(line.at)}</span>
        </li>
    }
}
