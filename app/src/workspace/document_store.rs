//! Documents' storage and SQL. Server only. A file goes to the object storage
//! (`object_store`: a local folder by default, S3-compatible storage by configuration) as it
//! arrives, in parts, so an upload never sits whole in memory; its row is written once the
//! file is stored, in a write that checks again that the uploader still writes in the
//! workspace. A download streams the file back the same way.

use super::document::{check, neutral_name, DocumentLine, DocumentProblem, HEAD_BYTES};
use super::notice::NoticeKind;
use super::store::{Reader, Writer};
use crate::db::{new_id, now_ms, Db, Outcome};
use crate::error::AppError;
use bytes::Bytes;
use futures::{FutureExt, Stream, StreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, WriteMultipart};
use sqlx::Row;
use std::sync::Arc;

/// Parts an upload is written in: S3 takes no smaller part but the last; a local folder
/// takes any, and smaller parts hold less in memory.
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
const LOCAL_PART_BYTES: usize = 1024 * 1024;
/// Parts of one upload on their way to the storage at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Where documents' files are kept, how large one may be, and how much a workspace and a
/// person may store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    part_bytes: usize,
    max_bytes: u64,
    /// What all of one workspace's documents may come to.
    workspace_bytes: u64,
    /// What one person may share in a day, over all workspaces.
    daily_bytes: u64,
    /// Where it is, for the log: a folder or a bucket, never credentials.
    place: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("place", &self.place)
            .field("max_bytes", &self.max_bytes)
            .field("workspace_bytes", &self.workspace_bytes)
            .field("daily_bytes", &self.daily_bytes)
            .finish()
    }
}

impl Storage {
    /// `location`: a folder (made when missing), or `s3://bucket/prefix` with the
    /// credentials, region and endpoint (for S3-compatible storage) in the `AWS_*`
    /// environment variables.
    pub fn open(location: &str, max_bytes: u64) -> Result<Storage, String> {
        if location.starts_with("s3://") {
            let store = object_store::aws::AmazonS3Builder::from_env()
                .with_url(location)
                .build()
                .map_err(|e| format!("DOCUMENTS_URL {location:?}: {e}"))?;
            let prefix = url::Url::parse(location)
                .map(|u| u.path().trim_matches('/').to_owned())
                .unwrap_or_default();
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                Arc::new(store)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
            };
            return Ok(Storage {
                store,
                part_bytes: S3_PART_BYTES,
                max_bytes,
                workspace_bytes: u64::MAX,
                daily_bytes: u64::MAX,
                place: location.to_owned(),
            });
        }
        std::fs::create_dir_all(location)
            .map_err(|e| format!("the documents' folder {location:?} cannot be made: {e}"))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(location)
            .map_err(|e| format!("the documents' folder {location:?}: {e}"))?;
        Ok(Storage {
            store: Arc::new(store),
            part_bytes: LOCAL_PART_BYTES,
            max_bytes,
            workspace_bytes: u64::MAX,
            daily_bytes: u64::MAX,
            place: location.to_owned(),
        })
    }

    /// The same storage, with what a workspace's documents may come to and what one person may
    /// share in a day (without: no limit but the disk's).
    pub fn with_room(mut self, workspace_bytes: u64, daily_bytes: u64) -> Storage {
        self.workspace_bytes = workspace_bytes;
        self.daily_bytes = daily_bytes;
        self
    }

    /// The largest file taken, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// What all of one workspace's documents may come to, in bytes.
    pub fn workspace_bytes(&self) -> u64 {
        self.workspace_bytes
    }

    fn path(workspace_id: &str, document_id: &str) -> ObjectPath {
        ObjectPath::from(format!("workspaces/{workspace_id}/{document_id}"))
    }

    /// Removes a file, saying in the log when it could not: a row is never left pointing at
    /// nothing, but a file may be left behind.
    async fn remove(&self, path: &ObjectPath) {
        if let Err(e) = self.store.delete(path).await {
            if !matches!(e, object_store::Error::NotFound { .. }) {
                tracing::warn!(error = %e, place = %self.place, "a document's file was not removed");
            }
        }
    }

    /// Stores a small file whole (the demo's documents).
    pub async fn put(
        &self,
        workspace_id: &str,
        document_id: &str,
        bytes: Vec<u8>,
    ) -> Result<(), AppError> {
        self.store
            .put(&Storage::path(workspace_id, document_id), bytes.into())
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "the storage did not take a file");
                AppError::Internal
            })?;
        Ok(())
    }

    /// Removes every file of workspaces that are gone.
    pub async fn remove_workspaces(&self, workspace_ids: &[String]) {
        // An empty id would name the folder of every workspace.
        for id in workspace_ids.iter().filter(|id| !id.trim().is_empty()) {
            let prefix = ObjectPath::from(format!("workspaces/{id}"));
            let mut files = self.store.list(Some(&prefix));
            while let Some(file) = files.next().await {
                match file {
                    Ok(meta) => self.remove(&meta.location).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "a removed workspace's files were not listed");
                        break;
                    }
                }
            }
        }
    }
}

