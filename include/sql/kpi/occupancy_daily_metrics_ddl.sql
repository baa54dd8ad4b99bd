-- gold.occupancy_daily_metrics (CONTRACT.md section 6): one row per date, facts up to as_of_date, projections after.
-- total_rooms and occupancy_rate are NULL when room_count_daily has no row for the date they come from (unknown is
-- not zero); occupancy_rate is also NULL when total_rooms is 0 (a rate over no rooms is undefined).
-- Every delete the KPI run issues is a range on the primary key: no other index is needed. The table comment carries
-- the batch tag of the last run (tokyobeta batch=YYYY-MM-DD), which names its backups (tokyobeta_etl.backups).
CREATE TABLE IF NOT EXISTS gold.occupancy_daily_metrics (
    snapshot_date DATE NOT NULL,
    applications INT NOT NULL,
    new_moveins INT NOT NULL,
    new_moveouts INT NOT NULL,
    occupancy_delta INT NOT NULL,
    period_start_rooms INT NOT NULL,
    period_end_rooms INT NOT NULL,
    total_rooms INT NULL,
    occupancy_rate DECIMAL(7, 4) NULL,
    is_projection TINYINT NOT NULL,
    as_of_date DATE NOT NULL,
    computed_at DATETIME NOT NULL,
    PRIMARY KEY (snapshot_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
