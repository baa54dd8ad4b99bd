-- Projections past the new horizon (as_of + forward_days) are stale. Primary key range.
DELETE FROM gold.occupancy_daily_metrics
WHERE snapshot_date > %(window_end)s AND is_projection = 1;
