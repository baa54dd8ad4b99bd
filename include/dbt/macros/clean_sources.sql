{#-
  One cleaned SELECT per raw source table, parameterised by the relation it reads. The stg_* models apply them to
  the published `staging` tables, the ephemeral int_batch_* models to this run's batch (`batch_schema` var), so both
  paths share exactly the same rules, names and labels. Only contract columns are read: extra dump columns are
  ignored. Labels come from the code seeds (Japanese and English).
-#}

{% macro clean_movings(relation) -%}
SELECT
    m.id AS moving_id,
    m.tenant_id,
    m.apartment_id,
    m.room_id,
    m.moving_agreement_type,
    ct.label_ja AS moving_agreement_type_label_ja,
    ct.label_en AS moving_agreement_type_label_en,
    {{ tenant_type('ct') }} AS tenant_type,
    {{ clean_date('m.movein_decided_date') }} AS movein_decided_date,
    {{ clean_date('m.movein_date') }} AS movein_date,
    {{ clean_date('m.original_movein_date') }} AS original_movein_date,
    {{ clean_date('m.rent_start_date') }} AS rent_start_date,
    {{ clean_date('m.expiration_date') }} AS expiration_date,
    {{ clean_date('m.moveout_receipt_date') }} AS moveout_receipt_date,
    {{ silver_moveout_date('m.moveout_date_integrated', 'm.moveout_plans_date', 'm.moveout_date') }} AS moveout_date,
    {{ clean_date('m.moveout_date') }} AS moveout_date_raw,
    {{ clean_date('m.moveout_plans_date') }} AS moveout_plans_date,
    {{ clean_date('m.moveout_date_integrated') }} AS moveout_date_integrated,
    m.move_renew_flag,
    m.cancel_flag,
    m.is_moveout,
    m.rent,
    {{ clean_date('m.created_at') }} AS created_at,
    {{ clean_date('m.updated_at') }} AS updated_at
FROM {{ relation }} AS m
LEFT JOIN {{ ref('code_contract_type') }} AS ct
    ON ct.code = m.moving_agreement_type
{%- endmacro %}

{% macro clean_tenants(relation) -%}
SELECT
    t.id AS tenant_id,
    t.status AS management_status_code,
    st.label_ja AS management_status_label_ja,
    st.label_en AS management_status_label_en,
    t.moving_id AS current_moving_id,
    t.contract_type AS legacy_contract_type,
    {{ clean_text('t.full_name') }} AS full_name,
    {{ clean_text('t.last_name') }} AS last_name,
    {{ clean_text('t.first_name') }} AS first_name,
    t.gender_type,
    g.label_ja AS gender_label_ja,
    g.label_en AS gender_label_en,
    {{ clean_date('t.birth_date') }} AS birth_date,
    t.age,
    {{ clean_nationality('t.nationality') }} AS nationality,
    {{ clean_text('t.personal_identity') }} AS personal_identity,
    pi.code AS personal_identity_code,
    pi.label_ja AS personal_identity_label_ja,
    pi.label_en AS personal_identity_label_en,
    {{ clean_text('t.affiliation') }} AS affiliation,
    t.affiliation_type,
    af.label_ja AS affiliation_type_label_ja,
    af.label_en AS affiliation_type_label_en,
    t.media_id,
    t.reason_moveout,
    mr.label_ja AS reason_moveout_label_ja,
    mr.label_en AS reason_moveout_label_en,
    t.inquiry_id,
    {{ clean_date('t.created_at') }} AS created_at,
    {{ clean_date('t.updated_at') }} AS updated_at
FROM {{ relation }} AS t
LEFT JOIN {{ ref('code_tenant_status') }} AS st
    ON st.code = t.status
LEFT JOIN {{ ref('code_gender') }} AS g
    ON g.code = t.gender_type
LEFT JOIN {{ ref('code_personal_identity') }} AS pi
    ON pi.code = {{ numeric_code('t.personal_identity') }}
LEFT JOIN {{ ref('code_affiliation_type') }} AS af
    ON af.code = t.affiliation_type
LEFT JOIN {{ ref('code_moveout_reason') }} AS mr
    ON mr.code = t.reason_moveout
{%- endmacro %}

{% macro clean_apartments(relation) -%}
SELECT
    a.id AS apartment_id,
    {{ clean_text('a.unique_number') }} AS unique_number,
    {{ clean_text('a.apartment_name') }} AS apartment_name,
    {{ clean_text('a.apartment_name_en') }} AS apartment_name_en,
    {{ clean_text('a.prefecture') }} AS prefecture,
    {{ clean_text('a.municipality') }} AS municipality,
    {{ clean_text('a.address') }} AS address,
    {{ clean_text('a.zip_code') }} AS zip_code,
    {{ tokyo_coordinate('a.latitude', 'a.latitude', 'a.longitude') }} AS latitude,
    {{ tokyo_coordinate('a.longitude', 'a.latitude', 'a.longitude') }} AS longitude,
    a.latitude AS latitude_raw,
    a.longitude AS longitude_raw,
    CASE WHEN {{ in_tokyo_box('a.latitude', 'a.longitude') }} THEN 1 ELSE 0 END AS has_valid_coordinates,
    a.room_count,
    {{ clean_date('a.created_at') }} AS created_at,
    {{ clean_date('a.updated_at') }} AS updated_at
FROM {{ relation }} AS a
{%- endmacro %}

{% macro clean_rooms(relation) -%}
SELECT
    r.id AS room_id,
    r.apartment_id,
    {{ clean_text('r.room_number') }} AS room_number,
    r.rent,
    r.room_floor,
    r.capacity,
    r.gender_type,
    g.label_ja AS gender_label_ja,
    g.label_en AS gender_label_en,
    r.status AS room_status,
    r.moving_id AS current_moving_id,
    {{ clean_date('r.created_at') }} AS created_at,
    {{ clean_date('r.updated_at') }} AS updated_at
FROM {{ relation }} AS r
LEFT JOIN {{ ref('code_gender') }} AS g
    ON g.code = r.gender_type
{%- endmacro %}

{% macro clean_inquiries(relation) -%}
SELECT
    i.id AS inquiry_id,
    i.tenant_id,
    {{ clean_text('i.channel') }} AS channel,
    {{ clean_date('i.created_at') }} AS created_at,
    {{ clean_date('i.updated_at') }} AS updated_at
FROM {{ relation }} AS i
{%- endmacro %}
