{{ config(post_hook=[
    "{{ ensure_primary_key(this, ['moving_id']) }}",
    "{{ ensure_index(this, 'ix_new_contracts_contract_date', ['contract_date']) }}",
]) }}
-- One row per contract start signed since 2018-01-01 (CONTRACT.md section 8): every moving with cancel_flag = 0 and
-- move_renew_flag = 0 (a renewal is never a new contract), with the tenant's demographics and the property's place.
-- contract_date: the moving's signing date (movein_decided_date), else its move-in date when the source left it empty.
-- The movings of one (tenant, apartment, room), in move-in order, form chains: each non-renewal moving opens one, the
-- renewals after it belong to it (renewal_count, latest_rent); a return to the room after a move-out opens a new one.
with room_movings as (
    select
        m.*,
        sum(case when m.move_renew_flag = 0 then 1 else 0 end) over (
            partition by m.tenant_id, m.apartment_id, m.room_id
            order by m.movein_date is null, m.movein_date, m.moving_id
            rows between unbounded preceding and current row
        ) as chain_number
    from {{ ref('stg_movings') }} as m
),

chain_renewals as (
    select
        tenant_id,
        apartment_id,
        room_id,
        chain_number,
        sum(case when move_renew_flag = 1 and cancel_flag = 0 then 1 else 0 end) as renewal_count
    from room_movings
    group by tenant_id, apartment_id, room_id, chain_number
),

chain_latest as (
    -- the chain's latest valid moving: the start itself or its last renewal
    select
        tenant_id,
        apartment_id,
        room_id,
        chain_number,
        rent as latest_rent,
        row_number() over (
            partition by tenant_id, apartment_id, room_id, chain_number
            order by movein_date is null desc, movein_date desc, moving_id desc
        ) as latest_rank
    from room_movings
    where cancel_flag = 0
),

transfer_arrivals as (
    select distinct new_moving_id as moving_id
    from {{ ref('int_room_transfers') }}
),

contract_starts as (
    select
        m.*,
        coalesce(cast(m.movein_decided_date as date), m.movein_date) as contract_date
    from room_movings as m
    where m.cancel_flag = 0
        and m.move_renew_flag = 0
)

select
    s.moving_id,
    s.tenant_id,
    s.apartment_id,
    s.room_id,
    s.contract_date,
    s.movein_date,
    s.rent as contract_rent,
    cast(r.renewal_count as unsigned) as renewal_count,
    l.latest_rent,
    cast(case when ta.moving_id is null then 0 else 1 end as unsigned) as is_transfer,
    s.moving_agreement_type,
    s.moving_agreement_type_label_ja,
    s.moving_agreement_type_label_en,
    s.tenant_type,
    t.gender_type,
    t.gender_label_ja,
    t.gender_label_en,
    t.age,
    {{ bucket_columns('age', 't.age', age_buckets(), age_top()) }},
    t.nationality,
    t.affiliation_type,
    t.affiliation_type_label_ja,
    t.affiliation_type_label_en,
    t.personal_identity_code,
    t.personal_identity_label_ja,
    t.personal_identity_label_en,
    a.apartment_name,
    a.apartment_name_en,
    a.prefecture,
    a.municipality,
    a.latitude,
    a.longitude
from contract_starts as s
inner join chain_renewals as r
    on r.tenant_id = s.tenant_id
    and r.apartment_id = s.apartment_id
    and r.room_id = s.room_id
    and r.chain_number = s.chain_number
inner join chain_latest as l
    on l.tenant_id = s.tenant_id
    and l.apartment_id = s.apartment_id
    and l.room_id = s.room_id
    and l.chain_number = s.chain_number
    and l.latest_rank = 1
left join transfer_arrivals as ta
    on ta.moving_id = s.moving_id
left join {{ ref('stg_tenants') }} as t
    on t.tenant_id = s.tenant_id
left join {{ ref('stg_apartments') }} as a
    on a.apartment_id = s.apartment_id
where s.contract_date >= '2018-01-01'
