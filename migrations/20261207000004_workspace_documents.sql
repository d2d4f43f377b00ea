-- Documents shared in a workspace. The file itself is in the object storage under
-- `workspaces/<workspace_id>/<document_id>`; this row is what the workspace lists and what a
-- download is checked against. The uploader's account is named through its id, so a deleted
-- account is a former member here too.
create table workspace_document (
    document_id text primary key,
    workspace_id text not null references workspace (workspace_id) on delete cascade,
    name text not null,
    media_type text not null,
    size_bytes bigint not null,
    uploaded_by text references app_user (user_id) on delete set null,
    created_at bigint not null
);
create index workspace_document_recent on workspace_document (workspace_id, created_at);
create index workspace_document_uploader on workspace_document (uploaded_by);

-- A notification of a new document points at it.
alter table notice add column document_id text references workspace_document (document_id) on delete cascade;
-- A document's deletion finds its notices by it.
create index notice_document on notice (document_id);
