{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['tenant_id', 'transition_date']) }}",
    "{{ ensure_index(this, 'ix_tenant_status_transitions_date', ['transition_date']) }}",
]) }}
-- One row per SCD2 period after a tenant's first: the change that opened it (CONTRACT.md section 5).
SELECT
    h.tenant_id,
    h.valid_from AS transition_date,
    h.previous_management_status_code AS previous_status_code,
    prev.label_ja AS previous_status_label_ja,
    prev.label_en AS previous_status_label_en,
    h.management_status_code AS new_status_code,
    h.management_status_label_ja AS new_status_label_ja,
    h.management_status_label_en AS new_status_label_en,
    h.legacy_contract_type,
    h.period_number
FROM {{ ref('tenant_status_history') }} AS h
LEFT JOIN {{ ref('code_tenant_status') }} AS prev
    ON prev.code = h.previous_management_status_code
WHERE h.period_number > 1
