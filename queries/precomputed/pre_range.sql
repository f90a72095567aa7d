-- The months the precomputed trends cover: from the first to the last month with any data,
-- in the reporting zone (dashboard/precomputed.py writes pre_<trend> for these months).
-- Grain: one row. Params: $tz.
select
    $tz as timezone,
    min(m)::date as first_month,
    max(m)::date as last_month
from (
    select date_trunc('month', timezone($tz, min(least(created_at, coalesce(solved_at, created_at))))) as m
    from fct_tickets
    union all
    select date_trunc('month', timezone($tz, max(greatest(created_at, coalesce(solved_at, created_at)))))
    from fct_tickets
    union all select date_trunc('month', timezone($tz, min(started_at))) from fct_self_service
    union all select date_trunc('month', timezone($tz, max(started_at))) from fct_self_service
    union all select date_trunc('month', timezone($tz, min(created_at))) from fct_issues
    union all
    select date_trunc('month', timezone($tz, max(greatest(created_at, coalesce(resolved_at, created_at)))))
    from fct_issues
)
having min(m) is not null
