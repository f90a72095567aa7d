-- Events the trend charts mark, all sources together: the valid ones and the rejected rows
-- with their reason (the data report reads both; the `events` view only the valid ones).
-- Grain: one row per events.csv row or [[events]] table.
-- is_known_line: the product line is one the data has (null for a company-wide event); an
-- event of a line the data does not have (yet, or a typo) is kept, drawn where it applies,
-- and counted in the data report's notes. The same event (day, end, label, product line)
-- written twice is shown once: version_rank 1 (the first file by path, then row).
with

known_lines as (
    select distinct product_line from fct_tickets
    union select distinct product_line from fct_issues
    union select distinct product_line from fct_self_service
)

select
    e.*,
    case when e.product_line is not null then e.product_line in (select product_line from known_lines) end
        as is_known_line,
    case when e.reject_reason is null then row_number() over (
        partition by e.reject_reason is null, e.start_date, e.end_date, e.label, e.product_line
        order by e._file, e._row
    ) end as version_rank
from stg_union_events as e
order by e.start_date
