"""A real Airflow 2.10.3, as a deployment runs it: PostgreSQL metadata database, scheduler with the LocalExecutor,
triggerer (for deferred sensors) and, when asked, the web server, each its own process with its own log.

The DAG folder, the warehouse and moto come from the caller. Runs are triggered and inspected through the CLI and the
metadata database, as an operator would; nothing here imports the DAGs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tokyobeta_etl import config

from . import airflow_env, postgres_server
from .ports import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
TERMINAL_RUN_STATES = {"success", "failed"}
# moto's default account: the topic's ARN is known before moto has it, so the cluster can start with it
ALERT_TOPIC = "tokyobeta-cluster-alerts"
ALERT_TOPIC_ARN = f"arn:aws:sns:ap-northeast-1:123456789012:{ALERT_TOPIC}"


def pipeline_env(include_dir: Path) -> dict[str, str]:
    """What every test cluster running the pipeline's DAGs sets: a copy of include/ (a test may break a file of it),
    the repository's dbt venv (it is not beside the copy), and the alert topic of `alert_queue`."""
    return {
        "TOKYOBETA_INCLUDE_DIR": str(include_dir),
        "TOKYOBETA_DBT_EXECUTABLE": str(REPO / ".dbt-venv" / "bin" / "dbt"),
        "AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN": ALERT_TOPIC_ARN,
    }


def alert_queue(moto):
    """Create the cluster's alert topic with an SQS queue subscribed; returns a function draining the queue into
    [{"subject", "body"}]."""
    sns, sqs = moto.client("sns"), moto.client("sqs")
    arn = sns.create_topic(Name=ALERT_TOPIC)["TopicArn"]
    assert arn == ALERT_TOPIC_ARN, arn
    url = sqs.create_queue(QueueName=ALERT_TOPIC)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)

    def drain() -> list[dict]:
        out = []
        while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages"):
            for m in got:
                envelope = json.loads(m["Body"])
                out.append({"subject": envelope.get("Subject"), "body": envelope["Message"]})
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return out

    return drain


@dataclass
class TaskInstance:
    task_id: str
    map_index: int
    state: str | None
    try_number: int
    start: dt.datetime | None
    end: dt.datetime | None
    operator: str | None


@dataclass
class DagRun:
    run_id: str
    run_type: str
    logical_date: dt.datetime
    state: str
    start: dt.datetime | None
    end: dt.datetime | None


# The web server's admin (REST API, basic auth). The test web server also shows its pages read-only to anonymous
# visitors (webserver_config.py below), so that a headless browser can take a screenshot without logging in.
WEB_ADMIN = "admin"
WEB_CONFIG = """# harness: anonymous visitors get this role, so that a headless browser needs no login
AUTH_ROLE_PUBLIC = "{role}"
WTF_CSRF_ENABLED = True
"""


