{#-
  History tables keyed by the batch date (tenant_room_snapshot_daily, room_count_daily).

  delete_batch_date_rows(): pre-hook, inside the model's transaction: removes the batch date's rows before they are
  rebuilt, so a re-run replaces that date (never appends twice), even if the batch were to yield no rows at all
  (then dbt-mysql's key-driven delete below would have nothing to delete by). A no-op on the first build.
-#}
{% macro delete_batch_date_rows(date_column='snapshot_date') -%}
    {%- if execute and load_relation(this) is not none -%}
        DELETE FROM {{ this }} WHERE {{ date_column }} = {{ batch_date_literal() }}
    {%- else -%}
        SELECT 'first build of {{ this.identifier }}: nothing to replace' AS delete_batch_date_rows
    {%- endif -%}
{%- endmacro %}

{#-
  Override of dbt-mysql 1.7's `incremental_delete` (the delete half of its delete+insert incremental): same rows
  deleted, cheaper SQL. The adapter writes `DELETE ... WHERE key IN (SELECT key FROM <tmp>)`, which MariaDB 10.11
  (and MySQL before 8.0.21) evaluates as a full scan of the target with a subquery per row: it would grow with the
  history. For a single-column key with few distinct values (one batch date) the keys are read first and deleted as
  a literal IN list: an index range scan on the primary key. Composite keys, or many keys, keep the adapter's form.
-#}
{% macro incremental_delete(tmp_relation, target_relation, unique_key=none, statement_name="pre_main") %}
    {%- if unique_key is none or unique_key | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set key_csv = unique_key if unique_key is string else unique_key | join(',') -%}
    {%- set fallback -%}
    delete
    from {{ target_relation }}
    where ({{ key_csv }}) in (
        select {{ key_csv }}
        from {{ tmp_relation }}
    )
    {%- endset -%}
    {%- if not (unique_key is string and execute) -%}
        {{ return(fallback) }}
    {%- endif -%}
    {%- set keys = run_query("select distinct " ~ unique_key ~ " from " ~ tmp_relation ~ " limit 1001") -%}
    {%- set values = keys.columns[0].values() -%}
    {%- if values | length > 1000 -%}
        {{ return(fallback) }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for v in values if v is not none -%}
        {%- if v is number -%}
            {%- do literals.append(v | string) -%}
        {%- else -%}
            {%- do literals.append("'" ~ (v | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if literals | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set sql -%}
    delete
    from {{ target_relation }}
    where {{ unique_key }} in ({{ literals | join(', ') }})
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}

{#-
  The occupancy KPI window (CONTRACT.md section 6) for the dbt models that follow it (gold.property_daily_metrics):
  lookback_days() is var lookback_days (the DAG run param, default 3 in dbt_project.yml), validated as the KPI task
  validates it; kpi_window_start() = batch_date - lookback_days, as a SQL date expression.

  delete_window_rows(): pre-hook, inside the model's transaction: removes every row from the window's start on, so
  that a date of the window that no longer has a snapshot loses its rows too (the KPI task's window delete). A no-op
  on the first build.
-#}
{% macro lookback_days() -%}
    {%- set raw = var('lookback_days', 3) | string | trim -%}
    {%- if not raw.isdigit() or raw | int > 365 -%}
        {{ exceptions.raise_compiler_error("tokyobeta: lookback_days must be an integer from 0 to 365, got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{- return(raw | int) -}}
{%- endmacro %}

{% macro kpi_window_start() -%}
    date_sub({{ batch_date_literal() }}, interval {{ lookback_days() }} day)
{%- endmacro %}

{% macro delete_window_rows(date_column='snapshot_date') -%}
    {%- if execute and load_relation(this) is not none -%}
        DELETE FROM {{ this }} WHERE {{ date_column }} >= {{ kpi_window_start() }}
    {%- else -%}
        SELECT 'first build of {{ this.identifier }}: nothing to replace' AS delete_window_rows
    {%- endif -%}
{%- endmacro %}
