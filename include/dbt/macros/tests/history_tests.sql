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
SELECT
    {{ date_column }},
    {{ room_columns | join(', ') }},
    SUM(CASE WHEN {{ flag_column }} = 1 THEN 1 ELSE 0 END) AS primary_rows,
    MAX(CASE WHEN {{ status_column }} IN {{ sql_list(present) }} THEN 1 ELSE 0 END) AS has_present_tenant,
    SUM(CASE WHEN {{ flag_column }} = 1 AND {{ status_column }} NOT IN {{ sql_list(present) }} THEN 1 ELSE 0 END)
        AS primary_rows_not_present,
    SUM(CASE WHEN {{ flag_column }} IS NULL OR {{ flag_column }} NOT IN (0, 1) THEN 1 ELSE 0 END) AS bad_flags
FROM {{ model }}
GROUP BY {{ date_column }}, {{ room_columns | join(', ') }}
HAVING primary_rows <> has_present_tenant
    OR primary_rows_not_present > 0
    OR bad_flags > 0
{% endtest %}

{#-
  SCD2 periods of one entity tile time: ordered by valid_from, each period ends the day before the next one starts
  (no overlap, no hole), valid_to >= valid_from, and only the last period is open (valid_to NULL).
-#}
{% test scd2_periods_contiguous(model, entity_column, valid_from='valid_from', valid_to='valid_to') %}
WITH ordered AS (
    SELECT
        {{ entity_column }} AS entity,
        {{ valid_from }} AS valid_from,
        {{ valid_to }} AS valid_to,
        LEAD({{ valid_from }}) OVER (PARTITION BY {{ entity_column }} ORDER BY {{ valid_from }}) AS next_valid_from
    FROM {{ model }}
)
SELECT *
FROM ordered
WHERE valid_from IS NULL
   OR (next_valid_from IS NOT NULL AND (valid_to IS NULL OR next_valid_from <> DATE_ADD(valid_to, INTERVAL 1 DAY)))
   OR (next_valid_from IS NULL AND valid_to IS NOT NULL)
   OR valid_to < valid_from
{% endtest %}

{#- is_current agrees with valid_to (1 exactly when valid_to is NULL) and every entity has exactly one current
    period. -#}
{% test scd2_current_flag(model, entity_column, valid_to='valid_to', current_flag='is_current') %}
SELECT
    {{ entity_column }},
    SUM(CASE WHEN {{ current_flag }} = 1 THEN 1 ELSE 0 END) AS current_periods,
    SUM(CASE WHEN ({{ current_flag }} = 1) <> ({{ valid_to }} IS NULL) OR {{ current_flag }} IS NULL
             THEN 1 ELSE 0 END) AS disagreeing_rows
FROM {{ model }}
GROUP BY {{ entity_column }}
HAVING current_periods <> 1 OR disagreeing_rows > 0
{% endtest %}
