//! Discussions' pages: a workspace's threads (on its home, with the form that starts one) and
//! a thread's page with its posts, the reply form, and editing, deleting and pinning.

use super::discussion::{Post, ThreadLine, ThreadPage, ThreadView};
use super::discussion_api::{
    get_thread, list_threads, DeletePost, EditPost, PinThread, Reply, StartThread,
};
use crate::assessment::round::day_of;
use crate::i18n::*;
use crate::ui::{
    action_error, or_error_page, page_data, page_title, textarea_text, ButtonNotice, Field,
    FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

lazy_page!(ThreadRoute, ThreadPageView);

/// A workspace's threads, a page at a time (`?before=` in the address), with the form that
/// starts one for those who write.
#[component]
pub fn Discussions(workspace_id: String, writes: bool) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before")).unwrap_or_default();
    let id = workspace_id.clone();
    let threads = page_data(
        move || (id.clone(), before()),
        |(id, before)| list_threads(id, before),
    );
    let start = writes.then(|| view! { <StartForm workspace_id=workspace_id.clone() /> });
    view! {
        <h2 id="discussions">{t!(i18n, discussions_title)}</h2>
        <Suspense fallback=|| ()>
            {
                move || {
                    let workspace_id = workspace_id.clone();
                    Suspend::new(async move {
                        or_error_page(threads.await, move |page| view! { <ThreadList workspace_id page /> })
                    })
                }
            }
        </Suspense>
        {start}
    }
}

#[component]
fn ThreadList(workspace_id: String, page: ThreadPage) -> impl IntoView {
    let i18n = use_i18n();
    let line = |t: ThreadLine, workspace_id: &str| {
        let posts = t.posts;
        let author = t
            .author
            .clone()
            .unwrap_or_else(|| t_string!(i18n, former_member).to_string());
        view! {
            <li>
                <a href=format!("/workspaces/{workspace_id}/threads/{}", t.thread_id)>{t.title.clone()}</a>
                {t.pinned.then(|| view! { " " <span class="badge">{t!(i18n, thread_pinned)}</span> })}
                {t.unread.then(|| view! { " " <span class="badge badge-new">{t!(i18n, thread_unread)}</span> })}
                <span class="muted">
                    " · " {author} " · " {t!(i18n, thread_posts, posts)} " · " {day_of(t.last_post_at)}
                </span>
            </li>
        }
    };
    let none = page.pinned.is_empty() && page.threads.is_empty();
    let lines = page
        .pinned
        .into_iter()
        .chain(page.threads)
        .map(|t| line(t, &workspace_id))
        .collect_view();
    view! {
        {none.then(|| view! { <p class="muted">{t!(i18n, discussions_none)}</p> })}
        <ul class="threads">{lines}</ul>
        {page.next.map(|next| view! {
            <p><a href=format!("/workspaces/{workspace_id}?before={next}")>{t!(i18n, discussions_older)}</a></p>
        })}
    }
}

#[component]
fn StartForm(workspace_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartThread>::new();
    let error = action_error(start);
    let kept = move || {
        error
            .get_untracked()
            .and_then(|e| e.kept("body").map(str::to_owned))
            .unwrap_or_default()
    };
    view! {
        <h3>{t!(i18n, discussions_start_title)}</h3>
        <ActionForm action=start>
            <FormNotice error />
            <input type="hidden" name="workspace_id" value=workspace_id />
            <Field name="title" label=t_string!(i18n, field_thread_title).to_string() error required=true />
            <div class="field">
                <label for="field-body">{t!(i18n, field_post_body)}</label>
                <textarea id="field-body" name="body" rows="6" aria-describedby="field-body-hint">
                    {textarea_text(kept())}
                </textarea>
                <p class="hint" id="field-body-hint">{t!(i18n, field_post_body_hint)}</p>
                <FieldProblem name="body" error />
            </div>
            <button type="submit" class="button primary">{t!(i18n, discussions_start_submit)}</button>
        </ActionForm>
    }
}

/// The actions of a thread's page: any of them done reads the page again.
#[derive(Clone, Copy)]
struct Actions {
    reply: ServerAction<Reply>,
    edit: ServerAction<EditPost>,
    delete: ServerAction<DeletePost>,
    pin: ServerAction<PinThread>,
}

#[component]
pub fn ThreadPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let thread_id = Memo::new(move |_| params.with(|p| p.get("thread")).unwrap_or_default());
    let after = move || query.with(|q| q.get("after")).unwrap_or_default();
    let a = Actions {
        reply: ServerAction::new(),
        edit: ServerAction::new(),
        delete: ServerAction::new(),
        pin: ServerAction::new(),
    };
    let thread = page_data(
        move || {
            (
                thread_id.get(),
                after(),
                [
                    a.reply.version().get(),
                    a.edit.version().get(),
                    a.delete.version().get(),
                    a.pin.version().get(),
                ],
            )
        },
        |(id, after, _)| get_thread(id, after),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(thread.await, move |t| view! { <ThreadBody t a /> })
            })}
        </Suspense>
    }
}

