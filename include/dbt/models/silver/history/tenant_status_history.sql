{{ config(
    pre_hook="{{ keep_generations(this) }}",
    post_hook="{{ ensure_primary_key(this, ['tenant_id', 'valid_from']) }}",
) }}
{#- SCD2 of each tenant's (status, contract_type) from staging.tenant_daily_snapshots, rebuilt in full every run
    (a re-run past date rewrites its snapshot rows, so the whole history is recomputed, set-based).
    Gaps and islands: within a tenant's snapshots in date order, the row number minus the row number among the rows
    with the same (status, contract_type) is constant along a run of unchanged values and different for every
    later run of the same values (NULL contract_type partitions and groups like a value). One GROUP BY then turns
    each island into a period; the window over the (few) periods links each to its neighbours.
    Cost: two sorts of the whole snapshot table (README: measured timings). #}
with islands as (
    select
        snapshots.tenant_id,
        snapshots.snapshot_date,
        snapshots.status,
        snapshots.contract_type,
        row_number() over (partition by snapshots.tenant_id order by snapshots.snapshot_date)
        - row_number() over (
            partition by snapshots.tenant_id, snapshots.status, snapshots.contract_type
            order by snapshots.snapshot_date
        ) as island
    from {{ source('staging', 'tenant_daily_snapshots') }} as snapshots
),

periods as (
    select
        tenant_id,
        status,
        contract_type,
        min(snapshot_date) as valid_from,
        max(snapshot_date) as last_snapshot_date,
        count(*) as snapshot_count
    from islands
    group by tenant_id, status, contract_type, island
),

linked_periods as (
    select
        periods.*,
        row_number() over (partition by periods.tenant_id order by periods.valid_from) as period_number,
        lag(periods.status) over (partition by periods.tenant_id order by periods.valid_from) as previous_status,
        lead(periods.valid_from) over (partition by periods.tenant_id order by periods.valid_from) as next_valid_from
    from periods
)

select
    linked_periods.tenant_id,
    cast(linked_periods.period_number as unsigned) as period_number,
    linked_periods.status as management_status_code,
    tenant_statuses.label_ja as management_status_label_ja,
    tenant_statuses.label_en as management_status_label_en,
    linked_periods.contract_type as legacy_contract_type,
    linked_periods.previous_status as previous_management_status_code,
    linked_periods.valid_from,
    date_sub(linked_periods.next_valid_from, interval 1 day) as valid_to,
    case when linked_periods.next_valid_from is null then 1 else 0 end as is_current,
    linked_periods.last_snapshot_date,
    cast(linked_periods.snapshot_count as unsigned) as snapshot_count
from linked_periods
left join {{ ref('code_tenant_status') }} as tenant_statuses
    on tenant_statuses.code = linked_periods.status
