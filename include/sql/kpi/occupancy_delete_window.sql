-- Clear the whole window; insert_facts and insert_projections write it again. This also removes the rows of dates
-- up to as_of that have no snapshot (they get no new row). Primary key range.
DELETE FROM gold.occupancy_daily_metrics
WHERE snapshot_date BETWEEN %(window_start)s AND %(window_end)s;
