"""show-locks: the sessions holding or waiting for locks on the pipeline's schemas, seen as the ETL user, with real
sessions holding and waiting on the harness's server (each blocked statement runs in a thread, bounded by
lock_wait_timeout)."""

from __future__ import annotations

import re
import threading
import time
from contextlib import ExitStack, contextmanager
from functools import partial

import MySQLdb
import pytest

from harness import airflow_env
from tokyobeta_etl import locks, oncall

LOCK_WAIT = 30  # s: the longest any blocked statement here may wait (lock_wait_timeout, innodb_lock_wait_timeout)
START_WAIT = 10  # s: for a blocked statement to start waiting
INNODB_VIEWS_CACHE = 0.15  # s: longer than InnoDB's 0.1 s between refreshes of INNODB_TRX, INNODB_LOCK_WAITS
OTHER_SCHEMA = "lock_probe_other"  # not one of the pipeline's
GOLD_PROBE = "CREATE TABLE gold.lock_probe (id INT PRIMARY KEY, amount INT)"
NOTHING = "OK: no session holds or waits for a lock on staging, staging_load, staging_prev, silver, gold, ops"


@pytest.fixture
def connect(mysql_server, etl_user):
    """Opens sessions, as the ETL user or the administrator; all closed at the end."""
    opened = []

    def open_session(admin: bool = False) -> MySQLdb.Connection:
        login = {} if admin else {"user": etl_user.user, "password": etl_user.password}
        conn = mysql_server.connect(**login)
        opened.append(conn)
        return conn

    yield open_session
    for conn in opened:
        conn.close()


def execute(conn, *statements: str) -> None:
    cur = conn.cursor()
    for statement in statements:
        cur.execute(statement)
        cur.fetchall()


def connection_id(conn) -> int:
    cur = conn.cursor()
    cur.execute("SELECT CONNECTION_ID()")
    return int(cur.fetchone()[0])


def _run(conn, statement: str, outcome: dict) -> None:
    try:
        execute(conn, statement)
        outcome["done"] = True
    except MySQLdb.Error as err:  # reported by _until_waiting, or irrelevant once the lock is released
        outcome["error"] = err


def _until_waiting(watcher, conn_id: int, thread: threading.Thread, outcome: dict) -> None:
    deadline = time.monotonic() + START_WAIT
    cur = watcher.cursor()
    while time.monotonic() < deadline:
        cur.execute(
            "SELECT p.STATE, t.trx_state FROM information_schema.PROCESSLIST p "
            "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID WHERE p.ID = %s",
            (conn_id,),
        )
        row = cur.fetchone()
        # InnoDB refreshes its information_schema views only when they were not read for 0.1 s: poll slower
        time.sleep(INNODB_VIEWS_CACHE)
        if row and (re.match(r"Waiting for .*lock", row[0] or "") or row[1] == "LOCK WAIT"):
            return
        if not thread.is_alive():
            raise AssertionError(f"session {conn_id} did not wait for a lock: {outcome}")
    raise AssertionError(f"session {conn_id} is not waiting for a lock after {START_WAIT} s")


@contextmanager
def waiting(conn, statement: str, release, watcher):
    """Runs `statement` on `conn` in a thread and yields its connection id once it waits for a lock. On leaving:
    `release()` (ends the holder's lock), then the thread is joined."""
    execute(conn, f"SET SESSION lock_wait_timeout = {LOCK_WAIT}, innodb_lock_wait_timeout = {LOCK_WAIT}")
    conn_id, outcome = connection_id(conn), {}
    thread = threading.Thread(target=_run, args=(conn, statement, outcome), daemon=True)
    thread.start()
    try:
        _until_waiting(watcher, conn_id, thread, outcome)
        yield conn_id
    finally:
        try:
            release()
        finally:
            thread.join(LOCK_WAIT + 5)


def row_of(text: str, conn_id: int) -> str:
    rows = [line for line in text.splitlines() if re.match(rf"{conn_id}\s", line)]
    assert len(rows) == 1, f"no single row for session {conn_id} in:\n{text}"
    return rows[0]


