{{ config(materialized='ephemeral') }}
{#- This run's batch of tenants, from the schema in var batch_schema, with the same SELECT as stg_tenants
    (macros/staging/clean_tenants.sql). Feeds only the date-keyed history models (CONTRACT invariant 2).
    batch_schema() refuses a schema other than staging or staging_load, already at parse time. #}
{%- do batch_schema() %}
{{ clean_tenants(source('staging_batch', 'tenants')) }}
