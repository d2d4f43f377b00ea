-- Notifications by e-mail, for the people who ask (no row: never): each as it comes or a
-- daily digest, of what came since they asked (`since`). A notification is claimed for a
-- message (`mailed_at`) before it goes, and given back if the SMTP server refuses it.
create table notice_mail (
    user_id text primary key references app_user (user_id) on delete cascade,
    cadence text not null,
    since bigint not null,
    last_sent_at bigint
);

alter table notice add column mailed_at bigint;
