{{ config(post_hook="{{ ensure_primary_key(this, ['inquiry_id']) }}") }}
-- Full rebuild from the published staging.inquiries (always the latest batch): contract cleaning rules in macros/cleaning.sql.
{{ clean_inquiries(source('staging', 'inquiries')) }}
