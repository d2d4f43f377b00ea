//! Server functions for workspaces: the directory, creating and changing one, and its
//! members: invitation links, invitations by account, requests to join, roles, leaving and
//! handing over ownership. Each makes its proof (`store::require_*`) before it reads anything.

use super::model::{Directory, LinkPreview, Workspace};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::members_store as members,
    super::model::{
        link_days, link_uses, may_change_role, Role, Visibility, DESCRIPTION_MAX, NAME_MAX,
    },
    super::store::{self, require_facilitator, require_member, require_owner, require_reader},
    crate::error::{Checks, Problem},
    crate::identity::model::Email,
    crate::identity::session::{require_user, signed_in},
    crate::ssr,
    crate::text::{bounded_text, long_text},
};

/// The workspaces the caller may see, those of thematic area `theme` where it is not empty.
#[server(endpoint = "workspace/list", input = server_fn::codec::GetUrl)]
pub async fn list_workspaces(#[server(default)] theme: String) -> Result<Directory, AppError> {
    let me = signed_in().await?;
    store::directory(&ssr::db()?, me.as_ref(), &theme).await
}

/// The settings form's fields, checked (the owner's form and the creation form).
#[cfg(feature = "ssr")]
async fn settings(
    db: &crate::db::Db,
    name: &str,
    description: &str,
    visibility: &str,
    themes: &[String],
) -> Result<store::Settings, AppError> {
    let mut checks = Checks::default();
    checks.keep("name", name);
    checks.keep("description", description);
    let name = checks.check("name", bounded_text(name, NAME_MAX));
    let description = checks.check("description", long_text(description, DESCRIPTION_MAX));
    let visibility = checks.check("visibility", Visibility::parse(visibility));
    let themes = checks.check("themes", store::check_themes(db, themes).await?);
    checks.finish()?;
    match (name, description, visibility, themes) {
        (Some(name), Some(description), Some(visibility), Some(themes)) => Ok(store::Settings {
            name,
            description,
            visibility,
            themes,
        }),
        _ => Err(AppError::Internal),
    }
}

/// Any signed-in person creates a workspace and owns it.
#[server(endpoint = "workspace/create")]
pub async fn create_workspace(
    name: String,
    #[server(default)] description: String,
    visibility: String,
    #[server(default)] themes: Vec<String>,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let db = ssr::db()?;
    let settings = settings(&db, &name, &description, &visibility, &themes).await?;
    let id = store::create(&db, &me, settings).await.map_err(|e| {
        e.keeping("name", &name)
            .keeping("description", &description)
    })?;
    leptos_axum::redirect(&format!("/workspaces/{id}"));
    Ok(())
}

/// The workspace as the caller may see it.
#[server(endpoint = "workspace/get")]
pub async fn get_workspace(workspace_id: String) -> Result<Workspace, AppError> {
    let db = ssr::db()?;
    let reader = require_reader(&db, &workspace_id).await?;
    let origin = ssr::context()?.public_origin.base();
    store::workspace(&db, &reader, origin).await
}

/// Its owners change the workspace's name, description, visibility and themes.
#[server(endpoint = "workspace/update")]
pub async fn update_workspace(
    workspace_id: String,
    name: String,
    #[server(default)] description: String,
    visibility: String,
    #[server(default)] themes: Vec<String>,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workspace_id).await?;
    let settings = settings(&db, &name, &description, &visibility, &themes).await?;
    store::update(&db, &owner, settings).await.map_err(|e| {
        e.keeping("name", &name)
            .keeping("description", &description)
    })
}

/// A role someone may be let in as by `by`: never an owner; a facilitator only by an owner.
#[cfg(feature = "ssr")]
fn role_to_give(by: Role, raw: &str) -> Result<Role, Problem> {
    let role = Role::parse(raw)?;
    if role == Role::Owner || !may_change_role(by, Role::Observer, Some(role)) {
        return Err(Problem::UnknownChoice);
    }
    Ok(role)
}

/// A facilitator makes an invitation link (lasting `days`, letting in `uses` people as
/// `role`). The page shows the link once, from its address, since only its hash is kept.
#[server(endpoint = "workspace/create_link")]
pub async fn create_link(
    workspace_id: String,
    role: String,
    days: String,
    uses: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    let mut checks = Checks::default();
    checks.keep("days", &days);
    checks.keep("uses", &uses);
    let role = checks.check("role", role_to_give(by.role(), &role));
    let lasts = checks.check("days", link_days(&days));
    let uses = checks.check("uses", link_uses(&uses));
    checks.finish()?;
    let (Some(role), Some(lasts), Some(uses)) = (role, lasts, uses) else {
        return Err(AppError::Internal);
    };
    let token = members::create_link(&db, &by, role, lasts, uses).await?;
    leptos_axum::redirect(&format!("/workspaces/{workspace_id}?link={token}"));
    Ok(())
}

