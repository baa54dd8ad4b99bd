{#-
  The tenant status sets of CONTRACT.md sections 4 and 6 and the is_room_primary rank of section 5. Their one owner is
  tokyobeta_etl/data_contract.py: the DAG passes them as vars (tokyobeta_etl.dbt_project.dbt_vars), and
  dbt_project.yml's `vars:` defaults are checked against it (tests/dbt/test_status_sets_single_owner.py).
-#}

{% macro _status_set(name) -%}
    {%- set values = var(name) -%}
    {%- if values is string or values is not iterable or values | length == 0
          or values | reject('number') | list | length > 0 -%}
        {{ exceptions.raise_compiler_error("tokyobeta: the dbt var `" ~ name ~ "` must be a non-empty list of status "
            ~ "codes, got '" ~ values ~ "'") }}
    {%- endif -%}
    {{- return(values | list) -}}
{%- endmacro %}

{% macro snapshot_statuses() -%}
    {{ return(_status_set('snapshot_statuses')) }}
{%- endmacro %}

{% macro present_statuses() -%}
    {{ return(_status_set('present_statuses')) }}
{%- endmacro %}

{#- best first -#}
{% macro primary_status_rank() -%}
    {{ return(_status_set('primary_status_rank')) }}
{%- endmacro %}

{#- counted as a new move-in on its move-in date (CONTRACT.md section 6) -#}
{% macro movein_statuses() -%}
    {{ return(_status_set('movein_statuses')) }}
{%- endmacro %}

{#- Tokyo-area coordinate box (source_schema.sql). -#}
{% macro tokyo_box() -%}
    {{ return({'lat_min': '35.0', 'lat_max': '36.0', 'lon_min': '139.0', 'lon_max': '140.5'}) }}
{%- endmacro %}

{% macro sql_list(values) -%}
    ({{ values | join(', ') }})
{%- endmacro %}
