//! Discussions' SQL, and the proof that a thread may be read. Server only.
//!
//! A thread is found through its workspace's proof: a thread the caller may not read answers
//! exactly as one that does not exist (see [`super::store::require_reader`]).

use super::activity_store::{mark_read, mark_seen, UNREAD};
use super::discussion::{
    Cursor, Post, ThreadLine, ThreadPage, ThreadView, POSTS_PER_PAGE, THREADS_PER_PAGE,
};
use super::markdown::{self, Mentionable};
use super::notice::NoticeKind;
use super::notice_store::{notify, NewNotice};
use super::store::{require_reader, Facilitator, Reader, Writer};
use crate::db::{new_id, now_ms, Db, Outcome};
use crate::error::AppError;
use futures::FutureExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A thread's row.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub thread_id: String,
    pub workspace_id: String,
    pub title: String,
    pub pinned: bool,
}

/// Proof that the caller may read this thread: a reader of its workspace.
#[derive(Debug)]
pub struct ThreadReader {
    pub reader: Reader,
    pub thread: ThreadRow,
}

/// The thread as the caller may see it: `Unauthorized` for a visitor and `NotFound` for a
/// signed-in person, where they may not read it or it does not exist.
pub async fn require_thread(db: &Db, thread_id: &str) -> Result<ThreadReader, AppError> {
    let thread = sqlx::query(
        "select thread_id, workspace_id, title, pinned from workspace_thread where thread_id = $1",
    )
    .bind(thread_id)
    .fetch_optional(&db.pool)
    .await?
    .map(|r| -> Result<ThreadRow, AppError> {
        Ok(ThreadRow {
            thread_id: r.try_get("thread_id")?,
            workspace_id: r.try_get("workspace_id")?,
            title: r.try_get("title")?,
            pinned: r.try_get::<i64, _>("pinned")? != 0,
        })
    })
    .transpose()?;
    // An unknown thread meets the same check as a workspace that does not exist.
    let workspace_id = thread.as_ref().map_or("", |t| t.workspace_id.as_str());
    let reader = require_reader(db, workspace_id).await?;
    let thread = thread.ok_or(AppError::NotFound)?;
    Ok(ThreadReader { reader, thread })
}

/// The members who may be mentioned in a workspace: their ids and names.
async fn mentionable(db: &Db, workspace_id: &str) -> Result<Vec<(String, String)>, AppError> {
    sqlx::query(
        "select m.user_id, u.display_name from workspace_member m
         join app_user u on u.user_id = m.user_id where m.workspace_id = $1",
    )
    .bind(workspace_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("user_id")?, r.try_get("display_name")?)))
    .collect()
}

/// `source` as HTML, with the members of `workspace_id` it mentions.
async fn rendered(
    db: &Db,
    workspace_id: &str,
    source: &str,
) -> Result<(String, Vec<String>), AppError> {
    let members = mentionable(db, workspace_id).await?;
    let members: Vec<Mentionable> = members
        .iter()
        .map(|(user_id, name)| Mentionable { user_id, name })
        .collect();
    Ok(markdown::render(source, &members))
}

