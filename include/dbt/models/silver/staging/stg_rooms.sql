{{ config(post_hook="{{ ensure_primary_key(this, ['room_id']) }}") }}
-- Full rebuild from the published staging.rooms (always the latest batch): contract cleaning rules in macros/cleaning.sql.
{{ clean_rooms(source('staging', 'rooms')) }}
