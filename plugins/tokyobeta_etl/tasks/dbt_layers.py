"""The dbt layers as Cosmos task groups: every seed and model its own task, its tests attached to it.

Execution set-up (docs/decisions/0004-cosmos-execution.md): local execution of the dbt venv's executable in a
subprocess, TestBehavior.BUILD (one `dbt build` per node runs the node and then its tests, so a failing test fails
that node's task and stops everything downstream of it), rendered from the built manifest.json.
"""

from __future__ import annotations

from cosmos import DbtTaskGroup, ExecutionConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

from tokyobeta_etl import dbt_project


def dbt_layer(layer: str, dag_file: str) -> DbtTaskGroup:
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
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=dbt_project.dbt_executable(dag_file),
            # A node's build runs only the tests all of whose parents are built by then ...
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=[f"tag:{layer}"],
            test_behavior=TestBehavior.BUILD,
            enable_mock_profile=False,
            # ... and a test across two models (relationships) gets its own task after both.
            should_detach_multiple_parents_tests=True,
        ),
        operator_args={
            "vars": dbt_project.dbt_vars(),
            "env": dict(dbt_project.DBT_ENV),
            "append_env": True,
            "install_deps": False,
        },
        default_args={"retries": 2},  # a failing dbt test will not pass on a retry: alert sooner
    )
