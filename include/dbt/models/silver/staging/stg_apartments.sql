{{ config(post_hook="{{ ensure_primary_key(this, ['apartment_id']) }}") }}
{#- Full rebuild from the published staging.apartments (always the latest batch). The SELECT is
    macros/staging/clean_apartments.sql, the cleaning rules it applies macros/cleaning.sql. #}
{{ clean_apartments(source('staging', 'apartments')) }}
