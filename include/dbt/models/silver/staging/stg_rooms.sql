{{ config(post_hook="{{ ensure_primary_key(this, ['room_id']) }}") }}
{#- Full rebuild from the published staging.rooms (always the latest batch). The SELECT is
    macros/staging/clean_rooms.sql, the cleaning rules it applies macros/cleaning.sql. #}
{{ clean_rooms(source('staging', 'rooms')) }}
