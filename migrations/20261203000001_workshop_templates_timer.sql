-- A workshop saved as a template keeps an agenda to start workshops from: it is never run, and
-- its code opens no room.
alter table workshop add column template bigint not null default 0;
-- When the facilitator's timer for the shown activity ends (milliseconds since the epoch), as
-- the events left it, so that a participant's screen shows it without folding.
alter table workshop add column timer_ends bigint;
