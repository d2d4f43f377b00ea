//! Pages for accounts: first run, sign up, sign in, the account page and administration.

use super::api::{
    get_platform_status, ChangePassword, ChangeRole, CreateFirstAdmin, DeleteAccount, ExportMyData,
    PlatformStatus, SetAccountDisabled, SetOpenSignup, SignIn, SignUp, UpdateProfile,
};
use super::model::{CurrentUser, Role, UserSummary};
use crate::error::AppError;
use crate::i18n::*;
use crate::registry::api::list_organisations;
use crate::registry::model::Organisation;
use crate::ui::page_data;
use crate::ui::{
    action_error, endonym, or_error_page, page_title, use_session_user, ErrorPage, Field,
    FormNotice, Saved,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

lazy_page!(SetupRoute, SetupPage);
lazy_page!(SignUpRoute, SignUpPage);
lazy_page!(SignInRoute, SignInPage);
lazy_page!(AccountRoute, AccountPage);
lazy_page!(AdminRoute, AdminPage);

/// The form that creates an account, shared by first run and sign-up.
#[component]
fn AccountFields(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field
            name="display_name"
            label=t_string!(i18n, field_name).to_string()
            error
            autocomplete="name"
            required=true
        />
        <Field
            name="email"
            kind="email"
            label=t_string!(i18n, field_email).to_string()
            error
            autocomplete="email"
            required=true
        />
        <Field
            name="password"
            kind="password"
            label=t_string!(i18n, field_password).to_string()
            hint=t_string!(i18n, password_hint).to_string()
            error
            autocomplete="new-password"
            required=true
        />
    }
}

