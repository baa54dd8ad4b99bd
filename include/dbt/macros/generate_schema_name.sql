{#-
  Models land in exactly the schema they configure (`+schema: silver` -> `silver`, later `gold`), never in dbt's
  default `<target schema>_<custom schema>`. Without a custom schema: the profile's schema (`silver`).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
