{{ config(materialized='ephemeral') }}
-- This run's batch of movings, from the schema in var batch_schema ('{{ batch_schema() }}'), with the same cleaning
-- macros as stg_movings. Feeds only the date-keyed history models (CONTRACT invariant 2).
{{ clean_movings(source('staging_batch', 'movings')) }}
