-- The data report's row figures: what each file gave each entity, loaded and rejected.
-- Grain: one row per (_file, entity) with staged rows. Loaded: not rejected and not left out
-- (deleted tickets, pull requests). rejects: the first 1000 rejected rows, by row number.
with

staged as (
    select _file, 'tickets' as entity, _row, _line, reject_reason, created_at, is_deleted as is_left_out
    from stg_tickets
    union all select _file, 'issues', _row, _line, reject_reason, created_at, is_pull_request from stg_issues
    union all select _file, 'self_service', _row, _line, reject_reason, started_at, false from stg_self_service
    union all select _file, 'links', _row, _line, reject_reason, linked_at, false from stg_union_links
    union all select _file, 'events', _row, _line, reject_reason, start_date::timestamptz, false from fct_events
),

final as (
    select
        _file,
        entity,
        count(*) filter (where reject_reason is null and not is_left_out) as count_loaded,
        min(created_at) filter (where reject_reason is null and not is_left_out) as first_at,
        max(created_at) filter (where reject_reason is null and not is_left_out) as last_at,
        count(*) filter (where reject_reason is not null) as count_rejected,
        coalesce(
            list({'row': _row, 'line': _line, 'reason': reject_reason} order by _row)
                filter (where reject_reason is not null),
            []
        )[:1000] as rejects
    from staged
    group by all
)

select * from final
