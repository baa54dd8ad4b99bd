{#-
  clean_inquiries(relation): the cleaned SELECT of a raw `inquiries` table, the SQL of stg_inquiries.
  It reads the published `staging` table; no date-keyed model reads this table's batch, so there is no int_batch_*
  model sharing it (a macro keeps it like the other stg_* models, one hop away).
  Only contract columns are read: extra dump columns are ignored. The cleaning rules (CONTRACT.md section 3) are
  macros/cleaning.sql; the labels (Japanese and English) come from the code seeds.
-#}
{% macro clean_inquiries(relation) -%}
select
    inquiries.id as inquiry_id,
    inquiries.tenant_id,
    {{ clean_text('inquiries.channel') }} as channel,
    {{ clean_date('inquiries.created_at') }} as created_at,
    {{ clean_date('inquiries.updated_at') }} as updated_at
from {{ relation }} as inquiries
{%- endmacro %}
