//! Template operations for the command line and for start-up, with the same rules as the
//! import form.

use super::model::{Template, TemplateError};
use super::store::{self, Saved};
use crate::db::Db;
use crate::error::AppError;

/// The built-in questionnaire, after `../shared/domain/assessment-sample.md`, in English and
/// Croatian.
pub const BUILT_IN: &str = include_str!("../../templates/regional-cluster-policy.json");

/// Why an import from the command line failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the template file is not valid: {0}")]
    Template(#[from] TemplateError),
    #[error("{0}")]
    Stored(#[from] AppError),
}

/// Loads the built-in template into a platform that has no template of its key yet. An
/// administrator's later versions of it are kept: the built-in one never overwrites them.
pub async fn load_built_in(db: &Db) -> Result<(), ImportError> {
    let template = Template::from_json(BUILT_IN)?;
    if !store::has_template(db, &template.key).await? {
        store::insert_version(db, &template, None).await?;
        tracing::info!(key = %template.key, "built-in questionnaire template loaded");
    }
    Ok(())
}

/// `server template import FILE`: the file's template as its key's next version.
pub async fn import(db: &Db, json: &str) -> Result<Saved, ImportError> {
    let template = Template::from_json(json)?;
    Ok(store::insert_version(db, &template, None).await?)
}

/// `server template export KEY` (the latest version) or `… VERSION_ID`: the template file.
pub async fn export(db: &Db, key_or_version: &str) -> Result<String, AppError> {
    let version = match store::latest_by_key(db, key_or_version).await {
        Err(AppError::NotFound) => store::template_version(db, key_or_version).await?,
        other => other?,
    };
    Ok(version.definition.to_json())
}
