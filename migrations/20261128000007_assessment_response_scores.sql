-- Each submitted response's score in each dimension of its template version, written with the
-- submit: a comparison averages these few rows a round instead of reading and merging every
-- answer of up to a hundred rounds. Rows of a response that was reopened stay until it is
-- submitted again (which replaces them); readers count only submitted, not withdrawn responses.
create table assessment_response_score (
    response_id text not null references assessment_response (response_id),
    dimension_id text not null,
    present double precision,
    target double precision,
    primary key (response_id, dimension_id)
);
