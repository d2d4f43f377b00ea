//! Group commit on SQLite. SQLite writes one transaction at a time, and with `synchronous =
//! full` every commit waits for the disk to confirm it: about 400 commits a second on these
//! machines, whatever the CPU does. Writes given to [`super::Db::write`] are queued instead; one
//! task runs each queued write in its own savepoint of a shared transaction and commits them
//! together, so that the writes that arrived while the disk was busy share the next commit. A
//! write is answered only after the commit that holds it returned: acknowledged means on disk.
//!
//! Two differences from PostgreSQL, where each write has a transaction of its own: a write whose
//! caller went away (a closed request) is still committed, and a write that panics is answered
//! with an error instead of the panic.

use super::Outcome;
use crate::error::AppError;
use futures::future::BoxFuture;
use futures::FutureExt;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor};
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

/// What a queued write did: whether its changes stay, and how to answer its caller once the
/// fate of the shared commit is known (`true`: committed).
struct Done {
    keep: bool,
    answer: Box<dyn FnOnce(bool) + Send>,
}

/// A queued write with its result type hidden, so that writes of any kind share a queue.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Done> + Send>;

/// The queue of writes to one SQLite database.
#[derive(Clone, Debug)]
pub(super) struct Queue(mpsc::Sender<Job>);

/// The most writes in one commit: bounds the time a transaction holds SQLite's lock.
const MOST_PER_COMMIT: usize = 256;

/// Starts the task that commits queued writes; it ends when the last sender is dropped.
pub(super) fn start(pool: AnyPool) -> Queue {
    let (sender, jobs) = mpsc::channel::<Job>(4 * MOST_PER_COMMIT);
    tokio::spawn(run(pool, jobs));
    Queue(sender)
}

/// Queues `work` and waits until the commit that holds it has returned.
pub(super) async fn write<T, F>(queue: &Queue, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Outcome<T>, AppError>>
        + Send
        + 'static,
{
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        async move {
            let result = work(conn).await;
            Done {
                keep: matches!(result, Ok(Outcome::Keep(_))),
                answer: Box::new(move |committed| {
                    // The caller may have gone (a closed connection): its write stands all the
                    // same. A refusal is only true of the data as committed: without the
                    // commit, the writes before it in the batch, which it saw, are gone too.
                    let _ = reply.send(match result {
                        Ok(Outcome::Keep(value) | Outcome::Undo(value)) if committed => Ok(value),
                        Err(e) if committed => Err(e),
                        _ => Err(AppError::Internal),
                    });
                }),
            }
        }
        .boxed()
    });
    if queue.0.send(job).await.is_err() {
        tracing::error!("the SQLite writer has stopped");
        return Err(AppError::Internal);
    }
    // A job dropped without an answer was never committed (see `commit`).
    answer.await.unwrap_or(Err(AppError::Internal))
}

/// The writer: keeps one connection of its own, so that readers filling the pool cannot hold
/// up the writes, and commits each batch of queued writes on it.
async fn run(pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MOST_PER_COMMIT);
    let mut own: Option<PoolConnection<Any>> = None;
    while jobs.recv_many(&mut batch, MOST_PER_COMMIT).await > 0 {
        let conn = match own.take() {
            Some(conn) => conn,
            None => match pool.acquire().await {
                Ok(conn) => conn,
                Err(e) => {
                    // Dropping the batch answers each of its callers with an error.
                    tracing::error!(error = ?e, jobs = batch.len(), "no connection for queued writes");
                    batch.clear();
                    continue;
                }
            },
        };
        own = commit(conn, std::mem::take(&mut batch)).await;
    }
}

/// Commits a batch (see [`batch_in_transaction`]); gives the connection back unless it is
/// broken. A transaction dropped without its commit is rolled back before the connection's next
/// statement (the ping); a connection still in a transaction after that is closed.
async fn commit(mut conn: PoolConnection<Any>, batch: Vec<Job>) -> Option<PoolConnection<Any>> {
    match batch_in_transaction(&mut conn, batch).await {
        Some(true) => Some(conn),
        Some(false) if conn.ping().await.is_ok() && !conn.is_in_transaction() => Some(conn),
        _ => {
            drop(conn.detach());
            None
        }
    }
}

/// Runs a batch in one transaction, each job in a savepoint that is released or rolled back as
/// the job decided, commits once, then answers every job. A job that could not run (the
/// transaction broke, or the job panicked) is dropped, and its caller gets an error; when the
/// commit fails, every caller gets one. Says whether it committed; `None` when the transaction
/// could not even begin.
async fn batch_in_transaction(conn: &mut AnyConnection, batch: Vec<Job>) -> Option<bool> {
    // A transaction sqlx knows of: should this task be dropped mid-batch, it is rolled back
    // before the connection is used again.
    let mut tx = match conn.begin_with("begin immediate").await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = ?e, jobs = batch.len(), "queued writes could not begin");
            return None;
        }
    };
    let mut done = Vec::with_capacity(batch.len());
    let mut sound = true;
    // How the last job's savepoint ends. It goes to SQLite in one statement with the next
    // job's savepoint: each statement is a round trip to the connection's thread.
    let mut end: Option<&str> = None;
    for job in batch {
        let begin = match end.take() {
            Some(end) => format!("{end}; savepoint cp_queued_write"),
            None => "savepoint cp_queued_write".to_owned(),
        };
        if let Err(e) = (&mut *tx).execute(begin.as_str()).await {
            // SQLite rolls a whole transaction back on some errors (a full disk, say): then
            // nothing of this batch is kept, and every job is told so.
            tracing::error!(error = ?e, "a savepoint could not be closed or made");
            sound = false;
            break;
        }
        end = Some(match AssertUnwindSafe(job(&mut tx)).catch_unwind().await {
            Ok(job) => {
                let end = if job.keep {
                    "release cp_queued_write"
                } else {
                    "rollback to cp_queued_write; release cp_queued_write"
                };
                done.push(job.answer);
                end
            }
            Err(_) => {
                tracing::error!("a queued write panicked");
                "rollback to cp_queued_write; release cp_queued_write"
            }
        });
    }
    if let (true, Some(end)) = (sound, end) {
        if let Err(e) = (&mut *tx).execute(end).await {
            tracing::error!(error = ?e, "a savepoint could not be closed");
            sound = false;
        }
    }
    let committed = if sound {
        match tx.commit().await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = ?e, jobs = done.len(), "queued writes could not commit");
                false
            }
        }
    } else {
        drop(tx);
        false
    };
    for answer in done {
        answer(committed);
    }
    Some(committed)
}