/// A post of `author_id` at the end of a thread of `workspace_id`, with its mentions; the
/// people mentioned, and the thread's author, are notified.
#[allow(clippy::too_many_arguments)]
async fn insert_post(
    conn: &mut AnyConnection,
    workspace_id: &str,
    thread_id: &str,
    author_id: &str,
    body: &str,
    html: &str,
    mentioned: &[String],
    now: i64,
) -> Result<String, AppError> {
    let post_id = new_id();
    sqlx::query(
        "insert into workspace_post (post_id, thread_id, author_id, body, html, created_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&post_id)
    .bind(thread_id)
    .bind(author_id)
    .bind(body)
    .bind(html)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for user_id in mentioned {
        sqlx::query("insert into workspace_mention (post_id, user_id) values ($1, $2)")
            .bind(&post_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    let notice = |user_id, kind| NewNotice {
        user_id,
        kind,
        workspace_id,
        thread_id: Some(thread_id),
        post_id: Some(&post_id),
        actor_id: author_id,
    };
    for user_id in mentioned {
        notify(conn, notice(user_id, NoticeKind::Mention)).await?;
    }
    // Only while they are still a member: one who left hears nothing more of it.
    let started_by: Option<String> = sqlx::query(
        "select t.author_id from workspace_thread t
         join workspace_member m on m.workspace_id = t.workspace_id and m.user_id = t.author_id
         where t.thread_id = $1",
    )
    .bind(thread_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get("author_id"))
    .transpose()?;
    if let Some(started_by) = started_by.filter(|a| !mentioned.contains(a)) {
        notify(conn, notice(&started_by, NoticeKind::Reply)).await?;
    }
    sqlx::query(
        "update workspace_thread set posts = posts + 1, last_post_at = $2 where thread_id = $1",
    )
    .bind(thread_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // Its author has read what they wrote.
    mark_seen(conn, author_id, thread_id, now).await?;
    Ok(post_id)
}

/// A new thread with its opening post; answers the thread's id.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn start_thread(
    db: &Db,
    by: &Writer,
    title: &str,
    body: &str,
) -> Result<String, AppError> {
    let workspace_id = by.workspace().workspace_id.clone();
    let (html, mentioned) = rendered(db, &workspace_id, body).await?;
    let thread_id = new_id();
    let (id, title, body, author) = (
        thread_id.clone(),
        title.to_owned(),
        body.to_owned(),
        by.user().user_id.clone(),
    );
    db.write(move |conn| {
        async move {
            let now = now_ms();
            sqlx::query(
                "insert into workspace_thread (thread_id, workspace_id, title, author_id, created_at, last_post_at)
                 values ($1, $2, $3, $4, $5, $5)",
            )
            .bind(&id)
            .bind(&workspace_id)
            .bind(&title)
            .bind(&author)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            insert_post(conn, &workspace_id, &id, &author, &body, &html, &mentioned, now).await?;
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await?;
    Ok(thread_id)
}

/// A reply at the end of the thread; answers the post's id.
#[tracing::instrument(skip_all, fields(thread = %thread.thread_id))]
pub async fn reply(
    db: &Db,
    by: &Writer,
    thread: &ThreadRow,
    body: &str,
) -> Result<String, AppError> {
    let (html, mentioned) = rendered(db, &thread.workspace_id, body).await?;
    let (workspace_id, thread_id, author, body) = (
        thread.workspace_id.clone(),
        thread.thread_id.clone(),
        by.user().user_id.clone(),
        body.to_owned(),
    );
    db.write(move |conn| {
        async move {
            let id = insert_post(
                conn,
                &workspace_id,
                &thread_id,
                &author,
                &body,
                &html,
                &mentioned,
                now_ms(),
            )
            .await?;
            Ok(Outcome::Keep(id))
        }
        .boxed()
    })
    .await
}

/// A post of a thread: its author and whether it was deleted. `NotFound` for a post of
/// another thread.
async fn post_of(
    db: &Db,
    thread: &ThreadRow,
    post_id: &str,
) -> Result<(Option<String>, bool), AppError> {
    let row = sqlx::query(
        "select author_id, deleted_at from workspace_post where post_id = $1 and thread_id = $2",
    )
    .bind(post_id)
    .bind(&thread.thread_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        row.try_get("author_id")?,
        row.try_get::<Option<i64>, _>("deleted_at")?.is_some(),
    ))
}

/// Whether the reader may change a post by `author`: its author while they write here, or a
/// facilitator.
pub(super) fn may_change(reader: &Reader, author: Option<&str>) -> bool {
    let Some(role) = reader.role() else {
        return false;
    };
    let own = reader
        .user()
        .zip(author)
        .is_some_and(|(me, author)| me.user_id == author);
    (own && role.writes()) || role.facilitates()
}

/// Its author (while they write here) or a facilitator changes a post's Markdown; the post is
/// then marked as edited. A deleted post stays deleted.
#[tracing::instrument(skip_all, fields(thread = %thread.thread.thread_id))]
pub async fn edit_post(
    db: &Db,
    thread: &ThreadReader,
    post_id: &str,
    body: &str,
) -> Result<(), AppError> {
    let (author, deleted) = post_of(db, &thread.thread, post_id).await?;
    if !may_change(&thread.reader, author.as_deref()) || deleted {
        return Err(AppError::Forbidden);
    }
    let (html, mentioned) = rendered(db, &thread.thread.workspace_id, body).await?;
    let (post_id, body) = (post_id.to_owned(), body.to_owned());
    let (workspace_id, thread_id) = (
        thread.thread.workspace_id.clone(),
        thread.thread.thread_id.clone(),
    );
    let editor = thread
        .reader
        .user()
        .map(|u| u.user_id.clone())
        .ok_or(AppError::Unauthorized)?;
    db.write(move |conn| {
        async move {
            sqlx::query(
                "update workspace_post set body = $2, html = $3, edited_at = $4
                 where post_id = $1 and deleted_at is null",
            )
            .bind(&post_id)
            .bind(&body)
            .bind(&html)
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
            for user_id in &mentioned {
                let added = sqlx::query(
                    "insert into workspace_mention (post_id, user_id) values ($1, $2)
                     on conflict (post_id, user_id) do nothing",
                )
                .bind(&post_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
                // Only a mention the edit adds is news.
                if added.rows_affected() == 1 {
                    let notice = NewNotice {
                        user_id,
                        kind: NoticeKind::Mention,
                        workspace_id: &workspace_id,
                        thread_id: Some(&thread_id),
                        post_id: Some(&post_id),
                        actor_id: &editor,
                    };
                    notify(conn, notice).await?;
                }
            }
            Ok(Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}

/// Its author (while they write here) or a facilitator deletes a post: its text goes, its
/// place in the thread stays ("deleted").
#[tracing::instrument(skip_all, fields(thread = %thread.thread.thread_id))]
pub async fn delete_post(db: &Db, thread: &ThreadReader, post_id: &str) -> Result<(), AppError> {
    let (author, _) = post_of(db, &thread.thread, post_id).await?;
    if !may_change(&thread.reader, author.as_deref()) {
        return Err(AppError::Forbidden);
    }
    db.run(
        "update workspace_post set body = '', html = '', deleted_at = coalesce(deleted_at, $2)
         where post_id = $1",
        crate::args![post_id, now_ms()],
    )
    .await?;
    Ok(())
}

/// A facilitator pins a thread to the top of the list, or unpins it. `NotFound` for a thread
/// of another workspace.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn pin(db: &Db, by: &Facilitator, thread_id: &str, pinned: bool) -> Result<(), AppError> {
    let done = db
        .run(
            "update workspace_thread set pinned = $3 where thread_id = $1 and workspace_id = $2",
            crate::args![thread_id, &by.workspace().workspace_id, i64::from(pinned)],
        )
        .await?;
    if done.rows == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

fn thread_line(r: &AnyRow) -> Result<ThreadLine, AppError> {
    Ok(ThreadLine {
        thread_id: r.try_get("thread_id")?,
        title: r.try_get("title")?,
        author: r.try_get("display_name")?,
        pinned: r.try_get::<i64, _>("pinned")? != 0,
        posts: r.try_get("posts")?,
        last_post_at: r.try_get("last_post_at")?,
        unread: r.try_get::<i64, _>("unread")? != 0,
    })
}

/// A thread's line, with whether the member `$1` has read it all.
fn thread_line_sql() -> String {
    format!(
        "select t.thread_id, t.title, u.display_name, t.pinned, t.posts, t.last_post_at,
                cast(case when {UNREAD} then 1 else 0 end as bigint) as unread
         from workspace_thread t left join app_user u on u.user_id = t.author_id"
    )
}

/// A page of the workspace's threads, from `before` (a cursor of the page before's last
/// thread; `None`: the first page, which lists the pinned threads too).
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn threads(
    db: &Db,
    reader: &Reader,
    before: Option<Cursor>,
) -> Result<ThreadPage, AppError> {
    let workspace_id = &reader.workspace().workspace_id;
    // A visitor's empty id matches no member: nothing is unread for them.
    let viewer = reader.user().map_or("", |me| me.user_id.as_str());
    let select = thread_line_sql();
    let pinned = match before {
        Some(_) => Vec::new(),
        None => sqlx::query(&format!(
            "{select} where t.workspace_id = $2 and t.pinned = 1
             order by t.last_post_at desc, t.thread_id desc"
        ))
        .bind(viewer)
        .bind(workspace_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(thread_line)
        .collect::<Result<Vec<_>, _>>()?,
    };
    let (at, id) = before.map_or((i64::MAX, String::new()), |c| (c.at, c.id));
    let mut threads = sqlx::query(&format!(
        "{select} where t.workspace_id = $2 and t.pinned = 0
           and (t.last_post_at < $3 or (t.last_post_at = $3 and t.thread_id < $4))
         order by t.last_post_at desc, t.thread_id desc limit $5"
    ))
    .bind(viewer)
    .bind(workspace_id)
    .bind(at)
    .bind(&id)
    .bind((THREADS_PER_PAGE + 1) as i64)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(thread_line)
    .collect::<Result<Vec<_>, _>>()?;
    let next = (threads.len() > THREADS_PER_PAGE).then(|| {
        threads.truncate(THREADS_PER_PAGE);
        let last = &threads[THREADS_PER_PAGE - 1];
        Cursor::write(last.last_post_at, &last.thread_id)
    });
    Ok(ThreadPage {
        pinned,
        threads,
        next,
    })
}

/// A page of the thread's posts, oldest first, after `after` (`None`: from the start).
#[tracing::instrument(skip_all, fields(thread = %thread.thread.thread_id))]
pub async fn thread(
    db: &Db,
    thread: &ThreadReader,
    after: Option<Cursor>,
) -> Result<ThreadView, AppError> {
    let (at, id) = after.map_or((i64::MIN, String::new()), |c| (c.at, c.id));
    let rows = sqlx::query(
        "select p.post_id, p.author_id, u.display_name, p.body, p.html, p.created_at, p.edited_at, p.deleted_at
         from workspace_post p left join app_user u on u.user_id = p.author_id
         where p.thread_id = $1 and (p.created_at > $2 or (p.created_at = $2 and p.post_id > $3))
         order by p.created_at, p.post_id limit $4",
    )
    .bind(&thread.thread.thread_id)
    .bind(at)
    .bind(&id)
    .bind((POSTS_PER_PAGE + 1) as i64)
    .fetch_all(&db.pool)
    .await?;
    let reader = &thread.reader;
    let mut posts = rows
        .iter()
        .map(|r| {
            let author: Option<String> = r.try_get("author_id")?;
            let deleted = r.try_get::<Option<i64>, _>("deleted_at")?.is_some();
            let mine = !deleted && may_change(reader, author.as_deref());
            Ok(Post {
                post_id: r.try_get("post_id")?,
                author: r.try_get("display_name")?,
                html: r.try_get("html")?,
                source: mine.then(|| r.try_get("body")).transpose()?,
                created_at: r.try_get("created_at")?,
                edited: r.try_get::<Option<i64>, _>("edited_at")?.is_some(),
                deleted,
                mine_to_change: mine,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let next = (posts.len() > POSTS_PER_PAGE).then(|| {
        posts.truncate(POSTS_PER_PAGE);
        let last = &posts[POSTS_PER_PAGE - 1];
        Cursor::write(last.created_at, &last.post_id)
    });
    if let Some(last) = posts.last() {
        mark_read(db, reader, &thread.thread.thread_id, last.created_at).await?;
    }
    let role = reader.role();
    Ok(ThreadView {
        workspace_id: reader.workspace().workspace_id.clone(),
        workspace_name: reader.workspace().name.clone(),
        thread_id: thread.thread.thread_id.clone(),
        title: thread.thread.title.clone(),
        pinned: thread.thread.pinned,
        posts,
        next,
        writes: role.is_some_and(super::model::Role::writes),
        facilitates: role.is_some_and(super::model::Role::facilitates),
    })
}
