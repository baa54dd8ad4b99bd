{#-
  Tests of the silver history models' own invariants (CONTRACT.md section 5).
-#}

{#-
  is_room_primary: per (date, apartment, room), exactly one row has the flag when the room has a tenant in a
  physically present status, none otherwise; the flagged row is itself present; the flag is 0 or 1.
  Returns the offending rooms.
-#}
{% test one_primary_per_occupied_room(model, date_column='snapshot_date', room_columns=['apartment_id', 'room_id'],
                                      status_column='management_status_code', flag_column='is_room_primary') %}
{%- set present = present_statuses() %}
select
    {{ date_column }},
    {{ room_columns | join(', ') }},
    sum(case when {{ flag_column }} = 1 then 1 else 0 end) as primary_rows,
    max(case when {{ status_column }} in {{ sql_list(present) }} then 1 else 0 end) as has_present_tenant,
    sum(case when {{ flag_column }} = 1 and {{ status_column }} not in {{ sql_list(present) }} then 1 else 0 end)
        as primary_rows_not_present,
    sum(case when {{ flag_column }} is null or {{ flag_column }} not in (0, 1) then 1 else 0 end) as bad_flags
from {{ model }}
group by {{ date_column }}, {{ room_columns | join(', ') }}
having primary_rows <> has_present_tenant
    or primary_rows_not_present > 0
    or bad_flags > 0
{% endtest %}

{#-
  SCD2 periods of one entity tile time: ordered by valid_from, each period ends the day before the next one starts
  (no overlap, no hole), valid_to >= valid_from, and only the last period is open (valid_to NULL).
-#}
{% test scd2_periods_contiguous(model, entity_column, valid_from='valid_from', valid_to='valid_to') %}
with ordered as (
    select
        {{ entity_column }} as entity,
        {{ valid_from }} as valid_from,
        {{ valid_to }} as valid_to,
        lead({{ valid_from }}) over (partition by {{ entity_column }} order by {{ valid_from }}) as next_valid_from
    from {{ model }}
)
select *
from ordered
where valid_from is null
   or (next_valid_from is not null and (valid_to is null or next_valid_from <> date_add(valid_to, interval 1 day)))
   or (next_valid_from is null and valid_to is not null)
   or valid_to < valid_from
{% endtest %}

{#- is_current agrees with valid_to (1 exactly when valid_to is NULL) and every entity has exactly one current
    period. -#}
{% test scd2_current_flag(model, entity_column, valid_to='valid_to', current_flag='is_current') %}
select
    {{ entity_column }},
    sum(case when {{ current_flag }} = 1 then 1 else 0 end) as current_periods,
    sum(case when ({{ current_flag }} = 1) <> ({{ valid_to }} is null) or {{ current_flag }} is null
             then 1 else 0 end) as disagreeing_rows
from {{ model }}
group by {{ entity_column }}
having current_periods <> 1 or disagreeing_rows > 0
{% endtest %}
