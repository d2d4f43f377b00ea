-- Peer review: the facilitator of a round asks people from other regions (by their accounts)
-- to review its merged results; each scores the round's dimensions (0–5) with comments, kept
-- as JSON by dimension id.
create table assessment_review (
    review_id text primary key,
    round_id text not null references assessment_round (round_id),
    reviewer_id text not null,
    label text not null,
    scores text not null,
    comment text not null,
    submitted_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create unique index assessment_review_reviewer on assessment_review (round_id, reviewer_id);
create index assessment_review_by on assessment_review (reviewer_id);

-- The region's feedback report on a round: a summary, and a to-do list of actions.
alter table assessment_round add column feedback text not null default '';
create table assessment_action (
    action_id text primary key,
    round_id text not null references assessment_round (round_id),
    action text not null,
    owner text not null,
    due_on text not null,
    status text not null,
    created_at bigint not null
);
create index assessment_action_round on assessment_action (round_id, created_at);
