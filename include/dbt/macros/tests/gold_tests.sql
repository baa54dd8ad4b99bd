{#- Every bucketing of gold.moveout_summary counts each move-out of gold.moveout_analysis exactly once: returns the
    bucket types whose total differs (or is missing while there are move-outs). -#}
{% test moveout_summary_adds_up(model, analysis) %}
WITH expected AS (
    SELECT COUNT(*) AS moveouts FROM {{ analysis }}
),

kinds AS (
    SELECT 'rent' AS bucket_type UNION ALL SELECT 'age' UNION ALL SELECT 'tenure' UNION ALL SELECT 'reason'
),

totals AS (
    SELECT bucket_type, SUM(moveouts) AS moveouts FROM {{ model }} GROUP BY bucket_type
)

SELECT k.bucket_type, COALESCE(t.moveouts, 0) AS summary_moveouts, e.moveouts AS expected_moveouts
FROM kinds AS k
CROSS JOIN expected AS e
LEFT JOIN totals AS t ON t.bucket_type = k.bucket_type
WHERE COALESCE(t.moveouts, 0) <> e.moveouts
{% endtest %}
