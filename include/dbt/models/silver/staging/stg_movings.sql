{{ config(post_hook="{{ ensure_primary_key(this, ['moving_id']) }}") }}
-- Full rebuild from the published staging.movings (always the latest batch): contract cleaning rules in macros/cleaning.sql.
{{ clean_movings(source('staging', 'movings')) }}
