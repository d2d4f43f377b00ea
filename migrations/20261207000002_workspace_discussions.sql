-- Discussions: a workspace's threads and their posts. A post keeps its Markdown and the
-- sanitised HTML made of it when it was written, so that reading a thread renders nothing.
-- An author's account may go: their posts stay, by a former member (`author_id` null).
create table workspace_thread (
    thread_id text primary key,
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    title text not null,
    author_id text references app_user (user_id) on delete set null,
    pinned bigint not null default 0,
    posts bigint not null default 0,
    created_at bigint not null,
    last_post_at bigint not null
);
create index workspace_thread_recent on workspace_thread (workspace_id, pinned, last_post_at, thread_id);

create table workspace_post (
    post_id text primary key,
    thread_id text not null references workspace_thread (thread_id) on delete cascade,
    author_id text references app_user (user_id) on delete set null,
    body text not null,
    html text not null,
    created_at bigint not null,
    edited_at bigint,
    deleted_at bigint
);
create index workspace_post_thread on workspace_post (thread_id, created_at, post_id);
create index workspace_post_author on workspace_post (author_id);

create table workspace_mention (
    post_id text not null references workspace_post (post_id) on delete cascade,
    user_id text not null references app_user (user_id) on delete cascade,
    primary key (post_id, user_id)
);
create index workspace_mention_user on workspace_mention (user_id);
