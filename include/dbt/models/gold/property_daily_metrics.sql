{{ date_keyed_history_config(
    primary_key=['snapshot_date', 'apartment_id'],
    pre_hook="{{ delete_window_rows('snapshot_date') }}",
) }}
{#- Property performance (the portfolio view): one row per (fact date, property), CONTRACT.md section 8. Each run
    rewrites the occupancy KPIs' fact days, [batch_date - lookback_days, as_of] (the snapshot dates from the
    window's start on), and keeps older dates as they are; the first build covers every snapshot date. The
    properties of a date are those its rooms dump names and those its snapshot rows name, so that summed over
    properties the day's rooms, occupied rooms, move-ins and move-outs are gold.occupancy_daily_metrics' (section
    6's fact-day rules). -#}
with snapshot_rows as (
    select
        snapshots.snapshot_date,
        snapshots.apartment_id,
        snapshots.room_id,
        snapshots.is_room_primary,
        snapshots.contract_rent,
        case
            when
                snapshots.move_in_date = snapshots.snapshot_date
                and snapshots.management_status_code in {{ sql_list(movein_statuses()) }}
                then 1
            else 0
        end as is_movein,
        case when snapshots.moveout_plans_date = snapshots.snapshot_date then 1 else 0 end as is_moveout,
        case
            when snapshots.moveout_receipt_date is not null and snapshots.moveout_date > snapshots.snapshot_date
                then 1
            else 0
        end as is_pending_notice
    from {{ ref('tenant_room_snapshot_daily') }} as snapshots
    {% if is_incremental() %}
    where snapshots.snapshot_date >= {{ kpi_window_start() }}
    {% endif %}
),

fact_dates as (
    select distinct snapshot_date
    from snapshot_rows
),

snapshot_by_property as (
    select
        snapshot_date,
        apartment_id,
        sum(case when is_room_primary = 1 then 1 else 0 end) as occupied_rooms,
        count(distinct case when is_movein = 1 then room_id end) as new_moveins,
        count(distinct case when is_moveout = 1 then room_id end) as new_moveouts,
        sum(is_pending_notice) as pending_moveout_notices,
        avg(case when is_room_primary = 1 then contract_rent end) as avg_contract_rent
    from snapshot_rows
    group by snapshot_date, apartment_id
),

room_counts as (
    select
        room_counts_by_property.snapshot_date,
        room_counts_by_property.apartment_id,
        room_counts_by_property.total_rooms
    from {{ ref('room_count_by_apartment_daily') }} as room_counts_by_property
    inner join fact_dates
        on room_counts_by_property.snapshot_date = fact_dates.snapshot_date
),

counted_dates as (
    {#- dates with a per-property room count (none before that history began: total_rooms is NULL then) -#}
    select distinct snapshot_date
    from room_counts
),

property_days as (
    select
        snapshot_date,
        apartment_id
    from snapshot_by_property
    union distinct
    select
        snapshot_date,
        apartment_id
    from room_counts
),

metrics as (
    select
        property_days.snapshot_date,
        property_days.apartment_id,
        case
            when counted_dates.snapshot_date is null then null else coalesce(room_counts.total_rooms, 0)
        end as total_rooms,
        coalesce(snapshot_by_property.occupied_rooms, 0) as occupied_rooms,
        coalesce(snapshot_by_property.new_moveins, 0) as new_moveins,
        coalesce(snapshot_by_property.new_moveouts, 0) as new_moveouts,
        coalesce(snapshot_by_property.pending_moveout_notices, 0) as pending_moveout_notices,
        snapshot_by_property.avg_contract_rent
    from property_days
    left join snapshot_by_property
        on
            property_days.snapshot_date = snapshot_by_property.snapshot_date
            and property_days.apartment_id = snapshot_by_property.apartment_id
    left join room_counts
        on
            property_days.snapshot_date = room_counts.snapshot_date
            and property_days.apartment_id = room_counts.apartment_id
    left join counted_dates
        on property_days.snapshot_date = counted_dates.snapshot_date
)

select
    metrics.snapshot_date,
    metrics.apartment_id,
    apartments.apartment_name,
    apartments.apartment_name_en,
    apartments.prefecture,
    apartments.municipality,
    cast(metrics.total_rooms as unsigned) as total_rooms,
    cast(metrics.occupied_rooms as unsigned) as occupied_rooms,
    round(cast(metrics.occupied_rooms as decimal(20, 10)) / nullif(metrics.total_rooms, 0), 4) as occupancy_rate,
    cast(metrics.new_moveins as unsigned) as new_moveins,
    cast(metrics.new_moveouts as unsigned) as new_moveouts,
    cast(metrics.pending_moveout_notices as unsigned) as pending_moveout_notices,
    round(metrics.avg_contract_rent, 0) as avg_contract_rent
from metrics
left join {{ ref('stg_apartments') }} as apartments
    on metrics.apartment_id = apartments.apartment_id
