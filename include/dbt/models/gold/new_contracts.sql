{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_new_contracts_contract_date', ['contract_date']) }}",
]) }}
{#- One row per contract start signed since 2018-01-01 (CONTRACT.md section 8): every moving with cancel_flag = 0
    and move_renew_flag = 0 (a renewal is never a new contract), with the tenant's demographics and the property's
    place. contract_date: the moving's signing date (movein_decided_date), else its move-in date when the source
    left it empty. The movings of one (tenant, apartment, room), in move-in order, form chains: each non-renewal
    moving opens one, the renewals after it belong to it (renewal_count, latest_rent); a return to the room after a
    move-out opens a new one. -#}
with room_movings as (
    select
        movings.*,
        sum(case when movings.move_renew_flag = 0 then 1 else 0 end) over (
            partition by {{ contract_key('movings') }}
            order by movings.movein_date is null, movings.movein_date, movings.moving_id
            rows between unbounded preceding and current row
        ) as chain_number
    from {{ ref('stg_movings') }} as movings
),

chain_renewals as (
    select
        {{ contract_key() }},
        chain_number,
        sum(case when move_renew_flag = 1 and cancel_flag = 0 then 1 else 0 end) as renewal_count
    from room_movings
    group by {{ contract_key() }}, chain_number
),

chain_latest as (
    {#- the chain's latest valid moving: the start itself or its last renewal -#}
    select
        {{ contract_key() }},
        chain_number,
        rent as latest_rent,
        row_number() over (
            partition by {{ contract_key() }}, chain_number
            order by movein_date is null desc, movein_date desc, moving_id desc
        ) as latest_rank
    from room_movings
    where cancel_flag = 0
),

transfer_arrivals as (
    select distinct transfers.new_moving_id as moving_id
    from {{ ref('int_room_transfers') }} as transfers
),

contract_starts as (
    select
        room_movings.*,
        coalesce(cast(room_movings.movein_decided_date as date), room_movings.movein_date) as contract_date
    from room_movings
    where
        room_movings.cancel_flag = 0
        and room_movings.move_renew_flag = 0
)

select
    contract_starts.moving_id,
    contract_starts.tenant_id,
    contract_starts.apartment_id,
    contract_starts.room_id,
    contract_starts.contract_date,
    contract_starts.movein_date,
    contract_starts.rent as contract_rent,
    cast(chain_renewals.renewal_count as unsigned) as renewal_count,
    chain_latest.latest_rent,
    cast(case when transfer_arrivals.moving_id is null then 0 else 1 end as unsigned) as is_transfer,
    contract_starts.moving_agreement_type,
    contract_starts.moving_agreement_type_label_ja,
    contract_starts.moving_agreement_type_label_en,
    contract_starts.tenant_type,
    tenants.gender_type,
    tenants.gender_label_ja,
    tenants.gender_label_en,
    tenants.age,
    {{ bucket_columns('age', 'tenants.age', age_buckets(), age_top()) }},
    tenants.nationality,
    tenants.affiliation_type,
    tenants.affiliation_type_label_ja,
    tenants.affiliation_type_label_en,
    tenants.personal_identity_code,
    tenants.personal_identity_label_ja,
    tenants.personal_identity_label_en,
    apartments.apartment_name,
    apartments.apartment_name_en,
    apartments.prefecture,
    apartments.municipality,
    apartments.latitude,
    apartments.longitude
from contract_starts
inner join chain_renewals
    on
        {{ same_contract('contract_starts', 'chain_renewals') }}
        and contract_starts.chain_number = chain_renewals.chain_number
inner join chain_latest
    on
        {{ same_contract('contract_starts', 'chain_latest') }}
        and contract_starts.chain_number = chain_latest.chain_number
        and chain_latest.latest_rank = 1
left join transfer_arrivals
    on contract_starts.moving_id = transfer_arrivals.moving_id
left join {{ ref('stg_tenants') }} as tenants
    on contract_starts.tenant_id = tenants.tenant_id
left join {{ ref('stg_apartments') }} as apartments
    on contract_starts.apartment_id = apartments.apartment_id
where contract_starts.contract_date >= '2018-01-01'
