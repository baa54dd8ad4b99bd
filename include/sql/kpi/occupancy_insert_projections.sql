-- Projection days of gold.occupancy_daily_metrics (CONTRACT.md section 6): as_of + 1 .. as_of + forward_days, all
-- from S(as_of), the latest snapshot. Only the days from window_start on are written (a window may start after
-- as_of + 1 only when the batch date is more than lookback_days past the latest snapshot).
--
-- period_end_rooms(D) = period_end_rooms(as_of) + running SUM(occupancy_delta) over the projection days up to D,
-- one window function instead of a day-by-day chain; period_start_rooms(D) = period_end_rooms(D - 1).
-- The calendar is three decimal digits cross joined (1..1000 days, forward_days <= 730 is checked by the caller):
-- no recursive CTE, so neither cte_max_recursion_depth (MySQL) nor max_recursive_iterations (MariaDB) applies.
--
-- Reads, and the indexes it relies on:
--   silver.tenant_room_snapshot_daily  equality on snapshot_date = as_of: any index leading with snapshot_date,
--                                      e.g. (snapshot_date, apartment_id, room_id)
--   silver.room_count_daily            primary key snapshot_date
--
-- The status set %(application_statuses)s is a parameter, as in occupancy_insert_facts.sql.
--
-- occupancy_rate: as in occupancy_insert_facts.sql (DECIMAL, half away from zero, NULL over 0 or unknown rooms).
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
digit AS (
    SELECT 0 AS d
    UNION ALL
    SELECT 1
    UNION ALL
    SELECT 2
    UNION ALL
    SELECT 3
    UNION ALL
    SELECT 4
    UNION ALL
    SELECT 5
    UNION ALL
    SELECT 6
    UNION ALL
    SELECT 7
    UNION ALL
    SELECT 8
    UNION ALL
    SELECT 9
),

projection_day AS (
    SELECT DATE_ADD(CAST(%(as_of)s AS DATE), INTERVAL 1 + u.d + 10 * t.d + 100 * h.d DAY) AS snapshot_date  -- noqa
    FROM digit AS u
    CROSS JOIN digit AS t
    CROSS JOIN digit AS h
    WHERE u.d + 10 * t.d + 100 * h.d < %(forward_days)s
),

base AS (
    SELECT
        s.apartment_id,
        s.room_id,
        s.management_status_code,
        s.move_in_date,
        s.moveout_date,
        s.is_room_primary
    FROM silver.tenant_room_snapshot_daily AS s
    WHERE s.snapshot_date = %(as_of)s
),

opening AS (
    -- period_end_rooms of as_of itself.
    SELECT SUM(CASE WHEN b.is_room_primary = 1 THEN 1 ELSE 0 END) AS rooms
    FROM base AS b
),

movein_day AS (
    -- Applicants (the application set) whose move-in date is ahead: distinct rooms per date.
    SELECT
        b.move_in_date AS snapshot_date,
        COUNT(DISTINCT b.apartment_id, b.room_id) AS new_moveins
    FROM base AS b
    WHERE b.management_status_code IN %(application_statuses)s AND b.move_in_date > %(as_of)s
    GROUP BY b.move_in_date
),

moveout_day AS (
    -- Any status with a move-out date (silver meaning) ahead: distinct rooms per date.
    SELECT
        b.moveout_date AS snapshot_date,
        COUNT(DISTINCT b.apartment_id, b.room_id) AS new_moveouts
    FROM base AS b
    WHERE b.moveout_date > %(as_of)s
    GROUP BY b.moveout_date
),

projected AS (
    SELECT
        p.snapshot_date,
        COALESCE(i.new_moveins, 0) AS new_moveins,
        COALESCE(o.new_moveouts, 0) AS new_moveouts,
        COALESCE(i.new_moveins, 0) - COALESCE(o.new_moveouts, 0) AS occupancy_delta
    FROM projection_day AS p
    LEFT JOIN movein_day AS i ON p.snapshot_date = i.snapshot_date
    LEFT JOIN moveout_day AS o ON p.snapshot_date = o.snapshot_date
),

chained AS (
    SELECT
        p.snapshot_date,
        p.new_moveins,
        p.new_moveouts,
        p.occupancy_delta,
        COALESCE(op.rooms, 0) + SUM(p.occupancy_delta) OVER (
            ORDER BY p.snapshot_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS period_end_rooms
    FROM projected AS p
    CROSS JOIN opening AS op
)

SELECT
    c.snapshot_date,
    0 AS applications,
    c.new_moveins,
    c.new_moveouts,
    c.occupancy_delta,
    c.period_end_rooms - c.occupancy_delta AS period_start_rooms,
    c.period_end_rooms,
    rc.total_rooms,
    ROUND(CAST(c.period_end_rooms AS DECIMAL(20, 10)) / NULLIF(rc.total_rooms, 0), 4) AS occupancy_rate,
    1 AS is_projection,
    %(as_of)s AS as_of_date,  -- noqa: LT02
    %(computed_at)s AS computed_at
FROM chained AS c
LEFT JOIN silver.room_count_daily AS rc ON rc.snapshot_date = %(as_of)s
WHERE c.snapshot_date >= %(window_start)s;
