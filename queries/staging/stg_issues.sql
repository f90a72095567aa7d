-- Every tracker's staged issue rows in one relation, rejected rows and pull requests included.
-- Grain: one row per exported issue row. Materialised once per load.
select * from stg_jira where not is_service_desk
union all by name select * from stg_github
union all by name select * from stg_linear
