{{ config(materialized='ephemeral') }}
{#- This run's batch of rooms, from the schema in var batch_schema, with the same SELECT as stg_rooms
    (macros/staging/clean_rooms.sql). Feeds only the date-keyed history models (CONTRACT invariant 2).
    batch_schema() refuses a schema other than staging or staging_load, already at parse time. #}
{%- do batch_schema() %}
{{ clean_rooms(source('staging_batch', 'rooms')) }}
