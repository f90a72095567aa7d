-- The bugs behind the open-bug numbers (metrics/bug_age.sql): open at the period's end.
-- Grain: one row per bug; oldest first, a value part by its value.
-- Params: as metrics/bug_age.sql ($end_at, $product_lines), plus $start_at, $priorities and
--   $channels (which linked tickets count in tickets_in_period, as metrics/bug_impact.sql), and
--   $part: 'open_bugs' (the bugs open at $end_at) or 'median_days' (the same, value = their age
--   in days, ordered by it; is_median marks the one or two rows the median is computed from).
-- Definition: the `bugs` and `open_bugs` CTEs are metrics/bug_age.sql's filters, word for word
--   (tests/test_rows.py checks the count and the median against it). tickets_in_period: linked
--   tickets created in [$start_at, $end_at) of the chosen priorities and channels. The title is
--   left out by dashboard/rows.py under [privacy] show_titles = false.
with

bugs as (
    select * from fct_issues
    where
        is_bug
        and ph_chosen($product_lines, product_line)
),

open_bugs as (
    select *, ph_days(created_at, $end_at) as age_days
    from bugs
    where created_at < $end_at and (resolved_at is null or resolved_at >= $end_at)
),

picked as (
    select *, case when $part = 'median_days' then age_days end as value
    from open_bugs
    where $part in ('open_bugs', 'median_days')
),

ranked as (
    select
        *,
        row_number() over (order by value, age_days desc, issue_key, source) - 1 as position,
        count(*) over () as picked_count
    from picked
),

linked as (
    select issue_source as source, issue_key, count(*) as tickets_in_period
    from ticket_issue_links
    where
        is_bug
        and ticket_created_at >= $start_at
        and ticket_created_at < $end_at
        and ph_chosen($priorities, ticket_priority)
        and ph_chosen($channels, ticket_channel)
    group by all
),

final as (
    select
        b.issue_key as id,
        b.source,
        b.title,
        b.product_line,
        b.status,
        b.created_at,
        b.age_days,
        coalesce(l.tickets_in_period, 0) as tickets_in_period,
        b.url,
        b.value,
        b.value is not null and b.position between (b.picked_count - 1) // 2 and b.picked_count // 2 as is_median,
        b.position
    from ranked as b
    left join linked as l on l.source = b.source and l.issue_key = b.issue_key
)

select * exclude (position) from final
order by position
