{#-
  How silver.tenant_status_history is built on this run: by appending the batch date to the live table, or in full
  from every row of staging.tenant_daily_snapshots.

  staging.tenant_snapshot_dates has one row per snapshot date: when snapshot_tenants last wrote it (written_at)
  and when the history last read it (status_history_read_at, set by mark_snapshots_read() after every build).
  Appending is exact, and cheap (one batch date's rows against the tenants' open periods), only when the batch date
  is a new latest date and the live table holds exactly every other date as it is now:
    - the live table exists and was built through the latest snapshot date before the batch date (a restored or
      half-built table holds some other date);
    - the snapshot dates table has no date after the batch date (a past-date run rebuilds in full);
    - every date but the batch date was read after it was last written (a past-date snapshot rewritten since the
      last build, e.g. by a run that failed before the history, is picked up by a full rebuild).
  Otherwise (first build, re-run of the latest date, past date, gap left unread) the history is rebuilt in full,
  which is what makes a past-date re-run give exactly the chronological history (CONTRACT.md invariant 2).

  status_history_append_reason(): none to rebuild in full, else the reason appending is exact (for dbt's log).
-#}
{% macro status_history_append_reason() -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- if load_relation(this) is none -%}
        {%- do log("tenant_status_history: full rebuild (first build)", info=true) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set batch = batch_date_literal() -%}
    {%- set dates = source('staging', 'tenant_snapshot_dates') -%}
    {%- set sql -%}
        select
            (select max(snapshot_date) from {{ dates }} where snapshot_date < {{ batch }}) as previous_date,
            (select count(*) from {{ dates }} where snapshot_date > {{ batch }}) as later_dates,
            (select count(*) from {{ dates }} where snapshot_date = {{ batch }}) as batch_dates,
            (
                select count(*) from {{ dates }}
                where
                    snapshot_date <> {{ batch }}
                    and (status_history_read_at is null or status_history_read_at < written_at)
            ) as unread_dates,
            (select max(last_snapshot_date) from {{ this }}) as history_through
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {%- set previous_date, later, batch_rows, unread, through = row[0], row[1], row[2], row[3], row[4] -%}
    {%- if previous_date is none or through is none or later > 0 or batch_rows != 1 or unread > 0
        or (through | string) != (previous_date | string) -%}
        {%- do log("tenant_status_history: full rebuild (history through " ~ through ~ ", previous snapshot date "
            ~ previous_date ~ ", " ~ later ~ " later and " ~ unread ~ " unread snapshot dates)", info=true) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set reason = "appending " ~ batch_date() ~ " to the history through " ~ through -%}
    {%- do log("tenant_status_history: " ~ reason, info=true) -%}
    {{- return(reason) -}}
{%- endmacro %}

{#- post-hook: every snapshot date as now read by the history just built -#}
{% macro mark_snapshots_read() -%}
    update {{ source('staging', 'tenant_snapshot_dates') }} set status_history_read_at = now(6)
{%- endmacro %}
