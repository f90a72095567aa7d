-- First-response time per month, overall and per product line (the trend charts, sparklines).
-- In plain words: The median and p90 first response of each calendar month, for the tickets created in that
--   month (see First response).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: as first_response.sql, plus $tz: the reporting zone that months are cut in.
-- Definition: as first_response.sql, by the month of creation in $tz ($basis: the hours of
--   the median, p90 and the buckets).
with

tickets as (
    select
        date_trunc('month', timezone($tz, created_at))::date as month_start,
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
        month_start,
        product_line,
        count(*) as tickets_created,
        count(first_response_hours) as responded,
        count(*) filter (where has_response_data and first_response_hours is null) as unanswered,
        ph_median_p90(headline_hours)[1] as median_hours,
        ph_median_p90(headline_hours)[2] as p90_hours,
        count(*) filter (where headline_hours < 1) as count_under_1h,
        count(*) filter (where headline_hours >= 1 and headline_hours < 4) as count_1_4h,
        count(*) filter (where headline_hours >= 4 and headline_hours < 8) as count_4_8h,
        count(*) filter (where headline_hours >= 8 and headline_hours < 24) as count_8_24h,
        count(*) filter (where headline_hours >= 24) as count_over_24h
    from tickets
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
