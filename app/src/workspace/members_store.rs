//! Who comes in and who holds which role: invitation links, invitations by account, requests
//! to join, and every change of roles. Server only; each function takes the proof
//! (`super::store`) of the one who acts.

use super::model::{self, LinkPreview, Role};
use super::notice::NoticeKind;
use super::notice_store::{notify, NewNotice};
use super::store::{find, role_in, role_of, Facilitator, Member, Owner, Reader};
use crate::db::{new_id, now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use crate::identity::session::{token_hash, SignedIn};
use futures::FutureExt;
use sqlx::{AnyConnection, Row};

/// A new invitation link; answers its token, which only its hash keeps afterwards.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn create_link(
    db: &Db,
    by: &Facilitator,
    role: Role,
    lasts_ms: i64,
    max_uses: i64,
) -> Result<String, AppError> {
    let token = crate::identity::session::new_token();
    let now = now_ms();
    db.run(
        "insert into workspace_link (link_id, workspace_id, token_hash, role, expires_at, max_uses, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        crate::args![
            new_id(),
            &by.workspace().workspace_id,
            token_hash(&token),
            role.as_str(),
            now + lasts_ms,
            max_uses,
            &by.user().user_id,
            now,
        ],
    )
    .await?;
    Ok(token)
}

/// Revokes one of the workspace's links (`NotFound` for a link of another workspace).
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn revoke_link(db: &Db, by: &Facilitator, link_id: &str) -> Result<(), AppError> {
    let done = db
        .run(
            "update workspace_link set revoked_at = coalesce(revoked_at, $3)
             where link_id = $1 and workspace_id = $2",
            crate::args![link_id, &by.workspace().workspace_id, now_ms()],
        )
        .await?;
    if done.rows == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

struct LinkRow {
    link_id: String,
    workspace_id: String,
    role: Role,
    expires_at: i64,
    uses: i64,
    max_uses: i64,
    revoked: bool,
}

impl LinkRow {
    fn open(&self, now: i64) -> Result<(), AppError> {
        model::link_open(self.expires_at, self.uses, self.max_uses, self.revoked, now)
            .map_err(|p| AppError::field("token", p))
    }
}

async fn link_by_token(conn: &mut AnyConnection, token: &str) -> Result<Option<LinkRow>, AppError> {
    let row = sqlx::query(
        "select link_id, workspace_id, role, expires_at, uses, max_uses, revoked_at
         from workspace_link where token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(LinkRow {
            link_id: r.try_get("link_id")?,
            workspace_id: r.try_get("workspace_id")?,
            role: role_of(&r.try_get::<String, _>("role")?)?,
            expires_at: r.try_get("expires_at")?,
            uses: r.try_get("uses")?,
            max_uses: r.try_get("max_uses")?,
            revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
        })
    })
    .transpose()
}

