-- staging.tenant_daily_snapshots for this batch date: replace that date only, in one transaction, and record the
-- write in staging.tenant_snapshot_dates (unread by tenant_status_history until its next build).
-- The batch's tenants are read where they are now: published (staging) or, for a past date or before the publish,
-- the load area; the macro fails with a clear message if neither holds this batch.
{% set batch = tokyobeta.batch_iso(params, data_interval_end) %}
{% set source = tokyobeta.batch_schema(params, data_interval_end) %}

DELETE FROM staging.tenant_daily_snapshots WHERE snapshot_date = '{{ batch }}';

INSERT INTO staging.tenant_daily_snapshots (tenant_id, snapshot_date, status, contract_type, moving_id)
SELECT
    t.id,
    '{{ batch }}',
    t.status,
    t.contract_type,
    t.moving_id
FROM {{ source }}.tenants AS t;

REPLACE INTO staging.tenant_snapshot_dates (snapshot_date, snapshot_rows, written_at, status_history_read_at)
SELECT
    '{{ batch }}',
    COUNT(*) AS snapshot_rows,
    NOW(6) AS written_at,
    NULL AS status_history_read_at
FROM staging.tenant_daily_snapshots
WHERE snapshot_date = '{{ batch }}';
