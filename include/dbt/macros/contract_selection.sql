{#- A contract is the movings of one (tenant, apartment, room): silver's int_contracts keeps the latest of each
    group, gold.new_contracts chains them. These macros spell that key once. -#}

{#- the key's columns, qualified by `relation` when given: for partition by, group by and select lists -#}
{% macro contract_key(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ prefix }}tenant_id, {{ prefix }}apartment_id, {{ prefix }}room_id
{%- endmacro %}

{#- join condition: the two relations' rows belong to the same contract -#}
{% macro same_contract(left, right) -%}
    {%- for column in ['tenant_id', 'apartment_id', 'room_id'] -%}
        {{ ' and ' if not loop.first }}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor -%}
{%- endmacro %}
