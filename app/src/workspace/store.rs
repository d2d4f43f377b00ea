//! Workspaces' SQL, and the proofs of who may do what in one. Server only.
//!
//! - [`Reader`]: may read the workspace (a member, or anyone its visibility lets in).
//! - [`Member`]: a member of any role; [`Writer`]: one who writes (not an observer);
//!   [`Facilitator`]: an owner or facilitator; [`Owner`]: an owner.
//!
//! A proof is made before anything of the workspace is read for the caller, and a workspace
//! the caller may not read answers exactly as one that does not exist. Platform
//! administrators have no part in workspaces they are not members of: a private workspace
//! stays private.

use super::model::{
    self, access, Access, Directory, Invitation, LinkLine, LinkPreview, MemberLine, Role,
    Visibility, Waiting, Workspace, WorkspaceSummary,
};
use crate::db::{bad_value, new_id, now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use crate::identity::session::{signed_in, token_hash, SignedIn};
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A workspace's row.
#[derive(Debug, Clone)]
pub struct WorkspaceRow {
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
}

const COLUMNS: &str = "workspace_id, name, description, visibility";

fn workspace_row(r: &AnyRow) -> Result<WorkspaceRow, AppError> {
    let visibility: String = r.try_get("visibility")?;
    Ok(WorkspaceRow {
        workspace_id: r.try_get("workspace_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        visibility: Visibility::parse(&visibility)
            .map_err(|_| bad_value("workspace.visibility", &visibility))?,
    })
}

fn role_of(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw).map_err(|_| bad_value("workspace_member.role", raw))
}

/// Proof that the caller may read the workspace. Only [`require_reader`] makes one.
#[derive(Debug)]
pub struct Reader {
    workspace: WorkspaceRow,
    user: Option<SignedIn>,
    role: Option<Role>,
}

impl Reader {
    pub fn workspace(&self) -> &WorkspaceRow {
        &self.workspace
    }
    pub fn user(&self) -> Option<&SignedIn> {
        self.user.as_ref()
    }
    pub fn role(&self) -> Option<Role> {
        self.role
    }
}

/// Proof that the caller is a member of the workspace (of any role). Made by
/// [`require_member`]; [`Writer`], [`Facilitator`] and [`Owner`] are members with more rights.
#[derive(Debug)]
pub struct Member {
    workspace: WorkspaceRow,
    user: SignedIn,
    role: Role,
}

impl Member {
    pub fn workspace(&self) -> &WorkspaceRow {
        &self.workspace
    }
    pub fn user(&self) -> &SignedIn {
        &self.user
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// Proof that the caller writes in the workspace: any member but an observer.
#[derive(Debug)]
pub struct Writer(Member);
/// Proof that the caller facilitates the workspace: an owner or a facilitator.
#[derive(Debug)]
pub struct Facilitator(Member);
/// Proof that the caller owns the workspace.
#[derive(Debug)]
pub struct Owner(Member);

macro_rules! member_proof {
    ($($proof:ident),*) => {$(
        impl std::ops::Deref for $proof {
            type Target = Member;
            fn deref(&self) -> &Member {
                &self.0
            }
        }
    )*};
}
member_proof!(Writer, Facilitator, Owner);

/// The workspace as the caller may see it. A visitor without an account is asked to sign in
/// for any workspace that is not public, existing or not; a signed-in person gets `NotFound`
/// for one they may not read, existing or not.
pub async fn require_reader(db: &Db, workspace_id: &str) -> Result<Reader, AppError> {
    let user = signed_in().await?;
    let found = find(db, workspace_id).await?;
    let role = match (&found, &user) {
        (Some(w), Some(u)) => role_in(db, &w.workspace_id, &u.user_id).await?,
        _ => None,
    };
    let visible = found.filter(|w| access(w.visibility, role, user.is_some()) != Access::None);
    match (visible, user) {
        (Some(workspace), user) => Ok(Reader {
            workspace,
            user,
            role,
        }),
        (None, None) => Err(AppError::Unauthorized),
        (None, Some(_)) => Err(AppError::NotFound),
    }
}

/// The caller as a member whose role `allowed` accepts: `Unauthorized` for a visitor,
/// `NotFound` where they may not read the workspace, `Forbidden` where they may read it but
/// their role (or their not being a member) does not allow this.
async fn member_where(
    db: &Db,
    workspace_id: &str,
    allowed: fn(Role) -> bool,
) -> Result<Member, AppError> {
    let reader = require_reader(db, workspace_id).await?;
    let user = reader.user.ok_or(AppError::Unauthorized)?;
    match reader.role {
        Some(role) if allowed(role) => Ok(Member {
            workspace: reader.workspace,
            user,
            role,
        }),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn require_member(db: &Db, workspace_id: &str) -> Result<Member, AppError> {
    member_where(db, workspace_id, |_| true).await
}

pub async fn require_writer(db: &Db, workspace_id: &str) -> Result<Writer, AppError> {
    member_where(db, workspace_id, Role::writes)
        .await
        .map(Writer)
}

pub async fn require_facilitator(db: &Db, workspace_id: &str) -> Result<Facilitator, AppError> {
    member_where(db, workspace_id, Role::facilitates)
        .await
        .map(Facilitator)
}

pub async fn require_owner(db: &Db, workspace_id: &str) -> Result<Owner, AppError> {
    member_where(db, workspace_id, Role::owns).await.map(Owner)
}

async fn find(db: &Db, workspace_id: &str) -> Result<Option<WorkspaceRow>, AppError> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from workspace where workspace_id = $1"
    ))
    .bind(workspace_id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(workspace_row).transpose()
}

async fn role_in(db: &Db, workspace_id: &str, user_id: &str) -> Result<Option<Role>, AppError> {
    let row =
        sqlx::query("select role from workspace_member where workspace_id = $1 and user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| role_of(&r.try_get::<String, _>("role")?))
        .transpose()
}

/// A workspace's settings as its form sends them, checked.
pub struct Settings {
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
    pub themes: Vec<String>,
}

/// `ids` once each where every one names a thematic area; `Err(None)`: one does not.
pub async fn check_themes(
    db: &Db,
    ids: &[String],
) -> Result<Result<Vec<String>, Problem>, AppError> {
    let known = crate::registry::store::thematic_areas(db).await?;
    let mut themes = Vec::new();
    for id in ids {
        if !known.iter().any(|a| &a.thematic_area_id == id) {
            return Ok(Err(Problem::UnknownChoice));
        }
        if !themes.contains(id) {
            themes.push(id.clone());
        }
    }
    Ok(Ok(themes))
}

/// A new workspace, its creator its owner. A name another workspace has (ignoring case and
/// spacing) is refused.
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, me: &SignedIn, settings: Settings) -> Result<String, AppError> {
    let id = new_id();
    let (workspace_id, user_id) = (id.clone(), me.user_id.clone());
    db.write(move |conn| {
        async move {
            let now = now_ms();
            let inserted = sqlx::query(
                "insert into workspace (workspace_id, name, name_key, description, visibility, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6) on conflict (name_key) do nothing",
            )
            .bind(&workspace_id)
            .bind(&settings.name)
            .bind(crate::text::key(&settings.name))
            .bind(&settings.description)
            .bind(settings.visibility.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if inserted.rows_affected() == 0 {
                return Ok(Outcome::Undo(Err(AppError::field("name", Problem::WorkspaceNameTaken))));
            }
            write_themes(conn, &workspace_id, &settings.themes).await?;
            sqlx::query(
                "insert into workspace_member (workspace_id, user_id, role, joined_at) values ($1, $2, 'owner', $3)",
            )
            .bind(&workspace_id)
            .bind(&user_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await??;
    Ok(id)
}

async fn write_themes(
    conn: &mut AnyConnection,
    workspace_id: &str,
    themes: &[String],
) -> Result<(), AppError> {
    sqlx::query("delete from workspace_theme where workspace_id = $1")
        .bind(workspace_id)
        .execute(&mut *conn)
        .await?;
    for theme in themes {
        sqlx::query("insert into workspace_theme (workspace_id, thematic_area_id) values ($1, $2)")
            .bind(workspace_id)
            .bind(theme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The owner changes the workspace's name, description, visibility and themes.
#[tracing::instrument(skip_all, fields(workspace = %owner.workspace.workspace_id))]
pub async fn update(db: &Db, owner: &Owner, settings: Settings) -> Result<(), AppError> {
    let workspace_id = owner.workspace.workspace_id.clone();
    db.write(move |conn| {
        async move {
            let updated = sqlx::query(
                "update workspace set name = $2, name_key = $3, description = $4, visibility = $5, updated_at = $6
                 where workspace_id = $1
                 and not exists (select 1 from workspace o where o.name_key = $3 and o.workspace_id <> $1)",
            )
            .bind(&workspace_id)
            .bind(&settings.name)
            .bind(crate::text::key(&settings.name))
            .bind(&settings.description)
            .bind(settings.visibility.as_str())
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
            if updated.rows_affected() == 0 {
                return Ok(Outcome::Undo(Err(AppError::field("name", Problem::WorkspaceNameTaken))));
            }
            write_themes(conn, &workspace_id, &settings.themes).await?;
            Ok(Outcome::Keep(Ok(())))
        }
        .boxed()
    })
    .await?
}

/// The workspaces `viewer` may see (`None`: a visitor), with `theme` among their thematic
/// areas where it is not empty, by name; and the viewer's invitations.
#[tracing::instrument(skip_all)]
pub async fn directory(
    db: &Db,
    viewer: Option<&SignedIn>,
    theme: &str,
) -> Result<Directory, AppError> {
    let me = viewer.map_or("", |v| v.user_id.as_str());
    let rows = sqlx::query(&format!(
        "select w.workspace_id, w.name, w.description, w.visibility,
                (select count(*) from workspace_member c where c.workspace_id = w.workspace_id) as members,
                m.role as my_role,
                (select count(*) from workspace_request r
                  where r.workspace_id = w.workspace_id and r.user_id = $1) as requested
         from workspace w
         left join workspace_member m on m.workspace_id = w.workspace_id and m.user_id = $1
         where (w.visibility = 'public' or (w.visibility = 'partnership' and $2 = 1)
                or m.user_id is not null)
           and ($3 = '' or exists (select 1 from workspace_theme t
                                   where t.workspace_id = w.workspace_id and t.thematic_area_id = $3))
         order by w.name_key{}",
        db.engine.byte_order()
    ))
    .bind(me)
    .bind(i64::from(viewer.is_some()))
    .bind(theme)
    .fetch_all(&db.pool)
    .await?;
    let themes = all_themes(db).await?;
    let workspaces = rows
        .iter()
        .map(|r| {
            let w = workspace_row(r)?;
            let my_role: Option<String> = r.try_get("my_role")?;
            Ok(WorkspaceSummary {
                themes: themes_of(&themes, &w.workspace_id),
                members: r.try_get("members")?,
                my_role: my_role.as_deref().map(role_of).transpose()?,
                requested: r.try_get::<i64, _>("requested")? > 0,
                workspace_id: w.workspace_id,
                name: w.name,
                description: w.description,
                visibility: w.visibility,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let invitations = match viewer {
        Some(me) => invitations(db, me).await?,
        None => Vec::new(),
    };
    Ok(Directory {
        workspaces,
        invitations,
        signed_in: viewer.is_some(),
    })
}

/// Every workspace's thematic areas, as (workspace, area) in the registry's order.
async fn all_themes(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    sqlx::query(
        "select t.workspace_id, t.thematic_area_id from workspace_theme t
         join thematic_area a on a.thematic_area_id = t.thematic_area_id order by a.position",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("workspace_id")?, r.try_get("thematic_area_id")?)))
    .collect()
}

fn themes_of(themes: &[(String, String)], workspace_id: &str) -> Vec<String> {
    themes
        .iter()
        .filter(|(w, _)| w == workspace_id)
        .map(|(_, t)| t.clone())
        .collect()
}

async fn invitations(db: &Db, me: &SignedIn) -> Result<Vec<Invitation>, AppError> {
    sqlx::query(
        "select w.workspace_id, w.name, i.role from workspace_invitee i
         join workspace w on w.workspace_id = i.workspace_id
         where i.user_id = $1 order by i.created_at",
    )
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Invitation {
            workspace_id: r.try_get("workspace_id")?,
            name: r.try_get("name")?,
            role: role_of(&r.try_get::<String, _>("role")?)?,
        })
    })
    .collect()
}

/// The workspace's page for one reader: its members for anyone who may read it; its links and
/// who waits to come in for its facilitators.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace.workspace_id))]
pub async fn workspace(db: &Db, reader: &Reader, origin: String) -> Result<Workspace, AppError> {
    let w = &reader.workspace;
    let members = members(db, &w.workspace_id).await?;
    let facilitates = reader.role.is_some_and(Role::facilitates);
    let (links, waiting) = if facilitates {
        (
            links(db, &w.workspace_id).await?,
            waiting(db, &w.workspace_id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let requested = match (&reader.user, reader.role) {
        (Some(me), None) => has_requested(db, &w.workspace_id, &me.user_id).await?,
        _ => false,
    };
    Ok(Workspace {
        summary: WorkspaceSummary {
            workspace_id: w.workspace_id.clone(),
            name: w.name.clone(),
            description: w.description.clone(),
            visibility: w.visibility,
            themes: themes_of(&all_themes(db).await?, &w.workspace_id),
            members: members.len() as i64,
            my_role: reader.role,
            requested,
        },
        signed_in: reader.user.is_some(),
        members,
        links,
        waiting,
        origin,
    })
}

async fn members(db: &Db, workspace_id: &str) -> Result<Vec<MemberLine>, AppError> {
    let mut members = sqlx::query(&format!(
        "select m.user_id, u.display_name, m.role, m.joined_at from workspace_member m
         join app_user u on u.user_id = m.user_id where m.workspace_id = $1
         order by u.display_name{}",
        db.engine.byte_order()
    ))
    .bind(workspace_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(MemberLine {
            user_id: r.try_get("user_id")?,
            display_name: r.try_get("display_name")?,
            role: role_of(&r.try_get::<String, _>("role")?)?,
            joined_at: r.try_get("joined_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    members.sort_by_key(|m| m.role);
    Ok(members)
}

async fn links(db: &Db, workspace_id: &str) -> Result<Vec<LinkLine>, AppError> {
    let now = now_ms();
    sqlx::query(
        "select link_id, role, expires_at, uses, max_uses, revoked_at from workspace_link
         where workspace_id = $1 order by created_at desc",
    )
    .bind(workspace_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(LinkLine {
            link_id: r.try_get("link_id")?,
            role: role_of(&r.try_get::<String, _>("role")?)?,
            expires_at: r.try_get("expires_at")?,
            uses: r.try_get("uses")?,
            max_uses: r.try_get("max_uses")?,
            revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
            expired: r.try_get::<i64, _>("expires_at")? <= now,
        })
    })
    .collect()
}

async fn waiting(db: &Db, workspace_id: &str) -> Result<Vec<Waiting>, AppError> {
    sqlx::query(
        "select i.user_id as user_id, u.display_name as display_name, i.role as role, i.created_at as since
         from workspace_invitee i join app_user u on u.user_id = i.user_id where i.workspace_id = $1
         union all
         select r.user_id, u.display_name, null, r.created_at
         from workspace_request r join app_user u on u.user_id = r.user_id where r.workspace_id = $1
         order by since",
    )
    .bind(workspace_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let role: Option<String> = r.try_get("role")?;
        Ok(Waiting {
            user_id: r.try_get("user_id")?,
            display_name: r.try_get("display_name")?,
            invited_as: role.as_deref().map(role_of).transpose()?,
            since: r.try_get("since")?,
        })
    })
    .collect()
}

async fn has_requested(db: &Db, workspace_id: &str, user_id: &str) -> Result<bool, AppError> {
    let row = sqlx::query(
        "select count(*) as n from workspace_request where workspace_id = $1 and user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// A new invitation link; answers its token, which only its hash keeps afterwards.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace.workspace_id))]
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
            &by.workspace.workspace_id,
            token_hash(&token),
            role.as_str(),
            now + lasts_ms,
            max_uses,
            &by.user.user_id,
            now,
        ],
    )
    .await?;
    Ok(token)
}

/// Revokes one of the workspace's links (`NotFound` for a link of another workspace).
#[tracing::instrument(skip_all, fields(workspace = %by.workspace.workspace_id))]
pub async fn revoke_link(db: &Db, by: &Facilitator, link_id: &str) -> Result<(), AppError> {
    let done = db
        .run(
            "update workspace_link set revoked_at = coalesce(revoked_at, $3)
             where link_id = $1 and workspace_id = $2",
            crate::args![link_id, &by.workspace.workspace_id, now_ms()],
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
#[tracing::instrument(skip_all, fields(workspace = %by.workspace.workspace_id))]
pub async fn invite_account(
    db: &Db,
    by: &Facilitator,
    email: &crate::identity::model::Email,
    role: Role,
) -> Result<(), AppError> {
    let Some(user_id) = crate::identity::store::find_active_person(db, email).await? else {
        return Err(AppError::field("email", Problem::NoSuchAccount));
    };
    let workspace_id = by.workspace.workspace_id.clone();
    if role_in(db, &workspace_id, &user_id).await?.is_some() {
        return Err(AppError::field("email", Problem::AlreadyMember));
    }
    let done = db
        .run(
            "insert into workspace_invitee (workspace_id, user_id, role, invited_by, created_at)
             values ($1, $2, $3, $4, $5)",
            crate::args![
                workspace_id,
                user_id,
                role.as_str(),
                &by.user.user_id,
                now_ms()
            ],
        )
        .await?;
    if done.duplicate {
        return Err(AppError::field("email", Problem::AlreadyInvited));
    }
    Ok(())
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
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace.workspace_id))]
pub async fn request_to_join(db: &Db, reader: &Reader) -> Result<(), AppError> {
    let Some(me) = &reader.user else {
        return Err(AppError::Unauthorized);
    };
    if reader.role.is_some() {
        return Err(AppError::field("workspace_id", Problem::AlreadyMember));
    }
    db.run(
        "insert into workspace_request (workspace_id, user_id, created_at) values ($1, $2, $3)
         on conflict (workspace_id, user_id) do nothing",
        crate::args![&reader.workspace.workspace_id, &me.user_id, now_ms()],
    )
    .await?;
    Ok(())
}

/// A facilitator admits (as a member) or turns away someone who asked to join; `NotFound`
/// where they did not ask.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace.workspace_id))]
pub async fn decide_request(
    db: &Db,
    by: &Facilitator,
    user_id: &str,
    admit_them: bool,
) -> Result<(), AppError> {
    let (workspace_id, user_id) = (by.workspace.workspace_id.clone(), user_id.to_owned());
    db.write(move |conn| {
        async move {
            let asked = sqlx::query(
                "delete from workspace_request where workspace_id = $1 and user_id = $2",
            )
            .bind(&workspace_id)
            .bind(&user_id)
            .execute(&mut *conn)
            .await?;
            if asked.rows_affected() == 0 {
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

/// Withdraws an invitation by account that waits for its answer.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace.workspace_id))]
pub async fn withdraw_invitation(db: &Db, by: &Facilitator, user_id: &str) -> Result<(), AppError> {
    let done = db
        .run(
            "delete from workspace_invitee where workspace_id = $1 and user_id = $2",
            crate::args![&by.workspace.workspace_id, user_id],
        )
        .await?;
    if done.rows == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A change of members' roles, checked and written as one step: the workspace's row is locked
/// first (a row lock on PostgreSQL; SQLite's writer holds the whole database), so the owners
/// counted are still the owners when the change is written, and two owners leaving at once
/// cannot leave the workspace with none.
enum Change {
    /// `actor` gives `target` the role `new` (`None`: removes them).
    Role {
        actor: Role,
        target: String,
        new: Option<Role>,
    },
    /// An owner makes `target` (a member) an owner and steps down to facilitator.
    Transfer { from: String, to: String },
}

async fn change(db: &Db, workspace_id: &str, change: Change) -> Result<(), AppError> {
    let workspace_id = workspace_id.to_owned();
    db.write(move |conn| {
        async move {
            sqlx::query("update workspace set updated_at = updated_at where workspace_id = $1")
                .bind(&workspace_id)
                .execute(&mut *conn)
                .await?;
            let owners: i64 = sqlx::query(
                "select count(*) as n from workspace_member where workspace_id = $1 and role = 'owner'",
            )
            .bind(&workspace_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?;
            let writes = match &change {
                Change::Role { actor, target, new } => {
                    let Some(current) = member_role(conn, &workspace_id, target).await? else {
                        return Ok(Outcome::Undo(Err(AppError::NotFound)));
                    };
                    if !model::may_change_role(*actor, current, *new) {
                        return Ok(Outcome::Undo(Err(AppError::Forbidden)));
                    }
                    if let Err(p) = model::keeps_an_owner(owners, current, *new) {
                        return Ok(Outcome::Undo(Err(AppError::field("role", p))));
                    }
                    vec![(target.clone(), *new)]
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
                    None => sqlx::query(
                        "delete from workspace_member where workspace_id = $1 and user_id = $2",
                    )
                    .bind(&workspace_id)
                    .bind(user_id),
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
    let actor = by.role;
    let target = user_id.to_owned();
    change(
        db,
        &by.workspace.workspace_id,
        Change::Role { actor, target, new },
    )
    .await
}

/// The caller leaves the workspace (its last owner cannot).
pub async fn leave(db: &Db, me: &Member) -> Result<(), AppError> {
    let change_of = Change::Role {
        // Anyone may take themselves out: as their own owner, so only the owners' rule applies.
        actor: Role::Owner,
        target: me.user.user_id.clone(),
        new: None,
    };
    change(db, &me.workspace.workspace_id, change_of).await
}

/// The owner hands the workspace to another member and stays on as a facilitator.
pub async fn transfer(db: &Db, owner: &Owner, to: &str) -> Result<(), AppError> {
    let change_of = Change::Transfer {
        from: owner.user.user_id.clone(),
        to: to.to_owned(),
    };
    change(db, &owner.workspace.workspace_id, change_of).await
}

/// Inside the transaction that deletes an account: refuses (`LastOwner`) where the account is
/// the only owner of a workspace that others are members of, who would be left without one;
/// removes the workspaces the account is the only member of, which nobody could reach again.
pub async fn release_account(conn: &mut AnyConnection, user_id: &str) -> Result<(), AppError> {
    let stranded: i64 = sqlx::query(
        "select count(*) as n from workspace_member m
         where m.user_id = $1 and m.role = 'owner'
           and not exists (select 1 from workspace_member o
                           where o.workspace_id = m.workspace_id and o.role = 'owner' and o.user_id <> $1)
           and exists (select 1 from workspace_member x
                       where x.workspace_id = m.workspace_id and x.user_id <> $1)",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    if stranded > 0 {
        return Err(AppError::field("password", Problem::LastOwner));
    }
    sqlx::query(
        "delete from workspace where workspace_id in (
            select m.workspace_id from workspace_member m where m.user_id = $1
              and not exists (select 1 from workspace_member x
                              where x.workspace_id = m.workspace_id and x.user_id <> $1))",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