#[component]
fn ThreadBody(t: ThreadView, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let home = format!("/workspaces/{}", t.workspace_id);
    let pin_error = action_error(a.pin);
    let thread_id = t.thread_id.clone();
    let posts = t
        .posts
        .iter()
        .cloned()
        .map(|post| view! { <PostView post thread_id=thread_id.clone() a /> })
        .collect_view();
    let pin = t.facilitates.then(|| {
        let (workspace_id, thread_id) = (t.workspace_id.clone(), t.thread_id.clone());
        view! {
            <ActionForm action=a.pin attr:class="inline-form">
                <input type="hidden" name="workspace_id" value=workspace_id />
                <input type="hidden" name="thread_id" value=thread_id />
                <input type="hidden" name="pinned" value=if t.pinned { "0" } else { "1" } />
                <button type="submit" class="button">
                    {if t.pinned { t!(i18n, thread_unpin).into_any() } else { t!(i18n, thread_pin).into_any() }}
                </button>
                <ButtonNotice error=pin_error />
            </ActionForm>
        }
    });
    view! {
        <Title text=page_title(&t.title) />
        <section>
            <p><a href=home.clone()>{t.workspace_name.clone()}</a></p>
            <h1>{t.title.clone()}</h1>
            {pin}
            <ol class="posts">{posts}</ol>
            {t.next.clone().map(|next| view! {
                <p><a href=format!("{home}/threads/{}?after={next}", t.thread_id)>{t!(i18n, thread_later_posts)}</a></p>
            })}
            {t.writes.then(|| view! { <ReplyForm thread_id=t.thread_id.clone() a /> })}
        </section>
    }
}

#[component]
fn PostView(post: Post, thread_id: String, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let author = post
        .author
        .clone()
        .unwrap_or_else(|| t_string!(i18n, former_member).to_string());
    let body = if post.deleted {
        view! { <p class="muted">{t!(i18n, post_deleted)}</p> }.into_any()
    } else {
        view! { <div class="post-body" inner_html=post.html.clone()></div> }.into_any()
    };
    let change = post.mine_to_change.then(|| {
        let edit_error = action_error(a.edit);
        let delete_error = action_error(a.delete);
        let field = format!("field-edit-{}", post.post_id);
        let (edit_thread, edit_post) = (thread_id.clone(), post.post_id.clone());
        let (delete_thread, delete_post) = (thread_id.clone(), post.post_id.clone());
        let source = post.source.clone().unwrap_or_default();
        view! {
            <details>
                <summary>{t!(i18n, post_edit)}</summary>
                <ActionForm action=a.edit>
                    <FormNotice error=edit_error />
                    <input type="hidden" name="thread_id" value=edit_thread />
                    <input type="hidden" name="post_id" value=edit_post />
                    <label for=field.clone()>{t!(i18n, field_post_body)}</label>
                    <textarea id=field name="body" rows="6">{textarea_text(source)}</textarea>
                    <button type="submit" class="button primary">{t!(i18n, save)}</button>
                </ActionForm>
            </details>
            <ActionForm action=a.delete attr:class="inline-form">
                <input type="hidden" name="thread_id" value=delete_thread />
                <input type="hidden" name="post_id" value=delete_post />
                <button type="submit" class="button">{t!(i18n, post_delete)}</button>
                <ButtonNotice error=delete_error />
            </ActionForm>
        }
    });
    view! {
        <li class="post" id=format!("post-{}", post.post_id)>
            <p class="muted">
                <strong>{author}</strong> " · " {day_of(post.created_at)}
                {post.edited.then(|| view! { " · " {t!(i18n, post_edited)} })}
            </p>
            {body}
            {change}
        </li>
    }
}

#[component]
fn ReplyForm(thread_id: String, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.reply);
    let kept = move || {
        error
            .get_untracked()
            .and_then(|e| e.kept("body").map(str::to_owned))
            .unwrap_or_default()
    };
    view! {
        <h2>{t!(i18n, thread_reply_title)}</h2>
        <ActionForm action=a.reply>
            <FormNotice error />
            <input type="hidden" name="thread_id" value=thread_id />
            <div class="field">
                <label for="field-reply">{t!(i18n, field_post_body)}</label>
                <textarea id="field-reply" name="body" rows="5" aria-describedby="field-reply-hint">
                    {textarea_text(kept())}
                </textarea>
                <p class="hint" id="field-reply-hint">{t!(i18n, field_post_body_hint)}</p>
                <FieldProblem name="body" error />
            </div>
            <button type="submit" class="button primary">{t!(i18n, thread_reply_submit)}</button>
        </ActionForm>
    }
}
