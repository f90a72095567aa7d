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
        status in ('solved', 'closed') and solved_at is not null and not is_merged as is_solved,
        case
            when status in ('solved', 'closed') and solved_at is not null and not is_merged
                then epoch(solved_at - created_at) / 3600
        end as resolution_hours,
        coalesce(
            first_response_at,
            created_at + to_microseconds(round(first_response_calendar_minutes * 60e6)::bigint)
        ) as first_reply_at,
        _file,
        _line
    from latest
    where not is_deleted
),

-- Each ticket's schedule and SLA targets.
scheduled as (
    select
        t.*,
        coalesce(l.schedule_id, d.schedule_id) as schedule_id,
        coalesce(fr.target_hours, fr_default.target_hours) as first_response_target_hours,
        coalesce(res.target_hours, res_default.target_hours) as resolution_target_hours
    from tickets as t
    left join cfg_schedule_lines as l on l.product_line = t.product_line
    left join (select schedule_id from cfg_schedules where is_default) as d on true
    left join cfg_sla_targets as fr on fr.kind = 'first_response' and fr.priority = lower(t.priority)
    left join cfg_sla_targets as fr_default on fr_default.kind = 'first_response' and fr_default.priority = 'default'
    left join cfg_sla_targets as res on res.kind = 'resolution' and res.priority = lower(t.priority)
    left join cfg_sla_targets as res_default on res_default.kind = 'resolution' and res_default.priority = 'default'
),

-- The instants whose place in the schedule is needed, one row each (narrow, for the ASOF join).
instants as (
    select source, ticket_id, schedule_id, 'created' as kind, created_at as at
    from scheduled where schedule_id is not null
    union all
    select source, ticket_id, schedule_id, 'replied', first_reply_at
    from scheduled where schedule_id is not null and first_reply_at is not null
    union all
    select source, ticket_id, schedule_id, 'solved', solved_at
    from scheduled where schedule_id is not null and is_solved
),

-- Open time of the schedule before each instant: the open time before the last interval that
-- opened at or before it, plus the part of that interval up to the instant.
open_before as (
    select
        i.source,
        i.ticket_id,
        i.kind,
        coalesce(iv.open_before_us + least(epoch_us(i.at) - epoch_us(iv.open_at), iv.open_us), 0) as open_us
    from instants as i
    asof left join fct_open_intervals as iv on iv.schedule_id = i.schedule_id and i.at >= iv.open_at
),

positions as (
    select
        source,
        ticket_id,
        max(open_us) filter (where kind = 'created') as created_open_us,
        max(open_us) filter (where kind = 'replied') as replied_open_us,
        max(open_us) filter (where kind = 'solved') as solved_open_us
    from open_before
    group by all
),

-- Business-basis deadlines: the open time at creation plus the target, found in the schedule
-- (the first interval whose cumulative open time reaches it).
due_open as (
    select s.source, s.ticket_id, s.schedule_id, 'first_response' as kind,
        p.created_open_us + round(s.first_response_target_hours * 3600e6)::bigint as due_open_us
    from scheduled as s inner join positions as p using (source, ticket_id)
    where s.first_response_target_hours is not null
    union all
    select s.source, s.ticket_id, s.schedule_id, 'resolution',
        p.created_open_us + round(s.resolution_target_hours * 3600e6)::bigint
    from scheduled as s inner join positions as p using (source, ticket_id)
    where s.resolution_target_hours is not null
),

business_due as (
    select
        d.source,
        d.ticket_id,
        max(iv.open_at + to_microseconds(d.due_open_us - iv.open_before_us)) filter (where d.kind = 'first_response')
            as first_response_due_at,
        max(iv.open_at + to_microseconds(d.due_open_us - iv.open_before_us)) filter (where d.kind = 'resolution')
            as resolution_due_at
    from due_open as d
    asof left join fct_open_intervals as iv
        on iv.schedule_id = d.schedule_id and d.due_open_us <= iv.open_through_us
    where (select basis from cfg_sla) = 'business'
    group by all
),

final as (
    select
        s.* exclude (schedule_id, first_response_target_hours, resolution_target_hours),
        s.schedule_id,
        (p.replied_open_us - p.created_open_us) / 3600e6 as first_response_schedule_hours,
        case when s.is_solved then (p.solved_open_us - p.created_open_us) / 3600e6 end as resolution_schedule_hours,
        coalesce(
            (p.replied_open_us - p.created_open_us) / 3600e6,
            s.first_response_business_minutes / 60
        ) as first_response_business_hours,
        case when s.is_solved then coalesce(
            (p.solved_open_us - p.created_open_us) / 3600e6,
            s.full_resolution_business_minutes / 60
        ) end as resolution_business_hours,
        s.first_response_target_hours,
        s.resolution_target_hours,
        case (select basis from cfg_sla)
            when 'business' then b.first_response_due_at
            when 'calendar' then s.created_at + to_microseconds(round(s.first_response_target_hours * 3600e6)::bigint)
        end as first_response_due_at,
        case (select basis from cfg_sla)
            when 'business' then b.resolution_due_at
            when 'calendar' then s.created_at + to_microseconds(round(s.resolution_target_hours * 3600e6)::bigint)
        end as resolution_due_at
    from scheduled as s
    left join positions as p using (source, ticket_id)
    left join business_due as b using (source, ticket_id)
)

-- In creation order: a period filter then reads only the row groups of its dates.
select * from final
order by created_at
