//! The demo's workspaces: one working group per thematic area and a cross-cutting one, each
//! with an owner, a facilitator, members and an observer from several partner countries; one
//! private steering group; and, for the demo facilitator, a request to join waiting for an
//! answer and an invitation of their own; threads in three of them, and documents in three.

use super::activity_store::mark_seen;
use super::markdown::{render, Mentionable};
use super::model::{Role, Visibility};
use super::notice::NoticeKind;
use super::notice_store::{notify, NewNotice};
use crate::db::{new_id, now_ms};
use crate::error::AppError;
use sqlx::{AnyConnection, Row};

/// A demo workspace: name, description, visibility, thematic areas, and its people as
/// (index into the demo's people, role).
type Group = (
    &'static str,
    &'static str,
    Visibility,
    &'static [&'static str],
    &'static [(usize, Role)],
);

const GROUPS: [Group; 8] = [
    (
        "Innovation and R&D working group",
        "Regions compare how their cluster programmes fund joint R&D, and which calls brought firms and universities together.",
        Visibility::Partnership,
        &["innovation"],
        &[(2, Role::Owner), (0, Role::Facilitator), (1, Role::Member), (6, Role::Member), (9, Role::Observer)],
    ),
    (
        "Green clusters (eco-innovation)",
        "Sustainability through cluster development: circular economy pilots, energy communities, green procurement.",
        Visibility::Public,
        &["sustainability"],
        &[(1, Role::Owner), (5, Role::Facilitator), (2, Role::Member), (11, Role::Member), (3, Role::Observer)],
    ),
    (
        "International cooperation and networking",
        "Cross-border matchmaking, joint internationalisation strategies and the clusters' presence in European networks.",
        Visibility::Partnership,
        &["internationalisation"],
        &[(9, Role::Owner), (8, Role::Facilitator), (10, Role::Member), (7, Role::Member), (0, Role::Observer)],
    ),
    (
        "Cluster financing",
        "How cluster organisations are funded after the first programme period: vouchers, membership fees, regional co-financing.",
        Visibility::Partnership,
        &["financing"],
        &[(3, Role::Owner), (4, Role::Facilitator), (5, Role::Member), (11, Role::Member), (1, Role::Observer)],
    ),
    (
        "Regional specialisation",
        "Entrepreneurial discovery, priority setting and the fit between cluster policy and each region's smart specialisation strategy.",
        Visibility::Partnership,
        &["specialisation"],
        &[(0, Role::Owner), (2, Role::Facilitator), (3, Role::Member), (7, Role::Member), (10, Role::Observer)],
    ),
    (
        "New skills and jobs",
        "Skills partnerships between clusters, vocational schools and universities; what the regions learn from the Pact for Skills.",
        Visibility::Partnership,
        &["skills", "innovation"],
        &[(6, Role::Owner), (11, Role::Facilitator), (4, Role::Member), (8, Role::Member), (9, Role::Observer)],
    ),
    (
        "Multi-level governance (cross-cutting)",
        "The horizontal issue: how ministries, regions and cluster organisations share the work of cluster policy.",
        Visibility::Partnership,
        &["multilevel", "financing", "specialisation"],
        &[(10, Role::Owner), (3, Role::Facilitator), (0, Role::Member), (1, Role::Member), (2, Role::Member), (5, Role::Member)],
    ),
    (
        "Partnership steering group",
        "The lead partner and the work package leaders: plans, reporting and the joint strategy's timetable.",
        Visibility::Private,
        &["multilevel"],
        &[(0, Role::Owner), (2, Role::Facilitator), (1, Role::Member), (9, Role::Member)],
    ),
];

