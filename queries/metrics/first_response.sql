-- First-response time and ticket volume, overall and per product line.
-- In plain words: First response: for the tickets created in the period, the time from the ticket's creation
--   to the first public reply by an agent, in calendar hours (business hours where an export has
--   only those). The tile shows the median: half the tickets got their first reply faster. p90:
--   nine in ten got it faster. Tickets still without a reply are counted as unanswered, not as
--   zero and not in the median. On the business basis, only the hours the team's schedule is
--   open count (its business hours, without holidays).
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive) as UTC instants of the period's whole
--   days in the reporting zone; $product_lines, $priorities, $channels (empty list = all);
--   $basis: 'calendar' or 'business', the hours of median/p90/mean.
-- Definition: tickets *created* in the period (deleted tickets are not in fct_tickets).
--   Volume (tickets_created) counts them all. First-response time = first public agent reply
--   minus creation, calendar hours (the vendor's calendar value where exported, else from
--   timestamps). Tickets without a reply are `unanswered`: counted, left out of median/p90/mean.
--   Tickets whose export says nothing about replies are `unknown`. Where a source only has the
--   business-hours value it is used and `basis` says 'business'.
--   business_median_hours / business_p90_hours: the same over first_response_business_hours
--   (fct_tickets: open time of the ticket's schedule, else the export's business value).
--   $basis = 'business' makes median/p90/mean those business hours and `basis` 'business'.
--   Median and p90 interpolate linearly (quantile_cont); no data is null, never 0.
with

tickets as (
    select
        *,
        case when $basis = 'business' then first_response_business_hours else first_response_hours end
            as headline_hours
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        product_line,
        count(*) as tickets_created,
        count(first_response_hours) as responded,
        count(*) filter (where has_response_data and first_response_hours is null) as unanswered,
        count(*) filter (where not has_response_data) as unknown,
        ph_median_p90(headline_hours)[1] as median_hours,
        ph_median_p90(headline_hours)[2] as p90_hours,
        avg(headline_hours) as mean_hours,
        case when $basis = 'business' then 'business' else
            string_agg(distinct first_response_basis, '+' order by first_response_basis)
        end as basis,
        ph_median_p90(first_response_business_hours)[1] as business_median_hours,
        ph_median_p90(first_response_business_hours)[2] as business_p90_hours
    from tickets
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
