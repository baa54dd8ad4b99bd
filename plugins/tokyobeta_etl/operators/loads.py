"""Staging tasks of the daily DAG: wait for the dumps, load each into the load area, snapshot, publish."""

from __future__ import annotations

from airflow.operators.python import PythonOperator
from airflow.providers.mysql.operators.mysql import MySqlOperator

from tokyobeta_etl import config, db_session
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.loading.load_task import load_dump_task
from tokyobeta_etl.sensors import BUCKET_TEMPLATE, DumpSensor, dump_key_patterns


def wait_for_dumps() -> DumpSensor:
    return DumpSensor(
        task_id="wait_for_dumps",
        bucket_name=BUCKET_TEMPLATE,
        bucket_key=dump_key_patterns(),
        wildcard_match=True,
        aws_conn_id=config.AWS_CONN_ID,
        mode="reschedule",  # frees the worker slot between pokes
        # A look a minute: dumps that land at 07:01 load at 07:02, inside the 07:20 target. Each look is one short task
        # start in reschedule mode; 5-minute looks would spend a quarter of the window waiting.
        poke_interval=60,
        timeout=config.DUMP_SENSOR_TIMEOUT.total_seconds(),
        retries=0,  # waiting is the sensor's own job; a timeout is final
        doc_md="Waits for the four dumps of the batch date (`.sql` or `.sql.gz`) until `tokyobeta_dump_deadline_jst`.",
    )


class PipelineSqlOperator(MySqlOperator):
    """MySqlOperator on a bounded session (tokyobeta_etl.db_session): a statement behind another session's lock gives
    up after tokyobeta_lock_wait_seconds and fails naming the holder."""

    def get_db_hook(self):
        return db_session.hook()

    def execute(self, context):
        with db_session.blockers_named(db_session.tables_in(str(self.sql))):
            return super().execute(context)


def _sql_step(task_id: str, sql_file: str, doc_md: str) -> MySqlOperator:
    """A step whose SQL lives in include/sql (templated with the tokyobeta macros), run statement by statement."""
    return PipelineSqlOperator(
        task_id=task_id,
        mysql_conn_id=config.MYSQL_CONN_ID,
        sql=sql_file,
        split_statements=True,
        execution_timeout=config.TASK_TIMEOUTS["sql_step"],
        doc_md=doc_md,
    )


def create_schemas() -> MySqlOperator:
    return _sql_step(
        "create_schemas",
        "staging/create_schemas.sql",
        "Creates the schemas and the pipeline's own tables if they do not exist (idempotent).",
    )


def load_dumps() -> list[PythonOperator]:
    return [
        PythonOperator(
            task_id=f"load_{stem}",
            python_callable=load_dump_task,
            op_kwargs={"stem": stem},
            execution_timeout=config.TASK_TIMEOUTS["load"],
            doc_md=f"Streams `{stem}_YYYYMMDD.sql[.gz]` from S3 into `{config.STAGING_LOAD}` "
            f"({', '.join(tables)}), validates it and tags it with the batch date. Bad input fails without retries.",
        )
        for stem, tables in DUMP_FILES.items()
    ]


def snapshot_tenants() -> MySqlOperator:
    return _sql_step(
        "snapshot_tenants",
        "staging/snapshot_tenants.sql",
        "Replaces this batch date's rows of `staging.tenant_daily_snapshots` in one transaction and records the "
        "write in `staging.tenant_snapshot_dates` (so tenant_status_history knows whether it may append).",
    )


def publish_staging() -> MySqlOperator:
    return _sql_step(
        "publish_staging",
        "staging/publish.sql",
        "Publishes the five load-area tables with one atomic RENAME, unless the batch is older than the "
        "published one (then staging is kept). The decision is in the rendered SQL.",
    )
