-- Bug age (open bugs at the end of the period) and time to fix, overall and per product line.
-- In plain words: Bug age: the bugs still open at the end of the period (created before it ended, not fixed by
--   then) and how old they were then, in days; how many are older than a year. Time to fix: for
--   the bugs fixed in the period (not closed as not planned or duplicate), days from creation to
--   fix. Which tracker issues count as bugs is set per tracker in the settings.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive, = "as of"); $product_lines (empty = all).
-- Definition: bugs are issues the settings call bugs (pull requests never are).
--   Open at the end: created before $end_at and not resolved before it (resolved_at null or
--   >= $end_at). Age = $end_at minus created_at, in days; count, median, p90, and how many are
--   older than 365 days.
--   Time to fix (DevLake's "bug age"): bugs resolved in [$start_at, $end_at), not as not planned
--   or duplicate: resolved_at minus created_at in days; median and p90.
with

bugs as (
    select * from fct_issues
    where
        is_bug
        and ph_chosen($product_lines, product_line)
),

open_bugs as (
    select product_line, ph_days(created_at, $end_at) as age_days
    from bugs
    where created_at < $end_at and (resolved_at is null or resolved_at >= $end_at)
),

fixed_bugs as (
    select product_line, ph_days(created_at, resolved_at) as days_to_fix
    from bugs
    where resolved_at >= $start_at and resolved_at < $end_at and resolution = 'completed'
),

age as (
    select
        product_line,
        count(*) as open_bugs,
        ph_median_p90(age_days)[1] as median_days,
        ph_median_p90(age_days)[2] as p90_days,
        count(*) filter (where age_days > 365) as older_than_365_days
    from open_bugs
    group by grouping sets ((), (product_line))
),

fix as (
    select
        product_line,
        count(*) as fixed,
        ph_median_p90(days_to_fix)[1] as median_days_to_fix,
        ph_median_p90(days_to_fix)[2] as p90_days_to_fix
    from fixed_bugs
    group by grouping sets ((), (product_line))
),

lines as (
    select null::varchar as product_line
    union select product_line from age
    union select product_line from fix
),

final as (
    select
        lines.product_line,
        coalesce(age.open_bugs, 0) as open_bugs,
        age.median_days,
        age.p90_days,
        coalesce(age.older_than_365_days, 0) as older_than_365_days,
        coalesce(fix.fixed, 0) as fixed,
        fix.median_days_to_fix,
        fix.p90_days_to_fix
    from lines
    left join age on age.product_line is not distinct from lines.product_line
    left join fix on fix.product_line is not distinct from lines.product_line
)

select * from final
order by product_line nulls first
