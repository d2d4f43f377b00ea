//! Workspaces: who may see one, what each role may do in it, and the rules that keep a
//! workspace owned and its invitation links honest. Pure; compiled for the browser too.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// A workspace's name, in letters.
pub const NAME_MAX: usize = 80;
/// A workspace's description, in letters.
pub const DESCRIPTION_MAX: usize = 2_000;
/// The longest an invitation link stays valid, in days.
pub const LINK_DAYS_MAX: i64 = 90;
/// The most people one invitation link lets in.
pub const LINK_USES_MAX: i64 = 500;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Who sees a workspace (and what it holds) without being a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Its members only; to anyone else it does not exist.
    Private,
    /// Every signed-in person of the partnership reads it and may ask to join.
    Partnership,
    /// Anyone, also without an account, reads it.
    Public,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Private,
        Visibility::Partnership,
        Visibility::Public,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Partnership => "partnership",
            Visibility::Public => "public",
        }
    }

    pub fn parse(raw: &str) -> Result<Visibility, Problem> {
        Visibility::ALL
            .into_iter()
            .find(|v| v.as_str() == raw)
            .ok_or(Problem::UnknownChoice)
    }
}

/// A member's role in one workspace, from the most to the least it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the workspace: its settings, its roles, its ownership.
    Owner,
    /// Runs the group: invites, admits, moderates.
    Facilitator,
    /// Takes part: writes and uploads.
    Member,
    /// Reads only.
    Observer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Facilitator, Role::Member, Role::Observer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Facilitator => "facilitator",
            Role::Member => "member",
            Role::Observer => "observer",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, Problem> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or(Problem::UnknownChoice)
    }

    /// Posts, replies and uploads.
    pub fn writes(self) -> bool {
        self != Role::Observer
    }

    /// Invites, admits, moderates and removes members (never an owner).
    pub fn facilitates(self) -> bool {
        matches!(self, Role::Owner | Role::Facilitator)
    }

    /// Changes the workspace itself and anyone's role.
    pub fn owns(self) -> bool {
        self == Role::Owner
    }
}

/// What a person may do in a workspace, from their membership and its visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Access {
    /// Nothing: the workspace is not even shown to them.
    None,
    /// Reads what it holds.
    Read,
    /// A member by this role.
    Role(Role),
}

/// `role`: their membership, if any; `signed_in`: whether they have an account at all.
pub fn access(visibility: Visibility, role: Option<Role>, signed_in: bool) -> Access {
    match (role, visibility) {
        (Some(role), _) => Access::Role(role),
        (None, Visibility::Public) => Access::Read,
        (None, Visibility::Partnership) if signed_in => Access::Read,
        (None, _) => Access::None,
    }
}

/// Whether `actor` may give `target` (a member now holding `current`) the role `new`, or
/// remove them (`new` = `None`). Owners change anyone; facilitators admit and remove members
/// and observers, and never make or touch an owner or another facilitator. Whether the
/// workspace keeps an owner is [`keeps_an_owner`]'s rule.
pub fn may_change_role(actor: Role, current: Role, new: Option<Role>) -> bool {
    match actor {
        Role::Owner => true,
        Role::Facilitator => !current.facilitates() && new.is_none_or(|r| !r.facilitates()),
        Role::Member | Role::Observer => false,
    }
}

/// Whether a change of `current` to `new` (`None`: leaving) keeps at least one owner, where
/// `owners` counts the owners before the change (read in the transaction that writes it).
pub fn keeps_an_owner(owners: i64, current: Role, new: Option<Role>) -> Result<(), Problem> {
    let loses_one = current == Role::Owner && new != Some(Role::Owner);
    if loses_one && owners <= 1 {
        Err(Problem::LastOwner)
    } else {
        Ok(())
    }
}

/// An invitation link's state at `now`, checked before it lets anyone in.
pub fn link_open(
    expires_at: i64,
    uses: i64,
    max_uses: i64,
    revoked: bool,
    now: i64,
) -> Result<(), Problem> {
    if revoked {
        Err(Problem::LinkRevoked)
    } else if now >= expires_at {
        Err(Problem::LinkExpired)
    } else if uses >= max_uses {
        Err(Problem::LinkUsedUp)
    } else {
        Ok(())
    }
}

/// A link's lifetime as the form sends it: whole days, 1 to [`LINK_DAYS_MAX`], in ms.
pub fn link_days(raw: &str) -> Result<i64, Problem> {
    whole_number(raw, LINK_DAYS_MAX).map(|days| days * DAY_MS)
}

/// How many people a link lets in, 1 to [`LINK_USES_MAX`].
pub fn link_uses(raw: &str) -> Result<i64, Problem> {
    whole_number(raw, LINK_USES_MAX)
}

fn whole_number(raw: &str, max: i64) -> Result<i64, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    match raw.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(Problem::OutOfRange),
    }
}

/// A workspace as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
    /// Its thematic areas' ids, in the registry's order.
    pub themes: Vec<String>,
    pub members: i64,
    /// The viewer's role, where they are a member.
    pub my_role: Option<Role>,
    /// The viewer asked to join and waits for an answer.
    pub requested: bool,
}

/// A member as the workspace's page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLine {
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: i64,
}

