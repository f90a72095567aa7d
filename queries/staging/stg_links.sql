-- Link exports -> one row per (ticket, issue) link: Zendesk's Jira links export (CSV or
-- the API's JSON, where issue_id is the immutable Jira id and issue_key may be stale)
-- and plain `ticket_id,issue_key` CSVs.
-- Grain: one row per exported link row, rejected rows included (with reason).
with

unioned as (
    select * from raw_links_csv
    union all by name select * from raw_links_json
)

select
    'links export' as found_in,
    null::varchar as ticket_source,
    trim(ticket_id) as ticket_id,
    trim(issue_id) as issue_id,
    upper(trim(issue_key)) as issue_key,
    try_cast(created_at as timestamptz) as linked_at,
    _file,
    _row,
    _line,
    coalesce(
        case when nullif(trim(ticket_id), '') is null then 'no ticket_id' end,
        case when nullif(trim(issue_key), '') is null and nullif(trim(issue_id), '') is null
            then 'neither issue_key nor issue_id' end,
        ph_bad_instant('created_at', created_at, try_cast(created_at as timestamptz))
    ) as reject_reason
from unioned
