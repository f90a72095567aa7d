-- The data report's notes: what the model did with a file's rows besides loading or rejecting them.
-- Grain: one row per (_file, note).
select _file, 'deleted tickets left out (deleted in the help desk)' as note, count(*) as count_rows
from stg_tickets where is_deleted and reject_reason is null group by 1
union all
select _file, 'pull requests left out (they are not issues)', count(*)
from stg_issues where is_pull_request and reject_reason is null group by 1
union all
select
    _file,
    'issues in a Done status without a resolution date: resolved at their last status change or update',
    count(*)
from stg_issues where is_resolved_at_inferred and reject_reason is null group by 1
union all
select _file, 'rows superseded by a newer version of the same id (same or another file)', count(*)
from (
    select _file, version_rank from stg_tickets
    union all select _file, version_rank from stg_issues where not is_pull_request
    union all select _file, version_rank from stg_self_service
)
where version_rank > 1 group by 1
union all
select _file, 'ticket-issue links found (' || found_in || ')', count(*)
from fct_link_refs where ticket_id is not null and issue_key is not null group by _file, found_in
union all
select _file, 'links name a ticket that is not in the data (' || found_in || ')', count(*)
from fct_link_refs where ticket_id is null group by _file, found_in
union all
select _file, 'links name an issue that is not in the data (' || found_in || '), e.g. '
       || string_agg(distinct ref_issue, ', ' order by ref_issue)[:60], count(*)
from fct_link_refs where ticket_id is not null and issue_key is null group by _file, found_in
union all
select _file, 'events name a product line the data does not have (yet?): '
       || string_agg(distinct product_line, ', ' order by product_line)[:80], count(*)
from fct_events where reject_reason is null and not is_known_line group by _file
