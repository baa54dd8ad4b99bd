-- Fact days of gold.occupancy_daily_metrics (CONTRACT.md section 6): one row per snapshot date D in
-- [window_start, as_of], all dates in one pass over the window's snapshot rows (grouped by date, never a query
-- per date).
--
-- Reads, and the indexes it relies on:
--   silver.tenant_room_snapshot_daily  range on snapshot_date: an index leading with it, such as
--                                      (snapshot_date, apartment_id, room_id); a long window (a lookback of months)
--                                      may rightly scan the table instead
--   silver.room_count_daily            primary key snapshot_date
--   silver.tenant_status_history       the periods starting in the window (a scan of the history: one row per
--                                      tenant and status change), then all periods of those tenants; an index
--                                      leading with tenant_id, e.g. (tenant_id, valid_from), helps but is optional
--
-- as_of_date: as_of on every row of a run whose batch date is the latest snapshot (the daily run). A past batch
-- date re-run still recomputes every fact day in its window, but stamps each with the as_of of the run that last
-- wrote it in a chronological series of daily runs with the same lookback: the latest snapshot date in
-- [D, D + lookback_days] (never after as_of). So a re-run leaves exactly the chronological table (CONTRACT.md
-- section 7, invariant 2); for the daily run this is as_of itself.
--
-- The status sets, %(movein_statuses)s and %(application_statuses)s, are parameters: tokyobeta_etl.data_contract
-- owns them (tokyobeta_etl.kpi.status_params).
--
-- occupancy_rate: ROUND(period_end_rooms / total_rooms, 4), half away from zero, computed in DECIMAL so that
-- div_precision_increment cannot change it; NULL when total_rooms is 0 or room_count_daily has no row for D.
INSERT INTO gold.occupancy_daily_metrics (
    snapshot_date,
    applications,
    new_moveins,
    new_moveouts,
    occupancy_delta,
    period_start_rooms,
    period_end_rooms,
    total_rooms,
    occupancy_rate,
    is_projection,
    as_of_date,
    computed_at
)
WITH
snapshot_row AS (
    -- The window's snapshot rows with the two per-row tests (a plain view: merged into fact_day).
    SELECT
        s.snapshot_date,
        s.apartment_id,
        s.room_id,
        s.is_room_primary,
        (s.move_in_date = s.snapshot_date AND s.management_status_code IN %(movein_statuses)s) AS is_movein,
        s.moveout_plans_date = s.snapshot_date AS is_moveout
    FROM silver.tenant_room_snapshot_daily AS s
    WHERE s.snapshot_date BETWEEN %(window_start)s AND %(as_of)s
),

fact_day AS (
    -- One pass in index order, grouped by date only. A room counts once however many of its tenants match:
    -- COUNT(DISTINCT apartment_id, room_id) skips the rows whose CASE gives NULL (the test is false or NULL).
    SELECT
        r.snapshot_date,
        COUNT(
            DISTINCT CASE WHEN r.is_movein THEN r.apartment_id END, CASE WHEN r.is_movein THEN r.room_id END
        ) AS new_moveins,
        COUNT(
            DISTINCT CASE WHEN r.is_moveout THEN r.apartment_id END, CASE WHEN r.is_moveout THEN r.room_id END
        ) AS new_moveouts,
        SUM(CASE WHEN r.is_room_primary = 1 THEN 1 ELSE 0 END) AS period_end_rooms
    FROM snapshot_row AS r
    GROUP BY r.snapshot_date
),

fact_row AS (
    -- as_of_date: the latest snapshot date in [D, D + lookback_days] (see above).
    SELECT
        f.snapshot_date,
        f.new_moveins,
        f.new_moveouts,
        f.period_end_rooms,
        MAX(f.snapshot_date) OVER (
            ORDER BY TO_DAYS(f.snapshot_date) RANGE BETWEEN CURRENT ROW AND %(lookback_days)s FOLLOWING
        ) AS as_of_date
    FROM fact_day AS f
),

candidate AS (
    -- Tenants with a period in the application set starting in the window.
    SELECT DISTINCT c.tenant_id
    FROM silver.tenant_status_history AS c
    WHERE
        c.valid_from BETWEEN %(window_start)s AND %(as_of)s  -- noqa: LT02
        AND c.management_status_code IN %(application_statuses)s
),

period AS (
    -- All periods of those tenants, each with the status of the period before it (by valid_from; NULL: none).
    SELECT
        h.tenant_id,
        h.management_status_code AS status,
        h.valid_from,
        LAG(h.management_status_code) OVER (PARTITION BY h.tenant_id ORDER BY h.valid_from) AS previous_status
    FROM silver.tenant_status_history AS h
    INNER JOIN candidate AS c ON h.tenant_id = c.tenant_id
),

application_day AS (
    -- Entering the application set on D: from another status, or as the tenant's first period. status is
    -- never NULL (tenants.status is NOT NULL), so a NULL previous_status means "no previous period".
    SELECT
        p.valid_from AS snapshot_date,
        COUNT(DISTINCT p.tenant_id) AS applications
    FROM period AS p
    WHERE
        p.valid_from BETWEEN %(window_start)s AND %(as_of)s  -- noqa: LT02
        AND p.status IN %(application_statuses)s
        AND (p.previous_status IS NULL OR p.previous_status NOT IN %(application_statuses)s)
    GROUP BY p.valid_from
),

history_start AS (
    -- The first snapshot date the history holds: every tenant's first period starts there, none counts as an
    -- application (the contract's rule).
    SELECT MIN(h.valid_from) AS first_day
    FROM silver.tenant_status_history AS h
)

SELECT
    f.snapshot_date,
    CASE WHEN f.snapshot_date = hs.first_day THEN 0 ELSE COALESCE(a.applications, 0) END AS applications,
    f.new_moveins,
    f.new_moveouts,
    f.new_moveins - f.new_moveouts AS occupancy_delta,
    f.period_end_rooms - (f.new_moveins - f.new_moveouts) AS period_start_rooms,
    f.period_end_rooms,
    rc.total_rooms,
    ROUND(CAST(f.period_end_rooms AS DECIMAL(20, 10)) / NULLIF(rc.total_rooms, 0), 4) AS occupancy_rate,
    0 AS is_projection,
    f.as_of_date,
    %(computed_at)s AS computed_at  -- noqa: LT02
FROM fact_row AS f
CROSS JOIN history_start AS hs
LEFT JOIN application_day AS a ON f.snapshot_date = a.snapshot_date
LEFT JOIN silver.room_count_daily AS rc ON f.snapshot_date = rc.snapshot_date;
