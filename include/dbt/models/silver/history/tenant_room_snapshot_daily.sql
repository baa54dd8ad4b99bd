{{ date_keyed_history_config(
    primary_key=['snapshot_date', 'tenant_id', 'apartment_id', 'room_id'],
    indexes={
        'ix_trsd_date_room': ['snapshot_date', 'apartment_id', 'room_id'],
        'ix_trsd_date_primary': ['snapshot_date', 'is_room_primary'],
    },
) }}
{#- Date-keyed history: the tenant-room snapshot of the batch date (CONTRACT.md section 5), built from THIS batch's
    raw tables (int_batch_*: schema = var batch_schema), never from the published staging, so that re-running a past
    date rebuilds that date from that date's data. Each run replaces the batch date's rows (delete+insert). #}
with current_contracts as (
    select
        {{ batch_date_literal() }} as snapshot_date,
        tenants.tenant_id,
        movings.apartment_id,
        movings.room_id,
        movings.moving_id,
        tenants.management_status_code,
        tenants.management_status_label_ja,
        tenants.management_status_label_en,
        case when tenants.management_status_code in {{ sql_list(present_statuses()) }} then 1 else 0 end as is_present,
        movings.tenant_type,
        movings.moving_agreement_type,
        movings.movein_date as move_in_date,
        movings.moveout_date,
        movings.moveout_plans_date,
        movings.moveout_date_integrated,
        movings.moveout_date_raw,
        movings.moveout_receipt_date,
        movings.rent as contract_rent
    from {{ ref('int_batch_tenants') }} as tenants
    inner join {{ ref('int_batch_movings') }} as movings
        on movings.moving_id = tenants.current_moving_id
    where
        tenants.management_status_code in {{ sql_list(snapshot_statuses()) }}
        and movings.cancel_flag = 0
        and movings.is_moveout = 0
),

ranked_in_room as (
    select
        current_contracts.*,
        row_number() over (
            partition by current_contracts.apartment_id, current_contracts.room_id
            order by
                current_contracts.is_present desc,
                field(current_contracts.management_status_code, {{ primary_status_rank() | join(', ') }}),
                current_contracts.move_in_date desc,
                current_contracts.tenant_id desc
        ) as room_rank
    from current_contracts
)

select
    snapshot_date,
    tenant_id,
    apartment_id,
    room_id,
    moving_id,
    management_status_code,
    management_status_label_ja,
    management_status_label_en,
    cast(is_present as unsigned) as is_present,
    cast(case when is_present = 1 and room_rank = 1 then 1 else 0 end as unsigned) as is_room_primary,
    tenant_type,
    moving_agreement_type,
    move_in_date,
    moveout_date,
    moveout_plans_date,
    moveout_date_integrated,
    moveout_date_raw,
    moveout_receipt_date,
    contract_rent
from ranked_in_room
