{#-
  Generic tests the project needs (no dbt_utils: no package downloads). Each selects the offending rows: a test fails
  when it returns any. All honour the standard `where` config (dbt wraps `model` in a filtered subquery).
-#}

{#- The columns together identify a row. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
SELECT {{ combination_of_columns | join(', ') }}, COUNT(*) AS n
FROM {{ model }}
GROUP BY {{ combination_of_columns | join(', ') }}
HAVING COUNT(*) > 1
{% endtest %}

{#- Every row satisfies a SQL condition (with column_name: the condition is applied to that column). -#}
{% test expression_is_true(model, expression, column_name=none) %}
SELECT *
FROM {{ model }}
WHERE NOT ({{ column_name ~ ' ' if column_name }}{{ expression }})
   OR ({{ column_name ~ ' ' if column_name }}{{ expression }}) IS NULL
{% endtest %}

{#- Cleaning rule: no placeholder text ('NULL', 'null', '--', '' after trimming) is left in any of the columns.
    One test per model (not per column) keeps a daily build's node count down; each failing row names its column. -#}
{% test no_placeholder_text(model, columns) %}
{%- for column in columns %}
SELECT '{{ column }}' AS column_name, CAST({{ column }} AS CHAR) AS bad_value
FROM {{ model }}
WHERE CONVERT(TRIM({{ column }}) USING utf8mb4) COLLATE utf8mb4_bin IN ('NULL', 'null', '--', '')
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- Cleaning rule: no zero date (nor zero month/day) is left in any of the columns. -#}
{% test no_zero_dates(model, columns) %}
{%- for column in columns %}
SELECT '{{ column }}' AS column_name, CAST({{ column }} AS CHAR) AS bad_value
FROM {{ model }}
WHERE LEFT(CAST({{ column }} AS CHAR), 4) = '0000'
   OR SUBSTRING(CAST({{ column }} AS CHAR), 6, 2) = '00'
   OR SUBSTRING(CAST({{ column }} AS CHAR), 9, 2) = '00'
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- None of the columns is NULL (one test for several columns); each failing row names its column. -#}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
SELECT '{{ column }}' AS column_name
FROM {{ model }}
WHERE {{ column }} IS NULL
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- The column never holds any of the values (e.g. nationality 'レソト'); compared exactly (binary). -#}
{% test not_in_values(model, column_name, values) %}
SELECT {{ column_name }}
FROM {{ model }}
WHERE CONVERT({{ column_name }} USING utf8mb4) COLLATE utf8mb4_bin IN (
    {%- for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
)
{% endtest %}
