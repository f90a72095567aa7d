-- What changed: the movements of this period against the one it is compared with that are too
-- large to be chance, across KPIs x product lines (median first response and resolution,
-- deflection, tickets created, first replies within SLA, CSAT), and the old bugs whose
-- tickets jumped.
-- In plain words: What changed lists a movement only when it is large (at least 10 %) and the data
--   leaves little doubt it is real: a test of the two periods' tickets (or sessions) says chance
--   alone would give a difference this large less than once in 100 times, counting every
--   number compared (the 1 % is shared among all of them). With fewer than 20 tickets on either
--   side a median is not tested at all. A quiet month says "No significant changes".
-- Grain: one row per test: (metric, product_line) with product_line null for the total of the
--   chosen product lines (left out when exactly one is chosen: it would be that line again),
--   and one row per still-hurting bug (metric 'impact.still_hurting', issue_key set).
-- Params: $start_at, $end_at (this period), $prev_start_at, $prev_end_at (the period it is
--   compared with), UTC instants; $tz (the reporting zone: days of the volume test);
--   $product_lines, $priorities, $channels (empty list = all); $min_age_days
--   (links.still_hurting_days).
-- Definition, per metric (the rows are those of the metric's own SQL file):
--   first_response.median_hours, resolution.median_hours (first_response.sql, resolution.sql):
--     Mood's median test: the share of each period's tickets above the median of both
--     periods' tickets together, compared by the two-proportion z test (linear in the
--     tickets, no sort); tested when both periods have >= 20 tickets.
--   deflection.rate_pct (deflection.sql): two-proportion z test of self-service resolved
--     sessions among (those sessions + tickets created); tested when both sides have >= 20
--     and both periods have sessions.
--   tickets_created (first_response.sql): the Mann-Whitney rank-sum test (mid-ranks, normal
--     approximation, tie correction) of tickets created per day (days in $tz, a day without
--     tickets counts 0), so ordinary day-to-day swings are not news; tested when both periods
--     have >= 20 days; previous / current are the periods' totals.
--   sla.first_response.met_pct (sla.sql, both periods judged as of the data's cut-off),
--     csat.score_pct (csat.sql): two-proportion z test of met among (met + breached), satisfied among rated;
--     tested when both periods have >= 20.
--   impact.still_hurting (bug_impact.sql: open at $end_at, at least $min_age_days old, linked
--     tickets in the period; and created before the compared period began): its linked tickets in the two periods as Poisson counts over the
--     periods' lengths (a binomial test of the split, normal approximation); only a rise to
--     >= 5 tickets counts.
--   p = two-sided p-value of z; tests = the number of rows tested. significant when
--   p * tests < 0.01 (Bonferroni: at most a 1 % chance that pure noise lists anything) and the
--   value moved by at least 10 % (bugs: rose). size = |ln(current / previous)| (counts +1) ranks
--   the significant ones, largest first.
with

periods as (
    select 'current' as period, $start_at::timestamptz as start_at, $end_at::timestamptz as end_at
    union all select 'previous', $prev_start_at::timestamptz, $prev_end_at::timestamptz
),

lengths as (
    select
        epoch($end_at::timestamptz - $start_at::timestamptz) as current_seconds,
        epoch($prev_end_at::timestamptz - $prev_start_at::timestamptz) as previous_seconds
),

-- Each row counts for its product line and for the total (product_line null), unless exactly
-- one product line is chosen.
sides as (
    select false as is_total
    union all select true where len($product_lines) <> 1
),

-- The two periods' tickets, each row read once (a period filter on created_at / solved_at
-- reads only the row groups of its dates); `period` says which.
created as not materialized (
    select
        ph_period_of(created_at, $start_at, $end_at) as period,
        product_line,
        first_response_hours,
        created_at
    from fct_tickets
    where
        ph_in_periods(created_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

solved as not materialized (
    select
        ph_period_of(solved_at, $start_at, $end_at) as period,
        product_line,
        resolution_hours
    from fct_tickets
    where
        is_solved
        and ph_in_periods(solved_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

-- Not materialised: the two passes of the median test read the (cheap, date-ordered) scans
-- again rather than a copy of every row. m: 1 first response, 2 resolution (named at the end).
ticket_values as not materialized (
    select 1 as m, period = 'current' as is_current, product_line, first_response_hours as value
    from created
    where first_response_hours is not null
    union all
    select 2, period = 'current', product_line, resolution_hours from solved
),

-- Volume: tickets created per day of the reporting zone (days without any count as 0).
days as (
    select p.period, unnest(generate_series(
        timezone($tz, p.start_at)::date, (timezone($tz, p.end_at)::date - 1)::date, interval 1 day
    ))::date as day
    from periods as p
),

daily as (
    select product_line, period, timezone($tz, to_timestamp(quarter * 900))::date as day, sum(tickets) as tickets
    from (
        -- by quarter hour first (integer arithmetic), then each quarter hour to its day in the
        -- zone: every zone's offset is a whole number of quarter hours
        select product_line, period, epoch(created_at)::bigint // 900 as quarter, count(*) as tickets
        from created
        group by grouping sets ((product_line, period, quarter), (period, quarter))
    )
    where len($product_lines) <> 1 or product_line is not null
    group by all
),

volume_values as (
    select 'tickets_created' as metric, d.period, g.product_line, coalesce(n.tickets, 0)::double as value
    from (select distinct product_line from daily) as g
    cross join days as d
    left join daily as n on n.product_line is not distinct from g.product_line and n.period = d.period and n.day = d.day
),

-- Medians: Mood's median test. The two periods' values together have a median; under "no
-- change" each period has the same share of values above it. z of the two shares (the
-- two-proportion test below). Linear in the tickets: no sort.
per_period as (
    select m, product_line, is_current, quantile_cont(value, 0.5) as median, count(*) as n
    from ticket_values
    group by grouping sets ((m, product_line, is_current), (m, is_current))
),

pooled as (
    select
        t.m,
        t.product_line,
        t.pooled_median,
        b.median as previous,
        c.median as current,
        coalesce(b.n, 0) as n_previous,
        coalesce(c.n, 0) as n_current
    from (
        select m, product_line, quantile_cont(value, 0.5) as pooled_median
        from ticket_values
        group by grouping sets ((m, product_line), (m))
    ) as t
    left join per_period as b
        on b.m = t.m and b.product_line is not distinct from t.product_line and not b.is_current
    left join per_period as c
        on c.m = t.m and c.product_line is not distinct from t.product_line and c.is_current
    where len($product_lines) <> 1 or t.product_line is not null
),

-- Tickets per minute of their value: the second pass compares each minute with the median,
-- not each ticket (a ticket in the median's own minute counts as not above: the same rule for
-- both periods, so the test stays fair).
minutes as (
    select m, product_line, is_current, round(value * 60) as minute, count(*) as tickets
    from ticket_values
    group by grouping sets ((m, product_line, is_current, minute), (m, is_current, minute))
),

above as (
    select
        p.m,
        p.product_line,
        coalesce(sum(v.tickets) filter (where not v.is_current and v.minute > round(p.pooled_median * 60)), 0)
            as x_previous,
        coalesce(sum(v.tickets) filter (where v.is_current and v.minute > round(p.pooled_median * 60)), 0)
            as x_current
    from minutes as v
    join pooled as p on p.m = v.m and p.product_line is not distinct from v.product_line
    group by all
),

median_tests as (
    select
        case p.m when 1 then 'first_response.median_hours' else 'resolution.median_hours' end as metric,
        p.product_line,
        null::varchar as issue_key,
        p.previous,
        p.current,
        p.n_previous,
        p.n_current,
        ph_two_proportion_z(a.x_current, p.n_current, a.x_previous, p.n_previous) as z,
        p.n_previous >= 20 and p.n_current >= 20 and p.previous > 0 as is_tested
    from pooled as p
    join above as a on a.m = p.m and a.product_line is not distinct from p.product_line
),

-- Volume: the Mann-Whitney rank-sum test of the tickets per day (a few hundred days at most):
-- mid-ranks, normal approximation with the tie correction.
ranked as (
    select
        *,
        rank() over (partition by product_line order by value)
            + (count(*) over (partition by product_line, value) - 1) / 2.0 as mid_rank
    from volume_values
),

ties as (
    select product_line, sum(tied ^ 3 - tied) as tie_term
    from (select product_line, value, count(*) as tied from volume_values group by all)
    group by all
),

volume_tests as (
    select
        'tickets_created' as metric,
        r.product_line,
        null::varchar as issue_key,
        sum(r.value) filter (where r.period = 'previous') as previous,
        sum(r.value) filter (where r.period = 'current') as current,
        count(*) filter (where r.period = 'previous') as n_previous,
        count(*) filter (where r.period = 'current') as n_current,
        any_value(t.tie_term) as tie_term,
        sum(r.mid_rank) filter (where r.period = 'current') as rank_sum
    from ranked as r
    join ties as t on t.product_line is not distinct from r.product_line
    group by r.product_line
),

volume_z as (
    select
        metric,
        product_line,
        issue_key,
        previous,
        current,
        n_previous,
        n_current,
        (rank_sum - n_current * (n_current + 1) / 2 - n_current * n_previous / 2)
            / nullif(sqrt(
                n_current * n_previous / 12
                * (n_current + n_previous + 1 - tie_term / ((n_current + n_previous) * (n_current + n_previous - 1)))
            ), 0) as z,
        n_previous >= 20 and n_current >= 20 and previous > 0 as is_tested
    from volume_tests
),

-- Deflection: resolved self-service sessions among (those + tickets created), deflection.sql's rows.
session_counts as (
    select
        ph_period_of(started_at, $start_at, $end_at) as period,
        product_line,
        sum(count_sessions)::bigint as sessions,
        sum(count_resolved)::bigint as resolved,
        0::bigint as tickets
    from fct_self_service
    where
        ph_in_periods(started_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
        and ph_chosen($product_lines, product_line)
    group by all
    union all
    select
        ph_period_of(created_at, $start_at, $end_at),
        product_line,
        0,
        0,
        count(*)
    from fct_tickets
    where
        ph_in_periods(created_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
        and ph_chosen($product_lines, product_line)
    group by all
),

deflection_counts as (
    select
        case when s.is_total then null else c.product_line end as product_line,
        sum(sessions) filter (where period = 'previous') as s_previous,
        sum(sessions) filter (where period = 'current') as s_current,
        sum(resolved) filter (where period = 'previous') as x_previous,
        sum(resolved + tickets) filter (where period = 'previous') as n_previous,
        sum(resolved) filter (where period = 'current') as x_current,
        sum(resolved + tickets) filter (where period = 'current') as n_current
    from session_counts as c
    cross join sides as s
    where s.is_total or c.product_line is not null
    group by all
),

bug_counts as (
    select
        'impact.still_hurting' as metric,
        i.product_line,
        i.issue_key,
        count(*) filter (where l.ticket_created_at >= $prev_start_at and l.ticket_created_at < $prev_end_at)
            as c_previous,
        count(*) filter (where l.ticket_created_at >= $start_at and l.ticket_created_at < $end_at) as c_current
    from ticket_issue_links as l
    join fct_issues as i on i.source = l.issue_source and i.issue_key = l.issue_key
    where
        l.is_bug
        and ph_chosen($priorities, l.ticket_priority)
        and ph_chosen($channels, l.ticket_channel)
        and ph_chosen($product_lines, i.product_line)
        and (i.resolved_at is null or i.resolved_at >= $end_at)
        and i.created_at < $prev_start_at  -- there all along: a new bug's first tickets are no jump
        and ph_days(i.created_at, $end_at::timestamptz) >= $min_age_days
    group by all
    having c_current > 0
),

-- First replies within SLA (sla.sql, both periods judged as of the data's cut-off) and CSAT
-- (csat.sql): shares of tickets, compared by the two-proportion z test.
shares as (
    select 'sla.first_response.met_pct' as metric, period, product_line, (status = 'met')::int as success
    from (
        select
            ph_period_of(created_at, $start_at, $end_at) as period,
            product_line,
            ph_sla_first_response_status(
                first_response_due_at, has_response_data, first_reply_at, first_response_hours,
                (select data_as_of from fct_cutoff)
            ) as status
        from fct_tickets
        where
            ph_in_periods(created_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
            and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
    )
    where status in ('met', 'breached')
    union all
    select
        'csat.score_pct',
        ph_period_of(solved_at, $start_at, $end_at),
        product_line,
        is_csat_satisfied::int
    from fct_tickets
    where
        is_solved
        and is_csat_satisfied is not null
        and ph_in_periods(solved_at, $start_at, $end_at, $prev_start_at, $prev_end_at)
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

share_counts as (
    select
        metric,
        product_line,
        sum(success) filter (where period = 'previous')::double as x_previous,
        count(*) filter (where period = 'previous') as n_previous,
        sum(success) filter (where period = 'current')::double as x_current,
        count(*) filter (where period = 'current') as n_current
    from shares
    group by grouping sets ((metric, product_line), (metric))
    having len($product_lines) <> 1 or grouping(product_line) = 0
),

-- Deflection, first replies within SLA and CSAT: the two-proportion z test. Deflection is tested
-- only with sessions in both periods: an export that stops is no data, not a rate of 0.
proportions as (
    select
        'deflection.rate_pct' as metric,
        product_line,
        x_previous::double as x_previous,
        n_previous,
        x_current::double as x_current,
        n_current,
        coalesce(s_previous > 0 and s_current > 0 and x_current + x_previous > 0, false) as has_data
    from deflection_counts
    union all
    select metric, product_line, x_previous, n_previous, x_current, n_current, true from share_counts
),

proportion_tests as (
    select
        metric,
        product_line,
        null::varchar as issue_key,
        100.0 * x_previous / nullif(n_previous, 0) as previous,
        100.0 * x_current / nullif(n_current, 0) as current,
        n_previous,
        n_current,
        ph_two_proportion_z(x_current, n_current, x_previous, n_previous) as z,
        coalesce(n_previous >= 20 and n_current >= 20 and has_data, false) as is_tested
    from proportions
),

-- A bug's linked tickets over periods of different lengths: of c_current + c_previous tickets,
-- the current period's expected share is its share of the time (q); z of the split.
count_tests as (
    select
        c.metric,
        c.product_line,
        c.issue_key,
        c.c_previous::double as previous,
        c.c_current::double as current,
        c.c_previous as n_previous,
        c.c_current as n_current,
        (c.c_current - (c.c_current + c.c_previous) * q.q)
            / nullif(sqrt((c.c_current + c.c_previous) * q.q * (1 - q.q)), 0) as z,
        c.c_current >= 5 as is_tested
    from bug_counts as c
    cross join (select current_seconds / (current_seconds + previous_seconds) as q from lengths) as q
),

tests as (
    select * from median_tests
    union all select * from volume_z
    union all select * from proportion_tests
    union all select * from count_tests
),

final as (
    select
        metric,
        product_line,
        issue_key,
        previous,
        current,
        n_previous,
        n_current,
        z,
        ph_two_sided_p(z) as p,
        count(*) filter (where is_tested and z is not null) over () as tests,
        100.0 * (current - previous) / nullif(previous, 0) as change_pct,
        case
            when metric in ('tickets_created', 'impact.still_hurting') then abs(ln((current + 1) / (previous + 1)))
            else abs(ln(greatest(current, 1e-9) / greatest(previous, 1e-9)))
        end as size,
        is_tested
    from tests
)

select
    *,
    coalesce(
        is_tested
        and p * tests < 0.01
        and case
            when metric = 'impact.still_hurting' then current > previous
            else abs(current - previous) >= 0.1 * abs(previous) and previous > 0
        end,
        false
    ) as is_significant
from final
order by is_significant desc, size desc, abs(z) desc, metric, product_line nulls first, issue_key
