//! SQL for questionnaire templates. A version's definition is stored as canonical JSON and
//! never rewritten: saving a changed template adds a version.

use super::model::{Template, TemplateSummary, TemplateVersion};
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::AppError;
use crate::identity::session::Admin;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Arc;

/// What saving a template did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub version_id: String,
    pub version: i64,
    /// False when the latest version had the same definition already: nothing was written.
    pub created: bool,
}

fn definition(r: &AnyRow) -> Result<Template, AppError> {
    let raw: String = r.try_get("definition")?;
    serde_json::from_str(&raw).map_err(|_| bad_value("definition", &raw))
}

fn version(r: &AnyRow) -> Result<TemplateVersion, AppError> {
    Ok(TemplateVersion {
        version_id: r.try_get("version_id")?,
        template_id: r.try_get("template_id")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        definition: definition(r)?,
    })
}

/// An administrator saves a template (from the import form).
#[tracing::instrument(skip_all, fields(by = %by.user_id, key = %template.key))]
pub async fn save_template(db: &Db, by: &Admin, template: &Template) -> Result<Saved, AppError> {
    insert_version(db, template, Some(&by.user_id)).await
}

/// Saves a template as its key's next version, unless the latest version is the same. Two
/// saves of one key at once: the second to commit meets the version's unique key and tries
/// again on the new latest version.
pub(crate) async fn insert_version(
    db: &Db,
    template: &Template,
    created_by: Option<&str>,
) -> Result<Saved, AppError> {
    let canonical = serde_json::to_string(template).map_err(|e| {
        tracing::error!(error = %e, "a template could not be written as JSON");
        AppError::Internal
    })?;
    for _ in 0..5 {
        if let Some(saved) = try_insert_version(db, &template.key, &canonical, created_by).await? {
            return Ok(saved);
        }
    }
    tracing::error!(key = %template.key, "a template version lost five races in a row");
    Err(AppError::Internal)
}

async fn try_insert_version(
    db: &Db,
    key: &str,
    canonical: &str,
    created_by: Option<&str>,
) -> Result<Option<Saved>, AppError> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "insert into assessment_template (template_id, template_key, created_at) values ($1, $2, $3)
         on conflict (template_key) do nothing",
    )
    .bind(new_id())
    .bind(key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let template_id: String =
        sqlx::query("select template_id from assessment_template where template_key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?
            .try_get("template_id")?;
    let latest = sqlx::query(
        "select version_id, version, definition from assessment_template_version
         where template_id = $1 order by version desc limit 1",
    )
    .bind(&template_id)
    .fetch_optional(&mut *tx)
    .await?;
    let next = match &latest {
        Some(row) => {
            let stored: String = row.try_get("definition")?;
            if stored == canonical {
                return Ok(Some(Saved {
                    version_id: row.try_get("version_id")?,
                    version: row.try_get("version")?,
                    created: false,
                }));
            }
            row.try_get::<i64, _>("version")? + 1
        }
        None => 1,
    };
    let version_id = new_id();
    let inserted = sqlx::query(
        "insert into assessment_template_version (version_id, template_id, version, definition, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&version_id)
    .bind(&template_id)
    .bind(next)
    .bind(canonical)
    .bind(created_by)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            return Ok(None)
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(Some(Saved {
        version_id,
        version: next,
        created: true,
    }))
}

/// The latest version of every template, by English title: what a new round is started with.
#[tracing::instrument(skip_all)]
pub async fn latest_versions(db: &Db) -> Result<Vec<TemplateVersion>, AppError> {
    Ok(templates_unchecked(db)
        .await?
        .into_iter()
        .map(|t| t.latest)
        .collect())
}

/// Every template with its latest version, by English title.
#[tracing::instrument(skip_all)]
pub async fn templates(db: &Db, _: &Admin) -> Result<Vec<TemplateSummary>, AppError> {
    templates_unchecked(db).await
}

async fn templates_unchecked(db: &Db) -> Result<Vec<TemplateSummary>, AppError> {
    let rows = sqlx::query(
        "select v.version_id, v.template_id, v.version, v.definition, v.created_at,
                (select count(*) from assessment_template_version c where c.template_id = v.template_id) as versions
         from assessment_template_version v
         where v.version = (select max(m.version) from assessment_template_version m where m.template_id = v.template_id)",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut summaries = rows
        .iter()
        .map(|r| {
            let latest = version(r)?;
            Ok(TemplateSummary {
                versions: r.try_get("versions")?,
                items: latest.definition.items().count(),
                latest,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    summaries.sort_by(|a, b| {
        a.latest
            .definition
            .title
            .get("en")
            .cmp(b.latest.definition.title.get("en"))
    });
    Ok(summaries)
}

/// Template versions already read, by id. A version is immutable and its id (a UUIDv7) never
/// names anything else, on any database, so a version read once is valid for good; every page
/// and save of a respondent needs its round's version, and reading it from this map instead of
/// parsing its JSON again halves the work of a section page.
static VERSIONS: std::sync::LazyLock<std::sync::RwLock<HashMap<String, Arc<TemplateVersion>>>> =
    std::sync::LazyLock::new(Default::default);

/// Past this many versions the map starts again, so that its memory stays bounded.
const VERSIONS_KEPT: usize = 500;

/// One version of a template, by its id.
pub async fn template_version(db: &Db, version_id: &str) -> Result<TemplateVersion, AppError> {
    Ok(shared_version(db, version_id).await?.as_ref().clone())
}

/// [`template_version`] without a copy: the version as the cache holds it.
#[tracing::instrument(skip(db))]
pub async fn shared_version(db: &Db, version_id: &str) -> Result<Arc<TemplateVersion>, AppError> {
    if let Some(v) = VERSIONS
        .read()
        .ok()
        .and_then(|m| m.get(version_id).cloned())
    {
        return Ok(v);
    }
    let row = sqlx::query(
        "select version_id, template_id, version, definition, created_at
         from assessment_template_version where version_id = $1",
    )
    .bind(version_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let found = Arc::new(version(&row)?);
    if let Ok(mut m) = VERSIONS.write() {
        if m.len() >= VERSIONS_KEPT {
            m.clear();
        }
        m.insert(found.version_id.clone(), found.clone());
    }
    Ok(found)
}

/// The versions of the template that `version_id` belongs to, newest first.
#[tracing::instrument(skip(db))]
pub async fn versions_of(db: &Db, template_id: &str) -> Result<Vec<TemplateVersion>, AppError> {
    let rows = sqlx::query(
        "select version_id, template_id, version, definition, created_at
         from assessment_template_version where template_id = $1 order by version desc",
    )
    .bind(template_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(version).collect()
}

/// The latest version of the template named `key`.
#[tracing::instrument(skip(db))]
pub async fn latest_by_key(db: &Db, key: &str) -> Result<TemplateVersion, AppError> {
    let row = sqlx::query(
        "select v.version_id, v.template_id, v.version, v.definition, v.created_at
         from assessment_template_version v join assessment_template t on t.template_id = v.template_id
         where t.template_key = $1 order by v.version desc limit 1",
    )
    .bind(key)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    version(&row)
}

/// Whether a template with this key exists.
pub(crate) async fn has_template(db: &Db, key: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("select 1 as one from assessment_template where template_key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}
