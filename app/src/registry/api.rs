//! Server functions for the registries.

use super::model::{Organisation, OrganisationDetail, Registry};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::{website, OrganisationKind, ORGANISATION_NAME_MAX},
    super::store::{self, NewOrganisation},
    crate::error::{Checks, Problem},
    crate::identity::session::require_user,
    crate::ssr,
    crate::text::bounded_text,
};

/// The registry's countries, regions and thematic areas. `areas_only` leaves out the countries
/// and regions, which the home page does not show: they would travel in every home page for
/// hydration, unused.
#[server(endpoint = "registry/all")]
pub async fn load_registry(#[server(default)] areas_only: bool) -> Result<Registry, AppError> {
    let db = ssr::db()?;
    let thematic_areas = store::thematic_areas(&db).await?;
    if areas_only {
        return Ok(Registry {
            thematic_areas,
            ..Registry::default()
        });
    }
    Ok(Registry {
        countries: store::countries(&db).await?,
        regions: store::regions(&db).await?,
        thematic_areas,
    })
}

/// How many organisations and active people the platform has, for the home page.
#[server(endpoint = "registry/counts")]
pub async fn platform_counts() -> Result<(i64, i64), AppError> {
    let db = ssr::db()?;
    Ok((
        store::count_organisations(&db.pool).await?,
        crate::identity::store::count_active_people(&db).await?,
    ))
}

#[server(endpoint = "registry/organisations")]
pub async fn list_organisations(country: Option<String>) -> Result<Vec<Organisation>, AppError> {
    let country = country.filter(|c| !c.is_empty());
    store::organisations(&ssr::db()?, country.as_deref()).await
}

#[server(endpoint = "registry/organisation")]
pub async fn get_organisation(id: String) -> Result<OrganisationDetail, AppError> {
    let db = ssr::db()?;
    let organisation = store::find_organisation(&db, &id).await?;
    let members = crate::identity::store::count_members(&db, &id).await?;
    Ok(OrganisationDetail {
        organisation,
        members,
    })
}

/// Any signed-in person may add an organisation to the registry.
#[server(endpoint = "registry/create_organisation")]
pub async fn create_organisation(
    name: String,
    kind: String,
    country_code: String,
    region_id: String,
    website_url: String,
) -> Result<(), AppError> {
    let user = require_user().await?;
    let db = ssr::db()?;
    let typed = [
        ("name", name.clone()),
        ("kind", kind.clone()),
        ("country_code", country_code.clone()),
        ("region_id", region_id.clone()),
        ("website_url", website_url.clone()),
    ];
    let mut checks = Checks::default();
    for (field, value) in &typed {
        checks.keep(field, value);
    }
    let name = checks.check("name", bounded_text(&name, ORGANISATION_NAME_MAX));
    let kind = checks.check("kind", OrganisationKind::parse(&kind));
    let site = checks.check("website_url", website(&website_url));
    if !store::country_exists(&db, &country_code).await? {
        checks.fail("country_code", Problem::UnknownChoice);
    }
    let region = (!region_id.is_empty()).then_some(region_id.as_str());
    if let Some(region) = region {
        if !store::region_in_country(&db, region, &country_code).await? {
            checks.fail("region_id", Problem::UnknownChoice);
        }
    }
    checks.finish()?;
    let (Some(name), Some(kind), Some(site)) = (name, kind, site) else {
        return Err(AppError::Internal);
    };
    let id = store::create_organisation(
        &db,
        &user,
        NewOrganisation {
            name: &name,
            kind,
            country_code: &country_code,
            region_id: region,
            website: &site,
        },
    )
    .await
    .map_err(|e| {
        typed
            .iter()
            .fold(e, |e, (field, value)| e.keeping(field, value))
    })?;
    leptos_axum::redirect(&format!("/organisations/{id}"));
    Ok(())
}
