//! The demo's workspaces: one working group per thematic area and a cross-cutting one, each
//! with an owner, a facilitator, members and an observer from several partner countries; one
//! private steering group; and, for the demo facilitator, a request to join waiting for an
//! answer and an invitation of their own.

use super::model::{Role, Visibility};
use crate::db::{new_id, now_ms};
use crate::error::AppError;
use sqlx::AnyConnection;

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

/// Adds the workspaces through the demo's transaction; `people` are the demo accounts' ids and
/// `facilitator` the index of the one whose sign-in the demo prints.
/// Answers how many workspaces it added.
pub async fn add(
    tx: &mut AnyConnection,
    people: &[String],
    facilitator: usize,
) -> Result<usize, AppError> {
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
        .bind(now)
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
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(id);
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
    Ok(GROUPS.len())
}
