-- What each member has read of each thread they opened: the time of the newest post they were
-- shown. A thread with a later post is unread for them; a thread they never opened is unread
-- when it has a post from after they joined.
create table workspace_thread_seen (
    user_id text not null references app_user (user_id) on delete cascade,
    thread_id text not null references workspace_thread (thread_id) on delete cascade,
    seen_at bigint not null,
    primary key (user_id, thread_id)
);
-- A thread's deletion finds its rows by it.
create index workspace_thread_seen_thread on workspace_thread_seen (thread_id);
