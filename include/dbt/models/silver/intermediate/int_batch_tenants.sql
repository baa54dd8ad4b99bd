{{ config(materialized='ephemeral') }}
-- This run's batch of tenants, from the schema in var batch_schema ('{{ batch_schema() }}'), with the same cleaning
-- macros as stg_tenants. Feeds only the date-keyed history models (CONTRACT invariant 2).
{{ clean_tenants(source('staging_batch', 'tenants')) }}
