-- A workshop saved as a template keeps an agenda to start workshops from: it is never run, and
-- its code opens no room.
alter table workshop add column template bigint not null default 0;
