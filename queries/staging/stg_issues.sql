-- Every tracker's staged issue rows in one relation, rejected rows and pull requests included.
-- Grain: one row per exported issue row. Materialised once per load.
-- version_rank: as in stg_tickets, per (source, issue_key), pull requests ranked apart.
with

unioned as (
    select * from stg_jira where not is_service_desk
    union all by name select * from stg_github
    union all by name select * from stg_linear
)

select
    *,
    case when reject_reason is null then row_number() over (
        partition by source, issue_key, is_pull_request, reject_reason is null
        order by updated_at desc nulls last, _file desc, _row desc
    ) end as version_rank
from unioned