@dataclass
class AirflowCluster:
    home: Path
    env: dict[str, str]
    metadata: postgres_server.PostgresServer
    database: str
    web_port: int | None = None
    web_password: str | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def web_url(self) -> str:
        assert self.web_port, "the cluster was started without a web server"
        return f"http://127.0.0.1:{self.web_port}"

    def api(self, method: str, path: str, json_body: dict | None = None, expect: int = 200) -> dict:
        """The stable REST API (/api/v1) as an operator's script calls it: basic auth as the admin."""
        import requests

        response = requests.request(
            method, f"{self.web_url}/api/v1/{path.lstrip('/')}", json=json_body,
            auth=(WEB_ADMIN, self.web_password), timeout=60,
        )  # fmt: skip
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:2000]}"
        return response.json()

    # -- driving it -------------------------------------------------------------------------------------------
    def cli(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(VENV_BIN / "airflow"), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def wait_for_dag(self, dag_id: str, timeout: float = 120) -> None:
        """Until the scheduler has parsed and serialized `dag_id`; a DAG file that failed to import raises its error."""

        def parsed():
            if errors := self.query("SELECT filename, stacktrace FROM import_error"):
                raise RuntimeError("DAG import errors:\n" + "\n".join(f"{f}:\n{t}" for f, t in errors))
            return self.query("SELECT 1 FROM serialized_dag WHERE dag_id = %s", (dag_id,))

        self.poll(parsed, timeout, f"DAG {dag_id} to be parsed (scheduler log: {self.log('scheduler')})")

    def trigger(self, dag_id: str, logical_date: dt.datetime, conf: dict | None = None, run_id: str = "") -> str:
        """A manual run at a chosen logical date (tests only: the README's recipes never choose one)."""
        run_id = run_id or f"harness__{logical_date.isoformat()}"
        self.wait_for_dag(dag_id)
        self.cli("dags", "trigger", dag_id, "-e", logical_date.isoformat(), "-r", run_id, "-c", json.dumps(conf or {}))
        return run_id

    def trigger_now(self, dag_id: str, conf: dict, run_id: str) -> str:
        """The README's recipe, `airflow dags trigger --conf '{...}' <dag>`: Airflow gives the run the trigger time as
        its logical date (the run id is named only so the test can find it)."""
        self.wait_for_dag(dag_id)
        self.cli("dags", "trigger", "--conf", json.dumps(conf), "-r", run_id, dag_id)
        return run_id

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 1200) -> str:
        """Until the run ends; the timeout leaves room for one retry's back-off (at most 10 min) on a slow machine."""

        def state():
            rows = self.query("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
            return rows and rows[0][0] in TERMINAL_RUN_STATES and rows[0][0]

        try:
            return self.poll(state, timeout, f"run {dag_id}/{run_id} to finish")
        except TimeoutError as timed_out:
            raise TimeoutError(f"{timed_out}\n{self.post_mortem(dag_id, run_id)}") from None

    def post_mortem(self, dag_id: str, run_id: str, log_lines: int = 60) -> str:
        """What a stuck run shows: its tasks not succeeded (state, try, times, the end of a failed try's log) and the
        scheduler's lines on it. CI keeps only the test output, so this is all a failed run there leaves to read."""
        rows = self.query(
            "SELECT task_id, state, try_number, max_tries, start_date, end_date FROM task_instance "
            "WHERE dag_id = %s AND run_id = %s AND state IS DISTINCT FROM 'success' ORDER BY task_id",
            (dag_id, run_id),
        )
        tasks = "\n".join(f"  {t}: {s} try {n}/{m} start {a} end {e}" for t, s, n, m, a, e in rows) or "  (none)"
        for task_id, state, try_number, *_ in rows:
            log_file = self.task_log(dag_id, run_id, task_id, try_number)
            if state in ("failed", "up_for_retry") and log_file.exists():
                end = log_file.read_text(errors="replace").splitlines()[-15:]
                tasks += f"\n  {task_id} try {try_number}, last log lines:\n" + "\n".join(f"    {x[:300]}" for x in end)
        run = self.query("SELECT state, start_date FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
        logs = ""
        for log in sorted(self.home.glob("scheduler*.log")):  # a scheduler restarted in a test has its own
            lines = [x[:400] for x in log.read_text(errors="replace").splitlines()]
            lines = [x for x in lines if run_id in x or " ERROR " in x or " WARNING " in x]
            logs += f"\n{log}, its last lines on this run or with a warning:\n" + "\n".join(lines[-log_lines:])
        return f"run state {run}; tasks not succeeded:\n{tasks}{logs}"

    def start_daemons(self) -> None:
        for name in ("scheduler", "triggerer"):
            self.procs[name] = spawn(self, name)

    def backfill(self, dag_id: str, start: str, end: str, *extra: str, timeout: float = 1800) -> None:
        """`airflow dags backfill` exactly as the README writes it; runs in this process's CLI, not the scheduler."""
        if "scheduler" in self.procs:
            self.wait_for_dag(dag_id)
        self.cli("dags", "backfill", dag_id, "-s", start, "-e", end, *extra, timeout=timeout)

    def dag_runs(self, dag_id: str) -> list[DagRun]:
        rows = self.query(
            "SELECT run_id, run_type, execution_date, state, start_date, end_date FROM dag_run WHERE dag_id = %s "
            "ORDER BY execution_date",
            (dag_id,),
        )
        return [DagRun(*row) for row in rows]

    def run_times(self, dag_id: str, run_id: str) -> tuple[dt.datetime, dt.datetime]:
        ((start, end),) = self.query(
            "SELECT start_date, end_date FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id)
        )
        return start, end

    def task_instances(self, dag_id: str, run_id: str) -> list[TaskInstance]:
        rows = self.query(
            "SELECT task_id, map_index, state, try_number, start_date, end_date, operator FROM task_instance "
            "WHERE dag_id = %s AND run_id = %s ORDER BY start_date NULLS LAST, task_id",
            (dag_id, run_id),
        )
        return [TaskInstance(*row) for row in rows]

    def wait_for_task_state(self, dag_id: str, run_id: str, task_id: str, states: set[str], timeout: float = 600):
        def state():
            rows = self.query(
                "SELECT state FROM task_instance WHERE dag_id = %s AND run_id = %s AND task_id = %s",
                (dag_id, run_id, task_id),
            )
            return rows and rows[0][0] in states and rows[0][0]

        return self.poll(state, timeout, f"{task_id} of {run_id} to reach one of {sorted(states)}")

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int) -> Path:
        return task_log_path(self.home / "logs", dag_id, run_id, task_id, try_number)

    def log(self, name: str) -> Path:
        return self.home / f"{name}.log"

    # -- the metadata database and waiting ----------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """A read of Airflow's metadata database."""
        return self.metadata.query(self.database, sql, params)

    def poll(self, probe, timeout: float, what: str):
        """probe() until it returns something true (returned); fails early when an Airflow process died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"airflow {name} exited ({proc.returncode}) while waiting for {what}")
            if value := probe():
                return value
            time.sleep(0.5)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}")

    def stop(self, keep_home: bool = False) -> None:
        """Stop every process; keep_home leaves the logs (and the home) for a post-mortem."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.metadata.stop()
        if not keep_home:
            shutil.rmtree(self.home)


def start(
    *,
    dags: list[Path],
    mysql_url: str,
    aws_endpoint_url: str,
    region: str,
    parallelism: int = 4,
    webserver: bool = False,
    daemons: bool = True,
    extra_env: dict[str, str] | None = None,
    public_role: str = "Viewer",
    cluster_class: type[AirflowCluster] = AirflowCluster,
) -> AirflowCluster:
    """Scheduler (LocalExecutor) + triggerer [+ web server] over a DAG folder holding links to `dags`.
    daemons=False: the metadata database only; the caller prepares history, then calls start_daemons().
    public_role: what an anonymous visitor of the web server may do (Viewer looks; Op also sees trigger forms)."""
    home = Path(tempfile.mkdtemp(prefix="tokyobeta-airflow-cluster-"))
    (home / "webserver_config.py").write_text(WEB_CONFIG.format(role=public_role))
    dags_folder = home / "dags"
    dags_folder.mkdir()
    for dag_file in dags:
        (dags_folder / dag_file.name).symlink_to(dag_file.resolve())
    metadata = postgres_server.start()
    try:
        database = "airflow"
        env = {
            **os.environ,
            **airflow_env.settings(home),
            **airflow_env.connections(mysql_url, aws_endpoint_url, region),
            **config.airflow_config_env(),  # what every deployment sets, MWAA's included
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata.create_database(database),
            "AIRFLOW__CORE__PARALLELISM": str(parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # An operator waits seconds, not minutes, for a new file or a newly runnable task.
            "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "30",
            "AIRFLOW__SCHEDULER__PARSING_PROCESSES": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
            "AIRFLOW__WEBSERVER__WORKERS": "1",
            "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth",
            "AIRFLOW__WEBSERVER__SECRET_KEY": secrets.token_hex(16),
            "AIRFLOW__WEBSERVER__CONFIG_FILE": str(home / "webserver_config.py"),
            "PYTHONPATH": str(REPO / "plugins"),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            **(extra_env or {}),
        }
        cluster = cluster_class(home=home, env=env, metadata=metadata, database=database)
    except BaseException:
        metadata.stop()
        raise
    try:
        cluster.cli("db", "migrate")
        if daemons:
            cluster.start_daemons()
        if webserver:
            cluster.web_password = secrets.token_hex(16)  # never starts with "-", which the CLI would read as a flag
            cluster.cli(
                "users", "create", "--role", "Admin", "--username", WEB_ADMIN, "--password", cluster.web_password,
                "--email", "admin@example.invalid", "--firstname", "Harness", "--lastname", "Admin",
            )  # fmt: skip
            cluster.web_port = free_port()
            cluster.procs["webserver"] = spawn(cluster, "webserver", "--port", str(cluster.web_port))
            wait_for_port(cluster.web_port, timeout=120, proc=cluster.procs["webserver"], what="airflow webserver")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def task_log_path(logs: Path, dag_id: str, run_id: str, task_id: str, try_number: int) -> Path:
    """Where Airflow's default log_filename_template puts one try's log under a base log folder."""
    return logs / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}" / f"attempt={try_number}.log"


def spawn(
    cluster: AirflowCluster,
    name: str,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log_name: str = "",
    new_session: bool = False,
) -> subprocess.Popen:
    """new_session: the process and its children get their own process group (a test can kill the whole tree)."""
    log = open(cluster.log(log_name or name), "wb")  # noqa: SIM115 - kept open for the process's lifetime
    return subprocess.Popen(
        [str(VENV_BIN / "airflow"), name, *args], env=env or cluster.env, cwd=cwd, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=new_session,
    )  # fmt: skip