@pytest.mark.parametrize(
    "statement",
    [
        "RENAME TABLE staging.lock_probe TO staging.lock_probe_old",
        "DROP TABLE staging.lock_probe",
        "INSERT INTO staging.lock_probe VALUES (2)",
    ],
)
def test_a_lock_tables_holder_and_the_statement_waiting_for_it(warehouse, connect, statement):
    admin = connect(admin=True)
    execute(admin, "CREATE TABLE staging.lock_probe (id INT PRIMARY KEY)", "INSERT INTO staging.lock_probe VALUES (1)")
    holder = connect(admin=True)  # the ETL user has no LOCK TABLES privilege; a console session would
    execute(holder, "LOCK TABLES staging.lock_probe READ")
    holder_id = connection_id(holder)
    time.sleep(2)  # the holder idles longer than its waiter waits: it is listed first
    inspector = connect()  # in a transaction, like a hook's connection: it would be a candidate, were it not itself
    execute(admin, "CREATE TABLE staging.lock_side (id INT)")
    execute(inspector, "START TRANSACTION", "SELECT * FROM staging.lock_side")
    with waiting(connect(), statement, partial(execute, holder, "UNLOCK TABLES"), admin) as waiter_id:
        sessions = locks.lock_sessions(inspector)
    text = locks.render(sessions)

    by_id = {s.connection_id: s for s in sessions}
    waiter = by_id[waiter_id]
    assert waiter.role == "waits" and "staging.lock_probe" in waiter.tables
    assert waiter.statement == statement and waiter.user == "tokyobeta_etl"
    # MariaDB without METADATA_LOCK_INFO cannot tell a LOCK TABLES holder: then it is a candidate, and said so
    assert holder_id in (waiter.blocked_by or waiter.candidates), waiter
    assert waiter.blocked_by or waiter.note.startswith("blocker not identified exactly")
    assert by_id[holder_id].role == "holds" and by_id[holder_id].seconds >= 2
    ids = [s.connection_id for s in sessions]
    assert ids.index(holder_id) < ids.index(waiter_id)
    assert [s.seconds for s in sessions] == sorted((s.seconds for s in sessions), reverse=True)
    assert connection_id(inspector) not in ids
    assert locks.needs_action(sessions)

    assert re.search(rf"\bwaits\s+staging\.lock_probe\b.*\b{holder_id}\??[ ,]", row_of(text, waiter_id))
    assert re.search(r"\bholds\??\s", row_of(text, holder_id)) and statement in row_of(text, waiter_id)
    header = ["id", "user", "host", "command", "seconds", "role", "tables", "blocked", "by", "statement"]
    assert text.splitlines()[1].split() == header


def test_an_open_transaction_blocking_ddl_is_named_by_describe_blockers(warehouse, connect, etl_user):
    admin = connect(admin=True)
    execute(admin, "CREATE TABLE silver.lock_probe (id INT PRIMARY KEY)", "INSERT INTO silver.lock_probe VALUES (1)")
    holder = connect()
    execute(holder, "START TRANSACTION", "SELECT * FROM silver.lock_probe")  # its metadata lock lasts until it ends
    holder_id = connection_id(holder)
    inspector, timed_out = connect(), connect()
    ddl = "ALTER TABLE silver.lock_probe ADD COLUMN note VARCHAR(10)"
    with waiting(connect(), ddl, holder.rollback, admin) as waiter_id:
        message = locks.describe_blockers(inspector, "silver.lock_probe")
        sessions = {s.connection_id: s for s in locks.lock_sessions(inspector)}
        # the use it is made for: a statement that timed out asks, on its own connection, who holds the table
        execute(timed_out, "SET SESSION lock_wait_timeout = 1")
        with pytest.raises(MySQLdb.OperationalError) as err:
            execute(timed_out, "RENAME TABLE silver.lock_probe TO silver.lock_probe_old")
        assert err.value.args[0] == 1205  # ER_LOCK_WAIT_TIMEOUT
        after_timeout = locks.describe_blockers(timed_out, "silver.lock_probe")

    for text in (message, after_timeout):
        named = re.findall(r"^  session (\d+) \(([^)]*)\): (.*)$", text, re.M)
        assert named and int(named[0][0]) == holder_id, text  # the only open transaction comes first
        assert named[0][1].startswith(("open transaction", "in a transaction open")), text
        assert f"user {etl_user.user}, host 127.0.0.1:" in named[0][2] and "Sleep for" in named[0][2]
        assert "KILL" in text and f"Also waiting for silver.lock_probe: {waiter_id} (" in text
        assert waiter_id not in [int(n[0]) for n in named]  # a waiter is listed as one, not as a holder
    assert str(connection_id(timed_out)) not in re.findall(r"session (\d+)", after_timeout)
    assert holder_id in (sessions[waiter_id].blocked_by or sessions[waiter_id].candidates)


def test_a_row_lock_wait_names_its_blocker_exactly(warehouse, connect):
    admin = connect(admin=True)
    execute(admin, GOLD_PROBE, "INSERT INTO gold.lock_probe VALUES (1, 10)")
    holder, bystander, inspector = connect(), connect(), connect()
    execute(holder, "START TRANSACTION", "UPDATE gold.lock_probe SET amount = 11 WHERE id = 1")
    execute(bystander, "START TRANSACTION", "SELECT COUNT(*) FROM gold.lock_probe")  # open, but blocks nobody
    holder_id, bystander_id = connection_id(holder), connection_id(bystander)
    update = "UPDATE gold.lock_probe SET amount = 12 WHERE id = 1"
    with waiting(connect(), update, holder.rollback, admin) as waiter_id:
        sessions = {s.connection_id: s for s in locks.lock_sessions(inspector)}
        message = locks.describe_blockers(inspector, "gold.lock_probe")

    waiter = sessions[waiter_id]
    assert (waiter.role, waiter.tables, waiter.blocked_by) == ("waits", ("gold.lock_probe",), (holder_id,))
    assert waiter.candidates == () and waiter.note == ""
    assert bystander_id not in waiter.blocked_by
    assert (sessions[holder_id].role, sessions[holder_id].tables) == ("holds", ("gold.lock_probe",))
    assert "not identified" not in message and f"`KILL {holder_id}`" in message
    assert re.search(rf"^  session {holder_id} \(in a transaction open \d+ s\): user tokyobeta_etl", message, re.M)


