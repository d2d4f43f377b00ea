//! Server functions for questionnaire templates: administrators list, read, import and export
//! them.

use super::model::{Template, TemplateSummary, TemplateVersion};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::store, crate::error::Problem, crate::identity::session::require_admin, crate::ssr};

#[server(endpoint = "assessment/templates")]
pub async fn list_templates() -> Result<Vec<TemplateSummary>, AppError> {
    let admin = require_admin().await?;
    store::templates(&ssr::db()?, &admin).await
}

/// One version of a template and the list of all its versions, newest first.
#[server(endpoint = "assessment/template")]
pub async fn get_template(
    version_id: String,
) -> Result<(TemplateVersion, Vec<(String, i64)>), AppError> {
    require_admin().await?;
    let db = ssr::db()?;
    let version = store::template_version(&db, &version_id).await?;
    let versions = store::versions_of(&db, &version.template_id)
        .await?
        .into_iter()
        .map(|v| (v.version_id, v.version))
        .collect();
    Ok((version, versions))
}

/// Reads a template file pasted into the import form and saves it as its key's next version
/// (or finds it unchanged), then shows that version.
#[server(endpoint = "assessment/import_template")]
pub async fn import_template(definition: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let template = Template::from_json(&definition).map_err(|e| {
        AppError::field(
            "definition",
            Problem::BadTemplate {
                path: e.path,
                message: e.message,
            },
        )
    })?;
    let saved = store::save_template(&ssr::db()?, &admin, &template).await?;
    leptos_axum::redirect(&format!("/admin/templates/{}", saved.version_id));
    Ok(())
}

/// A template version as a file to download: the same JSON that import reads.
#[server(endpoint = "assessment/export_template", input = server_fn::codec::GetUrl)]
pub async fn export_template(version_id: String) -> Result<Template, AppError> {
    require_admin().await?;
    let version = store::template_version(&ssr::db()?, &version_id).await?;
    let name = format!(
        "attachment; filename=\"{}-v{}.json\"",
        version.definition.key, version.version
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&name),
    ) {
        response.insert_header(http::header::CONTENT_DISPOSITION, value);
    }
    Ok(version.definition)
}
