-- Self-service sessions by product line; what deflection reads.
-- Grain: one row per session (session_id) or per (day, product line, channel) count row;
-- copies of a row in older files are left out (version_rank, defined in stg_self_service).
select
    source,
    session_id,
    started_at,
    product_line,
    coalesce(channel, '(none)') as channel,
    count_sessions,
    count_resolved,
    count_escalated,
    _file,
    _line
from stg_self_service
where reject_reason is null and version_rank = 1
order by started_at  -- a period filter then reads only the row groups of its dates
