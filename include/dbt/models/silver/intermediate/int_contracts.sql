{{ config(pre_hook="{{ keep_generations(this) }}", post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_int_contracts_tenant_room', ['tenant_id', 'apartment_id', 'room_id'], unique=true) }}",
]) }}
{#- The denormalised contract fact, one row per (tenant, apartment, room): the latest moving of each group.
    Repeated movings of one tenant in one room are versions of one contract (a renewal starts a new moving and leaves
    the old one open with no move-out dates; a cancelled applicant who applies again gets a new moving): the latest
    by movein_date, then id, carries the contract's current state. LEFT joins: orphan movings survive. #}
with contract_versions as (
    select
        movings.*,
        row_number() over (
            partition by {{ contract_key('movings') }}
            order by movings.movein_date desc, movings.moving_id desc
        ) as version_rank,
        count(*) over (
            partition by {{ contract_key('movings') }}
        ) as movings_in_contract,
        min(movings.movein_date) over (
            partition by {{ contract_key('movings') }}
        ) as first_movein_date
    from {{ ref('stg_movings') }} as movings
)

select
    contract_versions.moving_id,
    contract_versions.tenant_id,
    contract_versions.apartment_id,
    contract_versions.room_id,
    contract_versions.movings_in_contract,
    contract_versions.first_movein_date,
    case when tenants.current_moving_id = contract_versions.moving_id then 1 else 0 end as is_tenant_current_contract,
    contract_versions.moving_agreement_type,
    contract_versions.moving_agreement_type_label_ja,
    contract_versions.moving_agreement_type_label_en,
    contract_versions.tenant_type,
    contract_versions.movein_decided_date,
    contract_versions.movein_date,
    contract_versions.original_movein_date,
    contract_versions.rent_start_date,
    contract_versions.expiration_date,
    contract_versions.moveout_receipt_date,
    contract_versions.moveout_date,
    contract_versions.moveout_date_raw,
    contract_versions.moveout_plans_date,
    contract_versions.moveout_date_integrated,
    contract_versions.move_renew_flag,
    contract_versions.cancel_flag,
    contract_versions.is_moveout,
    contract_versions.rent as contract_rent,
    contract_versions.created_at,
    contract_versions.updated_at,
    case when tenants.tenant_id is null then 0 else 1 end as has_tenant,
    tenants.management_status_code,
    tenants.management_status_label_ja,
    tenants.management_status_label_en,
    tenants.full_name,
    tenants.gender_type,
    tenants.gender_label_ja,
    tenants.gender_label_en,
    tenants.birth_date,
    tenants.age,
    tenants.nationality,
    tenants.personal_identity_code,
    tenants.personal_identity_label_ja,
    tenants.personal_identity_label_en,
    tenants.affiliation,
    tenants.affiliation_type,
    tenants.affiliation_type_label_ja,
    tenants.affiliation_type_label_en,
    tenants.media_id,
    tenants.reason_moveout,
    tenants.reason_moveout_label_ja,
    tenants.reason_moveout_label_en,
    case when rooms.room_id is null then 0 else 1 end as has_room,
    rooms.room_number,
    rooms.rent as room_rent,
    rooms.room_floor,
    rooms.capacity as room_capacity,
    rooms.gender_type as room_gender_type,
    case when apartments.apartment_id is null then 0 else 1 end as has_apartment,
    apartments.unique_number as apartment_unique_number,
    apartments.apartment_name,
    apartments.apartment_name_en,
    apartments.prefecture,
    apartments.municipality,
    apartments.latitude,
    apartments.longitude
from contract_versions
left join {{ ref('stg_tenants') }} as tenants
    on tenants.tenant_id = contract_versions.tenant_id
left join {{ ref('stg_rooms') }} as rooms
    on rooms.room_id = contract_versions.room_id
left join {{ ref('stg_apartments') }} as apartments
    on apartments.apartment_id = contract_versions.apartment_id
where contract_versions.version_rank = 1
