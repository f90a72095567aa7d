-- Tickets created and solved per month, and the backlog at each month's end.
-- In plain words: Per calendar month: the tickets created, the tickets solved (not counting
--   merges) and the tickets still open at the month's end (see Backlog).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line
--   null); months in [$start_at, $end_at) that have tickets created or closed.
-- Params: as backlog.sql, plus $start_at (the first month shown) and $tz (months are cut in it).
-- Definition: created: by month of created_at; solved: is_solved by month of solved_at (as
--   resolution.sql; closed_at is solved_at for them); open_at_end: every ticket created before the month's end minus those
--   closed (closed_at: solved, closed or closed by merge) before it, counted from the start of the data,
--   so a month's row depends on that month only.
with

chosen as (
    select * from fct_tickets
    where
        created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

events as (
    select date_trunc('month', timezone($tz, created_at))::date as month_start, product_line,
        1 as created, 0 as solved, 0 as closed
    from chosen
    union all
    select date_trunc('month', timezone($tz, closed_at))::date, product_line,
        0, case when is_solved then 1 else 0 end, 1
    from chosen
    where closed_at < $end_at
),

monthly as (
    select
        month_start,
        product_line,
        sum(created)::bigint as created,
        sum(solved)::bigint as solved,
        sum(closed)::bigint as closed
    from events
    group by grouping sets ((month_start), (month_start, product_line))
),

final as (
    select
        month_start,
        product_line,
        created,
        solved,
        sum(created - closed) over (partition by product_line order by month_start)::bigint as open_at_end
    from monthly
)

select * from final
where month_start >= timezone($tz, $start_at)::date
order by month_start, product_line nulls first
