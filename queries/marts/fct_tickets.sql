-- One row per ticket, all help desks together; what every ticket metric reads.
-- Grain: one row per (source, ticket_id), deleted tickets and rejected rows left out.
-- Duplicates keep the version stg_tickets ranks first (version_rank, defined there).
-- Durations are computed once here:
--   first_response_hours: vendor calendar value if exported, else first reply - created
--     from timestamps, else the vendor business-hours value (basis says which);
--   resolution_hours: solved_at - created_at, calendar hours, for solved/closed tickets.
--   first_reply_at: the first reply instant: the export's timestamp, else created_at plus the
--     vendor's calendar minutes (null when the export gives only business minutes).
--   first_response_business_hours / resolution_business_hours: the open time of the ticket's
--     schedule (its product line's, else the default one; fct_open_intervals) in [created_at,
--     first_reply_at) and [created_at, solved_at); where that cannot be computed (no schedule,
--     or no reply instant) the export's own business-hours value, else null.
--     first_response_schedule_hours / resolution_schedule_hours: the schedule's value only
--     (what `check` compares with the export's, rpt_business_agreement).
--   first_response_due_at / resolution_due_at: the SLA deadlines ([sla], cfg_sla): the instant
--     the ticket's elapsed time (business: open time of its schedule; calendar: wall-clock)
--     reaches its priority's target (lower-cased priority, else 'default'); null without one.
with

latest as (
    select * from stg_tickets
    where version_rank = 1
),

tickets as (
    select
        source,
        ticket_id,
        ph_product_line(product_line_candidates, product_line_keys, product_line_values) as product_line,
        created_at,
        updated_at,
        first_response_at,
        solved_at,
        status,
        coalesce(priority, '(none)') as priority,
        coalesce(channel, '(none)') as channel,
        requester_id,
        coalesce(reopens, 0) as reopens,
        coalesce(reopens, 0) > 0 as is_reopened,
        is_merged,
        csat_rating,
        is_csat_satisfied,
        subject,
        first_response_calendar_minutes,
        first_response_business_minutes,
        full_resolution_calendar_minutes,
        full_resolution_business_minutes,
        case
            when first_response_calendar_minutes is not null then first_response_calendar_minutes / 60
            when first_response_at is not null then epoch(first_response_at - created_at) / 3600
            when first_response_business_minutes is not null then first_response_business_minutes / 60
        end as first_response_hours,
        case
            when first_response_calendar_minutes is not null or first_response_at is not null then 'calendar'
            when first_response_business_minutes is not null then 'business'
        end as first_response_basis,
        has_response_data,
        ph_is_solved(status, solved_at, is_merged) as is_solved,
        case
            when ph_is_solved(status, solved_at, is_merged) then epoch(solved_at - created_at) / 3600
        end as resolution_hours,
        ph_first_reply_at(first_response_at, created_at, first_response_calendar_minutes) as first_reply_at,
        _file,
        _line
    from latest
    where not is_deleted
),

-- Each ticket's schedule and SLA targets, narrow (only what business time needs), once.
scheduled as (
    select
        t.source,
        t.ticket_id,
        t.created_at,
        t.first_reply_at,
        case when t.is_solved then t.solved_at end as solved_at,
        coalesce(l.schedule_id, d.schedule_id) as schedule_id,
        coalesce(fr.target_hours, fr_default.target_hours) as first_response_target_hours,
        coalesce(res.target_hours, res_default.target_hours) as resolution_target_hours
    from (
        -- straight from stg_tickets, not from `tickets`: a second reader of that CTE would
        -- make DuckDB materialise every column of it (about 1.5 s at a million tickets)
        select
            source,
            ticket_id,
            ph_product_line(product_line_candidates, product_line_keys, product_line_values) as product_line,
            coalesce(priority, '(none)') as priority,
            created_at,
            ph_first_reply_at(first_response_at, created_at, first_response_calendar_minutes) as first_reply_at,
            ph_is_solved(status, solved_at, is_merged) as is_solved,
            solved_at
        from stg_tickets
        where version_rank = 1 and not is_deleted
    ) as t
    left join cfg_schedule_lines as l on l.product_line = t.product_line
    left join (select schedule_id from cfg_schedules where is_default) as d on true
    left join cfg_sla_targets as fr on fr.kind = 'first_response' and fr.priority = lower(t.priority)
    left join cfg_sla_targets as fr_default on fr_default.kind = 'first_response' and fr_default.priority = 'default'
    left join cfg_sla_targets as res on res.kind = 'resolution' and res.priority = lower(t.priority)
    left join cfg_sla_targets as res_default on res_default.kind = 'resolution' and res_default.priority = 'default'
),

-- Open time of the schedule before an instant: the open time before the last interval that
-- opened at or before it, plus the part of that interval up to the instant (ASOF joins, one
-- per instant, on the narrow rows).
at_created as (
    select
        s.*,
        case when s.schedule_id is not null then
            coalesce(iv.open_before_us + least(epoch_us(s.created_at) - epoch_us(iv.open_at), iv.open_us), 0)
        end as created_open_us
    from scheduled as s
    asof left join fct_open_intervals as iv on iv.schedule_id = s.schedule_id and s.created_at >= iv.open_at
),

at_replied as (
    select
        s.*,
        case when s.schedule_id is not null and s.first_reply_at is not null then
            coalesce(iv.open_before_us + least(epoch_us(s.first_reply_at) - epoch_us(iv.open_at), iv.open_us), 0)
        end as replied_open_us
    from at_created as s
    asof left join fct_open_intervals as iv on iv.schedule_id = s.schedule_id and s.first_reply_at >= iv.open_at
),

positions as (
    select
        s.*,
        case when s.schedule_id is not null and s.solved_at is not null then
            coalesce(iv.open_before_us + least(epoch_us(s.solved_at) - epoch_us(iv.open_at), iv.open_us), 0)
        end as solved_open_us,
        s.created_open_us + round(s.first_response_target_hours * 3600e6)::bigint as first_response_due_open_us,
        s.created_open_us + round(s.resolution_target_hours * 3600e6)::bigint as resolution_due_open_us
    from at_replied as s
    asof left join fct_open_intervals as iv on iv.schedule_id = s.schedule_id and s.solved_at >= iv.open_at
),

-- Business-basis deadlines: the first interval whose cumulative open time reaches the open
-- time at creation plus the target, and the instant inside it where it does.
due_first_response as (
    select
        s.*,
        iv.open_at + to_microseconds(s.first_response_due_open_us - iv.open_before_us) as business_first_response_due_at
    from positions as s
    asof left join fct_open_intervals as iv
        on iv.schedule_id = s.schedule_id and s.first_response_due_open_us <= iv.open_through_us
),

due as (
    select
        s.*,
        iv.open_at + to_microseconds(s.resolution_due_open_us - iv.open_before_us) as business_resolution_due_at
    from due_first_response as s
    asof left join fct_open_intervals as iv
        on iv.schedule_id = s.schedule_id and s.resolution_due_open_us <= iv.open_through_us
),

-- One narrow row per ticket: its schedule, business hours and SLA deadlines.
business as (
    select
        p.source,
        p.ticket_id,
        p.schedule_id,
        (p.replied_open_us - p.created_open_us) / 3600e6 as first_response_schedule_hours,
        (p.solved_open_us - p.created_open_us) / 3600e6 as resolution_schedule_hours,
        p.first_response_target_hours,
        p.resolution_target_hours,
        case (select basis from cfg_sla)
            when 'business' then p.business_first_response_due_at
            when 'calendar' then p.created_at + to_microseconds(round(p.first_response_target_hours * 3600e6)::bigint)
        end as first_response_due_at,
        case (select basis from cfg_sla)
            when 'business' then p.business_resolution_due_at
            when 'calendar' then p.created_at + to_microseconds(round(p.resolution_target_hours * 3600e6)::bigint)
        end as resolution_due_at
    from due as p
),

final as (
    select
        t.*,
        b.schedule_id,
        b.first_response_schedule_hours,
        b.resolution_schedule_hours,
        coalesce(b.first_response_schedule_hours, t.first_response_business_minutes / 60)
            as first_response_business_hours,
        case when t.is_solved then coalesce(b.resolution_schedule_hours, t.full_resolution_business_minutes / 60) end
            as resolution_business_hours,
        b.first_response_target_hours,
        b.resolution_target_hours,
        b.first_response_due_at,
        b.resolution_due_at
    from tickets as t
    left join business as b using (source, ticket_id)
)

-- In creation order: a period filter then reads only the row groups of its dates.
select * from final
order by created_at
