-- The product lines, priorities and channels present in the data (filter choices).
-- Grain: one row per (kind, value). No parameters.
select distinct 'product_line' as kind, product_line as value from fct_tickets
union select 'product_line', product_line from fct_issues
union select 'product_line', product_line from fct_self_service
union select 'priority', priority from fct_tickets
union select 'channel', channel from fct_tickets
order by kind, value