/// An upload's bytes as they arrive; an `Err` ends it (too large, or broken off).
pub type Incoming<'a> =
    std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, DocumentProblem>> + Send + 'a>>;

/// The bytes of the workspace's documents.
pub async fn used_bytes(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    workspace_id: &str,
) -> Result<u64, AppError> {
    let used: i64 = sqlx::query(
        "select cast(coalesce(sum(size_bytes), 0) as bigint) as used
         from workspace_document where workspace_id = $1",
    )
    .bind(workspace_id)
    .fetch_one(conn)
    .await?
    .try_get("used")?;
    Ok(used.max(0) as u64)
}

/// The bytes the person shared since `since`.
async fn shared_since(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    user_id: &str,
    since: i64,
) -> Result<u64, AppError> {
    let shared: i64 = sqlx::query(
        "select cast(coalesce(sum(size_bytes), 0) as bigint) as shared
         from workspace_document where uploaded_by = $1 and created_at > $2",
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(conn)
    .await?
    .try_get("shared")?;
    Ok(shared.max(0) as u64)
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The largest file the writer may share now, and what to say of one larger: the file limit,
/// the workspace's room, or what is left of the writer's day (the smallest; the file limit
/// first when they are equal).
async fn cap(
    db: &Db,
    storage: &Storage,
    workspace_id: &str,
    user_id: &str,
) -> Result<(u64, DocumentProblem), AppError> {
    let used = used_bytes(&db.pool, workspace_id).await?;
    let shared = shared_since(&db.pool, user_id, now_ms() - DAY_MS).await?;
    Ok([
        (storage.max_bytes, DocumentProblem::TooLarge),
        (
            storage.workspace_bytes.saturating_sub(used),
            DocumentProblem::Full,
        ),
        (
            storage.daily_bytes.saturating_sub(shared),
            DocumentProblem::DailyLimit,
        ),
    ]
    .into_iter()
    .min_by_key(|(bytes, _)| *bytes)
    .unwrap_or((0, DocumentProblem::NotStored)))
}

/// Stores a file a writer sends (`sent_name` as the browser named it) and lists it in the
/// workspace, telling its members. `Ok(Err(_))`: why the file was not kept; nothing of it
/// is left behind.
#[tracing::instrument(skip_all, fields(workspace = %by.workspace().workspace_id))]
pub async fn upload(
    db: &Db,
    storage: &Storage,
    by: &Writer,
    sent_name: &str,
    mut body: Incoming<'_>,
) -> Result<Result<String, DocumentProblem>, AppError> {
    if sent_name.is_empty() {
        return Ok(Err(DocumentProblem::NoFile));
    }
    let name = neutral_name(sent_name);
    let workspace_id = by.workspace().workspace_id.clone();
    let user_id = by.user().user_id.clone();
    let (max, over) = cap(db, storage, &workspace_id, &user_id).await?;
    if max == 0 {
        return Ok(Err(over));
    }
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut ended = false;
    while head.len() < HEAD_BYTES {
        match body.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(problem)) => return Ok(Err(problem)),
            None => {
                ended = true;
                break;
            }
        }
        if head.len() as u64 > max {
            return Ok(Err(over));
        }
    }
    let kind = match check(&name, &head[..head.len().min(HEAD_BYTES)], ended) {
        Ok(kind) => kind,
        Err(problem) => return Ok(Err(problem)),
    };
    let document_id = new_id();
    let path = Storage::path(&workspace_id, &document_id);
    let size = match store_file(storage, &path, head, body, (max, over)).await {
        Ok(size) => size,
        Err(problem) => return Ok(Err(problem)),
    };
    let id = document_id.clone();
    let (workspace_room, daily_room) = (storage.workspace_bytes, storage.daily_bytes);
    let listed = db
        .write(move |conn| {
            async move {
                let now = now_ms();
                // Others' uploads may have finished meanwhile: the room is counted again with
                // the workspace locked, so that two uploads together cannot pass it.
                super::members_store::lock_workspace(conn, &workspace_id).await?;
                if used_bytes(&mut *conn, &workspace_id).await?.saturating_add(size) > workspace_room {
                    return Ok(Outcome::Undo(Ok(Err(DocumentProblem::Full))));
                }
                if shared_since(&mut *conn, &user_id, now - DAY_MS).await?.saturating_add(size)
                    > daily_room
                {
                    return Ok(Outcome::Undo(Ok(Err(DocumentProblem::DailyLimit))));
                }
                // The role is read again in the write: a writer made an observer (or removed)
                // while the file arrived lists nothing.
                let inserted = sqlx::query(
                    "insert into workspace_document
                       (document_id, workspace_id, name, media_type, size_bytes, uploaded_by, created_at)
                     select $1, $2, $3, $4, $5, $6, $7 where exists (
                       select 1 from workspace_member where workspace_id = $2 and user_id = $6
                         and role <> 'observer')",
                )
                .bind(&id)
                .bind(&workspace_id)
                .bind(&name)
                .bind(kind.media_type)
                .bind(size as i64)
                .bind(&user_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                if inserted.rows_affected() == 0 {
                    return Ok(Outcome::Undo(Err(AppError::Forbidden)));
                }
                // One notice per member who has not turned the kind off; its id is made of
                // the document's and the member's, which no other notice has.
                sqlx::query(
                    "insert into notice (notice_id, user_id, kind, workspace_id, document_id, actor_id, created_at)
                     select cast($1 as text) || '.' || m.user_id, m.user_id, $2, $3, $1, $4, $5
                     from workspace_member m
                     where m.workspace_id = $3 and m.user_id <> $4
                       and not exists (select 1 from notice_setting s
                                       where s.user_id = m.user_id and s.kind = $2 and s.in_app = 0)",
                )
                .bind(&id)
                .bind(NoticeKind::Document.as_str())
                .bind(&workspace_id)
                .bind(&user_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(Outcome::Keep(Ok(Ok(()))))
            }
            .boxed()
        })
        .await
        .and_then(|r| r);
    match listed {
        Ok(Ok(())) => Ok(Ok(document_id)),
        Ok(Err(problem)) => {
            storage.remove(&path).await;
            Ok(Err(problem))
        }
        Err(e) => {
            storage.remove(&path).await;
            Err(e)
        }
    }
}

/// Writes `head` and the rest of `body` to `path` in parts, and answers the file's size; a
/// file over `cap` (answered with its problem), a broken upload or a storage that refuses
/// leaves nothing behind.
async fn store_file(
    storage: &Storage,
    path: &ObjectPath,
    head: Vec<u8>,
    mut body: Incoming<'_>,
    (max, over): (u64, DocumentProblem),
) -> Result<u64, DocumentProblem> {
    let upload = storage.store.put_multipart(path).await.map_err(|e| {
        tracing::error!(error = %e, "the storage did not open an upload");
        DocumentProblem::NotStored
    })?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, storage.part_bytes);
    let mut size = head.len() as u64;
    writer.write(&head);
    drop(head);
    let outcome = loop {
        if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
            tracing::error!(error = %e, "the storage did not take a part");
            break Err(DocumentProblem::NotStored);
        }
        match body.next().await {
            Some(Ok(chunk)) => {
                size += chunk.len() as u64;
                if size > max {
                    break Err(over);
                }
                writer.write(&chunk);
            }
            Some(Err(problem)) => break Err(problem),
            None => break Ok(()),
        }
    };
    match outcome {
        Ok(()) => match writer.finish().await {
            Ok(_) => Ok(size),
            Err(e) => {
                tracing::error!(error = %e, "the storage did not finish an upload");
                storage.remove(path).await;
                Err(DocumentProblem::NotStored)
            }
        },
        Err(problem) => {
            if let Err(e) = writer.abort().await {
                tracing::warn!(error = %e, "an upload was not cleanly aborted");
            }
            Err(problem)
        }
    }
}

