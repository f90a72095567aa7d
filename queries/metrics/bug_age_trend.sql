-- Bugs per month: open at the month's end with their median age, created, and fixed.
-- In plain words: Per calendar month: the bugs open at the month's end and their median age, the bugs created,
--   the bugs fixed, and the median time to fix (see Bug age).
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
    ) as r (m)
),

bugs as (
    select * from fct_issues
    where
        is_bug
        and ph_chosen($product_lines, product_line)
),

-- Open at each month's end needs every (month, bug) pair; created and fixed need only the bug.
open_at_month_end as (
    select months.month_start, bugs.product_line, ph_days(bugs.created_at, months.month_end_at) as age_days
    from months
    join bugs
        on bugs.created_at < months.month_end_at
        and (bugs.resolved_at is null or bugs.resolved_at >= months.month_end_at)
),

open_per_month as (
    select month_start, product_line, count(*) as open_bugs, quantile_cont(age_days, 0.5) as median_age_days
    from open_at_month_end
    group by grouping sets ((month_start), (month_start, product_line))
),

created_per_month as (
    select months.month_start, bugs.product_line, count(*) as created
    from months
    join bugs on bugs.created_at >= months.month_start_at and bugs.created_at < months.month_end_at
    group by grouping sets ((months.month_start), (months.month_start, bugs.product_line))
),

fixed_per_month as (
    select
        months.month_start,
        bugs.product_line,
        count(*) as fixed,
        quantile_cont(ph_days(bugs.created_at, bugs.resolved_at), 0.5) as median_days_to_fix
    from months
    join bugs
        on bugs.resolved_at >= months.month_start_at and bugs.resolved_at < months.month_end_at
        and bugs.resolution = 'completed'
    group by grouping sets ((months.month_start), (months.month_start, bugs.product_line))
),

keys as (
    select month_start, null::varchar as product_line from months
    union select month_start, product_line from open_per_month
    union select month_start, product_line from created_per_month
    union select month_start, product_line from fixed_per_month
),

final as (
    select
        k.month_start,
        k.product_line,
        coalesce(o.open_bugs, 0) as open_bugs,
        o.median_age_days,
        coalesce(c.created, 0) as created,
        coalesce(f.fixed, 0) as fixed,
        f.median_days_to_fix
    from keys as k
    left join open_per_month as o
        on o.month_start = k.month_start and o.product_line is not distinct from k.product_line
    left join created_per_month as c
        on c.month_start = k.month_start and c.product_line is not distinct from k.product_line
    left join fixed_per_month as f
        on f.month_start = k.month_start and f.product_line is not distinct from k.product_line
)

select * from final
order by month_start, product_line nulls first
