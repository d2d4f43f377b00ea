-- Who reopened a submitted response, and when: a facilitator can let a respondent change their
-- answers after submitting, and the round's page says so.
alter table assessment_response add column reopened_at bigint;
alter table assessment_response add column reopened_by text;
