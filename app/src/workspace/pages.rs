//! Workspaces' pages: the directory (with the caller's invitations and the form that creates
//! a workspace), a workspace's home with its members and, for its facilitators and owners,
//! the ways in and the roles, and an invitation link's page.

use super::activity_pages::{glance, ActivityFeed, AttentionPanel};
use super::api::{
    get_workspace, list_workspaces, preview_link, AcceptLink, AnswerInvitation, CreateLink,
    CreateWorkspace, DecideRequest, InviteMember, LeaveWorkspace, RequestToJoin, RevokeLink,
    SetMemberRole, TransferOwnership, UpdateWorkspace, WithdrawInvitation,
};
use super::discussion_pages::Discussions;
use super::document_pages::Documents;
use super::member_pages::{InviteForm, LinkList, MemberList, TransferForm, WaitingList};
use super::model::{Directory, Role, Visibility, Workspace, WorkspaceSummary};
use crate::error::AppError;
use crate::i18n::*;
use crate::registry::api::load_registry;
use crate::registry::model::ThematicArea;
use crate::ui::{
    action_error, field_or_error_text, or_error_page, page_data, page_title, textarea_text,
    ButtonNotice, Field, FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

lazy_page!(WorkspacesRoute, WorkspacesPage);
lazy_page!(WorkspaceRoute, WorkspacePage);
lazy_page!(InviteRoute, InvitePage);

pub(super) fn role_label(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Owner => t_string!(i18n, workspace_role_owner),
        Role::Facilitator => t_string!(i18n, workspace_role_facilitator),
        Role::Member => t_string!(i18n, workspace_role_member),
        Role::Observer => t_string!(i18n, workspace_role_observer),
    }
    .to_string()
}

fn visibility_label(i18n: I18nContext<Locale>, visibility: Visibility) -> String {
    match visibility {
        Visibility::Private => t_string!(i18n, workspace_visibility_private),
        Visibility::Partnership => t_string!(i18n, workspace_visibility_partnership),
        Visibility::Public => t_string!(i18n, workspace_visibility_public),
    }
    .to_string()
}

