{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_moveouts_moveout_date', ['moveout_date']) }}",
]) }}
{#- Completed move-outs (the source flags the contract moved out; cancelled contracts never moved in) with the
    tenant's stay: from the first move-in of the contract to the silver move-out date, and the notice's lead time.
    is_transfer = 1: the tenant moved to another room of ours within 7 days (int_room_transfers), not a customer
    lost. -#}
select
    contracts.moving_id,
    contracts.tenant_id,
    contracts.apartment_id,
    contracts.room_id,
    contracts.first_movein_date as movein_date,
    contracts.moveout_date,
    datediff(contracts.moveout_date, contracts.first_movein_date) as stay_days,
    timestampdiff(month, contracts.first_movein_date, contracts.moveout_date) as stay_months,
    contracts.moveout_receipt_date as notice_date,
    datediff(contracts.moveout_date, contracts.moveout_receipt_date) as notice_lead_days,
    contracts.reason_moveout,
    contracts.reason_moveout_label_ja,
    contracts.reason_moveout_label_en,
    contracts.contract_rent,
    contracts.tenant_type,
    contracts.gender_type,
    contracts.gender_label_ja,
    contracts.gender_label_en,
    contracts.age,
    contracts.nationality,
    contracts.affiliation_type,
    contracts.affiliation_type_label_ja,
    contracts.affiliation_type_label_en,
    contracts.apartment_name,
    contracts.apartment_name_en,
    contracts.prefecture,
    contracts.municipality,
    cast(
        case
            when contracts.moving_id in (
                select transfers.moveout_moving_id from {{ ref('int_room_transfers') }} as transfers
            ) then 1
            else 0
        end as unsigned
    ) as is_transfer
from {{ ref('int_contracts') }} as contracts
where
    contracts.is_moveout = 1
    and contracts.cancel_flag = 0
    and contracts.moveout_date is not null
