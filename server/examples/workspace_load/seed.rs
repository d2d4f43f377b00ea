//! The generated partnership, written straight into the database the server uses (through the
//! platform's own `Db`, on either engine): accounts that share one password hash, workspaces
//! with their members, and threads of posts rendered as the platform renders them. Writing
//! through HTTP would time the generator, not the pages; one password hash, not 5,000, keeps
//! the seeding to seconds.

use app::db::{new_id, now_ms, Db};
use app::identity::model::Role as AccountRole;
use app::identity::store::{create_user, NewUser};
use app::workspace::markdown::render;
use futures::FutureExt;
use sqlx::Row;

pub const PASSWORD: &str = "a passphrase for the workspace load";

/// How much to generate.
pub struct Size {
    pub workspaces: usize,
    pub people: usize,
    pub threads_per_workspace: usize,
    pub posts_per_thread: usize,
    /// The posts of the first workspace's first thread: the long thread the readers open.
    pub long_thread: usize,
}

/// What the timed part needs to know of the generated data.
pub struct Seeded {
    /// Each workspace's id, in order; person `n` is a member of workspace `n % workspaces`.
    pub workspaces: Vec<String>,
    pub posts: usize,
}

pub fn email(n: usize) -> String {
    format!("member{n}@load.example.org")
}

/// The role of person `n` in their workspace: the first of each workspace owns it, the second
/// facilitates, the rest are members.
fn role(n: usize, workspaces: usize) -> &'static str {
    match n / workspaces {
        0 => "owner",
        1 => "facilitator",
        _ => "member",
    }
}

const BODIES: [&str; 4] = [
    "We tried **innovation vouchers** in two regions. The take-up was slow in the first year, \
     then the cluster managers started to explain them at every meeting and it doubled.",
    "Our smart-specialisation *entrepreneurial discovery* ran as four focus groups:\n\n\
     - agri-food\n- wood and furniture\n- ICT\n- tourism\n\nThe ICT group wanted more time.",
    "Could we compare the [S3 platform](https://s3platform.jrc.ec.europa.eu/) indicators with \
     ours before the next workshop? I can prepare a table.",
    "Agreed. Let us put it on the agenda of the steering group and ask the region for the \
     budget lines of 2025.",
];

/// Writes the partnership; answers what the timed part needs.
pub async fn seed(db: &Db, size: &Size) -> Seeded {
    let hash = app::identity::session::hash_password(PASSWORD.to_owned())
        .await
        .expect("a password hash");
    let rendered: Vec<(String, String)> = BODIES
        .iter()
        .map(|b| ((*b).to_owned(), render(b, &[]).0))
        .collect();
    let theme: String = sqlx::query("select thematic_area_id from thematic_area limit 1")
        .fetch_one(&db.pool)
        .await
        .expect("the registry's thematic areas")
        .try_get("thematic_area_id")
        .unwrap();
    let start = now_ms() - 86_400_000 * 60;

    let mut people = Vec::with_capacity(size.people);
    for chunk in (0..size.people).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.pool.begin().await.unwrap();
        for &n in chunk {
            let (email, name) = (email(n), format!("Member {n}"));
            let user = NewUser {
                email: &email,
                display_name: &name,
                password_hash: &hash,
                role: AccountRole::Member,
                locale: "en",
                organisation_id: None,
            };
            people.push(create_user(&mut *tx, user).await.expect("a new account"));
        }
        tx.commit().await.unwrap();
    }

    let mut workspaces = Vec::with_capacity(size.workspaces);
    let mut posts = 0;
    for w in 0..size.workspaces {
        let workspace_id = new_id();
        let members: Vec<(String, &'static str)> = (w..size.people)
            .step_by(size.workspaces)
            .map(|n| (people[n].clone(), role(n, size.workspaces)))
            .collect();
        let threads: Vec<usize> = (0..size.threads_per_workspace)
            .map(|t| {
                if w == 0 && t == 0 {
                    size.long_thread
                } else {
                    size.posts_per_thread
                }
            })
            .collect();
        posts += threads.iter().sum::<usize>();
        let (id, theme, rendered) = (workspace_id.clone(), theme.clone(), rendered.clone());
        db.write(move |conn| {
                async move {
                    let name = format!("Load workspace {w}");
                    sqlx::query(
                        "insert into workspace (workspace_id, name, name_key, description, visibility, created_at, updated_at)
                         values ($1, $2, $3, $4, 'partnership', $5, $5)",
                    )
                    .bind(&id)
                    .bind(&name)
                    .bind(app::text::key(&name))
                    .bind("A working group of the generated partnership.")
                    .bind(start)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "insert into workspace_theme (workspace_id, thematic_area_id) values ($1, $2)",
                    )
                    .bind(&id)
                    .bind(&theme)
                    .execute(&mut *conn)
                    .await?;
                    for (user_id, role) in &members {
                        sqlx::query(
                            "insert into workspace_member (workspace_id, user_id, role, joined_at)
                             values ($1, $2, $3, $4)",
                        )
                        .bind(&id)
                        .bind(user_id)
                        .bind(*role)
                        .bind(start)
                        .execute(&mut *conn)
                        .await?;
                    }
                    let mut at = start;
                    for (t, count) in threads.into_iter().enumerate() {
                        let thread_id = new_id();
                        at += 1_000;
                        let opened = at;
                        sqlx::query(
                            "insert into workspace_thread (thread_id, workspace_id, title, author_id, posts, created_at, last_post_at)
                             values ($1, $2, $3, $4, $5, $6, $6)",
                        )
                        .bind(&thread_id)
                        .bind(&id)
                        .bind(format!("Discussion {t} of workspace {w}"))
                        .bind(&members[0].0)
                        .bind(count as i64)
                        .bind(opened)
                        .execute(&mut *conn)
                        .await?;
                        for p in 0..count {
                            let (body, html) = &rendered[p % rendered.len()];
                            sqlx::query(
                                "insert into workspace_post (post_id, thread_id, author_id, body, html, created_at)
                                 values ($1, $2, $3, $4, $5, $6)",
                            )
                            .bind(new_id())
                            .bind(&thread_id)
                            .bind(&members[p % members.len()].0)
                            .bind(body)
                            .bind(html)
                            .bind(at)
                            .execute(&mut *conn)
                            .await?;
                            at += 1_000;
                        }
                        sqlx::query("update workspace_thread set last_post_at = $2 where thread_id = $1")
                            .bind(&thread_id)
                            .bind(at - 1_000)
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(app::db::Outcome::Keep(()))
                }
                .boxed()
            })
            .await
            .expect("a generated workspace");
        workspaces.push(workspace_id);
    }
    Seeded { workspaces, posts }
}
