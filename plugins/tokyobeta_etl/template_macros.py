"""Jinja macros for the DAGs' SQL templates (`{{ tokyobeta.… }}`).

The batch-date helpers are pure. `publish_plan` and `batch_schema` read the staging tables' batch tags when the task
renders its SQL (at run time, in the worker; never at DAG parse), so the rendered SQL shows what the task decided.
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing, contextmanager

from tokyobeta_etl import batch_date, config, db_session
from tokyobeta_etl.data_contract import STAGING_TABLES
from tokyobeta_etl.loading import generations


def _generations():
    with closing(db_session.connect()) as conn, closing(conn.cursor()) as cur:
        return generations.read_generations(cur)


class TokyobetaMacros:
    staging_tables = STAGING_TABLES

    @staticmethod
    def setting(name: str) -> str | None:
        return config.setting(name)

    @staticmethod
    def lock_wait_seconds() -> int:
        return db_session.lock_wait_seconds()

    # Every template passes the run's `params` and `data_interval_end`: the batch date is the `batch_date` param
    # when given, else the JST date of data_interval_end (tokyobeta_etl.batch_date).
    @staticmethod
    def batch_iso(params: dict, data_interval_end: dt.datetime) -> str:
        return batch_date.batch_iso(params, data_interval_end)

    @staticmethod
    def batch_ymd(params: dict, data_interval_end: dt.datetime) -> str:
        return batch_date.batch_ymd(params, data_interval_end)

    # Staging in the wrong state is not transient (runs never overlap): fail at once with what to do, no retries.
    @staticmethod
    def publish_plan(params: dict, data_interval_end: dt.datetime) -> generations.PublishPlan:
        published, loaded = _generations()
        with _fail_at_once():
            return generations.plan_publish(batch_date.run_batch_date(params, data_interval_end), published, loaded)

    @staticmethod
    def batch_schema(params: dict, data_interval_end: dt.datetime, tables: tuple[str, ...] = ("tenants",)) -> str:
        published, loaded = _generations()
        with _fail_at_once():
            batch = batch_date.run_batch_date(params, data_interval_end)
            return generations.batch_schema(batch, published, loaded, tables)


@contextmanager
def _fail_at_once():
    from airflow.exceptions import AirflowFailException

    try:
        yield
    except generations.StagingStateError as err:
        raise AirflowFailException(str(err)) from err


USER_DEFINED_MACROS = {"tokyobeta": TokyobetaMacros()}
