//! SQL for the registries.

use super::model::{Country, Organisation, OrganisationKind, Region, ThematicArea, Translated};
use crate::db::{bad_value, new_id, now_ms, Db};
use crate::error::{AppError, Problem};
use crate::identity::session::SignedIn;
use crate::text::key;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use std::collections::HashMap;

fn translated(r: &AnyRow, column: &str) -> Result<Translated, AppError> {
    let raw: String = r.try_get(column)?;
    Translated::from_json(&raw).map_err(|_| bad_value(column, &raw))
}

#[tracing::instrument(skip_all)]
pub async fn countries(db: &Db) -> Result<Vec<Country>, AppError> {
    let rows = sqlx::query("select country_code, names from country order by country_code")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Country {
                code: r.try_get("country_code")?,
                names: translated(r, "names")?,
            })
        })
        .collect()
}

#[tracing::instrument(skip_all)]
pub async fn regions(db: &Db) -> Result<Vec<Region>, AppError> {
    let rows = sqlx::query("select region_id, country_code, name from region order by region_id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Region {
                region_id: r.try_get("region_id")?,
                country_code: r.try_get("country_code")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// The names of these regions, by id, for rooms that show where something happens.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub async fn region_names(
    db: &Db,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    crate::db::fetch_in(
        db,
        "select region_id, name from region where region_id in ($in)",
        ids,
    )
    .await?
    .iter()
    .map(|r| Ok((r.try_get("region_id")?, r.try_get("name")?)))
    .collect()
}

#[tracing::instrument(skip_all)]
pub async fn thematic_areas(db: &Db) -> Result<Vec<ThematicArea>, AppError> {
    let rows = sqlx::query(
        "select thematic_area_id, horizontal, names from thematic_area order by position",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ThematicArea {
                thematic_area_id: r.try_get("thematic_area_id")?,
                horizontal: r.try_get::<i64, _>("horizontal")? != 0,
                names: translated(r, "names")?,
            })
        })
        .collect()
}

const ORGANISATION_COLUMNS: &str = "o.organisation_id, o.name, o.kind, o.country_code, o.region_id,
     o.website, r.name as region_name
     from organisation o left join region r on r.region_id = o.region_id";

fn organisation(r: &AnyRow) -> Result<Organisation, AppError> {
    let kind: String = r.try_get("kind")?;
    Ok(Organisation {
        organisation_id: r.try_get("organisation_id")?,
        name: r.try_get("name")?,
        kind: OrganisationKind::parse(&kind).map_err(|_| bad_value("organisation.kind", &kind))?,
        country_code: r.try_get("country_code")?,
        region_id: r.try_get("region_id")?,
        region_name: r.try_get("region_name")?,
        website: r.try_get("website")?,
    })
}

/// Organisations, optionally of one country, by name: the order of their keys' bytes, the
/// same on both engines.
#[tracing::instrument(skip(db))]
pub async fn organisations(db: &Db, country: Option<&str>) -> Result<Vec<Organisation>, AppError> {
    let rows = sqlx::query(&format!(
        "select {ORGANISATION_COLUMNS} where ($1 = '' or o.country_code = $1)
         order by o.name_key{}, o.organisation_id",
        db.engine.byte_order()
    ))
    .bind(country.unwrap_or_default())
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(organisation).collect()
}

#[tracing::instrument(skip(db))]
pub async fn find_organisation(db: &Db, id: &str) -> Result<Organisation, AppError> {
    let row = sqlx::query(&format!(
        "select {ORGANISATION_COLUMNS} where o.organisation_id = $1"
    ))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    organisation(&row)
}

/// Every organisation's name by id, for rooms that show whose someone is.
#[tracing::instrument(skip_all)]
pub async fn organisation_names(db: &Db) -> Result<HashMap<String, String>, AppError> {
    let rows = sqlx::query("select organisation_id, name from organisation")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("organisation_id")?, r.try_get("name")?)))
        .collect()
}

#[tracing::instrument(skip(db))]
pub async fn organisation_exists(db: &Db, id: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("select 1 as one from organisation where organisation_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

/// Whether the region exists and lies in the country.
#[tracing::instrument(skip(db))]
pub async fn region_in_country(db: &Db, region_id: &str, country: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("select 1 as one from region where region_id = $1 and country_code = $2")
            .bind(region_id)
            .bind(country)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

#[tracing::instrument(skip(db))]
pub async fn country_exists(db: &Db, country: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("select 1 as one from country where country_code = $1")
            .bind(country)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub country_code: &'a str,
    pub region_id: Option<&'a str>,
    pub website: &'a str,
}

/// A signed-in person adds an organisation; the same name twice in one country (by its key) is
/// a field error.
#[tracing::instrument(skip_all, fields(by = %by.user_id))]
pub async fn create_organisation(
    db: &Db,
    by: &SignedIn,
    org: NewOrganisation<'_>,
) -> Result<String, AppError> {
    insert_organisation(&db.pool, org, Some(&by.user_id)).await
}

/// The insert itself, on the pool or inside the demo's transaction.
pub(crate) async fn insert_organisation<'e>(
    exec: impl Executor<'e, Database = Any>,
    org: NewOrganisation<'_>,
    created_by: Option<&str>,
) -> Result<String, AppError> {
    let id = new_id();
    let result = sqlx::query(
        "insert into organisation (organisation_id, name, name_key, kind, country_code, region_id, website, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(org.name)
    .bind(key(org.name))
    .bind(org.kind.as_str())
    .bind(org.country_code)
    .bind(org.region_id)
    .bind(org.website)
    .bind(created_by)
    .bind(now_ms())
    .execute(exec)
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            Err(AppError::field("name", Problem::NameTaken))
        }
        Err(e) => Err(e.into()),
    }
}

/// How many organisations the registry holds.
#[tracing::instrument(skip_all)]
pub async fn count_organisations<'e>(
    exec: impl Executor<'e, Database = Any>,
) -> Result<i64, AppError> {
    let row = sqlx::query("select count(*) as n from organisation")
        .fetch_one(exec)
        .await?;
    Ok(row.try_get("n")?)
}

/// Gives organisations written before the key column existed their key. Two old names that
/// now share a key keep no key for the second (logged), rather than stopping the start.
pub async fn fill_missing_name_keys(db: &Db) -> Result<(), sqlx::Error> {
    let rows = sqlx::query("select organisation_id, name from organisation where name_key is null")
        .fetch_all(&db.pool)
        .await?;
    for r in rows {
        let id: String = r.try_get("organisation_id")?;
        let name: String = r.try_get("name")?;
        let done = sqlx::query("update organisation set name_key = $2 where organisation_id = $1")
            .bind(&id)
            .bind(key(&name))
            .execute(&db.pool)
            .await;
        match done {
            Err(e)
                if e.as_database_error()
                    .is_some_and(|d| d.is_unique_violation()) =>
            {
                tracing::warn!(
                    organisation_id = id,
                    "another organisation of its country has the same name; left without a key"
                )
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}