/// The workspace's documents, newest first, for one reader.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn documents(db: &Db, reader: &Reader) -> Result<Vec<DocumentLine>, AppError> {
    sqlx::query(
        "select d.document_id, d.name, d.size_bytes, d.uploaded_by, u.display_name, d.created_at
         from workspace_document d left join app_user u on u.user_id = d.uploaded_by
         where d.workspace_id = $1 order by d.created_at desc, d.document_id desc",
    )
    .bind(&reader.workspace().workspace_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let uploader: Option<String> = r.try_get("uploaded_by")?;
        Ok(DocumentLine {
            document_id: r.try_get("document_id")?,
            name: r.try_get("name")?,
            size_bytes: r.try_get("size_bytes")?,
            uploader: r.try_get("display_name")?,
            created_at: r.try_get("created_at")?,
            deletable: super::discussion_store::may_change(reader, uploader.as_deref()),
        })
    })
    .collect()
}

/// A document to download: its name, type and size, and its bytes as they come from the
/// storage.
pub struct Download {
    pub name: String,
    pub media_type: String,
    pub size_bytes: u64,
    pub body: futures::stream::BoxStream<'static, Result<Bytes, object_store::Error>>,
}

/// A document of the workspace the reader may read; `NotFound` for one of another workspace
/// or none.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn download(
    db: &Db,
    storage: &Storage,
    reader: &Reader,
    document_id: &str,
) -> Result<Download, AppError> {
    let workspace_id = &reader.workspace().workspace_id;
    let row = sqlx::query(
        "select name, media_type, size_bytes from workspace_document
         where document_id = $1 and workspace_id = $2",
    )
    .bind(document_id)
    .bind(workspace_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let file = storage
        .store
        .get(&Storage::path(workspace_id, document_id))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a listed document's file could not be read");
            AppError::Internal
        })?;
    Ok(Download {
        name: row.try_get("name")?,
        media_type: row.try_get("media_type")?,
        size_bytes: file.meta.size,
        body: file.into_stream(),
    })
}

