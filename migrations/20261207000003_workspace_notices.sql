-- In-app notifications: a mention, a reply to one's thread, an invitation. Written in the
-- transaction of what they tell about; whoever acted is named through their account, so a
-- deleted account is a former member here too. A person turns kinds off in their settings
-- (no row: on).
create table notice (
    notice_id text primary key,
    user_id text not null references app_user (user_id) on delete cascade,
    kind text not null,
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    thread_id text references workspace_thread (thread_id) on delete cascade,
    post_id text references workspace_post (post_id) on delete cascade,
    actor_id text references app_user (user_id) on delete set null,
    created_at bigint not null,
    read_at bigint
);
create index notice_user on notice (user_id, created_at);
create index notice_unread on notice (user_id, read_at);

create table notice_setting (
    user_id text not null references app_user (user_id) on delete cascade,
    kind text not null,
    in_app bigint not null,
    primary key (user_id, kind)
);
