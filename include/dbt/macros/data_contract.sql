{#- Status sets of CONTRACT.md section 4 and the is_room_primary rank of section 5 (tokyobeta_etl/data_contract.py). -#}

{% macro snapshot_statuses() -%}
    {{ return([4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]) }}
{%- endmacro %}

{% macro present_statuses() -%}
    {{ return([7, 9, 10, 11, 12, 13, 14, 15]) }}
{%- endmacro %}

{% macro application_statuses() -%}
    {{ return([4, 5]) }}
{%- endmacro %}

{#- best first -#}
{% macro primary_status_rank() -%}
    {{ return([9, 10, 11, 12, 13, 14, 15, 7]) }}
{%- endmacro %}

{#- Tokyo-area coordinate box (source_schema.sql). -#}
{% macro tokyo_box() -%}
    {{ return({'lat_min': '35.0', 'lat_max': '36.0', 'lon_min': '139.0', 'lon_max': '140.5'}) }}
{%- endmacro %}

{% macro sql_list(values) -%}
    ({{ values | join(', ') }})
{%- endmacro %}
