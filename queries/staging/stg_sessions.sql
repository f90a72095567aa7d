-- Self-service sessions (one row per session, or daily counts) -> canonical session rows (a view).
-- Grain: one row per exported row; counts are 1/0 for a single session.
-- Naive timestamps and dates are read in [sources.self_service] timezone.
-- outcome: resolved (answered without a ticket), escalated (became a ticket), abandoned.
with

cfg as (
    select * from cfg_sources where source = 'self_service'
),

sessions as (
    select
        'session' as row_kind,
        raw.session_id,
        ph_instant(raw.started_at, cfg.timezone, ph_iso_local(raw.started_at)) as started_at,
        raw.started_at as started_raw,
        raw.product_line,
        raw.channel,
        1 as count_sessions,
        (lower(raw.outcome) = 'resolved')::integer as count_resolved,
        (lower(raw.outcome) = 'escalated')::integer as count_escalated,
        raw._file,
        raw._row,
        raw._line,
        coalesce(
            case when raw.started_at is null then 'no started_at' end,
            case when lower(coalesce(raw.outcome, '')) not in ('resolved', 'escalated', 'abandoned')
                then 'outcome ''' || left(coalesce(raw.outcome, ''), 40) || ''' is not resolved, escalated or abandoned'
            end
        ) as reject_reason
    from raw_sessions_csv as raw
    cross join cfg
),

daily as (
    select
        'daily' as row_kind,
        null::varchar as session_id,
        ph_instant(raw.date, cfg.timezone, ph_iso_local(raw.date)) as started_at,
        raw.date as started_raw,
        raw.product_line,
        raw.channel,
        ph_count(raw.sessions) as count_sessions,
        ph_count(raw.resolved) as count_resolved,
        ph_count(raw.escalated) as count_escalated,
        raw._file,
        raw._row,
        raw._line,
        case
            when raw.date is null then 'no date'
            when ph_count(raw.sessions) is null
                then 'sessions ''' || left(coalesce(raw.sessions, ''), 40) || ''' is not a count'
            when ph_count(raw.resolved) is null
                then 'resolved ''' || left(coalesce(raw.resolved, ''), 40) || ''' is not a count'
            when raw.escalated is not null and ph_count(raw.escalated) is null
                then 'escalated ''' || left(raw.escalated, 40) || ''' is not a count'
            when ph_count(raw.resolved) + coalesce(ph_count(raw.escalated), 0) > ph_count(raw.sessions)
                then 'resolved + escalated is more than sessions'
        end as reject_reason
    from raw_sessions_daily_csv as raw
    cross join cfg
),

final as (
    select
        'self_service' as source,
        row_kind,
        session_id,
        started_at,
        coalesce(nullif(trim(product_line), ''), 'Unassigned') as product_line,
        channel,
        count_sessions,
        count_resolved,
        count_escalated,
        _file,
        _row,
        _line,
        coalesce(
            reject_reason,
            ph_bad_instant(case row_kind when 'daily' then 'date' else 'started_at' end, started_raw, started_at)
        ) as reject_reason
    from (select * from sessions union all select * from daily)
)

select * from final
