{{ config(post_hook="{{ ensure_primary_key(this, ['apartment_id']) }}") }}
-- Full rebuild from the published staging.apartments (always the latest batch): contract cleaning rules in macros/cleaning.sql.
{{ clean_apartments(source('staging', 'apartments')) }}
