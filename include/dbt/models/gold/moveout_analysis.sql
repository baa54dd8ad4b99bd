{{ config(post_hook="{{ ensure_primary_key(this, ['moving_id']) }}") }}
-- Each completed move-out that is not a room transfer (a tenant who moved to another of our rooms did not leave),
-- with its rent, age, tenure and reason buckets (keys sort; Japanese and English labels).
SELECT
    m.moving_id,
    m.moveout_date,
    CAST(DATE_FORMAT(m.moveout_date, '%Y-%m-01') AS DATE) AS moveout_month,
    m.stay_days,
    m.stay_months,
    m.notice_lead_days,
    m.contract_rent,
    m.age,
    m.tenant_type,
    m.prefecture,
    m.reason_moveout,
    m.reason_moveout_label_ja,
    m.reason_moveout_label_en,
    {{ bucket_columns('rent', 'm.contract_rent', rent_buckets(), rent_top()) }},
    {{ bucket_columns('age', 'm.age', age_buckets(), age_top()) }},
    {{ bucket_columns('tenure', 'm.stay_months', tenure_buckets(), tenure_top()) }},
    {{ reason_bucket_columns('m') }}
FROM {{ ref('moveouts') }} AS m
WHERE m.is_transfer = 0
