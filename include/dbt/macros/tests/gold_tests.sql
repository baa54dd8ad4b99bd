{#- Every bucketing of gold.moveout_summary counts each move-out of gold.moveout_analysis exactly once: returns the
    bucket types whose total differs (or is missing while there are move-outs). -#}
{% test moveout_summary_adds_up(model, analysis) %}
with expected as (
    select count(*) as moveouts from {{ analysis }}
),

kinds as (
    select 'rent' as bucket_type
    union all select 'age'
    union all select 'tenure'
    union all select 'reason'
),

totals as (
    select
        bucket_type,
        sum(moveouts) as moveouts
    from {{ model }}
    group by bucket_type
)

select
    kinds.bucket_type,
    coalesce(totals.moveouts, 0) as summary_moveouts,
    expected.moveouts as expected_moveouts
from kinds
cross join expected
left join totals
    on totals.bucket_type = kinds.bucket_type
where coalesce(totals.moveouts, 0) <> expected.moveouts
{% endtest %}