def test_nothing_locked_lists_nothing(warehouse, connect):
    admin = connect(admin=True)
    execute(admin, "CREATE TABLE staging.lock_probe (id INT PRIMARY KEY)")
    execute(connect(), "USE staging", "SELECT * FROM lock_probe")  # idle in the schema, holding nothing
    execute(connect(), "START TRANSACTION", "INSERT INTO staging.lock_probe VALUES (1)", "COMMIT")
    sessions = locks.lock_sessions(connect())
    assert sessions == []
    assert locks.render(sessions) == NOTHING
    assert not locks.needs_action(sessions)


def test_locks_on_other_schemas_are_not_listed(warehouse, connect):
    admin = connect(admin=True)
    execute(
        admin,
        f"DROP DATABASE IF EXISTS {OTHER_SCHEMA}",
        f"CREATE DATABASE {OTHER_SCHEMA}",
        f"CREATE TABLE {OTHER_SCHEMA}.t (id INT PRIMARY KEY, v INT)",
        f"INSERT INTO {OTHER_SCHEMA}.t VALUES (1, 1)",
        f"CREATE TABLE {OTHER_SCHEMA}.u (id INT PRIMARY KEY)",
    )
    try:
        locker, row_holder = connect(admin=True), connect(admin=True)
        execute(locker, f"LOCK TABLES {OTHER_SCHEMA}.u READ")
        execute(row_holder, "START TRANSACTION", f"UPDATE {OTHER_SCHEMA}.t SET v = 2 WHERE id = 1")
        with ExitStack() as stack:
            insert, update = (
                f"INSERT INTO {OTHER_SCHEMA}.u VALUES (1)",
                f"UPDATE {OTHER_SCHEMA}.t SET v = 3 WHERE id = 1",
            )
            unlock = partial(execute, locker, "UNLOCK TABLES")
            md_waiter = stack.enter_context(waiting(connect(admin=True), insert, unlock, admin))
            row_waiter = stack.enter_context(waiting(connect(admin=True), update, row_holder.rollback, admin))
            ours = locks.lock_sessions(connect())
            theirs = {s.connection_id: s for s in locks.lock_sessions(admin, schemas=(OTHER_SCHEMA,))}
        assert ours == []
        # the same sessions, asked about their own schema: they are seen, so it is the schema that kept them out
        assert theirs[row_waiter].blocked_by == (connection_id(row_holder),)
        assert connection_id(locker) in (theirs[md_waiter].blocked_by or theirs[md_waiter].candidates)
    finally:
        execute(admin, f"DROP DATABASE IF EXISTS {OTHER_SCHEMA}")


def test_the_show_locks_command(warehouse, connect, mysql_server, etl_user, monkeypatch, capsys):
    url = mysql_server.url(etl_user.user, etl_user.password)
    env = airflow_env.connections(url, "http://127.0.0.1:1", "ap-northeast-1")  # AWS unused here
    monkeypatch.setenv("AIRFLOW_CONN_TOKYOBETA_AURORA", env["AIRFLOW_CONN_TOKYOBETA_AURORA"])
    admin = connect(admin=True)
    execute(admin, GOLD_PROBE, "INSERT INTO gold.lock_probe VALUES (1, 10)")
    holder = connect()
    execute(holder, "START TRANSACTION", "UPDATE gold.lock_probe SET amount = 11 WHERE id = 1")
    holder_id = connection_id(holder)
    update = "UPDATE gold.lock_probe SET amount = 12 WHERE id = 1"
    with waiting(connect(), update, holder.rollback, admin) as waiter_id:
        assert oncall.main(["show-locks"]) == 1
        out = capsys.readouterr().out
    on = "staging, staging_load, staging_prev, silver, gold, ops"
    assert f"\n2 session(s) hold or wait for locks on {on}; 1 waiting:\n" in "\n" + out  # Airflow may log first
    assert re.search(rf"\bwaits\s+gold\.lock_probe\s+{holder_id}\s+{re.escape(update)}$", row_of(out, waiter_id))
    assert re.search(r"\bholds\s+gold\.lock_probe\s+-\s+-$", row_of(out, holder_id))

    assert oncall.main(["show-locks"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == NOTHING
