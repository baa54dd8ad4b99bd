"""Jinja macros for the DAGs' SQL templates (`{{ tokyobeta.… }}`).

The batch-date helpers are pure. `publish_plan` and `batch_schema` read the staging tables' batch tags when the task
renders its SQL (at run time, in the worker; never at DAG parse), so the rendered SQL shows what the task decided.
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing

from tokyobeta_etl import batch_date, config
from tokyobeta_etl.config import MYSQL_CONN_ID
from tokyobeta_etl.contract import STAGING_TABLES
from tokyobeta_etl.staging import generations


def _generations():
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    with closing(MySqlHook(mysql_conn_id=MYSQL_CONN_ID).get_conn()) as conn, closing(conn.cursor()) as cur:
        return generations.read_generations(cur)


class TokyobetaMacros:
    staging_tables = STAGING_TABLES

    @staticmethod
    def setting(name: str) -> str | None:
        return config.setting(name)

    @staticmethod
    def batch_iso(data_interval_end: dt.datetime) -> str:
        return batch_date.batch_iso(data_interval_end)

    @staticmethod
    def batch_ymd(data_interval_end: dt.datetime) -> str:
        return batch_date.batch_ymd(data_interval_end)

    @staticmethod
    def publish_plan(data_interval_end: dt.datetime) -> generations.PublishPlan:
        published, loaded = _generations()
        return generations.plan_publish(batch_date.batch_date_of(data_interval_end), published, loaded)

    @staticmethod
    def batch_schema(data_interval_end: dt.datetime, tables: tuple[str, ...] = ("tenants",)) -> str:
        published, loaded = _generations()
        return generations.batch_schema(batch_date.batch_date_of(data_interval_end), published, loaded, tables)


USER_DEFINED_MACROS = {"tokyobeta": TokyobetaMacros()}
