{#-
  clean_rooms(relation): the cleaned SELECT of a raw `rooms` table, the SQL of stg_rooms and int_batch_rooms.
  The relation is the published `staging` table for the stg_* model, this run's batch (var `batch_schema`)
  for the int_batch_* one, so both paths share exactly the same rules, names and labels.
  Only contract columns are read: extra dump columns are ignored. The cleaning rules (CONTRACT.md section 3) are
  macros/cleaning.sql; the labels (Japanese and English) come from the code seeds.
-#}
{% macro clean_rooms(relation) -%}
select
    rooms.id as room_id,
    rooms.apartment_id,
    {{ clean_text('rooms.room_number') }} as room_number,
    rooms.rent,
    rooms.room_floor,
    rooms.capacity,
    rooms.gender_type,
    genders.label_ja as gender_label_ja,
    genders.label_en as gender_label_en,
    rooms.status as room_status,
    rooms.moving_id as current_moving_id,
    {{ clean_date('rooms.created_at') }} as created_at,
    {{ clean_date('rooms.updated_at') }} as updated_at
from {{ relation }} as rooms
left join {{ ref('code_gender') }} as genders
    on genders.code = rooms.gender_type
{%- endmacro %}
