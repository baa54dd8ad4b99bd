{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    full_refresh=false,
    pre_hook="{{ delete_batch_date_rows('snapshot_date') }}",
    post_hook=[
        {"sql": "{{ ensure_primary_key(this, ['snapshot_date']) }}", "transaction": false},
    ],
) }}
-- Date-keyed history: the number of rooms in the batch date's rooms dump (CONTRACT.md section 5), read from this
-- batch's raw rooms (int_batch_rooms: schema = var batch_schema). Each run replaces the batch date's row.
SELECT
    {{ batch_date_literal() }} AS snapshot_date,
    CAST(COUNT(*) AS UNSIGNED) AS total_rooms
FROM {{ ref('int_batch_rooms') }} AS r
