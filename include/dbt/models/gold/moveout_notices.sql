{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_moveout_notices_notice_date', ['notice_date']) }}",
]) }}
{#- Move-out notices received in the 24 months up to the latest snapshot date, rebuilt every run: a notice turns
    from Pending to Completed once the source flags the move-out, and notices older than 24 months drop out.
    The reference date is the latest batch date silver holds (not the run's batch date), so a past-date re-run
    rebuilds exactly what the latest run built (CONTRACT.md invariant 2). is_transfer: a completed move-out that is
    a room transfer (int_room_transfers; a pending notice is 0 until the move-out completes). -#}
with latest_snapshot as (
    select max(room_counts.snapshot_date) as as_of_date
    from {{ ref('room_count_daily') }} as room_counts
)

select
    contracts.moving_id,
    contracts.tenant_id,
    contracts.apartment_id,
    contracts.room_id,
    contracts.moveout_receipt_date as notice_date,
    contracts.moveout_date as planned_moveout_date,
    datediff(contracts.moveout_date, contracts.moveout_receipt_date) as notice_lead_days,
    case when contracts.is_moveout = 1 then 'completed' else 'pending' end as notice_status,
    case when contracts.is_moveout = 1 then '退去済' else '退去予定' end as notice_status_label_ja,
    case when contracts.is_moveout = 1 then 'Completed' else 'Pending' end as notice_status_label_en,
    contracts.reason_moveout,
    contracts.reason_moveout_label_ja,
    contracts.reason_moveout_label_en,
    contracts.tenant_type,
    contracts.contract_rent,
    contracts.apartment_name,
    contracts.apartment_name_en,
    contracts.prefecture,
    latest_snapshot.as_of_date,
    cast(case when transfers.moveout_moving_id is null then 0 else 1 end as unsigned) as is_transfer
from {{ ref('int_contracts') }} as contracts
cross join latest_snapshot
left join {{ ref('int_room_transfers') }} as transfers
    on contracts.moving_id = transfers.moveout_moving_id
where
    contracts.cancel_flag = 0
    and contracts.moveout_receipt_date is not null
    and contracts.moveout_receipt_date > date_sub(latest_snapshot.as_of_date, interval 24 month)
    and contracts.moveout_receipt_date <= latest_snapshot.as_of_date
