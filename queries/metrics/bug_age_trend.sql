-- Bugs per month: open at the month's end with their median age, created, and fixed.
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: $start_at, $end_at, $product_lines (empty = all), $tz (the zone months are cut in).
-- Definition: as bug_age.sql, with each month's end (or $end_at, if earlier) as "as of".
with

months as (
    select
        m::date as month_start,
        timezone($tz, m) as month_start_at,
        least(timezone($tz, m + interval 1 month), $end_at) as month_end_at
    from range(
        date_trunc('month', timezone($tz, $start_at)),
        timezone($tz, $end_at),
        interval 1 month
    ) as r(m)
),

bugs as (
    select * from fct_issues
    where
        is_bug
        and (len($product_lines) = 0 or list_contains($product_lines, product_line))
),

per_month as (
    select
        months.month_start,
        bugs.product_line,
        bugs.created_at < months.month_end_at
            and (bugs.resolved_at is null or bugs.resolved_at >= months.month_end_at) as is_open,
        epoch(months.month_end_at - bugs.created_at) / 86400 as age_days,
        bugs.created_at >= months.month_start_at and bugs.created_at < months.month_end_at as is_created,
        bugs.resolved_at >= months.month_start_at and bugs.resolved_at < months.month_end_at
            and bugs.resolution = 'completed' as is_fixed,
        epoch(bugs.resolved_at - bugs.created_at) / 86400 as days_to_fix
    from months
    join bugs on bugs.created_at < months.month_end_at
),

final as (
    select
        month_start,
        product_line,
        count(*) filter (where is_open) as open_bugs,
        quantile_cont(age_days, 0.5) filter (where is_open) as median_age_days,
        count(*) filter (where is_created) as created,
        count(*) filter (where is_fixed) as fixed,
        quantile_cont(days_to_fix, 0.5) filter (where is_fixed) as median_days_to_fix
    from per_month
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
