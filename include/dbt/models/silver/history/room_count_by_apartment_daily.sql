{{ date_keyed_history_config(primary_key=['snapshot_date', 'apartment_id']) }}
{#- Date-keyed history: the number of rooms of each property in the batch date's rooms dump, read from this batch's
    raw rooms (int_batch_rooms: schema = var batch_schema), one row per apartment_id the dump's rooms name (a room
    whose property is missing from the apartments dump still counts). Its sum per date is room_count_daily's
    total_rooms. Each run replaces the batch date's rows. gold.property_daily_metrics' total_rooms. #}
select
    {{ batch_date_literal() }} as snapshot_date,
    rooms.apartment_id,
    cast(count(*) as unsigned) as total_rooms
from {{ ref('int_batch_rooms') }} as rooms
group by rooms.apartment_id
