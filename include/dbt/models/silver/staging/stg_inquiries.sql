{{ config(post_hook="{{ ensure_primary_key(this, ['inquiry_id']) }}") }}
{#- Full rebuild from the published staging.inquiries (always the latest batch). The SELECT is
    macros/staging/clean_inquiries.sql, the cleaning rules it applies macros/cleaning.sql. #}
{{ clean_inquiries(source('staging', 'inquiries')) }}
