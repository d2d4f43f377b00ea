-- E-mail goes only to an address its owner has shown is theirs, by following a link sent to
-- it: the address the last link went to (`pending_email`), the hash of that link's token,
-- when it went and how many links in a row went unanswered, and the address confirmed
-- (compared with the account's at every message, so that an address that changed must be
-- confirmed again). A person who turns e-mail off keeps their row, as cadence 'never', and
-- so their confirmed address.
alter table notice_mail add column pending_email text;
alter table notice_mail add column token_hash text;
alter table notice_mail add column token_sent_at bigint;
alter table notice_mail add column links_unanswered bigint not null default 0;
alter table notice_mail add column confirmed_email text;
create index notice_mail_token on notice_mail (token_hash);