/// A facilitator revokes an invitation link: it lets nobody in any more.
#[server(endpoint = "workspace/revoke_link")]
pub async fn revoke_link(workspace_id: String, link_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    members::revoke_link(&db, &by, &link_id).await
}

/// What an invitation link opens, for the signed-in person about to accept it.
#[server(endpoint = "workspace/preview_link")]
pub async fn preview_link(token: String) -> Result<LinkPreview, AppError> {
    let me = require_user().await?;
    members::preview_link(&ssr::db()?, &me, &token).await
}

/// The signed-in person accepts an invitation link and is taken to the workspace.
#[server(endpoint = "workspace/accept_link")]
pub async fn accept_link(token: String) -> Result<(), AppError> {
    let me = require_user().await?;
    let id = members::accept_link(&ssr::db()?, &me, &token).await?;
    leptos_axum::redirect(&format!("/workspaces/{id}"));
    Ok(())
}

/// A facilitator invites the account with this e-mail; they accept or decline it from the
/// directory.
#[server(endpoint = "workspace/invite")]
pub async fn invite_member(
    workspace_id: String,
    email: String,
    role: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    let mut checks = Checks::default();
    checks.keep("email", &email);
    let address = checks.check("email", Email::parse(&email));
    let role = checks.check("role", role_to_give(by.role(), &role));
    checks.finish()?;
    let (Some(address), Some(role)) = (address, role) else {
        return Err(AppError::Internal);
    };
    members::invite_account(&db, &by, &address, role)
        .await
        .map_err(|e| e.keeping("email", &email))
}

/// A facilitator withdraws an invitation by account that waits for its answer.
#[server(endpoint = "workspace/withdraw_invitation")]
pub async fn withdraw_invitation(workspace_id: String, user_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    members::withdraw_invitation(&db, &by, &user_id).await
}

/// The invited person accepts (`answer` = `accept`) or declines (`decline`) an invitation.
#[server(endpoint = "workspace/answer_invitation")]
pub async fn answer_invitation(workspace_id: String, answer: String) -> Result<(), AppError> {
    let me = require_user().await?;
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("answer", Problem::UnknownChoice)),
    };
    members::answer_invitation(&ssr::db()?, &me, &workspace_id, accept).await?;
    if accept {
        leptos_axum::redirect(&format!("/workspaces/{workspace_id}"));
    }
    Ok(())
}

/// A signed-in person who reads a workspace without being a member asks to join it.
#[server(endpoint = "workspace/request")]
pub async fn request_to_join(workspace_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let reader = require_reader(&db, &workspace_id).await?;
    members::request_to_join(&db, &reader).await
}

/// A facilitator admits (`answer` = `admit`) or turns away (`decline`) a request to join.
#[server(endpoint = "workspace/decide_request")]
pub async fn decide_request(
    workspace_id: String,
    user_id: String,
    answer: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    let admit = match answer.as_str() {
        "admit" => true,
        "decline" => false,
        _ => return Err(AppError::field("answer", Problem::UnknownChoice)),
    };
    members::decide_request(&db, &by, &user_id, admit).await
}

/// A facilitator changes a member's role (`role`), or removes them (`role` = `remove`).
/// Facilitators change members and observers; owners anyone; nobody the last owner.
#[server(endpoint = "workspace/set_role")]
pub async fn set_member_role(
    workspace_id: String,
    user_id: String,
    role: String,
) -> Result<(), AppError> {
    let db = ssr::db()?;
    let by = require_facilitator(&db, &workspace_id).await?;
    let new = match role.as_str() {
        "remove" => None,
        raw => Some(Role::parse(raw).map_err(|p| AppError::field("role", p))?),
    };
    members::set_role(&db, &by, &user_id, new).await
}

/// The caller leaves the workspace (its last owner hands it over first).
#[server(endpoint = "workspace/leave")]
pub async fn leave_workspace(workspace_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let me = require_member(&db, &workspace_id).await?;
    members::leave(&db, &me).await?;
    leptos_axum::redirect("/workspaces");
    Ok(())
}

/// An owner hands the workspace to another member and stays on as a facilitator.
#[server(endpoint = "workspace/transfer")]
pub async fn transfer_ownership(workspace_id: String, user_id: String) -> Result<(), AppError> {
    let db = ssr::db()?;
    let owner = require_owner(&db, &workspace_id).await?;
    members::transfer(&db, &owner, &user_id).await
}
