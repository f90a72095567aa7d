-- The open bugs at the end of the period, oldest first (the "oldest open bugs" table and
-- In plain words: The bugs open at the end of the period, oldest first, with their age in days then.
-- the age buckets).
-- Grain: one row per open bug.
-- Params: $end_at (exclusive end of the period = "as of"); $product_lines (empty = all).
-- Definition: as bug_age.sql.
select
    source,
    issue_key,
    title,
    product_line,
    status,
    created_at,
    ph_days(created_at, $end_at) as age_days,
    url
from fct_issues
where
    is_bug
    and created_at < $end_at
    and (resolved_at is null or resolved_at >= $end_at)
    and ph_chosen($product_lines, product_line)
order by age_days desc, issue_key
