//! What workspaces do with one person's data (server only): the part of their personal data
//! download that workspaces hold, and what the deletion of their account leaves behind.

use super::model::{MyWorkspaceData, Role};
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::identity::session::SignedIn;
use sqlx::{AnyConnection, Row};

/// `me`'s memberships, everything they wrote in workspaces (not what they deleted) and the
/// documents they shared, for their personal data download.
pub async fn my_data(db: &Db, me: &SignedIn) -> Result<MyWorkspaceData, AppError> {
    let memberships = sqlx::query(
        "select w.name, m.role, m.joined_at from workspace_member m
         join workspace w on w.workspace_id = m.workspace_id where m.user_id = $1 order by m.joined_at",
    )
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let role: String = r.try_get("role")?;
        let role = Role::parse(&role)
            .map_err(|_| crate::db::bad_value("workspace_member.role", &role))?;
        Ok((r.try_get("name")?, role, r.try_get("joined_at")?))
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let posts = sqlx::query(
        "select w.name, t.title, p.body, p.created_at from workspace_post p
         join workspace_thread t on t.thread_id = p.thread_id
         join workspace w on w.workspace_id = t.workspace_id
         where p.author_id = $1 and p.deleted_at is null order by p.created_at",
    )
    .bind(&me.user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("name")?,
            r.try_get("title")?,
            r.try_get("body")?,
            r.try_get("created_at")?,
        ))
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    Ok(MyWorkspaceData {
        memberships,
        posts,
        documents: super::document_store::my_documents(db, &me.user_id).await?,
    })
}

/// Inside the transaction that deletes an account: refuses (`LastOwner`) where the account is
/// the only owner of a workspace that others are members of, who would be left without one;
/// removes the workspaces the account is the only member of, which nobody could reach again,
/// and answers their ids (their documents' files are to be removed once this commits).
pub async fn release_account(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<String>, AppError> {
    // Its workspaces first, as every change of members takes them, so that nobody leaves,
    // joins or changes roles there between this count and the deletion.
    sqlx::query(
        "update workspace set updated_at = updated_at
         where workspace_id in (select workspace_id from workspace_member where user_id = $1)",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
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
    let alone: Vec<String> = sqlx::query(
        "select m.workspace_id from workspace_member m where m.user_id = $1
           and not exists (select 1 from workspace_member x
                           where x.workspace_id = m.workspace_id and x.user_id <> $1)",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("workspace_id"))
    .collect::<Result<_, _>>()?;
    for workspace_id in &alone {
        sqlx::query("delete from workspace where workspace_id = $1")
            .bind(workspace_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(alone)
}
