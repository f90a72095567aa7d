-- Every help desk's staged ticket rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported ticket row. Materialised once per load: the data report and
-- fct_tickets both read it.
-- version_rank: 1 for the version of a (source, ticket_id) that counts, 2.. for the versions it
-- supersedes (overlapping incremental pages, the same month exported twice): newest
-- updated_at, then the later file path, then the later row. Null for rejected rows.
with

unioned as (
    select * from stg_zendesk_json
    union all by name select * from stg_zendesk_csv
    union all by name select * from stg_freshdesk_csv
    union all by name select * from stg_jira_tickets
    union all by name select * from stg_custom
)

select
    *,
    case when reject_reason is null then row_number() over (
        partition by source, ticket_id, reject_reason is null
        order by updated_at desc nulls last, _file desc, _row desc
    ) end as version_rank
from unioned
