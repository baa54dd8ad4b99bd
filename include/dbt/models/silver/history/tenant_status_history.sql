{{ config(
    pre_hook="{{ keep_generations(this) }}",
    post_hook=[
        "{{ ensure_primary_key(this, ['tenant_id', 'valid_from']) }}",
        "{{ mark_snapshots_read() }}",
    ],
) }}
{#- SCD2 of each tenant's (status, contract_type) from staging.tenant_daily_snapshots. A new latest batch date is
    appended to the live table: each tenant with a row that day extends its open period or closes it and opens the
    next (one day's rows against the open periods, whatever the length of the history). Anything else rebuilds it
    in full, set-based (macros/status_history.sql says when appending is exact). Both ways end in the same
    `periods` and the same final select, so the table is the same either way.
    Full rebuild, gaps and islands: within a tenant's snapshots in date order, the row number minus the row number
    among the rows with the same (status, contract_type) is constant along a run of unchanged values and different
    for every later run of the same values (NULL contract_type partitions and groups like a value). One GROUP BY
    then turns each island into a period; the window over the (few) periods links each to its neighbours. #}
{%- set append_reason = status_history_append_reason() %}
with
{%- if append_reason %}
-- {{ append_reason }}
batch_snapshots as (
    select
        snapshots.tenant_id,
        snapshots.status,
        snapshots.contract_type
    from {{ source('staging', 'tenant_daily_snapshots') }} as snapshots
    where snapshots.snapshot_date = {{ batch_date_literal() }}
),

live_periods as (
    -- the table as the last build left it, in the column names and order of `periods`
    select
        history.tenant_id,
        history.period_number,
        history.management_status_code as status,
        history.legacy_contract_type as contract_type,
        history.previous_management_status_code as previous_status,
        history.valid_from,
        history.valid_to,
        history.is_current,
        history.last_snapshot_date,
        history.snapshot_count
    from {{ this }} as history
),

kept_periods as (
    -- closed periods, and the open ones of tenants the batch date has no row for: as they are
    select live_periods.*
    from live_periods
    where
        live_periods.is_current = 0
        or not exists (
            select 1 from batch_snapshots
            where batch_snapshots.tenant_id = live_periods.tenant_id
        )
),

open_periods_in_batch as (
    -- inner joins only (here and below): a column is NOT NULL exactly when the full rebuild's is
    select
        live_periods.*,
        batch_snapshots.status as batch_status,
        batch_snapshots.contract_type as batch_contract_type,
        case
            when
                live_periods.status = batch_snapshots.status
                and live_periods.contract_type <=> batch_snapshots.contract_type
                then 1
            else 0
        end as continues
    from batch_snapshots
    inner join live_periods
        on
            live_periods.tenant_id = batch_snapshots.tenant_id
            and live_periods.is_current = 1
),

continued_periods as (
    select
        tenant_id,
        period_number,
        status,
        contract_type,
        previous_status,
        valid_from,
        cast(null as date) as valid_to,
        1 as is_current,
        {{ batch_date_literal() }} as last_snapshot_date,
        snapshot_count + 1 as snapshot_count
    from open_periods_in_batch
    where continues = 1
),

closed_periods as (
    select
        tenant_id,
        period_number,
        status,
        contract_type,
        previous_status,
        valid_from,
        date_sub({{ batch_date_literal() }}, interval 1 day) as valid_to,
        0 as is_current,
        last_snapshot_date,
        snapshot_count
    from open_periods_in_batch
    where continues = 0
),

next_periods as (
    select
        tenant_id,
        period_number + 1 as period_number,
        batch_status as status,
        batch_contract_type as contract_type,
        status as previous_status,
        {{ batch_date_literal() }} as valid_from,
        cast(null as date) as valid_to,
        1 as is_current,
        {{ batch_date_literal() }} as last_snapshot_date,
        1 as snapshot_count
    from open_periods_in_batch
    where continues = 0
),

first_periods as (
    -- tenants the history has not seen before
    select
        batch_snapshots.tenant_id,
        1 as period_number,
        batch_snapshots.status,
        batch_snapshots.contract_type,
        cast(null as unsigned) as previous_status,
        {{ batch_date_literal() }} as valid_from,
        cast(null as date) as valid_to,
        1 as is_current,
        {{ batch_date_literal() }} as last_snapshot_date,
        1 as snapshot_count
    from batch_snapshots
    where not exists (
        select 1 from live_periods
        where live_periods.tenant_id = batch_snapshots.tenant_id
    )
),

periods as (
    select * from kept_periods
    union all
    select * from continued_periods
    union all
    select * from closed_periods
    union all
    select * from next_periods
    union all
    select * from first_periods
)
{%- else %}
islands as (
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

island_periods as (
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
        island_periods.*,
        row_number() over (partition by island_periods.tenant_id order by island_periods.valid_from) as period_number,
        lag(island_periods.status) over (
            partition by island_periods.tenant_id order by island_periods.valid_from
        ) as previous_status,
        lead(island_periods.valid_from) over (
            partition by island_periods.tenant_id order by island_periods.valid_from
        ) as next_valid_from
    from island_periods
),

periods as (
    select
        tenant_id,
        period_number,
        status,
        contract_type,
        previous_status,
        valid_from,
        date_sub(next_valid_from, interval 1 day) as valid_to,
        case when next_valid_from is null then 1 else 0 end as is_current,
        last_snapshot_date,
        snapshot_count
    from linked_periods
)
{%- endif %}

-- one projection for both ways, typed explicitly, so that the table's definition does not depend on the way
select
    cast(periods.tenant_id as unsigned) as tenant_id,
    cast(periods.period_number as unsigned) as period_number,
    cast(periods.status as unsigned) as management_status_code,
    tenant_statuses.label_ja as management_status_label_ja,
    tenant_statuses.label_en as management_status_label_en,
    cast(periods.contract_type as unsigned) as legacy_contract_type,
    cast(periods.previous_status as unsigned) as previous_management_status_code,
    cast(periods.valid_from as date) as valid_from,
    cast(periods.valid_to as date) as valid_to,
    cast(periods.is_current as unsigned) as is_current,
    cast(periods.last_snapshot_date as date) as last_snapshot_date,
    cast(periods.snapshot_count as unsigned) as snapshot_count
from periods
left join {{ ref('code_tenant_status') }} as tenant_statuses
    on tenant_statuses.code = periods.status
