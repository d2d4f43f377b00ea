//! The registries that tag everything: countries, regions, organisations, thematic areas.

use crate::error::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const ORGANISATION_NAME_MAX: usize = 200;
pub const WEBSITE_MAX: usize = 300;

/// The kinds of organisation that take part in cluster policy learning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganisationKind {
    PublicAuthority,
    DevelopmentAgency,
    ClusterOrganisation,
    Research,
    Business,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 6] = [
        OrganisationKind::PublicAuthority,
        OrganisationKind::DevelopmentAgency,
        OrganisationKind::ClusterOrganisation,
        OrganisationKind::Research,
        OrganisationKind::Business,
        OrganisationKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::PublicAuthority => "public_authority",
            OrganisationKind::DevelopmentAgency => "development_agency",
            OrganisationKind::ClusterOrganisation => "cluster_organisation",
            OrganisationKind::Research => "research",
            OrganisationKind::Business => "business",
            OrganisationKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<OrganisationKind, Problem> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or(Problem::UnknownChoice)
    }
}

/// A name in several languages, as stored: `{"en": "…", "hr": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translated(pub BTreeMap<String, String>);

impl Translated {
    pub fn from_json(raw: &str) -> Result<Translated, serde_json::Error> {
        serde_json::from_str(raw).map(Translated)
    }

    /// The text in `locale`, else in English, else in any language there is.
    pub fn get(&self, locale: &str) -> &str {
        self.0
            .get(locale)
            .or_else(|| self.0.get("en"))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    pub code: String,
    pub names: Translated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub region_id: String,
    pub country_code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThematicArea {
    pub thematic_area_id: String,
    pub horizontal: bool,
    pub names: Translated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub organisation_id: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub country_code: String,
    pub region_id: Option<String>,
    pub region_name: Option<String>,
    pub website: String,
}

/// An organisation with what its own page shows besides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationDetail {
    pub organisation: Organisation,
    /// How many people name it as theirs (counted by the identity room).
    pub members: i64,
}

/// A website address: empty, or an http(s) URL without spaces.
pub fn website(raw: &str) -> Result<String, Problem> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    if url.chars().count() > WEBSITE_MAX {
        return Err(Problem::TooLong { max: WEBSITE_MAX });
    }
    let has_scheme = url.starts_with("https://") || url.starts_with("http://");
    if has_scheme && !url.contains(char::is_whitespace) && url.len() > "https://".len() {
        Ok(url.to_owned())
    } else {
        Err(Problem::InvalidUrl)
    }
}

/// Everything the registry pages show at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub countries: Vec<Country>,
    pub regions: Vec<Region>,
    pub thematic_areas: Vec<ThematicArea>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_falls_back_to_english_then_to_any_language() {
        let names = Translated::from_json(r#"{"en": "Croatia", "hr": "Hrvatska"}"#).unwrap();
        assert_eq!(names.get("hr"), "Hrvatska");
        assert_eq!(names.get("sl"), "Croatia");
        let only_hr = Translated::from_json(r#"{"hr": "Hrvatska"}"#).unwrap();
        assert_eq!(only_hr.get("it"), "Hrvatska");
    }

    #[test]
    fn a_translation_that_is_not_json_is_an_error_not_an_empty_name() {
        assert!(Translated::from_json("not json").is_err());
        assert!(Translated::from_json(r#"["Croatia"]"#).is_err());
    }

    #[test]
    fn an_organisation_kind_round_trips_and_an_unknown_one_is_rejected() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(OrganisationKind::parse("bank"), Err(Problem::UnknownChoice));
    }

    #[test]
    fn a_website_must_be_an_http_address() {
        assert_eq!(website("  "), Ok(String::new()));
        assert_eq!(
            website("https://klaster.hr"),
            Ok("https://klaster.hr".into())
        );
        assert_eq!(website("javascript:alert(1)"), Err(Problem::InvalidUrl));
        assert_eq!(website("https://a b.hr"), Err(Problem::InvalidUrl));
    }
}
