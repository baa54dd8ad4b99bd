{{ config(post_hook="{{ ensure_primary_key(this, ['tenant_id']) }}") }}
-- Full rebuild from the published staging.tenants (always the latest batch): contract cleaning rules in macros/cleaning.sql.
{{ clean_tenants(source('staging', 'tenants')) }}
