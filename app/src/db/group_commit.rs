//! Group commit on SQLite. SQLite writes one transaction at a time, and with `synchronous =
//! full` every commit waits for the disk to confirm it: about 400 commits a second on these
//! machines, whatever the CPU does. Writes given to [`super::Db::write`] are queued instead; one
//! task runs each queued write in its own savepoint of a shared transaction and commits them
//! together, so that the writes that arrived while the disk was busy share the next commit. A
//! write is answered only after the commit that holds it returned: acknowledged means on disk.

use super::Outcome;
use crate::error::AppError;
use futures::future::BoxFuture;
use futures::FutureExt;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor};
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
    let (sender, mut jobs) = mpsc::channel::<Job>(4 * MOST_PER_COMMIT);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MOST_PER_COMMIT);
        while jobs.recv_many(&mut batch, MOST_PER_COMMIT).await > 0 {
            commit(&pool, std::mem::take(&mut batch)).await;
        }
    });
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
                    // The caller may have gone (a closed connection): its write stands all the same.
                    let _ = reply.send(match result {
                        Ok(Outcome::Keep(value)) if committed => Ok(value),
                        Ok(Outcome::Keep(_)) => Err(AppError::Internal),
                        Ok(Outcome::Undo(value)) => Ok(value),
                        Err(e) => Err(e),
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

/// Runs a batch in one transaction, each job in a savepoint that is released or rolled back as
/// the job decided, commits once, then answers every job. A job that could not run (the
/// transaction broke, or the job panicked) is dropped, and its caller gets an error.
async fn commit(pool: &AnyPool, batch: Vec<Job>) {
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!(error = ?e, jobs = batch.len(), "no connection for queued writes");
            return;
        }
    };
    if let Err(e) = conn.execute("begin immediate").await {
        tracing::error!(error = ?e, jobs = batch.len(), "queued writes could not begin");
        return;
    }
    let mut done = Vec::with_capacity(batch.len());
    let mut sound = true;
    for job in batch {
        if !sound {
            break;
        }
        if let Err(e) = conn.execute("savepoint job").await {
            tracing::error!(error = ?e, "a savepoint could not be made");
            sound = false;
            break;
        }
        let end = match AssertUnwindSafe(job(&mut conn)).catch_unwind().await {
            Ok(job) => {
                let end = if job.keep {
                    "release job"
                } else {
                    "rollback to job; release job"
                };
                done.push(job.answer);
                end
            }
            Err(_) => {
                tracing::error!("a queued write panicked");
                "rollback to job; release job"
            }
        };
        if let Err(e) = conn.execute(end).await {
            // SQLite rolls a whole transaction back on some errors (a full disk, say): then
            // nothing of this batch is kept, and every job is told so.
            tracing::error!(error = ?e, "a savepoint could not be closed");
            sound = false;
        }
    }
    let committed = sound
        && match conn.execute("commit").await {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(error = ?e, jobs = done.len(), "queued writes could not commit");
                false
            }
        };
    if !committed {
        roll_back(conn).await;
    }
    for answer in done {
        answer(committed);
    }
}

/// Ends a broken transaction; a connection that cannot end it is closed, not reused.
async fn roll_back(mut conn: PoolConnection<Any>) {
    if conn.execute("rollback").await.is_err() {
        drop(conn.detach());
    }
}
