-- as_of: the latest snapshot date (CONTRACT.md section 6). Read from the index leading with snapshot_date.
SELECT MAX(s.snapshot_date) AS as_of
FROM silver.tenant_room_snapshot_daily AS s;
