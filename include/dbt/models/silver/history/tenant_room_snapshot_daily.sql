{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    full_refresh=false,
    pre_hook="{{ delete_batch_date_rows('snapshot_date') }}",
    post_hook=[
        {"sql": "{{ ensure_primary_key(this, ['snapshot_date', 'tenant_id', 'apartment_id', 'room_id']) }}", "transaction": false},
        {"sql": "{{ ensure_index(this, 'ix_trsd_date_room', ['snapshot_date', 'apartment_id', 'room_id']) }}", "transaction": false},
        {"sql": "{{ ensure_index(this, 'ix_trsd_date_primary', ['snapshot_date', 'is_room_primary']) }}", "transaction": false},
    ],
) }}
-- Date-keyed history: the tenant-room snapshot of the batch date (CONTRACT.md section 5), built from THIS batch's
-- raw tables (int_batch_*: schema = var batch_schema), never from the published staging, so that re-running a past
-- date rebuilds that date from that date's data. Each run replaces the batch date's rows (delete+insert).
{%- set present = present_statuses() %}
WITH current_contracts AS (
    SELECT
        {{ batch_date_literal() }} AS snapshot_date,
        t.tenant_id,
        m.apartment_id,
        m.room_id,
        m.moving_id,
        t.management_status_code,
        t.management_status_label_ja,
        t.management_status_label_en,
        CASE WHEN t.management_status_code IN {{ sql_list(present) }} THEN 1 ELSE 0 END AS is_present,
        m.tenant_type,
        m.moving_agreement_type,
        m.movein_date AS move_in_date,
        m.moveout_date,
        m.moveout_plans_date,
        m.moveout_date_integrated,
        m.moveout_date_raw,
        m.moveout_receipt_date,
        m.rent AS contract_rent
    FROM {{ ref('int_batch_tenants') }} AS t
    INNER JOIN {{ ref('int_batch_movings') }} AS m
        ON m.moving_id = t.current_moving_id
    WHERE t.management_status_code IN {{ sql_list(snapshot_statuses()) }}
      AND m.cancel_flag = 0
      AND m.is_moveout = 0
),

ranked AS (
    SELECT
        c.*,
        ROW_NUMBER() OVER (
            PARTITION BY c.apartment_id, c.room_id
            ORDER BY
                c.is_present DESC,
                FIELD(c.management_status_code, {{ primary_status_rank() | join(', ') }}),
                c.move_in_date DESC,
                c.tenant_id DESC
        ) AS room_rank
    FROM current_contracts AS c
)

SELECT
    snapshot_date,
    tenant_id,
    apartment_id,
    room_id,
    moving_id,
    management_status_code,
    management_status_label_ja,
    management_status_label_en,
    CAST(is_present AS UNSIGNED) AS is_present,
    CAST(CASE WHEN is_present = 1 AND room_rank = 1 THEN 1 ELSE 0 END AS UNSIGNED) AS is_room_primary,
    tenant_type,
    moving_agreement_type,
    move_in_date,
    moveout_date,
    moveout_plans_date,
    moveout_date_integrated,
    moveout_date_raw,
    moveout_receipt_date,
    contract_rent
FROM ranked
