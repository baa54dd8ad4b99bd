{{ config(post_hook="{{ ensure_primary_key(this, ['moveout_month', 'bucket_type', 'bucket', 'prefecture', 'tenant_type']) }}") }}
{#- Move-outs that are not room transfers (gold.moveout_analysis), aggregated by month, prefecture and tenant type,
    once per bucketing (bucket_type rent / age / tenure / reason):
    one long table instead of a cube, so each dashboard filter is a WHERE on bucket_type. -#}
with moveouts_by_bucketing as (
    {% for kind in ['rent', 'age', 'tenure', 'reason'] %}
    select
        analysis.moveout_month,
        '{{ kind }}' as bucket_type,
        analysis.{{ kind }}_bucket as bucket,
        analysis.{{ kind }}_bucket_label_ja as bucket_label_ja,
        analysis.{{ kind }}_bucket_label_en as bucket_label_en,
        coalesce(analysis.prefecture, '') as prefecture,
        analysis.tenant_type,
        analysis.stay_days,
        analysis.notice_lead_days,
        analysis.contract_rent
    from {{ ref('moveout_analysis') }} as analysis
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    moveout_month,
    bucket_type,
    bucket,
    max(bucket_label_ja) as bucket_label_ja,
    max(bucket_label_en) as bucket_label_en,
    prefecture,
    tenant_type,
    count(*) as moveouts,
    round(avg(stay_days), 1) as avg_stay_days,
    round(avg(notice_lead_days), 1) as avg_notice_lead_days,
    round(avg(contract_rent), 0) as avg_contract_rent
from moveouts_by_bucketing
group by moveout_month, bucket_type, bucket, prefecture, tenant_type
