{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_moveout_notices_notice_date', ['notice_date']) }}",
]) }}
-- Move-out notices received in the 24 months up to the latest snapshot date, rebuilt every run: a notice turns
-- from Pending to Completed once the source flags the move-out, and notices older than 24 months drop out.
-- The reference date is the latest batch date silver holds (not the run's batch date), so a past-date re-run
-- rebuilds exactly what the latest run built (CONTRACT.md invariant 2). is_transfer: a completed move-out that is a
-- room transfer (int_room_transfers; a pending notice is 0 until the move-out completes).
WITH as_of AS (
    SELECT MAX(snapshot_date) AS as_of_date FROM {{ ref('room_count_daily') }}
)

SELECT
    c.moving_id,
    c.tenant_id,
    c.apartment_id,
    c.room_id,
    c.moveout_receipt_date AS notice_date,
    c.moveout_date AS planned_moveout_date,
    DATEDIFF(c.moveout_date, c.moveout_receipt_date) AS notice_lead_days,
    CASE WHEN c.is_moveout = 1 THEN 'completed' ELSE 'pending' END AS notice_status,
    CASE WHEN c.is_moveout = 1 THEN '退去済' ELSE '退去予定' END AS notice_status_label_ja,
    CASE WHEN c.is_moveout = 1 THEN 'Completed' ELSE 'Pending' END AS notice_status_label_en,
    c.reason_moveout,
    c.reason_moveout_label_ja,
    c.reason_moveout_label_en,
    c.tenant_type,
    c.contract_rent,
    c.apartment_name,
    c.apartment_name_en,
    c.prefecture,
    a.as_of_date,
    CAST(CASE WHEN tr.moveout_moving_id IS NULL THEN 0 ELSE 1 END AS UNSIGNED) AS is_transfer
FROM {{ ref('int_contracts') }} AS c
CROSS JOIN as_of AS a
LEFT JOIN {{ ref('int_room_transfers') }} AS tr
    ON tr.moveout_moving_id = c.moving_id
WHERE c.cancel_flag = 0
    AND c.moveout_receipt_date IS NOT NULL
    AND c.moveout_receipt_date > DATE_SUB(a.as_of_date, INTERVAL 24 MONTH)
    AND c.moveout_receipt_date <= a.as_of_date
