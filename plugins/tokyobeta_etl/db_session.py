"""Every database session of the pipeline, bounded: `lock_wait_timeout` and `innodb_lock_wait_timeout` from the
Airflow Variable `tokyobeta_lock_wait_seconds` (default 300), so a statement behind someone else's lock gives up
after that long instead of hanging until the run's time-out. This module is the one place that builds the setting:
the Python tasks and the on-call code connect through `connect()`, the SQL steps through `BoundedMySqlHook`, dbt
through the `set_session_limits` pre-hook fed by the dbt var `lock_wait_seconds`.

When a statement gives up (error 1205), `LockWaitTimeout` names the session(s) holding the lock (tokyobeta_etl.locks).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from tokyobeta_etl import config, locks

LOCK_WAIT_TIMEOUT_ERRNO = 1205  # ER_LOCK_WAIT_TIMEOUT: metadata and row lock waits alike (MySQL 8.0, MariaDB 10.11)
LOCK_WAIT_MESSAGE = "Lock wait timeout exceeded"
MAX_LOCK_WAIT_SECONDS = 3600
_QUALIFIED = re.compile(rf"`?\b({'|'.join(locks.PIPELINE_SCHEMAS)})`?\s*\.\s*`?(\w+)`?", re.IGNORECASE)


class LockWaitTimeout(RuntimeError):
    """A statement gave up waiting for a lock; the message names who holds it and what to do."""

    def __init__(self, message: str, holders: str):
        super().__init__(message)
        self.holders = holders


def lock_wait_seconds() -> int:
    raw = config.setting("tokyobeta_lock_wait_seconds")
    try:
        seconds = int(raw)
    except (TypeError, ValueError):
        seconds = 0
    if not 1 <= seconds <= MAX_LOCK_WAIT_SECONDS:
        raise ValueError(f"tokyobeta_lock_wait_seconds must be a whole number of seconds from 1 to "
                         f"{MAX_LOCK_WAIT_SECONDS}, got {raw!r}")  # fmt: skip
    return seconds


def session_statement(seconds: int) -> str:
    return f"SET SESSION lock_wait_timeout = {int(seconds)}, innodb_lock_wait_timeout = {int(seconds)}"


def bound(conn):
    """Apply the pipeline's session limits to a fresh DB-API connection; returns it."""
    cur = conn.cursor()
    try:
        cur.execute(session_statement(lock_wait_seconds()))
    finally:
        cur.close()
    return conn


def _hook_class():
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    class BoundedMySqlHook(MySqlHook):
        """MySqlHook whose every connection carries the pipeline's lock-wait limits."""

        def get_conn(self):
            return bound(super().get_conn())

    return BoundedMySqlHook


def hook():
    """A MySqlHook on the warehouse connection whose connections are bounded."""
    return _hook_class()(mysql_conn_id=config.MYSQL_CONN_ID)


def connect():
    """A bounded DB-API connection to the warehouse (the caller closes it)."""
    return hook().get_conn()


def table_exists(cur, schema: str, table: str) -> bool:
    """Whether `schema`.`table` exists (a view counts), read from information_schema through an open cursor."""
    cur.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s AND table_name = %s", (schema, table)
    )
    return cur.fetchone()[0] > 0


def is_lock_wait_timeout(error: BaseException | str | None) -> bool:
    if isinstance(error, BaseException) and getattr(error, "args", None) and error.args[0] == LOCK_WAIT_TIMEOUT_ERRNO:
        return True
    return LOCK_WAIT_MESSAGE in str(error or "")


def tables_in(text: str) -> list[str]:
    """The pipeline's schema.table names a statement or an error text mentions, in order, once each."""
    seen: list[str] = []
    for schema, table in _QUALIFIED.findall(text or ""):
        name = f"{schema.lower()}.{table}"
        if name not in seen:
            seen.append(name)
    return seen


def explain(tables: list[str]) -> str:
    """Who holds the locks on these tables now, read through a new bounded connection (the PROCESS privilege)."""
    from contextlib import closing

    with closing(connect()) as conn:
        if tables:
            return "\n".join(locks.describe_blockers(conn, t) for t in tables)
        return locks.render(locks.lock_sessions(conn))


def lock_wait_error(error: BaseException, tables: list[str]) -> LockWaitTimeout:
    """The error to fail with when a statement on `tables` gave up waiting for a lock."""
    where = ", ".join(tables) or "a table of the pipeline"
    holders = explain(tables)
    return LockWaitTimeout(
        f"gave up after {lock_wait_seconds()} s (tokyobeta_lock_wait_seconds) waiting for a lock on {where}: "
        f"{first_blocker_line(holders)}\n{holders}\nOriginal error: {error}",
        holders,
    )


def first_blocker_line(description: str) -> str:
    """The line that names a holding session (for the alert's one-line error), else the description's first line."""
    lines = [x.strip() for x in description.splitlines() if x.strip()]
    return next((x for x in lines if x.startswith("session ")), lines[0] if lines else "")


@contextmanager
def blockers_named(tables: list[str]):
    """Inside: a statement that gives up waiting for a lock on `tables` fails with LockWaitTimeout naming the holder
    (still retried by Airflow: the holder may be gone by the next try)."""
    try:
        yield
    except LockWaitTimeout:
        raise
    except Exception as err:
        if is_lock_wait_timeout(err):
            raise lock_wait_error(err, tables) from err
        raise
