-- Running a workshop: every command of the facilitator and every answer is an event numbered
-- in the workshop's sequence (`last_seq`). The workshop row also keeps what the events decided
-- about the screens (what is shown, whether it takes answers, which results were revealed), so
-- that an answer is checked against it in the statement that numbers it and a participant's
-- screen is read without folding every event.
alter table workshop add column last_seq bigint not null default 0;
alter table workshop add column current_activity text;
alter table workshop add column answers_open bigint not null default 0;
alter table workshop_activity add column revealed bigint not null default 0;

create table workshop_event (
    workshop_id text not null references workshop (workshop_id),
    seq bigint not null,
    -- The sender's id for the command: a retry with the same id is counted once.
    command_id text not null,
    participant_id text,
    activity_id text,
    body text not null,
    at bigint not null,
    primary key (workshop_id, seq),
    unique (workshop_id, command_id)
);
create index workshop_event_answer on workshop_event (workshop_id, activity_id, participant_id);
