{{ config(post_hook="{{ ensure_primary_key(this, ['moveout_month', 'bucket_type', 'bucket', 'prefecture', 'tenant_type']) }}") }}
-- Move-outs that are not room transfers (gold.moveout_analysis), aggregated by month, prefecture and tenant type,
-- once per bucketing (bucket_type rent / age / tenure / reason):
-- one long table instead of a cube, so each dashboard filter is a WHERE on bucket_type.
WITH long_form AS (
    {% for kind in ['rent', 'age', 'tenure', 'reason'] %}
    SELECT
        moveout_month,
        '{{ kind }}' AS bucket_type,
        {{ kind }}_bucket AS bucket,
        {{ kind }}_bucket_label_ja AS bucket_label_ja,
        {{ kind }}_bucket_label_en AS bucket_label_en,
        COALESCE(prefecture, '') AS prefecture,
        tenant_type,
        stay_days,
        notice_lead_days,
        contract_rent
    FROM {{ ref('moveout_analysis') }}
    {% if not loop.last %}UNION ALL{% endif %}
    {% endfor %}
)

SELECT
    moveout_month,
    bucket_type,
    bucket,
    MAX(bucket_label_ja) AS bucket_label_ja,
    MAX(bucket_label_en) AS bucket_label_en,
    prefecture,
    tenant_type,
    COUNT(*) AS moveouts,
    ROUND(AVG(stay_days), 1) AS avg_stay_days,
    ROUND(AVG(notice_lead_days), 1) AS avg_notice_lead_days,
    ROUND(AVG(contract_rent), 0) AS avg_contract_rent
FROM long_form
GROUP BY moveout_month, bucket_type, bucket, prefecture, tenant_type
