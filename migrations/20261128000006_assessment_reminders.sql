-- When a respondent invited by account was last reminded by e-mail, and how many times: the
-- facilitator's page shows it, and nobody is reminded twice within an hour.
alter table assessment_response add column reminded_at bigint;
alter table assessment_response add column reminders bigint not null default 0;
