{{ config(post_hook="{{ ensure_primary_key(this, ['moving_id']) }}") }}
{#- Each completed move-out that is not a room transfer (a tenant who moved to another of our rooms did not leave),
    with its rent, age, tenure and reason buckets (keys sort; Japanese and English labels). -#}
select
    moveouts.moving_id,
    moveouts.moveout_date,
    cast(date_format(moveouts.moveout_date, '%Y-%m-01') as date) as moveout_month,
    moveouts.stay_days,
    moveouts.stay_months,
    moveouts.notice_lead_days,
    moveouts.contract_rent,
    moveouts.age,
    moveouts.tenant_type,
    moveouts.prefecture,
    moveouts.reason_moveout,
    moveouts.reason_moveout_label_ja,
    moveouts.reason_moveout_label_en,
    {{ bucket_columns('rent', 'moveouts.contract_rent', rent_buckets(), rent_top()) }},
    {{ bucket_columns('age', 'moveouts.age', age_buckets(), age_top()) }},
    {{ bucket_columns('tenure', 'moveouts.stay_months', tenure_buckets(), tenure_top()) }},
    {{ reason_bucket_columns('moveouts') }}
from {{ ref('moveouts') }} as moveouts
where moveouts.is_transfer = 0
