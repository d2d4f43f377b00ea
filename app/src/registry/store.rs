//! SQL for the registries.

use super::model::{Country, Organisation, OrganisationKind, Region, ThematicArea, Translated};
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, Problem};
use sqlx::any::AnyRow;
use sqlx::Row;

#[tracing::instrument(skip(db), err)]
pub async fn countries(db: &Db) -> Result<Vec<Country>, AppError> {
    let rows = sqlx::query("select country_code, names from country order by country_code")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Country {
                code: r.try_get("country_code")?,
                names: Translated::from_json(&r.try_get::<String, _>("names")?),
            })
        })
        .collect()
}

#[tracing::instrument(skip(db), err)]
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

#[tracing::instrument(skip(db), err)]
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
                names: Translated::from_json(&r.try_get::<String, _>("names")?),
            })
        })
        .collect()
}

const ORGANISATION_COLUMNS: &str = "o.organisation_id, o.name, o.kind, o.country_code, o.region_id,
     o.website, r.name as region_name,
     (select count(*) from app_user u where u.organisation_id = o.organisation_id) as members
     from organisation o left join region r on r.region_id = o.region_id";

fn organisation(r: &AnyRow) -> Result<Organisation, AppError> {
    Ok(Organisation {
        organisation_id: r.try_get("organisation_id")?,
        name: r.try_get("name")?,
        kind: OrganisationKind::parse(&r.try_get::<String, _>("kind")?)
            .unwrap_or(OrganisationKind::Other),
        country_code: r.try_get("country_code")?,
        region_id: r.try_get("region_id")?,
        region_name: r.try_get("region_name")?,
        website: r.try_get("website")?,
        members: r.try_get("members")?,
    })
}

/// Organisations, optionally of one country, by name.
#[tracing::instrument(skip(db), err)]
pub async fn organisations(db: &Db, country: Option<&str>) -> Result<Vec<Organisation>, AppError> {
    let rows = sqlx::query(&format!(
        "select {ORGANISATION_COLUMNS} where ($1 = '' or o.country_code = $1) order by lower(o.name)"
    ))
    .bind(country.unwrap_or_default())
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(organisation).collect()
}

#[tracing::instrument(skip(db), err)]
pub async fn find_organisation(db: &Db, id: &str) -> Result<Organisation, AppError> {
    let row = sqlx::query(&format!(
        "select {ORGANISATION_COLUMNS} where o.organisation_id = $1"
    ))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    organisation(&row)
}

#[tracing::instrument(skip(db), err)]
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
#[tracing::instrument(skip(db), err)]
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

#[tracing::instrument(skip(db), err)]
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
    pub created_by: Option<&'a str>,
}

/// Adds an organisation; the same name twice in one country is a field error.
#[tracing::instrument(skip(db, org), fields(name = org.name), err)]
pub async fn create_organisation(db: &Db, org: NewOrganisation<'_>) -> Result<String, AppError> {
    let id = new_id();
    let result = sqlx::query(
        "insert into organisation (organisation_id, name, kind, country_code, region_id, website, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(org.name)
    .bind(org.kind.as_str())
    .bind(org.country_code)
    .bind(org.region_id)
    .bind(org.website)
    .bind(org.created_by)
    .bind(now_ms())
    .execute(&db.pool)
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

/// How many organisations and people the platform has, for the home page.
#[tracing::instrument(skip(db), err)]
pub async fn counts(db: &Db) -> Result<(i64, i64), AppError> {
    let row = sqlx::query(
        "select (select count(*) from organisation) as organisations,
                (select count(*) from app_user where disabled = 0) as people",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("organisations")?, row.try_get("people")?))
}
