-- Every self-service source's staged rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported session or daily-count row. Materialised once per load.
select * from stg_sessions
