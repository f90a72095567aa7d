-- Bugs with linked tickets, ranked: the "still hurting" list comes first.
-- In plain words: The bugs that cost support tickets, ranked. A bug is still hurting when it is open at the
--   period's end, is older than the threshold in the settings (90 days unless set) and got new
--   linked tickets in the period. Listed first, most tickets in the period first, then oldest.
-- Grain: one row per bug (issues the settings call bugs) with at least one linked ticket
--   created before $end_at.
-- Params: $start_at (inclusive), $end_at (exclusive, = "as of"), $tz (months of the
--   sparkline), $product_lines (the bug's), $priorities, $channels (the tickets'), $min_age_days
--   (the settings' links.still_hurting_days, default 90).
-- Definition:
--   tickets_in_period = linked tickets created in [$start_at, $end_at);
--   tickets_all_time  = linked tickets created before $end_at, or Jira's `Zendesk Ticket Count`
--     field when that is larger (it also counts tickets older than the exports);
--   age_days = $end_at minus created_at; is_open as in bug_age.sql;
--   still hurting = open at $end_at, age_days >= $min_age_days, tickets_in_period > 0.
--   monthly_tickets = linked tickets per month in $tz for the 12 months ending with the
--   period's last month, oldest first.
--   Order: still hurting first, then tickets in the period (most first), then age (oldest first).
with

links as (
    select issue_source, issue_key, ticket_created_at
    from ticket_issue_links
    where
        is_bug
        and ticket_created_at < $end_at
        and ph_chosen($priorities, ticket_priority)
        and ph_chosen($channels, ticket_channel)
),

first_month as (  -- the sparklines' first month: 11 before the period's last
    select (date_trunc('month', timezone($tz, $end_at - interval 1 second)) - interval 11 month)::date as month_start
),

-- Per bug: its tickets in the period, all time, and per month of the last 12 (a map from the
-- month's index, 0 = first_month, to its tickets; months without any are not in it).
counts as (
    select
        issue_source,
        issue_key,
        count(*) filter (where ticket_created_at >= $start_at) as tickets_in_period,
        count(*) as linked_tickets,
        histogram(month_index) filter (where month_index >= 0) as by_month
    from (
        select
            l.*,
            datediff('month', f.month_start, date_trunc('month', timezone($tz, l.ticket_created_at))::date)
                as month_index
        from links as l
        cross join first_month as f
    )
    group by all
),

final as (
    select
        i.source,
        i.issue_key,
        i.title,
        i.product_line,
        i.status,
        i.created_at,
        ph_days(i.created_at, $end_at) as age_days,
        i.created_at < $end_at and (i.resolved_at is null or i.resolved_at >= $end_at) as is_open,
        c.tickets_in_period,
        greatest(c.linked_tickets, coalesce(i.linked_ticket_count, 0)) as tickets_all_time,
        list_transform(range(12), lambda k: coalesce(c.by_month[k], 0)::bigint) as monthly_tickets,
        i.url,
        (i.resolved_at is null or i.resolved_at >= $end_at)
            and ph_days(i.created_at, $end_at) >= $min_age_days
            and c.tickets_in_period > 0 as is_still_hurting
    from counts as c
    join fct_issues as i on i.source = c.issue_source and i.issue_key = c.issue_key
    where ph_chosen($product_lines, i.product_line)
)

select * from final
order by is_still_hurting desc, tickets_in_period desc, age_days desc, issue_key
