//! Notifications' SQL. Server only. A notification is written in the transaction of what it
//! tells about, unless its person turned that kind off; a person reads, marks and sets only
//! their own (every query filters by them).

use super::notice::{Notice, NoticeKind, Notices, NOTICES_SHOWN};
use crate::db::{new_id, now_ms, Db};
use crate::error::AppError;
use crate::identity::session::SignedIn;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// What a notification tells about, and whom.
pub struct NewNotice<'a> {
    pub user_id: &'a str,
    pub kind: NoticeKind,
    pub workspace_id: &'a str,
    pub thread_id: Option<&'a str>,
    pub post_id: Option<&'a str>,
    pub actor_id: &'a str,
}

/// Writes the notification through the caller's transaction, unless its person turned its
/// kind off, is the one who acted, or (but for an invitation) is no longer a member: the
/// people a post mentions are found before its write, and one may have left meanwhile.
pub async fn notify(conn: &mut AnyConnection, notice: NewNotice<'_>) -> Result<(), AppError> {
    if notice.user_id == notice.actor_id {
        return Ok(());
    }
    sqlx::query(
        "insert into notice (notice_id, user_id, kind, workspace_id, thread_id, post_id, actor_id, created_at)
         select $1, $2, $3, $4, $5, $6, $7, $8
         where not exists (select 1 from notice_setting s
                           where s.user_id = $2 and s.kind = $3 and s.in_app = 0)
           and ($3 = 'invitation' or exists (select 1 from workspace_member m
                                             where m.workspace_id = $4 and m.user_id = $2))",
    )
    .bind(new_id())
    .bind(notice.user_id)
    .bind(notice.kind.as_str())
    .bind(notice.workspace_id)
    .bind(notice.thread_id)
    .bind(notice.post_id)
    .bind(notice.actor_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many of the person's notifications are unread (for the header).
pub async fn unread(db: &Db, user_id: &str) -> Result<i64, AppError> {
    let row =
        sqlx::query("select count(*) as n from notice where user_id = $1 and read_at is null")
            .bind(user_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(row.try_get("n")?)
}

/// A notification's line, with what it names; the caller adds the `where` and the order.
pub const NOTICE_LINE: &str =
    "select n.notice_id, n.kind, n.workspace_id, w.name, n.thread_id, t.title, n.post_id,
            d.name as document_name, u.display_name, n.created_at, n.read_at
     from notice n
     join workspace w on w.workspace_id = n.workspace_id
     left join workspace_thread t on t.thread_id = n.thread_id
     left join workspace_document d on d.document_id = n.document_id
     left join app_user u on u.user_id = n.actor_id";

/// A row of [`NOTICE_LINE`].
pub fn notice_of(r: &AnyRow) -> Result<Notice, AppError> {
    let kind: String = r.try_get("kind")?;
    Ok(Notice {
        notice_id: r.try_get("notice_id")?,
        kind: NoticeKind::parse(&kind).ok_or_else(|| crate::db::bad_value("notice.kind", &kind))?,
        workspace_id: r.try_get("workspace_id")?,
        workspace_name: r.try_get("name")?,
        thread_id: r.try_get("thread_id")?,
        thread_title: r.try_get("title")?,
        post_id: r.try_get("post_id")?,
        document_name: r.try_get("document_name")?,
        actor: r.try_get("display_name")?,
        created_at: r.try_get("created_at")?,
        read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
    })
}

/// The person's latest notifications, with the kinds they turned off, how often they get
/// them by e-mail and whether their address is confirmed.
#[tracing::instrument(skip_all)]
pub async fn notices(db: &Db, me: &SignedIn, mail_on: bool) -> Result<Notices, AppError> {
    let notices = sqlx::query(&format!(
        "{NOTICE_LINE} where n.user_id = $1 order by n.created_at desc, n.notice_id desc limit $2"
    ))
    .bind(&me.user_id)
    .bind(NOTICES_SHOWN as i64)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(notice_of)
    .collect::<Result<Vec<_>, AppError>>()?;
    let off = sqlx::query("select kind from notice_setting where user_id = $1 and in_app = 0")
        .bind(&me.user_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("kind").ok())
        .filter_map(|k| NoticeKind::parse(&k))
        .collect();
    let (mail, address, address_state) = super::notice_mail::settings(db, me).await?;
    Ok(Notices {
        unread: unread(db, &me.user_id).await?,
        notices,
        off,
        mail,
        mail_on,
        address,
        address_state,
    })
}

/// Marks one of the person's notifications read (`NotFound` for one of someone else's), or
/// all of them (`None`).
#[tracing::instrument(skip_all)]
pub async fn mark_read(db: &Db, me: &SignedIn, notice_id: Option<&str>) -> Result<(), AppError> {
    let now = now_ms();
    match notice_id {
        Some(id) => {
            let done = db
                .run(
                    "update notice set read_at = coalesce(read_at, $3) where notice_id = $1 and user_id = $2",
                    crate::args![id, &me.user_id, now],
                )
                .await?;
            if done.rows == 0 {
                return Err(AppError::NotFound);
            }
        }
        None => {
            db.run(
                "update notice set read_at = $2 where user_id = $1 and read_at is null",
                crate::args![&me.user_id, now],
            )
            .await?;
        }
    }
    Ok(())
}

/// The person receives the kinds not in `off`, and none of those.
#[tracing::instrument(skip_all)]
pub async fn set_off(db: &Db, me: &SignedIn, off: Vec<NoticeKind>) -> Result<(), AppError> {
    use futures::FutureExt;
    let user_id = me.user_id.clone();
    db.write(move |conn| {
        async move {
            for kind in NoticeKind::ALL {
                sqlx::query(
                    "insert into notice_setting (user_id, kind, in_app) values ($1, $2, $3)
                     on conflict (user_id, kind) do update set in_app = excluded.in_app",
                )
                .bind(&user_id)
                .bind(kind.as_str())
                .bind(i64::from(!off.contains(&kind)))
                .execute(&mut *conn)
                .await?;
            }
            Ok(crate::db::Outcome::Keep(()))
        }
        .boxed()
    })
    .await
}
