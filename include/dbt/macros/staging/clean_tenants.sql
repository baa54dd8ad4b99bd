{#-
  clean_tenants(relation): the cleaned SELECT of a raw `tenants` table, the SQL of stg_tenants and int_batch_tenants.
  The relation is the published `staging` table for the stg_* model, this run's batch (var `batch_schema`)
  for the int_batch_* one, so both paths share exactly the same rules, names and labels.
  Only contract columns are read: extra dump columns are ignored. The cleaning rules (CONTRACT.md section 3) are
  macros/cleaning.sql; the labels (Japanese and English) come from the code seeds.
-#}
{% macro clean_tenants(relation) -%}
select
    tenants.id as tenant_id,
    tenants.status as management_status_code,
    tenant_statuses.label_ja as management_status_label_ja,
    tenant_statuses.label_en as management_status_label_en,
    tenants.moving_id as current_moving_id,
    tenants.contract_type as legacy_contract_type,
    {{ clean_text('tenants.full_name') }} as full_name,
    {{ clean_text('tenants.last_name') }} as last_name,
    {{ clean_text('tenants.first_name') }} as first_name,
    tenants.gender_type,
    genders.label_ja as gender_label_ja,
    genders.label_en as gender_label_en,
    {{ clean_date('tenants.birth_date') }} as birth_date,
    tenants.age,
    {{ clean_nationality('tenants.nationality') }} as nationality,
    {{ clean_text('tenants.personal_identity') }} as personal_identity,
    personal_identities.code as personal_identity_code,
    personal_identities.label_ja as personal_identity_label_ja,
    personal_identities.label_en as personal_identity_label_en,
    {{ clean_text('tenants.affiliation') }} as affiliation,
    tenants.affiliation_type,
    affiliation_types.label_ja as affiliation_type_label_ja,
    affiliation_types.label_en as affiliation_type_label_en,
    tenants.media_id,
    tenants.reason_moveout,
    moveout_reasons.label_ja as reason_moveout_label_ja,
    moveout_reasons.label_en as reason_moveout_label_en,
    tenants.inquiry_id,
    {{ clean_date('tenants.created_at') }} as created_at,
    {{ clean_date('tenants.updated_at') }} as updated_at
from {{ relation }} as tenants
left join {{ ref('code_tenant_status') }} as tenant_statuses
    on tenant_statuses.code = tenants.status
left join {{ ref('code_gender') }} as genders
    on genders.code = tenants.gender_type
left join {{ ref('code_personal_identity') }} as personal_identities
    on personal_identities.code = {{ numeric_code('tenants.personal_identity') }}
left join {{ ref('code_affiliation_type') }} as affiliation_types
    on affiliation_types.code = tenants.affiliation_type
left join {{ ref('code_moveout_reason') }} as moveout_reasons
    on moveout_reasons.code = tenants.reason_moveout
{%- endmacro %}
