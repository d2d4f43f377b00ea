//! A workspace's people on its page: the members with their roles, who waits to come in,
//! inviting by account and by link, and handing over ownership.

use super::model::{may_change_role, LinkLine, MemberLine, Role, Waiting};
use super::pages::{role_label, Actions};
use crate::assessment::round::day_of;
use crate::i18n::*;
use crate::ui::{action_error, Field, FieldProblem, FormNotice};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

#[component]
pub(super) fn MemberList(
    id: String,
    members: Vec<MemberLine>,
    role: Option<Role>,
    a: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.role);
    let lines = members
        .into_iter()
        .map(|m| {
            let (id, name) = (id.clone(), m.display_name.clone());
            let changeable = role.is_some_and(|r| may_change_role(r, m.role, None));
            let choices = role
                .filter(|_| changeable)
                .map(|by| {
                    let options = Role::ALL
                        .into_iter()
                        .filter(|r| may_change_role(by, m.role, Some(*r)))
                        .map(|r| view! { <option value=r.as_str() selected=r == m.role>{role_label(i18n, r)}</option> })
                        .collect_view();
                    let field = format!("role-{}", m.user_id);
                    view! {
                        <ActionForm action=a.role attr:class="inline-form">
                            <input type="hidden" name="workspace_id" value=id />
                            <input type="hidden" name="user_id" value=m.user_id.clone() />
                            <label for=field.clone() class="visually-hidden">
                                {t!(i18n, workspace_role_of)} " " {name}
                            </label>
                            <select id=field name="role">
                                {options}
                                <option value="remove">{t!(i18n, workspace_remove_member)}</option>
                            </select>
                            " "
                            <button type="submit" class="button">{t!(i18n, workspace_change_role)}</button>
                        </ActionForm>
                    }
                });
            view! {
                <li>
                    <span class="name">{m.display_name.clone()}</span> " · " {role_label(i18n, m.role)}
                    {choices}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, workspace_members_title)}</h2>
        <FormNotice error />
        <ul class="members">{lines}</ul>
    }
}

