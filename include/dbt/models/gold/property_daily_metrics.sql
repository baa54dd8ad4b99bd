{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    full_refresh=false,
    pre_hook="{{ delete_window_rows('snapshot_date') }}",
    post_hook=[
        {"sql": "{{ ensure_primary_key(this, ['snapshot_date', 'apartment_id']) }}", "transaction": false},
    ],
) }}
-- Property performance (the portfolio view): one row per (fact date, property), CONTRACT.md section 8. Each run
-- rewrites the occupancy KPIs' fact days, [batch_date - lookback_days, as_of] (the snapshot dates from the window's
-- start on), and keeps older dates as they are; the first build covers every snapshot date. The properties of a
-- date are those its rooms dump names and those its snapshot rows name, so that summed over properties the day's
-- rooms, occupied rooms, move-ins and move-outs are gold.occupancy_daily_metrics' (section 6's fact-day rules).
with snapshot_rows as (
    select
        s.snapshot_date,
        s.apartment_id,
        s.room_id,
        s.is_room_primary,
        s.contract_rent,
        case when s.move_in_date = s.snapshot_date and s.management_status_code in (4, 5, 6, 7, 9)
            then 1 else 0 end as is_movein,
        case when s.moveout_plans_date = s.snapshot_date then 1 else 0 end as is_moveout,
        case when s.moveout_receipt_date is not null and s.moveout_date > s.snapshot_date
            then 1 else 0 end as is_pending_notice
    from {{ ref('tenant_room_snapshot_daily') }} as s
    {% if is_incremental() %}
    where s.snapshot_date >= {{ kpi_window_start() }}
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
        rc.snapshot_date,
        rc.apartment_id,
        rc.total_rooms
    from {{ ref('room_count_by_apartment_daily') }} as rc
    inner join fact_dates as f
        on f.snapshot_date = rc.snapshot_date
),

counted_dates as (
    -- dates with a per-property room count (none before that history began: total_rooms is NULL then)
    select distinct snapshot_date
    from room_counts
),

property_days as (
    select snapshot_date, apartment_id from snapshot_by_property
    union
    select snapshot_date, apartment_id from room_counts
),

metrics as (
    select
        d.snapshot_date,
        d.apartment_id,
        case when cd.snapshot_date is null then null else coalesce(rc.total_rooms, 0) end as total_rooms,
        coalesce(sp.occupied_rooms, 0) as occupied_rooms,
        coalesce(sp.new_moveins, 0) as new_moveins,
        coalesce(sp.new_moveouts, 0) as new_moveouts,
        coalesce(sp.pending_moveout_notices, 0) as pending_moveout_notices,
        sp.avg_contract_rent
    from property_days as d
    left join snapshot_by_property as sp
        on sp.snapshot_date = d.snapshot_date
        and sp.apartment_id = d.apartment_id
    left join room_counts as rc
        on rc.snapshot_date = d.snapshot_date
        and rc.apartment_id = d.apartment_id
    left join counted_dates as cd
        on cd.snapshot_date = d.snapshot_date
)

select
    m.snapshot_date,
    m.apartment_id,
    a.apartment_name,
    a.apartment_name_en,
    a.prefecture,
    a.municipality,
    cast(m.total_rooms as unsigned) as total_rooms,
    cast(m.occupied_rooms as unsigned) as occupied_rooms,
    round(cast(m.occupied_rooms as decimal(20, 10)) / nullif(m.total_rooms, 0), 4) as occupancy_rate,
    cast(m.new_moveins as unsigned) as new_moveins,
    cast(m.new_moveouts as unsigned) as new_moveouts,
    cast(m.pending_moveout_notices as unsigned) as pending_moveout_notices,
    round(m.avg_contract_rent, 0) as avg_contract_rent
from metrics as m
left join {{ ref('stg_apartments') }} as a
    on a.apartment_id = m.apartment_id