/// What an invitation link opens, for a signed-in person about to accept it: `NotFound` for
/// a token no link has; the link's problem where it lets nobody in any more.
#[tracing::instrument(skip_all)]
pub async fn preview_link(db: &Db, me: &SignedIn, token: &str) -> Result<LinkPreview, AppError> {
    let link = {
        let mut conn = db.pool.acquire().await?;
        link_by_token(&mut conn, token).await?
    }
    .ok_or(AppError::NotFound)?;
    link.open(now_ms())?;
    let workspace = find(db, &link.workspace_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(LinkPreview {
        member: role_in(db, &workspace.workspace_id, &me.user_id)
            .await?
            .is_some(),
        workspace_id: workspace.workspace_id,
        name: workspace.name,
        role: link.role,
    })
}

/// Lets the caller in by an invitation link, counting one use; a member already keeps their
/// role and uses nothing. Answers the workspace's id. Two people racing for a link's last use
/// cannot both get in: the count is raised only while it is below the limit.
#[tracing::instrument(skip_all)]
pub async fn accept_link(db: &Db, me: &SignedIn, token: &str) -> Result<String, AppError> {
    let (token, user_id) = (token.to_owned(), me.user_id.clone());
    db.write(move |conn| {
        async move {
            let now = now_ms();
            let Some(link) = link_by_token(conn, &token).await? else {
                return Ok(Outcome::Undo(Err(AppError::NotFound)));
            };
            if member_role(conn, &link.workspace_id, &user_id)
                .await?
                .is_some()
            {
                return Ok(Outcome::Undo(Ok(link.workspace_id)));
            }
            if let Err(e) = link.open(now) {
                return Ok(Outcome::Undo(Err(e)));
            }
            // The workspace before its link, in the order an account's deletion takes them.
            lock_workspace(conn, &link.workspace_id).await?;
            let counted = sqlx::query(
                "update workspace_link set uses = uses + 1
                 where link_id = $1 and uses < max_uses and revoked_at is null and expires_at > $2",
            )
            .bind(&link.link_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if counted.rows_affected() == 0 {
                return Ok(Outcome::Undo(Err(AppError::field(
                    "token",
                    Problem::LinkUsedUp,
                ))));
            }
            admit(conn, &link.workspace_id, &user_id, link.role, now).await?;
            Ok(Outcome::Keep(Ok(link.workspace_id)))
        }
        .boxed()
    })
    .await?
}

async fn member_role(
    conn: &mut AnyConnection,
    workspace_id: &str,
    user_id: &str,
) -> Result<Option<Role>, AppError> {
    let row =
        sqlx::query("select role from workspace_member where workspace_id = $1 and user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| role_of(&r.try_get::<String, _>("role")?))
        .transpose()
}

/// Makes someone a member, and clears their invitation and request, which it answers.
async fn admit(
    conn: &mut AnyConnection,
    workspace_id: &str,
    user_id: &str,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    lock_workspace(conn, workspace_id).await?;
    sqlx::query(
        "insert into workspace_member (workspace_id, user_id, role, joined_at) values ($1, $2, $3, $4)
         on conflict (workspace_id, user_id) do nothing",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for table in ["workspace_invitee", "workspace_request"] {
        sqlx::query(&format!(
            "delete from {table} where workspace_id = $1 and user_id = $2"
        ))
        .bind(workspace_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Invites the enabled account with this e-mail, as `role`; they accept or decline it.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn invite_account(
    db: &Db,
    by: &Facilitator,
    email: &crate::identity::model::Email,
    role: Role,
) -> Result<(), AppError> {
    let Some(user_id) = crate::identity::store::find_active_person(db, email).await? else {
        return Err(AppError::field("email", Problem::NoSuchAccount));
    };
    let workspace_id = by.workspace().workspace_id.clone();
    if role_in(db, &workspace_id, &user_id).await?.is_some() {
        return Err(AppError::field("email", Problem::AlreadyMember));
    }
    let by_id = by.user().user_id.clone();
    db.write(move |conn| {
        async move {
            let invited = sqlx::query(
                "insert into workspace_invitee (workspace_id, user_id, role, invited_by, created_at)
                 values ($1, $2, $3, $4, $5) on conflict (workspace_id, user_id) do nothing",
            )
            .bind(&workspace_id)
            .bind(&user_id)
            .bind(role.as_str())
            .bind(&by_id)
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
            if invited.rows_affected() == 0 {
                return Ok(Outcome::Undo(Err(AppError::field(
                    "email",
                    Problem::AlreadyInvited,
                ))));
            }
            let notice = NewNotice {
                user_id: &user_id,
                kind: NoticeKind::Invitation,
                workspace_id: &workspace_id,
                thread_id: None,
                post_id: None,
                actor_id: &by_id,
            };
            notify(conn, notice).await?;
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// The caller answers an invitation of theirs: accepted, they are a member by its role.
/// `NotFound` where there is none (nobody learns of other people's invitations).
#[tracing::instrument(skip_all)]
pub async fn answer_invitation(
    db: &Db,
    me: &SignedIn,
    workspace_id: &str,
    accept: bool,
) -> Result<(), AppError> {
    let (workspace_id, user_id) = (workspace_id.to_owned(), me.user_id.clone());
    db.write(move |conn| {
        async move {
            let row = sqlx::query(
                "select role from workspace_invitee where workspace_id = $1 and user_id = $2",
            )
            .bind(&workspace_id)
            .bind(&user_id)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(row) = row else {
                return Ok(Outcome::Undo(Err(AppError::NotFound)));
            };
            let role = role_of(&row.try_get::<String, _>("role")?)?;
            if accept {
                admit(conn, &workspace_id, &user_id, role, now_ms()).await?;
            } else {
                sqlx::query(
                    "delete from workspace_invitee where workspace_id = $1 and user_id = $2",
                )
                .bind(&workspace_id)
                .bind(&user_id)
                .execute(&mut *conn)
                .await?;
            }
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// A signed-in reader who is no member asks to join; asking twice is asking once.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn request_to_join(db: &Db, reader: &Reader) -> Result<(), AppError> {
    let Some(me) = reader.user() else {
        return Err(AppError::Unauthorized);
    };
    if reader.role().is_some() {
        return Err(AppError::field("workspace_id", Problem::AlreadyMember));
    }
    db.run(
        "insert into workspace_request (workspace_id, user_id, created_at) values ($1, $2, $3)
         on conflict (workspace_id, user_id) do nothing",
        crate::args![&reader.workspace().workspace_id, &me.user_id, now_ms()],
    )
    .await?;
    Ok(())
}

/// A facilitator admits (as a member) or turns away someone who asked to join; `NotFound`
/// where they did not ask.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn decide_request(
    db: &Db,
    by: &Facilitator,
    user_id: &str,
    admit_them: bool,
) -> Result<(), AppError> {
    let (workspace_id, user_id) = (by.workspace().workspace_id.clone(), user_id.to_owned());
    db.write(move |conn| {
        async move {
            if !take_waiting(conn, "workspace_request", &workspace_id, &user_id).await? {
                return Ok(Outcome::Undo(Err(AppError::NotFound)));
            }
            if admit_them {
                admit(conn, &workspace_id, &user_id, Role::Member, now_ms()).await?;
            }
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// Deletes the person's waiting request (`workspace_request`) or invitation
/// (`workspace_invitee`) in the workspace; whether there was one.
async fn take_waiting(
    conn: &mut AnyConnection,
    table: &'static str,
    workspace_id: &str,
    user_id: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(&format!(
        "delete from {table} where workspace_id = $1 and user_id = $2"
    ))
    .bind(workspace_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Withdraws an invitation by account that waits for its answer.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn withdraw_invitation(db: &Db, by: &Facilitator, user_id: &str) -> Result<(), AppError> {
    let (workspace_id, user_id) = (by.workspace().workspace_id.clone(), user_id.to_owned());
    db.write(move |conn| {
        async move {
            if !take_waiting(conn, "workspace_invitee", &workspace_id, &user_id).await? {
                return Ok(Outcome::Undo(Err(AppError::NotFound)));
            }
            // The invitation's notice would go on showing the workspace's name.
            sqlx::query(
                "delete from notice where workspace_id = $1 and user_id = $2 and kind = 'invitation'",
            )
            .bind(&workspace_id)
            .bind(&user_id)
            .execute(&mut *conn)
            .await?;
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// Locks the workspace's row until the transaction ends (a row lock on PostgreSQL; SQLite's
/// writer holds the whole database already): every change of who is in and with which role
/// takes it first, so such changes of one workspace follow each other.
pub(super) async fn lock_workspace(
    conn: &mut AnyConnection,
    workspace_id: &str,
) -> Result<(), AppError> {
    sqlx::query("update workspace set updated_at = updated_at where workspace_id = $1")
        .bind(workspace_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A change of members' roles, checked and written as one step: the workspace's row is locked
/// first (a row lock on PostgreSQL; SQLite's writer holds the whole database), so the roles
/// read (the actor's own included) and the owners counted are still so when the change is
/// written, and two owners leaving at once cannot leave the workspace with none.
enum Change {
    /// `actor` (a facilitator or owner, as read in the write) gives `target` the role `new`
    /// (`None`: removes them).
    Role {
        actor: String,
        target: String,
        new: Option<Role>,
    },
    /// `who` takes themselves out.
    Leave { who: String },
    /// An owner makes `target` (a member) an owner and steps down to facilitator.
    Transfer { from: String, to: String },
}

async fn change(db: &Db, workspace_id: &str, change: Change) -> Result<(), AppError> {
    let workspace_id = workspace_id.to_owned();
    db.write(move |conn| {
        async move {
            lock_workspace(conn, &workspace_id).await?;
            let owners: i64 = sqlx::query(
                "select count(*) as n from workspace_member where workspace_id = $1 and role = 'owner'",
            )
            .bind(&workspace_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?;
            let writes = match &change {
                Change::Role { actor, target, new } => {
                    let actor = member_role(conn, &workspace_id, actor).await?;
                    let Some(actor) = actor.filter(|r| r.facilitates()) else {
                        return Ok(Outcome::Undo(Err(AppError::Forbidden)));
                    };
                    let Some(current) = member_role(conn, &workspace_id, target).await? else {
                        return Ok(Outcome::Undo(Err(AppError::NotFound)));
                    };
                    if !model::may_change_role(actor, current, *new) {
                        return Ok(Outcome::Undo(Err(AppError::Forbidden)));
                    }
                    if let Err(p) = model::keeps_an_owner(owners, current, *new) {
                        return Ok(Outcome::Undo(Err(AppError::field("role", p))));
                    }
                    vec![(target.clone(), *new)]
                }
                Change::Leave { who } => {
                    let Some(current) = member_role(conn, &workspace_id, who).await? else {
                        return Ok(Outcome::Undo(Err(AppError::NotFound)));
                    };
                    if let Err(p) = model::keeps_an_owner(owners, current, None) {
                        return Ok(Outcome::Undo(Err(AppError::field("role", p))));
                    }
                    vec![(who.clone(), None)]
                }
                Change::Transfer { from, to } => {
                    if from == to {
                        return Ok(Outcome::Undo(Err(AppError::field("user_id", Problem::UnknownChoice))));
                    }
                    if member_role(conn, &workspace_id, to).await?.is_none() {
                        return Ok(Outcome::Undo(Err(AppError::NotFound)));
                    }
                    if member_role(conn, &workspace_id, from).await? != Some(Role::Owner) {
                        return Ok(Outcome::Undo(Err(AppError::Forbidden)));
                    }
                    vec![
                        (to.clone(), Some(Role::Owner)),
                        (from.clone(), Some(Role::Facilitator)),
                    ]
                }
            };
            for (user_id, role) in writes {
                let query = match role {
                    Some(role) => sqlx::query(
                        "update workspace_member set role = $3 where workspace_id = $1 and user_id = $2",
                    )
                    .bind(&workspace_id)
                    .bind(user_id)
                    .bind(role.as_str()),
                    None => {
                        // Out of the workspace, out of its news: what they were told would
                        // show its current name and threads.
                        sqlx::query("delete from notice where workspace_id = $1 and user_id = $2")
                            .bind(&workspace_id)
                            .bind(&user_id)
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query(
                            "delete from workspace_member where workspace_id = $1 and user_id = $2",
                        )
                        .bind(&workspace_id)
                        .bind(user_id)
                    }
                };
                query.execute(&mut *conn).await?;
            }
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// A facilitator or owner changes a member's role, or removes them (`new` = `None`).
pub async fn set_role(
    db: &Db,
    by: &Facilitator,
    user_id: &str,
    new: Option<Role>,
) -> Result<(), AppError> {
    let actor = by.user().user_id.clone();
    let target = user_id.to_owned();
    change(
        db,
        &by.workspace().workspace_id,
        Change::Role { actor, target, new },
    )
    .await
}

/// The caller leaves the workspace (its last owner cannot).
pub async fn leave(db: &Db, me: &Member) -> Result<(), AppError> {
    let change_of = Change::Leave {
        who: me.user().user_id.clone(),
    };
    change(db, &me.workspace().workspace_id, change_of).await
}

/// The owner hands the workspace to another member and stays on as a facilitator.
pub async fn transfer(db: &Db, owner: &Owner, to: &str) -> Result<(), AppError> {
    let change_of = Change::Transfer {
        from: owner.user().user_id.clone(),
        to: to.to_owned(),
    };
    change(db, &owner.workspace().workspace_id, change_of).await
}