/// Demo threads: the workspace (index into `GROUPS`), the title, and the posts as (author, index
/// into the demo's people; Markdown), oldest first.
type Thread = (usize, &'static str, &'static [(usize, &'static str)]);

const THREADS: [Thread; 4] = [
    (
        3,
        "After the first programme period: who pays for the cluster manager?",
        &[
            (3, "Our cluster organisations lose **half their budget** when the regional programme ends. What worked in your regions?\n\n- membership fees graded by firm size\n- service vouchers paid by the region\n- project overheads"),
            (4, "In Slavonia the voucher scheme kept three clusters alive, but only where the manager had a sales plan for services. @Ivana Horvat, shall we put this on the agenda of the Zagreb focus group?"),
            (11, "Romania's North-West agency co-finances 30 % of the manager's salary for three years, tied to **new members** and *joint projects*. Happy to share the evaluation."),
        ],
    ),
    (
        0,
        "Joint R&D calls: what made firms apply?",
        &[
            (2, "The Slovenian calls that required a university partner had twice the applications of those that did not. Was it the same elsewhere?"),
            (0, "In Veneto the turning point was a **pre-application clinic**: two hours with the managing authority before the call opened."),
        ],
    ),
    (
        5,
        "Skills partnerships with vocational schools",
        &[
            (6, "Looking for examples where a cluster co-designed a curriculum with a vocational school. The Pact for Skills has a list, but few from our regions."),
            (11, "Cluj's IT cluster runs a dual programme with two schools; I can connect you."),
        ],
    ),
    (
        5,
        "Agenda for the next meeting",
        &[(6, "1. Results of the skills survey\n2. Pilot action proposals\n3. Dates for the study visit")],
    ),
];

/// Demo documents: the workspace (index into `GROUPS`), who shared it (index into the demo's
/// people, a member who writes there), its name and its content.
type DemoDocument = (usize, usize, &'static str, fn() -> Vec<u8>);

const DOCUMENTS: [DemoDocument; 4] = [
    (3, 4, "Cluster financing models - comparison.csv", || {
        "region,model,share of budget,years\r\n\
         Slavonia (HR),service vouchers,40 %,3\r\n\
         Nord-Vest (RO),co-financed manager salary,30 %,3\r\n\
         Vzhodna Slovenija (SI),membership fees by firm size,55 %,ongoing\r\n"
            .as_bytes()
            .to_vec()
    }),
    (3, 3, "Zagreb focus group - minutes.txt", || {
        "Focus group on cluster financing, Zagreb\n\n\
         Present: cluster managers of four Croatian clusters, the managing authority.\n\
         1. Vouchers work where the cluster sells services it has planned.\n\
         2. The regions will compare evaluation reports before the next meeting.\n"
            .as_bytes()
            .to_vec()
    }),
    (0, 2, "Joint R&D calls - briefing.pdf", || {
        pdf("Joint R&D calls: what made firms apply")
    }),
    (5, 6, "Skills survey questions.txt", || {
        "1. Which skills do your member firms lack most?\n\
         2. Which schools do you already work with?\n\
         3. Would you co-design a curriculum?\n"
            .as_bytes()
            .to_vec()
    }),
];

/// A one-page PDF saying `line`: a real file a viewer opens, its cross-reference table
/// counted from the objects written.
fn pdf(line: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 720 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// A demo document's file, to be written to the storage once the demo's rows are committed.
pub struct DemoFile {
    pub workspace_id: String,
    pub document_id: String,
    pub bytes: Vec<u8>,
}

/// A thread with its posts, the first post's author its author, an hour apart.
async fn add_thread(
    tx: &mut AnyConnection,
    workspace_id: &str,
    title: &str,
    posts: &[(usize, &str)],
    people: &[String],
    now: i64,
) -> Result<(), AppError> {
    let members: Vec<(String, String)> = sqlx::query(
        "select m.user_id, u.display_name from workspace_member m
         join app_user u on u.user_id = m.user_id where m.workspace_id = $1",
    )
    .bind(workspace_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("user_id")?, r.try_get("display_name")?)))
    .collect::<Result<_, AppError>>()?;
    let mentionable: Vec<Mentionable> = members
        .iter()
        .map(|(user_id, name)| Mentionable { user_id, name })
        .collect();
    const HOUR: i64 = 3_600_000;
    let start = now - HOUR * (posts.len() as i64 + 24);
    let thread_id = new_id();
    let last = start + HOUR * (posts.len() as i64 - 1);
    sqlx::query(
        "insert into workspace_thread (thread_id, workspace_id, title, author_id, posts, created_at, last_post_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&thread_id)
    .bind(workspace_id)
    .bind(title)
    .bind(&people[posts[0].0])
    .bind(posts.len() as i64)
    .bind(start)
    .bind(last)
    .execute(&mut *tx)
    .await?;
    for (n, (author, body)) in posts.iter().enumerate() {
        let (html, mentioned) = render(body, &mentionable);
        let post_id = new_id();
        sqlx::query(
            "insert into workspace_post (post_id, thread_id, author_id, body, html, created_at)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&post_id)
        .bind(&thread_id)
        .bind(&people[*author])
        .bind(*body)
        .bind(&html)
        .bind(start + HOUR * n as i64)
        .execute(&mut *tx)
        .await?;
        mark_seen(tx, &people[*author], &thread_id, start + HOUR * n as i64).await?;
        for user_id in mentioned {
            sqlx::query("insert into workspace_mention (post_id, user_id) values ($1, $2)")
                .bind(&post_id)
                .bind(&user_id)
                .execute(&mut *tx)
                .await?;
            let notice = NewNotice {
                user_id: &user_id,
                kind: NoticeKind::Mention,
                workspace_id,
                thread_id: Some(&thread_id),
                post_id: Some(&post_id),
                actor_id: &people[*author],
            };
            notify(tx, notice).await?;
        }
    }
    Ok(())
}

/// How long ago the demo's workspaces were made and their members joined: before every post,
/// so that each member finds unread discussions where others wrote.
const JOINED_BEFORE: i64 = 30 * 86_400_000;

/// Adds the workspaces through the demo's transaction; `people` are the demo accounts' ids and
/// `facilitator` the index of the one whose sign-in the demo prints.
/// Answers how many workspaces it added, and the documents' files to store.
pub async fn add(
    tx: &mut AnyConnection,
    people: &[String],
    facilitator: usize,
) -> Result<(usize, Vec<DemoFile>), AppError> {
    let now = now_ms();
    let mut ids = Vec::new();
    for (name, description, visibility, themes, members) in GROUPS {
        let id = new_id();
        sqlx::query(
            "insert into workspace (workspace_id, name, name_key, description, visibility, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(crate::text::key(name))
        .bind(description)
        .bind(visibility.as_str())
        .bind(now - JOINED_BEFORE)
        .execute(&mut *tx)
        .await?;
        for theme in themes {
            sqlx::query(
                "insert into workspace_theme (workspace_id, thematic_area_id) values ($1, $2)",
            )
            .bind(&id)
            .bind(*theme)
            .execute(&mut *tx)
            .await?;
        }
        for (person, role) in members {
            sqlx::query(
                "insert into workspace_member (workspace_id, user_id, role, joined_at) values ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(&people[*person])
            .bind(role.as_str())
            .bind(now - JOINED_BEFORE)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(id);
    }
    for (group, title, posts) in THREADS {
        add_thread(tx, &ids[group], title, posts, people, now).await?;
    }
    let mut files = Vec::new();
    for (n, (group, uploader, name, content)) in DOCUMENTS.into_iter().enumerate() {
        let bytes = content();
        let kind = super::document::check(name, &bytes, true).map_err(|_| AppError::Internal)?;
        let document_id = new_id();
        sqlx::query(
            "insert into workspace_document
               (document_id, workspace_id, name, media_type, size_bytes, uploaded_by, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&document_id)
        .bind(&ids[group])
        .bind(name)
        .bind(kind.media_type)
        .bind(bytes.len() as i64)
        .bind(&people[uploader])
        .bind(now - 86_400_000 * (DOCUMENTS.len() - n) as i64)
        .execute(&mut *tx)
        .await?;
        files.push(DemoFile {
            workspace_id: ids[group].clone(),
            document_id,
            bytes,
        });
    }
    // The facilitator's own workspace has someone asking to join; a steering group invites
    // the facilitator.
    let own = GROUPS
        .iter()
        .position(|g| g.4.contains(&(facilitator, Role::Owner)))
        .ok_or(AppError::Internal)?;
    let asking = (0..people.len())
        .find(|p| !GROUPS[own].4.iter().any(|(m, _)| m == p))
        .ok_or(AppError::Internal)?;
    sqlx::query(
        "insert into workspace_request (workspace_id, user_id, created_at) values ($1, $2, $3)",
    )
    .bind(&ids[own])
    .bind(&people[asking])
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into workspace_invitee (workspace_id, user_id, role, invited_by, created_at)
         values ($1, $2, 'member', $3, $4)",
    )
    .bind(&ids[GROUPS.len() - 1])
    .bind(&people[facilitator])
    .bind(&people[0])
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok((GROUPS.len(), files))
}