/// Renders `render(status)` once the platform's status is loaded (or the error page).
fn with_platform_status(
    render: impl Fn(PlatformStatus) -> AnyView + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let status = page_data(|| (), |_| get_platform_status());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { or_error_page(status.await, render) })}
        </Suspense>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateFirstAdmin>::new();
    let error = action_error(action);
    view! {
        <Title text=page_title(t_string!(i18n, setup_title)) />
        <section class="narrow">
            <h1>{t!(i18n, setup_title)}</h1>
            {with_platform_status(move |s| {
                if s.has_admin {
                    view! {
                        <p>{t!(i18n, setup_done)}</p>
                        <p><a class="button" href="/signin">{t!(i18n, nav_sign_in)}</a></p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p>{t!(i18n, setup_intro)}</p>
                        <ActionForm action>
                            <FormNotice error />
                            {s.setup_code_required.then(|| view! {
                                <Field
                                    name="setup_code"
                                    label=t_string!(i18n, field_setup_code).to_string()
                                    hint=t_string!(i18n, setup_code_hint).to_string()
                                    error
                                    required=true
                                />
                            })}
                            <AccountFields error />
                            <button type="submit" class="button primary">{t!(i18n, setup_submit)}</button>
                        </ActionForm>
                    }
                        .into_any()
                }
            })}
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    view! {
        <Title text=page_title(t_string!(i18n, sign_up_title)) />
        <section class="narrow">
            <h1>{t!(i18n, sign_up_title)}</h1>
            {with_platform_status(move |s| {
                if s.open_signup {
                    view! {
                        <ActionForm action>
                            <FormNotice error />
                            <AccountFields error />
                            <button type="submit" class="button primary">{t!(i18n, sign_up_submit)}</button>
                        </ActionForm>
                        <p>
                            {t!(i18n, sign_up_have_account)} " "
                            <a href="/signin">{t!(i18n, nav_sign_in)}</a>
                        </p>
                    }
                        .into_any()
                } else {
                    view! { <p class="notice">{t!(i18n, sign_up_closed)}</p> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    view! {
        <Title text=page_title(t_string!(i18n, sign_in_title)) />
        <section class="narrow">
            <h1>{t!(i18n, sign_in_title)}</h1>
            <ActionForm action>
                <FormNotice error />
                <input type="hidden" name="next" value=next />
                <Field
                    name="email"
                    kind="email"
                    label=t_string!(i18n, field_email).to_string()
                    error
                    autocomplete="email"
                    required=true
                />
                <Field
                    name="password"
                    kind="password"
                    label=t_string!(i18n, field_password).to_string()
                    error
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="button primary">{t!(i18n, sign_in_submit)}</button>
            </ActionForm>
            <p>
                {t!(i18n, sign_in_no_account)} " " <a href="/signup">{t!(i18n, nav_sign_up)}</a>
            </p>
        </section>
    }
}

/// Shows `render(user)` to a signed-in person and the sign-in prompt (401) to anyone else.
fn signed_in<V: IntoView + 'static>(
    render: impl Fn(CurrentUser) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let user = use_session_user();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => render(u).into_any(),
                    Ok(None) => view! { <ErrorPage error=AppError::Unauthorized /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=page_title(t_string!(i18n, account_title)) />
        {signed_in(|user| view! { <AccountForms user /> })}
    }
}

#[component]
fn AccountForms(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let profile = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let profile_error = action_error(profile);
    let password_error = action_error(password);
    let delete_error = action_error(delete);
    let organisations = page_data(|| (), |_| list_organisations(None));
    let current_locale = user.preferred_locale.clone();
    let current_org = user.organisation_id.clone().unwrap_or_default();
    let organisation_options = move || {
        let current_org = current_org.clone();
        Suspend::new(async move {
            let list: Vec<Organisation> = organisations.await.unwrap_or_default();
            list.into_iter()
                .map(|o| {
                    let selected = o.organisation_id == current_org;
                    view! {
                        <option value=o.organisation_id selected=selected>
                            {format!("{} ({})", o.name, o.country_code)}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="narrow">
            <h1>{t!(i18n, account_title)}</h1>
            <p>{t!(i18n, account_signed_in_as)} " " <strong>{user.email.clone()}</strong></p>

            <h2>{t!(i18n, profile_title)}</h2>
            <ActionForm action=profile>
                <FormNotice error=profile_error />
                <Saved action=profile />
                <Field
                    name="display_name"
                    label=t_string!(i18n, field_name).to_string()
                    error=profile_error
                    autocomplete="name"
                    value=user.display_name.clone()
                    required=true
                />
                <div class="field">
                    <label for="field-organisation">{t!(i18n, field_organisation)}</label>
                    <select id="field-organisation" name="organisation_id">
                        <option value="">{t!(i18n, organisation_none)}</option>
                        <Suspense fallback=|| ()>{organisation_options}</Suspense>
                    </select>
                    <p class="hint">
                        {t!(i18n, organisation_missing)} " "
                        <a href="/organisations#new">{t!(i18n, organisation_add_link)}</a>
                    </p>
                </div>
                <div class="field">
                    <label for="field-locale">{t!(i18n, field_language)}</label>
                    <select id="field-locale" name="locale">
                        {Locale::get_all()
                            .iter()
                            .map(|l| {
                                view! {
                                    <option value=l.as_str() selected=l.as_str() == current_locale>
                                        {endonym(*l)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button primary">{t!(i18n, save)}</button>
            </ActionForm>

            <h2>{t!(i18n, password_title)}</h2>
            <ActionForm action=password>
                <FormNotice error=password_error />
                <Saved action=password />
                <input type="hidden" name="username" autocomplete="username" value=user.email.clone() />
                <Field
                    name="current_password"
                    kind="password"
                    label=t_string!(i18n, field_current_password).to_string()
                    error=password_error
                    autocomplete="current-password"
                    required=true
                />
                <Field
                    name="new_password"
                    kind="password"
                    label=t_string!(i18n, field_new_password).to_string()
                    hint=t_string!(i18n, password_hint).to_string()
                    error=password_error
                    autocomplete="new-password"
                    required=true
                />
                <Field
                    name="confirm_password"
                    kind="password"
                    label=t_string!(i18n, field_confirm_password).to_string()
                    error=password_error
                    autocomplete="new-password"
                    required=true
                />
                <button type="submit" class="button primary">{t!(i18n, password_submit)}</button>
            </ActionForm>

            <h2>{t!(i18n, data_title)}</h2>
            <p>{t!(i18n, data_intro)}</p>
            <p>
                <a class="button" href=ExportMyData::url() download="clusterpolisee-my-data.json" rel="external">
                    {t!(i18n, data_download)}
                </a>
            </p>

            <h2>{t!(i18n, delete_title)}</h2>
            <p>{t!(i18n, delete_intro)}</p>
            <ActionForm action=delete>
                <FormNotice error=delete_error />
                <Field
                    name="password"
                    kind="password"
                    label=t_string!(i18n, field_password).to_string()
                    error=delete_error
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="button danger">{t!(i18n, delete_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=page_title(t_string!(i18n, admin_title)) />
        {signed_in(|user| {
            if user.is_admin() {
                view! { <AdminPanel /> }.into_any()
            } else {
                view! { <ErrorPage error=AppError::Forbidden /> }.into_any()
            }
        })}
    }
}

#[component]
fn AdminPanel() -> impl IntoView {
    let i18n = use_i18n();
    let role = ServerAction::<ChangeRole>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let signup = ServerAction::<SetOpenSignup>::new();
    let role_error = action_error(role);
    let disable_error = action_error(disable);
    let users = page_data(
        move || (role.version().get(), disable.version().get()),
        |_| super::api::list_users(),
    );
    let status = page_data(move || signup.version().get(), |_| get_platform_status());
    view! {
        <section>
            <h1>{t!(i18n, admin_title)}</h1>
            <h2>{t!(i18n, admin_signup_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    status.await.ok().map(|s| {
                        view! {
                            <p>
                                {if s.open_signup {
                                    t!(i18n, admin_signup_open).into_any()
                                } else {
                                    t!(i18n, admin_signup_closed).into_any()
                                }}
                            </p>
                            <ActionForm action=signup>
                                <input type="hidden" name="open" value=(!s.open_signup).to_string() />
                                <button type="submit" class="button">
                                    {if s.open_signup {
                                        t!(i18n, admin_signup_close).into_any()
                                    } else {
                                        t!(i18n, admin_signup_reopen).into_any()
                                    }}
                                </button>
                            </ActionForm>
                        }
                    })
                })}
            </Suspense>
            <p>
                <a href="/admin/templates">{t!(i18n, admin_templates_link)}</a>
            </p>
            <h2>{t!(i18n, admin_users_title)}</h2>
            <FormNotice error=role_error />
            <FormNotice error=disable_error />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    or_error_page(users.await, move |list| {
                        view! {
                            <div class="table-scroll">
                                <table class="cards-on-phone" role="table">
                                    <thead role="rowgroup">
                                        <tr role="row">
                                            <th scope="col" role="columnheader">{t!(i18n, field_name)}</th>
                                            <th scope="col" role="columnheader">{t!(i18n, field_email)}</th>
                                            <th scope="col" role="columnheader">{t!(i18n, field_organisation)}</th>
                                            <th scope="col" role="columnheader">{t!(i18n, admin_role)}</th>
                                            <th scope="col" role="columnheader">{t!(i18n, admin_status)}</th>
                                        </tr>
                                    </thead>
                                    <tbody role="rowgroup">
                                        {list
                                            .into_iter()
                                            .map(|u| view! { <UserRow user=u role disable /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    role: ServerAction<ChangeRole>,
    disable: ServerAction<SetAccountDisabled>,
) -> impl IntoView {
    let i18n = use_i18n();
    let UserSummary {
        user_id,
        email,
        display_name,
        role: current_role,
        disabled,
        organisation,
        ..
    } = user;
    let role_id = format!("role-{user_id}");
    let role_label = format!("{} {email}", t_string!(i18n, admin_role));
    let user_id_for_status = user_id.clone();
    view! {
        <tr role="row">
            <td role="cell" data-label=t_string!(i18n, field_name).to_string()>{display_name}</td>
            <td role="cell" data-label=t_string!(i18n, field_email).to_string()>{email}</td>
            <td role="cell" data-label=t_string!(i18n, field_organisation).to_string()>
                {organisation.unwrap_or_default()}
            </td>
            <td role="cell" data-label=t_string!(i18n, admin_role).to_string()>
                <ActionForm action=role attr:class="row-form">
                    <input type="hidden" name="user_id" value=user_id />
                    <label class="visually-hidden" for=role_id.clone()>{role_label}</label>
                    <select id=role_id name="role">
                        <option value="member" selected=current_role == Role::Member>
                            {t!(i18n, role_member)}
                        </option>
                        <option value="admin" selected=current_role == Role::Admin>
                            {t!(i18n, role_admin)}
                        </option>
                    </select>
                    <button type="submit" class="button small">{t!(i18n, save)}</button>
                </ActionForm>
            </td>
            <td role="cell" data-label=t_string!(i18n, admin_status).to_string()>
                <ActionForm action=disable attr:class="row-form">
                    <input type="hidden" name="user_id" value=user_id_for_status />
                    <input type="hidden" name="disabled" value=(!disabled).to_string() />
                    <span>
                        {if disabled {
                            t!(i18n, admin_disabled).into_any()
                        } else {
                            t!(i18n, admin_active).into_any()
                        }}
                    </span>
                    " "
                    <button type="submit" class="button small">
                        {if disabled {
                            t!(i18n, admin_enable).into_any()
                        } else {
                            t!(i18n, admin_disable).into_any()
                        }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