/// The names of these thematic areas, in the reader's language.
fn theme_names(i18n: I18nContext<Locale>, areas: &[ThematicArea], ids: &[String]) -> String {
    let locale = i18n.get_locale_untracked();
    ids.iter()
        .filter_map(|id| areas.iter().find(|a| &a.thematic_area_id == id))
        .map(|a| a.names.get(locale.as_str()).to_owned())
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let i18n = use_i18n();
    let theme = move || use_query_map().with(|q| q.get("theme")).unwrap_or_default();
    let answer = ServerAction::<AnswerInvitation>::new();
    let directory = page_data(
        move || (theme(), answer.version().get()),
        |(theme, _)| list_workspaces(theme),
    );
    let registry = page_data(|| (), |_| load_registry(true));
    view! {
        <Title text=page_title(t_string!(i18n, workspaces_title)) />
        <section>
            <h1>{t!(i18n, workspaces_title)}</h1>
            <p>{t!(i18n, workspaces_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let directory = directory.await;
                    or_error_page(registry.await, move |registry| {
                        let areas = registry.thematic_areas;
                        or_error_page(directory, move |directory| {
                            view! { <DirectoryView directory areas theme=theme() answer /> }
                        })
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DirectoryView(
    directory: Directory,
    areas: Vec<ThematicArea>,
    theme: String,
    answer: ServerAction<AnswerInvitation>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let options = areas
        .iter()
        .map(|a| {
            let id = a.thematic_area_id.clone();
            view! { <option value=id.clone() selected=id == theme>{a.names.get(locale.as_str()).to_owned()}</option> }
        })
        .collect_view();
    let error = action_error(answer);
    let Directory {
        workspaces,
        invitations,
        signed_in,
    } = directory;
    let invitations = (!invitations.is_empty()).then(|| {
        let lines = invitations
            .into_iter()
            .map(|inv| {
                view! {
                    <li class="card">
                        <p>
                            <strong>{inv.name.clone()}</strong> " · "
                            {t!(i18n, workspace_invited_as)} " " {role_label(i18n, inv.role)}
                        </p>
                        <ActionForm action=answer attr:class="inline-form">
                            <input type="hidden" name="workspace_id" value=inv.workspace_id.clone() />
                            <button type="submit" class="button primary" name="answer" value="accept">
                                {t!(i18n, workspace_invitation_accept)}
                            </button>
                            " "
                            <button type="submit" class="button" name="answer" value="decline">
                                {t!(i18n, workspace_invitation_decline)}
                            </button>
                        </ActionForm>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>{t!(i18n, workspaces_invitations_title)}</h2>
            <FormNotice error />
            <ul class="cards">{lines}</ul>
        }
    });
    let none = workspaces.is_empty();
    let cards = workspaces
        .into_iter()
        .map(|w| view! { <WorkspaceCard w areas=areas.clone() /> })
        .collect_view();
    let create = if signed_in {
        view! { <CreateForm areas=areas.clone() /> }.into_any()
    } else {
        view! {
            <p>
                <a href="/signin?next=/workspaces">{t!(i18n, nav_sign_in)}</a> " "
                {t!(i18n, workspaces_sign_in_to_create)}
            </p>
        }
        .into_any()
    };
    view! {
        {invitations}
        <form class="filter" method="get" action="/workspaces">
            <label for="filter-theme">{t!(i18n, workspaces_filter_theme)}</label>
            <select id="filter-theme" name="theme">
                <option value="">{t!(i18n, workspaces_all_themes)}</option>
                {options}
            </select>
            <button type="submit" class="button">{t!(i18n, filter)}</button>
        </form>
        {none.then(|| view! { <p class="muted">{t!(i18n, workspaces_none)}</p> })}
        <ul class="cards">{cards}</ul>
        {create}
    }
}

#[component]
fn WorkspaceCard(w: WorkspaceSummary, areas: Vec<ThematicArea>) -> impl IntoView {
    let i18n = use_i18n();
    let members = w.members;
    view! {
        <li class="card">
            <h3><a href=format!("/workspaces/{}", w.workspace_id)>{w.name.clone()}</a></h3>
            <p class="muted">
                {visibility_label(i18n, w.visibility)} " · "
                {t!(i18n, workspace_member_count, members)}
                {w.my_role.map(|r| view! { " · " {t!(i18n, workspace_your_role)} " " {role_label(i18n, r)} })}
            </p>
            <p class="muted">{theme_names(i18n, &areas, &w.themes)}</p>
        </li>
    }
}

/// The fields a workspace's settings share between creating and changing it.
#[component]
fn SettingsFields(
    areas: Vec<ThematicArea>,
    error: Signal<Option<AppError>>,
    #[prop(optional)] current: Option<WorkspaceSummary>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let (name, description, visibility, themes) = match current {
        Some(w) => (w.name, w.description, w.visibility, w.themes),
        None => (
            String::new(),
            String::new(),
            Visibility::Partnership,
            Vec::new(),
        ),
    };
    let kept = move |field: &'static str, or: String| {
        error
            .get_untracked()
            .and_then(|e| e.kept(field).map(str::to_owned))
            .unwrap_or(or)
    };
    let visibilities = Visibility::ALL
        .into_iter()
        .map(|v| {
            view! { <option value=v.as_str() selected=v == visibility>{visibility_label(i18n, v)}</option> }
        })
        .collect_view();
    let boxes = areas
        .iter()
        .map(|a| {
            let id = format!("field-theme-{}", a.thematic_area_id);
            let checked = themes.contains(&a.thematic_area_id);
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() name="themes[]" value=a.thematic_area_id.clone() checked=checked />
                    <label for=id>{a.names.get(locale.as_str()).to_owned()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <Field name="name" label=t_string!(i18n, field_workspace_name).to_string() error value=name required=true />
        <div class="field">
            <label for="field-description">{t!(i18n, field_workspace_description)}</label>
            <textarea id="field-description" name="description" rows="4">
                {textarea_text(kept("description", description))}
            </textarea>
            <FieldProblem name="description" error />
        </div>
        <div class="field">
            <label for="field-visibility">{t!(i18n, field_workspace_visibility)}</label>
            <select id="field-visibility" name="visibility">{visibilities}</select>
            <FieldProblem name="visibility" error />
        </div>
        <fieldset class="field">
            <legend>{t!(i18n, field_workspace_themes)}</legend>
            {boxes}
            <FieldProblem name="themes" error />
        </fieldset>
    }
}

#[component]
fn CreateForm(areas: Vec<ThematicArea>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWorkspace>::new();
    let error = action_error(create);
    view! {
        <h2>{t!(i18n, workspaces_create_title)}</h2>
        <ActionForm action=create>
            <FormNotice error />
            <SettingsFields areas error />
            <button type="submit" class="button primary">{t!(i18n, workspaces_create_submit)}</button>
        </ActionForm>
    }
}

/// The actions of a workspace's page: any of them done reads the workspace again.
#[derive(Clone, Copy)]
pub struct Actions {
    pub update: ServerAction<UpdateWorkspace>,
    pub request: ServerAction<RequestToJoin>,
    pub link: ServerAction<CreateLink>,
    pub revoke: ServerAction<RevokeLink>,
    pub invite: ServerAction<InviteMember>,
    pub withdraw: ServerAction<WithdrawInvitation>,
    pub decide: ServerAction<DecideRequest>,
    pub role: ServerAction<SetMemberRole>,
    pub transfer: ServerAction<TransferOwnership>,
    pub leave: ServerAction<LeaveWorkspace>,
}

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let a = Actions {
        update: ServerAction::new(),
        request: ServerAction::new(),
        link: ServerAction::new(),
        revoke: ServerAction::new(),
        invite: ServerAction::new(),
        withdraw: ServerAction::new(),
        decide: ServerAction::new(),
        role: ServerAction::new(),
        transfer: ServerAction::new(),
        leave: ServerAction::new(),
    };
    let workspace = page_data(
        move || {
            (
                id.get(),
                [
                    a.update.version().get(),
                    a.request.version().get(),
                    a.link.version().get(),
                    a.revoke.version().get(),
                    a.invite.version().get(),
                    a.withdraw.version().get(),
                    a.decide.version().get(),
                    a.role.version().get(),
                    a.transfer.version().get(),
                ],
            )
        },
        |(id, _)| get_workspace(id),
    );
    let registry = page_data(|| (), |_| load_registry(true));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let workspace = workspace.await;
                or_error_page(registry.await, move |registry| {
                    let areas = registry.thematic_areas;
                    or_error_page(workspace, move |w| view! { <WorkspaceView w areas a /> })
                })
            })}
        </Suspense>
    }
}

#[component]
fn WorkspaceView(w: Workspace, areas: Vec<ThematicArea>, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let s = w.summary.clone();
    let id = s.workspace_id.clone();
    let role = s.my_role;
    let facilitates = role.is_some_and(Role::facilitates);
    let owns = role.is_some_and(Role::owns);
    let query = use_query_map();
    let origin = w.origin.clone();
    let members = s.members;
    let glance = glance(id.clone());
    view! {
        <Title text=page_title(&s.name) />
        <section>
            <h1>{s.name.clone()}</h1>
            <p class="muted">
                {visibility_label(i18n, s.visibility)} " · "
                {t!(i18n, workspace_member_count, members)}
                {role.map(|r| view! { " · " {t!(i18n, workspace_your_role)} " " {role_label(i18n, r)} })}
            </p>
            <p class="muted">{theme_names(i18n, &areas, &s.themes)}</p>
            {(!s.description.is_empty()).then(|| view! { <p class="description">{s.description.clone()}</p> })}
            <JoinPanel w=w.clone() a />
            <AttentionPanel workspace_id=id.clone() glance />
            {move || query.with(|q| q.get("link")).filter(|_| facilitates).map(|token| {
                let url = format!("{origin}/invite/{token}");
                view! {
                    <div class="notice" role="status">
                        <label for="new-link">{t!(i18n, workspace_link_made)}</label>
                        <input id="new-link" type="text" readonly value=url />
                    </div>
                }
            })}
            {facilitates.then(|| view! { <WaitingList id=id.clone() waiting=w.waiting.clone() a /> })}
            <Discussions workspace_id=id.clone() writes=role.is_some_and(Role::writes) />
            <Documents workspace_id=id.clone() />
            <ActivityFeed workspace_id=id.clone() glance />
            {w.signed_in.then(|| view! { <MemberList id=id.clone() members=w.members.clone() role a /> })}
            {facilitates.then(|| view! {
                <InviteForm id=id.clone() role=role.unwrap_or(Role::Facilitator) a />
                <LinkList id=id.clone() links=w.links.clone() role=role.unwrap_or(Role::Facilitator) a />
            })}
            {owns.then(|| view! {
                <TransferForm id=id.clone() members=w.members.clone() a />
                <SettingsForm w=s.clone() areas=areas.clone() a />
            })}
        </section>
    }
}

/// For someone who is not a member: how to get in. For a member: the way out.
#[component]
fn JoinPanel(w: Workspace, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let id = w.summary.workspace_id.clone();
    if !w.signed_in {
        return view! {
            <p>
                <a href=format!("/signin?next=/workspaces/{id}")>{t!(i18n, nav_sign_in)}</a> " "
                {t!(i18n, workspace_sign_in_to_join)}
            </p>
        }
        .into_any();
    }
    if w.summary.my_role.is_some() {
        let error = action_error(a.leave);
        return view! {
            <ActionForm action=a.leave attr:class="inline-form">
                <input type="hidden" name="workspace_id" value=id />
                <button type="submit" class="button">{t!(i18n, workspace_leave)}</button>
                <ButtonNotice error />
            </ActionForm>
        }
        .into_any();
    }
    if w.summary.requested {
        return view! { <p class="notice" role="status">{t!(i18n, workspace_request_waiting)}</p> }
            .into_any();
    }
    let error = action_error(a.request);
    view! {
        <ActionForm action=a.request attr:class="inline-form">
            <input type="hidden" name="workspace_id" value=id />
            <button type="submit" class="button primary">{t!(i18n, workspace_request_join)}</button>
            <ButtonNotice error />
        </ActionForm>
    }
    .into_any()
}

#[component]
fn SettingsForm(w: WorkspaceSummary, areas: Vec<ThematicArea>, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.update);
    let id = w.workspace_id.clone();
    view! {
        <details>
            <summary>{t!(i18n, workspace_settings_title)}</summary>
            <ActionForm action=a.update>
                <FormNotice error />
                <input type="hidden" name="workspace_id" value=id />
                <SettingsFields areas error current=w />
                <button type="submit" class="button primary">{t!(i18n, save)}</button>
            </ActionForm>
        </details>
    }
}

/// An invitation link: what it opens, and the button that accepts it.
#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let preview = page_data(move || token.get(), preview_link);
    let accept = ServerAction::<AcceptLink>::new();
    let error = action_error(accept);
    view! {
        <Title text=page_title(t_string!(i18n, workspace_invite_page_title)) />
        <section>
            <h1>{t!(i18n, workspace_invite_page_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let preview = match preview.await {
                        // A link that lets nobody in any more says why, in words.
                        Err(e @ AppError::Invalid { .. }) => {
                            return view! {
                                <p class="notice notice-error" role="alert">{field_or_error_text(i18n, &e, "token")}</p>
                            }
                                .into_any();
                        }
                        other => other,
                    };
                    or_error_page(preview, move |p| {
                        let role = p.role;
                        view! {
                            <p>
                                {t!(i18n, workspace_invite_page_to)} " " <strong>{p.name.clone()}</strong> " · "
                                {t!(i18n, workspace_invited_as)} " " {role_label(i18n, role)}
                            </p>
                            {if p.member {
                                view! {
                                    <p>
                                        {t!(i18n, workspace_already_member)} " "
                                        <a href=format!("/workspaces/{}", p.workspace_id)>{p.name.clone()}</a>
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <ActionForm action=accept>
                                        <FormNotice error />
                                        <input type="hidden" name="token" value=token.get_untracked() />
                                        <button type="submit" class="button primary">{t!(i18n, workspace_invitation_accept)}</button>
                                    </ActionForm>
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
