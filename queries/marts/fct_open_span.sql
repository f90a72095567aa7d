-- The days the business-hours calendar covers (fct_open_intervals, fct_open_hours): from two
-- days before the year of the first ticket to the end of the year that is 400 days after the
-- last instant of any ticket, so that every instant of a ticket and every deadline up to 400
-- days after it has its open time. Whole years: new exports of the same year (a refresh) leave
-- the calendar as it was, and it is not computed again.
-- Grain: one row (nulls when there are no tickets).
select
    date_trunc('year', min(created_at)::date)::date - 2 as first_day,
    (
        date_trunc('year', greatest(max(created_at), max(solved_at), max(first_response_at))::date + 400)
        + interval 1 year
    )::date - 1 as last_day
from stg_tickets
where reject_reason is null
