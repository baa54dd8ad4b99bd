{{ config(materialized='ephemeral') }}
-- This run's batch of rooms, from the schema in var batch_schema ('{{ batch_schema() }}'), with the same cleaning
-- macros as stg_rooms. Feeds only the date-keyed history models (CONTRACT invariant 2).
{{ clean_rooms(source('staging_batch', 'rooms')) }}
