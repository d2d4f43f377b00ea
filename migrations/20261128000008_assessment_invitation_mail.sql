-- Invitations by e-mail. `invited_at`: when a respondent's invitation e-mail left (nobody is
-- reminded within an hour of it). A personal link may carry the address and language the
-- facilitator gave, so that its respondent, who has no account, can be invited and reminded.
alter table assessment_response add column invited_at bigint;
alter table assessment_response add column email text;
alter table assessment_response add column locale text;
