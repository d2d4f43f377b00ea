//! The database handle. One set of SQL runs on SQLite (embedded default) and PostgreSQL; the
//! few places where the engines differ branch on [`Engine`].

mod group_commit;

use futures::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// `order by <key>` + this sorts by the bytes of the key on both engines: SQLite compares
    /// text bytewise already; PostgreSQL would otherwise use the database's locale collation.
    pub fn byte_order(self) -> &'static str {
        match self {
            Engine::Sqlite => "",
            Engine::Postgres => " collate \"C\"",
        }
    }

    /// Appended to a `select` of a row that a write depends on but does not change: on
    /// PostgreSQL a share lock, so that a concurrent change of that row waits for the write
    /// (and the write sees a change committed before it); SQLite's first write already holds
    /// the lock of the whole database.
    pub fn share_lock(self) -> &'static str {
        match self {
            Engine::Sqlite => "",
            Engine::Postgres => " for share",
        }
    }

    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// On SQLite, the queue of writes committed together (see [`Db::write`]).
    queue: Option<group_commit::Queue>,
}

/// What a write given to [`Db::write`] decided once it had read what it depends on.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Commit its changes and answer this.
    Keep(T),
    /// Undo its changes (it found a reason to refuse) and answer this.
    Undo(T),
}

/// An argument of a statement given to [`Db::run`], owned: the statement may run on the task
/// that commits SQLite's writes. Made with [`crate::args!`].
#[derive(Debug, Clone)]
pub enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Arg {
    /// Binds the argument as the statement's next parameter.
    pub fn bind_to<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Arg::Text(v) => query.bind(v),
            Arg::Int(v) => query.bind(v),
        }
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_owned()))
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::Text(v.map(str::to_owned))
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}

/// The arguments of a [`Db::run`] statement, in the order of its `$1, $2, …`.
#[macro_export]
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        vec![$($crate::db::Arg::from($arg)),*]
    };
}

/// What a statement given to [`Db::run`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// How many rows it changed.
    pub rows: u64,
    /// It would have broken a unique constraint, and changed nothing.
    pub duplicate: bool,
}

/// Runs on every new SQLite connection: the settings are per connection, not per file.
/// WAL lets readers go on while one writer writes; FULL makes a committed write survive power loss.
const SQLITE_PRAGMAS: &str = "pragma journal_mode = wal; pragma synchronous = full; \
     pragma foreign_keys = on; pragma busy_timeout = 5000;";

impl Db {
    /// Connects, creating the SQLite file (and its folder) when it does not exist yet.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url).ok_or_else(|| {
            sqlx::Error::Configuration(
                format!("unsupported database URL {url:?}: use sqlite:… or postgres://…").into(),
            )
        })?;
        let url = match engine {
            Engine::Sqlite => sqlite_url(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection before handing it out, a round trip to the connection's
            // thread on SQLite; a SQLite connection lives in this process and cannot be closed
            // behind the pool's back, so only PostgreSQL's are checked.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let queue = (engine == Engine::Sqlite).then(|| group_commit::start(pool.clone()));
        Ok(Db {
            pool,
            engine,
            queue,
        })
    }

    /// Runs `work` in a transaction and commits what it keeps; answers once the commit has
    /// returned. For the busiest writes (a respondent's answers): on SQLite they are queued and
    /// many are committed together, one wait for the disk for all of them (see
    /// `db/group_commit.rs`); on PostgreSQL, whose row locks let writers go on side by side,
    /// each runs in its own transaction. `work` must not begin or end transactions itself.
    pub async fn write<T, F>(&self, work: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut AnyConnection,
            ) -> BoxFuture<'c, Result<Outcome<T>, crate::error::AppError>>
            + Send
            + 'static,
    {
        if let Some(queue) = &self.queue {
            return group_commit::write(queue, work).await;
        }
        let mut tx = self.pool.begin().await?;
        match work(&mut tx).await? {
            Outcome::Keep(value) => {
                tx.commit().await?;
                Ok(value)
            }
            Outcome::Undo(value) => {
                tx.rollback().await?;
                Ok(value)
            }
        }
    }

    /// Runs one statement as a [`Db::write`]: on SQLite in the queue every other write waits
    /// in, so that it is not starved of the database's lock while the group-commit writer
    /// keeps taking it. A unique violation is not an error: it changes nothing and answers
    /// [`Written::duplicate`].
    pub async fn run(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Written, crate::error::AppError> {
        use futures::FutureExt;
        self.write(move |conn| {
            async move {
                let mut query = sqlx::query(sql);
                for arg in args {
                    query = arg.bind_to(query);
                }
                match query.execute(&mut *conn).await {
                    Ok(done) => Ok(Outcome::Keep(Written {
                        rows: done.rows_affected(),
                        duplicate: false,
                    })),
                    Err(e)
                        if e.as_database_error()
                            .is_some_and(|d| d.is_unique_violation()) =>
                    {
                        Ok(Outcome::Undo(Written {
                            rows: 0,
                            duplicate: true,
                        }))
                    }
                    Err(e) => Err(e.into()),
                }
            }
            .boxed()
        })
        .await
    }

    /// Runs the SQL migrations, then the data fixes that need Rust (keys computed by
    /// [`crate::text::key`] for rows written before their key column existed), then loads the
    /// built-in questionnaire template into a platform that lacks it.
    pub async fn migrate(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        sqlx::migrate!("../migrations").run(&self.pool).await?;
        crate::registry::store::fill_missing_name_keys(self).await?;
        crate::assessment::commands::load_built_in(self).await?;
        Ok(())
    }

    /// True when the database answers.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }

    /// A consistent copy of a live SQLite database (`vacuum into` reads one snapshot).
    /// PostgreSQL has its own tools for that: `pg_dump`.
    pub async fn backup(&self, target: &str) -> Result<(), sqlx::Error> {
        match self.engine {
            Engine::Sqlite => {
                sqlx::query("vacuum into $1")
                    .bind(target)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Engine::Postgres => Err(sqlx::Error::Configuration(
                "backup copies SQLite databases; for PostgreSQL use pg_dump".into(),
            )),
        }
    }
}

/// `sqlite:data/x.db` → `sqlite://data/x.db?mode=rwc`, with `data/` created.
fn sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    if rest.contains('?') {
        Ok(format!("sqlite://{rest}"))
    } else {
        Ok(format!("sqlite://{rest}?mode=rwc"))
    }
}

/// Milliseconds since the Unix epoch, the one time format in the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Runs `sql` with its `in ($in)` list made of one bind placeholder per id (`$1, $2, …`), the
/// ids bound to them: one query for many rows by id, whatever their number. No ids, no rows
/// (and no query: `in ()` is not SQL).
pub async fn fetch_in(
    db: &Db,
    sql: &str,
    ids: &[&str],
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = (1..=ids.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sql.replace("$in", &list);
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(&db.pool).await
}

/// A new UUIDv7 id (time-ordered, so that indexes stay compact).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A stored value the code does not know (a role, a kind, a translation that is not JSON).
/// Never a quiet default: it is logged with where it was found, and the request fails.
pub fn bad_value(column: &str, value: &str) -> crate::error::AppError {
    let value: String = value.chars().take(100).collect();
    tracing::error!(column, value, "a stored value is not one the code knows");
    crate::error::AppError::Internal
}
