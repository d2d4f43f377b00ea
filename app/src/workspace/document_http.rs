//! The two routes of documents that are not server functions, because their bodies are files:
//! an upload (a `multipart/form-data` form, the same with JavaScript or without, under its own
//! body limit) and a download (streamed, always as an attachment). Server only.

use super::document::{DocumentProblem, PROBLEM_PARAM};
use super::document_store::{self, Incoming};
use super::store::{reader_as, writer_as};
use crate::error::AppError;
use crate::identity::session::{user_of, LOCALE_COOKIE};
use crate::ssr::{cookie_in, ServerContext};
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use futures::StreamExt;

/// Room for the form's boundaries and headers around the file.
pub const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;

/// An error as a short page in the reader's language.
fn refuse(headers: &HeaderMap, error: &AppError) -> Response {
    let locale = match cookie_in(headers, LOCALE_COOKIE).as_deref() {
        Some("hr") => crate::i18n::Locale::hr,
        _ => crate::i18n::Locale::en,
    };
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, crate::ui::error_text_in(locale, error)).into_response()
}

/// Back to the workspace's documents, with the upload's problem if it had one.
fn back(workspace_id: &str, problem: Option<DocumentProblem>) -> Response {
    let query = problem
        .map(|p| format!("?{PROBLEM_PARAM}={}", p.as_str()))
        .unwrap_or_default();
    Redirect::to(&format!("/workspaces/{workspace_id}{query}#documents")).into_response()
}

/// `POST /workspaces/{id}/documents`: a writer of the workspace shares the form's `file`.
pub async fn upload(
    context: ServerContext,
    workspace_id: String,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let db = &context.db;
    let writer = match user_of(db, &headers).await {
        Ok(user) => writer_as(db, user, &workspace_id).await,
        Err(e) => Err(e),
    };
    let writer = match writer {
        Ok(writer) => writer,
        Err(e) => return refuse(&headers, &e),
    };
    let storage = &context.documents;
    // A body announced as too large is refused before a byte of it is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > storage.max_bytes() + FORM_OVERHEAD_BYTES) {
        return back(&workspace_id, Some(DocumentProblem::TooLarge));
    }
    let Ok(mut form) = form else {
        return refuse(&headers, &AppError::BadRequest);
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return back(&workspace_id, Some(DocumentProblem::NoFile)),
            Err(e) => return back(&workspace_id, Some(arrival_problem(e.status()))),
        };
        if field.name() != Some("file") {
            continue;
        }
        let sent_name = field.file_name().unwrap_or_default().to_owned();
        let body: Incoming<'_> =
            Box::pin(field.map(|chunk| chunk.map_err(|e| arrival_problem(e.status()))));
        return match document_store::upload(db, storage, &writer, &sent_name, body).await {
            Ok(Ok(_)) => back(&workspace_id, None),
            Ok(Err(problem)) => back(&workspace_id, Some(problem)),
            Err(e) => refuse(&headers, &e),
        };
    }
}

/// Why a form's body stopped arriving: past the route's limit, or broken off.
fn arrival_problem(status: StatusCode) -> DocumentProblem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        DocumentProblem::TooLarge
    } else {
        DocumentProblem::NotStored
    }
}

/// `GET /workspaces/{id}/documents/{document}`: the file, for anyone who may read the
/// workspace, as an attachment that no browser shows or runs in the platform's origin.
pub async fn download(
    context: ServerContext,
    workspace_id: String,
    document_id: String,
    headers: HeaderMap,
) -> Response {
    let db = &context.db;
    let file = match user_of(db, &headers).await {
        Ok(user) => match reader_as(db, user, &workspace_id).await {
            Ok(reader) => {
                document_store::download(db, &context.documents, &reader, &document_id).await
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let file = match file {
        Ok(file) => file,
        Err(e) => return refuse(&headers, &e),
    };
    let mut response = Response::new(Body::from_stream(file.body));
    let h = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, file.media_type),
        (header::CONTENT_LENGTH, file.size_bytes.to_string()),
        (header::CONTENT_DISPOSITION, disposition(&file.name)),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        // Should a browser still show it, it shows it with no scripts and no origin.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            h.insert(name, value);
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// `attachment`, with the name as ASCII for old clients and in full as RFC 5987 says.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_names_its_file_in_ascii_and_in_full() {
        assert_eq!(
            disposition("Plan \"Šibenik\".pdf"),
            "attachment; filename=\"Plan __ibenik_.pdf\"; filename*=UTF-8''Plan%20%22%C5%A0ibenik%22.pdf"
        );
    }
}
