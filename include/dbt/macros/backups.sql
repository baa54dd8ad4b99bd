{#-
  Backups of the full-rebuild models (silver stg_*, int_contracts, tenant_status_history, the gold marts), one per
  batch date: ops.bak__<schema>__<table>__<yyyymmdd>, the date being the batch the copied CONTENT holds
  (docs/decisions/0008-backups-per-batch.md).

  - post-hook tag_batch(this): tags the table just built with that batch, as the table comment
    `tokyobeta batch=YYYY-MM-DD` (the staging tables' tag). These models read only the published staging tables, so
    the batch is staging's tag, also in a past-date run (CONTRACT invariant 2); var batch_date while staging carries
    no tag (before the first publish). dbt creates the new table without a comment, so a build that dies before
    this hook leaves an untagged table: content of unknown batch, never copied under a batch's name.
  - pre-hook keep_generations(this): before the model replaces its table, copies the table to the name of its tag
    (a re-run of the same batch replaces only that batch's copy), then keeps the newest N batch dates. N =
    var('backup_generations'), from the Airflow Variable tokyobeta_backup_generations (0 keeps none).

  tokyobeta_etl.backups owns the naming (it also backs up the KPI table, lists and restores): the DAG passes its
  pieces as vars (tokyobeta_etl.backups.dbt_vars()). _backup_naming() holds the only fallbacks, for a dbt run
  without them, and dbt_project.yml the default of backup_generations: tests/dbt/test_gold_backup_naming.py checks
  both against Python, tests/ops/test_backups.py that the two name the same tables. The statements run while the
  hook renders (one statement per call: the driver takes no multi-statement strings); the hook itself is a no-op
  SELECT saying what it did, in dbt's log.
-#}

{#- the naming pieces, from tokyobeta_etl.backups through vars -#}
{% macro _backup_naming() -%}
    {{- return({
        'schema': var('backup_schema', 'ops'),
        'prefix': var('backup_name_prefix', 'bak'),
        'separator': var('backup_name_separator', '__'),
        'filling': var('backup_filling_suffix', 'new'),
    }) -}}
{%- endmacro %}

{% macro backup_name(relation, batch) -%}
    {#- batch: 'YYYY-MM-DD' (the name holds its eight digits); also the filling suffix (the copy being filled) or ''
        (the prefix of every batch's name) -#}
    {%- set naming = _backup_naming() -%}
    {%- set name = [naming.prefix, relation.schema, relation.identifier, batch | replace('-', '')]
        | join(naming.separator) -%}
    {%- if name | length > 64 -%}
        {{ exceptions.raise_compiler_error("tokyobeta: backup name " ~ name ~ " is longer than MySQL's 64 characters") }}
    {%- endif -%}
    {{- return(name) -}}
{%- endmacro %}

{% macro batch_tag(batch) -%}
    tokyobeta batch={{ batch }}
{%- endmacro %}

{#- 'YYYY-MM-DD' of a `tokyobeta batch=...` comment; none for any other comment -#}
{% macro _tagged_batch(comment) -%}
    {%- set m = modules.re.match('^tokyobeta batch=([0-9]{4}-[0-9]{2}-[0-9]{2})$', comment or '') -%}
    {{- return(m.group(1) if m else none) -}}
{%- endmacro %}

{#- the batch the live table holds; none when it is missing or untagged -#}
{% macro _live_batch(relation) -%}
    {%- set sql -%}
        select table_comment from information_schema.tables
        where table_schema = '{{ relation.schema }}' and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {%- set comments = run_query(sql).columns[0].values() -%}
    {{- return(_tagged_batch(comments[0]) if comments else none) -}}
{%- endmacro %}

{#- the batch the published staging tables hold (published together in one RENAME, so one batch) -#}
{% macro published_batch() -%}
    {%- set sql -%}
        select distinct table_comment from information_schema.tables
        where table_schema = 'staging' and table_comment like 'tokyobeta batch=%'
    {%- endset -%}
    {%- set batches = [] -%}
    {%- for comment in run_query(sql).columns[0].values() -%}
        {%- set batch = _tagged_batch(comment) -%}
        {%- if batch and batch not in batches -%}{%- do batches.append(batch) -%}{%- endif -%}
    {%- endfor -%}
    {%- if batches | length > 1 -%}
        {{ exceptions.raise_compiler_error("tokyobeta: the published staging tables hold different batches ("
            ~ batches | sort | join(', ') ~ "): restore staging from staging_prev or reload the latest date") }}
    {%- endif -%}
    {{- return(batches[0] if batches else batch_date()) -}}
{%- endmacro %}

{% macro tag_batch(relation) -%}
    {%- if not execute -%}
        select 'tagged at run time' as tag_batch
    {%- else -%}
        alter table {{ relation }} comment = '{{ batch_tag(published_batch()) }}'
    {%- endif -%}
{%- endmacro %}

{% macro _generations_to_keep() -%}
    {#- no fallback here: dbt_project.yml's default is the one dbt has -#}
    {%- set raw = var('backup_generations') | string | trim -%}
    {%- if not raw.isdigit() -%}
        {{ exceptions.raise_compiler_error("tokyobeta: backup_generations (Variable tokyobeta_backup_generations) "
            ~ "must be a whole number >= 0, got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{- return(raw | int) -}}
{%- endmacro %}

{#- fill a scratch copy first, then rename it: a backup's name never shows a half-copied table -#}
{% macro _copy_to_backup(relation, batch) -%}
    {%- set naming = _backup_naming() -%}
    {%- set target = '`' ~ naming.schema ~ '`.`' ~ backup_name(relation, batch) ~ '`' -%}
    {%- set filling = '`' ~ naming.schema ~ '`.`' ~ backup_name(relation, naming.filling) ~ '`' -%}
    {%- do run_query('drop table if exists ' ~ filling) -%}
    {%- do run_query('create table ' ~ filling ~ ' like ' ~ relation) -%}
    {%- do run_query('insert into ' ~ filling ~ ' select * from ' ~ relation) -%}
    {%- do run_query('drop table if exists ' ~ target) -%}
    {%- do run_query('rename table ' ~ filling ~ ' to ' ~ target) -%}
{%- endmacro %}

{#- drops every backup of the relation but the newest `keep` batch dates; returns the names dropped -#}
{% macro _prune_backups(relation, keep) -%}
    {%- set backup_schema = _backup_naming().schema -%}
    {%- set prefix = backup_name(relation, '') -%}
    {#- LIKE's `_` matches any character: the regex keeps exactly this table's dated names -#}
    {%- set sql -%}
        select table_name from information_schema.tables
        where table_schema = '{{ backup_schema }}' and table_name like '{{ prefix }}%'
    {%- endset -%}
    {%- set dated = [] -%}
    {%- for name in run_query(sql).columns[0].values() -%}
        {%- if modules.re.match('^' ~ prefix ~ '[0-9]{8}$', name) -%}{%- do dated.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- set dropped = (dated | sort(reverse=true))[keep:] -%}
    {%- for name in dropped -%}
        {%- do run_query('drop table if exists `' ~ backup_schema ~ '`.`' ~ name ~ '`') -%}
    {%- endfor -%}
    {{- return(dropped) -}}
{%- endmacro %}

{% macro keep_generations(relation) -%}
    {%- if not execute -%}
        select 'kept at run time' as keep_generations
    {%- else -%}
        {%- set keep = _generations_to_keep() -%}
        {%- set held = _live_batch(relation) if keep > 0 else none -%}
        {%- if held -%}{%- do _copy_to_backup(relation, held) -%}{%- endif -%}
        {%- set dropped = _prune_backups(relation, keep) -%}
        {%- if held -%}
            {%- set copied = 'batch ' ~ held ~ ' copied to ' ~ _backup_naming().schema ~ '.'
                ~ backup_name(relation, held) -%}
        {%- else -%}
            {%- set copied = 'nothing copied (' ~ ('backup_generations is 0' if keep == 0 else 'no tagged table') ~ ')' -%}
        {%- endif -%}
        select '{{ relation }}: {{ copied }}; newest {{ keep }} batch dates kept{{ ", dropped " ~ dropped | join(", ")
            if dropped }}' as keep_generations
    {%- endif -%}
{%- endmacro %}
