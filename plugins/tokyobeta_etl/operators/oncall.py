"""The on-call DAGs' command tasks (their callables: tokyobeta_etl.oncall_tasks)."""

from __future__ import annotations

from airflow.operators.python import PythonOperator

from tokyobeta_etl import config
from tokyobeta_etl.oncall_tasks import CALLABLES


def command_task(task_id: str, doc_md: str) -> PythonOperator:
    """The task running the on-call command `task_id` (a key of oncall_tasks.CALLABLES)."""
    timeout = config.TASK_TIMEOUTS["oncall_reload" if task_id == "reload" else "check"]
    return PythonOperator(
        task_id=task_id, python_callable=CALLABLES[task_id], retries=0, execution_timeout=timeout, doc_md=doc_md
    )
