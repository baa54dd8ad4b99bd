{{ config(pre_hook="{{ keep_generations(this) }}", post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_int_contracts_tenant_room', ['tenant_id', 'apartment_id', 'room_id'], unique=true) }}",
]) }}
-- The denormalised contract fact, one row per (tenant, apartment, room): the latest moving of each group.
-- Repeated movings of one tenant in one room are versions of one contract (a renewal starts a new moving and leaves
-- the old one open with no move-out dates; a cancelled applicant who applies again gets a new moving): the latest
-- by movein_date, then id, carries the contract's current state. LEFT joins: orphan movings survive.
WITH ranked AS (
    SELECT
        m.*,
        ROW_NUMBER() OVER (
            PARTITION BY m.tenant_id, m.apartment_id, m.room_id
            ORDER BY m.movein_date DESC, m.moving_id DESC
        ) AS version_rank,
        COUNT(*) OVER (PARTITION BY m.tenant_id, m.apartment_id, m.room_id) AS movings_in_contract,
        MIN(m.movein_date) OVER (PARTITION BY m.tenant_id, m.apartment_id, m.room_id) AS first_movein_date
    FROM {{ ref('stg_movings') }} AS m
)

SELECT
    c.moving_id,
    c.tenant_id,
    c.apartment_id,
    c.room_id,
    c.movings_in_contract,
    c.first_movein_date,
    CASE WHEN t.current_moving_id = c.moving_id THEN 1 ELSE 0 END AS is_tenant_current_contract,
    c.moving_agreement_type,
    c.moving_agreement_type_label_ja,
    c.moving_agreement_type_label_en,
    c.tenant_type,
    c.movein_decided_date,
    c.movein_date,
    c.original_movein_date,
    c.rent_start_date,
    c.expiration_date,
    c.moveout_receipt_date,
    c.moveout_date,
    c.moveout_date_raw,
    c.moveout_plans_date,
    c.moveout_date_integrated,
    c.move_renew_flag,
    c.cancel_flag,
    c.is_moveout,
    c.rent AS contract_rent,
    c.created_at,
    c.updated_at,
    CASE WHEN t.tenant_id IS NULL THEN 0 ELSE 1 END AS has_tenant,
    t.management_status_code,
    t.management_status_label_ja,
    t.management_status_label_en,
    t.full_name,
    t.gender_type,
    t.gender_label_ja,
    t.gender_label_en,
    t.birth_date,
    t.age,
    t.nationality,
    t.personal_identity_code,
    t.personal_identity_label_ja,
    t.personal_identity_label_en,
    t.affiliation,
    t.affiliation_type,
    t.affiliation_type_label_ja,
    t.affiliation_type_label_en,
    t.media_id,
    t.reason_moveout,
    t.reason_moveout_label_ja,
    t.reason_moveout_label_en,
    CASE WHEN r.room_id IS NULL THEN 0 ELSE 1 END AS has_room,
    r.room_number,
    r.rent AS room_rent,
    r.room_floor,
    r.capacity AS room_capacity,
    r.gender_type AS room_gender_type,
    CASE WHEN a.apartment_id IS NULL THEN 0 ELSE 1 END AS has_apartment,
    a.unique_number AS apartment_unique_number,
    a.apartment_name,
    a.apartment_name_en,
    a.prefecture,
    a.municipality,
    a.latitude,
    a.longitude
FROM ranked AS c
LEFT JOIN {{ ref('stg_tenants') }} AS t
    ON t.tenant_id = c.tenant_id
LEFT JOIN {{ ref('stg_rooms') }} AS r
    ON r.room_id = c.room_id
LEFT JOIN {{ ref('stg_apartments') }} AS a
    ON a.apartment_id = c.apartment_id
WHERE c.version_rank = 1
