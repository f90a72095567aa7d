-- Every tracker's staged issue rows in one relation, rejected rows and pull requests included.
-- Grain: one row per exported issue row. Materialised once per load.
-- version_rank: as in stg_tickets, per (source, issue_key), pull requests ranked apart.
with

-- stg_union_issues: every tracker format's staging view, `union all by name` (build.py, from
-- the format registry); Jira's service-desk rows are tickets (stg_jira_tickets). Read three
-- times, not materialised (as in stg_tickets).
unioned as not materialized (
    select * from stg_union_issues
    where not coalesce(is_service_desk, false)
),

-- The keys that occur more than once, rejected rows counted too, by their hash (as in stg_tickets).
repeated as (
    select hash(source, issue_key, is_pull_request) as key_hash
    from unioned
    group by all
    having count(*) > 1
)

-- Ranking needs a sort; only keys that occur more than once are ranked (the rest are 1).
select u.*, case when u.reject_reason is null then 1::bigint end as version_rank
from unioned as u
anti join repeated as r
    on r.key_hash = hash(u.source, u.issue_key, u.is_pull_request)
union all by name
select
    u.*,
    case when u.reject_reason is null then row_number() over (
        partition by u.source, u.issue_key, u.is_pull_request, u.reject_reason is null
        order by u.updated_at desc nulls last, u._file desc, u._row desc
    ) end as version_rank
from unioned as u
semi join repeated as r
    on r.key_hash = hash(u.source, u.issue_key, u.is_pull_request)
