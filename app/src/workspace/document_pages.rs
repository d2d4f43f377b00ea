//! A workspace's documents on its home: the list (who shared what, when), deleting, and the
//! upload form. The form is a plain `multipart/form-data` form, the same with JavaScript or
//! without; with JavaScript, a file over the limit is refused before it is sent.

use super::document::{
    extensions, href, size_text, DocumentLine, DocumentList, DocumentProblem, PROBLEM_PARAM,
};
use super::document_api::{list_documents, DeleteDocument};
use crate::assessment::round::day_of;
use crate::i18n::*;
use crate::ui::{action_error, or_error_page, page_data, ButtonNotice};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;

/// Megabytes, as the page states the limit.
fn megabytes(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

fn problem_text(i18n: I18nContext<Locale>, problem: DocumentProblem, max_mb: u64) -> String {
    match problem {
        DocumentProblem::NoFile => t_string!(i18n, document_problem_no_file).to_string(),
        DocumentProblem::Empty => t_string!(i18n, document_problem_empty).to_string(),
        DocumentProblem::TooLarge => {
            t_string!(i18n, document_problem_too_large, max = max_mb).to_string()
        }
        DocumentProblem::Forbidden => t_string!(i18n, document_problem_forbidden).to_string(),
        DocumentProblem::Mismatch => t_string!(i18n, document_problem_mismatch).to_string(),
        DocumentProblem::NotStored => t_string!(i18n, document_problem_not_stored).to_string(),
        DocumentProblem::Full => t_string!(i18n, document_problem_full).to_string(),
        DocumentProblem::DailyLimit => t_string!(i18n, document_problem_daily_limit).to_string(),
    }
}

/// The workspace's documents, and the form that shares one for those who write.
#[component]
pub fn Documents(workspace_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteDocument>::new();
    let id = workspace_id.clone();
    let list = page_data(
        move || (id.clone(), delete.version().get()),
        |(id, _)| list_documents(id),
    );
    view! {
        <h2 id="documents">{t!(i18n, documents_title)}</h2>
        <Suspense fallback=|| ()>
            {move || {
                let workspace_id = workspace_id.clone();
                Suspend::new(async move {
                    or_error_page(list.await, move |list| view! { <DocumentBody workspace_id list delete /> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn DocumentBody(
    workspace_id: String,
    list: DocumentList,
    delete: ServerAction<DeleteDocument>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let max_mb = megabytes(list.max_bytes);
    let problem = move || {
        query
            .with(|q| q.get(PROBLEM_PARAM))
            .and_then(|p| DocumentProblem::parse(&p))
            .map(|p| {
                view! { <p class="notice notice-error" role="alert">{problem_text(i18n, p, max_mb)}</p> }
            })
    };
    let none = list.documents.is_empty();
    let lines = list
        .documents
        .into_iter()
        .map(|d| view! { <DocumentItem workspace_id=workspace_id.clone() d delete /> })
        .collect_view();
    let form = list.writes.then(
        || view! { <UploadForm workspace_id=workspace_id.clone() max_bytes=list.max_bytes /> },
    );
    let bytes = |n: u64| size_text(i64::try_from(n).unwrap_or(i64::MAX));
    let (used, room) = (bytes(list.used_bytes), bytes(list.room_bytes));
    let usage = (list.writes && list.room_bytes < u64::MAX)
        .then(|| view! { <p class="muted">{t!(i18n, documents_space_used, used, room)}</p> });
    view! {
        {problem}
        {none.then(|| view! { <p class="muted">{t!(i18n, documents_none)}</p> })}
        <ul class="documents">{lines}</ul>
        {usage}
        {form}
    }
}

#[component]
fn DocumentItem(
    workspace_id: String,
    d: DocumentLine,
    delete: ServerAction<DeleteDocument>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(delete);
    let uploader = d
        .uploader
        .clone()
        .unwrap_or_else(|| t_string!(i18n, former_member).to_string());
    let remove = d.deletable.then(|| {
        let label = format!("{} {}", t_string!(i18n, post_delete), d.name);
        let (workspace_id, document_id) = (workspace_id.clone(), d.document_id.clone());
        view! {
            " "
            <ActionForm action=delete attr:class="inline-form">
                <input type="hidden" name="workspace_id" value=workspace_id />
                <input type="hidden" name="document_id" value=document_id />
                <button type="submit" class="button" aria-label=label>{t!(i18n, post_delete)}</button>
                <ButtonNotice error />
            </ActionForm>
        }
    });
    view! {
        <li>
            <a href=href(&workspace_id, &d.document_id) download=d.name.clone()>{d.name.clone()}</a>
            <span class="muted">
                " · " {size_text(d.size_bytes)} " · " {uploader} " · " {day_of(d.created_at)}
            </span>
            {remove}
        </li>
    }
}

#[component]
fn UploadForm(workspace_id: String, max_bytes: u64) -> impl IntoView {
    let i18n = use_i18n();
    let max_mb = megabytes(max_bytes);
    let too_large = t_string!(i18n, document_problem_too_large, max = max_mb).to_string();
    let input = NodeRef::<leptos::html::Input>::new();
    // In the browser, a file over the limit is marked invalid as soon as it is chosen, so the
    // form is not sent (a phone on a slow network would send it all, to be refused).
    let check_size = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get_untracked() {
            let size = input
                .files()
                .and_then(|files| files.get(0))
                .map(|file| file.size())
                .unwrap_or(0.0);
            let message = if size > max_bytes as f64 {
                too_large.as_str()
            } else {
                ""
            };
            input.set_custom_validity(message);
            input.report_validity();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&input, &too_large);
    };
    view! {
        <h3>{t!(i18n, documents_share_title)}</h3>
        <form method="post" action=format!("/workspaces/{workspace_id}/documents") enctype="multipart/form-data">
            <div class="field">
                <label for="document-file">{t!(i18n, documents_file)}</label>
                <input
                    id="document-file"
                    node_ref=input
                    type="file"
                    name="file"
                    required
                    accept=extensions()
                    aria-describedby="document-file-hint"
                    on:change=check_size
                />
                <p class="hint" id="document-file-hint">{t!(i18n, documents_hint, max = max_mb)}</p>
            </div>
            <button type="submit" class="button primary">{t!(i18n, documents_share)}</button>
        </form>
    }
}
