{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['tenant_id', 'transition_date']) }}",
    "{{ ensure_index(this, 'ix_tenant_status_transitions_date', ['transition_date']) }}",
]) }}
{#- One row per SCD2 period after a tenant's first: the change that opened it (CONTRACT.md section 5). -#}
select
    history.tenant_id,
    history.valid_from as transition_date,
    history.previous_management_status_code as previous_status_code,
    previous_status.label_ja as previous_status_label_ja,
    previous_status.label_en as previous_status_label_en,
    history.management_status_code as new_status_code,
    history.management_status_label_ja as new_status_label_ja,
    history.management_status_label_en as new_status_label_en,
    history.legacy_contract_type,
    history.period_number
from {{ ref('tenant_status_history') }} as history
left join {{ ref('code_tenant_status') }} as previous_status
    on history.previous_management_status_code = previous_status.code
where history.period_number > 1
