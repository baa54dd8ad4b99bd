{{ config(post_hook="{{ ensure_primary_key(this, ['tenant_id']) }}") }}
{#- Full rebuild from the published staging.tenants (always the latest batch). The SELECT is
    macros/staging/clean_tenants.sql, the cleaning rules it applies macros/cleaning.sql. #}
{{ clean_tenants(source('staging', 'tenants')) }}
