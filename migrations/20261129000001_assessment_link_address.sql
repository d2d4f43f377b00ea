-- A personal link's address belongs to one respondent of a round at a time: a second link to
-- the same address would send the same person two invitations and two sets of reminders for
-- two responses. A withdrawn link gives its address up, so that a mistyped or leaked link can be
-- replaced. Where a round already has two links with access to one address, the earliest keeps
-- it; the later ones keep their link, without the address.
update assessment_response set email = null
 where email is not null and revoked_at is null and exists (
   select 1 from assessment_response o
    where o.round_id = assessment_response.round_id and o.email = assessment_response.email
      and o.revoked_at is null
      and (o.created_at < assessment_response.created_at
           or (o.created_at = assessment_response.created_at
               and o.response_id < assessment_response.response_id)));
create unique index assessment_response_link_address on assessment_response (round_id, email)
 where email is not null and revoked_at is null;
