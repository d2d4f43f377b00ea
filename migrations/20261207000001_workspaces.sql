-- Workspaces: the working groups of the partnership, each with its thematic areas, its
-- members by role, and the ways in: invitation links (only the hash of a link's token is
-- kept), invitations of an account, and requests to join a partnership-wide workspace.
create table workspace (
    workspace_id text primary key,
    name text not null,
    name_key text not null unique,
    description text not null,
    visibility text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table workspace_theme (
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    thematic_area_id text not null references thematic_area (thematic_area_id),
    primary key (workspace_id, thematic_area_id)
);
create index workspace_theme_area on workspace_theme (thematic_area_id);

create table workspace_member (
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    user_id text not null references app_user (user_id) on delete cascade,
    role text not null,
    joined_at bigint not null,
    primary key (workspace_id, user_id)
);
create index workspace_member_user on workspace_member (user_id);

create table workspace_link (
    link_id text primary key,
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    token_hash text not null unique,
    role text not null,
    expires_at bigint not null,
    max_uses bigint not null,
    uses bigint not null default 0,
    revoked_at bigint,
    created_by text references app_user (user_id) on delete set null,
    created_at bigint not null
);
create index workspace_link_workspace on workspace_link (workspace_id);

create table workspace_invitee (
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    user_id text not null references app_user (user_id) on delete cascade,
    role text not null,
    invited_by text references app_user (user_id) on delete set null,
    created_at bigint not null,
    primary key (workspace_id, user_id)
);
create index workspace_invitee_user on workspace_invitee (user_id);

create table workspace_request (
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    user_id text not null references app_user (user_id) on delete cascade,
    created_at bigint not null,
    primary key (workspace_id, user_id)
);
