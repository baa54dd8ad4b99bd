{{ date_keyed_history_config(primary_key=['snapshot_date']) }}
{#- Date-keyed history: the number of rooms in the batch date's rooms dump (CONTRACT.md section 5), read from this
    batch's raw rooms (int_batch_rooms: schema = var batch_schema). Each run replaces the batch date's row. #}
select
    {{ batch_date_literal() }} as snapshot_date,
    cast(count(*) as unsigned) as total_rooms
from {{ ref('int_batch_rooms') }}
