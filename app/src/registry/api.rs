//! Server functions for the registries.

use super::model::{Organisation, Registry};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::{website, OrganisationKind, ORGANISATION_NAME_MAX},
    super::store::{self, NewOrganisation},
    crate::error::{Checks, Problem},
    crate::identity::model::bounded_text,
    crate::identity::session::require_user,
    crate::ssr::{self, finish},
};

#[server(endpoint = "registry/all")]
pub async fn load_registry() -> Result<Registry, AppError> {
    finish(
        async {
            let db = ssr::db()?;
            Ok(Registry {
                countries: store::countries(&db).await?,
                regions: store::regions(&db).await?,
                thematic_areas: store::thematic_areas(&db).await?,
            })
        }
        .await,
    )
}

#[server(endpoint = "registry/counts")]
pub async fn platform_counts() -> Result<(i64, i64), AppError> {
    finish(store::counts(&ssr::db()?).await)
}

#[server(endpoint = "registry/organisations")]
pub async fn list_organisations(country: Option<String>) -> Result<Vec<Organisation>, AppError> {
    finish(
        async {
            let country = country.filter(|c| !c.is_empty());
            store::organisations(&ssr::db()?, country.as_deref()).await
        }
        .await,
    )
}

#[server(endpoint = "registry/organisation")]
pub async fn get_organisation(id: String) -> Result<Organisation, AppError> {
    finish(store::find_organisation(&ssr::db()?, &id).await)
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
    finish(
        async {
            let user = require_user().await?;
            let db = ssr::db()?;
            let mut checks = Checks::default();
            checks.keep("name", &name);
            checks.keep("website_url", &website_url);
            checks.keep("kind", &kind);
            checks.keep("country_code", &country_code);
            checks.keep("region_id", &region_id);
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
                NewOrganisation {
                    name: &name,
                    kind,
                    country_code: &country_code,
                    region_id: region,
                    website: &site,
                    created_by: Some(&user.user_id),
                },
            )
            .await?;
            leptos_axum::redirect(&format!("/organisations/{id}"));
            Ok(())
        }
        .await,
    )
}
