-- The data report's totals: how many rows the model holds, and the newest instant any carries.
-- Grain: one row.
select
    (select count(*) from fct_tickets) as count_tickets,
    (select count(*) from fct_issues) as count_issues,
    (select count(*) from fct_self_service) as count_self_service_rows,
    (select count(*) from fct_ticket_issue_links) as count_links,
    (
        select max(t) from (
            select max(greatest(created_at, coalesce(updated_at, created_at), coalesce(solved_at, created_at))) as t
            from fct_tickets
            union all select max(greatest(created_at, coalesce(updated_at, created_at))) from fct_issues
            union all select max(started_at) from fct_self_service
        )
    ) as data_as_of
