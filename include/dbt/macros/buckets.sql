{#- Buckets of the move-out marts: one definition, a sortable key and Japanese/English labels each.
    Bounds are half-open [lower, upper); NULL input -> the 'unknown' bucket. -#}

{% macro _bucket(expr, bounds, top, part) -%}
{%- set unknown = {'key': '0_unknown', 'ja': '不明', 'en': 'Unknown'} -%}
case
        when {{ expr }} is null then '{{ unknown[part] }}'
    {%- for bound in bounds %}
        when {{ expr }} < {{ bound['upper'] }} then '{{ bound[part] }}'
    {%- endfor %}
        else '{{ top[part] }}'
    end
{%- endmacro %}

{% macro rent_buckets() %}{{ return([
    {'upper': 50000, 'key': '1_lt50k', 'ja': '5万円未満', 'en': 'Under ¥50k'},
    {'upper': 60000, 'key': '2_50k_60k', 'ja': '5〜6万円', 'en': '¥50k–60k'},
    {'upper': 70000, 'key': '3_60k_70k', 'ja': '6〜7万円', 'en': '¥60k–70k'},
    {'upper': 80000, 'key': '4_70k_80k', 'ja': '7〜8万円', 'en': '¥70k–80k'},
]) }}{% endmacro %}
{% macro rent_top() %}{{ return({'key': '5_ge80k', 'ja': '8万円以上', 'en': '¥80k and over'}) }}{% endmacro %}

{% macro age_buckets() %}{{ return([
    {'upper': 20, 'key': '1_lt20', 'ja': '20歳未満', 'en': 'Under 20'},
    {'upper': 25, 'key': '2_20_24', 'ja': '20〜24歳', 'en': '20–24'},
    {'upper': 30, 'key': '3_25_29', 'ja': '25〜29歳', 'en': '25–29'},
    {'upper': 35, 'key': '4_30_34', 'ja': '30〜34歳', 'en': '30–34'},
    {'upper': 40, 'key': '5_35_39', 'ja': '35〜39歳', 'en': '35–39'},
]) }}{% endmacro %}
{% macro age_top() %}{{ return({'key': '6_ge40', 'ja': '40歳以上', 'en': '40 and over'}) }}{% endmacro %}

{% macro tenure_buckets() %}{{ return([
    {'upper': 3, 'key': '1_lt3m', 'ja': '3ヶ月未満', 'en': 'Under 3 months'},
    {'upper': 6, 'key': '2_3_6m', 'ja': '3〜6ヶ月', 'en': '3–6 months'},
    {'upper': 12, 'key': '3_6_12m', 'ja': '6〜12ヶ月', 'en': '6–12 months'},
    {'upper': 24, 'key': '4_12_24m', 'ja': '1〜2年', 'en': '1–2 years'},
]) }}{% endmacro %}
{% macro tenure_top() %}{{ return({'key': '5_ge24m', 'ja': '2年以上', 'en': '2 years and over'}) }}{% endmacro %}

{#- The three columns (<name>_bucket, _label_ja, _label_en) of one bucketing. -#}
{% macro bucket_columns(name, expr, bounds, top) -%}
    {{ _bucket(expr, bounds, top, 'key') }} as {{ name }}_bucket,
    {{ _bucket(expr, bounds, top, 'ja') }} as {{ name }}_bucket_label_ja,
    {{ _bucket(expr, bounds, top, 'en') }} as {{ name }}_bucket_label_en
{%- endmacro %}

{#- The move-out reason as a bucketing: key = the code zero-padded to 3 digits (sorts), labels from
    code_moveout_reason (already on the row); no reason -> 0_unknown, a code the table lacks -> its number. -#}
{% macro reason_bucket_columns(alias) -%}
    case when {{ alias }}.reason_moveout is null then '0_unknown'
        else concat('r', lpad(cast({{ alias }}.reason_moveout as char), 3, '0')) end as reason_bucket,
    case when {{ alias }}.reason_moveout is null then '不明'
        else coalesce({{ alias }}.reason_moveout_label_ja, cast({{ alias }}.reason_moveout as char)) end
        as reason_bucket_label_ja,
    case when {{ alias }}.reason_moveout is null then 'Unknown'
        else coalesce({{ alias }}.reason_moveout_label_en, cast({{ alias }}.reason_moveout as char)) end
        as reason_bucket_label_en
{%- endmacro %}
