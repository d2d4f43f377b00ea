//! The server function of a workspace's home at a glance.

use super::activity::WorkspaceActivity;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::activity_store as store, super::store::require_reader, crate::ssr};

/// The workspace's recent activity for whoever may read it, with what needs the attention of a
/// member.
#[server(endpoint = "workspace/activity", input = server_fn::codec::GetUrl)]
pub async fn get_activity(workspace_id: String) -> Result<WorkspaceActivity, AppError> {
    let db = ssr::db()?;
    let reader = require_reader(&db, &workspace_id).await?;
    store::activity(&db, &reader).await
}
