-- Organisation names are unique per country by a key computed in Rust (`text::key`: Unicode
-- normalised, case-folded), because lower() folds only ASCII on SQLite and every letter on
-- PostgreSQL. Rows from before this column get their key when the server starts.
alter table organisation add column name_key text;
drop index organisation_name_country;
create unique index organisation_name_key on organisation (country_code, name_key);

-- The row that account changes lock first, so that the last-administrator rule and the
-- first-run set-up hold under concurrency on both engines (see identity/store.rs).
insert into setting (setting_key, value, created_at) values ('account_guard', '', 1795000000000);
