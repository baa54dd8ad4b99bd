{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_moveouts_moveout_date', ['moveout_date']) }}",
]) }}
-- Completed move-outs (the source flags the contract moved out; cancelled contracts never moved in) with the
-- tenant's stay: from the first move-in of the contract to the silver move-out date, and the notice's lead time.
-- is_transfer = 1: the tenant moved to another room of ours within 7 days (int_room_transfers), not a customer lost.
SELECT
    moving_id,
    tenant_id,
    apartment_id,
    room_id,
    first_movein_date AS movein_date,
    moveout_date,
    DATEDIFF(moveout_date, first_movein_date) AS stay_days,
    TIMESTAMPDIFF(MONTH, first_movein_date, moveout_date) AS stay_months,
    moveout_receipt_date AS notice_date,
    DATEDIFF(moveout_date, moveout_receipt_date) AS notice_lead_days,
    reason_moveout,
    reason_moveout_label_ja,
    reason_moveout_label_en,
    contract_rent,
    tenant_type,
    gender_type,
    gender_label_ja,
    gender_label_en,
    age,
    nationality,
    affiliation_type,
    affiliation_type_label_ja,
    affiliation_type_label_en,
    apartment_name,
    apartment_name_en,
    prefecture,
    municipality,
    CAST(CASE WHEN moving_id IN (SELECT moveout_moving_id FROM {{ ref('int_room_transfers') }}) THEN 1 ELSE 0 END
        AS UNSIGNED) AS is_transfer
FROM {{ ref('int_contracts') }}
WHERE is_moveout = 1
    AND cancel_flag = 0
    AND moveout_date IS NOT NULL
