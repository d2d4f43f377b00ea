//! Server functions for documents: the list a workspace's page shows, and deleting one.
//! Uploading and downloading are routes of their own (`document_http.rs`), as their bodies
//! are files.

use super::document::DocumentList;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::document_store as store, super::store::require_reader, crate::ssr};

/// The workspace's documents for whoever may read it.
#[server(endpoint = "workspace/documents", input = server_fn::codec::GetUrl)]
pub async fn list_documents(workspace_id: String) -> Result<DocumentList, AppError> {
    let context = ssr::context()?;
    let reader = require_reader(&context.db, &workspace_id).await?;
    let workspace_id = &reader.workspace().workspace_id;
    Ok(DocumentList {
        documents: store::documents(&context.db, &reader).await?,
        writes: reader.role().is_some_and(super::model::Role::writes),
        max_bytes: context.documents.max_bytes(),
        used_bytes: store::used_bytes(&context.db.pool, workspace_id).await?,
        room_bytes: context.documents.workspace_bytes(),
    })
}

/// Its uploader (while they write here) or a facilitator deletes a document.
#[server(endpoint = "workspace/delete_document")]
pub async fn delete_document(workspace_id: String, document_id: String) -> Result<(), AppError> {
    let context = ssr::context()?;
    let reader = require_reader(&context.db, &workspace_id).await?;
    if reader.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    store::delete(&context.db, &context.documents, &reader, &document_id).await
}