#[component]
pub(super) fn WaitingList(id: String, waiting: Vec<Waiting>, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    if waiting.is_empty() {
        return ().into_any();
    }
    let decide_error = action_error(a.decide);
    let withdraw_error = action_error(a.withdraw);
    let lines = waiting
        .into_iter()
        .map(|w| {
            let hidden = view! {
                <input type="hidden" name="workspace_id" value=id.clone() />
                <input type="hidden" name="user_id" value=w.user_id.clone() />
            };
            match w.invited_as {
                Some(role) => view! {
                    <li>
                        {w.display_name.clone()} " · " {t!(i18n, workspace_invited_as)} " " {role_label(i18n, role)}
                        " "
                        <ActionForm action=a.withdraw attr:class="inline-form">
                            {hidden}
                            <button type="submit" class="button">{t!(i18n, workspace_withdraw_invitation)}</button>
                        </ActionForm>
                    </li>
                }
                .into_any(),
                None => view! {
                    <li>
                        {w.display_name.clone()} " · " {t!(i18n, workspace_asks_to_join)} " "
                        <ActionForm action=a.decide attr:class="inline-form">
                            {hidden}
                            <button type="submit" class="button primary" name="answer" value="admit">
                                {t!(i18n, workspace_admit)}
                            </button>
                            " "
                            <button type="submit" class="button" name="answer" value="decline">
                                {t!(i18n, workspace_turn_away)}
                            </button>
                        </ActionForm>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    view! {
        <h2 id="waiting">{t!(i18n, workspace_waiting_title)}</h2>
        <FormNotice error=decide_error />
        <FormNotice error=withdraw_error />
        <ul class="members">{lines}</ul>
    }
    .into_any()
}

/// The roles `by` may let someone in as, as `<option>`s.
fn role_options(i18n: I18nContext<Locale>, by: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Owner && may_change_role(by, Role::Observer, Some(*r)))
        .map(|r| view! { <option value=r.as_str() selected=r == Role::Member>{role_label(i18n, r)}</option> })
        .collect_view()
}

#[component]
pub(super) fn InviteForm(id: String, role: Role, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.invite);
    view! {
        <h2>{t!(i18n, workspace_invite_title)}</h2>
        <ActionForm action=a.invite>
            <FormNotice error />
            <input type="hidden" name="workspace_id" value=id />
            <Field name="email" kind="email" label=t_string!(i18n, field_email).to_string() error required=true />
            <div class="field">
                <label for="field-invite-role">{t!(i18n, field_workspace_role)}</label>
                <select id="field-invite-role" name="role">{role_options(i18n, role)}</select>
                <FieldProblem name="role" error />
            </div>
            <button type="submit" class="button primary">{t!(i18n, workspace_invite_submit)}</button>
        </ActionForm>
    }
}

#[component]
pub(super) fn LinkList(id: String, links: Vec<LinkLine>, role: Role, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.link);
    let revoke_error = action_error(a.revoke);
    let lines = links
        .into_iter()
        .map(|l| {
            let id = id.clone();
            let (uses, max) = (l.uses, l.max_uses);
            let state = if l.revoked {
                t_string!(i18n, workspace_link_revoked).to_string()
            } else if l.expired {
                t_string!(i18n, workspace_link_expired).to_string()
            } else {
                let date = day_of(l.expires_at);
                t_string!(i18n, workspace_link_until, date).to_string()
            };
            let live = !l.revoked && !l.expired;
            view! {
                <li>
                    {role_label(i18n, l.role)} " · " {t!(i18n, workspace_link_uses, uses, max)} " · " {state}
                    {live.then(|| view! {
                        " "
                        <ActionForm action=a.revoke attr:class="inline-form">
                            <input type="hidden" name="workspace_id" value=id />
                            <input type="hidden" name="link_id" value=l.link_id.clone() />
                            <button type="submit" class="button">{t!(i18n, workspace_link_revoke)}</button>
                        </ActionForm>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, workspace_links_title)}</h2>
        <p class="muted">{t!(i18n, workspace_links_intro)}</p>
        <FormNotice error=revoke_error />
        <ul class="members">{lines}</ul>
        <ActionForm action=a.link>
            <FormNotice error />
            <input type="hidden" name="workspace_id" value=id />
            <div class="field">
                <label for="field-link-role">{t!(i18n, field_workspace_role)}</label>
                <select id="field-link-role" name="role">{role_options(i18n, role)}</select>
                <FieldProblem name="role" error />
            </div>
            <Field name="days" kind="number" label=t_string!(i18n, field_link_days).to_string() error value="14" required=true />
            <Field name="uses" kind="number" label=t_string!(i18n, field_link_uses).to_string() error value="20" required=true />
            <button type="submit" class="button primary">{t!(i18n, workspace_link_create)}</button>
        </ActionForm>
    }
}

#[component]
pub(super) fn TransferForm(id: String, members: Vec<MemberLine>, a: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(a.transfer);
    let others: Vec<MemberLine> = members
        .into_iter()
        .filter(|m| m.role != Role::Owner)
        .collect();
    if others.is_empty() {
        return ().into_any();
    }
    let options = others
        .into_iter()
        .map(|m| view! { <option value=m.user_id>{m.display_name}</option> })
        .collect_view();
    view! {
        <h2>{t!(i18n, workspace_transfer_title)}</h2>
        <ActionForm action=a.transfer>
            <FormNotice error />
            <input type="hidden" name="workspace_id" value=id />
            <div class="field">
                <label for="field-transfer-to">{t!(i18n, workspace_transfer_to)}</label>
                <select id="field-transfer-to" name="user_id">{options}</select>
            </div>
            <button type="submit" class="button">{t!(i18n, workspace_transfer_submit)}</button>
        </ActionForm>
    }
    .into_any()
}
