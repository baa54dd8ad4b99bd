{#-
  The silver cleaning rules (CONTRACT.md section 3), written once and used by every model that reads raw staging
  tables: the stg_* models (published batch) and the int_batch_* models (this run's batch, any schema).

  The SQL is the common subset of MySQL 8.0 (Aurora MySQL 3) and MariaDB 10.11. Text comparisons are made in an
  explicit binary collation so that they mean the same under any column collation the dump declared
  (utf8mb4_general_ci, utf8mb4_unicode_ci, utf8mb4_0900_ai_ci): 'レソト' must not match other kana spellings.
-#}

{#- 'NULL', 'null', '--' and '' (after trimming spaces) mean unknown: NULL. Other values are kept as they are. -#}
{% macro clean_text(column) -%}
    case when convert(trim({{ column }}) using utf8mb4) collate utf8mb4_bin in ('NULL', 'null', '--', '')
         then null else {{ column }} end
{%- endmacro %}

{#-
  Zero dates ('0000-00-00', '0000-00-00 00:00:00') and dates with a zero month or day mean unknown: NULL.
  Compared as text: on MySQL 8 with NO_ZERO_DATE a zero date must never be compared (or written) as a date, and its
  text form is the same on both servers. For DATE and DATETIME columns alike.
-#}
{% macro clean_date(column) -%}
    case when left(cast({{ column }} as char), 4) = '0000'
           or substring(cast({{ column }} as char), 6, 2) = '00'
           or substring(cast({{ column }} as char), 9, 2) = '00'
         then null else {{ column }} end
{%- endmacro %}

{#- 'レソト' (Lesotho) is the source's placeholder for an unknown nationality. -#}
{% macro clean_nationality(column) -%}
    case when convert(trim({{ column }}) using utf8mb4) collate utf8mb4_bin = 'レソト'
         then null else {{ clean_text(column) }} end
{%- endmacro %}

{#- Silver's moveout_date: COALESCE(moveout_date_integrated, moveout_plans_date, moveout_date), each cleaned first
    (a zero date must not win the COALESCE). -#}
{% macro silver_moveout_date(integrated, plans, final_rent) -%}
    coalesce({{ clean_date(integrated) }}, {{ clean_date(plans) }}, {{ clean_date(final_rent) }})
{%- endmacro %}

{#- True when the point is inside the Tokyo-area box; NULL coordinates are not. -#}
{% macro in_tokyo_box(latitude, longitude) -%}
    {%- set box = tokyo_box() -%}
    ({{ latitude }} between {{ box.lat_min }} and {{ box.lat_max }}
     and {{ longitude }} between {{ box.lon_min }} and {{ box.lon_max }})
{%- endmacro %}

{#- A coordinate of a point outside the box (or half missing) becomes NULL: both coordinates go together. -#}
{% macro tokyo_coordinate(value, latitude, longitude) -%}
    case when {{ in_tokyo_box(latitude, longitude) }} then {{ value }} end
{%- endmacro %}

{#- Numeric text ('8', ' 3 ') as an integer code, anything else NULL. Never CAST non-numeric text: in strict mode a
    CREATE TABLE ... SELECT fails on the truncation warning. -#}
{% macro numeric_code(column) -%}
    case when trim({{ column }}) regexp '^[0-9]{1,9}$' then cast(trim({{ column }}) as unsigned) end
{%- endmacro %}

{#- corporate / individual / unknown, from movings.moving_agreement_type through code_contract_type.tenant_type.
    Never from tenants.contract_type (a legacy column the source consolidated). -#}
{% macro tenant_type(code_contract_type_alias) -%}
    coalesce({{ code_contract_type_alias }}.tenant_type, 'unknown')
{%- endmacro %}