/// Its uploader (while they write here) or a facilitator deletes a document: its row, then
/// its file.
#[tracing::instrument(skip_all, fields(workspace = %reader.workspace().workspace_id))]
pub async fn delete(
    db: &Db,
    storage: &Storage,
    reader: &Reader,
    document_id: &str,
) -> Result<(), AppError> {
    let workspace_id = reader.workspace().workspace_id.clone();
    let row = sqlx::query(
        "select uploaded_by from workspace_document where document_id = $1 and workspace_id = $2",
    )
    .bind(document_id)
    .bind(&workspace_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let uploader: Option<String> = row.try_get("uploaded_by")?;
    if !super::discussion_store::may_change(reader, uploader.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let me = reader.user().ok_or(AppError::Unauthorized)?;
    // The rule again, in the write: a role lost since the proof was made deletes nothing.
    let done = db
        .run(
            "delete from workspace_document where document_id = $1 and workspace_id = $2
               and exists (select 1 from workspace_member m
                           where m.workspace_id = $2 and m.user_id = $3
                             and (m.role in ('owner', 'facilitator')
                                  or (m.role = 'member' and workspace_document.uploaded_by = $3)))",
            crate::args![document_id, &workspace_id, &me.user_id],
        )
        .await?;
    if done.rows == 0 {
        return Err(AppError::Forbidden);
    }
    storage
        .remove(&Storage::path(&workspace_id, document_id))
        .await;
    Ok(())
}

/// What the person shared, for their personal data download: (workspace, file name, size,
/// shared at), oldest first.
pub async fn my_documents(
    db: &Db,
    user_id: &str,
) -> Result<Vec<(String, String, i64, i64)>, AppError> {
    sqlx::query(
        "select w.name as workspace, d.name, d.size_bytes, d.created_at from workspace_document d
         join workspace w on w.workspace_id = d.workspace_id
         where d.uploaded_by = $1 order by d.created_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("workspace")?,
            r.try_get("name")?,
            r.try_get("size_bytes")?,
            r.try_get("created_at")?,
        ))
    })
    .collect()
}
