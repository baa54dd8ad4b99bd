"""A real Airflow 2.10.3 as MWAA runs it: the CeleryExecutor, Amazon SQS as the broker (moto's, harness.celery_sqs), the
PostgreSQL metadata database as the result backend, and two workers that share nothing but what MWAA's workers share.

Each worker has its own AIRFLOW_HOME, working directory, HOME, TMPDIR (so its own Cosmos cache and dbt profile) and
task-log folder, as separate containers would; the DAG folder (dags/, plugins/, include/) and the dbt venv are the
synced and startup-script parts every MWAA worker has. `worker_concurrency` is MWAA's mw1.small default; the
scheduler's parallelism is what the two workers can take together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import airflow_cluster as ac
from . import celery_sqs
from .process_tree import kill_tree

WORKERS = 2
WORKER_CONCURRENCY = 5  # MWAA's mw1.small: celery.worker_autoscale 5,5


def worker_name(n: int) -> str:
    return f"celery-worker-{n}"


@dataclass
class CeleryCluster(ac.AirflowCluster):
    broker: celery_sqs.SqsBroker | None = None
    workers: dict[str, Path] = field(default_factory=dict)  # worker name -> its own home

    schedulers: int = 0  # schedulers started so far

    def start_daemons(self, workers: int = WORKERS) -> None:
        self.start_scheduler()
        self.procs["triggerer"] = ac.spawn(self, "triggerer")
        for n in range(1, workers + 1):
            self.start_worker(worker_name(n))

    def start_scheduler(self) -> None:
        """A scheduler in a process group of its own (with the DAG processor it starts), each with its own log."""
        self.schedulers += 1
        log_name = "scheduler" if self.schedulers == 1 else f"scheduler-{self.schedulers}"
        self.procs["scheduler"] = ac.spawn(self, "scheduler", log_name=log_name, new_session=True)

    def restart_scheduler(self) -> None:
        """SIGKILL the scheduler's process tree (its DAG processor too) and start a new one: a scheduler container
        replaced mid-run."""
        self._kill("scheduler")
        self.start_scheduler()

    def worker_env(self, name: str) -> dict[str, str]:
        home = self.home / name
        return {
            **self.env,
            "AIRFLOW_HOME": str(home),
            "HOME": str(home),
            "TMPDIR": str(home / "tmp"),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        }

    def start_worker(self, name: str) -> None:
        """(Re)start one worker, as MWAA replaces a lost one: same name, same home."""
        home = self.home / name
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        self.workers[name] = home
        self.procs[name] = ac.spawn(
            self, "celery", "worker", "--celery-hostname", f"{name}@%h", "--concurrency", str(WORKER_CONCURRENCY),
            "--skip-serve-logs", env=self.worker_env(name), cwd=home, log_name=name, new_session=True,
        )  # fmt: skip

    def kill_worker(self, name: str) -> None:
        """SIGKILL the worker's whole process tree (the worker, its pool, every task process and its dbt): a
        container that vanished."""
        self._kill(name)

    def _kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        kill_tree(proc.pid)
        proc.wait()

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int) -> Path:
        """The try's log in the folder of the worker that ran it (the first worker's path when none has it)."""
        found = [self.worker_task_log(w, dag_id, run_id, task_id, try_number) for w in self.workers]
        return next((p for p in found if p.exists()), found[0])

    def worker_task_log(self, worker: str, dag_id: str, run_id: str, task_id: str, try_number: int) -> Path:
        return ac.task_log_path(self.workers[worker] / "logs", dag_id, run_id, task_id, try_number)

    def ran_on(self, dag_id: str, run_id: str, task_id: str, try_number: int) -> list[str]:
        """The workers whose own log folder holds the try's log."""
        return [w for w in self.workers if self.worker_task_log(w, dag_id, run_id, task_id, try_number).exists()]

    def stop(self, keep_home: bool = False) -> None:
        try:
            for name in [*self.workers, "scheduler"]:
                if name in self.procs:
                    self._kill(name)  # with every task and DAG processor they started: no orphan outlives the test
            super().stop(keep_home=keep_home)
        finally:
            if self.broker is not None:
                self.broker.stop()


def start(*, extra_env: dict[str, str] | None = None, first_workers: int = WORKERS, **kwargs) -> CeleryCluster:
    """ac.start's arguments; the executor, broker and workers are this module's. first_workers: how many of the
    workers run from the start (a test starts the others with start_worker when it wants them)."""
    broker = celery_sqs.start()
    try:
        celery_env = {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            **broker.env(),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
            # SQS has no broadcast queues for Celery's remote control (each would need a predefined queue).
            "AIRFLOW__CELERY__WORKER_ENABLE_REMOTE_CONTROL": "False",
            # Every Airflow process imports the broker's configuration from the harness package (tests/).
            "PYTHONPATH": os.pathsep.join(str(ac.REPO / d) for d in ("plugins", "tests")),
            **(extra_env or {}),
        }
        cluster = ac.start(
            cluster_class=CeleryCluster, parallelism=WORKERS * WORKER_CONCURRENCY, daemons=False, extra_env=celery_env,
            **kwargs,
        )  # fmt: skip
    except BaseException:
        broker.stop()
        raise
    cluster.broker = broker
    try:
        # The result backend is the metadata database, as on MWAA; its URL is known once the database exists.
        metadata_url = cluster.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        cluster.env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + metadata_url.replace("+psycopg2", "", 1)
        cluster.start_daemons(first_workers)
    except BaseException:
        cluster.stop()
        raise
    return cluster
