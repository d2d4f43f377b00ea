-- Live workshops: a facilitator's workshop with its agenda of activities, and the people who
-- joined it by its six-letter code. A participant has no account: the hash of the token in
-- their browser's cookie names them, so a reload keeps who they are.
create table workshop (
    workshop_id text primary key,
    owner_id text not null,
    title text not null,
    language text not null,
    code text not null unique,
    joining_locked bigint not null default 0,
    anonymous_allowed bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null
);
create index workshop_owner on workshop (owner_id);

create table workshop_activity (
    activity_id text primary key,
    workshop_id text not null references workshop (workshop_id),
    position bigint not null,
    kind text not null,
    prompt text not null,
    settings text not null
);
create index workshop_activity_workshop on workshop_activity (workshop_id, position);

create table workshop_participant (
    participant_id text primary key,
    workshop_id text not null references workshop (workshop_id),
    token_hash text not null unique,
    nickname text,
    joined_at bigint not null,
    removed_at bigint
);
create index workshop_participant_workshop on workshop_participant (workshop_id);
