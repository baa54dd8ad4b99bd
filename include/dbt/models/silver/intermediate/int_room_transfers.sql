{{ config(materialized='ephemeral') }}
{#- Room transfers (CONTRACT.md section 8): a completed move-out whose tenant has a non-cancelled moving for another
    (apartment, room) moving in within 7 days of the move-out date, either side. One row per move-out: when several
    movings qualify, the one moving in closest to the move-out (then the earliest, then the lowest id) is the new
    room. #}
with completed_moveouts as (
    select
        moving_id,
        tenant_id,
        apartment_id,
        room_id,
        moveout_date
    from {{ ref('int_contracts') }}
    where
        is_moveout = 1
        and cancel_flag = 0
        and moveout_date is not null
),

candidate_movings as (
    select
        moveouts.moving_id as moveout_moving_id,
        moveouts.tenant_id,
        moveouts.moveout_date,
        movings.moving_id as new_moving_id,
        movings.apartment_id as new_apartment_id,
        movings.room_id as new_room_id,
        movings.movein_date as new_movein_date,
        row_number() over (
            partition by moveouts.moving_id
            order by
                abs(datediff(movings.movein_date, moveouts.moveout_date)),
                movings.movein_date,
                movings.moving_id
        ) as candidate_rank
    from completed_moveouts as moveouts
    inner join {{ ref('stg_movings') }} as movings
        on
            movings.tenant_id = moveouts.tenant_id
            and movings.cancel_flag = 0
            and not (movings.apartment_id = moveouts.apartment_id and movings.room_id = moveouts.room_id)
            and movings.movein_date between date_sub(moveouts.moveout_date, interval 7 day)
            and date_add(moveouts.moveout_date, interval 7 day)
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
