-- Every help desk's staged ticket rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported ticket row. Materialised once per load: the data report and
-- fct_tickets both read it.
select * from stg_zendesk_json
union all by name select * from stg_zendesk_csv
union all by name select * from stg_freshdesk_csv
union all by name select * from stg_jira_tickets
union all by name select * from stg_custom
