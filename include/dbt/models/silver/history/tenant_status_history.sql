{{ config(
    pre_hook="{{ keep_generations(this) }}",
    post_hook="{{ ensure_primary_key(this, ['tenant_id', 'valid_from']) }}",
) }}
-- SCD2 of each tenant's (status, contract_type) from staging.tenant_daily_snapshots, rebuilt in full every run
-- (a re-run past date rewrites its snapshot rows, so the whole history is recomputed, set-based).
-- Gaps and islands: within a tenant's snapshots in date order, the row number minus the row number among the rows
-- with the same (status, contract_type) is constant along a run of unchanged values and different for every
-- later run of the same values (NULL contract_type partitions and groups like a value). One GROUP BY then turns
-- each island into a period; the window over the (few) periods links each to its neighbours.
-- Cost: two sorts of the whole snapshot table (README: measured timings).
WITH islands AS (
    SELECT
        s.tenant_id,
        s.snapshot_date,
        s.status,
        s.contract_type,
        ROW_NUMBER() OVER (PARTITION BY s.tenant_id ORDER BY s.snapshot_date)
        - ROW_NUMBER() OVER (PARTITION BY s.tenant_id, s.status, s.contract_type ORDER BY s.snapshot_date)
            AS island
    FROM {{ source('staging', 'tenant_daily_snapshots') }} AS s
),

periods AS (
    SELECT
        tenant_id,
        status,
        contract_type,
        MIN(snapshot_date) AS valid_from,
        MAX(snapshot_date) AS last_snapshot_date,
        COUNT(*) AS snapshot_count
    FROM islands
    GROUP BY tenant_id, status, contract_type, island
),

linked AS (
    SELECT
        p.*,
        ROW_NUMBER() OVER (PARTITION BY p.tenant_id ORDER BY p.valid_from) AS period_number,
        LAG(p.status) OVER (PARTITION BY p.tenant_id ORDER BY p.valid_from) AS previous_status,
        LEAD(p.valid_from) OVER (PARTITION BY p.tenant_id ORDER BY p.valid_from) AS next_valid_from
    FROM periods AS p
)

SELECT
    l.tenant_id,
    CAST(l.period_number AS UNSIGNED) AS period_number,
    l.status AS management_status_code,
    st.label_ja AS management_status_label_ja,
    st.label_en AS management_status_label_en,
    l.contract_type AS legacy_contract_type,
    l.previous_status AS previous_management_status_code,
    l.valid_from,
    DATE_SUB(l.next_valid_from, INTERVAL 1 DAY) AS valid_to,
    CASE WHEN l.next_valid_from IS NULL THEN 1 ELSE 0 END AS is_current,
    l.last_snapshot_date,
    CAST(l.snapshot_count AS UNSIGNED) AS snapshot_count
FROM linked AS l
LEFT JOIN {{ ref('code_tenant_status') }} AS st
    ON st.code = l.status
