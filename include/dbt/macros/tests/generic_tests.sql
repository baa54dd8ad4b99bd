{#-
  Generic tests the project needs (no dbt_utils: no package downloads). Each selects the offending rows: a test fails
  when it returns any. All honour the standard `where` config (dbt wraps `model` in a filtered subquery).
-#}

{#- The columns together identify a row. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as duplicate_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Every row satisfies a SQL condition (with column_name: the condition is applied to that column). -#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not ({{ column_name ~ ' ' if column_name }}{{ expression }})
   or ({{ column_name ~ ' ' if column_name }}{{ expression }}) is null
{% endtest %}

{#- Cleaning rule: no placeholder text ('NULL', 'null', '--', '' after trimming) is left in any of the columns.
    One test per model (not per column) keeps a daily build's node count down; each failing row names its column. -#}
{% test no_placeholder_text(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as column_name, cast({{ column }} as char) as bad_value
from {{ model }}
where convert(trim({{ column }}) using utf8mb4) collate utf8mb4_bin in ('NULL', 'null', '--', '')
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- Cleaning rule: no zero date (nor zero month/day) is left in any of the columns. -#}
{% test no_zero_dates(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as column_name, cast({{ column }} as char) as bad_value
from {{ model }}
where left(cast({{ column }} as char), 4) = '0000'
   or substring(cast({{ column }} as char), 6, 2) = '00'
   or substring(cast({{ column }} as char), 9, 2) = '00'
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- None of the columns is NULL (one test for several columns); each failing row names its column. -#}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as column_name
from {{ model }}
where {{ column }} is null
{{ 'UNION ALL' if not loop.last }}
{%- endfor %}
{% endtest %}

{#- The column never holds any of the values (e.g. nationality 'レソト'); compared exactly (binary). -#}
{% test not_in_values(model, column_name, values) %}
select {{ column_name }}
from {{ model }}
where convert({{ column_name }} using utf8mb4) collate utf8mb4_bin in (
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
)
{% endtest %}
