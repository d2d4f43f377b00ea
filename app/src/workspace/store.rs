//! Workspaces' SQL (the workspace itself, the directory, its page), and the proofs of who
//! may do what in one. Who comes in, who holds which role and what an account's deletion
//! leaves: `members_store.rs`. Server only.
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
    access, Access, Directory, Invitation, LinkLine, MemberLine, Role, Visibility, Waiting,
    Workspace, WorkspaceSummary,
};
use crate::db::{bad_value, new_id, now_ms, Db, Outcome};
use crate::error::{AppError, Problem};
use crate::identity::session::{signed_in, SignedIn};
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

pub(super) fn role_of(raw: &str) -> Result<Role, AppError> {
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
    reader_as(db, signed_in().await?, workspace_id).await
}

/// [`require_reader`] for a handler outside the Leptos context, which found the caller in its
/// request's headers.
pub async fn reader_as(
    db: &Db,
    user: Option<SignedIn>,
    workspace_id: &str,
) -> Result<Reader, AppError> {
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
    as_member(require_reader(db, workspace_id).await?, allowed)
}

/// A reader as a member whose role `allowed` accepts (see [`member_where`]).
fn as_member(reader: Reader, allowed: fn(Role) -> bool) -> Result<Member, AppError> {
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

/// [`require_writer`] for a handler outside the Leptos context (see [`reader_as`]).
pub async fn writer_as(
    db: &Db,
    user: Option<SignedIn>,
    workspace_id: &str,
) -> Result<Writer, AppError> {
    as_member(reader_as(db, user, workspace_id).await?, Role::writes).map(Writer)
}

pub async fn require_facilitator(db: &Db, workspace_id: &str) -> Result<Facilitator, AppError> {
    member_where(db, workspace_id, Role::facilitates)
        .await
        .map(Facilitator)
}

pub async fn require_owner(db: &Db, workspace_id: &str) -> Result<Owner, AppError> {
    member_where(db, workspace_id, Role::owns).await.map(Owner)
}

pub(super) async fn find(db: &Db, workspace_id: &str) -> Result<Option<WorkspaceRow>, AppError> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from workspace where workspace_id = $1"
    ))
    .bind(workspace_id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(workspace_row).transpose()
}

pub(super) async fn role_in(
    db: &Db,
    workspace_id: &str,
    user_id: &str,
) -> Result<Option<Role>, AppError> {
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

/// The workspace's page for one reader: its members for anyone signed in who may read it (their
/// number only for a visitor); its links and who waits to come in for its facilitators.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace.workspace_id))]
pub async fn workspace(db: &Db, reader: &Reader, origin: String) -> Result<Workspace, AppError> {
    let w = &reader.workspace;
    // A visitor to a public workspace reads its discussions but not its list of people: who
    // belongs to a working group is for the partnership's signed-in people to see.
    let mut members = members(db, &w.workspace_id).await?;
    let count = members.len() as i64;
    if reader.user.is_none() {
        members.clear();
    }
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
            members: count,
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
