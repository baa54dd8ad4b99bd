{#-
  The run's batch parameters, passed by the DAG with `--vars '{batch_date: YYYY-MM-DD, batch_schema: ...}'`.

  batch_date(): the business date of the run. REQUIRED by the date-keyed history models: compilation fails with a
  clear message when it is missing or malformed. No model may take a business date from the database clock.
  At parse time (`execute` is false: `dbt parse`, Cosmos rendering) a placeholder is returned so that the project
  parses without vars and without a database.

  batch_schema(): where this batch's raw tables are: 'staging' (the published batch) or 'staging_load' (a batch older
  than the published one: CONTRACT invariant 2). Anything else fails compilation (it is interpolated into SQL).
-#}
{% macro batch_date() -%}
    {%- set raw = var('batch_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "tokyobeta: the dbt var `batch_date` is required (the batch's JST date, 'YYYY-MM-DD'), e.g. "
                ~ "--vars '{batch_date: \"2026-02-10\", batch_schema: staging}'. "
                ~ "The date-keyed silver models never take a business date from the database clock."
            ) }}
        {%- endif -%}
        {{- return('1900-01-01') -}}
    {%- endif -%}
    {%- set value = raw | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', value) -%}
        {{ exceptions.raise_compiler_error(
            "tokyobeta: the dbt var `batch_date` must be a date 'YYYY-MM-DD', got '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {#- a real calendar date: strptime rejects 2026-02-30 -#}
    {%- do modules.datetime.datetime.strptime(value, '%Y-%m-%d') -%}
    {{- return(value) -}}
{%- endmacro %}

{% macro batch_schema() -%}
    {%- set value = var('batch_schema', 'staging') | string | trim -%}
    {%- if value not in ('staging', 'staging_load') -%}
        {{ exceptions.raise_compiler_error(
            "tokyobeta: the dbt var `batch_schema` must be 'staging' or 'staging_load', got '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{#- SQL literal of the batch date, typed. -#}
{% macro batch_date_literal() -%}
    cast('{{ batch_date() }}' as date)
{%- endmacro %}