/// An invitation link as its workspace's facilitators see it (its token only once, when made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkLine {
    pub link_id: String,
    pub role: Role,
    pub expires_at: i64,
    pub uses: i64,
    pub max_uses: i64,
    pub revoked: bool,
    pub expired: bool,
}

/// Someone waiting to come in: invited by account (waiting for them), or asking to join
/// (waiting for a facilitator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub user_id: String,
    pub display_name: String,
    /// The role they were invited to; `None`: they asked to join.
    pub invited_as: Option<Role>,
    pub since: i64,
}

/// One workspace as its page shows it to one viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub summary: WorkspaceSummary,
    /// Whether the viewer is signed in (a visitor of a public workspace is not).
    pub signed_in: bool,
    /// The members, owners first; shown to the signed-in people who may read the workspace
    /// (a visitor sees only their number, in the summary).
    pub members: Vec<MemberLine>,
    /// For its facilitators: its links, and who waits to come in.
    pub links: Vec<LinkLine>,
    pub waiting: Vec<Waiting>,
    /// The platform's public address, which invitation links start with.
    pub origin: String,
}

/// An invitation of the viewer's own, by account, waiting for their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub workspace_id: String,
    pub name: String,
    pub role: Role,
}

/// The directory: the workspaces the viewer may see, and their own invitations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub workspaces: Vec<WorkspaceSummary>,
    pub invitations: Vec<Invitation>,
    pub signed_in: bool,
}

/// What an invitation link's page shows before the visitor accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPreview {
    pub workspace_id: String,
    pub name: String,
    pub role: Role,
    /// Already a member: accepting would change nothing.
    pub member: bool,
}

/// What a person keeps in workspaces, for their personal data download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyWorkspaceData {
    /// (workspace, role, joined at).
    pub memberships: Vec<(String, Role, i64)>,
    /// (workspace, thread, the Markdown written, written at), oldest first.
    pub posts: Vec<(String, String, String, i64)>,
    /// (workspace, file name, size in bytes, shared at), oldest first.
    pub documents: Vec<(String, String, i64, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_workspace_is_nothing_to_a_non_member_and_a_public_one_is_read_by_anyone() {
        use Visibility::*;
        assert_eq!(access(Private, None, true), Access::None);
        assert_eq!(access(Partnership, None, true), Access::Read);
        assert_eq!(access(Partnership, None, false), Access::None);
        assert_eq!(access(Public, None, false), Access::Read);
        assert_eq!(
            access(Private, Some(Role::Observer), true),
            Access::Role(Role::Observer)
        );
    }

    #[test]
    fn observers_only_read_and_only_owners_and_facilitators_facilitate() {
        assert!(!Role::Observer.writes() && Role::Member.writes());
        assert!(Role::Facilitator.facilitates() && !Role::Member.facilitates());
        assert!(Role::Owner.owns() && !Role::Facilitator.owns());
    }

    #[test]
    fn a_facilitator_changes_members_and_observers_but_never_an_owner_or_facilitator() {
        use Role::*;
        assert!(may_change_role(Facilitator, Member, Some(Observer)));
        assert!(may_change_role(Facilitator, Observer, None));
        assert!(!may_change_role(Facilitator, Member, Some(Facilitator)));
        assert!(!may_change_role(Facilitator, Owner, None));
        assert!(!may_change_role(Facilitator, Facilitator, Some(Member)));
        assert!(may_change_role(Owner, Facilitator, Some(Owner)));
        assert!(!may_change_role(Member, Observer, None));
    }

    #[test]
    fn the_last_owner_cannot_leave_or_step_down_but_one_of_two_can() {
        use Role::*;
        assert_eq!(keeps_an_owner(1, Owner, None), Err(Problem::LastOwner));
        assert_eq!(
            keeps_an_owner(1, Owner, Some(Facilitator)),
            Err(Problem::LastOwner)
        );
        assert_eq!(keeps_an_owner(2, Owner, None), Ok(()));
        assert_eq!(keeps_an_owner(1, Owner, Some(Owner)), Ok(()));
        assert_eq!(keeps_an_owner(1, Member, None), Ok(()));
    }

    #[test]
    fn a_link_lets_nobody_in_once_revoked_expired_or_used_up() {
        assert_eq!(link_open(100, 0, 1, false, 99), Ok(()));
        assert_eq!(link_open(100, 0, 1, true, 99), Err(Problem::LinkRevoked));
        assert_eq!(link_open(100, 0, 1, false, 100), Err(Problem::LinkExpired));
        assert_eq!(link_open(100, 1, 1, false, 99), Err(Problem::LinkUsedUp));
    }

    #[test]
    fn a_links_days_and_uses_are_whole_numbers_within_their_bounds() {
        assert_eq!(link_days("7"), Ok(7 * DAY_MS));
        assert_eq!(link_days("0"), Err(Problem::OutOfRange));
        assert_eq!(link_days("91"), Err(Problem::OutOfRange));
        assert_eq!(link_days(" "), Err(Problem::Required));
        assert_eq!(link_uses("2.5"), Err(Problem::OutOfRange));
        assert_eq!(link_uses("500"), Ok(500));
    }

    #[test]
    fn roles_and_visibilities_read_back_what_they_write() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Ok(v));
        }
        assert_eq!(Role::parse("admin"), Err(Problem::UnknownChoice));
    }
}
