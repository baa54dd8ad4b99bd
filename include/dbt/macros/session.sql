{#-
  Every model and seed runs on a session bounded like the pipeline's other sessions (tokyobeta_etl.db_session): a
  statement behind another session's lock gives up after var('lock_wait_seconds') seconds (the DAG passes the Airflow
  Variable tokyobeta_lock_wait_seconds) instead of hanging until the task's time-out. A pre-hook runs on the node's
  own connection, before its statements and its table swap.
-#}
{% macro set_session_limits() -%}
    {%- set seconds = var('lock_wait_seconds', 300) | int -%}
    set session lock_wait_timeout = {{ seconds }}, innodb_lock_wait_timeout = {{ seconds }}
{%- endmacro %}
