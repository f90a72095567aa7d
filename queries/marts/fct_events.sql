-- Events the trend charts mark, all sources together: the valid ones and the rejected rows
-- with their reason (the data report reads both; the `events` view only the valid ones).
-- Grain: one row per events.csv row or [[events]] table.
-- Besides the staging checks, an event's product line must be one the data has (a typo would
-- otherwise hide the event from that line's charts). The same event (day, end, label, product
-- line) written twice is shown once: version_rank 1 (the first file by path, then row).
with

known_lines as (
    select distinct product_line from fct_tickets
    union select distinct product_line from fct_issues
    union select distinct product_line from fct_self_service
),

known as (
    select coalesce(string_agg(product_line, ', ' order by product_line), '(none)') as names
    from known_lines
    where product_line is not null
),

checked as (
    select
        e.* exclude (reject_reason),
        coalesce(
            e.reject_reason,
            case
                when e.product_line is not null
                    and e.product_line not in (select product_line from known_lines where product_line is not null)
                    then 'product line ''' || left(e.product_line, 40) || ''' is not one the data has (known: '
                        || left(known.names, 200) || ')'
            end
        ) as reject_reason
    from stg_union_events as e
    cross join known
)

select
    *,
    case when reject_reason is null then row_number() over (
        partition by reject_reason is null, start_date, end_date, label, product_line
        order by _file, _row
    ) end as version_rank
from checked
order by start_date
