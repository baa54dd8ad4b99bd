{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_new_contracts_contract_date', ['contract_date']) }}",
]) }}
-- Valid (not cancelled) contracts signed since 2018-01-01, with the tenant's demographics and the property's place.
-- contract_date: the signing date (movein_decided_date), else the move-in date when the source left it empty.
WITH contracts AS (
    SELECT
        c.*,
        COALESCE(CAST(c.movein_decided_date AS DATE), c.movein_date) AS contract_date
    FROM {{ ref('int_contracts') }} AS c
    WHERE c.cancel_flag = 0
)

SELECT
    moving_id,
    tenant_id,
    apartment_id,
    room_id,
    contract_date,
    movein_date,
    contract_rent,
    moving_agreement_type,
    moving_agreement_type_label_ja,
    moving_agreement_type_label_en,
    tenant_type,
    gender_type,
    gender_label_ja,
    gender_label_en,
    age,
    {{ bucket_columns('age', 'age', age_buckets(), age_top()) }},
    nationality,
    affiliation_type,
    affiliation_type_label_ja,
    affiliation_type_label_en,
    personal_identity_code,
    personal_identity_label_ja,
    personal_identity_label_en,
    apartment_name,
    apartment_name_en,
    prefecture,
    municipality,
    latitude,
    longitude
FROM contracts
WHERE contract_date >= '2018-01-01'
