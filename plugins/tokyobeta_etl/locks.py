"""Which database sessions hold or wait for locks on the pipeline's schemas (the on-call `show-locks`), and who
blocks a statement that timed out waiting for a lock (`describe_blockers`).

`snapshot` reads what the server shows (MariaDB 10.11 or MySQL 8.0 / Aurora MySQL 3); everything after it is pure.
Seeing other users' sessions needs the PROCESS privilege (include/sql/admin/grants.sql).

How exactly a blocker is known:
- row locks: exact on both (MariaDB information_schema.INNODB_LOCK_WAITS, MySQL performance_schema.data_lock_waits);
- metadata locks (DDL, RENAME, LOCK TABLES, a transaction that read a table): exact on MySQL 8.0 with
  performance_schema, and on MariaDB only with the METADATA_LOCK_INFO plugin (not loaded by default). Otherwise
  the waiter's blockers are candidates: open transactions, sessions queued ahead of it, statements running on the
  table, and, while the table is in use (SHOW OPEN TABLES In_use > 0: an idle session in LOCK TABLES keeps it so),
  idle sessions. The output says so ("blocker not identified exactly", role "holds?").
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass, replace

import MySQLdb

from tokyobeta_etl import config

PIPELINE_SCHEMAS = (config.STAGING, config.STAGING_LOAD, config.STAGING_PREV, config.SILVER, config.GOLD, config.OPS)

STATEMENT_WIDTH = 120
# A qualified table name in a statement: schema.table, either part optionally `quoted`.
_QUALIFIED = re.compile(r"(?:`([^`]+)`|(\w+))\s*\.\s*(?:`([^`]+)`|(\w+))")
# Process-list states of a session waiting for a metadata, table-level, global read or backup lock.
_LOCK_WAIT_STATE = re.compile(r"^Waiting for .*lock", re.IGNORECASE)
_CANDIDATE = "may hold the lock"
# Commands of server-internal threads: never lock holders of ours.
_INTERNAL_COMMANDS = {"Daemon", "Binlog Dump", "Binlog Dump GTID", "Slave_IO", "Slave_SQL", "Slave_worker"}


@dataclass(frozen=True)
class LockSession:
    connection_id: int
    user: str
    host: str
    command: str
    seconds: int  # in its current command; for a session in a transaction, the transaction's age if longer
    state: str
    statement: str | None
    role: str  # "holds" or "waits" (a waiter may hold other locks too)
    tables: tuple[str, ...]  # schema.table where the server tells it; empty when it cannot
    blocked_by: tuple[int, ...]  # the connections it waits for, where the server tells it
    candidates: tuple[int, ...] = ()  # when it does not: the sessions that may hold what it waits for
    note: str = ""


# ---- What the server shows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Process:
    id: int
    user: str
    host: str
    db: str | None
    command: str
    seconds: int
    state: str
    info: str | None


@dataclass(frozen=True)
class Transaction:
    seconds: int
    waiting: bool  # trx_state LOCK WAIT
    query: str | None


@dataclass(frozen=True)
class Snapshot:
    self_id: int
    processes: dict[int, Process]
    transactions: dict[int, Transaction]  # by connection id
    in_use: dict[str, int]  # schema.table -> SHOW OPEN TABLES In_use, for tables in use only
    row_waits: tuple[tuple[int, int, str], ...]  # (waiting id, blocking id, schema.table)
    metadata_locks: tuple[tuple[int, str, bool], ...] | None  # (id, schema.table, granted); None: not shown
    no_metadata_locks: str = ""  # why metadata_locks is None


def snapshot(conn) -> Snapshot:
    with closing(conn.cursor()) as cur:
        cur.execute("SELECT VERSION(), CONNECTION_ID()")
        version, self_id = cur.fetchone()
        read = _read_mariadb if "MariaDB" in version else _read_mysql8
        return read(cur, int(self_id))


def _read_common(cur) -> tuple[dict, dict, dict]:
    """The process list, InnoDB's transactions and the tables in use: the same views on both servers. InnoDB serves
    INNODB_TRX / INNODB_LOCKS / INNODB_LOCK_WAITS from a cache refreshed only when unread for 0.1 s (_consistent)."""
    cur.execute("SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST")
    processes = {
        int(i): Process(int(i), user or "", host or "", db, command or "", int(time or 0), state or "", info)
        for i, user, host, db, command, time, state, info in cur.fetchall()
    }
    cur.execute(
        "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()), trx_state, trx_query "
        "FROM information_schema.INNODB_TRX"
    )
    transactions = {int(i): Transaction(int(age or 0), state == "LOCK WAIT", q) for i, age, state, q in cur.fetchall()}
    cur.execute("SHOW OPEN TABLES WHERE In_use > 0")
    in_use = {f"{db}.{name}": int(n) for db, name, n, _ in cur.fetchall()}
    return processes, transactions, in_use


# ---- MariaDB 10.11 (tested) ---------------------------------------------------------------------------------------


def _read_mariadb(cur, self_id: int) -> Snapshot:
    processes, transactions, in_use = _read_common(cur)
    cur.execute(
        "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id, l.lock_table "
        "FROM information_schema.INNODB_LOCK_WAITS w "
        "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
        "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
        "JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id"
    )
    row_waits = tuple((int(w), int(b), _lock_table(t)) for w, b, t in cur.fetchall())
    cur.execute(
        "SELECT COUNT(*) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'METADATA_LOCK_INFO'"
    )
    if not cur.fetchone()[0]:
        why = "the server does not show metadata-lock owners: MariaDB's METADATA_LOCK_INFO plugin is not loaded"
        return Snapshot(self_id, processes, transactions, in_use, row_waits, None, why)
    # The plugin lists granted locks only; waiters come from the process list.
    cur.execute(
        "SELECT THREAD_ID, TABLE_SCHEMA, TABLE_NAME FROM information_schema.METADATA_LOCK_INFO "
        "WHERE LOCK_TYPE = 'Table metadata lock'"
    )
    mdl = tuple((int(i), f"{s}.{t}", True) for i, s, t in cur.fetchall())
    return Snapshot(self_id, processes, transactions, in_use, row_waits, mdl)


def _lock_table(lock_table: str) -> str:
    """INNODB_LOCKS.lock_table, `schema`.`table` (a partition after it), as schema.table."""
    m = _QUALIFIED.match(lock_table)
    return f"{m[1] or m[2]}.{m[3] or m[4]}" if m else lock_table


# ---- MySQL 8.0 / Aurora MySQL 3 (not tested here) ------------------------------------------------------------------


def _read_mysql8(cur, self_id: int) -> Snapshot:
    """Written to MySQL 8.0's documented performance_schema tables (metadata_locks, threads, data_locks,
    data_lock_waits); no MySQL 8 server tests it here. Without them, the process list and INNODB_TRX only."""
    processes, transactions, in_use = _read_common(cur)
    if why := _performance_schema_unreadable(cur):
        return Snapshot(self_id, processes, transactions, in_use, (), None, why)
    cur.execute(
        "SELECT t.PROCESSLIST_ID, m.OBJECT_SCHEMA, m.OBJECT_NAME, m.LOCK_STATUS "
        "FROM performance_schema.metadata_locks m JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID "
        "WHERE m.OBJECT_TYPE = 'TABLE' AND t.PROCESSLIST_ID IS NOT NULL AND m.LOCK_STATUS IN ('GRANTED', 'PENDING')"
    )
    mdl = tuple((int(i), f"{s}.{t}", status == "GRANTED") for i, s, t, status in cur.fetchall())
    cur.execute(
        "SELECT rt.PROCESSLIST_ID, bt.PROCESSLIST_ID, l.OBJECT_SCHEMA, l.OBJECT_NAME "
        "FROM performance_schema.data_lock_waits w "
        "JOIN performance_schema.data_locks l "
        "ON l.ENGINE = w.ENGINE AND l.ENGINE_LOCK_ID = w.REQUESTING_ENGINE_LOCK_ID "
        "JOIN performance_schema.threads rt ON rt.THREAD_ID = w.REQUESTING_THREAD_ID "
        "JOIN performance_schema.threads bt ON bt.THREAD_ID = w.BLOCKING_THREAD_ID"
    )
    row_waits = tuple((int(w), int(b), f"{s}.{t}") for w, b, s, t in cur.fetchall())
    return Snapshot(self_id, processes, transactions, in_use, row_waits, mdl)


def _performance_schema_unreadable(cur) -> str:
    cur.execute("SELECT @@performance_schema")
    if not cur.fetchone()[0]:
        return "performance_schema is off"
    try:
        cur.execute(
            "SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = 'wait/lock/metadata/sql/mdl'"
        )
    except (MySQLdb.OperationalError, MySQLdb.ProgrammingError) as err:
        if err.args[0] not in (1044, 1142, 1143):  # access denied to the database, table, column
            raise
        return f"this user cannot read performance_schema (GRANT SELECT ON performance_schema.*): {err.args[1]}"
    row = cur.fetchone()
    return "" if row and row[0] == "YES" else "performance_schema's metadata-lock instrument is disabled"


# ---- Who holds, who waits (pure) -----------------------------------------------------------------------------------


def _tables_named(statement: str | None, db: str | None, schemas, known=()) -> set[str]:
    """Tables of `schemas` a statement names: qualified, or unqualified `known` tables of its default schema `db`."""
    if not statement:
        return set()
    found = {f"{m[1] or m[2]}.{m[3] or m[4]}" for m in _QUALIFIED.finditer(statement)}
    found |= {t for t in known if t.split(".")[0] == db and re.search(rf"\b{re.escape(t.split('.')[1])}\b", statement)}
    return {t for t in found if t.split(".")[0] in schemas}


def _ours(table: str, schemas) -> bool:
    return table.split(".")[0] in schemas


def _consistent(snap: Snapshot) -> Snapshot:
    """InnoDB refreshes its information_schema views at most every 0.1 s: a lock wait of a session the process list
    shows idle has ended."""
    running = {i for i, p in snap.processes.items() if p.command != "Sleep"}
    trx = {i: t if i in running else replace(t, waiting=False) for i, t in snap.transactions.items()}
    return replace(snap, transactions=trx, row_waits=tuple(w for w in snap.row_waits if w[0] in running))


def _others(snap: Snapshot, exclude_self: bool) -> dict[int, Process]:
    return {
        i: p
        for i, p in snap.processes.items()
        if p.command not in _INTERNAL_COMMANDS and not (exclude_self and i == snap.self_id)
    }


def _waits(snap: Snapshot, procs: dict[int, Process], schemas) -> dict[int, set[str]]:
    """Waiting connection -> the tables of `schemas` it waits for (may be empty when its statement does not say)."""
    waits: dict[int, set[str]] = {}
    for w, _, table in snap.row_waits:
        if w in procs and _ours(table, schemas):
            waits.setdefault(w, set()).add(table)
    for i, table, granted in snap.metadata_locks or ():
        if i in procs and not granted and _ours(table, schemas):
            waits.setdefault(i, set()).add(table)
    for i, p in procs.items():
        trx = snap.transactions.get(i)
        if _LOCK_WAIT_STATE.match(p.state) or (trx and trx.waiting):
            tables = _tables_named(p.info or (trx.query if trx else None), p.db, schemas, snap.in_use)
            if tables or p.db in schemas:
                waits.setdefault(i, set()).update(tables)
    return waits


def _exact_blockers(snap: Snapshot, procs, tables: set[str], waiter: int | None) -> set[int]:
    """Sessions the server shows holding what `waiter` waits for on `tables` (without a waiter: any lock on them)."""
    rows = {b for w, b, t in snap.row_waits if t in tables and waiter in (None, w)}
    if rows and waiter is not None:
        return rows & set(procs)  # a row-lock wait: metadata-lock holders of the table are not what blocks it
    mdl = {i for i, t, granted in snap.metadata_locks or () if granted and t in tables}
    return (rows | mdl) & (set(procs) - {waiter})


def _candidates(snap: Snapshot, procs, tables: set[str], waiter: int | None, waits) -> list[tuple[int, str]]:
    """Sessions that may hold a metadata or table lock on `tables` when the server does not tell who: (id, why),
    likeliest first."""
    waited = procs[waiter].seconds if waiter in procs else -1
    schemas = {t.split(".")[0] for t in tables}
    out: dict[int, str] = {}
    for i, trx in sorted(snap.transactions.items(), key=lambda kv: -kv[1].seconds):
        if i in procs:  # a transaction keeps the metadata locks of every table it touched until it ends
            out.setdefault(i, f"open transaction {trx.seconds} s")
    for i in sorted(waits, key=lambda i: -procs[i].seconds):
        if (waits[i] & tables or not tables) and procs[i].seconds > waited:  # a pending DDL blocks later requests
            out.setdefault(i, f"queued ahead, waiting {procs[i].seconds} s")
    for i, p in procs.items():
        if p.command != "Sleep" and i not in waits and _tables_named(p.info, p.db, schemas, tables) & tables:
            out.setdefault(i, f"running a statement on it for {p.seconds} s")
    if in_use := [t for t in sorted(tables) if snap.in_use.get(t)]:
        # The table is open somewhere: an idle session in LOCK TABLES keeps it so, and nothing else tells it.
        for i, p in sorted(procs.items(), key=lambda kv: -kv[1].seconds):
            if p.command == "Sleep":
                out.setdefault(i, f"idle {p.seconds} s while {in_use[0]} is in use: LOCK TABLES?")
    out.pop(waiter, None)
    return list(out.items())


def assemble(snap: Snapshot, schemas=PIPELINE_SCHEMAS, exclude_self: bool = True) -> list[LockSession]:
    snap = _consistent(snap)
    procs = _others(snap, exclude_self)
    waits = _waits(snap, procs, schemas)
    holds: dict[int, set[str]] = {}  # sessions the server shows holding a lock (row or metadata) on `schemas`
    for i, table, granted in snap.metadata_locks or ():
        if i in procs and granted and _ours(table, schemas):
            holds.setdefault(i, set()).add(table)
    for w, b, table in snap.row_waits:
        if w in waits and b in procs:
            holds.setdefault(b, set()).add(table)
    blocked, candidates = {}, {}
    for w, tables in waits.items():
        if exact := _exact_blockers(snap, procs, tables, w):
            blocked[w] = exact
        else:
            candidates[w] = _candidates(snap, procs, tables, w, waits)
    suspected: dict[int, list[int]] = {}  # candidate -> the waiters it may block
    for w, found in candidates.items():
        for c, _ in found:
            suspected.setdefault(c, []).append(w)
    listed = set(waits) | set(holds) | set(suspected) | {b for ids in blocked.values() for b in ids}
    sessions = [
        _session(procs[i], snap.transactions.get(i), i in waits, waits.get(i, set()) | holds.get(i, set()),
                 blocked.get(i, ()), candidates.get(i), _note(i, candidates, suspected, holds, blocked, snap))
        for i in listed
    ]  # fmt: skip
    return sorted(sessions, key=lambda s: (-s.seconds, s.role != "holds", s.connection_id))


def _note(i: int, candidates, suspected, holds, blocked, snap: Snapshot) -> str:
    """Says where a blocker is a guess: on the waiter (its candidates) and on a candidate (whom it may block)."""
    if i in candidates:
        why = snap.no_metadata_locks or "no session shows a lock on it"
        found = ", ".join(f"{c} ({reason})" for c, reason in candidates[i]) or "none found"
        return f"blocker not identified exactly ({why}): candidates {found}"
    if i in suspected and i not in holds and not any(i in ids for ids in blocked.values()):
        return f"{_CANDIDATE} that {', '.join(map(str, sorted(suspected[i])))} wait(s) for (a candidate, not sure)"
    return ""


def _session(p: Process, trx: Transaction | None, waiting: bool, tables, blocked_by, candidates, note) -> LockSession:
    return LockSession(
        connection_id=p.id,
        user=p.user,
        host=p.host,
        command=p.command,
        seconds=max(p.seconds, trx.seconds if trx else 0),
        state=p.state,
        statement=p.info or (trx.query if trx else None),
        role="waits" if waiting else "holds",
        tables=tuple(sorted(tables)),
        blocked_by=tuple(sorted(blocked_by)),
        candidates=tuple(c for c, _ in candidates or ()),
        note=note,
    )


def needs_action(sessions: list[LockSession]) -> bool:
    return any(s.role == "waits" for s in sessions)


def _one_line(statement: str | None, width: int = STATEMENT_WIDTH) -> str:
    text = " ".join((statement or "-").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _blocked_by(s: LockSession) -> str:
    if s.blocked_by:
        return ",".join(map(str, s.blocked_by))
    return ",".join(f"{c}?" for c in s.candidates) or "-"


def render(sessions: list[LockSession], schemas=PIPELINE_SCHEMAS) -> str:
    on = ", ".join(schemas)
    if not sessions:
        return f"OK: no session holds or waits for a lock on {on}"
    header = ("id", "user", "host", "command", "seconds", "role", "tables", "blocked by", "statement")
    rows = [
        (str(s.connection_id), s.user, s.host, s.command, str(s.seconds),
         s.role + ("?" if s.role == "holds" and s.note.startswith(_CANDIDATE) else ""),
         ",".join(s.tables) or "-", _blocked_by(s), _one_line(s.statement))
        for s in sessions
    ]  # fmt: skip
    widths = [max(len(r[k]) for r in (header, *rows)) for k in range(len(header) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1] for r in (header, *rows)]
    waiting = sum(s.role == "waits" for s in sessions)
    title = f"{len(sessions)} session(s) hold or wait for locks on {on}; {waiting} waiting:"
    notes = [f"  {s.connection_id}: {s.note}" for s in sessions if s.note]
    return "\n".join([title, *(line.rstrip() for line in lines), *(["notes:", *notes] if notes else [])])


def lock_sessions(conn, schemas=PIPELINE_SCHEMAS, exclude_self: bool = True) -> list[LockSession]:
    """The sessions that hold or wait for locks on tables of `schemas`, longest first. `conn`: a DB-API connection
    (MySqlHook.get_conn()) whose user has the PROCESS privilege."""
    return assemble(snapshot(conn), tuple(schemas), exclude_self)


def describe_blockers(conn, table: str) -> str:
    """For a statement that timed out waiting for a lock on `table` (schema.table): who holds it and what to do."""
    snap = _consistent(snapshot(conn))
    procs = _others(snap, exclude_self=True)
    waits = _waits(snap, procs, (table.split(".")[0],))
    waiting = sorted(i for i, tables in waits.items() if table in tables)
    lines = []
    if exact := sorted(_exact_blockers(snap, procs, {table}, None) - set(waiting)):
        lines.append(f"Holding a lock on {table}:")
        lines += [f"  {_describe(procs[i], _in_transaction(snap.transactions.get(i)))}" for i in exact]
        kill = ", ".join(f"`KILL {i}`" for i in exact)
        lines.append(f"Ask its owner to end it (COMMIT or ROLLBACK, UNLOCK TABLES, or log off), or {kill} (admin).")
    elif snap.metadata_locks is not None:
        lines.append(f"No session holds a lock on {table} now (it has been released): retry the statement.")
    elif found := [(i, why) for i, why in _candidates(snap, procs, {table}, None, waits) if i not in waiting]:
        lines.append(f"The session holding {table} is not identified exactly ({snap.no_metadata_locks}); candidates:")
        lines += [f"  {_describe(procs[i], why)}" for i, why in found]
        kill = " or ".join(f"`KILL {i}`" for i, _ in found)
        lines.append(f"Ask the owner of the one that should not be open to end it, or {kill} (admin).")
    else:
        lines.append(f"No session is seen holding {table} ({snap.no_metadata_locks}): retry the statement.")
    if waiting:
        queue = ", ".join(f"{i} ({procs[i].seconds} s: {_one_line(procs[i].info, 60)})" for i in waiting)
        lines.append(f"Also waiting for {table}: {queue}")
    return "\n".join(lines)


def _in_transaction(trx: Transaction | None) -> str:
    return f"in a transaction open {trx.seconds} s" if trx else ""


def _describe(p: Process, why: str) -> str:
    return (
        f"session {p.id}{f' ({why})' if why else ''}: user {p.user}, host {p.host}, {p.command} for {p.seconds} s, "
        f"statement: {_one_line(p.info)}"
    )
