-- Publish the load area's five tables at once. One multi-table RENAME is atomic: readers see either the previous
-- complete generation or the new one. The previous generation stays in staging_prev until the next publish.
-- The plan (rendered into this file, visible in the task's Rendered Template) is decided from the batch tags on the
-- tables themselves: a batch older than the published one is never published (contract invariant 2).
{% set plan = tokyobeta.publish_plan(params, data_interval_end) %}
-- batch {{ plan.batch }}: {{ plan.decision }}: {{ plan.reason }}
{% if plan.decision == 'publish' %}
DROP TABLE IF EXISTS {% for t in tokyobeta.staging_tables %}staging_prev.{{ t }}{{ ", " if not loop.last }}{% endfor %};

RENAME TABLE
{% for t in tokyobeta.staging_tables %}
    staging.{{ t }} TO staging_prev.{{ t }},  -- noqa: LT02
    staging_load.{{ t }} TO staging.{{ t }}{{ "," if not loop.last }}  -- noqa: LT02
{% endfor %};
{% else %}
SELECT '{{ plan.decision }}' AS publish_decision;
{% endif %}
