"""The dbt layers as Cosmos task groups: every seed and model its own task, its tests attached to it.

Execution set-up (docs/decisions/0004-cosmos-execution.md): local execution of the dbt venv's executable in a
subprocess, TestBehavior.BUILD (one `dbt build` per node runs the node and then its tests, so a failing test fails
that node's task and stops everything downstream of it), rendered from the built manifest.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cosmos import DbtTaskGroup, ExecutionConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

from tokyobeta_etl import config, dbt_project


@dataclass(frozen=True)
class DbtExecution:
    """How Cosmos runs the nodes. The shipped set-up is the default; bench/bench_silver.py measures the others."""

    mode: ExecutionMode = ExecutionMode.LOCAL
    test_behavior: TestBehavior = TestBehavior.BUILD
    # A node's build runs only the tests all of whose parents are built by then ...
    test_indirect_selection: TestIndirectSelection = TestIndirectSelection.CAUTIOUS
    # ... and a test across two models (relationships) gets its own task after both.
    detach_multiple_parents_tests: bool = True
    dbt_executable: str | None = None  # None: dbt_project.dbt_executable()
    operator_args: dict = field(default_factory=dict)  # added to every node's operator


DEPLOYED_EXECUTION = DbtExecution()


def dbt_layer(layer: str, dag_file: str, execution: DbtExecution = DEPLOYED_EXECUTION) -> DbtTaskGroup:
    """A task group with the nodes tagged `layer` (e.g. silver): seeds, models and their tests."""
    return DbtTaskGroup(
        group_id=layer,
        project_config=ProjectConfig(
            dbt_project_path=dbt_project.project_dir(dag_file),
            manifest_path=dbt_project.manifest_path(dag_file),
            install_dbt_deps=False,
        ),
        profile_config=dbt_project.profile_config(),
        execution_config=ExecutionConfig(
            execution_mode=execution.mode,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=execution.dbt_executable or dbt_project.dbt_executable(dag_file),
            test_indirect_selection=execution.test_indirect_selection,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=[f"tag:{layer}"],
            test_behavior=execution.test_behavior,
            enable_mock_profile=False,
            should_detach_multiple_parents_tests=execution.detach_multiple_parents_tests,
        ),
        operator_args={
            "vars": dbt_project.dbt_vars(),
            "env": dict(dbt_project.DBT_ENV),
            "append_env": True,
            "install_deps": False,
            "callback": dbt_project.raise_on_lock_wait,  # a lock wait fails the node naming the lock's holder
            **execution.operator_args,
        },
        default_args={
            "retries": 2,  # a failing dbt test will not pass on a retry: alert sooner
            "execution_timeout": config.TASK_TIMEOUTS["dbt_node"],
        },
    )
