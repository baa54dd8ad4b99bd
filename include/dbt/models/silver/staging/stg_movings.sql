{{ config(post_hook="{{ ensure_primary_key(this, ['moving_id']) }}") }}
{#- Full rebuild from the published staging.movings (always the latest batch). The SELECT is
    macros/staging/clean_movings.sql, the cleaning rules it applies macros/cleaning.sql. #}
{{ clean_movings(source('staging', 'movings')) }}
