{#-
  clean_movings(relation): the cleaned SELECT of a raw `movings` table, the SQL of stg_movings and int_batch_movings.
  The relation is the published `staging` table for the stg_* model, this run's batch (var `batch_schema`)
  for the int_batch_* one, so both paths share exactly the same rules, names and labels.
  Only contract columns are read: extra dump columns are ignored. The cleaning rules (CONTRACT.md section 3) are
  macros/cleaning.sql; the labels (Japanese and English) come from the code seeds.
-#}
{% macro clean_movings(relation) -%}
select
    movings.id as moving_id,
    movings.tenant_id,
    movings.apartment_id,
    movings.room_id,
    movings.moving_agreement_type,
    contract_types.label_ja as moving_agreement_type_label_ja,
    contract_types.label_en as moving_agreement_type_label_en,
    {{ tenant_type('contract_types') }} as tenant_type,
    {{ clean_date('movings.movein_decided_date') }} as movein_decided_date,
    {{ clean_date('movings.movein_date') }} as movein_date,
    {{ clean_date('movings.original_movein_date') }} as original_movein_date,
    {{ clean_date('movings.rent_start_date') }} as rent_start_date,
    {{ clean_date('movings.expiration_date') }} as expiration_date,
    {{ clean_date('movings.moveout_receipt_date') }} as moveout_receipt_date,
    {{ silver_moveout_date('movings.moveout_date_integrated', 'movings.moveout_plans_date', 'movings.moveout_date') }}
        as moveout_date,
    {{ clean_date('movings.moveout_date') }} as moveout_date_raw,
    {{ clean_date('movings.moveout_plans_date') }} as moveout_plans_date,
    {{ clean_date('movings.moveout_date_integrated') }} as moveout_date_integrated,
    movings.move_renew_flag,
    movings.cancel_flag,
    movings.is_moveout,
    movings.rent,
    {{ clean_date('movings.created_at') }} as created_at,
    {{ clean_date('movings.updated_at') }} as updated_at
from {{ relation }} as movings
left join {{ ref('code_contract_type') }} as contract_types
    on contract_types.code = movings.moving_agreement_type
{%- endmacro %}
