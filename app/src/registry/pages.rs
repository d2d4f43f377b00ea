//! The organisation registry: a list filtered by country, a detail page, and a form to add one.

use super::api::{get_organisation, list_organisations, load_registry, CreateOrganisation};
use super::model::{Organisation, OrganisationKind, Registry};
use crate::i18n::*;
use crate::ui::page_data;
use crate::ui::{
    action_error, or_error_page, page_title, use_session_user, Field, FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn kind_label(i18n: I18nContext<Locale>, kind: OrganisationKind) -> String {
    match kind {
        OrganisationKind::PublicAuthority => t_string!(i18n, kind_public_authority).to_string(),
        OrganisationKind::DevelopmentAgency => t_string!(i18n, kind_development_agency).to_string(),
        OrganisationKind::ClusterOrganisation => {
            t_string!(i18n, kind_cluster_organisation).to_string()
        }
        OrganisationKind::Research => t_string!(i18n, kind_research).to_string(),
        OrganisationKind::Business => t_string!(i18n, kind_business).to_string(),
        OrganisationKind::Other => t_string!(i18n, kind_other_type).to_string(),
    }
}

fn country_name(registry: &Registry, code: &str, locale: &str) -> String {
    registry
        .countries
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.names.get(locale).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

lazy_page!(OrganisationsRoute, OrganisationsPage);
lazy_page!(OrganisationRoute, OrganisationPage);

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let country = move || {
        use_query_map()
            .with(|q| q.get("country"))
            .unwrap_or_default()
    };
    let organisations = page_data(country, |c| list_organisations(Some(c)));
    let registry = page_data(|| (), |_| load_registry(false));
    let user = use_session_user();
    let locale = i18n.get_locale_untracked().as_str();
    view! {
        <Title text=page_title(t_string!(i18n, organisations_title)) />
        <section>
            <h1>{t!(i18n, organisations_title)}</h1>
            <p>{t!(i18n, organisations_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let registry = registry.await;
                    let organisations = organisations.await;
                    let signed_in = matches!(user.await, Ok(Some(_)));
                    or_error_page(registry, move |registry| {
                        let selected = country();
                        view! {
                            <form class="filter" method="get" action="/organisations">
                                <label for="filter-country">{t!(i18n, field_country)}</label>
                                <select id="filter-country" name="country">
                                    <option value="">{t!(i18n, all_countries)}</option>
                                    {registry
                                        .countries
                                        .iter()
                                        .map(|c| {
                                            view! {
                                                <option value=c.code.clone() selected=c.code == selected>
                                                    {c.names.get(locale).to_owned()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="button">{t!(i18n, filter)}</button>
                            </form>
                            {or_error_page(organisations, |list| {
                                view! { <OrganisationList list registry=registry.clone() /> }
                            })}
                            {if signed_in {
                                view! { <NewOrganisationForm registry=registry.clone() /> }.into_any()
                            } else {
                                view! {
                                    <p>
                                        <a href="/signin?next=/organisations">{t!(i18n, nav_sign_in)}</a>
                                        " " {t!(i18n, organisation_sign_in_to_add)}
                                    </p>
                                }
                                    .into_any()
                            }}
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrganisationList(list: Vec<Organisation>, registry: Registry) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    if list.is_empty() {
        return view! { <p class="notice">{t!(i18n, organisations_empty)}</p> }.into_any();
    }
    view! {
        <ul class="cards">
            {list
                .into_iter()
                .map(|o| {
                    view! {
                        <li class="card">
                            <h2>
                                <a href=format!("/organisations/{}", o.organisation_id)>{o.name.clone()}</a>
                            </h2>
                            <p>{kind_label(i18n, o.kind)}</p>
                            <p>
                                {country_name(&registry, &o.country_code, locale)}
                                {o.region_name.clone().map(|r| format!(" · {r}"))}
                            </p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn NewOrganisationForm(registry: Registry) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let action = ServerAction::<CreateOrganisation>::new();
    let error = action_error(action);
    // Without JavaScript the form comes back through a redirect: choose again what was chosen.
    let chosen = move |field: &str| {
        error
            .get_untracked()
            .and_then(|e| e.kept(field).map(str::to_owned))
            .unwrap_or_default()
    };
    let (kind, country, region) = (chosen("kind"), chosen("country_code"), chosen("region_id"));
    let region_groups = registry
        .countries
        .iter()
        .map(|c| {
            let regions = registry
                .regions
                .iter()
                .filter(|r| r.country_code == c.code)
                .map(|r| {
                    view! {
                        <option value=r.region_id.clone() selected=r.region_id == region>
                            {format!("{} ({})", r.name, r.region_id)}
                        </option>
                    }
                })
                .collect_view();
            view! { <optgroup label=c.names.get(locale).to_owned()>{regions}</optgroup> }
        })
        .collect_view();
    view! {
        <h2 id="new">{t!(i18n, organisation_add_title)}</h2>
        <ActionForm action attr:class="card-form">
            <FormNotice error />
            <Field name="name" label=t_string!(i18n, field_organisation_name).to_string() error required=true />
            <div class="field">
                <label for="field-kind">{t!(i18n, field_kind)}</label>
                <select id="field-kind" name="kind">
                    {OrganisationKind::ALL
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=k.as_str() selected=k.as_str() == kind>
                                    {kind_label(i18n, k)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldProblem name="kind" error />
            </div>
            <div class="field">
                <label for="field-country">{t!(i18n, field_country)}</label>
                <select id="field-country" name="country_code">
                    {registry
                        .countries
                        .iter()
                        .map(|c| {
                            view! {
                                <option value=c.code.clone() selected=c.code == country>
                                    {c.names.get(locale).to_owned()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldProblem name="country_code" error />
            </div>
            <div class="field">
                <label for="field-region">{t!(i18n, field_region)}</label>
                <select id="field-region" name="region_id">
                    <option value="">{t!(i18n, region_none)}</option>
                    {region_groups}
                </select>
                <FieldProblem name="region_id" error />
            </div>
            <Field
                name="website_url"
                kind="url"
                label=t_string!(i18n, field_website).to_string()
                error
            />
            <button type="submit" class="button primary">{t!(i18n, organisation_add_submit)}</button>
        </ActionForm>
    }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    // The hook is called once, while the page is set up; calling it inside the reactive closure
    // looked the router up again on every run, outside the page's owner.
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let organisation = page_data(id, get_organisation);
    let registry = page_data(|| (), |_| load_registry(false));
    let locale = i18n.get_locale_untracked().as_str();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let registry = registry.await.unwrap_or_default();
                or_error_page(organisation.await, move |detail| {
                    let o = detail.organisation;
                    view! {
                        <Title text=page_title(&o.name) />
                        <section class="narrow">
                            <h1>{o.name.clone()}</h1>
                            <dl class="facts">
                                <dt>{t!(i18n, field_kind)}</dt>
                                <dd>{kind_label(i18n, o.kind)}</dd>
                                <dt>{t!(i18n, field_country)}</dt>
                                <dd>{country_name(&registry, &o.country_code, locale)}</dd>
                                <dt>{t!(i18n, field_region)}</dt>
                                <dd>{o.region_name.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>{t!(i18n, organisation_members)}</dt>
                                <dd>{detail.members}</dd>
                                {(!o.website.is_empty()).then(|| view! {
                                    <dt>{t!(i18n, field_website)}</dt>
                                    <dd><a href=o.website.clone() rel="external nofollow noopener">{o.website.clone()}</a></dd>
                                })}
                            </dl>
                            <p><a href="/organisations">{t!(i18n, organisations_back)}</a></p>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}
