-- Assessment rounds: a region answers one template version. Each respondent has one response
-- row, however they came in (invited by account, a personal link, or the round's shared link);
-- a personal link's code and the shared link's code are kept as written, because the
-- facilitator copies them again to remind people.
create table assessment_round (
    round_id text primary key,
    version_id text not null references assessment_template_version (version_id),
    region_id text not null,
    name text not null,
    facilitator_id text not null,
    closes_at bigint,
    closed_at bigint,
    link_code text unique,
    created_at bigint not null
);
create index assessment_round_facilitator on assessment_round (facilitator_id);

create table assessment_response (
    response_id text primary key,
    round_id text not null references assessment_round (round_id),
    entry text not null,
    label text not null,
    user_id text,
    code text unique,
    revoked_at bigint,
    submitted_at bigint,
    started_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index assessment_response_round on assessment_response (round_id);
create unique index assessment_response_user on assessment_response (round_id, user_id);

create table assessment_answer (
    response_id text not null references assessment_response (response_id),
    item_id text not null,
    answer text not null,
    updated_at bigint not null,
    primary key (response_id, item_id)
);
