{#-
  dbt-mysql creates no indexes. These post-hooks add them after the build, idempotently: an index (or primary key)
  that already exists is left alone, so they are safe on every incremental run and on a fresh table alike.
  MySQL 8 has no CREATE INDEX IF NOT EXISTS (MariaDB has): the guard reads information_schema.statistics.
  Hooks are rendered at run time, so the guard sees the table as it is now.
-#}

{% macro _index_exists(relation, index_name) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set sql -%}
        select count(*) from information_schema.statistics
        where table_schema = '{{ relation.schema }}' and table_name = '{{ relation.identifier }}'
          and index_name = '{{ index_name }}'
    {%- endset -%}
    {%- set result = run_query(sql) -%}
    {{ return(result.columns[0].values()[0] | int > 0) }}
{%- endmacro %}

{#- A no-op statement when there is nothing to do (a hook must render to SQL). -#}
{% macro ensure_primary_key(relation, columns) -%}
    {%- if _index_exists(relation, 'PRIMARY') -%}
        select 'primary key of {{ relation.identifier }} present' as ensure_primary_key
    {%- else -%}
        alter table {{ relation }} add primary key ({{ columns | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{% macro ensure_index(relation, index_name, columns, unique=false) -%}
    {%- if _index_exists(relation, index_name) -%}
        select 'index {{ index_name }} present' as ensure_index
    {%- else -%}
        create {{ 'unique ' if unique }}index {{ index_name }} on {{ relation }} ({{ columns | join(', ') }})
    {%- endif -%}
{%- endmacro %}
