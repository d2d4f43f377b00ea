//! The SQL of a workspace's home at a glance, and of what each member has read. Server only.
//!
//! The feed is read from what the workspace already keeps (posts, documents, memberships), so
//! it can never disagree with them: a deleted post or document leaves it. What a member has
//! read is one row per thread they opened: the time of the newest post they were shown.

use super::activity::{
    newest, ActivityKind, ActivityLine, Attention, UnreadThread, WorkspaceActivity, FEED_LEN,
    UNREAD_NAMED,
};
use super::store::Reader;
use crate::db::{Arg, Db};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Records that `user_id` has read `thread_id` up to the post written at `at`; never moves
/// back. Through the caller's transaction.
pub async fn mark_seen(
    conn: &mut AnyConnection,
    user_id: &str,
    thread_id: &str,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(SEEN)
        .bind(user_id)
        .bind(thread_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const SEEN: &str =
    "insert into workspace_thread_seen (user_id, thread_id, seen_at) values ($1, $2, $3)
     on conflict (user_id, thread_id) do update set seen_at = excluded.seen_at
     where workspace_thread_seen.seen_at < excluded.seen_at";

/// Records that the member reading the thread was shown its posts up to `at`, unless that is
/// known already (reading again writes nothing).
pub async fn mark_read(db: &Db, reader: &Reader, thread_id: &str, at: i64) -> Result<(), AppError> {
    let (Some(me), Some(_)) = (reader.user(), reader.role()) else {
        return Ok(());
    };
    let known: Option<i64> = sqlx::query(
        "select seen_at from workspace_thread_seen where user_id = $1 and thread_id = $2",
    )
    .bind(&me.user_id)
    .bind(thread_id)
    .fetch_optional(&db.pool)
    .await?
    .map(|r| r.try_get("seen_at"))
    .transpose()?;
    if known.is_some_and(|known| known >= at) {
        return Ok(());
    }
    db.run(
        SEEN,
        vec![
            Arg::Text(Some(me.user_id.clone())),
            Arg::Text(Some(thread_id.to_owned())),
            Arg::Int(Some(at)),
        ],
    )
    .await?;
    Ok(())
}

/// Whether a thread has posts the member `$1` has not been shown: newer than what they read
/// of it, or, for a thread they never opened, newer than their joining.
pub const UNREAD: &str = "t.last_post_at > coalesce(
        (select s.seen_at from workspace_thread_seen s where s.user_id = $1 and s.thread_id = t.thread_id),
        (select m.joined_at from workspace_member m where m.user_id = $1 and m.workspace_id = t.workspace_id))";

fn line(kind: ActivityKind, r: &AnyRow) -> Result<ActivityLine, AppError> {
    Ok(ActivityLine {
        kind,
        actor: r.try_get("actor")?,
        at: r.try_get("at")?,
        target_id: r.try_get("target_id")?,
        target: r.try_get("target")?,
        key: r.try_get("line_key")?,
    })
}

/// The workspace's newest posts, documents and, with `members`, who joined, merged.
async fn feed(db: &Db, workspace_id: &str, members: bool) -> Result<Vec<ActivityLine>, AppError> {
    let limit = FEED_LEN as i64;
    // The newest posts are in the most recently active threads: each thread more recent than
    // a post's own has a newer post, so the newest FEED_LEN posts lie within FEED_LEN threads.
    // Reading those threads' posts, not the whole workspace's, keeps this as fast with a
    // hundred thousand posts as with ten.
    let posts = sqlx::query(
        "select p.post_id as line_key, u.display_name as actor, p.created_at as at,
                t.thread_id as target_id, t.title as target, t.created_at as started_at
         from workspace_post p
         join workspace_thread t on t.thread_id = p.thread_id
         left join app_user u on u.user_id = p.author_id
         where p.thread_id in (select thread_id from workspace_thread where workspace_id = $1
                               order by last_post_at desc limit $2)
           and p.deleted_at is null
         order by p.created_at desc limit $2",
    )
    .bind(workspace_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let documents = sqlx::query(
        "select d.document_id as line_key, u.display_name as actor, d.created_at as at,
                d.document_id as target_id, d.name as target
         from workspace_document d left join app_user u on u.user_id = d.uploaded_by
         where d.workspace_id = $1 order by d.created_at desc limit $2",
    )
    .bind(workspace_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let members = if !members {
        Vec::new()
    } else {
        sqlx::query(
            "select m.user_id as line_key, u.display_name as actor, m.joined_at as at,
                cast(null as text) as target_id, cast(null as text) as target
         from workspace_member m join app_user u on u.user_id = m.user_id
         where m.workspace_id = $1 order by m.joined_at desc limit $2",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
    };
    let mut lines = Vec::with_capacity(posts.len() + documents.len() + members.len());
    for r in &posts {
        // A thread's opening post is written in the same instant as the thread.
        let opens = r.try_get::<i64, _>("at")? == r.try_get::<i64, _>("started_at")?;
        let kind = if opens {
            ActivityKind::Started
        } else {
            ActivityKind::Replied
        };
        lines.push(line(kind, r)?);
    }
    for r in &documents {
        lines.push(line(ActivityKind::Shared, r)?);
    }
    for r in &members {
        lines.push(line(ActivityKind::Joined, r)?);
    }
    Ok(newest(lines))
}

/// What needs the member `user_id`'s attention in the workspace.
async fn attention(
    db: &Db,
    workspace_id: &str,
    user_id: &str,
    facilitates: bool,
) -> Result<Attention, AppError> {
    let threads = sqlx::query(&format!(
        "select t.thread_id, t.title from workspace_thread t
         where t.workspace_id = $2 and {UNREAD}
         order by t.last_post_at desc, t.thread_id desc limit $3"
    ))
    .bind(user_id)
    .bind(workspace_id)
    .bind(UNREAD_NAMED as i64)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(UnreadThread {
            thread_id: r.try_get("thread_id")?,
            title: r.try_get("title")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let unread_threads = if threads.len() < UNREAD_NAMED {
        threads.len() as i64
    } else {
        sqlx::query(&format!(
            "select count(*) as n from workspace_thread t where t.workspace_id = $2 and {UNREAD}"
        ))
        .bind(user_id)
        .bind(workspace_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?
    };
    let notices: i64 = sqlx::query(
        "select count(*) as n from notice
         where user_id = $1 and workspace_id = $2 and read_at is null",
    )
    .bind(user_id)
    .bind(workspace_id)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    let waiting: i64 = if facilitates {
        sqlx::query("select count(*) as n from workspace_request where workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?
    } else {
        0
    };
    Ok(Attention {
        threads,
        unread_threads,
        notices,
        waiting,
    })
}

/// The workspace's recent activity for whoever may read it (for a visitor, without who joined:
/// a public workspace shows visitors its work, not its people), and what needs the attention
/// of a member.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn activity(db: &Db, reader: &Reader) -> Result<WorkspaceActivity, AppError> {
    let workspace_id = &reader.workspace().workspace_id;
    let feed = feed(db, workspace_id, reader.user().is_some()).await?;
    let attention = match (reader.user(), reader.role()) {
        (Some(me), Some(role)) => {
            Some(attention(db, workspace_id, &me.user_id, role.facilitates()).await?)
        }
        _ => None,
    };
    Ok(WorkspaceActivity { feed, attention })
}
