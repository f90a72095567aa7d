-- How often the business hours computed from the schedules agree with the export's own
-- business-hours values (Zendesk's '... within business hours'), per source and measure.
-- Grain: one row per (source, measure) with tickets that have both values.
-- Agree: within one minute (exports write whole minutes).
with

pairs as (
    select source, 'first reply' as measure, first_response_schedule_hours * 60 as ours,
        first_response_business_minutes as theirs
    from fct_tickets
    union all
    select source, 'resolution', resolution_schedule_hours * 60, full_resolution_business_minutes
    from fct_tickets
)

select
    source,
    measure,
    count(*) as tickets,
    count(*) filter (where abs(ours - theirs) <= 1) as agree
from pairs
where ours is not null and theirs is not null
group by all
order by source, measure
