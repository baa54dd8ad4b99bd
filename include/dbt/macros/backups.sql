{#-
  Previous generations of the full-rebuild models (silver stg_*, int_contracts, tenant_status_history, the gold
  marts), kept in ops as bak__<schema>__<table>__g1 (newest) .. __g<N>: a pre-hook, run before the model replaces
  its table, rotates the generations and copies the current table into g1. N = var('backup_generations'), from
  the Airflow Variable tokyobeta_backup_generations (default 3; 0 keeps none). Restore with
  `python -m tokyobeta_etl.oncall restore-backup` (README). The statements run while the hook renders (one
  statement per call: the driver takes no multi-statement strings); the hook itself is a no-op SELECT saying
  what it did, visible in dbt's log.
-#}

{% macro _table_exists(schema, identifier) -%}
    {%- set sql -%}
        SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema = '{{ schema }}' AND table_name = '{{ identifier }}'
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0] | int > 0) }}
{%- endmacro %}

{% macro backup_name(relation, generation) -%}
    bak__{{ relation.schema }}__{{ relation.identifier }}__g{{ generation }}
{%- endmacro %}

{% macro keep_generations(relation) -%}
    {%- set keep = var('backup_generations', 3) | int -%}
    {%- if not execute or keep < 1 -%}
        SELECT 'no generations kept' AS keep_generations
    {%- elif not _table_exists(relation.schema, relation.identifier) -%}
        SELECT 'no previous {{ relation.identifier }} to keep' AS keep_generations
    {%- else -%}
        {%- do run_query("DROP TABLE IF EXISTS `ops`.`" ~ backup_name(relation, keep) ~ "`") -%}
        {%- for i in range(keep - 1, 0, -1) -%}
            {%- if _table_exists('ops', backup_name(relation, i)) -%}
                {%- do run_query("RENAME TABLE `ops`.`" ~ backup_name(relation, i) ~ "` TO `ops`.`"
                                 ~ backup_name(relation, i + 1) ~ "`") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do run_query("CREATE TABLE `ops`.`" ~ backup_name(relation, 1) ~ "` LIKE " ~ relation) -%}
        {%- do run_query("INSERT INTO `ops`.`" ~ backup_name(relation, 1) ~ "` SELECT * FROM " ~ relation) -%}
        SELECT '{{ relation }} kept as ops.{{ backup_name(relation, 1) }} ({{ keep }} generations)' AS keep_generations
    {%- endif -%}
{%- endmacro %}
