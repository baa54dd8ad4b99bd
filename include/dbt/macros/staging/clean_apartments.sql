{#-
  clean_apartments(relation): the cleaned SELECT of a raw `apartments` table, the SQL of stg_apartments.
  It reads the published `staging` table; no date-keyed model reads this table's batch, so there is no int_batch_*
  model sharing it (a macro keeps it like the other stg_* models, one hop away).
  Only contract columns are read: extra dump columns are ignored. The cleaning rules (CONTRACT.md section 3) are
  macros/cleaning.sql; the labels (Japanese and English) come from the code seeds.
-#}
{% macro clean_apartments(relation) -%}
select
    apartments.id as apartment_id,
    {{ clean_text('apartments.unique_number') }} as unique_number,
    {{ clean_text('apartments.apartment_name') }} as apartment_name,
    {{ clean_text('apartments.apartment_name_en') }} as apartment_name_en,
    {{ clean_text('apartments.prefecture') }} as prefecture,
    {{ clean_text('apartments.municipality') }} as municipality,
    {{ clean_text('apartments.address') }} as address,
    {{ clean_text('apartments.zip_code') }} as zip_code,
    {{ tokyo_coordinate('apartments.latitude', 'apartments.latitude', 'apartments.longitude') }} as latitude,
    {{ tokyo_coordinate('apartments.longitude', 'apartments.latitude', 'apartments.longitude') }} as longitude,
    apartments.latitude as latitude_raw,
    apartments.longitude as longitude_raw,
    case when {{ in_tokyo_box('apartments.latitude', 'apartments.longitude') }} then 1 else 0 end
        as has_valid_coordinates,
    apartments.room_count,
    {{ clean_date('apartments.created_at') }} as created_at,
    {{ clean_date('apartments.updated_at') }} as updated_at
from {{ relation }} as apartments
{%- endmacro %}
