"""Benchmark-only DAGs (bench/bench_silver.py): the silver group alone, under each Cosmos execution set-up measured.

Never deployed: `make bundle` ships dags/ only. Triggered by hand for a batch date whose staging is already published.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
from airflow import DAG
from cosmos.constants import ExecutionMode, TestBehavior, TestIndirectSelection

from tokyobeta_etl import config
from tokyobeta_etl.operators.dbt_layers import DEPLOYED_EXECUTION, DbtExecution, dbt_layer
from tokyobeta_etl.template_macros import USER_DEFINED_MACROS

SETUPS = {
    "shipped": DEPLOYED_EXECUTION,
    # Cosmos' defaults for everything but what this environment needs (executable, profile, manifest).
    "cosmos_default": DbtExecution(
        mode=ExecutionMode.LOCAL,
        test_behavior=TestBehavior.AFTER_EACH,
        test_indirect_selection=TestIndirectSelection.EAGER,
        detach_multiple_parents_tests=False,
    ),
    # The producer runs one `dbt build`; WATCHER has no per-node build operator, so tests are their own sensors.
    # dbt 1.7 needs its `--log-format` moved before the subcommand (see the shim).
    "watcher": DbtExecution(
        mode=ExecutionMode.WATCHER,
        test_behavior=TestBehavior.AFTER_EACH,
        dbt_executable=str(Path(__file__).resolve().parent / "dbt_log_format_shim.sh"),
    ),
    # The same, its consumer sensors polling every second instead of Cosmos' default 10 s.
    "watcher_poke_1s": DbtExecution(
        mode=ExecutionMode.WATCHER,
        test_behavior=TestBehavior.AFTER_EACH,
        dbt_executable=str(Path(__file__).resolve().parent / "dbt_log_format_shim.sh"),
        operator_args={"poke_interval": 1},
    ),
}

for name, execution in SETUPS.items():
    with DAG(
        dag_id=f"bench_silver_{name}",
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz=config.TIMEZONE),
        max_active_runs=1,
        user_defined_macros=USER_DEFINED_MACROS,
        default_args={"owner": "data-platform", "retries": 0},
        tags=["tokyobeta", "bench"],
        doc_md=f"Benchmark: the silver group with the `{name}` execution set-up.",
    ) as dag:
        dbt_layer("silver", __file__, execution)
    globals()[dag.dag_id] = dag
