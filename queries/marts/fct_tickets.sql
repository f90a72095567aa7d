-- One row per ticket, all help desks together; what every ticket metric reads.
-- Grain: one row per (source, ticket_id), deleted tickets and rejected rows left out.
-- Duplicates keep the version stg_tickets ranks first (version_rank, defined there).
-- Durations are computed once here:
--   first_response_hours: vendor calendar value if exported, else first reply - created
--     from timestamps, else the vendor business-hours value (basis says which);
--   resolution_hours: solved_at - created_at, calendar hours, for solved/closed tickets.
--   closed_at: when a solved or closed ticket (closed by merge too) stopped being open: its
--     solve, else its last update (an export without solve times), else its creation.
--   first_reply_at: the first reply instant: the export's timestamp, else created_at plus the
--     vendor's calendar minutes (null when the export gives only business minutes).
--   first_response_business_hours / resolution_business_hours: the open time of the ticket's
--     schedule (its product line's, else the default one; fct_open_hours) in [created_at,
--     first_reply_at) and [created_at, solved_at); where that cannot be computed (no schedule,
--     or no reply instant) the export's own business-hours value, else null.
--     first_response_schedule_hours / resolution_schedule_hours: the schedule's value only
--     (what `check` compares with the export's, rpt_business_agreement).
--   first_response_due_at / resolution_due_at: the SLA deadlines ([sla], cfg_sla): the instant
--     the ticket's elapsed time (business: open time of its schedule; calendar: wall-clock)
--     reaches its priority's target (lower-cased priority, else 'default'); null without one.
--   url: the ticket's page in its help desk (ph_ticket_url): the [sources.<name>] ticket_url
--     template filled with the ticket id, else the export's own address (Zendesk JSON: the API
--     url, made the agent's page), else null; only http(s) addresses. The template wins: it is
--     the user's word, the one way to correct a derived address (a host-mapped or renamed
--     account), and it links a source's CSV and JSON tickets alike.
with

latest as (
    select * from stg_tickets
    where version_rank = 1
),

tickets as (
    select
        source,
        ticket_id,
        product_line,  -- mapped by each staging view (ph_product_line)
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
            when first_response_at is not null then ph_hours(created_at, first_response_at)
            when first_response_business_minutes is not null then first_response_business_minutes / 60
        end as first_response_hours,
        case
            when first_response_calendar_minutes is not null or first_response_at is not null then 'calendar'
            when first_response_business_minutes is not null then 'business'
        end as first_response_basis,
        has_response_data,
        ph_is_solved(status, solved_at, is_merged) as is_solved,
        case
            when ph_is_solved(status, solved_at, is_merged) then ph_hours(created_at, solved_at)
        end as resolution_hours,
        ph_first_reply_at(first_response_at, created_at, first_response_calendar_minutes) as first_reply_at,
        case when status in ('solved', 'closed') then coalesce(solved_at, updated_at, created_at) end as closed_at,
        ph_ticket_url(source, ticket_id, ticket_url_template, export_url) as url,
        _file,
        _line
    from latest
    where not is_deleted
),

-- Each ticket's schedule (its product line's, else the default) and SLA targets.
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

-- Open time of the schedule before creation, first reply and solve (fct_open_hours: the open
-- time before the instant's UTC hour plus the open parts of that hour before the instant).
positions as (
    select
        s.*,
        c.open_before_us + ph_open_in_hour(c.spans, epoch_us(s.created_at)) as created_open_us,
        r.open_before_us + ph_open_in_hour(r.spans, epoch_us(s.first_reply_at)) as replied_open_us,
        v.open_before_us + ph_open_in_hour(v.spans, epoch_us(s.solved_at)) as solved_open_us
    from scheduled as s
    left join fct_open_hours as c
        on c.schedule_id = s.schedule_id and c.hour_at = date_trunc('hour', s.created_at)
    left join fct_open_hours as r
        on r.schedule_id = s.schedule_id and r.hour_at = date_trunc('hour', s.first_reply_at)
    left join fct_open_hours as v
        on v.schedule_id = s.schedule_id and v.hour_at = date_trunc('hour', s.solved_at) and s.is_solved
),

-- Business-basis deadlines: where the open time reaches the open time at creation plus the
-- target (fct_open_marks).
due_open as (
    select
        *,
        created_open_us + round(first_response_target_hours * 3600e6)::bigint as first_response_due_open_us,
        created_open_us + round(resolution_target_hours * 3600e6)::bigint as resolution_due_open_us
    from positions
),

due as (
    select
        s.*,
        list_filter(f.intervals, lambda i: i.before_us < s.first_response_due_open_us
            and s.first_response_due_open_us <= i.through_us)[1] as first_response_due_interval,
        list_filter(r.intervals, lambda i: i.before_us < s.resolution_due_open_us
            and s.resolution_due_open_us <= i.through_us)[1] as resolution_due_interval
    from due_open as s
    left join fct_open_marks as f
        on f.schedule_id = s.schedule_id and f.open_hour = (s.first_response_due_open_us - 1) // 3600000000
    left join fct_open_marks as r
        on r.schedule_id = s.schedule_id and r.open_hour = (s.resolution_due_open_us - 1) // 3600000000
),

final as (
    select
        s.* exclude (
            schedule_id, first_response_target_hours, resolution_target_hours, created_open_us, replied_open_us,
            solved_open_us, first_response_due_open_us, resolution_due_open_us, first_response_due_interval,
            resolution_due_interval
        ),
        s.schedule_id,
        (s.replied_open_us - s.created_open_us) / 3600e6 as first_response_schedule_hours,
        (s.solved_open_us - s.created_open_us) / 3600e6 as resolution_schedule_hours,
        coalesce((s.replied_open_us - s.created_open_us) / 3600e6, s.first_response_business_minutes / 60)
            as first_response_business_hours,
        case when s.is_solved then coalesce(
            (s.solved_open_us - s.created_open_us) / 3600e6, s.full_resolution_business_minutes / 60
        ) end as resolution_business_hours,
        s.first_response_target_hours,
        s.resolution_target_hours,
        case (select basis from cfg_sla)
            when 'business' then s.first_response_due_interval.open_at
                + to_microseconds(s.first_response_due_open_us - s.first_response_due_interval.before_us)
            when 'calendar' then s.created_at + to_microseconds(round(s.first_response_target_hours * 3600e6)::bigint)
        end as first_response_due_at,
        case (select basis from cfg_sla)
            when 'business' then s.resolution_due_interval.open_at
                + to_microseconds(s.resolution_due_open_us - s.resolution_due_interval.before_us)
            when 'calendar' then s.created_at + to_microseconds(round(s.resolution_target_hours * 3600e6)::bigint)
        end as resolution_due_at
    from due as s
)

-- In creation order: a period filter then reads only the row groups of its dates.
select * from final
order by created_at
