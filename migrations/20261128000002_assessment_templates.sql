-- Questionnaire templates. A template is named by its key across versions; each version keeps
-- the whole definition as JSON (format 1, see assessment/model.rs) and never changes once
-- written: a changed template is a new version, so answers always keep the version they were
-- given on.
create table assessment_template (
    template_id text primary key,
    template_key text not null unique,
    created_at bigint not null
);

create table assessment_template_version (
    version_id text primary key,
    template_id text not null references assessment_template (template_id),
    version bigint not null,
    definition text not null,
    created_by text,
    created_at bigint not null,
    unique (template_id, version)
);
