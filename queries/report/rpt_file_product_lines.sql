-- The data report's product lines: those each file's modelled rows belong to.
-- Grain: one row per _file with modelled rows.
select _file, list(distinct product_line order by product_line) as product_lines
from (
    select _file, product_line from fct_tickets
    union all select _file, product_line from fct_issues
    union all select _file, product_line from fct_self_service
    union all select _file, product_line from fct_events where reject_reason is null and product_line is not null
)
group by 1
