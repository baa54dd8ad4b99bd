-- staging.tenant_daily_snapshots for this batch date: replace that date only, in one transaction.
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
