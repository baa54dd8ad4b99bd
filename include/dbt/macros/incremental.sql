{#-
  Tables keyed by the snapshot date: silver's history (tenant_room_snapshot_daily, room_count_daily,
  room_count_by_apartment_daily) and gold.property_daily_metrics.

  date_keyed_history_config(): the configuration they share, called first in each model: incremental,
  delete+insert on snapshot_date, never fully refreshed (`--full-refresh` must not wipe history the source no
  longer holds), the batch date's rows deleted first (gold.property_daily_metrics passes its own pre-hook, which
  deletes its whole window); post-hooks add the model's primary key and indexes
  (macros/indexes.sql) outside the transaction.

  delete_batch_date_rows(): pre-hook, inside the model's transaction: removes the batch date's rows before they are
  rebuilt, so a re-run replaces that date (never appends twice), even if the batch were to yield no rows at all
  (then dbt-mysql's key-driven delete below would have nothing to delete by). A no-op on the first build.
-#}
{% macro date_keyed_history_config(primary_key, indexes={}, pre_hook="{{ delete_batch_date_rows('snapshot_date') }}") -%}
    {%- set post_hooks = [
        {"sql": "{{ ensure_primary_key(this, " ~ primary_key ~ ") }}", "transaction": false}
    ] -%}
    {%- for index_name, columns in indexes.items() -%}
        {%- do post_hooks.append(
            {"sql": "{{ ensure_index(this, '" ~ index_name ~ "', " ~ columns ~ ") }}", "transaction": false}
        ) -%}
    {%- endfor -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='snapshot_date',
        full_refresh=false,
        pre_hook=pre_hook,
        post_hook=post_hooks,
    ) }}
{%- endmacro %}

{% macro delete_batch_date_rows(date_column='snapshot_date') -%}
    {%- if execute and load_relation(this) is not none -%}
        delete from {{ this }} where {{ date_column }} = {{ batch_date_literal() }}
    {%- else -%}
        select 'first build of {{ this.identifier }}: nothing to replace' as delete_batch_date_rows
    {%- endif -%}
{%- endmacro %}

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
    {%- for value in values if value is not none -%}
        {%- if value is number -%}
            {%- do literals.append(value | string) -%}
        {%- else -%}
            {%- do literals.append("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") -%}
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
        delete from {{ this }} where {{ date_column }} >= {{ kpi_window_start() }}
    {%- else -%}
        select 'first build of {{ this.identifier }}: nothing to replace' as delete_window_rows
    {%- endif -%}
{%- endmacro %}
