{{ config(materialized='ephemeral') }}
-- Room transfers (CONTRACT.md section 8): a completed move-out whose tenant has a non-cancelled moving for another
-- (apartment, room) moving in within 7 days of the move-out date, either side. One row per move-out: when several
-- movings qualify, the one moving in closest to the move-out (then the earliest, then the lowest id) is the new room.
with completed_moveouts as (
    select
        moving_id,
        tenant_id,
        apartment_id,
        room_id,
        moveout_date
    from {{ ref('int_contracts') }}
    where is_moveout = 1
        and cancel_flag = 0
        and moveout_date is not null
),

candidate_movings as (
    select
        o.moving_id as moveout_moving_id,
        o.tenant_id,
        o.moveout_date,
        m.moving_id as new_moving_id,
        m.apartment_id as new_apartment_id,
        m.room_id as new_room_id,
        m.movein_date as new_movein_date,
        row_number() over (
            partition by o.moving_id
            order by abs(datediff(m.movein_date, o.moveout_date)), m.movein_date, m.moving_id
        ) as candidate_rank
    from completed_moveouts as o
    inner join {{ ref('stg_movings') }} as m
        on m.tenant_id = o.tenant_id
        and m.cancel_flag = 0
        and not (m.apartment_id = o.apartment_id and m.room_id = o.room_id)
        and m.movein_date between date_sub(o.moveout_date, interval 7 day) and date_add(o.moveout_date, interval 7 day)
)

select
    moveout_moving_id,
    tenant_id,
    moveout_date,
    new_moving_id,
    new_apartment_id,
    new_room_id,
    new_movein_date
from candidate_movings
where candidate_rank = 1
